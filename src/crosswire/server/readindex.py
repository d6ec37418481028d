"""The server's read index: the list endpoints (articles, events, stories, actors) answered from memory.

Why: on the 2 cores the server is measured on, 50 concurrent clients leave about 2 ms of CPU per
request, and DuckDB needs 0.2 ms for ``SELECT 1``, 1.4 ms to look up one article's events by its
index, 6-25 ms to sort the 100,000 articles or 1.35 million events for one page, and 10 ms to
fetch 50 events by row id. So the lists are answered from columns held in memory (``columns``): the
filters the web page and the API use most (outlet, type, actor, place, story, article, language,
dates, sizes) are evaluated on integer codes, the page is read from a permutation sorted once per
sort key and order, and the rows are encoded from the columns. Full-text filters (``q`` on
articles and events; ``q`` and ``place`` on stories) are not held here: their pages are found by
SQL and their rows taken from here. Actors: see ``actorindex``.

The index is built from the store at startup (``build``) and brought up to date by each write, in
the same order as the writes (``apply``: new articles and events are inserted into the sorted
permutations by binary search; the stories a write changed are read again). Each change makes a new
``Snapshot``; a request reads the one current when it starts, so it never sees half a write.

Memory at 100,000 articles (1.35 million events): the sort permutations (4 bytes per row, per sort
key and order) and the filter columns take about 100 MB; the events' text columns are dictionary-
encoded, so their size depends on how often their values repeat (``Text`` keeps the columns whose
values are mostly distinct, such as evidence sentences, as Arrow strings: about 250 bytes an event).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from ..serialize import to_jsonable
from ..store import Store
from . import queries
from .actorindex import Actors, actor_rows, add_actors, load_actors, sort_actors
from .columns import (
    Builder,
    Codes,
    Column,
    Num,
    Query,
    SortKey,
    Values,
    code_dtype,
    first_matches,
    insert_rows,
    inverse_of,
    rows_of,
    sort_rows,
)

logger = logging.getLogger(__name__)


class NeedsQuery(Exception):
    """A filter needs DuckDB (its value was never looked up): answer the page in a worker thread."""


def page_body(total: int, limit: int, offset: int, items: list[bytes]) -> bytes:
    """RETURNS (bytes): the JSON body of one page of a list (``_Page`` in ``schemas``)."""
    return b'{"ok":true,"total":%d,"limit":%d,"offset":%d,"items":[%b]}' % (total, limit, offset, b",".join(items))


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


#: The event columns held (the columns of ``queries._EVENT_COLUMNS`` that are the event's own).
#: Those the filters and sorts read are always dictionary-encoded (``FILTERED``); the others only when
#: their values repeat (see ``ReadIndex``).
EVENT_TEXT_COLUMNS = (
    "event_id", "acled_type", "acled_subtype", "plover_root", "plover_mode", "actor_id", "actor_name", "target_id",
    "target_name", "place_id", "place_name", "country", "admin1", "place_precision", "date_precision", "date_text",
    "modality", "claim_kind", "claimant", "claim_chain", "trigger", "evidence",
)  # fmt: skip
EVENT_NUMBER_COLUMNS = ("lat", "lon", "fatalities", "confidence")
FILTERED = frozenset({
    "acled_type", "acled_subtype", "plover_root", "actor_id", "target_id", "actor_name", "target_name", "place_id",
    "place_name", "admin1", "country",
})  # fmt: skip

#: The fields of an event's row (``EventRow``, in its order) and the column each comes from:
#: "@x" is the article's column x, "=x" one of the event table's own below.
EVENT_ROW = (
    ("article_id", "=article"), ("event_id", "event_id"), ("outlet", "@outlet"), ("published", "@pub"),
    ("acled_type", "acled_type"), ("acled_subtype", "acled_subtype"), ("plover_root", "plover_root"),
    ("plover_mode", "plover_mode"), ("actor_id", "actor_id"), ("actor", "actor_name"), ("target_id", "target_id"),
    ("target", "target_name"), ("place_id", "place_id"), ("place", "place_name"), ("country", "country"),
    ("admin1", "admin1"), ("lat", "lat"), ("lon", "lon"), ("place_precision", "place_precision"), ("date", "=date"),
    ("date_precision", "date_precision"), ("date_text", "date_text"), ("modality", "modality"),
    ("claim_kind", "claim_kind"), ("claimant", "claimant"), ("claim_chain", "claim_chain"),
    ("fatalities", "fatalities"), ("trigger", "trigger"), ("evidence", "evidence"), ("confidence", "confidence"),
    ("reliable", "reliable"),
)  # fmt: skip

_ARTICLE_SQL = f"""
    SELECT a.id, a.outlet, a.title, a.published_year AS y, a.published_month AS m, a.published_day AS d,
           a.published_precision AS precision, a.language, a.url, sa.story_id, {queries._PUB_KEY} AS pub,
           epoch_us(a.ingested_at) AS ingested
    FROM articles a LEFT JOIN story_assignments sa ON sa.article_id = a.id
    {{where}}
"""
_EVENT_SQL = f"""
    SELECT e.article_id, e.idx, e.date_year AS y, e.date_month AS m, e.date_day AS d, {queries._EVENT_DATE} AS date,
           e.reliable, {", ".join("e." + c for c in EVENT_TEXT_COLUMNS + EVENT_NUMBER_COLUMNS)}
    FROM events e {{where}}
"""  # not ordered: DuckDB keeps the memory of a sort this wide long after it (about 500 MB here)


def _arrow(store: Store, sql: str, params: list | None = None) -> pa.Table:
    # Arrow straight from DuckDB: the columns are encoded in C, not made into Python tuples first.
    return store.arrow(sql, params)


# -- the snapshot -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Articles:
    """The article list's columns; row = code in ``id.values`` (the article ids)."""

    id: Codes
    outlet: Codes
    language: Codes
    story: Codes  # its values are the story ids, shared with ``Stories.id``
    pub: Codes  # the publication date key of the SQL (``queries._PUB_KEY``)
    title: Codes
    year: Num
    month: Num
    day: Num
    ingested: Num
    rows: list[bytes]  # each article's list row, encoded
    events_start: np.ndarray  # its events are Events.by_article[events_start : events_start + events_count]
    events_count: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class Events:
    """The event list's columns (rows in the order the store gave them)."""

    article: Codes  # codes = article rows, values = the article ids
    by_article: np.ndarray  # the rows ordered by article row, then idx (see Articles.events_start)
    idx: Num
    outlet: Codes  # the article's outlet (the same codes as ``Articles.outlet``)
    date: Codes  # the date key of the SQL (``queries._EVENT_DATE``)
    year: Num
    month: Num
    day: Num
    reliable: Codes
    columns: dict[str, Column]  # EVENT_TEXT_COLUMNS and EVENT_NUMBER_COLUMNS

    def __len__(self) -> int:
        return len(self.idx.data)


@dataclass(frozen=True, slots=True)
class Stories:
    """The story list's columns; row = code in ``id.values`` (shared with ``Articles.story``), stories
    merged away (and the code of "no story") are not ``alive``."""

    id: Codes
    alive: np.ndarray
    articles: Num
    outlets: Num  # how many distinct outlets
    first: Num  # date ordinals
    last: Num
    first_iso: np.ndarray  # 'YYYY-MM-DD' ('' when unknown), compared as strings like the SQL's strftime
    last_iso: np.ndarray
    rows: list[bytes | None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The index at one moment: every column and the sorted permutations made from them."""

    articles: Articles
    events: Events
    stories: Stories
    actors: Actors | None  # None: the actor list is left to SQL (see actorindex)
    perms: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)
    inverse: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)  # of the events' perms


def _sort_keys(snap: Snapshot, kind: str, sort: str, order: str) -> list[SortKey]:
    """The ``ORDER BY`` of ``queries`` (ARTICLE_SORTS, EVENT_SORTS, STORY_SORTS) as sort keys."""
    desc = order == "desc"
    if kind == "articles":
        a = snap.articles
        first = {
            "published": [SortKey(a.year, desc), SortKey(a.month, desc), SortKey(a.day, desc)],
            "ingested": [SortKey(a.ingested, desc)],
            "outlet": [SortKey(a.outlet, desc)],
            "title": [SortKey(a.title, desc)],
        }[sort]
        return [*first, SortKey(a.id)]
    if kind == "events":
        e = snap.events
        first = {
            "date": [SortKey(e.year, desc), SortKey(e.month, desc), SortKey(e.day, desc)],
            "confidence": [SortKey(e.columns["confidence"], desc)],  # type: ignore[arg-type]
            "outlet": [SortKey(e.outlet, desc)],
            "type": [SortKey(e.columns["acled_type"], desc), SortKey(e.columns["acled_subtype"], desc)],  # type: ignore[arg-type]
        }[sort]
        return [*first, SortKey(e.article), SortKey(e.idx)]
    s = snap.stories
    first = {
        "articles": [SortKey(s.articles, desc)],
        "first_seen": [SortKey(s.first, desc)],
        "last_seen": [SortKey(s.last, desc)],
        "outlets": [SortKey(s.outlets, desc), SortKey(s.articles, True)],
    }[sort]
    return [*first, SortKey(s.id)]


SORTS = {
    "articles": tuple(queries.ARTICLE_SORTS),
    "events": tuple(queries.EVENT_SORTS),
    "stories": tuple(queries.STORY_SORTS),
}


def _inverses(perms: dict[tuple[str, str, str], np.ndarray], n_events: int) -> dict[tuple[str, str, str], np.ndarray]:
    # Only the events': their filters may match few rows far down a list of millions (first_matches).
    places = np.arange(n_events, dtype=np.int32)
    return {key: inverse_of(perm, n_events, places=places) for key, perm in perms.items() if key[0] == "events"}


def _perms(snap: Snapshot, kinds: Iterable[str]) -> dict[tuple[str, str, str], np.ndarray]:
    out = {}
    for kind in kinds:
        rows = np.flatnonzero(snap.stories.alive) if kind == "stories" else None
        for sort in SORTS[kind]:
            for order in ("asc", "desc"):
                out[(kind, sort, order)] = sort_rows(_sort_keys(snap, kind, sort, order), rows)
    return out


# -- loading ------------------------------------------------------------------------------------


def _article_rows(table: pa.Table, events: np.ndarray) -> list[bytes]:
    """RETURNS (list[bytes]): the ``ArticleRow`` JSON of each article of ``table`` (rows of ``_ARTICLE_SQL``)."""
    c = {name: table[name].to_pylist() for name in ("id", "outlet", "title", "y", "m", "d", "precision", "language", "url", "story_id")}
    iso = queries._iso
    # fmt: off
    return [
        _encode({
            "id": c["id"][i], "outlet": c["outlet"][i], "title": c["title"][i], "published": iso(c["y"][i], c["m"][i], c["d"][i]),
            "precision": c["precision"][i], "language": c["language"][i], "url": c["url"][i], "story_id": c["story_id"][i],
            "events": int(events[i]),
        })
        for i in range(table.num_rows)
    ]
    # fmt: on


assert list(queries.ArticleRow.__dataclass_fields__) == [
    "id", "outlet", "title", "published", "precision", "language", "url", "story_id", "events",
]  # the keys of _article_rows  # fmt: skip


def _load_events(store: Store, article_ids: Values, text_share: float) -> Events:
    """Every stored event's columns, read in batches (the rows of ``_EVENT_SQL``). Text columns whose
    values are mostly distinct (above ``text_share`` of the rows) are kept as ``Text``."""
    plain = [c for c in EVENT_TEXT_COLUMNS if c not in FILTERED]
    counts = store.query(
        f"SELECT count(*), {', '.join(f'approx_count_distinct({c})' for c in plain)} FROM events"
    )[0]  # fmt: skip
    n = counts[0]
    text = {c for c, d in zip(plain, counts[1:], strict=True) if n and d > text_share * n}
    builders: dict[str, Builder] = {
        **{c: Builder("text" if c in text else "codes") for c in EVENT_TEXT_COLUMNS},
        **{c: Builder("num") for c in EVENT_NUMBER_COLUMNS},
        "idx": Builder("num", dtype=np.int32), "y": Builder("num", dtype=np.int32), "m": Builder("num", dtype=np.int32),
        "d": Builder("num", dtype=np.int32), "date": Builder("codes"), "reliable": Builder("codes"),
    }  # fmt: skip
    article: list[np.ndarray] = []
    # Events of an article that is not stored (none in a consistent store) are left out, as the
    # SQL's join with the articles leaves them out.
    where = "WHERE e.article_id IN (SELECT id FROM articles)"
    reader = store.arrow_batches(_EVENT_SQL.format(where=where), _BATCH)
    for batch in reader:
        article.append(rows_of(batch.column("article_id"), article_ids).astype(np.int32))
        for name, b in builders.items():
            b.add(batch.column(name))
    cols = {name: b.finish() for name, b in builders.items()}
    codes = np.concatenate(article) if article else np.zeros(0, dtype=np.int32)
    return Events(
        article=Codes(codes, article_ids), by_article=np.lexsort((cols["idx"].data, codes)).astype(np.int32),  # type: ignore[union-attr]
        idx=cols["idx"], outlet=Codes(np.zeros(0, np.int8), Values()),
        date=cols["date"], year=cols["y"], month=cols["m"], day=cols["d"], reliable=cols["reliable"],
        columns={c: cols[c] for c in EVENT_TEXT_COLUMNS + EVENT_NUMBER_COLUMNS},
    )  # type: ignore[arg-type]


_BATCH = 100_000


def _story_arrays(ids: Values, rows: dict[str, queries.StoryRow], base: Stories | None) -> Stories:
    """The story columns for the stories in ``ids``: those in ``rows`` are (re)made, the others kept
    from ``base`` (or dead when ``base`` is None or lacks them)."""
    n = len(ids)
    old = 0 if base is None else len(base.alive)

    def grow(arr: np.ndarray, fill) -> np.ndarray:
        out = np.full(n, fill, dtype=arr.dtype) if arr.dtype.kind != "U" else np.full(n, fill, dtype="<U10")
        out[: min(old, n)] = arr[: min(old, n)]
        return out

    if base is None:
        empty_i, empty_b, empty_s = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), np.zeros(0, dtype="<U10")
        alive, count, outlets = empty_b, empty_i, empty_i
        first, first_null, last, last_null = empty_i, empty_b, empty_i, empty_b
        first_iso, last_iso, encoded = empty_s, empty_s, []
    else:
        alive, count, outlets = base.alive, base.articles.data, base.outlets.data
        first, first_null, last, last_null = base.first.data, base.first.null, base.last.data, base.last.null
        first_iso, last_iso, encoded = base.first_iso, base.last_iso, base.rows
    alive, count, outlets = grow(alive, False), grow(count, 0), grow(outlets, 0)
    first, first_null, last, last_null = grow(first, 0), grow(first_null, True), grow(last, 0), grow(last_null, True)
    first_iso, last_iso = grow(first_iso, ""), grow(last_iso, "")
    encoded = list(encoded[:n]) + [None] * max(0, n - len(encoded))
    for sid, row in rows.items():
        c = ids.code[sid]
        alive[c] = True
        count[c], outlets[c] = row.articles, len(row.outlets)
        for arr, null, iso, d in ((first, first_null, first_iso, row.first_seen), (last, last_null, last_iso, row.last_seen)):
            null[c] = d is None
            arr[c] = d.toordinal() if isinstance(d, date) else 0
            iso[c] = d.isoformat() if isinstance(d, date) else ""
        encoded[c] = _encode(to_jsonable(row))
    return Stories(
        Codes(np.arange(n, dtype=np.int64).astype(np.int32), ids), alive, Num(count, np.zeros(n, dtype=bool)),
        Num(outlets, np.zeros(n, dtype=bool)), Num(first, first_null), Num(last, last_null), first_iso, last_iso, encoded,
    )  # fmt: skip


def _unnest(ids: Iterable[str]) -> tuple[str, list]:
    return "(SELECT unnest(?::VARCHAR[]))", [sorted(ids)]


# -- the index ------------------------------------------------------------------------------------


class ReadIndex:
    """The list endpoints' index; see the module docstring.

    Args:
        text_share (float): event text columns with more distinct values than this share of the rows are
            kept as plain strings (``Text``) rather than dictionary-encoded.
    """

    def __init__(self, *, text_share: float = 0.3) -> None:
        self._snap: Snapshot | None = None
        self._text_share = text_share
        self._lock = threading.Lock()  # held while the index is built or changed

    @property
    def ready(self) -> bool:
        """RETURNS (bool): whether the index is built (until then, lists are answered by SQL)."""
        return self._snap is not None

    def snapshot(self) -> Snapshot | None:
        """RETURNS (Snapshot | None): the current snapshot (None before the first build)."""
        return self._snap

    def clear(self) -> None:
        """Forget the index (lists are answered by SQL until the next ``build``)."""
        self._snap = None

    # -- building and writes --------------------------------------------------------------------

    def build(self, store: Store) -> Snapshot:
        """Read every article, event and story from the store and make the index.

        The caller keeps writes out meanwhile (``ServerState`` holds its write lock).

        Args:
            store (Store): a reader's store.
        RETURNS (Snapshot): the new snapshot (now current).
        """
        with self._lock:
            at = _arrow(store, _ARTICLE_SQL.format(where=""))
            ids = Values(at["id"].to_pylist())
            events = _load_events(store, ids, self._text_share)
            counts = np.bincount(events.article.codes, minlength=len(ids)).astype(np.int64)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
            story_ids = Values()
            articles = Articles(
                id=Codes(np.arange(len(ids)).astype(code_dtype(len(ids))), ids),
                outlet=Codes.encode(at["outlet"]), language=Codes.encode(at["language"]),
                story=Codes.encode(at["story_id"], story_ids), pub=Codes.encode(at["pub"]),
                title=Codes.encode(at["title"]), year=Num.of(at["y"], np.int32), month=Num.of(at["m"], np.int32),
                day=Num.of(at["d"], np.int32), ingested=Num.of(at["ingested"], np.int64),
                rows=_article_rows(at, counts), events_start=starts, events_count=counts,
            )  # fmt: skip
            events = replace(events, outlet=Codes(articles.outlet.codes.take(events.article.codes), articles.outlet.values))
            made = queries.story_rows(store, None)
            for sid in sorted(made):
                story_ids.add(sid)
            stories = _story_arrays(story_ids, made, None)
            snap = Snapshot(articles, events, stories, load_actors(store, ids))
            perms = _perms(snap, SORTS)
            snap = replace(snap, perms=perms, inverse=_inverses(perms, len(events)))
            self._snap = snap
        pa.default_memory_pool().release_unused()  # the batches read: give the memory back
        logger.info("read index: %d articles, %d events, %d stories", len(articles), len(events), int(stories.alive.sum()))
        return snap

    def apply(self, store: Store, new_ids: Iterable[str], changed_stories: Iterable[str]) -> Snapshot | None:
        """Bring the index up to date after a write: add its new articles and their events, and read
        again the stories it changed (their rows, and the story of each of their articles).

        Args:
            store (Store): a reader's store (the write is committed).
            new_ids (Iterable[str]): the articles the write stored.
            changed_stories (Iterable[str]): the stories that gained articles or were merged away.
        RETURNS (Snapshot | None): the new snapshot (None when the index is not built).
        """
        with self._lock:
            snap = self._snap
            if snap is None:
                return None
            new_ids = sorted(set(new_ids) - set(snap.articles.id.values.code))
            changed = sorted(set(changed_stories))
            articles, events, stories, actors = snap.articles, snap.events, snap.stories, snap.actors
            perms = dict(snap.perms)
            if new_ids:
                articles, events = self._add_articles(store, snap, new_ids)
                added_ids = articles.id.values.values[len(snap.articles) : len(articles)]
                actors = add_actors(store, actors, added_ids, len(snap.articles)) if actors is not None else None
            if changed:
                sub, params = _unnest(changed)
                members = store.query(f"SELECT article_id, story_id FROM story_assignments WHERE story_id IN {sub}", params)
                known = [(articles.id.values.code[a], s) for a, s in members if a in articles.id.values.code]
                if known:
                    rows = np.asarray([r for r, _ in known], dtype=np.int64)
                    moved = [r for r, s in known if articles.story.values.values[articles.story.codes[r]] != s]
                    articles = replace(articles, story=articles.story.update(rows, [s for _, s in known]))
                    if moved:
                        encoded = list(articles.rows)
                        for r in moved:
                            row = json.loads(encoded[r])
                            row["story_id"] = articles.story.values.values[articles.story.codes[r]]
                            encoded[r] = _encode(row)
                        articles = replace(articles, rows=encoded)
            if new_ids or changed:
                ids = articles.story.values
                touched = set(changed) | {articles.story.values.values[c] for c in articles.story.codes[len(snap.articles):].tolist()}
                touched.discard(None)
                fresh = queries.story_rows(store, sorted(touched)) if touched else {}
                stories = _story_arrays(ids, fresh, stories)
                for sid in touched - set(fresh):  # merged away
                    stories.alive[ids.code[sid]] = False
            out = Snapshot(articles, events, stories, actors, perms)
            added = range(len(snap.articles), len(articles))
            added_events = range(len(snap.events), len(events))
            for (kind, sort, order), perm in snap.perms.items():
                keys = _sort_keys(out, kind, sort, order)
                if kind == "articles" and added:
                    perms[(kind, sort, order)] = insert_rows(perm, added, keys)
                elif kind == "events" and added_events:
                    perms[(kind, sort, order)] = insert_rows(perm, added_events, keys)
                elif kind == "stories":
                    perms[(kind, sort, order)] = sort_rows(keys, np.flatnonzero(stories.alive))
            out = replace(out, inverse=_inverses(perms, len(events)) if added_events else snap.inverse)
            self._snap = out
            return out

    def _add_articles(self, store: Store, snap: Snapshot, new_ids: list[str]) -> tuple[Articles, Events]:
        sub, params = _unnest(new_ids)
        at = _arrow(store, _ARTICLE_SQL.format(where=f"WHERE a.id IN {sub}"), params)
        ev = _arrow(store, _EVENT_SQL.format(where=f"WHERE e.article_id IN {sub}"), params)
        a, e = snap.articles, snap.events
        first_new = len(a)
        ids = at["id"].to_pylist()
        id_codes = a.id.append(ids)  # adds the ids to the shared values: their codes are their rows
        art = np.asarray([a.id.values.code[x] for x in ev["article_id"].to_pylist()], dtype=np.int64)
        counts = np.bincount(art - first_new, minlength=len(ids)).astype(np.int64) if len(art) else np.zeros(len(ids), np.int64)
        starts = len(e) + np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        grouped = len(e) + np.lexsort((np.asarray(ev["idx"].to_pylist(), dtype=np.int64), art)).astype(np.int32)
        col = lambda name: at[name].to_pylist()
        articles = Articles(
            id=id_codes, outlet=a.outlet.append(col("outlet")), language=a.language.append(col("language")),
            story=a.story.append(col("story_id")), pub=a.pub.append(col("pub")), title=a.title.append(col("title")),
            year=a.year.append(col("y")), month=a.month.append(col("m")), day=a.day.append(col("d")),
            ingested=a.ingested.append(col("ingested")), rows=[*a.rows, *_article_rows(at, counts)],
            events_start=np.concatenate([a.events_start, starts]), events_count=np.concatenate([a.events_count, counts]),
        )  # fmt: skip
        evc = lambda name: ev[name].to_pylist()
        columns = {name: c.append(evc(name)) for name, c in e.columns.items()}
        events = Events(
            article=Codes(np.concatenate([e.article.codes.astype(np.int32), art.astype(np.int32)]), a.id.values),
            by_article=np.concatenate([e.by_article, grouped]),
            idx=e.idx.append(evc("idx")),
            outlet=Codes(articles.outlet.codes.take(np.concatenate([e.article.codes, art]).astype(np.int64)), articles.outlet.values),
            date=e.date.append(evc("date")), year=e.year.append(evc("y")), month=e.month.append(evc("m")),
            day=e.day.append(evc("d")), reliable=e.reliable.append(evc("reliable")), columns=columns,
        )  # fmt: skip
        return articles, events

    # -- pages ----------------------------------------------------------------------------------

    def page(self, kind: str, filters: dict[str, Any], limit: int, offset: int, query: Query | None) -> bytes | None:
        """One page of a list from the index.

        Args:
            kind (str): "articles", "events", "stories" or "actors".
            filters (dict[str, Any]): the list function's filters, with ``sort`` and ``order``.
            limit (int): the page size.
            offset (int): rows to skip.
            query (Query | None): runs SQL (to find which values pass a text filter the first time);
                None on the event loop.
        RETURNS (bytes | None): the response body; None when the index is not built or a filter is one
            it does not hold (the caller asks SQL).
        Raises:
            NeedsQuery: when ``query`` is None and a filter needs it.
        """
        snap = self._snap
        if snap is None:
            return None
        run = query or _no_query
        if kind == "actors":
            return _actor_page(snap, filters, limit, offset, run)
        try:
            mask = _MASKS[kind](snap, dict(filters), run)
        except _NoRows:
            return page_body(0, limit, offset, [])
        if mask is _UNSUPPORTED:
            return None
        key = (kind, filters.get("sort") or SORTS[kind][0], filters.get("order") or "desc")
        total, rows = first_matches(snap.perms[key], mask, offset, limit, inverse=snap.inverse.get(key))
        return page_body(total, limit, offset, _ENCODERS[kind](snap, rows))

    def rows(self, kind: str, keys: list) -> dict[Any, bytes]:
        """The encoded rows of these keys (article ids, (article id, idx) of events, story ids) that the
        index holds; for pages whose keys SQL found.

        RETURNS (dict[Any, bytes]): by key (keys the index does not hold are left out).
        """
        snap = self._snap
        if snap is None or not keys:
            return {}
        if kind == "articles":
            code = snap.articles.id.values.code
            return {k: snap.articles.rows[code[k]] for k in keys if k in code and code[k] < len(snap.articles)}
        if kind == "stories":
            code, s = snap.stories.id.values.code, snap.stories
            return {k: s.rows[code[k]] for k in keys if k in code and code[k] < len(s.alive) and s.alive[code[k]]}
        code, a, e = snap.articles.id.values.code, snap.articles, snap.events
        found: dict[Any, int] = {}
        for aid, idx in keys:
            r = code.get(aid)
            if r is None or r >= len(a):
                continue
            start, n = int(a.events_start[r]), int(a.events_count[r])
            mine = e.by_article[start : start + n]
            at = int(np.searchsorted(e.idx.data[mine], idx))
            if at < n and e.idx.data[mine[at]] == idx:
                found[(aid, idx)] = int(mine[at])
        encoded = _encode_events(snap, np.asarray(list(found.values()), dtype=np.int64))
        return dict(zip(found, encoded, strict=True))


def _no_query(sql: str, params: list) -> list[tuple]:
    raise NeedsQuery(sql)


_UNSUPPORTED = np.zeros(0, dtype=bool)  # a sentinel: a filter the index does not hold


class _NoRows(Exception):
    """A filter no row passes (the page is empty; its rows need not be looked at)."""


def _and(mask: np.ndarray | None, other: np.ndarray | None) -> np.ndarray:
    """RETURNS (np.ndarray): ``mask`` (None: all rows) and ``other`` (None: no row)."""
    if other is None:
        raise _NoRows
    return other if mask is None else mask & other


def _article_mask(snap: Snapshot, f: dict, run: Query) -> np.ndarray | None:
    if f.get("q") is not None:
        return _UNSUPPORTED
    a, mask = snap.articles, None
    if f.get("outlet") is not None:
        mask = _and(mask, a.outlet.where("ieq", f["outlet"], run))
    if f.get("language") is not None:
        mask = _and(mask, a.language.where("eq", f["language"], run))
    if f.get("story") is not None:
        mask = _and(mask, a.story.where("eq", f["story"], run))
    if f.get("since") is not None:
        mask = _and(mask, a.pub.where("ge", f["since"], run))
    if f.get("until") is not None:
        mask = _and(mask, a.pub.where("le", f["until"] + "-99", run))
    return mask


def _rows_of_articles(snap: Snapshot, rows: np.ndarray) -> np.ndarray:
    """RETURNS (np.ndarray): the mask of the events of these article rows."""
    a, by_article = snap.articles, snap.events.by_article
    mask = np.zeros(len(snap.events), dtype=bool)
    for r in rows.tolist():
        start = int(a.events_start[r])
        mask[by_article[start : start + int(a.events_count[r])]] = True
    return mask


def _event_mask(snap: Snapshot, f: dict, run: Query) -> np.ndarray | None:
    if f.get("q") is not None:
        return _UNSUPPORTED
    e, c, mask = snap.events, snap.events.columns, None

    def any_of(term: str, *tests: tuple[str, str]) -> np.ndarray | None:
        out = None
        for name, op in tests:
            col = c[name]
            assert isinstance(col, Codes)  # FILTERED columns are always dictionary-encoded
            found = col.where(op, term, run)
            if found is not None:
                out = found if out is None else out | found
        return out

    if (term := f.get("event_type")) is not None:
        mask = _and(mask, any_of(term, ("acled_type", "ieq"), ("acled_subtype", "ieq"), ("plover_root", "ieq")))
    if (term := f.get("actor")) is not None:
        mask = _and(mask, any_of(term, ("actor_id", "ieq"), ("target_id", "ieq"), ("actor_name", "has"), ("target_name", "has")))
    if (term := f.get("place")) is not None:
        mask = _and(mask, any_of(term, ("place_id", "eq"), ("place_name", "ahas"), ("admin1", "ahas"), ("country", "ieq")))
    if f.get("outlet") is not None:
        mask = _and(mask, e.outlet.where("ieq", f["outlet"], run))
    if f.get("story") is not None:
        in_story = _and(None, snap.articles.story.where("eq", f["story"], run))
        mask = _and(mask, _rows_of_articles(snap, np.flatnonzero(in_story)))
    if f.get("article") is not None:
        row = snap.articles.id.values.code.get(f["article"])
        if row is None or row >= len(snap.articles):
            raise _NoRows
        mask = _and(mask, _rows_of_articles(snap, np.asarray([row], dtype=np.int64)))
    if f.get("since") is not None:
        mask = _and(mask, e.date.where("ge", f["since"], run))
    if f.get("until") is not None:
        mask = _and(mask, e.date.where("le", f["until"] + "-99", run))
    return mask


def _story_mask(snap: Snapshot, f: dict, run: Query) -> np.ndarray | None:
    if f.get("q") is not None or f.get("place") is not None:
        return _UNSUPPORTED
    s, mask = snap.stories, None
    if f.get("outlet") is not None:
        a = snap.articles
        of = np.zeros(len(s.alive), dtype=bool)
        of[a.story.codes[_and(None, a.outlet.where("ieq", f["outlet"], run))].astype(np.int64)] = True
        mask = _and(mask, of)
    if (f.get("min_articles") or 1) > 1:
        mask = _and(mask, s.articles.data >= f["min_articles"])
    if f.get("since") is not None:
        mask = _and(mask, ~s.last.null & (s.last_iso >= f["since"]))
    if f.get("until") is not None:
        mask = _and(mask, ~s.first.null & (s.first_iso <= f["until"] + "-99"))
    return None if mask is None else mask & s.alive


def _actor_page(snap: Snapshot, f: dict, limit: int, offset: int, run: Query) -> bytes | None:
    if snap.actors is None:
        return None
    story = None
    try:
        if f.get("story") is not None:
            story = np.flatnonzero(_and(None, snap.articles.story.where("eq", f["story"], run)))
    except _NoRows:
        return page_body(0, limit, offset, [])
    a = snap.actors
    rows, mentions, articles = actor_rows(a, f, story, run)
    page = sort_actors(a, rows, mentions, articles, f.get("sort") or "mentions", f.get("order") or "desc")[offset : offset + limit]
    get = lambda col: col.get(page)
    items = [
        _encode({"id": i, "name": n, "type": t, "country": c, "mentions": int(m), "articles": int(k)})
        for i, n, t, c, m, k in zip(get(a.id), get(a.name), get(a.type), get(a.country), mentions[page], articles[page], strict=True)
    ]  # fmt: skip
    return page_body(len(rows), limit, offset, items)


assert list(queries.ActorRow.__dataclass_fields__) == ["id", "name", "type", "country", "mentions", "articles"]


def _encode_articles(snap: Snapshot, rows: np.ndarray) -> list[bytes]:
    encoded = snap.articles.rows
    return [encoded[r] for r in rows.tolist()]


def _encode_stories(snap: Snapshot, rows: np.ndarray) -> list[bytes]:
    encoded = snap.stories.rows
    return [encoded[r] for r in rows.tolist()]  # type: ignore[misc]


_PREFIXES = [b'"%s":' % name.encode() for name, _ in EVENT_ROW]


def _encode_events(snap: Snapshot, rows: np.ndarray) -> list[bytes]:
    """RETURNS (list[bytes]): the ``EventRow`` JSON of these event rows, made from the columns."""
    if len(rows) == 0:
        return []
    a, e = snap.articles, snap.events
    arts = e.article.codes[rows].astype(np.int64)
    parts: list[list[bytes]] = []
    for (_, source), prefix in zip(EVENT_ROW, _PREFIXES, strict=True):
        if source == "=article":
            parts.append(e.article.json(rows, prefix))
        elif source == "=date":
            parts.append(e.date.json(rows, prefix))
        elif source == "@outlet":
            parts.append(a.outlet.json(arts, prefix))
        elif source == "@pub":
            parts.append(a.pub.json(arts, prefix))
        elif source == "reliable":
            parts.append(e.reliable.json(rows, prefix))
        else:
            parts.append(e.columns[source].json(rows, prefix))
    return [b"{" + b",".join(values) + b"}" for values in zip(*parts, strict=True)]


_MASKS: dict[str, Callable[[Snapshot, dict, Query], np.ndarray | None]] = {
    "articles": _article_mask,
    "events": _event_mask,
    "stories": _story_mask,
}
_ENCODERS: dict[str, Callable[[Snapshot, np.ndarray], list[bytes]]] = {
    "articles": _encode_articles,
    "events": _encode_events,
    "stories": _encode_stories,
}
