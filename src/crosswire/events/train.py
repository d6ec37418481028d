"""Train the event-type heads on the dev data and write them to ``events/models/``.

    python -m crosswire.events.train [BENCH_EVENTS_DIR] [--cv-only] [--no-embeddings] [--no-nested] [--folds 5] [--out DIR]

BENCH_EVENTS_DIR defaults to ``../shared/bench/events`` (relative to the working directory, i.e.
the repository root under ``make train``). For each scheme it

1. embeds every dev text once with the encoder its dense part reads (``DENSE``: all-mpnet-base-v2
   for CASE, all-MiniLM-L6-v2 for PLOVER; ``crosswire.embed``; skipped with ``--no-embeddings``,
   and then the heads ship without a dense part);
2. cross-validates (stratified k-fold, seed 13; PLV grouped by ``sentence_id``) the sparse part
   alone and the mix of sparse and dense parts (``DENSE``), and prints the scores of
   ``crosswire eval events`` computed on the out-of-fold predictions;
3. chooses the mixing weight w of the dense part from ``WEIGHT_GRID`` by those out-of-fold
   predictions (the weight that ships), and, unless ``--no-nested``, estimates the mixed model
   honestly by nested CV: inside each outer fold, w is chosen again by a 5-fold CV of that fold's
   training part alone, and only then is the outer fold scored ("cv_nested": the honest number;
   "cv" used the outer folds to choose w and is slightly optimistic);
4. fits the shipped head on all dev rows and prints its in-sample scores (optimistic: labelled so);
5. sets the reliability threshold and weak labels of each mode from its out-of-fold predictions.

The PLOVER head is also scored, without training on it, on the PLOVER gold-standard records.
scikit-learn is needed here only (``pip install -e .[train]``); run time uses numpy.
Results go to stdout as one JSON object; progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embed import SentenceEncoder
from ..errors import ModelError
from ..eval.events import GoldItem, class_scores, evaluate_events, read_case2021, read_plover
from .classify import MINILM, MODELS_DIR, MPNET, DenseHead, EventInput, EventTypeHead, Featurizer, embed_texts, vectorize

logger = logging.getLogger(__name__)

SEED = 13
#: scheme -> (featurizer, C of the logistic regression, min_df)
SETTINGS: dict[str, tuple[Featurizer, float, int]] = {
    # chosen by 5-fold CV on the dev files (docs/BENCHMARKS.md, "Event-type classification", lists the grid tried)
    "case2021": (Featurizer(char=True, roles=False, cue_weight=3.0, cue_pairs=True), 300.0, 3),
    "plover": (Featurizer(char=False, roles=True, cue_weight=2.0, role_weight=2.0), 50.0, 2),
}


@dataclass(frozen=True, slots=True)
class DenseSettings:
    """How a head's dense part is trained: the views it reads and C of its logistic regression.

    Its mixing weight is not set here: cross-validation chooses it from ``WEIGHT_GRID``.
    """

    views: tuple[str, ...]
    c: float
    encoder: str = MINILM  # the model whose vectors the views are made of (classify.ENCODER_WIDTHS)


#: scheme -> dense part. CASE: the all-mpnet-base-v2 text embedding, C 100 (C chosen earlier from
#: C 10 / 100 with MiniLM; the larger encoder scored 0.827 nested CV against MiniLM's 0.806). PLOVER:
#: the text embedding next to the mean and the maximum of the word-piece vectors between the two
#: marked actors, C 100 (fixed before the nested CV that reports it; docs/BENCHMARKS.md lists what
#: else was tried: pooling variants, the separately encoded relation stretch, MLP heads, k-NN).
DENSE: dict[str, DenseSettings] = {
    "case2021": DenseSettings(("text",), 100.0, MPNET),
    "plover": DenseSettings(("text", "between", "between_max"), 100.0),
}
#: the mixing weights w of the dense part that cross-validation chooses from
WEIGHT_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
CASE_FILE = "case2021/test_set_final_release_with_labels.tsv"
PLV_FILE = "plv/PLV.tsv"
GSR_FILE = "plover_gsr/PLOVER_GSR_CAMEO.txt"
#: a label whose out-of-fold F1 is under this is flagged weak (predictions of it are not reliable)
WEAK_F1 = 0.5
#: the reliability threshold is the lowest confidence above which out-of-fold accuracy reaches this
RELIABLE_ACCURACY = 0.85


def fit_head(
    scheme: str,
    raws: Sequence[dict[int, float]],
    labels: Sequence[str],
    featurizer: Featurizer,
    *,
    c: float,
    min_df: int,
) -> EventTypeHead:
    """Fit one head on featurised inputs.

    Args:
        scheme (str): "case2021" or "plover".
        raws (Sequence[dict[int, float]]): ``featurizer.raw`` of each input.
        labels (Sequence[str]): gold label of each input.
        featurizer (Featurizer): the settings that produced ``raws`` (saved with the head).
        c (float): inverse regularisation strength.
        min_df (int): keep buckets seen in at least this many inputs.
    RETURNS (EventTypeHead): the head (no threshold or weak labels yet).
    """
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    df: dict[int, int] = {}
    for r in raws:
        for b in r:
            df[b] = df.get(b, 0) + 1
    cols = np.array(sorted(b for b, n in df.items() if n >= min_df), dtype=np.int64)
    n = len(raws)
    idf = np.array([np.log((1 + n) / (1 + df[b])) + 1.0 for b in cols], dtype=np.float32)
    # round-trip idf through float16 so training sees the values run time will use
    idf = idf.astype(np.float16).astype(np.float32)
    indptr, indices, data = [0], [], []
    for r in raws:
        pos, val = vectorize(r, cols, idf)
        indices.extend(pos.tolist())
        data.extend(val.tolist())
        indptr.append(len(indices))
    x = csr_matrix((data, indices, indptr), shape=(n, len(cols)), dtype=np.float64)
    classes = sorted(set(labels))
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit(x, list(labels))
    assert list(model.classes_) == classes
    return EventTypeHead(scheme, classes, cols, idf, model.coef_.T.copy(), model.intercept_.copy(), featurizer)


def fit_dense(x: np.ndarray, labels: Sequence[str], settings: DenseSettings, *, weight: float = 0.5) -> DenseHead:
    """Fit a head's dense part: a multinomial logistic regression on the embedding views.

    Args:
        x (np.ndarray): ``DenseHead.features`` of the inputs.
        labels (Sequence[str]): gold label of each input.
        settings (DenseSettings): views and C.
        weight (float): its mixing weight w.
    RETURNS (DenseHead): the dense part (no threshold or weak labels yet); its label order is the
        sorted label set, as the sparse head's.
    """
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=settings.c, max_iter=3000, random_state=SEED)
    model.fit(np.asarray(x, dtype=np.float64), list(labels))
    assert list(model.classes_) == sorted(set(labels))
    # round-trip through float16 like the saved file, so CV scores what ships
    coef = model.coef_.T.astype(np.float16).astype(np.float32)
    return DenseHead(settings.views, coef, model.intercept_.astype(np.float32), weight, encoder=settings.encoder)


def dense_features(items: Sequence[GoldItem], encoder, settings: DenseSettings) -> np.ndarray:
    """Embed the items' texts (and relation stretches) once, as the classifier does at run time.

    Args:
        items (Sequence[GoldItem]): the dev items.
        encoder (SentenceEncoder): the loaded encoder.
        settings (DenseSettings): which views.
    RETURNS (np.ndarray): one row of ``DenseHead.features`` per item.
    """
    inputs = [it.input for it in items]
    vecs = embed_texts(encoder, [i.text for i in inputs])
    probe = DenseHead(settings.views, np.zeros((0, 0), np.float32), np.zeros(0, np.float32), 0.5, encoder=settings.encoder)
    return probe.features(inputs, vecs, encoder)


def _splits(labels: Sequence[str], groups: Sequence[str] | None, folds: int) -> list[np.ndarray]:
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y = np.array(labels)
    if groups is None:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        return [test for _, test in splitter.split(np.zeros(len(y)), y)]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return [test for _, test in splitter.split(np.zeros(len(y)), y, groups=np.array(groups))]


def _labels(scheme: str, items: Sequence[GoldItem]) -> list[str]:
    return [it.gold["1"] if scheme == "plover" else _case_label(it) for it in items]


def _aligned(probs: np.ndarray, head_labels: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Columns of ``probs`` (over ``head_labels``) placed under ``classes``; a label the head lacks gets 0."""
    out = np.zeros((len(probs), len(classes)))
    index = {c: i for i, c in enumerate(classes)}
    out[:, [index[lab] for lab in head_labels]] = probs
    return out


def _oof_probs(
    scheme: str,
    rows: np.ndarray,
    raws: Sequence[dict[int, float]],
    labels: Sequence[str],
    items: Sequence[GoldItem],
    splits: Sequence[np.ndarray],
    classes: Sequence[str],
    dense_x: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Out-of-fold probabilities of the sparse part and of the dense part over ``rows``.

    Args:
        scheme (str): "case2021" or "plover".
        rows (np.ndarray): the item indices taking part; ``splits`` index into ``rows``.
        raws, labels, items: features, gold labels and items of all dev items.
        splits (Sequence[np.ndarray]): the test positions (into ``rows``) of each fold.
        classes (Sequence[str]): the column order of the result.
        dense_x (np.ndarray | None): dense features of all items; None for the sparse part only.
    RETURNS (tuple[np.ndarray, np.ndarray | None]): sparse and dense probabilities, (len(rows), len(classes)).
    """
    feat, c, min_df = SETTINGS[scheme]
    p_sparse = np.zeros((len(rows), len(classes)))
    p_dense = None if dense_x is None else np.zeros((len(rows), len(classes)))
    for test in splits:
        train = rows[np.setdiff1d(np.arange(len(rows)), test)]
        ys = [labels[i] for i in train]
        head = fit_head(scheme, [raws[i] for i in train], ys, feat, c=c, min_df=min_df)
        p_sparse[test] = _aligned(head.scores([items[i].input for i in rows[test]]), head.labels, classes)
        if p_dense is not None and dense_x is not None:
            dense = fit_dense(dense_x[train], ys, DENSE[scheme])
            p_dense[test] = _aligned(dense.probabilities(dense_x[rows[test]]), head.labels, classes)
    return p_sparse, p_dense


def _mix(p_sparse: np.ndarray, p_dense: np.ndarray | None, w: float) -> np.ndarray:
    """softmax((1 - w) log p_sparse + w log p_dense), as ``EventTypeHead.scores`` mixes the parts."""
    if p_dense is None:
        return p_sparse
    z = (1.0 - w) * np.log(np.maximum(p_sparse, 1e-300)) + w * np.log(np.maximum(p_dense, 1e-300))
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    return z / z.sum(axis=1, keepdims=True)


def _evaluate_probs(scheme: str, items: Sequence[GoldItem], probs: np.ndarray, classes: Sequence[str]) -> dict:
    """``evaluate_events`` of the predictions given by ``probs`` (argmax over the allowed labels)."""
    index = {id(it.input): i for i, it in enumerate(items)}

    def predict(inputs: Sequence[EventInput], allowed) -> list[str]:
        keep = np.array([allowed is None or c in allowed for c in classes])
        return [classes[int(np.argmax(np.where(keep, probs[index[id(inp)]], -1.0)))] for inp in inputs]

    return evaluate_events(items, scheme, predict)


def _primary(scheme: str, result: dict) -> float:
    """The metric the targets name: subtask-1 weighted F1 (CASE), root macro F1 (PLOVER)."""
    return result["weighted_f1"] if scheme == "case2021" else result["macro_f1"]


def choose_weight(scheme: str, items: Sequence[GoldItem], p_sparse: np.ndarray, p_dense: np.ndarray, classes: Sequence[str]) -> float:
    """The mixing weight of ``WEIGHT_GRID`` whose mix of out-of-fold probabilities scores best.

    Args:
        scheme (str): "case2021" or "plover".
        items (Sequence[GoldItem]): the items the probabilities belong to.
        p_sparse, p_dense (np.ndarray): out-of-fold probabilities of the two parts.
        classes (Sequence[str]): their column order.
    RETURNS (float): w (on a tie, the smaller).
    """
    best, best_w = -1.0, WEIGHT_GRID[0]
    for w in WEIGHT_GRID:
        score = _primary(scheme, _evaluate_probs(scheme, items, _mix(p_sparse, p_dense, w), classes))
        if score > best + 1e-12:
            best, best_w = score, w
    return best_w


def _mix3(p_sparse: np.ndarray, p_dense: np.ndarray, log_tuned: np.ndarray, wd: float, wt: float) -> np.ndarray:
    """softmax((1 - wd - wt) log p_sparse + wd log p_dense + wt log p_tuned), as ``EventTypeHead.scores`` mixes three parts."""
    z = (1.0 - wd - wt) * np.log(np.maximum(p_sparse, 1e-300)) + wd * np.log(np.maximum(p_dense, 1e-300)) + wt * log_tuned
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    return z / z.sum(axis=1, keepdims=True)


def _detail(probs: np.ndarray, classes: Sequence[str], labels: Sequence[str]) -> list[tuple[str, float, str]]:
    best = probs.argmax(axis=1)
    return [(classes[int(k)], float(probs[i, k]), labels[i]) for i, k in enumerate(best)]


def _tuned_schemes() -> set[str]:
    """The schemes that get a fine-tuned part (``train_tuned.TUNE``; needs torch)."""
    from . import train_tuned

    return set(train_tuned.TUNE)


def tuned_cv(scheme: str, items: Sequence[GoldItem], oof: tuple, *, folds: int, cached: Path | None = None) -> tuple[dict, np.ndarray]:
    """Cross-validate the fine-tuned part on the folds of ``cross_validate`` and choose its mix.

    Args:
        scheme (str): "case2021" or "plover".
        items (Sequence[GoldItem]): the dev items.
        oof (tuple): ``cross_validate(...)["oof"]``: sparse and dense out-of-fold probabilities,
            the classes and the folds.
        folds (int): number of folds (for messages).
        cached (Path | None): an ``.npy`` of out-of-fold probabilities of the tuned part from an
            earlier run with the same settings and folds (rows in dev-file order, columns in label
            order), used instead of fine-tuning once per fold; the report names it.
    RETURNS (tuple[dict, np.ndarray]): the report entry ("alone", "cv" of the chosen mix, "cv_nested"
        with each fold's weights chosen on the other folds, "equal" for
        the mix of equal thirds fixed in advance, per class, weights, threshold, weak labels) and the
        out-of-fold log-probabilities of the tuned part.
    """
    from . import train_tuned

    p_sparse, p_dense, classes, splits = oof
    labels = _labels(scheme, items)
    if cached is not None:
        probs = np.load(cached, allow_pickle=False)
        if probs.shape != (len(items), len(classes)) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-4):
            raise ModelError(f"{cached}: {probs.shape} is not one probability row per {scheme} dev item over {len(classes)} labels")
        log_tuned = np.log(np.maximum(probs, 1e-300))
    else:
        log_tuned = train_tuned.out_of_fold(scheme, items, labels, classes, splits)
    alone = _evaluate_probs(scheme, items, np.exp(log_tuned), classes)

    def choose(rows: np.ndarray) -> tuple[float, float]:
        """The first (wd, wt) of ``WEIGHT_PAIRS`` whose mix scores best on these rows."""
        sub = [items[i] for i in rows]
        best, pair = -1.0, train_tuned.WEIGHT_PAIRS[0]
        for wd, wt in train_tuned.WEIGHT_PAIRS:
            score = _primary(scheme, _evaluate_probs(scheme, sub, _mix3(p_sparse[rows], p_dense[rows], log_tuned[rows], wd, wt), classes))
            if score > best + 1e-12:
                best, pair = score, (wd, wt)
        return pair

    chosen_pair = choose(np.arange(len(items)))
    pair = train_tuned.FIXED_WEIGHTS.get(scheme, chosen_pair)
    # nested: each fold is scored with the weights chosen on the other folds' out-of-fold rows
    nested_probs, fold_pairs = np.zeros_like(p_sparse), []
    for test in splits:
        fold_pairs.append(choose(np.setdiff1d(np.arange(len(items)), test)))
        nested_probs[test] = _mix3(p_sparse[test], p_dense[test], log_tuned[test], *fold_pairs[-1])
    nested = _evaluate_probs(scheme, items, nested_probs, classes)
    fold_primary = [round(_primary(scheme, _evaluate_probs(scheme, [items[i] for i in test], nested_probs[test], classes)), 4) for test in splits]
    mixed = _mix3(p_sparse, p_dense, log_tuned, *pair)
    chosen = _evaluate_probs(scheme, items, mixed, classes)
    equal = _evaluate_probs(scheme, items, _mix3(p_sparse, p_dense, log_tuned, 1 / 3, 1 / 3), classes)
    threshold, weak = reliability(_detail(mixed, classes, labels))
    entry = {
        "settings": train_tuned.TUNE[scheme].as_dict(),
        "max_length": train_tuned.MAX_LENGTH,
        "alone": _brief(alone),
        "cv": _brief(chosen),
        "cv_per_class": chosen["per_class"],
        "cv_nested": {**_brief(nested), "fold_weights": fold_pairs, "fold_primary": fold_primary, "fold_primary_std": round(float(np.std(fold_primary)), 4)},
        "cv_nested_per_class": nested["per_class"],
        "equal": _brief(equal),
        "dense_weight": pair[0],
        "weight": pair[1],
        "weights_from": "fixed by train_tuned.FIXED_WEIGHTS, not chosen on these folds" if scheme in train_tuned.FIXED_WEIGHTS else "chosen on these folds",
        "chosen_on_folds": chosen_pair,
        "threshold": threshold,
        "weak_labels": sorted(weak),
        "out_of_fold_from": str(cached) if cached is not None else "fine-tuned here, once per fold",
    }
    print(f"{scheme} {folds}-fold CV, tuned part alone: {json.dumps(entry['alone'])}", file=sys.stderr)
    print(f"{scheme} {folds}-fold CV, sparse + dense + tuned, weights {pair} ({entry['weights_from']}): {json.dumps(entry['cv'])}", file=sys.stderr)
    print(f"{scheme} nested {folds}-fold CV, sparse + dense + tuned, weights {fold_pairs} chosen on the other folds: {json.dumps(entry['cv_nested'])}", file=sys.stderr)
    print(f"{scheme} {folds}-fold CV, equal thirds (fixed in advance): {json.dumps(entry['equal'])}", file=sys.stderr)
    return entry, log_tuned


def cross_validate(
    scheme: str,
    items: Sequence[GoldItem],
    raws: Sequence[dict[int, float]],
    *,
    folds: int,
    groups: Sequence[str] | None,
    dense_x: np.ndarray | None = None,
    nested: bool = True,
) -> dict:
    """Out-of-fold scores, as ``crosswire eval events`` computes them, sparse-only and mixed.

    Args:
        scheme (str): "case2021" or "plover".
        items (Sequence[GoldItem]): the dev items.
        raws (Sequence[dict[int, float]]): their features.
        folds (int): number of folds.
        groups (Sequence[str] | None): group ids (items of a group stay in one fold).
        dense_x (np.ndarray | None): their dense features (``dense_features``); None for sparse only.
        nested (bool): with ``dense_x``, also estimate the mixed model by nested CV (w chosen
            inside each outer fold's training part).
    RETURNS (dict): mode ("sparse", and "mixed" with ``dense_x``) -> (the eval JSON of the
        out-of-fold predictions, and per item (predicted label, confidence, gold label) of the
        unrestricted prediction); with ``dense_x`` also "weight" (w chosen on the out-of-fold
        predictions) and, with ``nested``, "nested" -> (eval JSON, the w of each outer fold,
        the primary metric of each outer fold).
    """
    labels = _labels(scheme, items)
    classes = sorted(set(labels))
    rows = np.arange(len(items))
    splits = _splits(labels, groups, folds)
    p_sparse, p_dense = _oof_probs(scheme, rows, raws, labels, items, splits, classes, dense_x)
    print(f"  {scheme}: {folds}-fold out-of-fold predictions done", file=sys.stderr)

    def detail(probs: np.ndarray) -> list[tuple[str, float, str]]:
        return _detail(probs, classes, labels)

    out: dict = {"sparse": (_evaluate_probs(scheme, items, p_sparse, classes), detail(p_sparse))}
    out["oof"] = (p_sparse, p_dense, classes, splits)
    if p_dense is None:
        return out
    w = choose_weight(scheme, items, p_sparse, p_dense, classes)
    mixed = _mix(p_sparse, p_dense, w)
    out["mixed"] = (_evaluate_probs(scheme, items, mixed, classes), detail(mixed))
    out["weight"] = w
    if nested:
        outer = np.zeros_like(mixed)
        chosen, per_fold = [], []
        for f, test in enumerate(splits):
            train = np.setdiff1d(rows, test)
            inner = _splits([labels[i] for i in train], [groups[i] for i in train] if groups else None, folds)
            ps, pd = _oof_probs(scheme, train, raws, labels, items, inner, classes, dense_x)
            assert pd is not None
            w_f = choose_weight(scheme, [items[i] for i in train], ps, pd, classes)
            chosen.append(w_f)
            outer[test] = _mix(p_sparse[test], p_dense[test], w_f)
            fold_items = [items[i] for i in test]
            per_fold.append(round(_primary(scheme, _evaluate_probs(scheme, fold_items, outer[test], classes)), 4))
            print(f"  {scheme}: nested CV, outer fold {f + 1}/{folds}: w {w_f}", file=sys.stderr)
        out["nested"] = (_evaluate_probs(scheme, items, outer, classes), chosen, per_fold)
    return out


def _case_label(item: GoldItem) -> str:
    return item.gold["3"]


def reliability(detail: Sequence[tuple[str, float, str]]) -> tuple[float, frozenset[str]]:
    """Threshold and weak labels from out-of-fold predictions.

    Args:
        detail (Sequence[tuple[str, float, str]]): (predicted, confidence, gold) per item.
    RETURNS (tuple[float, frozenset[str]]): the lowest confidence t such that predictions with
        confidence >= t are right at least ``RELIABLE_ACCURACY`` of the time, and the labels
        whose out-of-fold F1 is under ``WEAK_F1``.
    """
    scores = class_scores([g for _, _, g in detail], [p for p, _, _ in detail])
    weak = frozenset(c for c, v in scores.per_class.items() if v["f1"] < WEAK_F1)
    ranked = sorted(detail, key=lambda d: -d[1])
    threshold, right = 1.0, 0
    for k, (p, conf, g) in enumerate(ranked, start=1):
        right += p == g
        if right / k >= RELIABLE_ACCURACY:
            threshold = conf
    return round(float(threshold), 4), weak


def _brief(result: dict) -> dict:
    return {k: {m: round(v[m], 4) for m in ("n", "accuracy", "weighted_f1", "macro_f1")} for k, v in result["subtasks"].items()}


def train(
    bench: Path,
    *,
    out: Path,
    folds: int,
    cv_only: bool,
    embeddings: bool = True,
    nested: bool = True,
    tuned: bool = True,
    schemes: Sequence[str] = ("case2021", "plover"),
    tuned_oof: dict[str, Path] | None = None,
) -> dict:
    """Cross-validate and fit both heads; write them unless ``cv_only``.

    Args:
        bench (Path): the events bench folder (case2021/, plv/, plover_gsr/).
        out (Path): where to write the heads.
        folds (int): cross-validation folds.
        cv_only (bool): only report cross-validation.
        embeddings (bool): train the dense parts too (needs the sentence-encoder package).
        nested (bool): with ``embeddings``, also report the nested-CV estimate ("cv_nested").
        tuned (bool): with ``embeddings``, also fine-tune the encoder's adapter per head (torch; the
            "tuned" entry, and ``<scheme>_tuned.{npz,json}``).
        schemes (Sequence[str]): the heads to train (the others are left as they are).
        tuned_oof (dict[str, Path] | None): scheme → cached out-of-fold probabilities of its tuned
            part (``tuned_cv``'s ``cached``).
    RETURNS (dict): per scheme, cv and in-sample scores (subtask summaries and per class), for the
        mixed model ("cv", "cv_nested", "in_sample", …) and the sparse weights alone ("sparse_only").
    Raises:
        ModelError: with ``embeddings``, when the sentence encoder cannot be loaded.
    """
    encoders: dict[str, SentenceEncoder] = {}
    if embeddings:
        encoders[MINILM] = SentenceEncoder.load()
        if any(DENSE[s].encoder == MPNET for s in schemes):
            from ..embed.mpnet import MPNetEncoder

            encoders[MPNET] = MPNetEncoder.load()
    encoder = encoders.get(MINILM)
    report: dict = {"embeddings": embeddings}
    data = {
        "case2021": (read_case2021(bench / CASE_FILE), None),
        "plover": (read_plover(bench / PLV_FILE), "sentence_id"),
    }
    for scheme, (items, group_key) in data.items():
        if scheme not in schemes:
            continue
        t0 = time.time()
        feat, c, min_df = SETTINGS[scheme]
        raws = [feat.raw(it.input) for it in items]
        groups = [it.id for it in items] if group_key else None
        dense_x = None
        if encoder is not None:
            dense_x = dense_features(items, encoders[DENSE[scheme].encoder], DENSE[scheme])
            print(f"  {scheme}: {len(items)} texts embedded in {time.time() - t0:.0f} s", file=sys.stderr)
        cv = cross_validate(scheme, items, raws, folds=folds, groups=groups, dense_x=dense_x, nested=nested)
        tuned_entry = None
        if tuned and dense_x is not None and scheme in _tuned_schemes():
            tuned_entry, _ = tuned_cv(scheme, items, cv["oof"], folds=folds, cached=(tuned_oof or {}).get(scheme))
        rel = {mode: reliability(cv[mode][1]) for mode in ("sparse", "mixed") if mode in cv}
        sparse_cv = cv["sparse"][0]
        sparse_entry = {
            "cv": _brief(sparse_cv),
            "cv_per_class": sparse_cv["per_class"],
            "threshold": rel["sparse"][0],
            "weak_labels": sorted(rel["sparse"][1]),
        }
        main_mode = "mixed" if dense_x is not None else "sparse"
        main_cv = cv[main_mode][0]
        entry = {
            "mode": main_mode,
            "cv": _brief(main_cv),
            "cv_per_class": main_cv["per_class"],
            "threshold": rel[main_mode][0],
            "weak_labels": sorted(rel[main_mode][1]),
            "sparse_only": sparse_entry,
        }
        if dense_x is not None:
            entry["dense"] = {"views": list(DENSE[scheme].views), "c": DENSE[scheme].c, "weight": cv["weight"]}
            if "nested" in cv:
                nested_cv, weights, per_fold = cv["nested"]
                entry["cv_nested"] = {
                    **_brief(nested_cv),
                    "fold_weights": weights,
                    "fold_primary": per_fold,
                    "fold_primary_std": round(float(np.std(per_fold)), 4),
                }
                entry["cv_nested_per_class"] = nested_cv["per_class"]
                print(f"{scheme} nested {folds}-fold CV ({main_mode}): {json.dumps(entry['cv_nested'])}", file=sys.stderr)
        print(f"{scheme} {folds}-fold CV ({main_mode}, w chosen on these folds): {json.dumps(entry['cv'])}", file=sys.stderr)
        if dense_x is not None:
            print(f"{scheme} {folds}-fold CV (sparse only): {json.dumps(sparse_entry['cv'])}", file=sys.stderr)
        if not cv_only:
            labels = _labels(scheme, items)
            head = fit_head(scheme, raws, labels, feat, c=c, min_df=min_df)
            head.threshold, head.weak_labels = rel["sparse"]
            if dense_x is not None:
                d = fit_dense(dense_x, labels, DENSE[scheme], weight=cv["weight"])
                head.dense = DenseHead(
                    d.views, d.coef, d.intercept, d.weight, threshold=rel["mixed"][0], weak_labels=rel["mixed"][1], encoder=d.encoder
                )
            if tuned_entry is not None:
                from . import train_tuned

                classes = sorted(set(labels))
                base = train_tuned.encoder_of(scheme).load(max_length=train_tuned.MAX_LENGTH)
                tuned_npz, _ = train_tuned.save(train_tuned.fit(scheme, items, labels, classes, base, tag="all: "), scheme, classes, out)
                tuned_entry["model_bytes"] = tuned_npz.stat().st_size
                head.tuned_meta = {k: tuned_entry[k] for k in ("weight", "dense_weight", "threshold", "weak_labels")}
            npz, _ = head.save(out)
            shipped = EventTypeHead.load(scheme, out)
            if tuned_entry is not None:
                shipped.attach_tuned(out)
            rows = {id(it.input): i for i, it in enumerate(items)}

            def predictor(use_dense: bool, x: np.ndarray | None = dense_x, rows=rows, shipped=shipped, use_tuned: bool = False):
                def predict(inputs, allowed):
                    d = x[[rows[id(i)] for i in inputs]] if use_dense and x is not None else None
                    t = shipped.tuned.log_probabilities(list(inputs)) if use_tuned and shipped.tuned is not None else None
                    return [p.label for p in shipped.predict(list(inputs), labels=allowed, dense=d, tuned=t)]

                return predict

            entry["in_sample"] = _brief(evaluate_events(items, scheme, predictor(True)))
            sparse_entry["in_sample"] = _brief(evaluate_events(items, scheme, predictor(False)))
            if tuned_entry is not None:
                tuned_entry["in_sample"] = _brief(evaluate_events(items, scheme, predictor(True, use_tuned=True)))
            entry["model_bytes"] = npz.stat().st_size
            print(f"{scheme} in-sample (shipped model): {json.dumps(entry['in_sample'])}", file=sys.stderr)
            if scheme == "plover" and (bench / GSR_FILE).exists():
                gsr = read_plover(bench / GSR_FILE)
                gsr_x = dense_features(gsr, encoders[DENSE[scheme].encoder], DENSE[scheme]) if encoders else None
                grows = {id(it.input): i for i, it in enumerate(gsr)}
                targets = [(entry, True, False), (sparse_entry, False, False)]
                if tuned_entry is not None:
                    targets.append((tuned_entry, True, True))
                for target, use_dense, use_tuned in targets:
                    res = evaluate_events(gsr, scheme, predictor(use_dense, gsr_x, grows, use_tuned=use_tuned))
                    target["gsr_transfer"] = _brief(res)
                    target["gsr_transfer_per_class"] = res["per_class"]
        if tuned_entry is not None:
            entry["tuned"] = tuned_entry
        entry["seconds"] = round(time.time() - t0, 1)
        report[scheme] = entry
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m crosswire.events.train``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", nargs="?", default="../shared/bench/events", help="the events bench folder")
    ap.add_argument("--out", type=Path, default=MODELS_DIR, help="where to write the heads")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cv-only", action="store_true", help="report cross-validation only; write nothing")
    ap.add_argument(
        "--no-embeddings", action="store_true", help="sparse features only: ship heads without a dense part (no encoder needed)"
    )
    ap.add_argument("--no-nested", action="store_true", help="skip the nested CV of the mixed model (5x fewer fits)")
    ap.add_argument("--no-tuned", action="store_true", help="do not fine-tune the encoder's adapters (no torch needed; ships no tuned part)")
    ap.add_argument("--schemes", default="case2021,plover", help="comma-separated heads to train (default both)")
    ap.add_argument(
        "--tuned-oof",
        action="append",
        default=[],
        metavar="SCHEME=FILE.npy",
        help="reuse out-of-fold probabilities of a scheme's tuned part from an earlier run with the same settings and folds",
    )
    args = ap.parse_args(argv)
    bench = Path(args.bench)
    if not (bench / CASE_FILE).exists() or not (bench / PLV_FILE).exists():
        print(f"error: {bench} lacks {CASE_FILE} or {PLV_FILE}; pass the events bench folder", file=sys.stderr)
        return 1
    try:
        cached = {k: Path(v) for k, _, v in (a.partition("=") for a in args.tuned_oof)}
        report = train(
            bench,
            out=args.out,
            folds=args.folds,
            cv_only=args.cv_only,
            embeddings=not args.no_embeddings,
            nested=not args.no_nested,
            tuned=not args.no_tuned,
            schemes=[s.strip() for s in args.schemes.split(",") if s.strip()],
            tuned_oof=cached,
        )
    except ModelError as exc:
        print(f"error: {exc} (or pass --no-embeddings to train the sparse weights only)", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
