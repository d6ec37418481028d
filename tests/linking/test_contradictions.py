"""Contradictions and corroboration on small hand-built articles (no spaCy)."""

from __future__ import annotations

from crosswire.linking import StoryIndex, build_story, corroborate, origin_key
from crosswire.model import Claim, EventMention


def _bombing(build, body, outlet, *, toll_text, toll, actor_text=None, actor=None, claims=()):
    ev = build.event(
        body, trigger="suicide bombing", actor=(actor_text, actor) if actor else None,
        target=("civilians", build.CIVILIANS), place=("Kabul", build.KABUL), date=(2019, 3, 4, "on Monday"),
        quantities=((("fatalities", toll, toll_text),) if toll_text else ()), claims=claims,
    )  # fmt: skip
    actors = (("civilians", build.CIVILIANS),) + (((actor_text, actor),) if actor else ())
    return build.analysis(body, outlet=outlet, actors=actors, places=(("Kabul", build.KABUL),), events=(ev,))


def test_contradictions_death_toll(build):
    a = _bombing(build, "A suicide bombing killed 12 civilians in Kabul on Monday.", "Outlet A",
                 toll_text="12", toll=12)  # fmt: skip
    b = _bombing(build, "A suicide bombing killed 31 civilians in Kabul on Monday, officials said.", "Outlet B",
                 toll_text="31", toll=31)  # fmt: skip
    story = build_story("s", [a, b])
    assert len(story.events) == 1
    (c,) = story.contradictions
    assert c.kind == "numbers"
    assert {c.side_a.value, c.side_b.value} == {"12", "31"}
    assert {c.side_a.outlet, c.side_b.outlet} == {"Outlet A", "Outlet B"}
    assert {c.side_a.evidence.text, c.side_b.evidence.text} == {"12", "31"}
    assert c.event_id == story.events[0].id


def test_contradictions_close_numbers_agree(build):
    a = _bombing(build, "A suicide bombing killed 30 civilians in Kabul on Monday.", "A", toll_text="30", toll=30)
    b = _bombing(build, "A suicide bombing killed 31 civilians in Kabul on Monday.", "B", toll_text="31", toll=31)
    assert build_story("s", [a, b]).contradictions == ()


def test_contradictions_different_perpetrators(build):
    a = _bombing(build, "The Taliban carried out a suicide bombing that hit civilians in Kabul on Monday.", "A",
                 toll_text=None, toll=0, actor_text="Taliban", actor=build.TALIBAN)  # fmt: skip
    b = _bombing(build, "Islamic State claimed the suicide bombing that hit civilians in Kabul on Monday.", "B",
                 toll_text=None, toll=0, actor_text="Islamic State", actor=build.ISKP)  # fmt: skip
    story = build_story("s", [a, b])
    assert len(story.events) == 1, "the same attack is one merged event, with its perpetrator disputed"
    (c,) = story.contradictions
    assert c.kind == "perpetrator"
    assert {c.side_a.value, c.side_b.value} == {"TALIBAN", "IS-KP"}
    assert "Islamic State claimed" in (c.side_a.evidence.text + c.side_b.evidence.text)


def test_contradictions_same_quote_two_speakers(build):
    q = "we will not allow this to happen again"
    body_a = f"“{q},” Nasrat Rahimi said after the suicide bombing hit civilians in Kabul on Monday."
    body_b = f"“{q},” the Taliban said after the suicide bombing hit civilians in Kabul on Monday."
    ca = Claim(build.SPOKESMAN, build.INTERIOR, "Nasrat Rahimi", (), "quote", build.span(body_a, "Nasrat Rahimi said"),
               build.span(body_a, q))  # fmt: skip
    cb = Claim(build.TALIBAN, None, "the Taliban", (), "quote", build.span(body_b, "the Taliban said"),
               build.span(body_b, q))  # fmt: skip
    a = _bombing(build, body_a, "A", toll_text=None, toll=0, claims=(ca,))
    b = _bombing(build, body_b, "B", toll_text=None, toll=0, claims=(cb,))
    kinds = [c.kind for c in build_story("s", [a, b]).contradictions]
    assert kinds == ["quote-speaker"]


def test_corroboration_spokesman_and_ministry_are_one_origin(build):
    body = "Nasrat Rahimi said a suicide bombing hit civilians in Kabul on Monday."
    spokes = Claim(build.SPOKESMAN, build.INTERIOR, "Nasrat Rahimi", (), "paraphrase", build.span(body, "Nasrat Rahimi said"))
    body2 = "The interior ministry told Reuters a suicide bombing hit civilians in Kabul on Monday."
    ministry = Claim(build.INTERIOR, build.INTERIOR, "The interior ministry", (build.REUTERS,), "paraphrase",
                     build.span(body2, "The interior ministry told Reuters"))  # fmt: skip
    body3 = "A suicide bombing hit civilians in Kabul on Monday."
    a = _bombing(build, body, "A", toll_text=None, toll=0, claims=(spokes,))
    b = _bombing(build, body2, "B", toll_text=None, toll=0, claims=(ministry,))
    c = _bombing(build, body3, "C", toll_text=None, toll=0)
    (ev,) = build_story("s", [a, b, c]).events
    corr = ev.corroboration
    assert corr.articles == 3
    assert corr.outlets == ("A", "B", "C")
    assert [o.key for o in corr.origins] == ["actor:AF-MOI"]
    assert corr.origins[0].outlets == ("A", "B")
    assert corr.unattributed_outlets == ("C",)
    assert corr.independent == 2


def test_corroboration_origin_keys(build):
    body = "a military source told SANA"
    anon = Claim(None, None, "a military source", (build.REUTERS,), "paraphrase", build.span(body, "told SANA"))
    assert origin_key(anon) == ("actor:REUTERS", "Reuters")
    # "Reuters reported" (the agency as the speaker's organisation) is the same origin as "… told Reuters".
    direct = Claim(None, build.REUTERS, None, (), "paraphrase", build.span(body, "told SANA"))
    assert origin_key(direct)[0] == origin_key(anon)[0]
    label = Claim(None, None, "A military source", (), "paraphrase", build.span(body, "told SANA"))
    assert origin_key(label)[0] == "label:military source"
    assert origin_key(Claim(None, None, "reportedly", (), "unattributed", build.span(body, "told"))) is None
    assert corroborate([]).independent == 0


def test_merge_different_places_stay_apart(build):
    a = _bombing(build, "A suicide bombing killed 12 civilians in Kabul on Monday.", "A", toll_text="12", toll=12)
    body = "A suicide bombing killed 31 civilians in Jalalabad on Monday."
    ev = build.event(body, trigger="suicide bombing", target=("civilians", build.CIVILIANS),
                     place=("Jalalabad", build.JALALABAD), date=(2019, 3, 4, "on Monday"),
                     quantities=(("fatalities", 31, "31"),))  # fmt: skip
    b = build.analysis(body, outlet="B", places=(("Jalalabad", build.JALALABAD),), events=(ev,))
    story = build_story("s", [a, b])
    assert len(story.events) == 2
    assert story.contradictions == ()


def test_stories_death_toll_texts_join_one_story(build):
    a = _bombing(build, "A suicide bombing killed 12 civilians in Kabul on Monday.", "A", toll_text="12", toll=12)
    b = _bombing(build, "A suicide bombing killed 31 civilians in Kabul on Monday, officials said.", "B",
                 toll_text="31", toll=31)  # fmt: skip
    idx = StoryIndex()
    first, second = idx.assign(a), idx.assign(b)
    assert first.new and not second.new
    assert second.story_id == first.story_id
    assert second.score >= idx.cfg.threshold
    assert any("Kabul" in r or "1138958" in r for r in second.reasons)
    assert isinstance(EventMention, type)
