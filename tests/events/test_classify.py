"""The shipped event-type classifier: loads without bench data, classifies self-made sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crosswire.errors import ModelError
from crosswire.events.classify import EventClassifier, EventInput, EventTypeHead, Featurizer, _role_words, vectorize
from crosswire.events.types import CASE_SUBTASK_LABELS, PLOVER_ROOTS


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return EventClassifier.load()


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
def test_classify_case2021_self_made_sentences(clf, text, label, acled):
    pred = clf.classify([text])[0]
    assert pred.label == label
    assert pred.acled == acled
    assert pred.ranked[0][0] == label


def test_classify_labels_restrict_the_choice(clf):
    text = "A magnitude 6 earthquake struck the region and floods followed"
    assert clf.classify([text])[0].label == "NATURAL_DISASTER"
    restricted = clf.classify([text], labels=CASE_SUBTASK_LABELS[1])[0]
    assert restricted.label in CASE_SUBTASK_LABELS[1]
    unrestricted = dict(zip(clf.head("case2021").labels, clf.head("case2021").scores([EventInput(text)])[0]))
    # renormalised over the 25 labels: the same label gets a larger probability than among all 30
    assert restricted.confidence > unrestricted[restricted.label]
    assert all(lab in CASE_SUBTASK_LABELS[1] for lab, _ in restricted.ranked)


def test_classify_unknown_labels_raise(clf):
    with pytest.raises(ValueError):
        clf.classify(["anything"], labels={"NOT_A_LABEL"})


@pytest.mark.parametrize("text", ["", "   ", "!!!", "The quick brown fox"])
def test_classify_contentless_text_is_not_reliable(clf, text):
    pred = clf.classify([text])[0]
    assert pred.reliable is False


def test_classify_long_text_does_not_choke(clf):
    pred = clf.classify(["word " * 5000 + "an airstrike hit the village"])[0]
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
def test_classify_plover_roots(clf, item, root):
    pred = clf.classify([item], scheme="plover")[0]
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
