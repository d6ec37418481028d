"""Train the span tagger's tuned stage (``framing.tuned``): fine-tune an encoder with LoRA to tag word pieces.

The encoder is ``TunedSettings.encoder``: all-mpnet-base-v2 (adapters on its top four blocks) since
it gained 0.04-0.05 span F1 over all-MiniLM-L6-v2 in 5-fold cross-validation (docs/BENCHMARKS.md).

Called by ``python -m crosswire.framing.train`` (training time only: needs torch, the train extra).

1. Every dev article is cut into the chunks the run time reads (one per sentence, long sentences cut
   to at most ``TUNED_MAX_PIECES`` word pieces: ``tuned.doc_chunks``). Each piece gets the tag of the
   token that holds its first character: 1 * Loaded_Language + 2 * Name_Calling,Labeling (0 = O,
   3 = both), the token labels being ``train.token_labels`` (a token overlapping a gold span).
2. Training reads every chunk with a tag other than O, and a fixed random share
   (``TunedSettings.negative_share``) of the others, drawn once with the seed: most sentences hold
   no span, and this keeps the cost per epoch down. Scoring always reads every chunk.
3. ``crosswire.embed.finetune.fine_tune_tagger`` trains the adapter (rank ``rank``, blocks ``layers``)
   and the linear softmax head (class weights ``class_weights``).
4. With ``--cv K``: the same K folds by article as the sparse model. Each held-out fold is tagged by
   an adapter trained on the other folds, through the numpy encoder (the run-time code). Then, per
   technique, the mixing weight with the sparse model (``MIX_GRID``, its out-of-fold log-odds) and
   the decoding thresholds applied to fold f are those best on the *other* folds' out-of-fold
   predictions, as for the sparse model (``train.cv_report``). The shipped weight and thresholds
   are those best over all out-of-fold predictions; the shipped adapter is trained on all articles.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .tagger import TECHNIQUES
from .tuned import (
    TUNED_MAX_PIECES,
    TUNED_NAME,
    TUNED_TAGS,
    doc_chunks,
    mix,
    piece_token_index,
    token_tag_probabilities,
)

__all__ = ["MIX_GRID", "TUNED", "Chunk", "TunedSettings", "corpus_chunks", "fit_tuned", "save_tuned", "train_tuned", "training_chunks", "tuned_cross_validate", "tuned_probabilities"]

#: Weights of the tuned log-odds against the sparse model's tried per technique (1 = tuned alone).
MIX_GRID = (0.5, 0.7, 0.85, 1.0)


@dataclass(frozen=True)
class TunedSettings:
    """How the tuned stage is trained (fixed before the cross-validation, see docs/BENCHMARKS.md)."""

    encoder: str = "all-mpnet-base-v2"
    rank: int = 8
    alpha: float = 16.0
    layers: tuple[int, ...] = (8, 9, 10, 11)
    epochs: int = 3
    lr: float = 5e-4
    head_lr: float = 3e-3
    batch_size: int = 16
    dropout: float = 0.1
    class_weights: tuple[float, ...] = (1.0, 2.0, 3.0, 3.0)
    negative_share: float = 0.3
    max_pieces: int = TUNED_MAX_PIECES
    seed: int = 13
    threads: int = 1

    @property
    def encoder_class(self):
        """RETURNS (type[SentenceEncoder]): the numpy encoder named by ``encoder``."""
        from ..embed import encoder_class

        return encoder_class(self.encoder)

    def tune_config(self):
        """RETURNS (TuneConfig): the fine-tuning settings."""
        from ..embed.finetune import TuneConfig

        return TuneConfig(
            rank=self.rank, alpha=self.alpha, layers=self.layers, epochs=self.epochs, lr=self.lr, head_lr=self.head_lr,
            batch_size=self.batch_size, dropout=self.dropout, seed=self.seed, threads=self.threads,
        )  # fmt: skip

    def as_dict(self) -> dict:
        """RETURNS (dict): the settings, JSON-ready."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in ((f, getattr(self, f)) for f in self.__dataclass_fields__)}


TUNED = TunedSettings()


@dataclass(frozen=True)
class Chunk:
    """One text the encoder reads: document k's tokens [a, b), its word pieces and their tags."""

    doc: int
    a: int
    b: int
    example: object  # crosswire.embed.finetune.Example
    tags: np.ndarray  # int64, one per piece ([CLS]/[SEP] excluded)


def corpus_chunks(corpus, encoder, *, max_pieces: int = TUNED_MAX_PIECES) -> list[Chunk]:
    """Cut every article into chunks and tag their word pieces from the corpus's token labels.

    Args:
        corpus (train.Corpus): the parsed corpus (``docs``, ``y``, ``doc_offsets``).
        encoder (SentenceEncoder): the base encoder (its tokenizer).
        max_pieces (int): word pieces per chunk.
    RETURNS (list[Chunk]): in document order.
    """
    from spacy.attrs import IDX

    from ..embed.finetune import Example

    out: list[Chunk] = []
    tok = encoder.tokenizer
    for k, doc in enumerate(corpus.docs):
        chunks = doc_chunks(doc, tok, max_pieces=max_pieces)
        if not chunks:
            continue
        starts = doc.to_array([IDX]).astype(np.int64).reshape(len(doc))
        y = corpus.y[corpus.doc_offsets[k] : corpus.doc_offsets[k + 1]]
        for (a, b), enc in zip(chunks, tok.encode_batch([doc[a:b].text for a, b in chunks], add_special_tokens=True)):
            n = len(enc.ids)
            offsets = np.asarray(enc.offsets[1 : n - 1], dtype=np.int64).reshape(-1, 2)
            tid = piece_token_index(starts, a, b, offsets)
            tags = (y[tid, 0].astype(np.int64) + 2 * y[tid, 1].astype(np.int64)) if len(tid) else np.zeros(0, np.int64)
            out.append(Chunk(k, a, b, Example(ids=tuple(enc.ids), pools=((0, n - 2),)), tags))
    return out


def training_chunks(chunks: Sequence[Chunk], docs: Sequence[int], *, share: float, seed: int) -> list[int]:
    """The chunks to train on: those of ``docs`` with a span piece, plus a fixed share of the others.

    Args:
        chunks (Sequence[Chunk]): all chunks.
        docs (Sequence[int]): the training documents.
        share (float): the share of span-less chunks kept (drawn once with ``seed``).
        seed (int): the random seed.
    RETURNS (list[int]): chunk indices, in order.
    """
    rng = np.random.default_rng(seed)
    keep_draw = rng.random(len(chunks)) < share  # one draw per chunk, so a chunk's fate is the same in every fold
    mine = {int(d) for d in docs}
    return [i for i, c in enumerate(chunks) if c.doc in mine and len(c.tags) and ((c.tags > 0).any() or keep_draw[i])]


def fit_tuned(chunks: Sequence[Chunk], idx: Sequence[int], settings: TunedSettings = TUNED, *, progress=None):
    """Fine-tune the adapter and piece head on the chosen chunks.

    RETURNS (crosswire.embed.finetune.TunedHead): the adapter, head and losses.
    """
    from ..embed.finetune import fine_tune_tagger

    return fine_tune_tagger(
        [chunks[i].example for i in idx],
        [chunks[i].tags.tolist() for i in idx],
        len(TUNED_TAGS),
        settings.tune_config(),
        class_weights=settings.class_weights,
        progress=progress,
        arch=settings.encoder_class,
    )


def tuned_probabilities(corpus, head, doc_idx: Sequence[int], settings: TunedSettings = TUNED) -> dict[int, np.ndarray]:
    """Token probabilities of the given documents from a trained head, through the numpy encoder (the run-time code).

    Args:
        corpus (train.Corpus): the parsed corpus.
        head (TunedHead): what ``fit_tuned`` returned.
        doc_idx (Sequence[int]): the documents.
        settings (TunedSettings): the settings it was trained with (encoder, word pieces per chunk).
    RETURNS (dict[int, np.ndarray]): doc index -> float32 (tokens, techniques); whitespace tokens 0.
    """
    from ..embed.tuned import TunedTagger

    max_pieces = settings.max_pieces
    encoder = settings.encoder_class.load(max_length=max_pieces, adapter=head.adapter)
    tagger = TunedTagger(encoder=encoder, weights=head.weights, bias=head.bias, tags=TUNED_TAGS, settings={})
    out = {}
    for k in doc_idx:
        p = token_tag_probabilities(corpus.docs[int(k)], tagger, max_pieces=max_pieces)
        p[corpus.layouts[int(k)].space] = 0.0
        out[int(k)] = p
    return out


def _mixed(probs: dict[int, np.ndarray], sparse: dict[int, np.ndarray], weights) -> dict[int, np.ndarray]:
    return {k: mix(probs[k], sparse[k], weights) for k in probs}


def mixed_cv_report(corpus, tuned: dict[int, np.ndarray], sparse: dict[int, np.ndarray], fold: np.ndarray, grid: Sequence[float] = MIX_GRID) -> tuple[dict, dict]:
    """Score out-of-fold predictions: for each fold, the mixing weight and thresholds best on the other folds.

    Args:
        corpus (train.Corpus): the corpus.
        tuned (dict[int, np.ndarray]): out-of-fold tuned probabilities.
        sparse (dict[int, np.ndarray]): out-of-fold sparse probabilities.
        fold (np.ndarray): the fold of each document.
        grid (Sequence[float]): the mixing weights tried.
    RETURNS (tuple[dict, dict]): the report, and the (weight, thresholds) per technique best over all
        out-of-fold predictions: ``{"mix": {tech: w}, "thresholds": {tech: (high, low)}}``.
    """
    from ..eval.framing import FOCUS
    from .train import _brief, _scores, best_thresholds

    variants = {w: _mixed(tuned, sparse, [w] * len(TECHNIQUES)) for w in grid}

    def choose(docs: list[int]) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
        best_w, best_thr, best_f1 = {}, {}, {}
        for w, probs in variants.items():
            thr = best_thresholds(corpus, docs, probs)
            scores = _scores(corpus, docs, probs, thr)
            for t in TECHNIQUES:
                if scores[t].f1 > best_f1.get(t, -1.0):
                    best_w[t], best_thr[t], best_f1[t] = w, thr[t], scores[t].f1
        return best_w, best_thr

    folds = int(fold.max()) + 1
    total, chosen, per_fold = None, [], []
    for f in range(folds):
        other = [int(k) for k in np.flatnonzero(fold != f)]
        test = [int(k) for k in np.flatnonzero(fold == f)]
        w, thr = choose(other)
        chosen.append({"mix": w, "thresholds": thr})
        probs = _mixed({k: tuned[k] for k in test}, sparse, [w[t] for t in TECHNIQUES])
        part = _scores(corpus, test, probs, thr)
        per_fold.append({key: round(part[tech].f1, 4) for tech, key in (*FOCUS.items(), ("micro", "micro"))})
        total = part if total is None else {k: total[k] + part[k] for k in total}
        print(f"  mixed fold {f + 1}/{folds}: weights {w}", file=sys.stderr)
    w, thr = choose(list(range(len(corpus.docs))))
    report = {
        "folds": folds,
        "grid": list(grid),
        "scores": _brief(total),
        "fold_f1": {key: [p[key] for p in per_fold] for key in per_fold[0]},
        "chosen_per_fold": chosen,
        "oof_best": {"mix": w, "thresholds": thr},
    }
    return report, {"mix": w, "thresholds": thr}


def tuned_cross_validate(corpus, chunks: Sequence[Chunk], fold: np.ndarray, sparse_oof: dict[int, np.ndarray], settings: TunedSettings = TUNED) -> tuple[dict, dict, dict[int, np.ndarray]]:
    """K-fold CV by article of the tuned stage (same folds as the sparse model).

    Args:
        corpus (train.Corpus): the corpus.
        chunks (Sequence[Chunk]): ``corpus_chunks``.
        fold (np.ndarray): the fold of each document.
        sparse_oof (dict[int, np.ndarray]): the sparse model's out-of-fold probabilities.
        settings (TunedSettings): the settings.
    RETURNS (tuple[dict, dict, dict[int, np.ndarray]]): the report (the tuned stage alone, and mixed
        with the sparse model), the mixing weights and thresholds best over all out-of-fold
        predictions, and the out-of-fold tuned probabilities.
    """
    from .train import cv_report

    folds = int(fold.max()) + 1
    oof: dict[int, np.ndarray] = {}
    seconds = []
    for f in range(folds):
        t0 = time.time()
        train_docs = np.flatnonzero(fold != f)
        idx = training_chunks(chunks, train_docs, share=settings.negative_share, seed=settings.seed)
        print(f"  tuned fold {f + 1}/{folds}: {len(idx)} training chunks", file=sys.stderr)
        head = fit_tuned(chunks, idx, settings, progress=lambda s: print(f"    {s}", file=sys.stderr))
        t1 = time.time()
        oof.update(tuned_probabilities(corpus, head, np.flatnonzero(fold == f), settings))
        seconds.append({"train": round(t1 - t0, 1), "tag": round(time.time() - t1, 1)})
        print(f"  tuned fold {f + 1}/{folds}: trained in {t1 - t0:.0f} s, tagged in {time.time() - t1:.0f} s", file=sys.stderr)
    alone, _ = cv_report(corpus, oof, fold)
    mixed, best = mixed_cv_report(corpus, oof, sparse_oof, fold)
    report = {"alone": alone, "mixed": mixed, "scores": mixed["scores"], "seconds_per_fold": seconds}
    return report, best, oof


def save_tuned(head, out: Path, *, settings: TunedSettings, best: dict, cv: dict | None) -> tuple[Path, Path]:
    """Write ``span_tagger_tuned.npz`` (adapter factors and head, float32) and ``span_tagger_tuned.json``.

    RETURNS (tuple[Path, Path]): the two files.
    """
    out.mkdir(parents=True, exist_ok=True)
    npz, js = out / f"{TUNED_NAME}.npz", out / f"{TUNED_NAME}.json"
    np.savez_compressed(npz, **{k: np.asarray(v, dtype=np.float32) for k, v in head.arrays().items()})
    meta = {
        "techniques": list(TECHNIQUES),
        "tags": list(TUNED_TAGS),
        "max_length": settings.max_pieces,
        "mix": {t: float(best["mix"][t]) for t in TECHNIQUES},
        "thresholds": {t: float(best["thresholds"][t][0]) for t in TECHNIQUES},
        "low_thresholds": {t: float(best["thresholds"][t][1]) for t in TECHNIQUES},
        "encoder": f"{settings.encoder} + LoRA (crosswire.embed.finetune.fine_tune_tagger)",
        "settings": settings.as_dict(),
        "losses": [round(x, 4) for x in head.losses],
        "trained_on": "PTC dev (shared/bench/framing/ptc, 297 articles)",
        "cv": (cv or {}).get("scores"),
    }
    js.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return npz, js


def train_tuned(corpus, out: Path, *, oof: dict[int, np.ndarray] | None, fold: np.ndarray | None, settings: TunedSettings = TUNED) -> dict:
    """Cross-validate the tuned stage (when ``oof`` is given), fine-tune it on all articles and write it.

    Args:
        corpus (train.Corpus): the parsed corpus.
        out (Path): the model folder.
        oof (dict[int, np.ndarray] | None): the sparse model's out-of-fold probabilities (None: no CV;
            the stage then ships alone, w = 1, with ``train.DEFAULT_THRESHOLDS``).
        fold (np.ndarray | None): the fold of each document.
        settings (TunedSettings): the settings.
    RETURNS (dict): the tuned part of the report.
    """
    from ..embed.finetune import check_against_numpy
    from .train import DEFAULT_THRESHOLDS

    t0 = time.time()
    encoder = settings.encoder_class.load(max_length=settings.max_pieces)
    part: dict = {"settings": settings.as_dict(), "torch_vs_numpy_max_diff": check_against_numpy(encoder)}
    chunks = corpus_chunks(corpus, encoder, max_pieces=settings.max_pieces)
    part["chunks"] = len(chunks)
    part["pieces"] = int(sum(len(c.tags) for c in chunks))
    best = {"mix": {t: 1.0 for t in TECHNIQUES}, "thresholds": dict(DEFAULT_THRESHOLDS)}
    cv = None
    if oof is not None and fold is not None:
        cv, best, _ = tuned_cross_validate(corpus, chunks, fold, oof, settings)
        part["cv"] = cv
        print(f"tuned stage, {int(fold.max()) + 1}-fold CV by article: {json.dumps(cv['scores'])}", file=sys.stderr)
    idx = training_chunks(chunks, range(len(corpus.docs)), share=settings.negative_share, seed=settings.seed)
    t1 = time.time()
    head = fit_tuned(chunks, idx, settings, progress=lambda s: print(f"    {s}", file=sys.stderr))
    part["final_fit_seconds"] = round(time.time() - t1, 1)
    npz, js = save_tuned(head, out, settings=settings, best=best, cv=cv)
    part["mix"], part["thresholds"] = best["mix"], best["thresholds"]
    part["model_bytes"] = npz.stat().st_size + js.stat().st_size
    part["seconds"] = round(time.time() - t0, 1)
    return part
