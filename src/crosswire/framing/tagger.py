"""Propaganda span tagger: Loaded_Language and Name_Calling,Labeling spans in a spaCy ``Doc``.

A linear model per technique (logistic regression) scores every token from hashed token features
(``framing.features``: the word, its lemma, shape, tags and dependency, the words and tags around
it, quoting and title context, and a word-bias lexicon drawn from BABE and BASIL annotations). Its
probability says how likely the token lies inside a span of that technique. Decoding is by
hysteresis: a run of tokens at or over the technique's low threshold, inside one sentence,
becomes a span when one of its tokens reaches the high threshold; punctuation at either edge is
trimmed. The span's score is the highest token probability in it.

The weights ship in ``framing/models/`` as ``span_tagger.npz`` (sparse weights by hash bucket,
the lexicon as word hashes) and ``span_tagger.json`` (techniques, thresholds, feature version,
cross-validation scores), written by ``python -m crosswire.framing.train`` (``make train``). Run
time needs numpy and the ``Doc`` only.

Usage::

    tagger = SpanTagger.load()
    for span in tagger.tag(doc):
        print(doc.text[span.start:span.end], span.technique, span.score)
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .features import FEATURE_VERSION, HASH_BITS, doc_buckets

logger = logging.getLogger(__name__)

__all__ = ["SpanTagger", "TaggedSpan", "TokenLayout", "TECHNIQUES", "MODELS_DIR", "decode"]

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_NAME = "span_tagger"
#: The PTC technique names the tagger predicts.
TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling")


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    """One predicted propaganda span: character offsets into ``doc.text`` (end exclusive)."""

    start: int
    end: int
    technique: str
    score: float


@dataclass(frozen=True, slots=True)
class SpanTagger:
    """Linear token scorers, one per technique, with span decoding settings.

    Build it with ``SpanTagger.load()``. ``weights`` is dense over all hash buckets,
    shape (2**HASH_BITS, len(techniques)); ``thresholds`` / ``lows`` are the high / low token probabilities of span decoding (``decode``);
    ``lexicon`` maps ``features.word_key(word)`` to a word class (the BABE/BASIL bias lexicon the
    model was trained with, kept as hashes).
    """

    techniques: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    thresholds: tuple[float, ...]
    meta: dict
    lows: tuple[float, ...] | None = None
    lexicon: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> "SpanTagger":
        """Load a tagger written by ``python -m crosswire.framing.train``.

        Args:
            path (Path | None): a folder holding ``span_tagger.json`` and ``span_tagger.npz``, or
                the path of either file; None: the model shipped in ``framing/models/``.
        RETURNS (SpanTagger): the tagger.
        Raises:
            ModelError: when the files are missing, unreadable, or made for other features.
        """
        path = Path(path) if path is not None else MODELS_DIR
        folder = path.parent if path.suffix in (".json", ".npz") else path
        meta_path, npz_path = folder / f"{MODEL_NAME}.json", folder / f"{MODEL_NAME}.npz"
        how = "Train it with `python -m crosswire.framing.train ../shared/bench/framing` (make train)."
        if not meta_path.is_file() or not npz_path.is_file():
            raise ModelError(f"The span tagger model is missing: expected {meta_path} and {npz_path}. {how}")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"The span tagger model at {folder} cannot be read ({exc}). {how}") from exc
        if meta.get("feature_version") != FEATURE_VERSION or meta.get("hash_bits") != HASH_BITS:
            raise ModelError(
                f"The span tagger model at {folder} was trained on features v{meta.get('feature_version')} "
                f"({meta.get('hash_bits')} hash bits); this crosswire computes v{FEATURE_VERSION} ({HASH_BITS} bits). {how}"
            )
        try:
            with np.load(npz_path, allow_pickle=False) as z:
                cols, w, b = z["cols"], z["weights"], z["bias"]
                lex_keys, lex_classes = z["lex_keys"], z["lex_classes"]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"The span tagger model at {npz_path} cannot be read ({exc}). {how}") from exc
        techniques = tuple(meta["techniques"])
        if w.shape != (len(cols), len(techniques)) or b.shape != (len(techniques),):
            raise ModelError(f"The span tagger model at {folder} has weights of shape {w.shape} for {len(techniques)} techniques. {how}")
        dense = np.zeros((1 << HASH_BITS, len(techniques)), dtype=np.float32)
        dense[cols.astype(np.int64)] = w.astype(np.float32)
        thresholds = tuple(float(meta["thresholds"][t]) for t in techniques)
        names = meta.get("lexicon_classes", [])
        lexicon = {int(k): names[int(c)] for k, c in zip(lex_keys.tolist(), lex_classes.tolist())}
        lows = tuple(float(meta.get("low_thresholds", meta["thresholds"])[t]) for t in techniques)
        return cls(techniques, dense, b.astype(np.float32), thresholds, meta, lows, lexicon)

    def token_probabilities(self, doc) -> np.ndarray:
        """Probability that each token lies inside a span of each technique.

        Args:
            doc (Doc): a parsed spaCy document.
        RETURNS (np.ndarray): float32, shape (len(doc), len(techniques)).
        """
        if len(doc) == 0:
            return np.zeros((0, len(self.techniques)), dtype=np.float32)
        buckets, offsets = doc_buckets(doc, self.lexicon)
        contrib = self.weights[buckets]
        sums = np.add.reduceat(contrib, offsets[:-1], axis=0) + self.bias
        return (1.0 / (1.0 + np.exp(-sums))).astype(np.float32)

    def tag(self, doc) -> list[TaggedSpan]:
        """Find Loaded_Language and Name_Calling,Labeling spans.

        Args:
            doc (Doc): a spaCy document parsed by the crosswire pipeline (``crosswire.nlp``).
        RETURNS (list[TaggedSpan]): spans sorted by start, then technique; character offsets into
            ``doc.text``. Spans of one technique never overlap; spans of the two may.
        """
        probs = self.token_probabilities(doc)
        if probs.shape[0] == 0:
            return []
        return decode(TokenLayout.of(doc), probs, self.techniques, self.thresholds, self.lows)


@dataclass(frozen=True, slots=True)
class TokenLayout:
    """What span decoding needs of a ``Doc``: token offsets, whitespace, punctuation, sentence starts."""

    start: np.ndarray  # int64 character offset of each token
    end: np.ndarray  # int64 end offset (exclusive)
    space: np.ndarray  # bool: whitespace token (never inside a span)
    punct: np.ndarray  # bool: punctuation (trimmed from span edges)
    sent_start: np.ndarray  # bool: first token of a sentence (a span stays in one sentence)

    @classmethod
    def of(cls, doc) -> "TokenLayout":
        """RETURNS (TokenLayout): the layout of a parsed ``Doc``."""
        from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

        n = len(doc)
        # One to_array call instead of a Token object per token and attribute.
        arr = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).astype(np.int64).reshape(n, 4)
        start = arr[:, 0].copy()
        end = start + arr[:, 1]
        space = arr[:, 2].astype(bool)
        punct = arr[:, 3].astype(bool)
        sent_start = np.zeros(n, dtype=bool)
        for sent in doc.sents:
            sent_start[sent.start] = True
        return cls(start, end, space, punct, sent_start)


def decode(layout: TokenLayout, probs: np.ndarray, techniques, thresholds, lows=None) -> list[TaggedSpan]:
    """Turn token probabilities into spans (hysteresis): a run of tokens each at or over the low
    threshold, within one sentence, is a span when one of its tokens reaches the high threshold;
    punctuation at its edges is trimmed.

    Args:
        layout (TokenLayout): the document's tokens (``TokenLayout.of(doc)``).
        probs (np.ndarray): (tokens, techniques) token probabilities.
        techniques (Sequence[str]): technique names, one per column.
        thresholds (Sequence[float]): per technique, the high threshold.
        lows (Sequence[float] | None): per technique, the low threshold (None: the high one).
    RETURNS (list[TaggedSpan]): the spans, sorted by start then technique.
    """
    n = len(layout.start)
    out: list[TaggedSpan] = []
    if n == 0:
        return out
    lows = thresholds if lows is None else lows
    for k, (tech, thr, low) in enumerate(zip(techniques, thresholds, lows)):
        on = (probs[:, k] >= min(low, thr)) & ~layout.space
        if not on.any():
            continue
        prev_on = np.concatenate(([False], on[:-1])) & ~layout.sent_start
        next_on = np.concatenate((on[1:] & ~layout.sent_start[1:], [False]))
        firsts = np.flatnonzero(on & ~prev_on)
        lasts = np.flatnonzero(on & ~next_on)
        for a, b in zip(firsts.tolist(), lasts.tolist()):
            if probs[a : b + 1, k].max() < thr:
                continue
            while a <= b and layout.punct[a]:
                a += 1
            while b >= a and layout.punct[b]:
                b -= 1
            if a <= b:
                score = round(float(probs[a : b + 1, k].max()), 4)
                out.append(TaggedSpan(int(layout.start[a]), int(layout.end[b]), tech, score))
    out.sort(key=lambda s: (s.start, s.technique))
    return out
