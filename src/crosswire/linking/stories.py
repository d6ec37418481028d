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
* only the most recent ``scan_cap`` entries of a list are read; stories more than the join horizon
  from the article are dropped (they can neither take it nor be merged), and the ``max_candidates``
  stories left with the most rarity-weighted key hits are scored.

The score is ``text_weight · cosine(article, centroid) + entity_weight · overlap − time penalty``,
where overlap is the share of the article's actors and places the story has (half weighted by rarity,
IDF; each key counted in full only when at least ``key_share_full`` of the story's articles carry it,
so a long story that once mentioned every big name does not attract every article),
and the penalty grows with the days between the article's publication date and the story's range.
An article with no known publication year gets no time penalty, and its reasons say so. When the
second-best story also scores above ``merge_threshold``, the two stories are merged.

How it is laid out for speed (the numbers are in docs/BENCHMARKS.md, "Story linking at scale"):

* stories are numbered by row; their centroids are rows of two numpy matrices (term buckets and
  weights, ``centroid_terms`` columns) with their norms, sizes and date ranges as arrays, so the
  text cosines and time penalties of all candidates come from a few array operations (the article's
  vector is scattered into a dense scratch row and gathered at each centroid's buckets);
* the posting entries an article reaches are read into one array and summed per story with
  ``np.add.at``; a merged story's row maps to the row it went into;
* the key overlap, the one part that needs dict lookups in each story's key counts, is computed only
  for the candidates whose score with a full overlap could still be the best or reach
  ``merge_threshold`` (branch and bound: the others cannot change the outcome);
* the document frequencies are a dense array indexed by bucket.

``to_state()`` / ``from_state()`` give JSON-ready data, so the pipeline can persist the index.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice, repeat
from operator import itemgetter

import numpy as np

from ..model import Analysis, Story, StoryAssignment
from .similarity import DIM, hashed, words

__all__ = ["ArticleFeatures", "LinkConfig", "StoryIndex", "article_features", "build_story"]

_VALUE = itemgetter(1)
_NEVER = np.iinfo(np.int64).max

#: Version of the persisted state; a different version must be rebuilt from the store. (Version 2 is
#: also what the row/matrix layout writes: the JSON is the same, only the in-memory layout changed.)
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
    """One story's counts; its centroid is row ``row`` of the index's ``_Centroids``."""

    row: int
    n: int = 0
    keys: dict[str, int] = field(default_factory=dict)  # "a:ID" / "p:ID" → articles carrying it
    day_min: int | None = None
    day_max: int | None = None
    # A story the feed has left behind has its key counts packed into flat arrays (a fraction of the
    # memory of the dict); they are unpacked, unchanged, when an article joins it again.
    packed: tuple | None = None

    def add_day(self, day: int | None) -> None:
        if day is None:
            return
        self.day_min = day if self.day_min is None else min(self.day_min, day)
        self.day_max = day if self.day_max is None else max(self.day_max, day)

    def add_keys(self, keys) -> None:
        """Count keys (an iterable of keys, each once, or of (key, count) pairs via ``dict.items``)."""
        k = self.keys
        for key in keys:
            k[key] = k.get(key, 0) + 1

    def pack(self) -> None:
        """Move the key counts into compact arrays."""
        if self.packed is None:
            k = self.keys
            self.packed = (tuple(k), array("q", k.values()))
            self.keys = {}

    def key_counts(self) -> dict[str, int]:
        """RETURNS (dict[str, int]): the key counts, read-only (a temporary dict when packed)."""
        return self.keys if self.packed is None else dict(zip(self.packed[0], self.packed[1]))

    def key_items(self):
        """RETURNS (Iterable[tuple[str, int]]): the actor/place keys and their counts, packed or not."""
        return zip(self.packed[0], self.packed[1]) if self.packed is not None else self.keys.items()

    def unpack(self) -> _Story:
        """RETURNS (_Story): the story itself, with its key dict restored when it was packed."""
        if self.packed is not None:
            self.keys, self.packed = dict(zip(self.packed[0], self.packed[1])), None
        return self


class _Centroids:
    """Story centroids as rows of two growable matrices (term buckets, weights), ``keep`` columns each,
    with each story's size and date range as arrays (NaN: undated), so candidates are scored at once.

    A row holds its terms in the order a dict would (the old terms, then the new ones in the order
    added) until it has more than ``keep``; then it is sorted by weight, stably, and cut, just like
    ``dict(sorted(c.items(), key=weight, reverse=True)[:keep])``. Unused columns hold bucket 0 with
    weight 0, so a gather over a whole row adds nothing for them.
    """

    __slots__ = (
        "_acc", "_arange", "_first", "_order", "_pos", "hi", "idx", "keep", "lo", "n", "norm", "redir", "rows",
        "size", "val",
    )  # fmt: skip

    def __init__(self, keep: int, capacity: int = 1024) -> None:
        self.keep = keep
        self.idx = np.zeros((capacity, keep), np.intp)  # intp: gathers at these indices need no cast
        self.val = np.zeros((capacity, keep), np.float64)
        self.size = np.zeros(capacity, np.int32)
        self.norm = np.zeros(capacity, np.float64)
        self.n = np.zeros(capacity, np.float64)  # articles in the story
        self.lo = np.full(capacity, np.nan)  # its first and last day (NaN: no dated article)
        self.hi = np.full(capacity, np.nan)
        self.redir = np.zeros(capacity, np.int64)  # row → itself, or the live row a merged story went into
        self._acc = np.zeros(capacity, np.float64)  # scratch for ``hits``, zero between calls
        self._first = np.full(capacity, _NEVER, np.int64)  # scratch for ``hits``, _NEVER between calls
        self._order = np.arange(1024, dtype=np.int64)
        self.rows = 0
        self._pos = np.zeros(DIM, np.int32)  # scratch: bucket → 1 + column, zero again after each add
        self._arange = np.arange(1, keep + 1, dtype=np.int32)

    def new_row(self) -> int:
        """RETURNS (int): a new empty row (the matrices double when full)."""
        if self.rows == len(self.size):
            cap = 2 * len(self.size)
            for name in ("idx", "val", "size", "norm", "n", "lo", "hi", "redir", "_acc", "_first"):
                old = getattr(self, name)
                fill = np.nan if name in ("lo", "hi") else _NEVER if name == "_first" else 0
                new = np.full((cap, *old.shape[1:]), fill, old.dtype)
                new[: len(old)] = old
                setattr(self, name, new)
        self.redir[self.rows] = self.rows
        self.rows += 1
        return self.rows - 1

    def hits(self, read: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sum the weights of posting entries per story.

        Args:
            read (np.ndarray): the rows read from the posting lists, in reading order (merged rows too).
            weights (np.ndarray): the weight of each entry.
        RETURNS (tuple[np.ndarray, np.ndarray]): the live rows reached, in the order first read, and
            their summed weights (added in reading order, as a dict of hits would).
        """
        n = len(read)
        if n > len(self._order):
            self._order = np.arange(2 * n, dtype=np.int64)
        order = self._order[:n]
        read = self.redir[read]  # a merged story's entries count for the story it went into
        acc, first = self._acc, self._first
        np.add.at(acc, read, weights)
        np.minimum.at(first, read, order)
        rows = read[first[read] == order]
        sums = acc[rows]
        acc[rows] = 0.0
        first[rows] = _NEVER
        return rows, sums

    def merge(self, src: int, dst: int) -> None:
        """Send a merged row, and the rows merged into it before, to the row it went into."""
        redir = self.redir[: self.rows]
        redir[redir == src] = dst

    def set_story(self, row: int, st: _Story) -> None:
        """Copy a story's size and date range into the arrays (after every change to them)."""
        self.n[row] = st.n
        self.lo[row] = np.nan if st.day_min is None else st.day_min
        self.hi[row] = np.nan if st.day_max is None else st.day_max

    def penalties(self, rows: np.ndarray, day: int, cfg: LinkConfig) -> tuple[np.ndarray, np.ndarray]:
        """The time penalties of stories for an article of a given day.

        Args:
            rows (np.ndarray): the stories' rows.
            day (int): the article's day.
            cfg (LinkConfig): the grace, scale and weight of the penalty.
        RETURNS (tuple[np.ndarray, np.ndarray]): the gaps in days (NaN for undated stories) and the
            penalties (0 for undated stories).
        """
        gap = np.maximum(np.maximum(self.lo[rows] - day, day - self.hi[rows]), 0.0)  # NaN stays NaN
        over = gap > cfg.time_grace_days
        penalty = np.where(
            over, cfg.time_weight * np.minimum(1.0, (gap - cfg.time_grace_days) / cfg.time_scale_days), 0.0
        )
        return gap, penalty

    def terms(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """RETURNS (tuple[np.ndarray, np.ndarray]): copies of a row's buckets and weights, in row order."""
        m = self.size[row]
        return self.idx[row, :m].copy(), self.val[row, :m].copy()

    def add(self, row: int, hs: np.ndarray, vs: np.ndarray) -> None:
        """Add a sparse vector to a row (the sum truncated to ``keep`` terms) and update its norm.

        Args:
            row (int): the row.
            hs (np.ndarray): the vector's buckets, distinct.
            vs (np.ndarray): their weights.
        """
        m = int(self.size[row])
        ci, cv = self.idx[row, :m], self.val[row, :m]  # views: the shared terms are added in place
        pos = self._pos
        pos[ci] = self._arange[:m]
        p = pos[hs]
        pos[ci] = 0
        shared = p > 0
        new = ~shared
        if m:
            cv[p[shared] - 1] += vs[shared]
            hs, vs = hs[new], vs[new]
        self._append(row, m, hs, vs)

    def add_article(self, row: int, hs: np.ndarray, dense: np.ndarray) -> None:
        """``add`` for an article vector held in a dense scratch row (fewer steps than ``add``).

        Args:
            row (int): the row.
            hs (np.ndarray): the article's buckets, distinct.
            dense (np.ndarray): its weights (all positive) at those buckets, zero elsewhere; the weights
                at the row's buckets are zeroed (the caller zeroes the rest).
        """
        m = int(self.size[row])
        ci, cv = self.idx[row, :m], self.val[row, :m]
        if m:
            cv += dense[ci]  # + 0.0 where the article lacks the term
            dense[ci] = 0.0
        rest = dense[hs]
        new = rest > 0.0  # the article's terms the row lacks, in the article's order
        self._append(row, m, hs[new], rest[new])

    def _append(self, row: int, m: int, hs: np.ndarray, vs: np.ndarray) -> None:
        """Append new terms after the first ``m`` of a row, sort and cut it past ``keep``, set its norm."""
        total = m + len(hs)
        if total <= self.keep:
            self.idx[row, m:total] = hs
            self.val[row, m:total] = vs
        else:
            all_h = np.concatenate((self.idx[row, :m], hs))
            all_v = np.concatenate((self.val[row, :m], vs))
            top = np.argsort(-all_v, kind="stable")[: self.keep]  # stable: ties keep dict order
            self.idx[row] = all_h[top]
            self.val[row] = all_v[top]
            total = self.keep
        self.size[row] = total
        v = self.val[row, :total]
        self.norm[row] = math.sqrt(float(v @ v))

    def cosines(self, rows: np.ndarray, dense: np.ndarray) -> np.ndarray:
        """The dot products of rows with a dense vector, divided by the rows' norms (0 for empty rows).

        Args:
            rows (np.ndarray): the rows.
            dense (np.ndarray): a vector over all ``DIM`` buckets (the article's, unit length).
        RETURNS (np.ndarray): one cosine per row.
        """
        num = np.einsum("ij,ij->i", dense[self.idx[rows]], self.val[rows])
        return num / np.maximum(self.norm[rows], 1e-300)  # an empty row has num 0 and norm 0: cosine 0


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
        # Document frequencies of the term buckets (dense: one int per bucket) and the documents seen.
        self.n_docs = 0
        self.df = np.zeros(DIM, np.int32)
        self.key_df: dict[str, int] = {}
        # key → {story row: day of the article that posted it (None: undated)}, least recently updated first
        self.postings: dict[str, dict[int, int | None]] = {}
        self.stories: dict[str, _Story] = {}  # the live stories by id
        self._sids: list[str] = []  # row → story id (merged stories keep their row)
        self._at: list[_Story | None] = []  # row → story, None once merged into another
        self._centroids = _Centroids(self.cfg.centroid_terms)
        self._horizon = self.cfg.join_horizon_days
        self._max_gap = self._viable_gap(self.cfg)
        self._dense = np.zeros(DIM, np.float64)  # scratch: the article's vector, zero between articles
        # story rows, least recently updated first: stories past the join horizon of the newest day seen
        # are packed from the front (the cost per article and the memory stay flat as years accumulate)
        self._recent: dict[int, None] = {}
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

    def centroid(self, story_id: str) -> dict[int, float]:
        """A story's centroid.

        Args:
            story_id (str): a live story's id.
        RETURNS (dict[int, float]): term bucket → summed TF-IDF weight, in the centroid's order.
        """
        hs, vs = self._centroids.terms(self.stories[story_id].row)
        return dict(zip(hs.tolist(), vs.tolist()))

    def posted(self, key: str) -> list[tuple[str, int | None]]:
        """The stories a key's posting list holds, least recently updated first.

        Args:
            key (str): an index key ("a:ID", "p:ID" or "t:BUCKET").
        RETURNS (list[tuple[str, int | None]]): (story id as posted, day of the article that posted it).
        """
        return [(self._sids[r], d) for r, d in self.postings.get(key, {}).items()]

    @staticmethod
    def _viable_gap(cfg: LinkConfig) -> float:
        """The largest gap in days at which a story can still reach the threshold: its best possible
        score, ``text_weight + entity_weight − penalty(gap)``, is at least ``threshold`` (the join
        horizon, for weights summing to 1)."""
        need = cfg.text_weight + cfg.entity_weight - cfg.threshold
        if need < 0:
            return -math.inf  # nothing can ever join (undated stories aside, which get no penalty)
        if cfg.time_weight <= need:
            return math.inf
        return cfg.time_grace_days + cfg.time_scale_days * need / cfg.time_weight

    def _new_story(self, sid: str) -> _Story:
        st = _Story(self._centroids.new_row())
        self._sids.append(sid)
        self._at.append(st)
        self.stories[sid] = st
        return st

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
        # TF-IDF with sublinear term frequency, L2-normalised, over the document frequencies including
        # this article (as ``similarity.tfidf`` after ``Idf.add``).
        counts = f.counts
        n_terms = len(counts)
        hs = np.fromiter(counts.keys(), np.int64, n_terms)
        self.n_docs += 1
        df = self.df
        df[hs] += 1  # the buckets of a Counter are distinct
        vs = (1.0 + np.log(np.fromiter(counts.values(), np.float64, n_terms))) * (
            np.log((1 + self.n_docs) / (1.0 + df[hs])) + 1.0
        )
        if n_terms:
            vs /= math.sqrt(float(vs @ vs))
        top = np.argsort(-vs, kind="stable")[: cfg.salient_terms]  # stable: ties keep the article's order
        salient = [f"t:{h}" for h in hs[top].tolist()]
        ent_keys = [f"a:{x}" for x in sorted(f.actors)] + [f"p:{x}" for x in sorted(f.places)]
        key_df = self.key_df
        for k in ent_keys:
            key_df[k] = key_df.get(k, 0) + 1
        log, n1 = math.log, 1 + self.n_docs
        key_w = {k: log(n1 / (1 + key_df[k])) + 1.0 for k in ent_keys}

        # Candidates through the inverted index only, ranked by rarity-weighted key hits: each entry of
        # an actor/place list adds the key's IDF, each entry of a term list adds 1. Only the newest
        # ``scan_cap`` entries of a list are read; lists hold no entry past the join horizon of their
        # newest one (``_post``).
        # The entries read are gathered into one array (a C loop), resolved through merges, and summed
        # per story in reading order (``_Centroids.hits``): the sums a dict of hits would hold.
        postings = self.postings
        scan = cfg.scan_cap
        cents = self._centroids
        plists, key_ws, lens = [], [], []
        for k, w in chain(key_w.items(), zip(salient, repeat(1.0))):
            plist = postings.get(k)
            if plist:
                plists.append(plist)
                key_ws.append(w)
                lens.append(min(len(plist), scan))
        n_read = sum(lens)
        read = np.fromiter(chain.from_iterable(islice(reversed(p), scan) for p in plists), np.int64, n_read)
        rows, weights = cents.hits(read, np.repeat(key_ws, lens))
        n_hits = len(rows)
        beyond = None  # the story with the most hits when every story found is past the join horizon
        if f.day is not None and n_hits:
            # A story more than ``_max_gap`` days from the article (its best possible score, a perfect
            # text and key match less the time penalty, is under the threshold) can neither take the
            # article nor be merged: it is not a candidate.
            far_gap = self._max_gap
            far = (cents.lo[rows] - f.day > far_gap) | (f.day - cents.hi[rows] > far_gap)  # undated: NaN, not far
            if far.any():
                ok = ~far
                if not ok.any():
                    beyond = int(rows[int(np.argmax(weights))])  # the first read of the most hits
                rows, weights = rows[ok], weights[ok]
        k = cfg.max_candidates
        if len(rows) > k:
            # The most hits; ties in the order first read (as a stable sort by hits would keep them).
            kth = np.partition(weights, len(weights) - k)[len(weights) - k]  # the k-th most hits
            sel = np.flatnonzero(weights >= kth)
            if len(sel) > k:
                sel = sel[np.argsort(-weights[sel], kind="stable")[:k]]
            rows = rows[sel]

        dense = self._dense
        dense[hs] = vs
        try:
            if len(rows):
                ranked = self._score(rows, dense, ent_keys, key_w, f.day)
            elif beyond is not None:  # scored only to tell the analyst why the article starts a story
                ranked = self._score(np.array([beyond]), dense, ent_keys, key_w, f.day)
            else:
                ranked = []

            sid, st, score, reasons, new, merged = self._decide(f, ranked, beyond)
            st.n += 1
            if n_terms:
                self._centroids.add_article(st.row, hs, dense)
        finally:
            dense[hs] = 0.0
        row = st.row
        st.add_day(f.day)
        self._centroids.set_story(row, st)
        st.add_keys(ent_keys)
        self._post(ent_keys, row, f.day)
        self._post(salient, row, f.day)
        self.assigned[f.article_id] = sid
        self._touch(row, f.day)
        return StoryAssignment(f.article_id, sid, round(float(score), 4), tuple(reasons), new, tuple(merged))

    def _decide(
        self, f: ArticleFeatures, ranked: list[tuple[float, int, tuple]], beyond: int | None
    ) -> tuple[str, _Story, float, list[str], bool, list[str]]:
        """Join the best story (merging the others close enough into it) or start a new one.

        Args:
            f (ArticleFeatures): the article.
            ranked (list[tuple[float, int, tuple]]): what ``_score`` returned.
            beyond (int | None): the row of the story with the most hits when all were past the horizon.
        RETURNS (tuple): the story id, the story, the score, the reasons, whether the story is new, and
            the ids of the stories merged into it.
        """
        cfg = self.cfg
        merged: list[str] = []
        sids = self._sids
        if ranked and ranked[0][0] >= cfg.threshold:
            score, row, why = ranked[0]
            sid = sids[row]
            reasons = [f"joined story {sid} (score {score:.2f} ≥ {cfg.threshold:.2f})", *self._explain(why)]
            for s2, other, _ in ranked[1:]:
                if s2 >= cfg.merge_threshold and other != row:
                    self._merge(other, row)
                    merged.append(sids[other])
                    reasons.append(f"merged story {sids[other]} into {sid}: the article scores {s2:.2f} with it too")
            st = self._at[row].unpack()
            new = False
        else:
            sid = f"story-{f.article_id[:12]}"
            if sid in self.stories or sid in self.merged_into:
                sid = f"story-{f.article_id}"
            st = self._new_story(sid)
            row = st.row
            score = ranked[0][0] if ranked else 0.0
            if beyond is not None:
                reasons = [
                    (
                        f"new story: every story sharing its keys is more than {cfg.join_horizon_days:g} days "
                        f"away; the one sharing the most, {sids[beyond]}, scores {score:.2f} < {cfg.threshold:.2f}"
                    ),
                    *self._explain(ranked[0][2]),
                ]
            elif ranked:
                reasons = [
                    f"new story: the best candidate {sids[ranked[0][1]]} scores {score:.2f} < {cfg.threshold:.2f}",
                    *self._explain(ranked[0][2]),
                ]
            else:
                reasons = ["new story: no story shares an actor, a place or a salient term"]
            if f.day is None and "no publication year: no time penalty" not in reasons:
                reasons.append("no publication year: no time penalty")
            new = True
        return sid, st, score, reasons, new, merged

    def _touch(self, row: int, day: int | None) -> None:
        """Mark a story as just updated and pack the stories the feed has left behind."""
        recent = self._recent
        recent.pop(row, None)
        recent[row] = None
        if day is None or (self._newest_day is not None and day <= self._newest_day):
            return
        self._newest_day = day
        oldest = day - self._horizon
        at = self._at
        while recent:
            first = next(iter(recent))
            st = at[first]
            if st is not None:
                if st.day_max is None or st.day_max >= oldest:
                    break
                st.pack()
            del recent[first]

    def _post(self, keys: list[str], row: int, day: int | None) -> None:
        """Post a story under keys: it moves to the end of each list (most recently updated)."""
        postings = self.postings
        cap = self.cfg.posting_cap
        # Entries posted before this day were posted past the join horizon of this article's day.
        oldest = -math.inf if day is None else day - self._horizon
        for key in keys:
            plist = postings.get(key)
            if plist is None:
                postings[key] = {row: day}
                continue
            plist.pop(row, None)
            plist[row] = day
            if len(plist) > cap:
                del plist[next(iter(plist))]
            # Drop the least recently updated entries that are past the horizon (amortised O(1): each
            # entry is removed once; undated entries leave by the cap).
            while plist:
                first = next(iter(plist))
                first_day = plist[first]
                if first_day is None or first_day >= oldest:
                    break
                del plist[first]

    def _score(
        self,
        rows: np.ndarray,
        dense: np.ndarray,
        ent_keys: list[str],
        key_w: dict[str, float],
        day: int | None,
    ) -> list[tuple[float, int, tuple]]:
        """Score the candidate stories: every one that could be the best or be merged, best first.

        The text cosines and time penalties of all candidates are computed at once; the key overlap
        (dict lookups in each story's key counts, the costly part) only for the candidates whose bound,
        the score with a full overlap, reaches the best score so far or ``merge_threshold``; the others
        can be neither the best nor merged, so they are left out (branch and bound: about 3 of 16
        candidates are scored in full on the scale benchmark).

        Args:
            rows (np.ndarray): the candidates' rows (live stories, distinct).
            dense (np.ndarray): the article's unit TF-IDF vector over all buckets.
            ent_keys (list[str]): the article's actor and place keys.
            key_w (dict[str, float]): their rarity weights (IDF).
            day (int | None): the article's day, None when its year is unknown.
        RETURNS (list[tuple[float, int, tuple]]): (score, row, why) by score, then story id, for the
            candidates scored in full; ``why`` feeds ``_explain`` (only the best one's is filled in).
        """
        cfg = self.cfg
        cents = self._centroids
        text = cents.cosines(rows, dense)
        base = cfg.text_weight * text
        if day is not None:
            gap, penalty = cents.penalties(rows, day, cfg)
            base -= penalty
        row_list, base_list = rows.tolist(), base.tolist()
        at, sids = self._at, self._sids
        ew, mix = cfg.entity_weight, cfg.rarity_mix
        kws = [key_w[k] for k in ent_keys]
        total = sum(kws)
        n_keys = len(ent_keys)
        share_full = cfg.key_share_full
        slack = 1e-9  # rounding: a bound this close to the best is scored in full
        best = -math.inf
        scored = []
        for i in sorted(range(len(row_list)), key=base_list.__getitem__, reverse=True):
            b = base_list[i]
            if b + ew < best - slack and b + ew < cfg.merge_threshold - slack:
                break  # the bounds that follow are lower still
            st = at[row_list[i]]
            # A key counts in full when at least ``key_share_full`` of the story's articles carry it,
            # and in proportion below that: a story that once mentioned every big actor and place does
            # not become a match for every article (the mega-story attractor).
            # Half rarity-weighted, half plain: rare keys are stronger evidence, but a story's core
            # actors and places still count when they are common in the store.
            d = st.key_counts()
            full = share_full * st.n
            weighted = plain = 0.0
            for k, w in zip(ent_keys, kws):
                c = d.get(k)
                if c:
                    share = c / full
                    share = min(share, 1.0)
                    weighted += w * share
                    plain += share
            ent = (mix * (weighted / total if total else 0.0) + (1.0 - mix) * plain / n_keys) if n_keys else 0.0
            score = b + ew * ent
            best = max(best, score)
            scored.append((score, i, ent))
        scored.sort(key=lambda x: (-x[0], sids[row_list[x[1]]]))
        score, i, ent = scored[0]
        row = row_list[i]
        st = at[row]
        undated = st.day_min is None
        shared = [k for k in ent_keys if k in st.key_counts()]
        gap_b, pen_b = (int(gap[i]), float(penalty[i])) if day is not None and not undated else (None, 0.0)
        why = (float(text[i]), ent, shared, day is None, undated, gap_b, pen_b)
        return [(s_, row_list[j], why if j == i else ()) for s_, j, _ in scored]

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

    def _merge(self, src: int, dst: int) -> None:
        a, b = self._at[src].unpack(), self._at[dst].unpack()
        src_id, dst_id = self._sids[src], self._sids[dst]
        del self.stories[src_id]
        self._at[src] = None
        self._recent.pop(src, None)
        b.n += a.n
        hs, vs = self._centroids.terms(src)
        self._centroids.add(dst, hs, vs)
        k = b.keys
        for key, c in a.keys.items():
            k[key] = k.get(key, 0) + c
        b.add_day(a.day_min)
        b.add_day(a.day_max)
        self._centroids.set_story(dst, b)
        self.merged_into[src_id] = dst_id  # postings still naming src are resolved lazily
        self._centroids.merge(src, dst)

    # -- persistence -----------------------------------------------------------------------------

    def to_state(self) -> dict:
        """The whole index as JSON-ready data.

        RETURNS (dict): version, config, document frequencies, postings, stories, merges, assignments.
        """
        sids = self._sids
        cents = self._centroids
        nz = np.flatnonzero(self.df)
        return {
            "version": STATE_VERSION,
            "config": {f: getattr(self.cfg, f) for f in LinkConfig.__dataclass_fields__},
            "n_docs": self.n_docs,
            "df": [[h, c] for h, c in zip(nz.tolist(), self.df[nz].tolist())],
            "key_df": dict(self.key_df),
            "postings": {k: [[sids[r], d] for r, d in v.items()] for k, v in self.postings.items()},
            "stories": {
                sid: {
                    "n": s.n,
                    "centroid": [[h, v] for h, v in zip(*(a.tolist() for a in cents.terms(s.row)))],
                    "keys": dict(s.key_items()),
                    "day_min": s.day_min,
                    "day_max": s.day_max,
                }
                for sid, s in self.stories.items()
            },
            "merged_into": dict(self.merged_into),
            "assigned": dict(self.assigned),
            "recent": [sids[r] for r in self._recent],
            "newest_day": self._newest_day,
        }

    @classmethod
    def from_state(cls, state: dict) -> StoryIndex:
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
        idx.n_docs = int(state["n_docs"])
        if state["df"]:
            pairs = np.array(state["df"], np.int64).reshape(-1, 2)
            idx.df[pairs[:, 0]] = pairs[:, 1]
        idx.key_df = {k: int(c) for k, c in state["key_df"].items()}
        row_of: dict[str, int] = {}
        for sid, s in state["stories"].items():
            st = idx._new_story(sid)
            row_of[sid] = st.row
            st.n, st.keys = s["n"], {k: int(c) for k, c in s["keys"].items()}
            st.day_min, st.day_max = s["day_min"], s["day_max"]
            idx._centroids.set_story(st.row, st)
            if s["centroid"]:
                cen = np.array(s["centroid"], np.float64).reshape(-1, 2)
                idx._centroids.add(st.row, cen[:, 0].astype(np.int64), cen[:, 1])
        idx.merged_into = dict(state["merged_into"])
        # Merged stories keep a row of their own, so postings that still name them resolve as before.
        for sid in idx.merged_into:
            row_of[sid] = idx._centroids.new_row()
            idx._sids.append(sid)
            idx._at.append(None)
        for sid in idx.merged_into:
            heir = idx.resolve(sid)
            if heir in idx.stories:
                idx._centroids.redir[row_of[sid]] = row_of[heir]
        idx.postings = {
            k: {row_of[sid]: d for sid, d in v if sid in row_of} for k, v in state["postings"].items()
        }
        idx.assigned = dict(state["assigned"])
        idx._recent = dict.fromkeys(row_of[sid] for sid in state["recent"] if sid in idx.stories)
        idx._newest_day = state["newest_day"]
        for st in idx.stories.values():
            if st.row not in idx._recent:
                st.pack()
        return idx

    @classmethod
    def rebuild(cls, analyses, *, cfg: LinkConfig | None = None) -> tuple[StoryIndex, list[StoryAssignment]]:
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
