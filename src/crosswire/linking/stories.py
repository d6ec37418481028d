"""Incremental story clustering: a new article joins the best story or starts one.

``StoryIndex`` is plain state passed in and out (no globals, no I/O): an inverted index from keys
(canonical actor ids ``a:``, place ids ``p:``, salient hashed terms ``t:``) to the stories that
carry them, and per-story centroids (summed TF-IDF vectors, truncated) with actor/place counts and
a date range. ``assign(analysis)`` scores only the stories found through the index (never all of
them), so the cost per article does not grow with the store:

* each posting list keeps its ``posting_cap`` most recently updated stories (older stories of a very
  common key, such as the place "Syria", drop out of it; rarer keys still find them);
* a posting list also drops the stories posted more than ``LinkConfig.join_horizon_days`` before its
  newest entry: past that gap the time penalty alone keeps a story below the threshold, so such
  entries can never win (this is what keeps the cost per article flat as years of news accumulate);
* only the most recent ``scan_cap`` entries of a list are read, and only the ``max_candidates``
  stories with the most rarity-weighted key hits are scored in full.

The score is ``text_weight · cosine(article, centroid) + entity_weight · overlap − time penalty``,
where overlap is the share of the article's actors and places the story has (half weighted by rarity,
IDF; each key counted in full only when at least ``key_share_full`` of the story's articles carry it,
so a long story that once mentioned every big name does not attract every article),
and the penalty grows with the days between the article's publication date and the story's range.
An article with no known publication year gets no time penalty, and its reasons say so. When the
second-best story also scores above ``merge_threshold``, the two stories are merged.

``to_state()`` / ``from_state()`` give JSON-ready data, so the pipeline can persist the index.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter

from ..model import Analysis, Story, StoryAssignment
from .similarity import Idf, hashed, tfidf, words

__all__ = ["ArticleFeatures", "LinkConfig", "StoryIndex", "article_features", "build_story"]

_VALUE = itemgetter(1)

#: Version of the persisted state; a different version must be rebuilt from the store.
STATE_VERSION = 2


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Settings of story clustering (defaults chosen on the seeds and synthetic stories)."""

    threshold: float = 0.30  # the least score to join a story
    merge_threshold: float = 0.55  # a second story this close to the article is merged in
    text_weight: float = 0.55
    entity_weight: float = 0.45
    time_weight: float = 0.8  # the largest time penalty (an identical text years later is another story)
    time_grace_days: int = 7  # no penalty within this many days of the story's range
    time_scale_days: int = 90  # the penalty is full this many days past the grace
    salient_terms: int = 12  # terms per article posted to the index
    centroid_terms: int = 150  # terms kept per story centroid
    posting_cap: int = 256  # stories kept per key (the most recently updated)
    scan_cap: int = 64  # entries read per key and article, the most recent first (256 gave a lower B-cubed F1)
    rarity_mix: float = 0.5  # the share of the actor/place overlap that is rarity-weighted (IDF)
    key_share_full: float = 0.25  # an actor/place in this share of a story's articles counts in full
    max_candidates: int = 16  # stories scored in full per article (32 gave the same B-cubed F1 at 30% more cost)
    max_text_chars: int = 6000  # text used per article (title + the start of the body)

    @property
    def join_horizon_days(self) -> float:
        """Days past a story's range beyond which no article can join it (the time penalty alone
        keeps the best possible score, 1 − penalty, under ``threshold``); infinite when the penalty
        never gets that large."""
        need = 1.0 - self.threshold  # the penalty that makes a perfect match fail
        if self.time_weight <= need:
            return math.inf
        return self.time_grace_days + self.time_scale_days * need / self.time_weight


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What linking needs from one article."""

    article_id: str
    counts: Counter  # hashed word counts
    actors: frozenset[str]
    places: frozenset[str]
    day: int | None  # publication date as an ordinal, None when the year is unknown


def article_features(analysis: Analysis, *, max_chars: int = 6000) -> ArticleFeatures:
    """Extract the features linking uses from an analysis.

    Args:
        analysis (Analysis): the article's analysis.
        max_chars (int): how much of the body to read.
    RETURNS (ArticleFeatures): hashed word counts, canonical actor and place ids, the day.
    """
    a = analysis.article
    text = f"{a.title or ''}\n{a.body[:max_chars]}"
    actors = frozenset(m.actor.id for m in analysis.actors)
    places = frozenset(m.place.id for m in analysis.places if m.place is not None)
    d = a.published.as_date
    return ArticleFeatures(a.id, hashed(words(text), prefix="w:"), actors, places, d.toordinal() if d else None)


@dataclass(slots=True)
class _Story:
    n: int = 0
    centroid: dict[int, float] = field(default_factory=dict)
    norm: float = 0.0
    keys: Counter = field(default_factory=Counter)  # "a:ID" / "p:ID" → articles carrying it
    day_min: int | None = None
    day_max: int | None = None

    def add_vector(self, vec: dict[int, float], keep: int) -> None:
        c = self.centroid
        for h, v in vec.items():
            c[h] = c.get(h, 0.0) + v
        if len(c) > keep:
            self.centroid = c = dict(sorted(c.items(), key=_VALUE, reverse=True)[:keep])
        self.norm = math.sqrt(sum(v * v for v in c.values()))

    def add_day(self, day: int | None) -> None:
        if day is None:
            return
        self.day_min = day if self.day_min is None else min(self.day_min, day)
        self.day_max = day if self.day_max is None else max(self.day_max, day)

    # A story the feed has left behind is packed into flat arrays (about a tenth of the memory of the
    # dicts); it is unpacked, unchanged, if an article still reaches it.
    packed: tuple | None = None

    def pack(self) -> None:
        """Move the centroid and the key counts into compact arrays."""
        if self.packed is None:
            c, k = self.centroid, self.keys
            self.packed = (array("q", c.keys()), array("d", c.values()), tuple(k), array("q", k.values()))
            self.centroid, self.keys = {}, Counter()

    def centroid_items(self):
        """RETURNS (Iterable[tuple[int, float]]): the centroid's terms and weights, packed or not."""
        return zip(self.packed[0], self.packed[1]) if self.packed is not None else self.centroid.items()

    def key_items(self):
        """RETURNS (Iterable[tuple[str, int]]): the actor/place keys and their counts, packed or not."""
        return zip(self.packed[2], self.packed[3]) if self.packed is not None else self.keys.items()

    def unpack(self) -> "_Story":
        """RETURNS (_Story): the story itself, with its dicts restored when it was packed."""
        if self.packed is not None:
            hs, vs, ks, ns = self.packed
            self.centroid, self.keys, self.packed = dict(zip(hs, vs)), Counter(dict(zip(ks, ns))), None
        return self


class StoryIndex:
    """The state of incremental story clustering.

    Example:
        index = StoryIndex()
        for analysis in analyses:
            assignment = index.assign(analysis)
        state = index.to_state()          # JSON-ready; StoryIndex.from_state(state) restores it
    """

    def __init__(self, cfg: LinkConfig | None = None) -> None:
        self.cfg = cfg or LinkConfig()
        self.idf = Idf()
        self.key_df: Counter = Counter()
        # key → {story id: day of the article that posted it (None: undated)}, least recently updated first
        self.postings: dict[str, dict[str, int | None]] = {}
        self.stories: dict[str, _Story] = {}
        # story ids, least recently updated first: stories past the join horizon of the newest day seen
        # are packed from the front (the cost per article and the memory stay flat as years accumulate)
        self._recent: dict[str, None] = {}
        self._newest_day: int | None = None
        self.merged_into: dict[str, str] = {}
        self.assigned: dict[str, str] = {}  # article id → story id at assignment (resolve() for now)

    def __len__(self) -> int:
        return len(self.stories)

    def resolve(self, story_id: str) -> str:
        """The current id of a story that may have been merged into another.

        Args:
            story_id (str): a story id as assigned earlier.
        RETURNS (str): the id of the story that holds it now.
        """
        while story_id in self.merged_into:
            story_id = self.merged_into[story_id]
        return story_id

    def story_of(self, article_id: str) -> str | None:
        """RETURNS (str | None): the current story of an article assigned earlier, or None."""
        sid = self.assigned.get(article_id)
        return None if sid is None else self.resolve(sid)

    # -- assignment ------------------------------------------------------------------------------

    def assign(self, analysis: Analysis) -> StoryAssignment:
        """Put one article into the best story above the threshold, or start a new story.

        Args:
            analysis (Analysis): the article's analysis (actors and places resolved when available).
        RETURNS (StoryAssignment): the story, the score and the reasons.
        """
        return self.assign_features(article_features(analysis, max_chars=self.cfg.max_text_chars))

    def assign_features(self, f: ArticleFeatures) -> StoryAssignment:
        """``assign`` for precomputed features (benchmarks feed synthetic features this way).

        Args:
            f (ArticleFeatures): the article's features.
        RETURNS (StoryAssignment): the story, the score and the reasons.
        """
        if f.article_id in self.assigned:
            sid = self.resolve(self.assigned[f.article_id])
            return StoryAssignment(f.article_id, sid, 1.0, ("already assigned",))
        cfg = self.cfg
        self.idf.add(f.counts.keys())
        ent_keys = [f"a:{x}" for x in sorted(f.actors)] + [f"p:{x}" for x in sorted(f.places)]
        for k in ent_keys:
            self.key_df[k] += 1
        vec = tfidf(f.counts, self.idf)
        salient = [f"t:{h}" for h, _ in sorted(vec.items(), key=_VALUE, reverse=True)[: cfg.salient_terms]]
        key_w = {k: self._key_idf(k) for k in ent_keys}

        # Candidates through the inverted index only, ranked by rarity-weighted key hits.
        hits: dict[str, float] = {}  # a plain dict: Counter's missing-key path is Python-level
        get = hits.get
        merged_into = self.merged_into
        scan = cfg.scan_cap
        for k in ent_keys + salient:
            plist = self.postings.get(k)
            if not plist:
                continue
            w = key_w.get(k, 1.0)
            # Lists hold no entry past the join horizon of their newest one (``_post``), so for a feed
            # in publication order everything read here is still joinable.
            for sid in reversed(plist) if len(plist) <= scan else islice(reversed(plist), scan):
                if sid in merged_into:
                    sid = self.resolve(sid)
                hits[sid] = get(sid, 0.0) + w
        scored = []
        total_w = sum(key_w.values())
        for sid, _ in heapq.nlargest(cfg.max_candidates, hits.items(), key=_VALUE):
            score, why = self._score(sid, vec, ent_keys, key_w, total_w, f.day)
            scored.append((score, sid, why))
        scored.sort(key=lambda x: (-x[0], x[1]))

        merged: list[str] = []
        if scored and scored[0][0] >= cfg.threshold:
            score, sid, why = scored[0]
            reasons = [f"joined story {sid} (score {score:.2f} ≥ {cfg.threshold:.2f})", *self._explain(why)]
            for s2, other, _ in scored[1:]:
                if s2 >= cfg.merge_threshold and other != sid:
                    self._merge(other, sid)
                    merged.append(other)
                    reasons.append(f"merged story {other} into {sid}: the article scores {s2:.2f} with it too")
            new = False
        else:
            sid = f"story-{f.article_id[:12]}"
            if sid in self.stories or sid in self.merged_into:
                sid = f"story-{f.article_id}"
            self.stories[sid] = _Story()
            score = scored[0][0] if scored else 0.0
            if scored:
                reasons = [
                    f"new story: the best candidate {scored[0][1]} scores {score:.2f} < {cfg.threshold:.2f}",
                    *self._explain(scored[0][2]),
                ]
            else:
                reasons = ["new story: no story shares an actor, a place or a salient term"]
            if f.day is None and "no publication year: no time penalty" not in reasons:
                reasons.append("no publication year: no time penalty")
            new = True

        st = self.stories[sid].unpack()
        st.n += 1
        st.add_vector(vec, cfg.centroid_terms)
        st.add_day(f.day)
        for k in ent_keys:
            st.keys[k] += 1
        for k in ent_keys + salient:
            self._post(k, sid, f.day)
        self.assigned[f.article_id] = sid
        self._touch(sid, f.day)
        return StoryAssignment(f.article_id, sid, round(float(score), 4), tuple(reasons), new, tuple(merged))

    def _touch(self, sid: str, day: int | None) -> None:
        """Mark a story as just updated and pack the stories the feed has left behind."""
        recent = self._recent
        recent.pop(sid, None)
        recent[sid] = None
        if day is None or (self._newest_day is not None and day <= self._newest_day):
            return
        self._newest_day = day
        oldest = day - self.cfg.join_horizon_days
        stories = self.stories
        while recent:
            first = next(iter(recent))
            st = stories.get(first)
            if st is not None:
                if st.day_max is None or st.day_max >= oldest:
                    break
                st.pack()
            del recent[first]

    def _key_idf(self, key: str) -> float:
        return math.log((1 + self.idf.n_docs) / (1 + self.key_df.get(key, 0))) + 1.0

    def _post(self, key: str, sid: str, day: int | None) -> None:
        plist = self.postings.setdefault(key, {})
        plist.pop(sid, None)
        plist[sid] = day  # most recently updated last
        if len(plist) > self.cfg.posting_cap:
            del plist[next(iter(plist))]
        if day is not None:
            # Drop the least recently updated entries that are past the join horizon of this article's
            # day (amortised O(1): each entry is removed once; undated entries leave by the cap).
            oldest = day - self.cfg.join_horizon_days
            while plist:
                first_sid, first_day = next(iter(plist.items()))
                if first_day is None or first_day >= oldest:
                    break
                del plist[first_sid]

    def _score(
        self,
        sid: str,
        vec: dict[int, float],
        ent_keys: list[str],
        key_w: dict[str, float],
        total: float,
        day: int | None,
    ) -> tuple[float, tuple]:
        """Score one candidate story; the second value feeds ``_explain`` (strings only for stories shown)."""
        cfg = self.cfg
        st = self.stories[sid].unpack()
        c = st.centroid
        # Sum over the shared terms only (a C-level key intersection): the cost of scoring a candidate
        # is what the article and the story have in common, not the article's length.
        text = sum(vec[h] * c[h] for h in vec.keys() & c.keys()) / st.norm if st.norm else 0.0
        keys = st.keys
        shared = [k for k in ent_keys if k in keys]
        # A key counts in full when at least ``key_share_full`` of the story's articles carry it, and in
        # proportion below that: a story that once mentioned every big actor and place does not become
        # a match for every article (the mega-story attractor).
        # Half rarity-weighted, half plain: rare keys are stronger evidence, but a story's core
        # actors and places still count when they are common in the store.
        full = cfg.key_share_full * st.n
        shares = [min(1.0, keys[k] / full) for k in shared]
        weighted = sum(key_w[k] * v for k, v in zip(shared, shares)) / total if total else 0.0
        plain = sum(shares) / len(ent_keys) if ent_keys else 0.0
        ent = cfg.rarity_mix * weighted + (1.0 - cfg.rarity_mix) * plain
        penalty = 0.0
        gap = None
        if day is not None and st.day_min is not None:
            gap = max(st.day_min - day, day - st.day_max, 0)
            if gap > cfg.time_grace_days:
                penalty = cfg.time_weight * min(1.0, (gap - cfg.time_grace_days) / cfg.time_scale_days)
        why = (text, ent, shared, day is None, st.day_min is None, gap, penalty)
        return cfg.text_weight * text + cfg.entity_weight * ent - penalty, why

    @staticmethod
    def _explain(why: tuple) -> list[str]:
        """The reasons of a score, as an analyst reads them."""
        text, ent, shared, no_year, story_undated, gap, penalty = why
        reasons = [f"text cosine {text:.2f}"]
        if shared:
            actors = [k[2:] for k in shared if k.startswith("a:")]
            places = [k[2:] for k in shared if k.startswith("p:")]
            reasons.append(
                f"shared (overlap {ent:.2f}): actors {', '.join(actors) or '-'}; places {', '.join(places) or '-'}"
            )
        else:
            reasons.append("no shared actor or place")
        if no_year:
            reasons.append("no publication year: no time penalty")
        elif story_undated:
            reasons.append("the story has no dated article: no time penalty")
        else:
            reasons.append(f"{gap} days from the story's date range (penalty {penalty:.2f})")
        return reasons

    def _merge(self, src: str, dst: str) -> None:
        a, b = self.stories.pop(src).unpack(), self.stories[dst].unpack()
        self._recent.pop(src, None)
        b.n += a.n
        b.add_vector({h: v for h, v in a.centroid.items()}, self.cfg.centroid_terms)
        b.keys.update(a.keys)
        b.add_day(a.day_min)
        b.add_day(a.day_max)
        self.merged_into[src] = dst  # postings still naming src are resolved lazily

    # -- persistence -----------------------------------------------------------------------------

    def to_state(self) -> dict:
        """The whole index as JSON-ready data.

        RETURNS (dict): version, config, document frequencies, postings, stories, merges, assignments.
        """
        return {
            "version": STATE_VERSION,
            "config": {f: getattr(self.cfg, f) for f in LinkConfig.__dataclass_fields__},
            "n_docs": self.idf.n_docs,
            "df": [[h, c] for h, c in self.idf.df.items()],
            "key_df": dict(self.key_df),
            "postings": {k: [[sid, d] for sid, d in v.items()] for k, v in self.postings.items()},
            "stories": {
                sid: {
                    "n": s.n,
                    "centroid": [[h, v] for h, v in s.centroid_items()],
                    "keys": dict(s.key_items()),
                    "day_min": s.day_min,
                    "day_max": s.day_max,
                }
                for sid, s in self.stories.items()
            },
            "merged_into": dict(self.merged_into),
            "assigned": dict(self.assigned),
            "recent": list(self._recent),
            "newest_day": self._newest_day,
        }

    @classmethod
    def from_state(cls, state: dict) -> "StoryIndex":
        """Restore an index saved by ``to_state``.

        Args:
            state (dict): what ``to_state`` returned (possibly through JSON).
        RETURNS (StoryIndex): the index.
        Raises:
            ValueError: when the state has another version (rebuild it with ``rebuild``).
        """
        if state.get("version") != STATE_VERSION:
            raise ValueError(
                f"story index state version {state.get('version')!r}, expected {STATE_VERSION}: "
                "rebuild it from the store with StoryIndex.rebuild(analyses)"
            )
        idx = cls(LinkConfig(**state["config"]))
        idx.idf = Idf(state["n_docs"], {int(h): int(c) for h, c in state["df"]})
        idx.key_df = Counter(state["key_df"])
        idx.postings = {k: {sid: d for sid, d in v} for k, v in state["postings"].items()}
        for sid, s in state["stories"].items():
            st = _Story(s["n"], {int(h): float(v) for h, v in s["centroid"]}, 0.0, Counter(s["keys"]))
            st.norm = math.sqrt(sum(v * v for v in st.centroid.values()))
            st.day_min, st.day_max = s["day_min"], s["day_max"]
            idx.stories[sid] = st
        idx.merged_into = dict(state["merged_into"])
        idx.assigned = dict(state["assigned"])
        idx._recent = dict.fromkeys(sid for sid in state["recent"] if sid in idx.stories)
        idx._newest_day = state["newest_day"]
        for sid, st in idx.stories.items():
            if sid not in idx._recent:
                st.pack()
        return idx

    @classmethod
    def rebuild(cls, analyses, *, cfg: LinkConfig | None = None) -> tuple["StoryIndex", list[StoryAssignment]]:
        """Rebuild the index by assigning stored analyses again, in the order given.

        Args:
            analyses (Iterable[Analysis]): the analyses, oldest first.
            cfg (LinkConfig | None): settings.
        RETURNS (tuple[StoryIndex, list[StoryAssignment]]): the index and every assignment.
        """
        idx = cls(cfg)
        return idx, [idx.assign(a) for a in analyses]


def build_story(story_id: str, analyses) -> Story:
    """Assemble a story from its articles: merged events in timeline order, corroboration, contradictions.

    Args:
        story_id (str): the story's id.
        analyses (Sequence[Analysis]): the story's articles (any order).
    RETURNS (Story): the story.
    """
    from .contradictions import find_contradictions
    from .corroboration import corroborate
    from .merge import merge_events

    analyses = sorted(analyses, key=lambda a: (a.article.published.as_date or date.max, a.article.id))
    events = merge_events(story_id, analyses)
    days = [a.article.published.as_date for a in analyses if a.article.published.as_date is not None]
    notes = tuple(
        f"article {a.article.id} ({a.article.outlet or 'unknown outlet'}) has no publication year: "
        "its events are dated from the text or the story's other articles"
        for a in analyses
        if a.article.published.year is None
    )
    counts: Counter = Counter()
    by_id = {}
    for a in analyses:
        for pm in {m.place.id: m for m in a.places if m.place is not None}.values():
            counts[pm.place.id] += 1
            by_id[pm.place.id] = pm.place
    # Main places: the most mentioned below country level (countries only when nothing finer).
    fine = [pid for pid, _ in counts.most_common() if by_id[pid].feature_code not in ("PCLI", "PCLD", "PCLS", "CONT")]
    main = tuple(by_id[pid] for pid in (fine or [pid for pid, _ in counts.most_common()])[:5])
    return Story(
        id=story_id,
        article_ids=tuple(a.article.id for a in analyses),
        outlets=tuple(sorted({a.article.outlet for a in analyses if a.article.outlet})),
        first_seen=min(days) if days else None,
        last_seen=max(days) if days else None,
        places=main,
        events=tuple(events),
        contradictions=tuple(find_contradictions(events, analyses)),
        corroboration=corroborate(m for e in events for m in e.mentions),
        notes=notes,
    )
