"""compare_story on hand-built stories: outlets side by side, events only one outlet reports, claims
by claimant, naming and label tables, highlights in their sentences, older articles without framing."""

from __future__ import annotations

import json

import pytest

from crosswire.framing import compare_story, frame_analysis
from crosswire.framing.compare import NO_TARGET, describe_event
from crosswire.model import (
    Analysis, Article, Corroboration, Event, EventMention, MergedEvent, Modality, OutletGuess, PublishedDate, Span,
    Story, article_id,
)  # fmt: skip
from crosswire.serialize import from_jsonable, to_jsonable

from .test_analyze import IS, KONASHENKOV, MAYADIN, SAA, SOHR, mentions, sentences_of

PTV_BODY = (
    "Daesh terrorists fled al-Mayadin. Smith said so. "
    "Major General Igor Konashenkov said the Syrian army advanced. "
    "Meanwhile, so-called Syrian Observatory for Human Rights reported fighting."
)
RT_BODY = (
    "Syrian troops have captured Al-Mayadeen from IS. Jones said so. "
    "Major General Igor Konashenkov said the terrorists lost the “stupor” of the coalition. "
    "The carpet bombings went on."
)
THIRD_BODY = "IS fighters left the city. The army moved in."


def analysis(body: str, outlet: str | None, pairs, lexicon, *, framed: bool = True, dictionary=None) -> Analysis:
    art = Article(
        article_id(outlet, body), "<test>", None, "text", "utf-8", outlet, OutletGuess(outlet, 1.0, "metadata"),
        None, None, None, PublishedDate(2017, 10), "en", body, (), body,
    )  # fmt: skip
    a = Analysis(art, sentences_of(body), (), (), mentions(body, *pairs))
    return Analysis(a.article, a.sentences, (), (), a.actors, framing=frame_analysis(a, lexicon, dictionary=dictionary) if framed else None)


def event(a: Analysis, trigger: str, eid: str) -> Event:
    i = a.article.body.index(trigger)
    actor = next((m for m in a.actors if m.actor.id == "SY-SAA"), None)
    return Event(
        eid, "Battles", "Government regains territory", "ASSAULT", None, actor, None, None, None, (), Modality.ASSERTED,
        None, Span(i, i + len(trigger), trigger), (Span(0, len(a.article.body), a.article.body),), 0.8,
    )  # fmt: skip


def merged(mid: str, pairs: list[tuple[Analysis, Event]], stage: str | None = None) -> MergedEvent:
    mentions_ = tuple(EventMention(a.article.id, a.article.outlet, e) for a, e in pairs)
    return MergedEvent(
        mid, "s1", "Battles", "Government regains territory", "ASSAULT", stage, "SY-SAA", None, MAYADIN, None, None,
        "undated", mentions_, Corroboration(len(pairs), (), (), ()),
    )  # fmt: skip


@pytest.fixture
def story_and_analyses(lexicon, actor_dictionary):
    d = actor_dictionary  # gives the spokesman's ministry and the countries of sides
    ptv = analysis(PTV_BODY, "Press TV", [("Daesh", IS), ("Major General Igor Konashenkov", KONASHENKOV),
                                            ("Syrian army", SAA), ("Syrian Observatory for Human Rights", SOHR)],
                   lexicon, dictionary=d)  # fmt: skip
    rt = analysis(RT_BODY, "RT", [("IS", IS), ("Syrian troops", SAA), ("Major General Igor Konashenkov", KONASHENKOV),
                                  ("the terrorists", IS)], lexicon, dictionary=d)  # fmt: skip
    advance_ptv, advance_rt = event(ptv, "advanced", "e1"), event(rt, "captured", "e1")
    events = (merged("s1:m1", [(ptv, advance_ptv), (rt, advance_rt)]), merged("s1:m2", [(rt, event(rt, "carpet bombings", "e2"))]))
    story = Story("s1", (ptv.article.id, rt.article.id), ("Press TV", "RT"), None, None, (MAYADIN,), events, (),
                  Corroboration(2, ("Press TV", "RT"), (), ()))  # fmt: skip
    return story, ptv, rt


def test_compare_outlets_events_and_only_here(story_and_analyses):
    story, ptv, rt = story_and_analyses
    c = compare_story(story, [rt, ptv])
    assert c.outlets == ("Press TV", "RT")
    assert c.shared_events == ("s1:m1",)
    by = {o.outlet: o for o in c.per_outlet}
    assert [e.event_id for e in by["Press TV"].events] == ["s1:m1"] and by["Press TV"].only_here == ()
    assert [e.event_id for e in by["RT"].events] == ["s1:m1", "s1:m2"] and by["RT"].only_here == ("s1:m2",)
    ev = by["RT"].events[0].evidence[0]
    assert ev.text[ev.start : ev.end] == "captured" and ev.article_id == rt.article.id
    assert by["RT"].events[0].outlets == ("Press TV", "RT")


def test_compare_claims_grouped_by_claimant(story_and_analyses):
    story, ptv, rt = story_and_analyses
    c = compare_story(story, [ptv, rt])
    assert c.shared_claimants == ("actor:RU-MOD",)
    by = {o.outlet: {g.key: g for g in o.claims} for o in c.per_outlet}
    assert set(by["Press TV"]) == {"actor:RU-MOD", "actor:SOHR", "unresolved"}
    assert by["Press TV"]["unresolved"].speakers == ("Smith",) and by["RT"]["unresolved"].speakers == ("Jones",)
    group = by["RT"]["actor:RU-MOD"]
    assert (group.label, group.side, group.count, group.speaker_ids) == (
        "Ministry of Defence of Russia", "state: Russia", 1, ("person:igor-konashenkov",)
    )
    ev = group.evidence[0]
    assert ev.text[ev.start : ev.end] == "Major General Igor Konashenkov said"


def test_compare_naming_and_label_tables(story_and_analyses):
    story, ptv, rt = story_and_analyses
    c = compare_story(story, [ptv, rt])
    rows = {r.canonical_id: r for r in c.naming}
    is_row = rows["IS"]
    assert [(o.outlet, [(f.surface, f.count) for f in o.forms]) for o in is_row.outlets] == [
        ("Press TV", [("Daesh", 1)]),
        ("RT", [("IS", 1), ("the terrorists", 1)]),
    ]
    assert is_row.differs
    assert not rows["person:igor-konashenkov"].differs  # both write his full title and name
    labels = {r.label: {o.outlet: [(f.surface, f.count) for f in o.forms] for o in r.outlets} for r in c.labels}
    assert labels["so-called"] == {"Press TV": [(SOHR.name, 1)]}
    assert labels["terrorist"] == {"Press TV": [(IS.name, 1)], "RT": [(IS.name, 1)]}
    assert c.labels[0].label == "terrorist"  # used by both outlets: listed first


def test_compare_highlights_point_into_their_sentences(story_and_analyses):
    story, ptv, rt = story_and_analyses
    c = compare_story(story, [ptv, rt])
    kinds = {(h.outlet, h.kind, h.text) for h in c.highlights}
    assert ("RT", "scare_quote", "“stupor”") in kinds and ("RT", "loaded", "carpet bombings") in kinds
    for h in c.highlights:
        assert h.evidence.text[h.evidence.start : h.evidence.end] == h.text
    rt_out = next(o for o in c.per_outlet if o.outlet == "RT")
    assert [u.label for u in rt_out.scare_quotes] == ["stupor"]


def test_compare_title_spans_are_highlighted_with_the_title_as_sentence(story_and_analyses, lexicon):
    story, ptv, rt = story_and_analyses
    art = ptv.article
    titled = Analysis(
        Article(art.id, art.source, art.line, art.format, art.encoding, art.outlet, art.outlet_guess, art.url,
                "Army closes in on Daesh terrorists", art.author, art.published, art.language, art.original,
                art.segments, art.body),
        ptv.sentences, (), (), ptv.actors,
    )  # fmt: skip
    titled = Analysis(titled.article, titled.sentences, (), (), titled.actors, framing=frame_analysis(titled, lexicon))
    c = compare_story(story, [titled, rt])
    first = c.highlights[0]
    assert (first.outlet, first.kind, first.text, first.target_id) == ("Press TV", "label", "terrorists", "IS")
    assert first.evidence.sentence == -1 and first.evidence.text == "Army closes in on Daesh terrorists"
    assert first.evidence.text[first.evidence.start : first.evidence.end] == "terrorists"
    terrorist = next(r for r in c.labels if r.label == "terrorist")
    assert {o.outlet: o.forms[0].count for o in terrorist.outlets}["Press TV"] == 2  # title + body


def test_compare_ignores_other_articles_and_duplicates(story_and_analyses, lexicon):
    story, ptv, rt = story_and_analyses
    other = analysis(THIRD_BODY, "Reuters", [("IS", IS)], lexicon)
    c = compare_story(story, [ptv, rt, other, rt])
    assert c.outlets == ("Press TV", "RT")
    assert sum(len(o.article_ids) for o in c.per_outlet) == 2


def test_compare_article_without_framing_is_noted(story_and_analyses, lexicon):
    story, ptv, _ = story_and_analyses
    old_rt = analysis(RT_BODY, "RT", [("IS", IS), ("Syrian troops", SAA)], lexicon, framed=False)
    c = compare_story(story, [ptv, old_rt])
    assert len(c.notes) == 1 and old_rt.article.id in c.notes[0] and "re-ingest" in c.notes[0]
    rows = {r.canonical_id: r for r in c.naming}
    assert [o.outlet for o in rows["IS"].outlets] == ["Press TV", "RT"]  # naming still from its mentions
    assert all(h.outlet == "Press TV" for h in c.highlights)


def test_compare_unknown_outlet_and_no_target(lexicon):
    a = analysis("The terrorists hid. Militants fled.", None, [], lexicon)
    story = Story("s2", (a.article.id,), (), None, None, (), (), (), Corroboration(1, (), (), ()))
    c = compare_story(story, [a])
    assert c.outlets == (f"(unknown outlet of {a.article.id})",)
    (row,) = [r for r in c.labels if r.label == "terrorist"]
    assert row.outlets[0].forms[0].surface == NO_TARGET


def test_compare_round_trips_through_json(story_and_analyses):
    story, ptv, rt = story_and_analyses
    c = compare_story(story, [ptv, rt])
    data = json.loads(json.dumps(to_jsonable(c)))
    assert from_jsonable(type(c), data) == c


def test_compare_describe_event(story_and_analyses):
    story, _, _ = story_and_analyses
    assert describe_event(story.events[0]) == (
        "Syrian Arab Army — advanced, in Al Mayādīn (Battles / Government regains territory)"
    )
