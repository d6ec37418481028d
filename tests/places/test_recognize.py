"""Toponym recognition: cue words, road names, metonymy, span trimming (hand-built mentions)."""

from __future__ import annotations

import pytest

from crosswire.model import Mention, Sentence
from crosswire.places.recognize import cue_at, recognize


def _m(body: str, text: str, label: str = "GPE", nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return Mention(start, start + len(text), text, label, 0)


@pytest.fixture(scope="module")
def gazetteer():
    from crosswire.places.gazetteer import Gazetteer

    return Gazetteer.load()


@pytest.mark.parametrize(
    "body,span,cue",
    [
        ("Fighting in Deir ez-Zor province went on.", "Deir ez-Zor", "admin1"),
        ("He lives in the town of Ashford now.", "Ashford", "city"),
        ("Refugees in the Rukban desert camp wait.", "Rukban", "camp"),
        ("Shelling hit Idlib countryside again.", "Idlib", "admin1"),
    ],
)
def test_recognize_cue_words_without_gazetteer(body, span, cue):
    found = recognize(body, (), (Sentence(0, len(body)),))
    assert [(t.text, t.cue) for t in found] == [(span, cue)]
    assert body[found[0].start : found[0].end] == span


@pytest.mark.parametrize(
    "body,start,end,cue",
    [
        ("in Deir ez-Zor province", 3, 14, "admin1"),
        ("Deir ez-Zor’s provincial capital", 0, 11, "admin1"),
        ("the city of Homs", 12, 16, "city"),
        ("in Laurel County today", 3, 16, "admin2"),
        ("in Homs today", 3, 7, None),
    ],
)
def test_recognize_cue_at(body, start, end, cue):
    assert cue_at(body, start, end) == cue


def test_recognize_trims_article_and_possessive():
    body = "The army entered the Damascus's suburbs and the U.S. embassy."
    mentions = (_m(body, "the Damascus's"), _m(body, "U.S.", "GPE"))
    found = recognize(body, mentions, (Sentence(0, len(body)),))
    assert [t.text for t in found] == ["Damascus", "U.S."]


@pytest.mark.parametrize(
    "body,name",
    [
        ("Damascus said the strikes were illegal.", "Damascus"),
        ("Damascus forces are 10 km from the city.", "Damascus"),
        ("Moscow-backed fighters advanced.", "Moscow"),
        ("Tehran's government denied it.", "Tehran"),
        ("The defeat provides Damascus with conditions to advance.", "Damascus"),
        ("Ankara has repeatedly accused the group.", "Ankara"),
    ],
)
def test_recognize_metonymy_flags_government(body, name):
    found = recognize(body, (_m(body, name),), (Sentence(0, len(body)),))
    assert len(found) == 1 and found[0].metonymy
    assert found[0].reason.startswith("metonymy:")


@pytest.mark.parametrize(
    "body,name",
    [("He flew to Damascus on Monday.", "Damascus"), ("Life in Moscow is expensive.", "Moscow")],
)
def test_recognize_literal_capital_is_a_place(body, name):
    found = recognize(body, (_m(body, name),), (Sentence(0, len(body)),))
    assert [(t.text, t.metonymy) for t in found] == [(name, False)]


def test_recognize_not_places_are_dropped():
    body = "Daesh fighters told SANA nothing."
    found = recognize(body, (_m(body, "Daesh"), _m(body, "SANA", "ORG")), (Sentence(0, len(body)),))
    assert found == []


def test_recognize_demonym_from_norp():
    body = "A Turkish policeman shot him."
    found = recognize(body, (_m(body, "Turkish", "NORP"),), (Sentence(0, len(body)),))
    assert [(t.text, t.source) for t in found] == [("Turkish", "demonym")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "body,names",
    [
        ("Troops took heights along the al-Mayadin–Dayr al-Zawr road on Friday.", ["al-Mayadin", "Dayr al-Zawr"]),
        ("Army units engaged Daesh on the al-Mayadin-Day al-Zawr road and nearby.", ["al-Mayadin", "Day al-Zawr"]),
    ],
)
def test_recognize_places_inside_road_names(gazetteer, body, names):
    found = recognize(body, (), (Sentence(0, len(body)),), gazetteer)
    assert [(t.text, t.source) for t in found] == [(n, "road") for n in names]
    assert all(body[t.start : t.end] == t.text for t in found)


@pytest.mark.slow
def test_recognize_gazetteer_ngrams_gated_against_common_words(gazetteer):
    body = "The talks in Aleppo ended. One said it was OK to go. Some hope."
    found = recognize(body, (), (Sentence(0, 26), Sentence(27, 51), Sentence(52, len(body))), gazetteer)
    assert [t.text for t in found] == ["Aleppo"]


def test_recognize_place_before_a_comma_inside_an_org_mention(gazetteer):
    """spaCy's small model tags "Raqqa, Islamic State's" as one ORG; the place is still found."""
    from crosswire.model import Mention, Sentence
    from crosswire.places.recognize import recognize

    body = "Fighting went on in Raqqa. The operation to liberate Raqqa, Islamic State’s de facto capital, began."
    first = body.index("Raqqa")
    second = body.index("Raqqa, Islamic")
    org_end = second + len("Raqqa, Islamic State’s")
    mentions = (Mention(first, first + 5, "Raqqa", "GPE", 0), Mention(second, org_end, body[second:org_end], "ORG", 1))
    sentences = (Sentence(0, 26), Sentence(27, len(body)))
    spans = {(t.start, t.end) for t in recognize(body, mentions, sentences, gazetteer, use_gazetteer_ngrams=False)}
    assert (second, second + 5) in spans
