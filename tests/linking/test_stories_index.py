"""The story index's layout: centroid rows, merged stories, candidates past the horizon, branch and
bound, states written before the matrix layout."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from crosswire.linking.similarity import hashed
from crosswire.linking.stories import (
    ArticleFeatures,
    LinkConfig,
    StoryIndex,
    _Centroids,
)

A = "army captured the town after heavy fighting near the river crossing"
B = "floods destroyed crops across the southern province farmers said"


def _feat(aid: str, day: int | None, words: str, *, actors=("IS",), places=("p1",)) -> ArticleFeatures:
    return ArticleFeatures(aid, hashed(words.split(), prefix="w:"), frozenset(actors), frozenset(places), day)


def _stream(n: int, *, seed: int = 3, days: int = 400) -> list[ArticleFeatures]:
    """n articles from 40 topics over ``days`` days (some of two topics): joins, new stories, merges."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    topics = [rng.sample(vocab, 24) for _ in range(40)]
    out = []
    for i in range(n):
        t = rng.randrange(40)
        u = (t + 1) % 40
        words = rng.sample(topics[t], 18) + rng.sample(vocab, 6)
        actors = {f"A{t}", f"A{rng.randrange(60)}"}
        places = {f"P{t % 25}", f"P{rng.randrange(300)}"}
        if rng.random() < 0.05:  # an article of two topics: it may merge their stories
            words += rng.sample(topics[u], 18)
            actors.add(f"A{u}")
            places.add(f"P{u % 25}")
        day = None if rng.random() < 0.03 else 1000 + int(i * days / n) + rng.randrange(-3, 4)
        out.append(ArticleFeatures(f"x{i:05d}", hashed(words, prefix="w:"), frozenset(actors), frozenset(places), day))
    return out


def test_stories_centroid_rows_sum_sort_and_cut_like_a_dict():
    # The reference is the dict code the rows replaced: sum, then keep the ``keep`` largest, ties in dict order.
    rng = np.random.default_rng(0)
    keep = 8
    cents = _Centroids(keep, capacity=2)  # grows while the test runs
    ref: list[dict[int, float]] = []
    dense = np.zeros(1 << 20)
    for step in range(300):
        if step % 7 == 0 or not ref:
            cents.new_row()
            ref.append({})
        row = int(rng.integers(len(ref)))
        hs = rng.choice(40, size=int(rng.integers(1, 12)), replace=False).astype(np.int64)
        vs = rng.choice([0.25, 0.5, 1.0], size=len(hs))  # ties on purpose
        if step % 2:
            cents.add(row, hs, vs)
        else:
            dense[hs] = vs
            cents.add_article(row, hs, dense)
            dense[hs] = 0.0
        c = ref[row]
        for h, v in zip(hs.tolist(), vs.tolist()):
            c[h] = c.get(h, 0.0) + v
        if len(c) > keep:
            ref[row] = c = dict(sorted(c.items(), key=lambda x: x[1], reverse=True)[:keep])
        got_h, got_v = cents.terms(row)
        assert list(zip(got_h.tolist(), got_v.tolist())) == list(c.items())
        assert cents.norm[row] == pytest.approx(math.sqrt(sum(v * v for v in c.values())))
    assert not dense.any()


def test_stories_merged_story_postings_lead_to_its_heir():
    idx = StoryIndex()
    a = idx.assign_features(_feat("a1", 1000, A, places=("p1",)))
    b = idx.assign_features(_feat("b1", 1001, B, actors=("UN",), places=("p2",)))
    c = idx.assign_features(_feat("c1", 1002, f"{A} {B}", actors=("IS", "UN"), places=("p1", "p2")))
    assert c.story_id == a.story_id and c.merged == (b.story_id,), c.reasons
    assert idx.story_of("b1") == a.story_id and b.story_id not in idx.stories
    # B's place list still names the merged story; an article like B reaches the story it went into.
    assert b.story_id in [sid for sid, _ in idx.posted("p:p2")]
    d = idx.assign_features(_feat("d1", 1003, B, actors=("UN",), places=("p2",)))
    assert d.story_id == a.story_id and not d.new, d.reasons
    assert idx.stories[a.story_id].n == 4


def test_stories_state_round_trip_mid_stream_changes_nothing():
    feats = _stream(1500)
    whole = StoryIndex()
    expected = [whole.assign_features(f) for f in feats]
    assert any(e.merged for e in expected) and sum(e.new for e in expected) > 20
    idx = StoryIndex()
    got = [idx.assign_features(f) for f in feats[:900]]
    idx = StoryIndex.from_state(json.loads(json.dumps(idx.to_state())))
    got += [idx.assign_features(f) for f in feats[900:]]
    assert got == expected
    assert idx.to_state() == whole.to_state()


def test_stories_state_written_before_the_matrix_layout_loads():
    # Written by the dict-based index (commit 1369f6b) after A, B and an article of both that merged them.
    state = json.loads(OLD_STATE)
    idx = StoryIndex.from_state(state)
    assert len(idx) == 1 and idx.story_of("b1") == "story-a1"
    assert idx.centroid("story-a1") == {int(h): v for h, v in state["stories"]["story-a1"]["centroid"]}
    d = idx.assign_features(_feat("d1", 1003, B, actors=("UN",), places=("p2",)))
    assert d.story_id == "story-a1" and "shared (overlap 1.00): actors UN; places p2" in d.reasons, d.reasons
    assert idx.to_state()["postings"]["p:p2"] == [["story-b1", 1001], ["story-a1", 1003]]


def test_stories_stories_past_the_horizon_take_no_candidate_slot():
    cfg = LinkConfig(max_candidates=1)
    idx = StoryIndex(cfg)
    # An old story shares the article's actor, place and every word; a recent one shares its place and
    # most words. Only the recent one can reach the threshold (the old one is 200 days away).
    old = idx.assign_features(_feat("old", 1000, A, actors=("IS",), places=("p1",)))
    recent = idx.assign_features(_feat("recent", 1195, A.replace("river", "bridge"), actors=("SY",), places=("p1",)))
    assert recent.new and any("penalty 0.80" in r for r in recent.reasons), recent.reasons
    got = idx.assign_features(_feat("new", 1200, A, actors=("IS",), places=("p1",)))
    assert got.story_id == recent.story_id and got.story_id != old.story_id, got.reasons


def test_stories_only_far_stories_are_explained():
    idx = StoryIndex()
    old = idx.assign_features(_feat("old", 1000, A))
    got = idx.assign_features(_feat("late", 1300, A))
    assert got.new
    assert f"more than {LinkConfig().join_horizon_days:g} days away" in got.reasons[0]
    assert old.story_id in got.reasons[0] and "(penalty 0.80)" in got.reasons[-1], got.reasons


def test_stories_branch_and_bound_keeps_the_best_and_every_merge():
    # Every candidate scored in full by the documented formula: the pruned scoring must return the
    # same best story and every story the article would be merged with.
    cfg = LinkConfig()
    idx = StoryIndex(cfg)
    checked = pruned = 0

    real = idx._score

    def score(rows, dense, ent_keys, key_w, day):
        nonlocal checked, pruned
        ranked = real(rows, dense, ent_keys, key_w, day)
        total = sum(key_w.values())
        full = []
        for r in rows.tolist():
            sid = idx._sids[r]
            st = idx.stories[sid]
            c = idx.centroid(sid)
            norm = math.sqrt(sum(v * v for v in c.values()))
            text = sum(dense[h] * v for h, v in c.items()) / norm if norm else 0.0
            keys = st.key_counts()
            shares = [min(1.0, keys[k] / (cfg.key_share_full * st.n)) for k in ent_keys if k in keys]
            shared = [k for k in ent_keys if k in keys]
            ent = 0.0
            if ent_keys:
                weighted = sum(key_w[k] * s for k, s in zip(shared, shares)) / total
                ent = cfg.rarity_mix * weighted + (1 - cfg.rarity_mix) * sum(shares) / len(ent_keys)
            pen = 0.0
            if day is not None and st.day_min is not None:
                gap = max(st.day_min - day, day - st.day_max, 0)
                if gap > cfg.time_grace_days:
                    pen = cfg.time_weight * min(1.0, (gap - cfg.time_grace_days) / cfg.time_scale_days)
            full.append((cfg.text_weight * text + cfg.entity_weight * ent - pen, sid, r))
        full.sort(key=lambda x: (-x[0], x[1]))
        assert ranked[0][1] == full[0][2] and ranked[0][0] == pytest.approx(full[0][0], abs=1e-9)
        merges = {r for s, _, r in full[1:] if s >= cfg.merge_threshold}
        assert merges <= {r for _, r, _ in ranked[1:]}
        checked += 1
        pruned += len(full) - len(ranked)
        return ranked

    idx._score = score
    for f in _stream(1200):
        idx.assign_features(f)
    assert checked > 1000 and pruned > checked  # most candidates are left out, and the results hold


OLD_STATE = (
    '{"version":2,"config":{"threshold":0.3,"merge_threshold":0.55,"text_weight":0.55,"entity_weight":0.4'
    '5,"time_weight":0.8,"time_grace_days":7,"time_scale_days":90,"salient_terms":12,"centroid_terms":150'
    ',"posting_cap":256,"scan_cap":64,"rarity_mix":0.5,"key_share_full":0.25,"max_candidates":16,"max_tex'
    't_chars":6000},"n_docs":3,"df":[[117975,2],[311599,2],[157683,3],[402501,2],[306252,2],[104530,2],[6'
    '82505,2],[851952,2],[230694,2],[503838,2],[536218,2],[664317,2],[959991,2],[885287,2],[85461,2],[571'
    '321,2],[1048175,2],[780087,2]],"key_df":{"a:IS":2,"p:p1":2,"a:UN":2,"p:p2":2},"postings":{"a:IS":[["'
    'story-a1",1002]],"p:p1":[["story-a1",1002]],"t:157683":[["story-b1",1001],["story-a1",1002]],"t:1179'
    '75":[["story-a1",1002]],"t:311599":[["story-a1",1002]],"t:402501":[["story-a1",1002]],"t:306252":[["'
    'story-a1",1002]],"t:104530":[["story-a1",1002]],"t:682505":[["story-a1",1002]],"t:851952":[["story-a'
    '1",1002]],"t:230694":[["story-a1",1002]],"t:503838":[["story-a1",1002]],"a:UN":[["story-b1",1001],["'
    'story-a1",1002]],"p:p2":[["story-b1",1001],["story-a1",1002]],"t:536218":[["story-b1",1001],["story-'
    'a1",1002]],"t:664317":[["story-b1",1001],["story-a1",1002]],"t:959991":[["story-b1",1001]],"t:885287'
    '":[["story-b1",1001]],"t:85461":[["story-b1",1001]],"t:571321":[["story-b1",1001]],"t:1048175":[["st'
    'ory-b1",1001]],"t:780087":[["story-b1",1001]]},"stories":{"story-a1":{"n":3,"centroid":[[117975,0.51'
    '58457032798562],[311599,0.5158457032798562],[157683,1.1030610929103009],[402501,0.5158457032798562],'
    '[306252,0.5158457032798562],[104530,0.5158457032798562],[682505,0.5158457032798562],[851952,0.515845'
    '7032798562],[230694,0.5158457032798562],[503838,0.5158457032798562],[536218,0.5684255749700835],[664'
    '317,0.5684255749700835],[959991,0.5684255749700835],[885287,0.5684255749700835],[85461,0.56842557497'
    '00835],[571321,0.5684255749700835],[1048175,0.5684255749700835],[780087,0.5684255749700835]],"keys":'
    '{"a:IS":2,"p:p1":2,"a:UN":2,"p:p2":2},"day_min":1000,"day_max":1002}},"merged_into":{"story-b1":"sto'
    'ry-a1"},"assigned":{"a1":"story-a1","b1":"story-b1","c1":"story-a1"},"recent":["story-a1"],"newest_d'
    'ay":1002}'
)
