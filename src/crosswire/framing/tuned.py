"""The span tagger's tuned stage: a sentence encoder fine-tuned (LoRA) to tag word pieces, at run time.

``python -m crosswire.framing.train`` fine-tunes the encoder with low-rank adapters and a linear
softmax head over every word piece (``crosswire.embed.finetune.fine_tune_tagger``; the training
code is ``framing.train_tuned``). The encoder is the one the JSON names (``encoder``): the shipped
stage tunes all-mpnet-base-v2 (``crosswire.embed.mpnet``, adapters on blocks 8-11), which scored
0.04-0.05 span F1 above all-MiniLM-L6-v2 in 5-fold cross-validation. The head has four tags: ``O``,
Loaded_Language, Name_Calling,Labeling and both (a token may lie in spans of the two techniques), so
a technique's probability is its own tag's plus that of "both". This module runs the result in
numpy (``crosswire.embed.tuned``):

1. the document is cut into the chunks the model was trained on: one per sentence, a sentence longer
   than ``max_pieces`` word pieces cut in halves (``features.sentence_chunks``);
2. the tuned encoder tags each piece of each chunk;
3. a token's probability of each technique is the mean over the pieces that start inside it (the
   same assignment that gave the training tags), whitespace tokens get 0;
4. the tuned log-odds are mixed with the sparse model's: ``w * logit(tuned) + (1 - w) * logit(sparse)``
   per technique (``w`` chosen by cross-validation, 1 = tuned alone), then decoded with this stage's
   own (high, low) thresholds (``tagger.decode``).

Files in ``framing/models/``: ``span_tagger_tuned.npz`` (the adapter's factors and ``head|w``,
``head|b``; see ``crosswire.embed.adapter``) and ``span_tagger_tuned.json`` (tags, encoder,
``max_length``, mixing weights, thresholds, training settings, CV scores). The encoder with the
adapter merged in runs as fast as the base one: for all-mpnet-base-v2 about 3.9 s of CPU per 1,000
tokens (a PTC article has about 900-1,050), against 0.6 s for all-MiniLM-L6-v2. In memory it is a
second copy of its weights (about 440 MB), or, when the event classifier has loaded all-mpnet-base-v2
already, only the four adapted blocks, the rest shared with that encoder
(``TunedStage.load(shared=…)``). When the encoder's packages are not installed the tagger falls
back to its dense head, saying so (``SpanTagger.load``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IDX

from ..errors import ModelError
from .features import sentence_chunks

logger = logging.getLogger(__name__)

__all__ = ["TUNED_NAME", "TUNED_TAGS", "TunedStage", "piece_token_index", "tag_probabilities", "token_tag_probabilities"]

#: Files of the tuned stage in a model folder (``.npz`` and ``.json``).
TUNED_NAME = "span_tagger_tuned"
#: The head's tags, in order: a piece's tag is 1 * (inside a Loaded_Language span) + 2 * (inside a
#: Name_Calling,Labeling span), so index 3 is both.
TUNED_TAGS = ("O", "Loaded_Language", "Name_Calling,Labeling", "both")
#: Word pieces per chunk, [CLS] and [SEP] included (training and run time alike).
TUNED_MAX_PIECES = 128
_HOW = "Train it with `python -m crosswire.framing.train ../shared/bench/framing --cv 5` (make train)."


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def doc_chunks(doc, tokenizer, *, max_pieces: int = TUNED_MAX_PIECES) -> list[tuple[int, int]]:
    """The token ranges the tuned encoder reads (``features.sentence_chunks`` with its tokenizer).

    Args:
        doc (Doc): a parsed document.
        tokenizer (tokenizers.Tokenizer): the encoder's word-piece tokenizer.
        max_pieces (int): word pieces per chunk, [CLS] and [SEP] included.
    RETURNS (list[tuple[int, int]]): (first token, end token) of each chunk.
    """

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    return sentence_chunks(doc, max_pieces=max_pieces, count_pieces=count)


def piece_token_index(token_starts: np.ndarray, a: int, b: int, piece_offsets: np.ndarray) -> np.ndarray:
    """The token that holds each piece's first character, for pieces of the chunk of tokens [a, b).

    Args:
        token_starts (np.ndarray): int64 character offset of every token of the document.
        a (int): the chunk's first token.
        b (int): the chunk's end token (exclusive).
        piece_offsets (np.ndarray): (n, 2) piece offsets relative to the chunk's text.
    RETURNS (np.ndarray): int64 (n,), document token indices in [a, b).
    """
    local = token_starts[a:b] - token_starts[a]
    tid = a + np.searchsorted(local, np.asarray(piece_offsets, dtype=np.int64).reshape(-1, 2)[:, 0], side="right") - 1
    return np.clip(tid, a, b - 1).astype(np.int64)


def tag_probabilities(piece_probs: np.ndarray) -> np.ndarray:
    """Per piece, the probability of each technique from the four tags (its tag plus "both").

    Args:
        piece_probs (np.ndarray): (n, 4) softmax over ``TUNED_TAGS``.
    RETURNS (np.ndarray): float64 (n, 2): Loaded_Language, Name_Calling,Labeling.
    """
    p = np.asarray(piece_probs, dtype=np.float64)
    return np.stack([p[:, 1] + p[:, 3], p[:, 2] + p[:, 3]], axis=1)


def token_tag_probabilities(doc, tagger, *, max_pieces: int = TUNED_MAX_PIECES) -> np.ndarray:
    """Per token and technique, the tuned encoder's probability (the mean over the token's pieces).

    Args:
        doc (Doc): a parsed document.
        tagger (crosswire.embed.tuned.TunedTagger): the tuned encoder and head.
        max_pieces (int): word pieces per chunk (as trained).
    RETURNS (np.ndarray): float32 (len(doc), 2); tokens without a piece (whitespace) get 0.
    """
    n = len(doc)
    out = np.zeros((n, 2), dtype=np.float64)
    if n == 0:
        return out.astype(np.float32)
    chunks = doc_chunks(doc, tagger.encoder.tokenizer, max_pieces=max_pieces)
    if not chunks:
        return out.astype(np.float32)
    starts = doc.to_array([IDX]).astype(np.int64).reshape(n)
    counts = np.zeros(n, dtype=np.float64)
    for (a, b), tags in zip(chunks, tagger.tag([doc[a:b].text for a, b in chunks])):
        if len(tags.offsets) == 0:
            continue
        tid = piece_token_index(starts, a, b, tags.offsets)
        np.add.at(out, tid, tag_probabilities(tags.probabilities))
        np.add.at(counts, tid, 1.0)
    hit = counts > 0
    out[hit] /= counts[hit, None]
    return out.astype(np.float32)


def mix(tuned: np.ndarray, sparse: np.ndarray, weights) -> np.ndarray:
    """Mix two (tokens, techniques) probability arrays in log-odds: w * logit(tuned) + (1 - w) * logit(sparse).

    Args:
        tuned (np.ndarray): the tuned stage's probabilities.
        sparse (np.ndarray): the sparse model's probabilities.
        weights (Sequence[float]): w per technique (1: the tuned stage alone).
    RETURNS (np.ndarray): float32 probabilities, same shape.
    """
    w = np.asarray(weights, dtype=np.float64).reshape(1, -1)
    z = w * _logit(tuned) + (1 - w) * _logit(sparse)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


@dataclass(frozen=True, slots=True)
class TunedStage:
    """The tuned encoder and head, the mixing weight with the sparse model and the decoding thresholds.

    Attributes:
        tagger (TunedTagger): the encoder with the adapter merged in, and the piece head.
        weights (tuple[float, ...]): per technique, the weight of the tuned log-odds (``mix``).
        thresholds (tuple[float, ...]): per technique, the high decoding threshold.
        lows (tuple[float, ...]): per technique, the low decoding threshold.
        max_pieces (int): word pieces per chunk.
        meta (dict): the JSON file (settings, CV scores).
    """

    tagger: Any  # crosswire.embed.tuned.TunedTagger
    weights: tuple[float, ...]
    thresholds: tuple[float, ...]
    lows: tuple[float, ...]
    max_pieces: int = TUNED_MAX_PIECES
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, techniques: tuple[str, ...], *, shared: tuple[Any, ...] = ()) -> TunedStage | None:
        """Read ``span_tagger_tuned.{json,npz}`` from a model folder and apply the adapter to its encoder.

        Args:
            folder (Path): the model folder.
            techniques (tuple[str, ...]): the sparse model's techniques (the stage must match them).
            shared (tuple[SentenceEncoder, ...]): base encoders already loaded: the one of the
                stage's class lends the weights the adapter leaves alone (``TunedTagger.load``).
        RETURNS (TunedStage | None): the stage, or None when the folder has no tuned files.
        Raises:
            ModelError: when the files are there but unreadable or inconsistent, or the encoder
                package is not installed.
        """
        from ..embed.tuned import TunedTagger

        stem = Path(folder) / TUNED_NAME
        meta_path, npz_path = stem.with_suffix(".json"), stem.with_suffix(".npz")
        if not meta_path.is_file() and not npz_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"The span tagger's tuned stage at {meta_path} cannot be read ({exc}). {_HOW}") from exc
        if tuple(meta.get("techniques", ())) != techniques or tuple(meta.get("tags", ())) != TUNED_TAGS:
            raise ModelError(f"The span tagger's tuned stage at {folder} does not match the sparse model's techniques. {_HOW}")
        tagger = TunedTagger.load(stem, shared=shared)
        try:
            weights = tuple(float(meta["mix"][t]) for t in techniques)
            thresholds = tuple(float(meta["thresholds"][t]) for t in techniques)
            lows = tuple(float(meta.get("low_thresholds", meta["thresholds"])[t]) for t in techniques)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"The span tagger's tuned stage at {meta_path} lacks its mixing weights or thresholds ({exc}). {_HOW}") from exc
        return cls(tagger, weights, thresholds, lows, int(meta.get("max_length", TUNED_MAX_PIECES)), meta)

    @property
    def encoder_name(self) -> str:
        """RETURNS (str): the name of the tuned encoder's base model (e.g. "all-mpnet-base-v2")."""
        return self.tagger.encoder.MODEL_NAME

    def probabilities(self, doc, sparse_probs: np.ndarray) -> np.ndarray:
        """Per token and technique, the mixed probability of lying inside a span.

        Args:
            doc (Doc): a parsed document.
            sparse_probs (np.ndarray): (len(doc), techniques) the sparse model's probabilities.
        RETURNS (np.ndarray): float32 (len(doc), techniques).
        """
        return mix(token_tag_probabilities(doc, self.tagger, max_pieces=self.max_pieces), sparse_probs, self.weights)
