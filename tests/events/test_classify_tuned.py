"""The fine-tuned part of an event-type head: the three-way mix, its settings on disk, and its
loading next to the real encoder. The tuned models here are written by the tests themselves (a real
adapter file and head in a temporary models folder), so what is checked is the code, not a model."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from crosswire.embed import Adapter
from crosswire.embed.minilm import DIM, INSTALL_HINT, MODEL_PACKAGE
from crosswire.errors import ModelError
from crosswire.events.classify import (
    TUNED_SUFFIX,
    DenseHead,
    EventClassifier,
    EventInput,
    EventTypeHead,
    Featurizer,
    TunedPart,
    actor_spans,
)

LABELS = ["ASSAULT", "CONSULT", "PROTEST"]


@pytest.fixture(scope="module")
def encoder():
    from crosswire.embed import SentenceEncoder

    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    return SentenceEncoder.load()


def _head(meta: dict | None, seed: int = 0) -> EventTypeHead:
    rng = np.random.default_rng(seed)
    return EventTypeHead(
        "plover", LABELS, np.arange(4), np.ones(4), rng.normal(size=(4, 3)), np.zeros(3), Featurizer(char=False),
        dense=DenseHead(("text",), rng.normal(size=(DIM, 3)), np.array([0.1, 0.0, -0.1]), 0.4), tuned_meta=meta,
    )  # fmt: skip


def _write_tuned(directory: Path, labels: list[str], spans: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    name = "encoder.layer.5.output.dense.weight"
    adapter = Adapter({name: (rng.normal(0, 0.02, (4, 4 * DIM)).astype(np.float32), rng.normal(0, 0.02, (DIM, 4)).astype(np.float32))}, 2.0)
    w = rng.normal(0, 0.5, (len(labels), (1 + spans) * DIM)).astype(np.float32)
    np.savez(directory / f"plover{TUNED_SUFFIX}.npz", **adapter.arrays(), **{"head|w": w, "head|b": np.zeros(len(labels), np.float32)})
    info = {"labels": labels, "spans": spans, "max_length": 128}
    (directory / f"plover{TUNED_SUFFIX}.json").write_text(json.dumps(info), encoding="utf-8")


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (EventInput("Iran condemned the US", marked="<s>Iran</s> condemned <t>the US</t>"), {"s": (0, 4), "t": (15, 21)}),
        (EventInput("Police dispersed protesters", source="Police", target="protesters"), {"s": (0, 6), "t": (17, 27)}),
        (EventInput("Police dispersed protesters", source="Police", target="students"), {"s": (0, 6)}),
        (EventInput("Iran condemned the US", marked="<s>Iran</s> condemned <t>the US"), {"s": (0, 4)}),  # unclosed: no span
        (EventInput("text", marked="<s>other</s> words"), {}),  # marks that do not fit the text
    ],
)
def test_tuned_actor_spans(item, expected):
    assert actor_spans(item) == expected


def test_tuned_mix_is_the_three_way_weighted_average_of_log_probabilities():
    head = _head({"weight": 0.3, "dense_weight": 0.2})
    head.tuned = TunedPart(model=None, weight=0.3, dense_weight=0.2)  # type: ignore[arg-type]  # the mix reads no model
    rng = np.random.default_rng(3)
    item = EventInput("troops")
    x = rng.normal(size=(1, DIM)).astype(np.float32)
    log_t = np.log(np.array([[0.7, 0.2, 0.1]]))
    z_s = head.intercept.astype(np.float64) + 0  # the item has no kept bucket: sparse logits = intercept
    p_sparse = head.scores([item])[0]
    assert p_sparse == pytest.approx(np.exp(z_s) / np.exp(z_s).sum())
    z_d = x[0].astype(np.float64) @ head.dense.coef + head.dense.intercept
    p_dense = np.exp(z_d - z_d.max()) / np.exp(z_d - z_d.max()).sum()
    mix = np.exp(0.5 * np.log(p_sparse) + 0.2 * np.log(p_dense) + 0.3 * log_t[0])
    assert head.scores([item], dense=x, tuned=log_t)[0] == pytest.approx(mix / mix.sum(), rel=1e-6)
    # the dense part's own weight applies when the tuned part is not used
    two = np.exp(0.6 * np.log(p_sparse) + 0.4 * np.log(p_dense))
    assert head.scores([item], dense=x)[0] == pytest.approx(two / two.sum(), rel=1e-6)
    # without dense features, the sparse part takes the rest
    no_dense = np.exp(0.7 * np.log(p_sparse) + 0.3 * log_t[0])
    assert head.scores([item], tuned=log_t)[0] == pytest.approx(no_dense / no_dense.sum(), rel=1e-6)
    with pytest.raises(ValueError, match="tuned"):
        head.scores([item], tuned=np.zeros((1, 2)))


def test_tuned_settings_round_trip_and_threshold_applies(tmp_path):
    meta = {"weight": 0.4, "dense_weight": 0.1, "threshold": 0.99, "weak_labels": ["PROTEST"]}
    _head(meta).save(tmp_path)
    back = EventTypeHead.load("plover", tmp_path)
    assert back.tuned_meta == meta and back.tuned is None  # the model itself is loaded on request only
    with pytest.raises(ModelError, match="make train"):
        back.attach_tuned(tmp_path / "nowhere")
    # the tuned mix's threshold and weak labels decide reliability when the tuned part is used
    back.tuned = TunedPart(model=None, weight=0.4, dense_weight=0.1, threshold=0.99, weak_labels=frozenset({"PROTEST"}))  # type: ignore[arg-type]
    item = EventInput("troops")
    log_t = np.log(np.array([[0.6, 0.3, 0.1]]))
    assert not back.predict([item], tuned=log_t)[0].reliable
    assert back.predict([item])[0].reliable == (back.predict([item])[0].confidence >= back.threshold)


def test_tuned_part_loads_with_the_encoder_and_changes_the_scores(tmp_path, encoder):
    meta = {"weight": 0.5, "dense_weight": 0.1, "threshold": 0.0, "weak_labels": []}
    _head(meta).save(tmp_path)
    _write_tuned(tmp_path, LABELS, spans=2)
    with_tuned = EventClassifier.load(tmp_path, schemes=("plover",), encoder=encoder)
    part = with_tuned.heads["plover"].tuned
    assert part is not None and part.weight == 0.5 and part.dense_weight == 0.1
    items = [
        EventInput("x", marked="<s>Police</s> fired tear gas at <t>protesters</t> in Nairobi"),
        EventInput("Ministers met in Geneva to discuss the ceasefire"),
    ]
    items[0] = EventInput("Police fired tear gas at protesters in Nairobi", marked=items[0].marked)
    log_t = part.log_probabilities(items)
    assert log_t.shape == (2, 3)
    assert np.exp(log_t).sum(axis=1) == pytest.approx([1.0, 1.0])
    # the source and target spans are pooled: marking other actors changes the tuned part's output
    moved = EventInput("Police fired tear gas at protesters in Nairobi", marked="Police fired tear gas at protesters in <t>Nairobi</t>")
    assert not np.allclose(part.log_probabilities([moved]), log_t[:1])
    head = with_tuned.heads["plover"]
    dense = head.dense.features(items, with_tuned.embed(items), encoder)
    expected = head.scores(items, dense=dense, tuned=log_t)
    got = with_tuned.classify(items, scheme="plover")
    assert [p.label for p in got] == [LABELS[k] for k in expected.argmax(axis=1)]
    assert [p.confidence for p in got] == pytest.approx(expected.max(axis=1).tolist())
    # without an encoder no tuned model is loaded and the sparse weights decide
    sparse_only = EventClassifier.load(tmp_path, schemes=("plover",))
    assert sparse_only.heads["plover"].tuned is None
    assert [p.confidence for p in sparse_only.classify(items, scheme="plover")] == pytest.approx(head.scores(items).max(axis=1).tolist())


def test_tuned_part_with_other_labels_or_no_files_is_refused(tmp_path, encoder):
    _head({"weight": 0.5, "dense_weight": 0.1}).save(tmp_path)
    with pytest.raises(ModelError, match="make train"):
        EventClassifier.load(tmp_path, schemes=("plover",), encoder=encoder)  # the tuned files are missing
    _write_tuned(tmp_path, ["ASSAULT", "CONSULT", "YIELD"], spans=2)
    with pytest.raises(ModelError, match="labels differ"):
        EventClassifier.load(tmp_path, schemes=("plover",), encoder=encoder)
