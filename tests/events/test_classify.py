"""The shipped event-type classifier: loads without bench data, classifies self-made sentences.

Every behaviour is checked twice where it matters: with the sparse weights alone (``clf``, no
encoder: the sentence-encoder packages are optional) and with the embeddings mixed in (``clf_emb``:
all-MiniLM-L6-v2 for the PLOVER head, all-mpnet-base-v2 for the CASE head; skips when a model
package is not installed).
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import numpy as np
import pytest

from crosswire.errors import ModelError
from crosswire.events.classify import (
    EMBED_TOKENS,
    DenseHead,
    EventClassifier,
    EventInput,
    EventTypeHead,
    Featurizer,
    _role_words,
    embed_texts,
    relation_text,
    vectorize,
)
from crosswire.events.types import CASE_SUBTASK_LABELS, PLOVER_ROOTS


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return EventClassifier.load()


@pytest.fixture(scope="module")
def encoder():
    from crosswire.embed.minilm import INSTALL_HINT, MODEL_PACKAGE, SentenceEncoder

    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    return SentenceEncoder.load()


@pytest.fixture(scope="module")
def wide_encoder():
    from crosswire.embed.mpnet import INSTALL_HINT, MPNetEncoder, part_files

    try:
        part_files()
    except ModelError:
        pytest.skip(f"the all-mpnet-base-v2 packages are not installed ({INSTALL_HINT})")
    return MPNetEncoder.load()


@pytest.fixture(scope="module")
def clf_emb(encoder, wide_encoder) -> EventClassifier:
    return EventClassifier.load(encoder=encoder, wide_encoder=wide_encoder)


@pytest.fixture(params=["sparse", "embeddings"])
def any_clf(request) -> EventClassifier:
    return request.getfixturevalue("clf" if request.param == "sparse" else "clf_emb")


def test_classify_heads_load_with_their_label_sets(clf):
    assert set(clf.head("case2021").labels) == CASE_SUBTASK_LABELS[3]
    assert set(clf.head("plover").labels) == set(PLOVER_ROOTS)


@pytest.mark.parametrize(
    "text,label,acled",
    [
        ("Government forces recaptured the town from the rebels", "GOV_REGAINS_TERIT", ("Battles", "Government regains territory")),
        ("An airstrike hit the village", "AIR_STRIKE", ("Explosions/Remote violence", "Air/drone strike")),
        ("Thousands marched peacefully in the capital", "PEACE_PROTEST", ("Protests", "Peaceful protest")),
        ("Police arrested five men suspected of planning attacks", "ARREST", ("Strategic developments", "Arrests")),
        ("A suicide bomber blew himself up at a checkpoint", "SUIC_BOMB", ("Explosions/Remote violence", "Suicide bomb")),
    ],
)
def test_classify_case2021_self_made_sentences(any_clf, text, label, acled):
    pred = any_clf.classify([text])[0]
    assert pred.label == label
    assert pred.acled == acled
    assert pred.ranked[0][0] == label


def test_classify_labels_restrict_the_choice(any_clf):
    text = "A magnitude 6 earthquake struck the region and floods followed"
    assert any_clf.classify([text])[0].label == "NATURAL_DISASTER"
    restricted = any_clf.classify([text], labels=CASE_SUBTASK_LABELS[1])[0]
    assert restricted.label in CASE_SUBTASK_LABELS[1]
    full = any_clf.classify([text])[0]
    unrestricted = dict(full.ranked)
    assert full.confidence == pytest.approx(unrestricted["NATURAL_DISASTER"])
    unrestricted = dict(zip(any_clf.head("case2021").labels, _probs(any_clf, "case2021", [text])[0]))
    # renormalised over the 25 labels: the same label gets a larger probability than among all 30
    assert restricted.confidence > unrestricted[restricted.label]
    assert all(lab in CASE_SUBTASK_LABELS[1] for lab, _ in restricted.ranked)


def _probs(c: EventClassifier, scheme: str, texts: list[str]) -> np.ndarray:
    return c.scores(texts, scheme=scheme)


def test_classify_unknown_labels_raise(clf):
    with pytest.raises(ValueError):
        clf.classify(["anything"], labels={"NOT_A_LABEL"})


@pytest.mark.parametrize("text", ["", "   ", "!!!", "The quick brown fox"])
def test_classify_contentless_text_is_not_reliable(any_clf, text):
    pred = any_clf.classify([text])[0]
    assert pred.reliable is False


def test_classify_long_text_does_not_choke(any_clf):
    pred = any_clf.classify(["word " * 5000 + "an airstrike hit the village"])[0]
    assert pred.label in CASE_SUBTASK_LABELS[3]


@pytest.mark.parametrize(
    "item,root",
    [
        (
            EventInput(
                "Iran condemned the United States over the new sanctions",
                marked="<s>Iran</s> condemned <t>the United States</t> over the new sanctions",
            ),
            "ACCUSE",
        ),
        (EventInput("Israeli troops shot and killed two Palestinian gunmen", source="Israeli troops", target="two Palestinian gunmen"), "ASSAULT"),
    ],
)
def test_classify_plover_roots(any_clf, item, root):
    pred = any_clf.classify([item], scheme="plover")[0]
    assert pred.label == root
    assert pred.plover_root == root and pred.quad in (3, 4) and pred.binary == "conflict"


def test_classify_missing_head_raises_model_error(clf, tmp_path):
    with pytest.raises(ModelError):
        clf.head("nope")
    with pytest.raises(ModelError, match="make train"):
        EventClassifier.load(tmp_path)


def test_classify_role_words_between_and_after_marked_actors():
    roles = _role_words(EventInput("x", marked="Yesterday <s>Iran</s> sharply condemned <t>the US</t> for its new move"))
    assert roles == {"m": ["sharply", "condemned"], "a": ["for", "its", "new", "move"]}
    roles = _role_words(EventInput("Iran sharply condemned the US today", source="Iran", target="the US"))
    assert roles == {"m": ["sharply", "condemned"], "a": ["today"]}


def test_classify_vectorize_is_idf_weighted_and_unit_length():
    cols = np.array([3, 7, 11], dtype=np.int64)
    idf = np.array([1.0, 2.0, 1.0], dtype=np.float32)
    pos, val = vectorize({7: 1.0, 3: 2.0, 99: 5.0}, cols, idf)
    assert pos.tolist() == [1, 0]
    assert val.tolist() == pytest.approx([2 ** -0.5, 2 ** -0.5], abs=1e-6)


def test_classify_head_save_load_round_trip(tmp_path: Path):
    head = EventTypeHead(
        "plover", ["A", "B"], np.array([1, 5]), np.array([1.0, 1.5]), np.array([[1.0, -1.0], [0.0, 2.0]]),
        np.array([0.0, 0.1]), Featurizer(char=False), threshold=0.4, weak_labels=frozenset({"B"}),
    )
    head.save(tmp_path)
    back = EventTypeHead.load("plover", tmp_path)
    assert back.labels == ("A", "B") and back.threshold == 0.4 and back.weak_labels == {"B"}
    assert back.featurizer == Featurizer(char=False)
    assert np.allclose(back.coef, head.coef)


def test_classify_featurizer_cue_pairs_and_weights():
    from crosswire.events.classify import _bucket

    text = EventInput("Police opened fire and protesters were killed at the rally")
    plain = Featurizer(char=False, cue_weight=3.0).raw(text)
    paired = Featurizer(char=False, cue_weight=3.0, cue_pairs=True).raw(text)
    assert plain[_bucket("k:harm_protesters")] == 3.0
    assert _bucket("k:harm_protesters&k:protest") not in plain
    assert paired[_bucket("k:harm_protesters&k:protest")] == 3.0
    assert plain[_bucket("w:killed")] == 1.0


def test_classify_head_save_load_round_trip_with_dense_part(tmp_path: Path):
    dense = DenseHead(("text", "relation"), np.arange(768 * 2, dtype=np.float32).reshape(768, 2) / 768, np.array([0.5, -0.5]), 0.4,
                      threshold=0.3, weak_labels=frozenset({"A"}))  # fmt: skip
    head = EventTypeHead("plover", ["A", "B"], np.array([1, 5]), np.array([1.0, 1.5]), np.eye(2), np.zeros(2), Featurizer(char=False), dense=dense)
    head.save(tmp_path)
    back = EventTypeHead.load("plover", tmp_path).dense
    assert back is not None and back.views == ("text", "relation") and back.weight == 0.4
    assert back.threshold == 0.3 and back.weak_labels == {"A"}
    assert np.allclose(back.coef, dense.coef, atol=1e-3) and np.allclose(back.intercept, dense.intercept)


def test_classify_dense_shape_must_match_labels():
    with pytest.raises(ModelError, match="make train"):
        EventTypeHead("plover", ["A", "B"], np.array([1]), np.array([1.0]), np.zeros((1, 2)), np.zeros(2), Featurizer(),
                      dense=DenseHead(("text",), np.zeros((384, 3)), np.zeros(3), 0.5))  # fmt: skip


def test_classify_mix_is_the_weighted_average_of_log_probabilities():
    rng = np.random.default_rng(0)
    coef, dcoef = rng.normal(size=(4, 3)), rng.normal(size=(384, 3))
    head = EventTypeHead("case2021", ["A", "B", "C"], np.arange(4), np.ones(4), coef, np.zeros(3), Featurizer(char=False),
                         dense=DenseHead(("text",), dcoef, np.array([0.1, 0.0, -0.1]), 0.4))  # fmt: skip
    item = EventInput("troops")
    x = rng.normal(size=(1, 384)).astype(np.float32)
    p_sparse = head.scores([item])[0]
    z = x[0].astype(np.float64) @ head.dense.coef + head.dense.intercept
    p_dense = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    mix = np.exp(0.6 * np.log(p_sparse) + 0.4 * np.log(p_dense))
    assert head.scores([item], dense=x)[0] == pytest.approx(mix / mix.sum(), rel=1e-5)
    with pytest.raises(ValueError):
        head.scores([item], dense=np.zeros((1, 10)))


@pytest.mark.parametrize(
    "item,expected",
    [
        (EventInput("x", marked="Yesterday <s>Iran</s> sharply condemned <t>the US</t> for its move"), "Iran sharply condemned the US"),
        (EventInput("x", marked="<t>The rebels</t> were attacked by <s>the army</s> at dawn"), "The rebels were attacked by the army"),
        (EventInput("Iran sharply condemned the US today", source="the US", target="Iran"), "Iran sharply condemned the US"),
        (EventInput("Iran condemned the US"), None),
        (EventInput("x", marked="only <s>one</s> actor"), None),
    ],
)
def test_classify_relation_text_spans_the_two_actors(item, expected):
    assert relation_text(item) == expected


def test_classify_without_encoder_logs_and_uses_sparse_weights(clf, caplog):
    with caplog.at_level(logging.INFO, logger="crosswire.events.classify"):
        EventClassifier.load()
    assert "sparse-only" in caplog.text
    assert clf.uses_embeddings is False
    with pytest.raises(ModelError, match="encoder"):
        clf.embed(["An airstrike hit the village"])
    text = "An airstrike hit the village"
    sparse = clf.head("case2021").scores([EventInput(text)])[0]
    assert clf.classify([text])[0].confidence == pytest.approx(float(sparse.max()))


def test_classify_embeddings_change_the_scores_and_can_be_passed_in(clf, clf_emb):
    texts = ["Police fired tear gas at stone-throwing protesters", "The two sides signed a ceasefire in Doha"]
    assert clf_emb.uses_embeddings is True
    vecs = clf_emb.embed(texts)
    assert vecs.shape == (2, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # the PLOVER head's dense part reads MiniLM vectors: passed in, they are used without an encoder
    given = clf.scores(texts, scheme="plover", embeddings=vecs)
    sparse = clf.scores(texts, scheme="plover")
    assert not np.allclose(given, sparse, atol=1e-3)
    for scheme in ("case2021", "plover"):  # one encoding serves both heads (CASE reads its own encoder)
        assert np.allclose(clf_emb.scores(texts, scheme=scheme, embeddings=vecs), clf_emb.scores(texts, scheme=scheme), atol=1e-5)
    with pytest.raises(ValueError, match="one row per text"):
        clf_emb.classify(texts, scheme="plover", embeddings=vecs[:1])


def test_classify_case_head_reads_the_wide_encoder(clf, clf_emb, encoder, caplog):
    texts = ["Warplanes bombed the village overnight, killing four civilians", "Riot police dispersed the march with water cannon"]
    head = clf_emb.head("case2021")
    assert head.dense is not None and head.dense.encoder == "all-mpnet-base-v2" and head.dense.width == 768
    assert clf_emb.uses_wide_embeddings is True
    mixed, sparse = clf_emb.scores(texts), clf.scores(texts)
    assert not np.allclose(mixed, sparse, atol=1e-3)
    # its fine-tuned part is a tuned copy of all-mpnet-base-v2, mixed in three ways with the other two
    assert head.tuned is not None and head.tuned.model.encoder.MODEL_NAME == "all-mpnet-base-v2"
    items = [EventInput(t) for t in texts]
    by_hand = head.scores(items, dense=embed_texts(clf_emb.wide_encoder, texts), tuned=head.tuned.log_probabilities(items))
    assert np.allclose(mixed, by_hand, atol=1e-6)
    assert not np.allclose(mixed, head.scores(items, dense=embed_texts(clf_emb.wide_encoder, texts)), atol=1e-3)
    assert [p.label for p in clf_emb.classify(texts)] == ["AIR_STRIKE", "PROTEST_WITH_INTER"]
    # MiniLM alone: the CASE head cannot use its dense part, falls back to its sparse weights, and says so
    with caplog.at_level(logging.INFO, logger="crosswire.events.classify"):
        narrow = EventClassifier.load(encoder=encoder)
    assert "case2021" in caplog.text and "sparse-only" in caplog.text
    assert narrow.uses_wide_embeddings is False and narrow.head("case2021").tuned is None
    assert np.allclose(narrow.scores(texts), sparse, atol=1e-6)


def test_classify_tuned_parts_share_the_loaded_encoders_and_need_no_package_files(encoder, wide_encoder, tmp_path, monkeypatch):
    from crosswire.embed import mpnet
    from crosswire.errors import ModelNotInstalled

    probe = EventClassifier.load(encoder=encoder, wide_encoder=wide_encoder)
    if probe.head("case2021").tuned is None:
        pytest.skip("the CASE head ships no fine-tuned part")
    case, plover = probe.head("case2021").tuned.model.encoder, probe.head("plover").tuned.model.encoder
    # each tuned part is its base encoder with the adapter applied: the untouched arrays are the base's
    assert case.word is wide_encoder.word and case.layers[0] is wide_encoder.layers[0]
    assert case.layers[-1] is not wide_encoder.layers[-1] and plover.word is encoder.word
    # all-mpnet-base-v2's pieces absent (a package name no index has) and no unpacked copy: with the
    # loaded encoder passed, the CASE part still attaches, as it reads no file of the model
    monkeypatch.setenv("CROSSWIRE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(mpnet, "PART_DISTS", ("crosswire-test-absent-model-part",))
    clf = EventClassifier.load(encoder=encoder, wide_encoder=wide_encoder)
    texts = ["Warplanes bombed the village overnight, killing four civilians"]
    assert clf.head("case2021").tuned is not None
    np.testing.assert_array_equal(clf.scores(texts), probe.scores(texts))
    # without a loaded encoder of its class, the part must load one, and says the package is missing
    head = clf.head("case2021")
    head.tuned = None
    with pytest.raises(ModelNotInstalled):
        head.attach_tuned(shared=(encoder,))


def test_classify_plover_relation_view_is_encoded_when_actors_are_marked(clf_emb, encoder):
    item = EventInput("Yesterday Iran, after a long meeting, condemned the US for the sanctions on its banks",
                      marked="Yesterday <s>Iran</s>, after a long meeting, condemned <t>the US</t> for the sanctions on its banks")  # fmt: skip
    # a dense part of model version 2 (text + separately encoded relation stretch) still reads right
    head = DenseHead(("text", "relation"), np.zeros((768, 2), np.float32), np.zeros(2, np.float32), 0.4)
    text_vec = clf_emb.embed([item])
    with_rel = head.features([item], text_vec, encoder)
    assert np.allclose(with_rel[:, :384], text_vec)
    assert np.allclose(with_rel[:, 384:], embed_texts(encoder, ["Iran, after a long meeting, condemned the US"]))
    without_encoder = head.features([item], text_vec, None)
    assert np.allclose(without_encoder[:, 384:], text_vec)


def test_classify_embed_texts_reads_only_the_first_word_pieces(encoder):
    head = " ".join(f"village{i} was shelled" for i in range(100))
    assert len(encoder.tokenize([head])[0]) > EMBED_TOKENS
    a, b = embed_texts(encoder, [head + " by the army", head + " and then a ceasefire was signed in Doha"])
    assert np.allclose(a, b, atol=1e-6)
    short = embed_texts(encoder, ["An airstrike hit the village"])
    assert np.allclose(short, encoder.encode(["An airstrike hit the village"]), atol=1e-6)


def test_classify_resources_load_the_wide_encoder_only_with_embeddings(encoder, wide_encoder):
    from crosswire.embed.mpnet import MPNetEncoder
    from crosswire.resources import load_event_classifier

    with_emb = load_event_classifier(encoder)
    assert isinstance(with_emb.wide_encoder, MPNetEncoder) and with_emb.uses_wide_embeddings
    texts = ["Warplanes bombed the village overnight, killing four civilians"]
    by_fixture = EventClassifier.load(encoder=encoder, wide_encoder=wide_encoder)
    assert np.allclose(with_emb.scores(texts), by_fixture.scores(texts), atol=1e-6)
    sparse_only = load_event_classifier(None)
    assert sparse_only.wide_encoder is None and not sparse_only.uses_wide_embeddings and not sparse_only.uses_embeddings
