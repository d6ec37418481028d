"""What one server process holds: the store's connection, reader cursors, the one writer and a
cache of built stories. It lives on ``app.state`` (made by ``create_app``), never at module level.

Concurrency: DuckDB has one writer. Every write goes through ``Writer.ingest``, which holds one lock
for the whole analyse-link-write step, so two POSTs never interleave and the story index stays
consistent. Readers take a cursor of their own per thread; DuckDB gives each a consistent snapshot,
so reads run while a write is in progress.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import StoreError
from ..linking import build_story
from ..model import Analysis, RawArticle, Rejection, Story, StoryAssignment
from ..pipeline import run
from ..resources import Resources
from ..serialize import to_jsonable
from ..store import Store
from . import queries
from .settings import ServerSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What one POST did: each input's analysis or rejection, and the story each new article joined."""

    analyses: tuple[Analysis, ...]
    new_ids: frozenset[str]
    assignments: dict[str, str]  # article id → story id (new and earlier articles alike)
    rejections: tuple[Rejection, ...]
    changed_stories: frozenset[str] = frozenset()  # stories that gained articles or were merged away


@dataclass(frozen=True, slots=True)
class BuiltStory:
    """A story with its analyses and (when the framing module is installed) its framing comparison."""

    story: Story
    analyses: tuple[Analysis, ...]
    framing: Any | None


def _framing_comparer() -> Callable | None:
    """``crosswire.framing.compare.compare_story`` when that module exists, else None."""
    try:
        from ..framing.compare import compare_story
    except ImportError:
        return None
    return compare_story


@dataclass(frozen=True, slots=True)
class _Window:
    """The first rows of one filtered, sorted list, each encoded as JSON, made at ``generation``."""

    generation: int
    total: int
    rows: list[bytes]
    complete: bool  # the rows are the whole list

    def page(self, limit: int, offset: int, *, offset_shown: int | None = None) -> bytes:
        """RETURNS (bytes): the body of the page of ``limit`` rows from ``offset`` of these rows."""
        shown = offset if offset_shown is None else offset_shown
        return _page(self.total, limit, shown, self.rows[offset : offset + limit])


def _page(total: int, limit: int, offset: int, items: list[bytes]) -> bytes:
    return b'{"ok":true,"total":%d,"limit":%d,"offset":%d,"items":[%b]}' % (total, limit, offset, b",".join(items))


@dataclass(frozen=True, slots=True)
class _Keys:
    """The keys of the first rows of one filtered, sorted list, made at ``generation``."""

    generation: int
    total: int
    keys: list
    complete: bool  # the keys are the whole list


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Writer:
    """The one writer: analyses POSTed articles, links them into stories and writes them, one at a time.

    Args:
        store (Store): a store on the writer's own cursor.
        settings (ServerSettings): the analysis settings and how often the story index is saved.
        resources (Resources | None): loaded resources; loaded on the first write when None.
    """

    def __init__(self, store: Store, settings: ServerSettings, *, resources: Resources | None = None) -> None:
        self._store = store
        self._settings = settings
        self._resources = resources
        self._index = None
        self._unsaved = 0
        self._lock = threading.Lock()

    def _ready(self) -> tuple[Resources, Any]:
        if self._resources is None:
            logger.info("loading the NLP resources for the first write")
            self._resources = Resources.load(self._settings.config)
        if self._index is None:
            self._index = self._store.load_story_index()
        return self._resources, self._index

    def warm_up(self) -> None:
        """Load the resources and the story index now rather than on the first POST."""
        with self._lock:
            self._ready()

    def ingest(self, items: list[RawArticle]) -> IngestOutcome:
        """Analyse articles, link the new ones into stories and write them in one transaction.

        Articles already stored are analysed but not written again (idempotent by id); their story
        is reported.

        Args:
            items (list[RawArticle]): the articles read from the request.
        RETURNS (IngestOutcome): analyses, which are new, their stories, and rejections.
        Raises:
            StoreError: when the write fails (nothing of the request is written then).
        """
        with self._lock:
            res, index = self._ready()
            result = run(items, res, self._settings.config)
            analyses = result.analyses
            present = self._store.existing_ids(a.article.id for a in analyses)
            new: dict[str, Analysis] = {}
            for a in analyses:
                if a.article.id not in present:
                    new.setdefault(a.article.id, a)
            assignments: list[StoryAssignment] = []
            try:
                assignments = [index.assign(a) for a in new.values()]
                self._unsaved += bool(assignments)
                save = self._unsaved >= self._settings.save_index_every
                self._store.write_batch(list(new.values()), links=(assignments, index if save else None))
            except BaseException:
                # The index now holds assignments that were rolled back: reload it from the store.
                self._index = None
                raise
            if save:
                self._unsaved = 0
            changed = {a.story_id for a in assignments} | {old for a in assignments for old in a.merged}
            stories = {a.article_id: index.resolve(a.story_id) for a in assignments}
            for aid in {a.article.id for a in analyses} - set(stories):
                sid = index.story_of(aid)
                if sid is None:
                    rows = self._store.query("SELECT story_id FROM story_assignments WHERE article_id = ?", [aid])
                    sid = rows[0][0] if rows else None
                if sid is not None:
                    stories[aid] = sid
            return IngestOutcome(tuple(analyses), frozenset(new), stories, result.rejections, frozenset(changed))

    def put_story_cache(self, entries: list[tuple[str, str, bytes]], *, wait: bool = True) -> bool:
        """Keep built story bodies in the store, on the writer's cursor (DuckDB has one writer).

        Args:
            entries (list[tuple[str, str, bytes]]): (story id, signature, body).
            wait (bool): wait for a write in progress; when False and one is, keep nothing.
        RETURNS (bool): whether they were written.
        Raises:
            StoreError: when the write fails.
        """
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            self._store.put_story_cache(entries)
        finally:
            self._lock.release()
        return True

    def close(self) -> None:
        """Save the story index if it changed since it was last saved, and close the cursor."""
        with self._lock:
            try:
                if self._unsaved and self._index is not None:
                    self._store.write_links([], self._index)
            finally:
                self._store.close()


class ServerState:
    """The store connection, per-thread reader cursors, the writer and the story cache.

    Args:
        settings (ServerSettings): the settings.
        resources (Resources | None): loaded resources to use for writes (None: load on first write).
    Raises:
        StoreError: when the store cannot be opened.
    """

    def __init__(self, settings: ServerSettings, *, resources: Resources | None = None) -> None:
        self.settings = settings
        self._root = Store.open(settings.db)
        self._local = threading.local()
        self._readers: list[Store] = []
        self._readers_lock = threading.Lock()
        self.writer = Writer(self._root.cursor(), settings, resources=resources)
        # Caches. Stored articles never change, so analyses are kept as they are; a story changes
        # when a write adds to it (or merges it away), which bumps its version and so retires
        # everything cached for it.
        self._lock = threading.Lock()
        self._analyses: OrderedDict[str, Analysis] = OrderedDict()
        self._cache: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._pages: OrderedDict[tuple, _Window | _Keys] = OrderedDict()
        self._flights: dict[tuple, list] = {}
        self._rows: dict[str, OrderedDict] = {}  # kind → key → encoded row (see list_keyed)
        self._generation = 0  # bumped by every write that stores an article: list pages depend on all
        self.compare_story = _framing_comparer()

    def reader(self) -> Store:
        """RETURNS (Store): this thread's read cursor (made on first use)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._root.cursor()
            self._local.store = store
            with self._readers_lock:
                self._readers.append(store)
        return store

    def ingest(self, items: list[RawArticle]) -> IngestOutcome:
        """Write articles through the one writer, then retire the cached stories they changed.

        Args:
            items (list[RawArticle]): the articles read from the request.
        RETURNS (IngestOutcome): what the writer did.
        """
        outcome = self.writer.ingest(items)
        changed = sorted(outcome.changed_stories)
        members = []
        if changed:
            marks = ", ".join("?" * len(changed))
            sql = f"SELECT article_id FROM story_assignments WHERE story_id IN ({marks})"
            members = [r[0] for r in self.reader().query(sql, changed)]
        with self._lock:
            for sid in outcome.changed_stories:
                self._versions[sid] = self._versions.get(sid, 0) + 1
            if outcome.new_ids:
                self._generation += 1
                self._pages.clear()
            # An article's row carries its story and a story's row its articles: the rows of the
            # stories the write changed (and of their articles) are made again. Events' rows never change.
            articles, stories = self._rows.get("articles", {}), self._rows.get("stories", {})
            for aid in members:
                articles.pop(aid, None)
            for sid in changed:
                stories.pop(sid, None)
        self.materialise(sorted(outcome.changed_stories))
        return outcome

    def materialise(self, story_ids: list[str]) -> int:
        """Build the response bodies of these stories now and keep them (in memory and in the store's
        ``story_cache``), so their next GET is a lookup. Stories merged away are skipped.

        Args:
            story_ids (list[str]): story ids.
        RETURNS (int): how many were built.
        """
        entries = []
        for sid in story_ids:
            try:
                body, signature, built = self._story_body(sid, include_text=False, persist=False)
            except StoreError:
                continue  # merged away
            if built:
                entries.append((sid, signature, body))
        if entries:
            try:
                self.writer.put_story_cache(entries)
            except StoreError:  # a cache: a failed write costs a rebuild later, never a wrong answer
                logger.warning("could not keep %d built stories in the store", len(entries), exc_info=True)
        return len(entries)

    def story_json(self, story_id: str, *, include_text: bool = False) -> bytes:
        """The response body of GET /api/stories/{id}, gzip-compressed: from memory, from the store's story
        cache while its signature matches the story's articles, or built now (and kept).

        Args:
            story_id (str): the story id.
            include_text (bool): add each article's text and framing spans.
        RETURNS (bytes): the JSON body, gzip-compressed (a story's JSON repeats its events' records, so it
            shrinks about tenfold; the route sends it as it is to clients that accept gzip).
        Raises:
            StoreError: when the story is unknown.
        """
        return self._story_body(story_id, include_text=include_text, persist=True)[0]

    def _story_body(self, story_id: str, *, include_text: bool, persist: bool) -> tuple[bytes, str, bool]:
        key = ("json", story_id, include_text)
        with self._lock:
            version = self._versions.get(story_id, 0)
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(key)
                return hit[1][0], hit[1][1], False
        with self._flight(key):
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None and hit[0] == version:
                    return hit[1][0], hit[1][1], False
            return self._make_story_body(story_id, key, version, include_text=include_text, persist=persist)

    def _make_story_body(
        self, story_id: str, key: tuple, version: int, *, include_text: bool, persist: bool
    ) -> tuple[bytes, str, bool]:
        store = self.reader()
        ids = [r[0] for r in store.query("SELECT article_id FROM story_assignments WHERE story_id = ?", [story_id])]
        if not ids:
            raise StoreError(f"No story {story_id!r} in {self.settings.db}. List them with GET /api/stories.")
        signature = self._signature(ids)
        body = None
        built = False
        if not include_text:
            row = store.story_cache(story_id)
            if row is not None and row[0] == signature:
                body = row[1]
        if body is None:
            body = self._render(story_id, include_text=include_text)
            built = True
            if persist and not include_text:
                try:
                    self.writer.put_story_cache([(story_id, signature, body)], wait=False)
                except StoreError:
                    logger.warning("could not keep story %s in the store", story_id, exc_info=True)
        with self._lock:
            if self._versions.get(story_id, 0) == version:
                self._cache[key] = (version, (body, signature))
                self._cache.move_to_end(key)
                while len(self._cache) > self.settings.story_cache_size:
                    self._cache.popitem(last=False)
        return body, signature, built

    def warm_rows(self) -> int:
        """Encode the list row of every article and every story now (when the articles fit in
        ``row_cache_size``), so their list pages need only their sorted keys.

        RETURNS (int): how many rows were made.
        """
        store = self.reader()
        if store.counts()["articles"] > self.settings.row_cache_size:
            return 0
        with self._lock:
            generation = self._generation
        made = {k: _encode(to_jsonable(v)) for k, v in queries.article_summaries(store, None).items()}
        page = queries.list_stories(store, limit=self.settings.row_cache_size)
        stories = {row.id: _encode(to_jsonable(row)) for row in page.items}
        with self._lock:
            if self._generation != generation:
                return 0
            self._rows.setdefault("articles", OrderedDict()).update(made)
            self._rows.setdefault("stories", OrderedDict()).update(stories)
        return len(made) + len(stories)

    def warm_stories(self) -> int:
        """Load the most recently built story bodies the store keeps (up to ``story_cache_size``) into
        memory, those whose signature still matches their story's articles.

        RETURNS (int): how many were loaded.
        """
        store = self.reader()
        rows = store.query(
            "SELECT story_id, signature, body FROM story_cache ORDER BY built_at DESC LIMIT ?",
            [self.settings.story_cache_size],
        )
        if not rows:
            return 0
        members = dict(
            store.query(
                "SELECT story_id, list(article_id) FROM story_assignments "
                "WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id",
                [[r[0] for r in rows]],
            )
        )
        loaded = 0
        with self._lock:
            for sid, signature, body in reversed(rows):  # oldest first: the newest end up most recent
                if sid in members and self._signature(members[sid]) == signature:
                    self._cache[("json", sid, False)] = (self._versions.get(sid, 0), (bytes(body), signature))
                    loaded += 1
        return loaded

    def _signature(self, article_ids: list[str]) -> str:
        """What a built story depends on: its articles, the code version and whether framing is compared."""
        h = hashlib.sha1(f"{_version()}|{self.compare_story is not None}|gzip|".encode())
        h.update("\n".join(sorted(article_ids)).encode())
        return h.hexdigest()

    def _render(self, story_id: str, *, include_text: bool) -> bytes:
        built = self._build(story_id)
        summaries = queries.article_summaries(self.reader(), list(built.story.article_ids))
        by_id = {a.article.id: a for a in built.analyses}
        articles = []
        for aid in built.story.article_ids:
            row = to_jsonable(summaries[aid]) if aid in summaries else {"id": aid}
            analysis = by_id.get(aid)
            row["body"] = analysis.article.body if include_text and analysis is not None else None
            row["frames"] = _frames(analysis) if include_text and analysis is not None else []
            articles.append(row)
        body = {
            "ok": True,
            "story": to_jsonable(built.story),
            "articles": articles,
            "framing": to_jsonable(built.framing) if built.framing is not None else None,
            "map": f"/api/stories/{story_id}/map.svg",
        }
        return gzip.compress(_encode(body), compresslevel=6, mtime=0)

    def peek_page(self, shape: tuple, limit: int, offset: int) -> bytes | None:
        """A list page from a window in memory when nothing was written since it was made, else None.

        Args:
            shape (tuple): the path and the sorted query parameters other than limit and offset.
            limit (int): the page size.
            offset (int): rows to skip.
        RETURNS (bytes | None): the response body, or None on a miss.
        """
        with self._lock:
            hit = self._pages.get(shape)
            if not isinstance(hit, _Window) or hit.generation != self._generation:
                return None
            if offset + limit > len(hit.rows) and not hit.complete:
                return None
            self._pages.move_to_end(shape)
        return hit.page(limit, offset)

    def list_page(self, shape: tuple, limit: int, offset: int, fetch: Callable[[int, int], Any]) -> bytes:
        """A list page: a slice of the window of this filter and sort, queried now when not in memory.

        The window is the first rows of the list (a multiple of 1,024 that covers the page, at most
        ``list_window``), each row encoded once; pages beyond the largest window are queried alone.

        Args:
            shape (tuple): the path and the sorted query parameters other than limit and offset.
            limit (int): the page size.
            offset (int): rows to skip.
            fetch (Callable[[int, int], Any]): runs the list query for (limit, offset); returns a Page.
        RETURNS (bytes): the response body.
        """
        hit = self.peek_page(shape, limit, offset)
        if hit is not None:
            return hit
        with self._lock:
            generation = self._generation
        needed = offset + limit
        if needed > self.settings.list_window:
            page = fetch(limit, offset)
            rows = [_encode(to_jsonable(i)) for i in page.items]
            return _Window(generation, page.total, rows, True).page(limit, 0, offset_shown=offset)
        # One query per window: requests that miss the same window meanwhile wait for it.
        with self._flight(("list", shape)):
            hit = self.peek_page(shape, limit, offset)
            if hit is not None:
                return hit
            with self._lock:
                generation = self._generation
            size = min(self.settings.list_window, -(-needed // 2048) * 2048)
            page = fetch(size, 0)
            rows = [_encode(to_jsonable(i)) for i in page.items]
            window = _Window(generation, page.total, rows, len(rows) < size)
            with self._lock:
                if self._generation == generation:
                    self._pages[shape] = window
                    self._pages.move_to_end(shape)
                    while len(self._pages) > self.settings.page_cache_size:
                        self._pages.popitem(last=False)
        return window.page(limit, offset)

    def peek_keyed(self, kind: str, shape: tuple, limit: int, offset: int) -> bytes | None:
        """A page of a keyed list (``list_keyed``) when its keys and all its rows are in memory, else None.

        Args:
            kind (str): the row kind ("articles", "events").
            shape (tuple): the query function and the filters and sort given.
            limit (int): the page size.
            offset (int): rows to skip.
        RETURNS (bytes | None): the response body, or None on a miss.
        """
        with self._lock:
            hit = self._pages.get(shape)
            if not isinstance(hit, _Keys) or hit.generation != self._generation:
                return None
            if offset + limit > len(hit.keys) and not hit.complete:
                return None
            rows = self._rows.setdefault(kind, OrderedDict())
            try:
                items = [rows[k] for k in hit.keys[offset : offset + limit]]
            except KeyError:
                return None
            self._pages.move_to_end(shape)
        return _page(hit.total, limit, offset, items)

    def list_keyed(
        self,
        kind: str,
        shape: tuple,
        limit: int,
        offset: int,
        *,
        keys: Callable[[int], tuple[int, list]],
        rows: Callable[[list], dict],
        fetch: Callable[[int, int], Any],
    ) -> bytes:
        """A list page made of the list's keys (sorted once per filter and sort until the next write)
        and rows encoded once each and shared by every list of that kind.

        Args:
            kind (str): the row kind: rows of one kind are the same whatever the filter or sort.
            shape (tuple): the query function and the filters and sort given.
            limit (int): the page size.
            offset (int): rows to skip.
            keys (Callable[[int], tuple[int, list]]): (total, first n keys) of the list for n.
            rows (Callable[[list], dict]): the rows of these keys, by key.
            fetch (Callable[[int, int], Any]): the whole query for (limit, offset), for pages past the window.
        RETURNS (bytes): the response body.
        """
        hit = self.peek_keyed(kind, shape, limit, offset)
        if hit is not None:
            return hit
        needed = offset + limit
        if needed > self.settings.list_window:
            page = fetch(limit, offset)
            return _page(page.total, limit, offset, [_encode(to_jsonable(i)) for i in page.items])
        with self._flight(("keys", shape)):
            with self._lock:
                generation = self._generation
                window = self._pages.get(shape)
            if not (
                isinstance(window, _Keys)
                and window.generation == generation
                and (needed <= len(window.keys) or window.complete)
            ):
                size = min(self.settings.list_window, -(-needed // 2048) * 2048)
                total, found = keys(size)
                window = _Keys(generation, total, found, len(found) < size)
                with self._lock:
                    if self._generation == generation:
                        self._pages[shape] = window
                        self._pages.move_to_end(shape)
                        while len(self._pages) > self.settings.page_cache_size:
                            self._pages.popitem(last=False)
        wanted = window.keys[offset : offset + limit]
        with self._lock:
            cache = self._rows.setdefault(kind, OrderedDict())
            have = {k: cache[k] for k in wanted if k in cache}
        missing = [k for k in wanted if k not in have]
        if missing:
            made = {k: _encode(to_jsonable(v)) for k, v in rows(missing).items()}
            have.update(made)
            with self._lock:
                if self._generation == window.generation:
                    cache.update(made)
                    while len(cache) > self.settings.row_cache_size:
                        cache.popitem(last=False)
        return _page(window.total, limit, offset, [have[k] for k in wanted if k in have])

    @contextmanager
    def _flight(self, key: tuple) -> Iterator[None]:
        """Hold the lock of ``key`` (one per thing being made), so concurrent misses make it once."""
        with self._lock:
            entry = self._flights.get(key)
            if entry is None:
                entry = self._flights[key] = [threading.Lock(), 0]
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._lock:
                entry[1] -= 1
                if entry[1] == 0:
                    self._flights.pop(key, None)

    def peek(self, story_id: str, key: tuple) -> Any | None:
        """The cached value for ``key`` while its story is unchanged, else None (never builds anything).

        Args:
            story_id (str): the story the value depends on.
            key (tuple): what the value is.
        RETURNS (Any | None): the value, or None on a miss.
        """
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == self._versions.get(story_id, 0):
                self._cache.move_to_end(key)
                return hit[1]
        return None

    def cached(self, story_id: str, key: tuple, make: Callable[[], Any]) -> Any:
        """A value derived from one story, from the cache while the story is unchanged.

        Args:
            story_id (str): the story the value depends on.
            key (tuple): what the value is (with the story id in it).
            make (Callable[[], Any]): builds the value on a miss (outside the lock).
        RETURNS (Any): the value.
        """
        with self._lock:
            version = self._versions.get(story_id, 0)
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(key)
                return hit[1]
        value = make()
        with self._lock:
            if self._versions.get(story_id, 0) == version:  # not changed while it was being built
                self._cache[key] = (version, value)
                self._cache.move_to_end(key)
                while len(self._cache) > self.settings.story_cache_size:
                    self._cache.popitem(last=False)
        return value

    def analysis(self, article_id: str) -> Analysis:
        """One stored article's analysis (cached: stored articles never change).

        Args:
            article_id (str): the full article id.
        RETURNS (Analysis): the analysis.
        Raises:
            StoreError: when the id is unknown.
        """
        with self._lock:
            hit = self._analyses.get(article_id)
            if hit is not None:
                self._analyses.move_to_end(article_id)
                return hit
        analysis = self.reader().analysis(article_id)
        with self._lock:
            self._analyses[article_id] = analysis
            while len(self._analyses) > self.settings.analysis_cache_size:
                self._analyses.popitem(last=False)
        return analysis

    def story(self, story_id: str) -> BuiltStory:
        """Build a story (or take it from the cache while it is unchanged).

        Args:
            story_id (str): the story id.
        RETURNS (BuiltStory): the story, its analyses and its framing comparison.
        Raises:
            StoreError: when the story is unknown.
        """
        return self.cached(story_id, ("built", story_id), lambda: self._build(story_id))

    def _build(self, story_id: str) -> BuiltStory:
        store = self.reader()
        ids = [r[0] for r in store.query("SELECT article_id FROM story_assignments WHERE story_id = ?", [story_id])]
        if not ids:
            raise StoreError(f"No story {story_id!r} in {self.settings.db}. List them with GET /api/stories.")
        with self._lock:
            cached = {i: self._analyses[i] for i in ids if i in self._analyses}
        loaded = {a.article.id: a for a in store.analyses([i for i in ids if i not in cached])}
        with self._lock:
            for aid, a in loaded.items():
                self._analyses[aid] = a
            while len(self._analyses) > self.settings.analysis_cache_size:
                self._analyses.popitem(last=False)
        analyses = tuple(cached.get(i) or loaded[i] for i in ids)
        story = build_story(story_id, analyses)
        framing = self.compare_story(story, analyses) if self.compare_story is not None else None
        return BuiltStory(story, analyses, framing)

    def close(self) -> None:
        """Save what the writer holds and close every cursor and the connection."""
        try:
            self.writer.close()
        finally:
            with self._readers_lock:
                for r in self._readers:
                    try:
                        r.close()
                    except Exception:  # a cursor already closed with its thread  # noqa: BLE001
                        pass
                self._readers.clear()
            self._root.close()


def _frames(analysis) -> list[dict]:
    """The article's framing spans (loaded language, labels, hedges) in body offsets, for highlighting."""
    framing = getattr(analysis, "framing", None)  # absent before the framing stage, or for older stores
    if framing is None:
        return []
    return [
        {"kind": f.kind, "start": f.start, "end": f.end, "label": f.label, "text": f.text, "in_quote": f.in_quote}
        for f in framing.spans
    ]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("crosswire")
    except PackageNotFoundError:
        return "unknown"
