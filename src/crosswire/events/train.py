"""Train the event-type heads on the dev data and write them to ``events/models/``.

    python -m crosswire.events.train [BENCH_EVENTS_DIR] [--cv-only] [--folds 5] [--out DIR]

BENCH_EVENTS_DIR defaults to ``../shared/bench/events`` (relative to the working directory, i.e.
the repository root under ``make train``). For each scheme it

1. cross-validates (stratified k-fold, seed 13; PLV grouped by ``sentence_id``) and prints the
   scores of ``crosswire eval events`` computed on the out-of-fold predictions: the honest number;
2. fits the shipped head on all dev rows and prints its in-sample scores (optimistic: labelled so);
3. sets the head's reliability threshold and weak labels from the out-of-fold predictions.

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
from pathlib import Path

import numpy as np

from ..eval.events import GoldItem, class_scores, evaluate_events, read_case2021, read_plover
from .classify import MODELS_DIR, EventInput, EventTypeHead, Featurizer, vectorize

logger = logging.getLogger(__name__)

SEED = 13
#: scheme -> (featurizer, C of the logistic regression, min_df)
SETTINGS: dict[str, tuple[Featurizer, float, int]] = {
    # chosen by 5-fold CV on the dev files (docs/BENCHMARKS_events.md lists the grid tried)
    "case2021": (Featurizer(char=True, roles=False, cue_weight=3.0, cue_pairs=True), 300.0, 3),
    "plover": (Featurizer(char=False, roles=True, cue_weight=2.0, role_weight=2.0), 50.0, 2),
}
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


def _splits(labels: Sequence[str], groups: Sequence[str] | None, folds: int) -> list[np.ndarray]:
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y = np.array(labels)
    if groups is None:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        return [test for _, test in splitter.split(np.zeros(len(y)), y)]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return [test for _, test in splitter.split(np.zeros(len(y)), y, groups=np.array(groups))]


def cross_validate(
    scheme: str, items: Sequence[GoldItem], raws: Sequence[dict[int, float]], *, folds: int, groups: Sequence[str] | None
) -> tuple[dict, list[tuple[str, float, str]]]:
    """Out-of-fold scores, as ``crosswire eval events`` computes them.

    Args:
        scheme (str): "case2021" or "plover".
        items (Sequence[GoldItem]): the dev items.
        raws (Sequence[dict[int, float]]): their features.
        folds (int): number of folds.
        groups (Sequence[str] | None): group ids (items of a group stay in one fold).
    RETURNS (tuple[dict, list]): the eval JSON of the out-of-fold predictions, and per item
        (predicted label, confidence, gold label) of the unrestricted prediction.
    """
    feat, c, min_df = SETTINGS[scheme]
    labels = [it.gold["1"] if scheme == "plover" else _case_label(it) for it in items]
    oof_heads: dict[int, EventTypeHead] = {}
    fold_of = np.zeros(len(items), dtype=int)
    for f, test in enumerate(_splits(labels, groups, folds)):
        fold_of[test] = f
        train = np.setdiff1d(np.arange(len(items)), test)
        oof_heads[f] = fit_head(scheme, [raws[i] for i in train], [labels[i] for i in train], feat, c=c, min_df=min_df)
        print(f"  {scheme} fold {f + 1}/{folds} fitted", file=sys.stderr)
    index = {id(it.input): i for i, it in enumerate(items)}

    def predict(inputs: Sequence[EventInput], allowed) -> list[str]:
        out = []
        for inp in inputs:
            i = index[id(inp)]
            out.append(oof_heads[fold_of[i]].predict([inp], labels=allowed)[0].label)
        return out

    result = evaluate_events(items, scheme, predict)
    detail = []
    for i, it in enumerate(items):
        p = oof_heads[fold_of[i]].predict([it.input])[0]
        detail.append((p.label, p.confidence, labels[i]))
    return result, detail


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


def train(bench: Path, *, out: Path, folds: int, cv_only: bool) -> dict:
    """Cross-validate and fit both heads; write them unless ``cv_only``.

    Args:
        bench (Path): the events bench folder (case2021/, plv/, plover_gsr/).
        out (Path): where to write the heads.
        folds (int): cross-validation folds.
        cv_only (bool): only report cross-validation.
    RETURNS (dict): per scheme, cv and in-sample scores (subtask summaries and per class).
    """
    report: dict = {}
    data = {
        "case2021": (read_case2021(bench / CASE_FILE), None),
        "plover": (read_plover(bench / PLV_FILE), "sentence_id"),
    }
    for scheme, (items, group_key) in data.items():
        t0 = time.time()
        feat, c, min_df = SETTINGS[scheme]
        raws = [feat.raw(it.input) for it in items]
        groups = [it.id for it in items] if group_key else None
        cv, detail = cross_validate(scheme, items, raws, folds=folds, groups=groups)
        threshold, weak = reliability(detail)
        entry = {"cv": _brief(cv), "cv_per_class": cv["per_class"], "threshold": threshold, "weak_labels": sorted(weak)}
        print(f"{scheme} {folds}-fold CV: {json.dumps(entry['cv'])}", file=sys.stderr)
        if not cv_only:
            labels = [it.gold["1"] if scheme == "plover" else _case_label(it) for it in items]
            head = fit_head(scheme, raws, labels, feat, c=c, min_df=min_df)
            head.threshold, head.weak_labels = threshold, weak
            npz, _ = head.save(out)
            shipped = EventTypeHead.load(scheme, out)
            insample = evaluate_events(
                items, scheme, lambda inputs, allowed: [p.label for p in shipped.predict(list(inputs), labels=allowed)]
            )
            entry["in_sample"] = _brief(insample)
            entry["model_bytes"] = npz.stat().st_size
            print(f"{scheme} in-sample (shipped model): {json.dumps(entry['in_sample'])}", file=sys.stderr)
            if scheme == "plover" and (bench / GSR_FILE).exists():
                gsr = read_plover(bench / GSR_FILE)
                entry["gsr_transfer"] = _brief(
                    evaluate_events(gsr, scheme, lambda inputs, allowed: [p.label for p in shipped.predict(list(inputs))])
                )
                entry["gsr_transfer_per_class"] = evaluate_events(
                    gsr, scheme, lambda inputs, allowed: [p.label for p in shipped.predict(list(inputs))]
                )["per_class"]
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
    args = ap.parse_args(argv)
    bench = Path(args.bench)
    if not (bench / CASE_FILE).exists() or not (bench / PLV_FILE).exists():
        print(f"error: {bench} lacks {CASE_FILE} or {PLV_FILE}; pass the events bench folder", file=sys.stderr)
        return 1
    report = train(bench, out=args.out, folds=args.folds, cv_only=args.cv_only)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
