"""What one server process holds: the store's connection, reader cursors, the one writer, the read
index of the lists (``readindex``) and the built stories. It lives on ``app.state`` (made by
``create_app``), never at module level.

Concurrency: DuckDB has one writer. Every write goes through ``Writer.ingest``, which holds one lock
for the whole analyse-link-write step, so two POSTs never interleave and the story index stays
consistent; the read index is brought up to date in the same order, before the POST answers. List
pages from the read index are made on the event loop (well under a millisecond); the queries that
need DuckDB (full-text filters, building a story) run in a pool of ``query_threads`` threads, each
with its own cursor, so 50 concurrent clients never start 50 queries at once on 2 cores.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import StoreError
from ..linking import build_story
from ..model import Analysis, RawArticle, Rejection, Story, StoryAssignment
from ..pipeline import run
from ..resources import Resources
from ..serialize import to_jsonable
from ..store import Store
from . import queries
from .compact import compact_story
from .readindex import ReadIndex, page_body
from .settings import ServerSettings

#: The lists the read index holds: their key query and row query (``ServerState.list_page``).
KEYED = {
    "articles": (queries.article_keys, queries.article_summaries),
    "events": (queries.event_keys, queries.event_rows),
    "stories": (queries.story_keys, queries.story_rows),
}

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
        self._reloads = 0  # story index loads after a failed write (which may rewrite the stored links)
        self._lock = threading.Lock()

    def _ready(self) -> tuple[Resources, Any]:
        if self._resources is None:
            logger.info("loading the NLP resources for the first write")
            self._resources = Resources.load(self._settings.config)
        return self._resources, self._story_index()

    def _story_index(self):
        if self._index is None:
            self._index = self._store.load_story_index()
        return self._index

    @property
    def reloads(self) -> int:
        """RETURNS (int): how many times the story index was loaded again after a failed write."""
        return self._reloads

    def load_links(self) -> None:
        """Load the story index now (without the NLP resources): loading may rewrite the stored story
        links (when the saved index lags behind them), so the read index is built after it."""
        with self._lock:
            self._story_index()

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
                self._reloads += 1
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
    """The store connection, per-thread reader cursors, the query pool, the writer, the read index and
    the built stories.

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
        self.index = ReadIndex()
        self._writes = threading.Lock()  # a write and its change to the read index, one at a time
        self._pool = ThreadPoolExecutor(settings.query_threads, thread_name_prefix="crosswire-query")
        # Built stories. Stored articles never change, so analyses are kept as they are; a story
        # changes when a write adds to it (or merges it away), which bumps its version and so retires
        # everything kept for it.
        self._lock = threading.Lock()
        self._analyses: OrderedDict[str, Analysis] = OrderedDict()
        self._cache: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._flights: dict[tuple, list] = {}
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

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` in the query pool (``query_threads`` threads, each with its own cursor).

        RETURNS (Any): what ``fn`` returns.
        """
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args, **kwargs))

    def query(self, sql: str, params: list) -> list[tuple]:
        """RETURNS (list[tuple]): the rows of a read query on this thread's cursor."""
        return self.reader().query(sql, params)

    def build_index(self) -> bool:
        """Build the read index (writes wait meanwhile); on failure, log it and keep answering lists by SQL.

        RETURNS (bool): whether it was built.
        """
        if not self.settings.read_index:
            return False
        with self._writes:
            try:
                self.writer.load_links()
                self.index.build(self.reader())
            except Exception:  # the boundary: lists fall back to SQL, so the server keeps working
                self.index.clear()
                logger.exception("could not build the read index; lists are answered by SQL")
                return False
        settle_heap()
        return True

    def start_index(self) -> threading.Thread | None:
        """Build the read index in a thread of its own (lists are answered by SQL until it is built).

        RETURNS (threading.Thread | None): the thread, or None when the index is off.
        """
        if not self.settings.read_index:
            return None
        thread = threading.Thread(target=self.build_index, name="crosswire-read-index", daemon=True)
        thread.start()
        return thread

    def ingest(self, items: list[RawArticle]) -> IngestOutcome:
        """Write articles through the one writer, bring the read index up to date, and rebuild the
        stories the write changed.

        Args:
            items (list[RawArticle]): the articles read from the request.
        RETURNS (IngestOutcome): what the writer did.
        """
        with self._writes:
            reloads = self.writer.reloads
            outcome = self.writer.ingest(items)
            with self._lock:
                for sid in outcome.changed_stories:
                    self._versions[sid] = self._versions.get(sid, 0) + 1
            if self.index.ready:
                try:
                    if self.writer.reloads != reloads:  # an earlier write failed: the links may have been rewritten
                        self.writer.load_links()
                        self.index.build(self.reader())
                    else:
                        self.index.apply(self.reader(), outcome.new_ids, outcome.changed_stories)
                except Exception:  # the write is stored: lists fall back to SQL until a rebuild
                    self.index.clear()
                    logger.exception("could not bring the read index up to date; rebuilding it")
                    threading.Thread(target=self.build_index, name="crosswire-read-index", daemon=True).start()
        self.materialise(sorted(outcome.changed_stories))
        return outcome

    def list_page(self, kind: str, lister: Callable[..., Any], filters: dict[str, Any], limit: int, offset: int) -> bytes:
        """A list page by SQL (in a worker thread): the page's keys by SQL and their rows from the read
        index when it is built, else the whole page by SQL.

        Args:
            kind (str): "articles", "events", "stories" or "actors".
            lister (Callable[..., Any]): the list function of ``queries`` (``list_articles`` …).
            filters (dict[str, Any]): its filters, with ``sort`` and ``order``.
            limit (int): the page size.
            offset (int): rows to skip.
        RETURNS (bytes): the response body.
        """
        store = self.reader()
        body = self.index.page(kind, filters, limit, offset, self.query)
        if body is not None:
            return body
        if kind in KEYED and self.index.ready:
            keyer, rower = KEYED[kind]
            total, keys = keyer(store, **filters, limit=limit, offset=offset)
            found = self.index.rows(kind, keys)
            missing = [k for k in keys if k not in found]  # written after the index's snapshot
            if missing:
                found.update({k: _encode(to_jsonable(v)) for k, v in rower(store, missing).items()})
            return page_body(total, limit, offset, [found[k] for k in keys if k in found])
        page = lister(store, **filters, limit=limit, offset=offset)
        return page_body(page.total, limit, offset, [_encode(to_jsonable(i)) for i in page.items])

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
        h = hashlib.sha1(f"{_version()}|{self.compare_story is not None}|gzip|compact|".encode())
        h.update("\n".join(sorted(article_ids)).encode())
        return h.hexdigest()

    def _render(self, story_id: str, *, include_text: bool) -> bytes:
        built = self._build(story_id)
        ids = list(built.story.article_ids)
        summaries = {k: json.loads(v) for k, v in self.index.rows("articles", ids).items()}
        missing = [i for i in ids if i not in summaries]
        if missing:
            summaries.update({k: to_jsonable(v) for k, v in queries.article_summaries(self.reader(), missing).items()})
        by_id = {a.article.id: a for a in built.analyses}
        articles = []
        for aid in ids:
            row = summaries.get(aid, {"id": aid})
            analysis = by_id.get(aid)
            row["body"] = analysis.article.body if include_text and analysis is not None else None
            row["frames"] = _frames(analysis) if include_text and analysis is not None else []
            articles.append(row)
        # Actors, places and sentences once each, referenced from the story and the framing (compact).
        parts = compact_story(built.story, built.framing, built.analyses)
        body = {
            "ok": True,
            "story": parts["story"],
            "articles": articles,
            "framing": parts["framing"],
            "actors": parts["actors"],
            "places": parts["places"],
            "sentences": parts["sentences"],
            "map": f"/api/stories/{story_id}/map.svg",
        }
        return gzip.compress(_encode(body), compresslevel=6, mtime=0)

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
        self._pool.shutdown(wait=True)
        try:
            with self._writes:  # not while the read index is being built
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


def settle_heap() -> None:
    """Collect garbage once and exempt what is left (the read index, the NLP pipeline, the modules)
    from later collections. A full collection walks every object the process holds: with the NLP
    pipeline and the index loaded it stopped the event loop for up to 200 ms at a time under load."""
    gc.collect()
    gc.freeze()


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
