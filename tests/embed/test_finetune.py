"""``crosswire.embed.finetune`` (training time, torch): the torch network is the numpy one, training
moves the weights the right way, and what it learns runs the same in numpy at run time."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crosswire.embed.minilm import INSTALL_HINT, MODEL_PACKAGE, SentenceEncoder
from crosswire.embed.tuned import pool

torch = pytest.importorskip("torch", reason="fine-tuning needs torch (the dev and train extras install it)")

from crosswire.embed.finetune import (  # noqa: E402
    TorchEncoder,
    TuneConfig,
    check_against_numpy,
    examples,
    fine_tune_classifier,
    fine_tune_pairs,
    fine_tune_tagger,
)

TEXTS = ["The army shelled the town on Friday.", "Rebels fled the city at night.", "Ministers met in Geneva.", "Police fired tear gas."]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    torch.set_num_threads(1)
    return SentenceEncoder.load(max_length=64)


def test_finetune_torch_network_equals_numpy_encoder(encoder):
    assert check_against_numpy(encoder, TEXTS) < 1e-4


def test_finetune_examples_map_spans_to_pieces(encoder):
    ex = examples(encoder, TEXTS[:1], [[(4, 8), None]])[0]
    assert ex.ids[0] == 101 and ex.ids[-1] == 102  # [CLS] … [SEP]
    n = len(ex.ids) - 2
    assert ex.pools[0] == (0, n) and ex.pools[2] == (0, n)
    lo, hi = ex.pools[1]
    assert hi - lo == 1 and encoder.tokenizer.id_to_token(ex.ids[1 + lo]) == "army"


def test_finetune_classifier_learns_and_runs_the_same_in_numpy(encoder):
    spans = [[(4, 8)], [(0, 6)], [(0, 9)], [(0, 6)]]
    items = examples(encoder, TEXTS, spans)
    cfg = TuneConfig(epochs=8, batch_size=4, lr=2e-3, head_lr=1e-2, dropout=0.0, threads=1, layers=(4, 5))
    head = fine_tune_classifier(items, [0, 1, 2, 1], 3, cfg)
    assert head.losses[-1] < head.losses[0] / 2
    assert set(head.adapter.factors) == {f"encoder.layer.{i}.{n}.weight" for i in (4, 5) for n in (
        "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense")}  # fmt: skip
    # the numpy encoder with the adapter merged gives the features the torch model was trained on
    tuned = SentenceEncoder.load(max_length=64, adapter=head.adapter)
    x = np.stack([pool(tv, s) for tv, s in zip(tuned.encode_tokens(TEXTS), spans)])
    pred = (x @ head.weights.T + head.bias).argmax(axis=1)
    assert pred.tolist() == [0, 1, 2, 1]


def test_finetune_frozen_blocks_cached_give_the_same_forward(encoder):
    from crosswire.embed.finetune import _batch, _Runner
    from crosswire.embed.minilm import find_model_dir, read_safetensors

    tensors = read_safetensors(find_model_dir() / "model.safetensors")
    model = TorchEncoder(tensors, TuneConfig(layers=(3, 4, 5), dropout=0.0))
    items = examples(encoder, TEXTS)
    run = _Runner(model, items, 4)
    assert run.start == 3 and len(run.cache) == len(TEXTS)
    model.eval()
    with torch.no_grad():
        ids, mask = _batch(items)
        full = model(ids, mask)
        cached = run(np.arange(len(items)), items)
    for r, e in enumerate(items):
        assert torch.allclose(full[r, : len(e.ids)], cached[r, : len(e.ids)], atol=1e-5)


def test_finetune_tagger_and_pairs_learn(encoder):
    items = examples(encoder, TEXTS)
    tags = [[0] * (len(e.ids) - 2) for e in items]
    tags[0][1] = 1  # "army"
    cfg = TuneConfig(epochs=6, batch_size=4, lr=2e-3, head_lr=1e-2, dropout=0.0, threads=1, layers=(5,))
    head = fine_tune_tagger(items, tags, 2, cfg, class_weights=[1.0, 5.0])
    assert head.weights.shape == (2, 384) and head.losses[-1] < head.losses[0]
    with pytest.raises(ValueError, match="pieces"):
        fine_tune_tagger(items, [[0]] * 4, 2, cfg)
    adapter, losses = fine_tune_pairs(items[:2], items[2:], [0.9, 0.1], TuneConfig(epochs=5, batch_size=2, lr=2e-3, threads=1, layers=(5,), dropout=0.0))
    assert losses[-1] < losses[0]
    tuned = SentenceEncoder.load(max_length=64, adapter=adapter)
    base = SentenceEncoder.load(max_length=64)
    before = float(base.encode(TEXTS[:1])[0] @ base.encode(TEXTS[2:3])[0])
    after = float(tuned.encode(TEXTS[:1])[0] @ tuned.encode(TEXTS[2:3])[0])
    assert abs(after - 0.9) < abs(before - 0.9)


@pytest.fixture(scope="module")
def wide():
    from crosswire.embed.mpnet import MPNetEncoder
    from crosswire.errors import ModelError

    try:
        return MPNetEncoder.load(max_length=64)
    except ModelError as exc:
        pytest.skip(f"all-mpnet-base-v2 is not installed: {exc}")


def test_finetune_mpnet_torch_network_equals_numpy_encoder(wide):
    # relative position bias, positions from 2, no token types, eps 1e-5: the torch copy is the numpy network
    assert check_against_numpy(wide, TEXTS + ["A much longer sentence " * 12 + "that reaches past the exact buckets."]) < 1e-4


def test_finetune_mpnet_tagger_learns_and_runs_the_same_in_numpy(wide):
    from crosswire.embed.mpnet import MPNetEncoder

    items = examples(wide, TEXTS)
    assert items[0].ids[0] == 0 and items[0].ids[-1] == 2  # <s> … </s>
    tags = [[0] * (len(e.ids) - 2) for e in items]
    tags[0][1] = tags[3][0] = 1  # "army", "Police"
    cfg = TuneConfig(epochs=8, batch_size=4, lr=3e-3, head_lr=3e-2, dropout=0.0, threads=1, layers=(11,))
    head = fine_tune_tagger(items, tags, 2, cfg, class_weights=[1.0, 5.0], arch=MPNetEncoder)
    assert head.weights.shape == (2, 768) and head.losses[-1] < head.losses[0] / 2
    # the factors name MPNet's own tensors, in the adapted block only
    assert {k.rsplit(".", 2)[0] for k in head.adapter.factors} == {"encoder.layer.11.attention.attn", "encoder.layer.11.intermediate", "encoder.layer.11.output"}
    assert len(head.adapter.factors) == 6
    # the numpy encoder with the adapter merged tags the pieces as the torch model learnt to
    tuned = MPNetEncoder.load(max_length=64, adapter=head.adapter)
    for tv, gold in zip(tuned.encode_tokens(TEXTS), tags):
        pred = (tv.vectors @ head.weights.T + head.bias).argmax(axis=1)
        assert pred.tolist() == gold
