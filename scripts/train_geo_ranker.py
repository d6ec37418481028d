"""Train the geo candidate ranker on the dev sets of ../shared/bench/geo and write ranker.json.

Reproducible: fixed seed, deterministic folds (articles sorted by (file, id), shuffled with the
seed). Reports, per dev file:

* ``population``: the most populous candidate (the baseline);
* ``cv``: k-fold cross-validation *by article* (every pass trained on the other folds, the held-out
  fold scored) — the honest number;
* ``in_sample``: the final model, trained on all dev data, scored on the same data.

* ``cv_calibration``: the CV confidence against correctness, by bin, and its calibration error.

The passes are conditional logits (``fit_listwise``, scipy's L-BFGS; ``--objective pointwise`` is
the earlier logistic regression, for comparison); ``--passes 2`` leaves out pass 3, ``--drop``
leaves features out and ``--area-below`` sets the area-fallback threshold for the CV (ablations).

Needs scikit-learn and scipy (the ``train`` extra); run time needs only numpy.

Usage: python scripts/train_geo_ranker.py [--bench ../shared/bench/geo] [--out src/crosswire/places/ranker.json]
       [--folds 5] [--seed 13] [--report report.json] [--passes 3] [--objective listwise] [--drop F,...]
       [--area-below 0.1]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from crosswire.eval.geo import Prediction, read_gold, resolution_metrics
from crosswire.places.gazetteer import Gazetteer
from crosswire.places.ranker import (
    ALL_FEATURES,
    BASE_FEATURES,
    LinearModel,
    Ranker,
    haversine,
)
from crosswire.places.resolve import (
    add_pass2,
    build_groups,
    choose,
    pass1_probs,
    rank_groups,
    toponyms_for_spans,
)

ROOT = Path(__file__).resolve().parents[1]
FILES = ("lgl.xml", "GWN.xml", "TR-News.xml")


def load_articles(bench: Path, gazetteer) -> list[dict]:
    """Every dev article with its gold items and candidate groups (features of pass 1)."""
    out = []
    for fname in FILES:
        _fmt, arts = read_gold(bench / fname)
        t0 = time.time()
        for art in arts:
            items = [t for t in art.toponyms if t.resolve]
            if not items:
                continue
            tops = toponyms_for_spans(art.text, [(t.start, t.end) for t in items], ())
            groups = build_groups(tops, gazetteer, body=art.text)
            labels = []
            for g in groups:
                golds = [items[m] for m in g.members]
                y = np.zeros(len(g.cands))
                # The most frequent gold id of the group's mentions (ties: the first mentioned), so
                # the labels do not depend on the iteration order of a set.
                ids = Counter(t.geonameid for t in golds if t.geonameid)
                gid = max(ids, key=lambda x: (ids[x], -[t.geonameid for t in golds].index(x))) if ids else None
                if gid is not None:
                    y = np.array([float(c.place.id == gid) for c in g.cands])
                if not y.any() and g.cands:
                    # No id match (or no gold id): the nearest candidate within 50 km is the positive.
                    d = haversine(np.array([c.place.lat for c in g.cands]), np.array([c.place.lon for c in g.cands]),
                                  golds[0].lat, golds[0].lon)
                    if d.min() <= 50:
                        y[int(np.argmin(d))] = 1.0
                labels.append(y)
            out.append({"file": fname, "id": art.id, "items": items, "groups": groups, "labels": labels})
        print(f"{fname}: {len(arts)} articles, candidates in {time.time() - t0:.1f}s", file=sys.stderr)
    return out


def fit(X: np.ndarray, y: np.ndarray, features: tuple[str, ...], seed: int, C: float) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    cols = [ALL_FEATURES.index(f) for f in features]
    Xs = X[:, cols]
    mean = Xs.mean(axis=0)
    scale = Xs.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    clf.fit((Xs - mean) / scale, y)
    return LinearModel(features, mean, scale, clf.coef_[0].copy(), float(clf.intercept_[0]))


def fit_listwise(groups: list[tuple[np.ndarray, np.ndarray]], features: tuple[str, ...], C: float) -> LinearModel:
    """A conditional logit over each name's candidates plus a "none of these" option of score 0.

    P(candidate j) = exp(z_j) / (1 + sum_k exp(z_k)), z = w . x + b: the softmax ranks the
    candidates against each other (what resolution needs) and the null option keeps the scores
    absolute (a lone weak match can stay unlikely). Names with no correct candidate teach the null.
    """
    from scipy.optimize import minimize

    cols = [ALL_FEATURES.index(f) for f in features]
    X = np.vstack([x[:, cols] for x, _ in groups])
    y = np.concatenate([yy for _, yy in groups])
    sizes = np.array([len(yy) for _, yy in groups])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    gid = np.repeat(np.arange(len(groups)), sizes)
    has_pos = np.add.reduceat(y, starts) > 0
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Z = (X - mean) / scale
    d = Z.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = Z @ w + b
        m = np.maximum(np.maximum.reduceat(z, starts), 0.0)
        e = np.exp(z - m[gid])
        denom = np.add.reduceat(e, starts) + np.exp(-m)
        lse = m + np.log(denom)
        epos = e * y
        spos = np.add.reduceat(epos, starts)
        lpos = np.where(has_pos, m + np.log(np.where(has_pos, spos, 1.0)), 0.0)
        total = float(np.sum(lse - lpos))
        dz = e / denom[gid] - np.where(y > 0, epos / np.where(has_pos, spos, 1.0)[gid], 0.0)
        grad = np.concatenate([Z.T @ dz, [dz.sum()]])
        reg = 0.5 * float(w @ w) / C
        grad[:d] += w / C
        return total + reg, grad

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return LinearModel(features, mean, scale, res.x[:d].copy(), float(res.x[d]))


def stack_groups(articles: list[dict], *, with_negatives: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        (g.X.copy(), y) for a in articles for g, y in zip(a["groups"], a["labels"])
        if len(g.cands) and (with_negatives or y.any())
    ]


def stack(articles: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    Xs, ys = [], []
    for a in articles:
        for g, y in zip(a["groups"], a["labels"]):
            if len(g.cands) and y.any():
                Xs.append(g.X.copy())
                ys.append(y)
    return np.vstack(Xs), np.concatenate(ys)


def train(
    articles: list[dict], seed: int, C: float, objective: str = "listwise", drop: frozenset[str] = frozenset(),
    passes: int = 3,
) -> Ranker:
    def fit_any(features):
        features = tuple(f for f in features if f not in drop)
        if objective == "pointwise":
            X, y = stack(articles)
            return fit(X, y, features, seed, C)
        return fit_listwise(stack_groups(articles, with_negatives=objective == "listwise-null"), features, C)

    for a in articles:
        add_pass2(a["groups"], [None] * len(a["groups"]))  # pass 1 sees no distance features
    pass1 = fit_any(BASE_FEATURES)
    for a in articles:
        add_pass2(a["groups"], pass1_probs(a["groups"], pass1))
    pass2 = fit_any(ALL_FEATURES)
    pass3 = None
    if passes == 3:
        # Pass 3 sees the pass-2 features recomputed from the pass-2 probabilities (in-sample, as
        # pass 2 sees pass 1's).
        for a in articles:
            add_pass2(a["groups"], pass1_probs(a["groups"], pass2))
        pass3 = fit_any(ALL_FEATURES)
    confidence = None
    if objective != "pointwise":
        features = tuple(f for f in ALL_FEATURES if f not in drop)
        confidence = fit_listwise(stack_groups(articles, with_negatives=True), features, C)
    return Ranker(pass1, pass2, {"C": C, "seed": seed, "objective": objective, "passes": passes}, confidence, pass3)


def predict(
    articles: list[dict], ranker: Ranker | None, *, area_fallback: bool = True, area_below: float | None = None
) -> dict[str, list]:
    per_file: dict[str, list] = {}
    kw = {} if area_below is None else {"area_below": area_below}
    for a in articles:
        ranked = rank_groups(a["groups"], ranker)
        choices = choose(a["groups"], ranked, ranker, area_fallback=area_fallback, **kw)
        preds: list[Prediction | None] = [None] * len(a["items"])
        confs = [0.0] * len(a["items"])
        for g, ch in zip(a["groups"], choices):
            for m in g.members:
                p = ch.place
                preds[m] = Prediction(p.id, p.lat, p.lon) if p is not None else Prediction()
                confs[m] = ch.confidence
        per_file.setdefault(a["file"], []).extend(zip(a["items"], preds, confs))
    return per_file


def scores(per_file: dict[str, list]) -> dict[str, dict]:
    out = {}
    for f in FILES:
        m = resolution_metrics([(g, p) for g, p, _ in per_file.get(f, [])])
        out[f] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()}
    return out


def calibration(per_file: dict[str, list], bins: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01)) -> dict:
    """Confidence against correctness (the gold id when there is one, else within 161 km), all files.

    RETURNS (dict): per confidence bin, the count, mean confidence and share correct; and the
        expected calibration error (count-weighted mean |confidence - share correct|).
    """
    rows = []
    for items in per_file.values():
        for gold, pred, conf in items:
            if pred.lat is None:
                ok = False
            elif gold.geonameid:
                ok = str(pred.id) == str(gold.geonameid)
            else:
                ok = haversine(np.array(pred.lat), np.array(pred.lon), gold.lat, gold.lon) <= 161
            rows.append((conf, float(ok)))
    out: dict[str, object] = {}
    ece = 0.0
    for lo, hi in itertools.pairwise(bins):
        b = [(c, ok) for c, ok in rows if lo <= c < hi]
        if b:
            mc, acc = float(np.mean([c for c, _ in b])), float(np.mean([ok for _, ok in b]))
            out[f"[{lo:.1f},{min(hi, 1.0):.1f})"] = {"n": len(b), "confidence": round(mc, 3), "correct": round(acc, 3)}
            ece += len(b) * abs(mc - acc)
    out["ece"] = round(ece / max(1, len(rows)), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench" / "geo")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "crosswire" / "places" / "ranker.json")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--report", type=Path, default=None)
    ap.add_argument("--area-below", type=float, default=None,
                    help="confidence under which a pick gives way to the article's centre (default: resolve.AREA_BELOW)")
    ap.add_argument("--passes", type=int, choices=(2, 3), default=3)
    ap.add_argument("--drop", default="", help="comma-separated features to leave out (ablations)")
    ap.add_argument("--objective", choices=("pointwise", "listwise", "listwise-null"), default="listwise")
    args = ap.parse_args(argv)
    if not args.bench.is_dir():
        print(f"error: no benchmark data at {args.bench}", file=sys.stderr)
        return 1
    drop = frozenset(filter(None, args.drop.split(",")))
    gazetteer = Gazetteer.load()
    articles = load_articles(args.bench, gazetteer)
    articles.sort(key=lambda a: (a["file"], a["id"]))
    order = list(range(len(articles)))
    random.Random(args.seed).shuffle(order)
    fold_of = {i: k % args.folds for k, i in enumerate(order)}
    report: dict[str, object] = {"population": scores(predict(articles, None))}
    cv: dict[str, list] = {}
    for k in range(args.folds):
        tr = [a for i, a in enumerate(articles) if fold_of[i] != k]
        te = [a for i, a in enumerate(articles) if fold_of[i] == k]
        ranker = train(tr, args.seed, args.C, args.objective, drop, args.passes)
        for f, items in predict(te, ranker, area_below=args.area_below).items():
            cv.setdefault(f, []).extend(items)
        print(f"fold {k + 1}/{args.folds} done", file=sys.stderr)
    report["cv"] = scores(cv)
    report["cv_calibration"] = calibration(cv)
    final = train(articles, args.seed, args.C, args.objective, drop, args.passes)
    report["in_sample"] = scores(predict(articles, final))
    final.meta.update({
        "trained_on": [f"shared/bench/geo/{f} (dev)" for f in FILES],
        "folds": args.folds,
        "cv": report["cv"],
        "in_sample": report["in_sample"],
    })
    args.out.write_text(json.dumps(final.to_dict(), indent=1) + "\n", encoding="utf-8")
    text = json.dumps(report, indent=2)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
