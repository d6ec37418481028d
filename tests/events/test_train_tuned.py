"""Training the PLOVER head's tuned part (torch): out-of-fold scores, the saved files, and the
run-time classifier that reads them, on a few self-made sentences with tiny settings."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crosswire.embed.minilm import INSTALL_HINT, MODEL_PACKAGE
from crosswire.eval.events import GoldItem
from crosswire.events.classify import TUNED_SUFFIX, EventInput

pytest.importorskip("torch", reason="fine-tuning needs torch (the dev and train extras install it)")

from crosswire.embed.finetune import TuneConfig  # noqa: E402
from crosswire.embed.tuned import TunedClassifier  # noqa: E402
from crosswire.events import train_tuned as TT  # noqa: E402

ROWS = [
    ("<s>Police</s> fired tear gas at <t>protesters</t>", "ASSAULT"),
    ("<s>Troops</s> shelled <t>rebel</t> positions", "ASSAULT"),
    ("<s>Iran</s> met <t>Iraq</t> in Baghdad", "CONSULT"),
    ("<s>The minister</s> held talks with <t>his counterpart</t>", "CONSULT"),
    ("<s>Gunmen</s> attacked <t>a village</t>", "ASSAULT"),
    ("<s>Leaders</s> consulted <t>allies</t> on the plan", "CONSULT"),
]


def _items() -> list[GoldItem]:
    out = []
    for k, (marked, root) in enumerate(ROWS):
        text = marked.replace("<s>", "").replace("</s>", "").replace("<t>", "").replace("</t>", "")
        out.append(GoldItem(str(k), EventInput(text, marked=marked), {"1": root}))
    return out


@pytest.fixture()
def tiny(monkeypatch):
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    monkeypatch.setitem(TT.TUNE, "plover", TuneConfig(epochs=6, batch_size=3, lr=2e-3, head_lr=1e-2, dropout=0.0, layers=(5,), threads=1))


def test_train_tuned_out_of_fold_saved_and_loaded(tiny, tmp_path):
    items = _items()
    labels = [it.gold["1"] for it in items]
    classes = ["ASSAULT", "CONSULT"]
    texts, spans = TT.inputs("plover", items)
    assert spans[0] == [(0, 6), (25, 35)] and texts[0] == "Police fired tear gas at protesters"
    splits = [np.array([0, 2]), np.array([1, 3]), np.array([4, 5])]
    log_p = TT.out_of_fold("plover", items, labels, classes, splits)
    assert log_p.shape == (6, 2)
    assert np.exp(log_p).sum(axis=1) == pytest.approx(np.ones(6))
    from crosswire.embed import SentenceEncoder

    head = TT.fit("plover", items, labels, classes, SentenceEncoder.load(max_length=TT.MAX_LENGTH))
    assert all(a.dtype == np.float32 for a, _ in head.adapter.factors.values())
    npz, meta = TT.save(head, "plover", classes, tmp_path)
    assert npz.name == f"plover{TUNED_SUFFIX}.npz" and meta.exists()
    loaded = TunedClassifier.load(tmp_path / f"plover{TUNED_SUFFIX}")
    assert loaded.labels == tuple(classes) and loaded.spans == 2
    in_memory = TT.classifier(head, classes, "plover")
    # the saved file (float16 factors) gives what the in-memory classifier (float16-rounded) gives
    np.testing.assert_allclose(TT.log_probabilities(loaded, "plover", items), TT.log_probabilities(in_memory, "plover", items), atol=1e-4)
    # trained on these rows, it tells them apart
    assert [classes[k] for k in TT.log_probabilities(loaded, "plover", items).argmax(axis=1)] == labels


def test_train_tuned_case_part_adapts_mpnet_and_saves_its_name(monkeypatch, tmp_path):
    from crosswire.embed import MPNetEncoder
    from crosswire.errors import ModelError

    try:
        base = MPNetEncoder.load(max_length=TT.MAX_LENGTH)
    except ModelError as exc:
        pytest.skip(f"all-mpnet-base-v2 is not installed: {exc}")
    assert TT.encoder_of("case2021") is MPNetEncoder and TT.encoder_of("plover").MODEL_NAME == "all-MiniLM-L6-v2"
    monkeypatch.setitem(TT.TUNE, "case2021", TuneConfig(epochs=6, batch_size=3, lr=2e-3, head_lr=1e-2, dropout=0.0, layers=(11,), threads=1))
    items = _items()
    labels = [it.gold["1"] for it in items]
    classes = ["ASSAULT", "CONSULT"]
    texts, spans = TT.inputs("case2021", items)
    assert spans is None and texts[1] == "Troops shelled rebel positions"
    head = TT.fit("case2021", items, labels, classes, base)
    assert head.weights.shape == (2, 768)
    assert all(".attention.attn." in k or ".intermediate." in k or ".output." in k for k in head.adapter.factors)
    TT.save(head, "case2021", classes, tmp_path)
    loaded = TunedClassifier.load(tmp_path / f"case2021{TUNED_SUFFIX}")
    assert isinstance(loaded.encoder, MPNetEncoder) and loaded.spans == 0
    np.testing.assert_allclose(
        TT.log_probabilities(loaded, "case2021", items), TT.log_probabilities(TT.classifier(head, classes, "case2021"), "case2021", items), atol=1e-4
    )


def test_tuned_cv_nested_weights_are_chosen_on_the_other_folds(tmp_path):
    from crosswire.events import train as T

    items = _items() * 2  # 12 rows: ASSAULT, ASSAULT, CONSULT, CONSULT, ASSAULT, CONSULT, twice
    labels = [it.gold["1"] for it in items]
    classes = ["ASSAULT", "CONSULT"]
    gold = np.array([classes.index(lab) for lab in labels])
    right = np.where(np.eye(2)[gold] > 0, 0.8, 0.2)  # the sparse part: right, 0.8
    wrong = np.where(np.eye(2)[gold] > 0, 0.1, 0.9)  # the tuned part: confidently wrong
    flat = np.full((12, 2), 0.5)  # the dense part: no opinion
    splits = [np.arange(k, 12, 4) for k in range(4)]
    cached = tmp_path / "tuned_oof.npy"
    np.save(cached, wrong)
    entry, log_tuned = T.tuned_cv("plover", items, (right, flat, classes, splits), folds=4, cached=cached)
    assert np.allclose(np.exp(log_tuned), wrong)
    assert entry["alone"]["1"]["accuracy"] == 0.0
    # the smallest tuned weight (0.2) keeps the sparse part's answer: every fold chooses it, and the
    # nested predictions are all right
    assert [tuple(p) for p in entry["cv_nested"]["fold_weights"]] == [(0.0, 0.2)] * 4
    assert entry["cv_nested"]["1"]["accuracy"] == 1.0 and entry["cv_nested"]["fold_primary"] == [1.0] * 4
    assert entry["weight"] == 0.2 and entry["out_of_fold_from"] == str(cached)
    # with a right tuned part and a wrong sparse one, every fold gives the tuned part more weight than the sparse one
    np.save(cached, right)
    entry, _ = T.tuned_cv("plover", items, (wrong, flat, classes, splits), folds=4, cached=cached)
    assert entry["cv_nested"]["1"]["accuracy"] == 1.0
    assert all(wt > 1 - wd - wt for wd, wt in entry["cv_nested"]["fold_weights"])
