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
