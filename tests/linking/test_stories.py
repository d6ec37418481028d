"""Story clustering: empty index, one article, the seeds, and a synthetic story of 10,000 articles."""

from __future__ import annotations

import json
import random
import time
from collections import Counter

import pytest

import crosswire
from crosswire.linking import StoryIndex, build_story
from crosswire.linking.stories import ArticleFeatures, LinkConfig
from crosswire.linking.similarity import hashed


def test_stories_empty_index_round_trips():
    idx = StoryIndex()
    assert len(idx) == 0
    again = StoryIndex.from_state(json.loads(json.dumps(idx.to_state())))
    assert len(again) == 0 and again.story_of("nothing") is None
    story = build_story("s", [])
    assert story.article_ids == () and story.events == () and story.first_seen is None


def test_stories_state_version_mismatch_says_rebuild():
    with pytest.raises(ValueError, match="rebuild"):
        StoryIndex.from_state({"version": 0})


def test_stories_one_article(build):
    a = build.analysis("A suicide bombing hit civilians in Kabul.", outlet="A", published=None,
                       places=(("Kabul", build.KABUL),))  # fmt: skip
    idx = StoryIndex()
    got = idx.assign(a)
    assert got.new and got.story_id == f"story-{a.article.id[:12]}" and got.score == 0.0
    assert "no story shares" in got.reasons[0]
    assert "no publication year: no time penalty" in got.reasons
    assert idx.assign(a).reasons == ("already assigned",)
    story = build_story(got.story_id, [a])
    assert story.article_ids == (a.article.id,) and story.places == (build.KABUL,)
    assert "no publication year" in story.notes[0]
    restored = StoryIndex.from_state(json.loads(json.dumps(idx.to_state())))
    assert restored.story_of(a.article.id) == got.story_id


def test_stories_time_distance_separates_same_topic(build):
    body = "A suicide bombing hit civilians in Kabul, the Taliban said."
    kw = dict(actors=(("Taliban", build.TALIBAN),), places=(("Kabul", build.KABUL),))
    a = build.analysis(body, outlet="A", published=(2019, 3, 4), **kw)
    b = build.analysis(body + " ", outlet="B", published=(2019, 3, 5), **kw)
    c = build.analysis(body, outlet="C", published=(2021, 8, 26), **kw)
    idx = StoryIndex()
    sa, sb, sc = idx.assign(a), idx.assign(b), idx.assign(c)
    assert sb.story_id == sa.story_id
    assert sc.new, sc.reasons
    assert any("penalty 0.80" in r for r in sc.reasons)


def _feat(aid: str, day: int | None, words: str, *, actors=("IS",), places=("170794",)) -> ArticleFeatures:
    return ArticleFeatures(aid, hashed(words.split(), prefix="w:"), frozenset(actors), frozenset(places), day)


def test_stories_join_horizon_is_where_the_penalty_alone_fails():
    cfg = LinkConfig()
    # 1 − penalty(gap) = threshold exactly at the horizon: 7 + 90 · 0.7 / 0.8 = 85.75 days.
    assert cfg.join_horizon_days == pytest.approx(85.75)
    text = "army captured the town after heavy fighting near the river crossing"
    idx = StoryIndex(cfg)
    first = idx.assign_features(_feat("a", 1000, text))
    inside = idx.assign_features(_feat("b", 1000 + 85, text))
    assert inside.story_id == first.story_id, inside.reasons
    idx2 = StoryIndex(cfg)
    idx2.assign_features(_feat("a", 1000, text))
    outside = idx2.assign_features(_feat("c", 1000 + 87, text))
    assert outside.new
    assert LinkConfig(time_weight=0.5).join_horizon_days == float("inf")


def test_stories_postings_drop_entries_past_the_horizon():
    idx = StoryIndex()
    idx.assign_features(_feat("old", 1000, "alpha beta gamma", places=("p1",)))
    assert "old" in idx.posted("p:p1")[0][0]  # the first story, posted under its place
    idx.assign_features(_feat("new", 1200, "delta epsilon zeta", places=("p1",)))
    # Posting the new story trimmed the old one: its gap to the list's newest entry is past the horizon.
    assert [d for _, d in idx.posted("p:p1")] == [1200]
    assert len(idx) == 2


def test_stories_old_stories_are_packed_and_still_reachable():
    text = "shelling hit the camp and killed civilians near the border crossing"
    idx = StoryIndex()
    old = idx.assign_features(_feat("old", 1000, text, places=("p9",)))
    for i in range(5):  # the feed moves on a year
        idx.assign_features(_feat(f"n{i}", 1365 + i, f"unrelated story number {i} about elections", places=(f"q{i}",)))
    st = idx.stories[old.story_id]
    assert st.packed is not None and st.keys == {}
    centroid = idx.centroid(old.story_id)  # centroids are not packed: they are rows of one matrix
    assert len(centroid) == len(set(text.split()))
    # A late article from the old period (backfill) reaches the packed story through its salient terms.
    late = idx.assign_features(_feat("late", 1001, text))
    assert late.story_id == old.story_id, late.reasons
    assert idx.stories[old.story_id].packed is None and idx.stories[old.story_id].n == 2
    # Packing sweeps the least recently updated first: the late article put the old story last in line.
    idx.assign_features(_feat("n5", 1405, "more unrelated news", places=("q5",)))
    assert idx.stories[old.story_id].packed is None
    idx.assign_features(_feat("n6", 1600, "still more unrelated news", places=("q6",)))
    assert idx.stories[old.story_id].packed is not None
    # Packed stories survive the round trip through JSON and are packed again on load.
    assert idx.stories[old.story_id].packed is not None
    restored = StoryIndex.from_state(json.loads(json.dumps(idx.to_state())))
    assert restored.stories[old.story_id].packed is not None
    assert dict(restored.stories[old.story_id].unpack().keys) == {"a:IS": 2, "p:p9": 1, "p:170794": 1}
    assert restored.story_of("late") == old.story_id
    assert restored.to_state() == StoryIndex.from_state(json.loads(json.dumps(idx.to_state()))).to_state()


def _synthetic(n: int, *, seed: int = 7) -> list[ArticleFeatures]:
    """n articles of one story: 25 of 40 core words plus 30 Zipf-distributed noise words, the story's
    3 actors and 2 places plus one random one of each, published over 40 days."""
    rng = random.Random(seed)
    core_words = [f"core{i}" for i in range(40)]
    vocab = [f"w{i}" for i in range(20000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    out = []
    for i in range(n):
        ws = rng.sample(core_words, 25) + rng.choices(vocab, weights, k=30)
        actors = frozenset({"SY-SAA", "IS", "RU-MOD", f"actor{rng.randrange(500)}"})
        places = frozenset({"173480", "170794", f"place{rng.randrange(2000)}"})
        out.append(ArticleFeatures(f"a{i:06d}", hashed(ws, prefix="w:"), actors, places, 736600 + rng.randrange(40)))
    return out


@pytest.mark.slow
def test_stories_synthetic_story_of_10000_articles(build):
    feats = _synthetic(10_000)
    idx = StoryIndex()
    t = time.perf_counter()
    got = [idx.assign_features(f) for f in feats]
    seconds = time.perf_counter() - t
    stories = Counter(idx.resolve(g.story_id) for g in got)
    biggest, size = stories.most_common(1)[0]
    assert size >= 9_500, stories.most_common(5)  # measured: 9,993 (9,319 before key shares)
    assert seconds < 60, f"{seconds:.1f} s for 10,000 articles"
    # A story of 10,000 hand-built articles builds: one event per article, all one merged event.
    analyses = []
    for i in range(10_000):
        body = f"Article {i}: a suicide bombing killed 12 civilians in Kabul on Monday."
        ev = build.event(body, trigger="suicide bombing", target=("civilians", build.CIVILIANS),
                         place=("Kabul", build.KABUL), date=(2019, 3, 4, "on Monday"),
                         quantities=(("fatalities", 12, "12"),))  # fmt: skip
        analyses.append(build.analysis(body, outlet=f"outlet{i % 50}", events=(ev,)))
    t = time.perf_counter()
    story = build_story("big", analyses)
    seconds = time.perf_counter() - t
    assert len(story.article_ids) == 10_000
    assert len(story.events) == 1 and len(story.events[0].mentions) == 10_000
    assert story.events[0].corroboration.articles == 10_000
    assert len(story.events[0].corroboration.unattributed_outlets) == 50
    assert story.contradictions == ()
    assert seconds < 60, f"{seconds:.1f} s to build a story of 10,000 articles"


@pytest.fixture(scope="module")
def seeds(resources, rt_path, presstv_path):
    pt = crosswire.analyze(presstv_path.read_text(encoding="utf-8"), outlet="Press TV", resources=resources)
    rt = crosswire.analyze(rt_path.read_text(encoding="utf-8"), outlet="RT", resources=resources)
    return pt, rt


@pytest.mark.slow
@pytest.mark.issue(5)
def test_stories_seeds_form_one_story(seeds):
    pt, rt = seeds
    idx = StoryIndex()
    first, second = idx.assign(pt), idx.assign(rt)
    assert first.new and not second.new
    assert second.story_id == first.story_id
    assert any("SY-SAA" in r and "173480" in r for r in second.reasons)
    assert "no publication year: no time penalty" in second.reasons


def _find(story, outlet, word):
    for n, ev in enumerate(story.events):
        for m in ev.mentions:
            if m.outlet == outlet and any(word in s.text for s in m.event.evidence):
                return n, ev
    raise AssertionError(f"no {outlet} event with {word!r}")


@pytest.mark.slow
@pytest.mark.issue(5)
def test_stories_seeds_timeline_approach_before_capture(seeds):
    story = build_story("seeds", list(seeds))
    assert story.outlets == ("Press TV", "RT")
    i_km, km = _find(story, "Press TV", "10 kilometers away")
    i_cap, cap = _find(story, "RT", "have captured Al-Mayadeen")
    assert km.stage == "approach" and cap.stage == "capture"
    assert km.place.id == cap.place.id == "173480"
    assert km is not cap and i_km < i_cap
    assert km.date_from < cap.date_from
    assert "year 2017 from the story's other articles" in cap.date_reason


@pytest.mark.slow
@pytest.mark.issue(5)
def test_stories_seeds_konashenkov_is_one_origin(seeds):
    story = build_story("seeds", list(seeds))
    kona = [o for o in story.corroboration.origins if "Konashenkov" in " ".join(o.speakers)]
    assert len(kona) == 1
    (o,) = kona
    assert o.key == "actor:RU-MOD"
    assert o.outlets == ("Press TV", "RT")
    assert len(o.article_ids) == 2
    assert story.contradictions == ()
