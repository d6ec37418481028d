"""A task-tuned encoder with a linear head, at run time (numpy): classify texts from pooled pieces.

``crosswire.embed.finetune`` (training time, torch) fine-tunes an encoder (all-MiniLM-L6-v2, or
all-mpnet-base-v2: the JSON's ``encoder`` names it) with a low-rank adapter and a linear softmax
head for one task; this module runs the result with the numpy encoder.
The features of a text are the means of its last-layer word-piece vectors over a fixed number of
*pools*: the first pool is the whole text, the others are character spans the task marks (PLOVER's
source and target actors, say). A span that is missing, or that covers no piece, pools the whole
text instead, at training and at run time alike (``piece_range``).

File: one ``.npz`` (``allow_pickle=False``) with the adapter's arrays (``crosswire.embed.adapter``),
``head|w`` (classes × features), ``head|b`` and ``head|pools``; the label names are in a JSON file
beside it, with the settings the model was trained with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .adapter import Adapter
from .minilm import SentenceEncoder, TokenVectors

__all__ = ["TunedClassifier", "TunedTagger", "PieceTags", "piece_range", "pool", "read_tuned", "tuned_encoder"]

Span = tuple[int, int]


def piece_range(offsets: np.ndarray, span: Span | None) -> tuple[int, int]:
    """The word pieces a character span covers, as a [lo, hi) range of piece indices.

    Args:
        offsets (np.ndarray): (n, 2) character spans of the pieces ([CLS]/[SEP] excluded).
        span (Span | None): [start, end) in the text, or None.
    RETURNS (tuple[int, int]): the pieces that overlap the span; (0, n), the whole text, when the
        span is None or covers no piece (it was cut off by truncation, say).
    """
    n = len(offsets)
    if span is None or n == 0:
        return 0, n
    s, e = span
    hit = np.nonzero((offsets[:, 0] < e) & (offsets[:, 1] > s))[0]
    if hit.size == 0:
        return 0, n
    return int(hit[0]), int(hit[-1]) + 1


def pool(tokens: TokenVectors, spans: Sequence[Span | None]) -> np.ndarray:
    """A text's features: the whole-text mean of its piece vectors, then one mean per span.

    Args:
        tokens (TokenVectors): the text's pieces (``SentenceEncoder.encode_tokens``).
        spans (Sequence[Span | None]): the task's spans (possibly none).
    RETURNS (np.ndarray): float32, (1 + len(spans)) × width values (the encoder's width).
    """
    out = np.zeros((1 + len(spans), tokens.vectors.shape[-1]), dtype=np.float32)
    if len(tokens.vectors) == 0:
        return out.ravel()
    for k, span in enumerate((None, *spans)):
        lo, hi = piece_range(tokens.offsets, span)
        out[k] = tokens.vectors[lo:hi].mean(axis=0)
    return out.ravel()


def tuned_encoder_class(info: dict, adapter: Adapter) -> type[SentenceEncoder]:
    """The encoder class a tuned model's JSON names (``encoder``); its ``WIDTH`` checks the head
    before the weights are loaded.

    Raises:
        ModelError: when the JSON names an unknown encoder.
    """
    from . import encoder_class

    try:
        return encoder_class(str(info.get("encoder", "")))
    except ValueError as exc:
        raise ModelError(f"{adapter.source}: {exc}; rebuild it with `make train`") from exc


def tuned_encoder(cls_: type[SentenceEncoder], info: dict, adapter: Adapter, shared: Sequence[SentenceEncoder] = ()) -> SentenceEncoder:
    """The tuned model's encoder: the first of ``shared`` of class ``cls_`` with the adapter applied
    (``SentenceEncoder.with_adapter``: its untouched weights are shared, not copied), or, when none
    is, ``cls_`` loaded afresh with the adapter merged.

    Args:
        cls_ (type[SentenceEncoder]): the encoder class the model names (``tuned_encoder_class``).
        info (dict): the model's JSON settings (``max_length``).
        adapter (Adapter): the model's adapter.
        shared (Sequence[SentenceEncoder]): base encoders already loaded (from the installed packages).
    RETURNS (SentenceEncoder): the tuned encoder.
    Raises:
        ModelError: when the adapter does not fit, or the encoder's package is missing.
    """
    max_length = int(info.get("max_length", 256))
    for base in shared:
        if type(base) is cls_:
            return base.with_adapter(adapter, max_length=max_length)
    return cls_.load(max_length=max_length, adapter=adapter)


def read_tuned(stem: str | Path) -> tuple[dict[str, np.ndarray], dict, Adapter]:
    """Read ``STEM.npz`` and ``STEM.json`` of a tuned model and check the head arrays are there.

    RETURNS (tuple[dict, dict, Adapter]): the arrays, the JSON settings and the adapter.
    Raises:
        ModelError: when a file is missing or unreadable, or ``head|w``/``head|b`` are missing.
    """
    stem = Path(stem)
    npz, meta = stem.with_suffix(".npz"), stem.with_suffix(".json")
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        with np.load(npz, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{stem}: cannot read the tuned model ({exc}); rebuild it with `make train`") from exc
    for key in ("head|w", "head|b"):
        if key not in arrays:
            raise ModelError(f"{npz}: {key!r} is missing; rebuild it with `make train`")
    return arrays, info, Adapter.from_arrays(arrays, source=str(npz))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True, slots=True)
class TunedClassifier:
    """A tuned encoder and its linear softmax head.

    Attributes:
        encoder (SentenceEncoder): the encoder with the task's adapter merged in.
        weights (np.ndarray): (classes, features) float32.
        bias (np.ndarray): (classes,) float32.
        labels (tuple[str, ...]): the class names, in the head's order.
        spans (int): how many task spans each text has (features = (1 + spans) × the encoder's width).
        settings (dict): how it was trained (for reports).
    """

    encoder: SentenceEncoder
    weights: np.ndarray
    bias: np.ndarray
    labels: tuple[str, ...]
    spans: int
    settings: dict

    @classmethod
    def load(cls, stem: str | Path, *, shared: Sequence[SentenceEncoder] = ()) -> "TunedClassifier":
        """Load ``STEM.npz`` and ``STEM.json`` and apply the adapter to the encoder (``tuned_encoder``).

        Args:
            stem (str | Path): the files' path without extension.
            shared (Sequence[SentenceEncoder]): base encoders already loaded; one of the model's class
                lends it the weights the adapter leaves alone (none: a fresh copy is loaded).
        RETURNS (TunedClassifier): the classifier.
        Raises:
            ModelError: when a file is missing or inconsistent, or the encoder package is missing.
        """
        arrays, info, adapter = read_tuned(stem)
        w = np.asarray(arrays["head|w"], dtype=np.float32)
        b = np.asarray(arrays["head|b"], dtype=np.float32)
        labels = tuple(info.get("labels", ()))
        spans = int(info.get("spans", 0))
        cls_ = tuned_encoder_class(info, adapter)
        if w.shape != (len(labels), (1 + spans) * cls_.WIDTH) or b.shape != (len(labels),):
            raise ModelError(f"{adapter.source}: head {w.shape} does not fit {len(labels)} labels and {spans} spans")
        encoder = tuned_encoder(cls_, info, adapter, shared)
        return cls(encoder=encoder, weights=w, bias=b, labels=labels, spans=spans, settings=dict(info.get("settings", {})))

    def features(self, texts: Sequence[str], spans: Sequence[Sequence[Span | None]] | None = None) -> np.ndarray:
        """Pooled features of each text.

        Args:
            texts (Sequence[str]): the texts.
            spans (Sequence[Sequence[Span | None]] | None): per text, its ``self.spans`` spans; None
                when the caller has none (each span then pools the whole text).
        RETURNS (np.ndarray): float32 (len(texts), (1 + spans) × the encoder's width).
        """
        if spans is not None and len(spans) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(spans)} span lists")
        tokens = self.encoder.encode_tokens(list(texts))
        rows = []
        for i, tv in enumerate(tokens):
            mine = list(spans[i]) if spans is not None else []
            mine = (mine + [None] * self.spans)[: self.spans]
            rows.append(pool(tv, mine))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), (1 + self.spans) * self.encoder.dim)

    def probabilities(self, texts: Sequence[str], spans: Sequence[Sequence[Span | None]] | None = None) -> np.ndarray:
        """Class probabilities of each text, columns in ``self.labels`` order.

        Args:
            texts (Sequence[str]): the texts.
            spans (Sequence[Sequence[Span | None]] | None): as for ``features``.
        RETURNS (np.ndarray): float64 (len(texts), classes), rows summing to 1.
        """
        x = self.features(texts, spans).astype(np.float64)
        return _softmax(x @ self.weights.T.astype(np.float64) + self.bias)


@dataclass(frozen=True, slots=True)
class PieceTags:
    """A text's word pieces with their tag probabilities.

    Attributes:
        offsets (np.ndarray): int64 (n, 2), each piece's [start, end) in the text.
        probabilities (np.ndarray): float64 (n, tags), rows summing to 1.
    """

    offsets: np.ndarray
    probabilities: np.ndarray


@dataclass(frozen=True, slots=True)
class TunedTagger:
    """A tuned encoder and its linear softmax head over each word piece (a span tagger's core).

    Attributes:
        encoder (SentenceEncoder): the encoder with the task's adapter merged in.
        weights (np.ndarray): (tags, width) float32.
        bias (np.ndarray): (tags,) float32.
        tags (tuple[str, ...]): the tag names, in the head's order.
        settings (dict): how it was trained (for reports).
    """

    encoder: SentenceEncoder
    weights: np.ndarray
    bias: np.ndarray
    tags: tuple[str, ...]
    settings: dict

    @classmethod
    def load(cls, stem: str | Path, *, shared: Sequence[SentenceEncoder] = ()) -> "TunedTagger":
        """Load ``STEM.npz`` and ``STEM.json`` and apply the adapter to the encoder (``tuned_encoder``;
        ``shared`` as for ``TunedClassifier.load``).

        Raises:
            ModelError: when a file is missing or inconsistent, or the encoder package is missing.
        """
        arrays, info, adapter = read_tuned(stem)
        w = np.asarray(arrays["head|w"], dtype=np.float32)
        b = np.asarray(arrays["head|b"], dtype=np.float32)
        tags = tuple(info.get("tags", ()))
        cls_ = tuned_encoder_class(info, adapter)
        if w.shape != (len(tags), cls_.WIDTH) or b.shape != (len(tags),):
            raise ModelError(f"{adapter.source}: head {w.shape} does not fit {len(tags)} tags")
        encoder = tuned_encoder(cls_, info, adapter, shared)
        return cls(encoder=encoder, weights=w, bias=b, tags=tags, settings=dict(info.get("settings", {})))

    def tag(self, texts: Sequence[str]) -> list[PieceTags]:
        """Tag probabilities of every word piece of each text (a text longer than the encoder's
        ``max_length`` pieces: its first pieces only; the caller splits long texts).

        Args:
            texts (Sequence[str]): the texts.
        RETURNS (list[PieceTags]): one per text.
        """
        out = []
        for tv in self.encoder.encode_tokens(list(texts)):
            z = tv.vectors.astype(np.float64) @ self.weights.T.astype(np.float64) + self.bias
            out.append(PieceTags(offsets=tv.offsets, probabilities=_softmax(z) if len(z) else z.reshape(0, len(self.tags))))
        return out
