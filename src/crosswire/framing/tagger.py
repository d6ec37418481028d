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

With a sentence encoder (``crosswire.embed.SentenceEncoder``, all-MiniLM-L6-v2, loaded once by the
caller and passed in: ``SpanTagger.load(encoder=enc)``), a second stage (``DenseHead``) rescores
every token from its contextual vector (the mean of the encoder's last-layer word-piece vectors
inside the token, the encoder reading one sentence at a time: ``features.token_vectors``), its
neighbours' vectors, and the sparse model's two log-odds; a small network (one ReLU hidden layer)
gives the final probabilities, decoded as above with thresholds of its own. Its weights ship as
``span_tagger_dense.npz`` / ``span_tagger_dense.json``. Encoding costs about 0.7 s of CPU per
1,000-token article, so it is off unless an encoder is passed; without one the sparse model alone
runs, exactly as before.

When the model folder also holds the tuned stage (``framing.tuned``: an encoder fine-tuned with
low-rank adapters to tag word pieces, shipped as all-mpnet-base-v2, ``span_tagger_tuned.npz`` /
``.json``), an encoder passed in switches to it instead of the dense head: its token probabilities,
mixed in log-odds with the sparse model's, are decoded with its own thresholds. The stage loads its
own tuned copy of its encoder; one pass per sentence costs about 3.9 s of CPU per 1,000 tokens.
Without its files, or when its encoder's packages are not installed (logged), the dense head runs
as before.

Usage::

    tagger = SpanTagger.load()                     # or SpanTagger.load(encoder=SentenceEncoder.load())
    for span in tagger.tag(doc):
        print(doc.text[span.start:span.end], span.technique, span.score)
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError, ModelNotInstalled
from .features import (
    FEATURE_VERSION,
    HASH_BITS,
    WordClasses,
    doc_buckets,
    token_vectors,
)
from .tuned import TunedStage

logger = logging.getLogger(__name__)

__all__ = ["SpanTagger", "DenseHead", "TaggedSpan", "TokenLayout", "TECHNIQUES", "MODELS_DIR", "DENSE_INPUTS", "decode", "dense_inputs"]

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_NAME = "span_tagger"
#: Files of the second stage over contextual token vectors (``DenseHead``).
DENSE_NAME = "span_tagger_dense"
#: The PTC technique names the tagger predicts.
TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling")
#: What a ``DenseHead`` can read per token, in this order: "vec" = the token's contextual vector;
#: "prev" / "next" = the previous / next token's (zeros across a sentence start or the document
#: edge); "sparse" = the sparse model's log-odds of each technique.
DENSE_INPUTS = ("vec", "prev", "next", "sparse")
_HOW = "Train it with `python -m crosswire.framing.train ../shared/bench/framing` (make train)."


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    """One predicted propaganda span: character offsets into ``doc.text`` (end exclusive)."""

    start: int
    end: int
    technique: str
    score: float


def _log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float32), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def dense_inputs(inputs, vectors: np.ndarray, sparse_probs: np.ndarray, sent_start: np.ndarray) -> np.ndarray:
    """The input matrix of a ``DenseHead``: the named blocks side by side.

    Args:
        inputs (Sequence[str]): block names from ``DENSE_INPUTS``, in the head's order.
        vectors (np.ndarray): (tokens, width) contextual token vectors (``features.token_vectors``).
        sparse_probs (np.ndarray): (tokens, techniques) probabilities of the sparse model.
        sent_start (np.ndarray): bool (tokens,), the first token of each sentence.
    RETURNS (np.ndarray): float32, (tokens, total width of the blocks).
    Raises:
        ValueError: for an unknown block name.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    parts = []
    for name in inputs:
        if name == "vec":
            parts.append(vectors)
        elif name == "prev":
            prev = np.zeros_like(vectors)
            prev[1:] = vectors[:-1]
            prev[sent_start] = 0.0
            parts.append(prev)
        elif name == "next":
            nxt = np.zeros_like(vectors)
            nxt[:-1] = vectors[1:]
            nxt[np.flatnonzero(sent_start[1:])] = 0.0  # the token before a sentence start
            parts.append(nxt)
        elif name == "sparse":
            parts.append(_log_odds(sparse_probs).reshape(n, -1))
        else:
            raise ValueError(f"unknown dense input {name!r}; expected one of {DENSE_INPUTS}")
    return np.hstack(parts) if parts else np.zeros((n, 0), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class DenseHead:
    """Second stage over contextual token vectors: standardised inputs (``dense_inputs``), ReLU
    hidden layers, one logistic output per technique, and its own decoding thresholds.

    ``layers`` holds (weights (in, out), bias (out,)) pairs; the last maps to the techniques.
    """

    inputs: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    thresholds: tuple[float, ...]
    lows: tuple[float, ...]
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, techniques: tuple[str, ...]) -> "DenseHead | None":
        """Read ``span_tagger_dense.{json,npz}`` from a model folder.

        Args:
            folder (Path): the model folder.
            techniques (tuple[str, ...]): the sparse model's techniques (the head must match them).
        RETURNS (DenseHead | None): the head, or None when the folder has no dense files.
        Raises:
            ModelError: when the files are there but unreadable or inconsistent.
        """
        meta_path, npz_path = folder / f"{DENSE_NAME}.json", folder / f"{DENSE_NAME}.npz"
        if not meta_path.is_file() and not npz_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(npz_path, allow_pickle=False) as z:
                mean, scale = z["mean"].astype(np.float32), z["scale"].astype(np.float32)
                layers = tuple(
                    (z[f"w{k}"].astype(np.float32), z[f"b{k}"].astype(np.float32)) for k in range(int(meta["n_layers"]))
                )
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"The span tagger's dense head at {folder} cannot be read ({exc}). {_HOW}") from exc
        inputs = tuple(meta.get("inputs", ()))
        if tuple(meta.get("techniques", ())) != techniques or any(i not in DENSE_INPUTS for i in inputs):
            raise ModelError(f"The span tagger's dense head at {folder} does not match the sparse model. {_HOW}")
        width = mean.shape[0]
        for w, b in layers:
            if w.shape[0] != width or b.shape != (w.shape[1],):
                raise ModelError(f"The span tagger's dense head at {folder} has inconsistent layer shapes. {_HOW}")
            width = w.shape[1]
        if width != len(techniques) or scale.shape != mean.shape:
            raise ModelError(f"The span tagger's dense head at {folder} has {width} outputs for {len(techniques)} techniques. {_HOW}")
        thresholds = tuple(float(meta["thresholds"][t]) for t in techniques)
        lows = tuple(float(meta.get("low_thresholds", meta["thresholds"])[t]) for t in techniques)
        return cls(inputs, mean, scale, layers, thresholds, lows, meta)

    def probabilities(self, vectors: np.ndarray, sparse_probs: np.ndarray, sent_start: np.ndarray) -> np.ndarray:
        """Per token and technique, the probability of lying inside a span.

        Args:
            vectors (np.ndarray): (tokens, width) contextual token vectors.
            sparse_probs (np.ndarray): (tokens, techniques) the sparse model's probabilities.
            sent_start (np.ndarray): bool (tokens,), sentence starts.
        RETURNS (np.ndarray): float32, (tokens, techniques).
        """
        h = (dense_inputs(self.inputs, vectors, sparse_probs, sent_start) - self.mean) / self.scale
        for k, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if k < len(self.layers) - 1:
                np.maximum(h, 0.0, out=h)
        return (1.0 / (1.0 + np.exp(-h))).astype(np.float32)


@dataclass(frozen=True, slots=True)
class SpanTagger:
    """Linear token scorers, one per technique, with span decoding settings; optionally a second
    stage over contextual token vectors (``dense``), used when an ``encoder`` is given, or the tuned
    stage (``tuned``, a fine-tuned encoder of its own) instead when its files are there.

    Build it with ``SpanTagger.load()`` (sparse only) or ``SpanTagger.load(encoder=enc)``.
    ``weights`` is dense over all hash buckets, shape (2**HASH_BITS, len(techniques)); ``thresholds``
    / ``lows`` are the high / low token probabilities of span decoding (``decode``) of the sparse
    model; ``lexicon`` maps ``features.word_key(word)`` to a word class (the BABE/BASIL bias lexicon
    the model was trained with, kept as hashes); ``word_classes`` is that lexicon with its classes
    numbered, once when the tagger is built, for every document's features.
    """

    techniques: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    thresholds: tuple[float, ...]
    meta: dict
    lows: tuple[float, ...] | None = None
    lexicon: dict[int, str] = field(default_factory=dict)
    dense: DenseHead | None = None
    encoder: Any | None = None  # crosswire.embed.SentenceEncoder
    tuned: TunedStage | None = None
    word_classes: WordClasses = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "word_classes", WordClasses.of(self.lexicon))

    @classmethod
    def load(cls, path: Path | None = None, *, encoder: Any | None = None, shared: tuple[Any, ...] = ()) -> "SpanTagger":
        """Load a tagger written by ``python -m crosswire.framing.train``.

        Args:
            path (Path | None): a folder holding ``span_tagger.json`` and ``span_tagger.npz`` (and
                optionally ``span_tagger_dense.*``), or the path of either file; None: the model
                shipped in ``framing/models/``.
            encoder (SentenceEncoder | None): the loaded sentence encoder; with it tokens are rescored
                by the tuned stage (``span_tagger_tuned.*`` in the folder, with its own adapted
                encoder) or else by the dense head. None: the sparse model only.
            shared (tuple[SentenceEncoder, ...]): other base encoders already loaded (the events'
                all-mpnet-base-v2, say): the tuned stage shares the weights its adapter leaves alone
                with the one of its class (``encoder`` is tried too) instead of loading a copy.
        RETURNS (SpanTagger): the tagger.
        Raises:
            ModelError: when the files are missing, unreadable, or made for other features.
        """
        path = Path(path) if path is not None else MODELS_DIR
        folder = path.parent if path.suffix in (".json", ".npz") else path
        meta_path, npz_path = folder / f"{MODEL_NAME}.json", folder / f"{MODEL_NAME}.npz"
        how = _HOW
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
        head = DenseHead.load(folder, techniques)
        tuned, missing = None, None
        if encoder is not None:
            try:
                tuned = TunedStage.load(folder, techniques, shared=(encoder, *shared))
            except ModelNotInstalled as exc:  # an optional, larger encoder: fall back and say so
                missing = exc
                logger.warning("span tagger: the tuned stage's encoder is not installed (%s); %s", exc,
                               "the dense head rescores tokens instead" if head is not None else "the sparse model alone tags spans")  # fmt: skip
        if encoder is None and head is not None:
            logger.info(
                "span tagger: no sentence encoder given, so the sparse model alone tags spans (lower "
                "cross-validated scores; pass SentenceEncoder.load() as encoder= to use the dense head)"
            )
        elif encoder is not None and head is None and tuned is None and missing is None:
            logger.warning("span tagger: %s has no dense head (%s.*) nor tuned stage, so the encoder is not used", folder, DENSE_NAME)
        return cls(techniques, dense, b.astype(np.float32), thresholds, meta, lows, lexicon, head, encoder, tuned)

    @property
    def uses_embeddings(self) -> bool:
        """RETURNS (bool): True when tokens are rescored from contextual vectors (an encoder, and a dense head or tuned stage)."""
        return self.encoder is not None and (self.dense is not None or self.tuned is not None)

    @property
    def uses_tuned(self) -> bool:
        """RETURNS (bool): True when the tuned stage rescores tokens (an encoder was given and its files are there)."""
        return self.encoder is not None and self.tuned is not None

    @property
    def name(self) -> str:
        """RETURNS (str): the tagger's name as recorded with its spans (says whether embeddings were used)."""
        if self.uses_tuned:
            return f"SpanTagger+{self.tuned.encoder_name}-LoRA"
        return "SpanTagger+all-MiniLM-L6-v2" if self.uses_embeddings else "SpanTagger"

    def sparse_probabilities(self, doc) -> np.ndarray:
        """Probability that each token lies inside a span of each technique, from the sparse model alone.

        Args:
            doc (Doc): a parsed spaCy document.
        RETURNS (np.ndarray): float32, shape (len(doc), len(techniques)).
        """
        if len(doc) == 0:
            return np.zeros((0, len(self.techniques)), dtype=np.float32)
        buckets, offsets = doc_buckets(doc, self.word_classes)
        contrib = np.take(self.weights, buckets, axis=0)  # = weights[buckets], several times faster
        sums = np.add.reduceat(contrib, offsets[:-1], axis=0) + self.bias
        return (1.0 / (1.0 + np.exp(-sums))).astype(np.float32)

    def token_probabilities(self, doc, *, vectors: np.ndarray | None = None, layout: "TokenLayout | None" = None) -> np.ndarray:
        """Probability that each token lies inside a span of each technique.

        The tuned stage rescores the sparse probabilities when the tagger has an encoder and a tuned
        stage (and no ``vectors`` are given); else the dense head, when the tagger has an encoder or
        ``vectors`` are given (and it has a dense head); otherwise the sparse model alone.

        Args:
            doc (Doc): a parsed spaCy document.
            vectors (np.ndarray | None): (len(doc), 384) contextual token vectors computed before
                (``features.token_vectors``); None: computed here when there is an encoder.
            layout (TokenLayout | None): the document's layout, when the caller has it.
        RETURNS (np.ndarray): float32, shape (len(doc), len(techniques)).
        Raises:
            ValueError: when ``vectors`` has not one row per token.
        """
        probs = self.sparse_probabilities(doc)
        if self._tuned_applies(vectors) and len(doc):
            layout = layout or TokenLayout.of(doc)
            out = self.tuned.probabilities(doc, probs)
            out[layout.space] = 0.0
            return out
        if self.dense is None or len(doc) == 0 or (vectors is None and self.encoder is None):
            return probs
        if vectors is None:
            vectors = token_vectors(doc, self.encoder)
        if len(vectors) != len(doc):
            raise ValueError(f"vectors of shape {np.shape(vectors)}; expected one row per token ({len(doc)})")
        layout = layout or TokenLayout.of(doc)
        out = self.dense.probabilities(vectors, probs, layout.sent_start)
        out[layout.space] = 0.0
        return out

    def tag(self, doc, *, vectors: np.ndarray | None = None) -> list[TaggedSpan]:
        """Find Loaded_Language and Name_Calling,Labeling spans.

        Args:
            doc (Doc): a spaCy document parsed by the crosswire pipeline (``crosswire.nlp``).
            vectors (np.ndarray | None): contextual token vectors computed before (see
                ``token_probabilities``); None: the encoder's, when the tagger has one.
        RETURNS (list[TaggedSpan]): spans sorted by start, then technique; character offsets into
            ``doc.text``. Spans of one technique never overlap; spans of the two may.
        """
        if len(doc) == 0:
            return []
        layout = TokenLayout.of(doc)
        probs = self.token_probabilities(doc, vectors=vectors, layout=layout)
        dense = self.dense is not None and (vectors is not None or self.encoder is not None)
        if self._tuned_applies(vectors):
            highs, lows = self.tuned.thresholds, self.tuned.lows
        else:
            highs, lows = (self.dense.thresholds, self.dense.lows) if dense else (self.thresholds, self.lows)
        return decode(layout, probs, self.techniques, highs, lows)

    def _tuned_applies(self, vectors) -> bool:
        # vectors passed in are the dense head's inputs: the caller asked for that stage
        return self.uses_tuned and vectors is None


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
