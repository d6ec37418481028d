"""Train the geo candidate ranker on the dev sets of ../shared/bench/geo and write ranker.json.

Reproducible: fixed seed, deterministic folds (articles sorted by (file, id), shuffled with the
seed). Reports, per dev file:

* ``population``: the most populous candidate (the baseline);
* ``cv``: k-fold cross-validation *by article* (both passes trained on the other folds, the held-out
  fold scored) — the honest number;
* ``in_sample``: the final model, trained on all dev data, scored on the same data.

Needs scikit-learn (the ``train`` extra); run time needs only numpy.

Usage: python scripts/train_geo_ranker.py [--bench ../shared/bench/geo] [--out src/crosswire/places/ranker.json]
       [--folds 5] [--seed 13] [--report report.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from crosswire.eval.geo import Prediction, read_gold, resolution_metrics
from crosswire.places.gazetteer import Gazetteer
from crosswire.places.ranker import ALL_FEATURES, BASE_FEATURES, LinearModel, Ranker, haversine
from crosswire.places.resolve import add_pass2, build_groups, rank_groups, toponyms_for_spans

ROOT = Path(__file__).resolve().parents[1]
FILES = ("lgl.xml", "GWN.xml", "TR-News.xml")


def load_articles(bench: Path, gazetteer) -> list[dict]:
    """Every dev article with its gold items and candidate groups (features of pass 1)."""
    out = []
    for fname in FILES:
        fmt, arts = read_gold(bench / fname)
        t0 = time.time()
        for art in arts:
            items = [t for t in art.toponyms if t.resolve]
            if not items:
                continue
            tops = toponyms_for_spans(art.text, [(t.start, t.end) for t in items], ())
            groups = build_groups(tops, gazetteer)
            labels = []
            for g in groups:
                golds = [items[m] for m in g.members]
                y = np.zeros(len(g.cands))
                gid = max({t.geonameid for t in golds if t.geonameid} or {None}, key=lambda x: x is not None)
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


def stack(articles: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    Xs, ys = [], []
    for a in articles:
        for g, y in zip(a["groups"], a["labels"]):
            if len(g.cands) and y.any():
                Xs.append(g.X.copy())
                ys.append(y)
    return np.vstack(Xs), np.concatenate(ys)


def train(articles: list[dict], seed: int, C: float) -> Ranker:
    for a in articles:
        add_pass2(a["groups"], [None] * len(a["groups"]))  # pass 1 sees no distance features
    X, y = stack(articles)
    pass1 = fit(X, y, BASE_FEATURES, seed, C)
    for a in articles:
        picks = [int(np.argmax(pass1.logits(g.X))) if g.cands else None for g in a["groups"]]
        add_pass2(a["groups"], picks)
    X, y = stack(articles)
    pass2 = fit(X, y, ALL_FEATURES, seed, C)
    return Ranker(pass1, pass2, {"C": C, "seed": seed})


def predict(articles: list[dict], ranker: Ranker | None) -> dict[str, list]:
    per_file: dict[str, list] = {}
    for a in articles:
        ranked = rank_groups(a["groups"], ranker)
        preds: list[Prediction | None] = [None] * len(a["items"])
        for g, (i, _) in zip(a["groups"], ranked):
            for m in g.members:
                p = g.cands[i].place if i is not None else None
                preds[m] = Prediction(p.id, p.lat, p.lon) if p is not None else Prediction()
        per_file.setdefault(a["file"], []).extend(zip(a["items"], preds))
    return per_file


def scores(per_file: dict[str, list]) -> dict[str, dict]:
    out = {}
    for f in FILES:
        m = resolution_metrics(per_file.get(f, []))
        out[f] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench" / "geo")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "crosswire" / "places" / "ranker.json")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--report", type=Path, default=None)
    args = ap.parse_args(argv)
    if not args.bench.is_dir():
        print(f"error: no benchmark data at {args.bench}", file=sys.stderr)
        return 1
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
        ranker = train(tr, args.seed, args.C)
        for f, items in predict(te, ranker).items():
            cv.setdefault(f, []).extend(items)
        print(f"fold {k + 1}/{args.folds} done", file=sys.stderr)
    report["cv"] = scores(cv)
    final = train(articles, args.seed, args.C)
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
