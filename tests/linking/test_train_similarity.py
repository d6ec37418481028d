"""``crosswire.linking.train_similarity``: per-group feature sets chosen by inner cross-validation.

Synthetic rows, so that the right answer is known: the target depends on chosen columns only, and
the others are noise that a least-squares fit on 60 rows would still give weight to.
"""

from __future__ import annotations

import json

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
