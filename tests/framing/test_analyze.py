"""Per-article framing on hand-built records (no spaCy): label targets, scare quotes, hedges,
naming choices, the attribution profile and sides, tagger spans, non-English articles."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from crosswire.framing.analyze import frame, frame_analysis, naming_choices, scare_quotes, side_of
from crosswire.model import (
    Actor, ActorMention, ActorType, Analysis, Article, OutletGuess, Place, PlaceMention, PlacePrecision,
    PublishedDate, Sentence, article_id,
)  # fmt: skip

IS = Actor("IS", "Islamic State", ActorType.JIHADIST_GROUP, aliases=("IS", "Daesh"))
SDF = Actor("SDF", "Syrian Democratic Forces", ActorType.ARMED_GROUP, "SY", affiliation="US-backed")
SOHR = Actor("SOHR", "Syrian Observatory for Human Rights", ActorType.NGO, "GB")
HEZBOLLAH = Actor("HEZBOLLAH", "Hezbollah", ActorType.ARMED_GROUP, "LB")
GOV_RU = Actor("gov:RU", "Government of Russia", ActorType.GOVERNMENT, "RU")
RU_MOD = Actor("RU-MOD", "Ministry of Defence of Russia", ActorType.STATE_MILITARY, "RU", parent="gov:RU")
KONASHENKOV = Actor("person:igor-konashenkov", "Igor Konashenkov", ActorType.PERSON, "RU", parent="RU-MOD")
SANA = Actor("SANA", "Syrian Arab News Agency", ActorType.MEDIA, "SY", parent="gov:SY")
GOV_SY = Actor("gov:SY", "Government of Syria", ActorType.GOVERNMENT, "SY")
SAA = Actor("SY-SAA", "Syrian Arab Army", ActorType.STATE_MILITARY, "SY", parent="gov:SY")
WAKEEM = Actor("person:jamal-wakeem", "Jamal Wakeem", ActorType.PERSON, "LB")
REUTERS = Actor("REUTERS", "Reuters", ActorType.MEDIA, "GB")
RAQQA_CC = Actor("RAQQA-CC", "Raqqa Civil Council", ActorType.GOVERNMENT, "SY", affiliation="US-backed")
DICT = {a.id: a for a in (IS, SDF, SOHR, HEZBOLLAH, GOV_RU, RU_MOD, KONASHENKOV, SANA, GOV_SY, SAA, WAKEEM, REUTERS, RAQQA_CC)}
COUNTRIES = {"RU": "Russia", "SY": "Syria", "LB": "Lebanon", "GB": "the United Kingdom"}
MAYADIN = Place("173480", "Al Mayādīn", "P", "PPL", "SY", "Deir ez-Zor", 35.02, 40.45)
SYRIA = Place("163843", "Syria", "A", "PCLI", "SY", None, 35.0, 38.0)
RAQQA = Place("172955", "Ar Raqqah", "P", "PPLA", "SY", "Raqqa", 35.95, 39.01)


def sentences_of(body: str) -> tuple[Sentence, ...]:
    return tuple(Sentence(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]+[”’\"]*\s*", body))


def mentions(body: str, *pairs: tuple[str, Actor], method: str = "alias") -> tuple[ActorMention, ...]:
    """Actor mentions at every occurrence of each text (whole words)."""
    sents = sentences_of(body)
    out = []
    for text, actor in pairs:
        for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", body):
            s = next((i for i, x in enumerate(sents) if x.start <= m.start() < x.end), 0)
            out.append(ActorMention(m.start(), m.end(), text, actor, s, method, 0.9))
    return tuple(sorted(out, key=lambda m: m.start))


def run_frame(lexicon, body, *pairs, places=(), tagged=()):
    return frame(
        body, sentences_of(body), mentions(body, *pairs), places, lexicon, tagged=tagged,
        parent_of=DICT.get, country_name=COUNTRIES.get,
    )  # fmt: skip


def targets(framing, kind="label"):
    return [(s.text, s.target_id) for s in framing.spans if s.kind == kind]


@pytest.mark.parametrize(
    "body,pairs,expected",
    [
        ("The army engaged Daesh terrorists near the city.", [("Daesh", IS)], [("terrorists", "IS")]),
        ("The army hit Daesh Takfiri terrorists again.", [("Daesh", IS)], [("Takfiri", "IS"), ("terrorists", "IS")]),
        ("Meanwhile, so-called Syrian Observatory for Human Rights reported fighting.",
         [("Syrian Observatory for Human Rights", SOHR)], [("so-called", "SOHR")]),
        ("It was carried out by the so-called Syrian Democratic Forces.", [("Syrian Democratic Forces", SDF)], [("so-called", "SDF")]),
        ("Backed by fighters of Hezbollah resistance fighters, the army advanced.", [("Hezbollah", HEZBOLLAH)],
         [("resistance fighters", "HEZBOLLAH")]),
        ("The offensive by the SDF, a US-backed alliance of militias, went on.", [("SDF", SDF)], [("US-backed", "SDF")]),
        ("It was a blow to the terrorist outfit.", [("the terrorist outfit", IS)], [("terrorist outfit", "IS")]),
        ("The Assad regime denied it.", [("Assad regime", GOV_SY)], [("regime", "gov:SY")]),
        # the backer inside "US-backed" is not the target; an unnamed group stays without one
        ("A campaign by US-backed militants began.", [("US", GOV_RU)], [("US-backed", None), ("militants", None)]),
        ("Nothing here names a group of terrorists.", [], [("terrorists", None)]),
    ],
)
def test_analyze_label_targets(lexicon, body, pairs, expected):
    assert targets(run_frame(lexicon, body, *pairs)) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Daesh fled the city. Turkish-backed Syrian militiamen moved in.",
        "Daesh fled the city. Police arrested an exiled Islamist cleric.",
        "Daesh fled the city. Kurdish militants claimed the attack.",
    ],
)
def test_analyze_no_fallback_for_another_group_or_one_person(lexicon, body):
    f = run_frame(lexicon, body, ("Daesh", IS))
    assert [s.target_id for s in f.spans if s.kind == "label" and s.label != "backed"] == [None]


def test_analyze_delegitimising_label_falls_back_to_the_armed_group_just_named(lexicon):
    body = "Daesh fled the city. The army shelled terrorist positions."
    f = run_frame(lexicon, body, ("Daesh", IS))
    (span,) = [s for s in f.spans if s.kind == "label"]
    assert (span.text, span.target_id, span.score) == ("terrorist", "IS", 0.5)


@pytest.mark.parametrize(
    "body,expected",
    [
        ("in sharp contrast to the “stupor” of the US-coalition", ["stupor"]),
        ("thousands of victims among the ‘liberated’ population", ["liberated"]),
        ("the area turned into a “black hole” used by Daesh", ["black hole"]),
        ("they will leave Raqqa “tonight.”", []),
        ("it is a “very important achievement” for the army", []),
        ("the “Operation Inherent Resolve” continues", []),
        ("an actress in ‘Hart of Dixie’, with a role", []),
        ("he said “we will win” yesterday", []),
        ("‘US using civilians as human shields’", []),
        ("the Americans' base and the army's 'positions'", ["positions"]),
        ("the “stupor", []),  # never closed
    ],
)
def test_analyze_scare_quotes(body, expected):
    found = scare_quotes(body)
    assert [label for _, _, label in found] == expected
    for start, end, label in found:
        assert body[start + 1 : end - 1].casefold() == label


def test_analyze_spans_in_quotes_are_marked(lexicon):
    body = "“The carpet bombings killed the ‘liberated’ population,” he said. The terrorists fled."
    f = run_frame(lexicon, body, ("The terrorists", IS))
    marks = {(s.kind, s.text): s.in_quote for s in f.spans}
    assert marks[("loaded", "carpet bombings")] is True
    assert marks[("scare_quote", "‘liberated’")] is True
    assert marks[("label", "terrorists")] is False


def test_analyze_hedges(lexicon):
    f = run_frame(lexicon, "The army has reportedly closed in. The alleged strike was denied.")
    assert [(s.text, s.label) for s in f.spans if s.kind == "hedge"] == [("reportedly", "reportedly"), ("alleged", "alleged")]


def test_analyze_naming_choices_skip_pronouns_demonyms_and_names_inside_actors():
    body = "The Islamists left Raqqa. He said Syrian troops entered Al-Mayadeen. The Raqqa Civil Council met."
    acts = (
        mentions(body, ("The Islamists", IS), ("Raqqa Civil Council", RAQQA_CC))
        + mentions(body, ("He", KONASHENKOV), method="coreference")
    )
    places = (
        PlaceMention(body.index("Raqqa"), body.index("Raqqa") + 5, "Raqqa", RAQQA, PlacePrecision.CITY, 0.9, 0),
        PlaceMention(body.index("Syrian"), body.index("Syrian") + 6, "Syrian", SYRIA, PlacePrecision.COUNTRY, 0.9, 1, "demonym match"),
        PlaceMention(body.index("Al-Mayadeen"), body.index("Al-Mayadeen") + 11, "Al-Mayadeen", MAYADIN, PlacePrecision.CITY, 0.9, 1),
        PlaceMention(body.rindex("Raqqa"), body.rindex("Raqqa") + 5, "Raqqa", RAQQA, PlacePrecision.CITY, 0.9, 2),
    )
    got = [(n.kind, n.canonical_id, n.surface, n.count) for n in naming_choices(body, acts, places)]
    assert got == [
        ("actor", "IS", "the Islamists", 1),
        ("actor", "RAQQA-CC", "Raqqa Civil Council", 1),
        ("place", "172955", "Raqqa", 1),  # the second "Raqqa" is part of the council's name
        ("place", "173480", "Al-Mayadeen", 1),
    ]


@pytest.mark.parametrize(
    "actor,side",
    [
        (KONASHENKOV, "state: Russia"),
        (RU_MOD, "state: Russia"),
        (SANA, "state: Syria"),
        (SOHR, "NGO: Syrian Observatory for Human Rights"),
        (HEZBOLLAH, "armed group: Hezbollah"),
        (RAQQA_CC, "US-backed government: Raqqa Civil Council"),
        (WAKEEM, "individual (Lebanon)"),
        (REUTERS, "media: Reuters (the United Kingdom)"),
        (None, "unnamed source"),
    ],
)
def test_analyze_side_of_a_claimant(actor, side):
    assert side_of(actor, DICT.get, COUNTRIES.get)[0] == side


def test_analyze_attribution_profile(lexicon):
    body = (
        "The army advanced on the city. "
        "Major General Igor Konashenkov said the city was freed. "
        "The Russian Defence Ministry said the strikes went on. "
        "SANA reported heavy losses. "
        "Reports said the US airlifted fighters. "
        "Fighting went on."
    )
    f = run_frame(
        lexicon, body, ("Major General Igor Konashenkov", KONASHENKOV), ("Russian Defence Ministry", RU_MOD), ("SANA", SANA)
    )
    shares = {s.key: s for s in f.attribution}
    assert shares["actor:RU-MOD"].sentences == (1, 2)  # the spokesman and his ministry: one claimant
    assert shares["actor:RU-MOD"].speaker_ids == ("person:igor-konashenkov", "RU-MOD")
    assert shares["actor:RU-MOD"].side == "state: Russia"
    assert shares["actor:SANA"].sentences == (3,)
    assert shares["vague"].sentences == (4,)
    assert shares["unattributed"].sentences == (0, 5)
    assert f.unattributed_share == pytest.approx(3 / 6, abs=1e-4)
    assert sum(s.share for s in f.attribution) == pytest.approx(1.0, abs=1e-3)


@dataclass(frozen=True)
class Tagged:
    """The span tagger's output record (crosswire.framing.tagger.TaggedSpan has these fields)."""

    start: int
    end: int
    technique: str
    score: float


def test_analyze_tagger_spans_join_the_lexicon(lexicon):
    body = "The Daesh thugs fled the glorious army."
    f = run_frame(
        lexicon, body, ("Daesh", IS),
        tagged=[Tagged(10, 15, "Name_Calling,Labeling", 0.8), Tagged(25, 33, "Loaded_Language", 0.7),
                Tagged(0, 3, "Doubt", 0.9), Tagged(30, 99, "Loaded_Language", 0.9)],
    )  # fmt: skip
    tagged = [(s.kind, s.text, s.target_id, s.score) for s in f.spans if s.source == "tagger"]
    assert tagged == [("name_calling", "thugs", "IS", 0.8), ("loaded", "glorious", None, 0.7)]
    assert ("loaded", "glorious") in {(s.kind, s.text) for s in f.spans if s.source == "lexicon"}


def test_analyze_non_english_article_keeps_naming_only(lexicon):
    body = "Les terroristes de Daesh ont fui. Daesh a perdu."
    art = Article(
        article_id("Le Monde", body), "<test>", None, "text", "utf-8", "Le Monde", OutletGuess("Le Monde", 1.0, "metadata"),
        None, None, None, PublishedDate(), "fr", body, (), body,
    )  # fmt: skip
    a = Analysis(art, sentences_of(body), (), (), mentions(body, ("Daesh", IS)))
    f = frame_analysis(a, lexicon)
    assert f.spans == () and f.attribution == ()
    assert [(n.surface, n.count) for n in f.naming] == [("Daesh", 2)]
    assert "'fr'" in f.skipped


def test_analyze_told_an_outlet_credits_the_speaker_not_the_outlet(lexicon):
    rt = Actor("RT", "RT", ActorType.MEDIA, "RU")
    body = "The capture is a key gain, Jamal Wakeem, a Lebanese professor of history, told RT. The army moved on."
    f = run_frame(lexicon, body, ("Jamal Wakeem", WAKEEM), ("RT", rt))
    shares = {s.key: s for s in f.attribution}
    assert "actor:RT" not in shares
    assert shares["actor:person:jamal-wakeem"].sentences == (0,)
    (ev,) = shares["actor:person:jamal-wakeem"].evidence
    assert body[ev.start : ev.end] == ev.text and ev.text.startswith("Jamal Wakeem") and ev.text.endswith("told RT")


@pytest.mark.parametrize(
    "body,speaker",
    [
        ("The bill is narrow, according to Carter. It passed.", "Carter"),
        ("Cornyn said the bill was narrow. It passed.", "Cornyn"),
        ("“It is not against the president,” she said. It passed.", "she"),
        ("The bill, said Senator Cornyn, is narrow. It passed.", "Senator Cornyn"),
        ("Cornyn, a Republican, and other supporters said the bill is narrow. It passed.", None),
    ],
)
def test_analyze_speakers_the_actor_stage_did_not_resolve_still_count_as_sources(lexicon, body, speaker):
    f = run_frame(lexicon, body)
    shares = {s.key: s for s in f.attribution}
    assert shares["unresolved"].sentences == (0,) and shares["unresolved"].attributed
    assert shares["unresolved"].speakers == ((speaker,) if speaker else ())
    assert shares["unattributed"].sentences == (1,)


def test_analyze_no_speaker_in_according_to_a_document(lexicon):
    f = run_frame(lexicon, "Courts may act, according to the terms of the bill. A speech verb “he said” inside a quote.")
    assert [s.key for s in f.attribution] == ["unattributed"]


def test_analyze_title_spans_use_the_body_names_for_targets(lexicon):
    body = "The so-called Syrian Democratic Forces attacked. Daesh fled the town."
    acts = mentions(body, ("Syrian Democratic Forces", SDF), ("Daesh", IS))
    title = "So-called Syrian Democratic Forces ‘liberate’ town as Daesh terrorists flee, reportedly"
    f = frame(body, sentences_of(body), acts, (), lexicon, title=title)
    got = [(s.kind, s.text, s.target_id, s.sentence) for s in f.title_spans]
    assert got == [
        ("hedge", "So-called", "SDF", -1),
        ("label", "So-called", "SDF", -1),
        ("scare_quote", "‘liberate’", None, -1),
        ("loaded", "liberate", None, -1),
        ("label", "terrorists", "IS", -1),
        ("hedge", "reportedly", None, -1),
    ]
    for s in f.title_spans:
        assert title[s.start : s.end] == s.text
    assert all(s.sentence >= 0 for s in f.spans)  # the body's spans stay in the body


@pytest.mark.issue(6)
def test_analyze_glosses_name_explanations(lexicon):
    body = (
        "“The Americans are losing the game that Daesh [Arabic pejorative term for Islamic State] is playing,” he said. "
        "The Hashd al-Shaabi (a term for the Popular Mobilization Units) moved north. "
        "Fighting near Raqqa (the group's de facto capital) went on. "
        "He said the ISIS (also known as ISIL) cells (in Hama) were small."
    )
    f = run_frame(lexicon, body, ("Daesh", IS), ("Islamic State", IS), ("ISIS", IS))
    got = [(s.text, s.label, s.category, s.target_id, s.in_quote) for s in f.spans if s.kind == "gloss"]
    assert got == [
        # square brackets inside a quotation: the editor's words, so not the speaker's
        ("Daesh [Arabic pejorative term for Islamic State]", "pejorative", "pejorative", "IS", False),
        ("Hashd al-Shaabi (a term for the Popular Mobilization Units)", "gloss", "explanatory", None, False),
        ("ISIS (also known as ISIL)", "gloss", "explanatory", "IS", False),
    ]
    # an aside that says nothing of the name ("the group's de facto capital", "in Hama") is not a gloss
    assert not [s for s in f.spans if s.kind == "gloss" and ("Raqqa" in s.text or "Hama" in s.text)]
