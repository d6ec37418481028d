"""The DuckDB store: batched transactional writes and queries.

Rules (STYLE.md §13): one writer, one transaction per batch, named migrations recorded in
``schema_migrations``, upserts idempotent by ``Article.id``. A crash or Ctrl-C inside a batch rolls
that batch back; every earlier batch stays committed, so a re-run resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import StoreError
from ..model import (
    Actor,
    ActorMention,
    ActorType,
    Analysis,
    Article,
    Event,
    Flag,
    Framing,
    Mention,
    OutletGuess,
    Place,
    PlaceMention,
    PlacePrecision,
    Provenance,
    PublishedDate,
    Rejection,
    Segment,
    SegmentKind,
    Sentence,
)
from ..serialize import from_jsonable
from .schema import DEFAULT_DB, EXPORT_TABLES, MIGRATIONS
from .tables import batch_tables, link_rows, utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None
    precision: str
    removed: int
    mentions: int
    words: int
    source: str


@dataclass(frozen=True, slots=True)
class EventRow:
    """One stored event with its article's outlet, for tables and exports."""

    article_id: str
    event_id: str
    outlet: str | None
    published: str | None
    acled_type: str | None
    acled_subtype: str | None
    plover_root: str | None
    plover_mode: str | None
    actor_id: str | None
    actor: str | None
    target_id: str | None
    target: str | None
    place_id: str | None
    place: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    place_precision: str | None
    date: str | None
    date_precision: str | None
    date_text: str | None
    modality: str
    claim_kind: str | None
    claimant: str | None
    claim_chain: str | None
    fatalities: float | None
    trigger: str | None
    evidence: str
    confidence: float
    reliable: bool


@dataclass(frozen=True, slots=True)
class StorySummary:
    """One row of the story list."""

    id: str
    articles: int
    outlets: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    places: tuple[str, ...]  # the most mentioned places below country level


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one batch write did."""

    inserted: int
    already_present: int
    rejections: int


class Store:
    """A crosswire DuckDB file. Open with ``Store.open(path)``; use as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self._con = con
        self.path = path

    @classmethod
    def open(cls, path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> "Store":
        """Open (and create or migrate) a store.

        Args:
            path (str | Path): the DuckDB file (":memory:" for a throwaway store).
            read_only (bool): open without write access (the file must exist and be migrated).
        RETURNS (Store): the open store.
        Raises:
            StoreError: when the file cannot be opened (locked by another process, not a DuckDB file …).
        """
        path = str(path)
        if read_only and path != ":memory:" and not Path(path).exists():
            raise StoreError(f"No store at {path}. Create one with `crosswire ingest PATH --db {path}`.")
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(
                f"Cannot open the store {path}: {exc}. Is another crosswire process writing to it?"
            ) from exc
        store = cls(con, path)
        if read_only:
            if store.pending_migrations():
                con.close()
                raise StoreError(f"The store {path} needs migrating; open it once for writing (`crosswire ingest`).")
        else:
            store.migrate()
        return store

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def cursor(self) -> "Store":
        """A Store on a new cursor of the same database, for use by another thread.

        DuckDB connections are not shared between threads; each thread (a web server's worker, the
        writer thread) takes its own cursor. Writes from any cursor still go through one writer: the
        caller serialises them.

        RETURNS (Store): the store on the new cursor (closing it leaves this one open).
        """
        return Store(self._con.cursor(), self.path)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------

    def applied_migrations(self) -> list[str]:
        """RETURNS (list[str]): names of the migrations applied to this store, in order."""
        exists = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()[0]
        if not exists:
            return []
        return [r[0] for r in self._con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]

    def pending_migrations(self) -> list[str]:
        """RETURNS (list[str]): names of migrations not yet applied."""
        done = set(self.applied_migrations())
        return [name for name, _ in MIGRATIONS if name not in done]

    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction.

        RETURNS (list[str]): the names applied now.
        Raises:
            StoreError: when a migration fails (the store keeps its previous schema).
        """
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)"
        )
        applied = []
        for name in self.pending_migrations():
            sql = dict(MIGRATIONS)[name]
            with self._transaction(f"migration {name}"):
                self._con.execute(sql)
                self._con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [name, utc_now()])
            applied.append(name)
        return applied

    @contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException as exc:  # Ctrl-C included: roll back, then let it propagate
            self._con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError(f"Writing {what} to {self.path} failed and was rolled back: {exc}") from exc
            raise
        else:
            self._con.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------------------

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these article ids are already stored.

        Args:
            ids (Iterable[str]): article ids.
        RETURNS (set[str]): the stored ones.
        """
        ids = list(set(ids))
        if not ids:
            return set()
        rows = self._con.execute("SELECT id FROM articles WHERE list_contains(?, id)", [ids]).fetchall()
        return {r[0] for r in rows}

    def write_batch(
        self, analyses: Iterable[Analysis], rejections: Iterable[Rejection] = (), *, links: tuple | None = None
    ) -> WriteResult:
        """Write a batch of analyses and rejections in one transaction.

        Articles already stored are left as they are (idempotent by id). A successful article clears
        an earlier rejection of the same source and line.

        Args:
            analyses (Iterable[Analysis]): analysed articles.
            rejections (Iterable[Rejection]): inputs that failed.
            links (tuple | None): (story assignments, StoryIndex) written in the same transaction.
        RETURNS (WriteResult): counts.
        Raises:
            StoreError: when the write fails; nothing of the batch is written then.
        """
        analyses = list(analyses)
        rejections = list(rejections)
        present = self.existing_ids(a.article.id for a in analyses)
        new: dict[str, Analysis] = {}
        for a in analyses:
            if a.article.id not in present:
                new.setdefault(a.article.id, a)
        tables = batch_tables(list(new.values()))
        now = utc_now()
        with self._transaction(f"a batch of {len(new)} articles"):
            for name, table in tables.items():
                if table.num_rows:
                    self._con.register("_batch", table)
                    try:
                        self._con.execute(f"INSERT OR IGNORE INTO {name} BY NAME SELECT * FROM _batch")
                    finally:
                        self._con.unregister("_batch")
            if analyses:
                keys = pa.table(
                    {
                        "source": [a.article.source for a in analyses],
                        "line": pa.array([a.article.line or 0 for a in analyses], pa.int32()),
                    }
                )
                self._con.register("_ok", keys)
                try:
                    self._con.execute(
                        "DELETE FROM rejections WHERE EXISTS "
                        "(SELECT 1 FROM _ok WHERE _ok.source = rejections.source AND _ok.line = rejections.line)"
                    )
                finally:
                    self._con.unregister("_ok")
            for r in rejections:
                self._con.execute(
                    "INSERT OR IGNORE INTO rejections VALUES (?, ?, ?, ?, ?, ?)",
                    [r.source, r.line or 0, r.stage, r.code, r.reason, now],
                )
            if links is not None:
                self._write_links(*links)
        return WriteResult(inserted=len(new), already_present=len(analyses) - len(new), rejections=len(rejections))

    # -- queries --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """RETURNS (dict[str, int]): row counts per table."""
        return {t: self._con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in EXPORT_TABLES}

    def articles(self, *, limit: int | None = None, offset: int = 0, outlet: str | None = None) -> list[ArticleSummary]:
        """List stored articles, newest known publication date first.

        Args:
            limit (int | None): at most this many.
            offset (int): skip this many.
            outlet (str | None): only this outlet (case-insensitive).
        RETURNS (list[ArticleSummary]): the rows.
        """
        sql = """
            SELECT a.id, a.outlet, a.title, a.published_year, a.published_month, a.published_day,
                   a.published_precision, a.source, a.source_line,
                   (SELECT count(*) FROM segments s WHERE s.article_id = a.id AND s.removed),
                   (SELECT count(*) FROM mentions m WHERE m.article_id = a.id),
                   len(regexp_split_to_array(trim(a.body), '\\s+'))
            FROM articles a
            WHERE (? IS NULL OR lower(a.outlet) = lower(?))
            ORDER BY a.published_year DESC NULLS LAST, a.published_month DESC NULLS LAST,
                     a.published_day DESC NULLS LAST, a.outlet, a.id
            LIMIT ? OFFSET ?
        """
        rows = self._con.execute(sql, [outlet, outlet, limit if limit is not None else 2**62, offset]).fetchall()
        out = []
        for r in rows:
            pd = PublishedDate(r[3], r[4], r[5])
            source = f"{r[7]}:{r[8]}" if r[8] else r[7]
            out.append(ArticleSummary(r[0], r[1], r[2], pd.iso, r[6], r[9], r[10], r[11], source))
        return out

    def load_story_index(self):
        """The story index: the saved one, or one rebuilt from the stored articles.

        RETURNS (StoryIndex): the index.
        """
        from ..linking import StoryIndex

        row = self._con.execute("SELECT state FROM linking_state WHERE name = 'stories'").fetchone()
        n_assigned = self._con.execute("SELECT count(*) FROM story_assignments").fetchone()[0]
        if row is not None:
            try:
                index = StoryIndex.from_state(json.loads(row[0]))
            except ValueError:
                logger.info("the saved story index has another version: rebuilding it from the store")
            else:
                # The state is saved every few batches; after an interrupted run it lags behind the
                # stored assignments, and is rebuilt.
                if len(index.assigned) == n_assigned:
                    return index
                logger.info("the saved story index lags behind the stored articles: rebuilding it")
        ids = [r[0] for r in self._con.execute("SELECT id FROM articles ORDER BY ingested_at, id").fetchall()]
        index, assignments = StoryIndex.rebuild(self.analysis(i) for i in ids)
        if assignments:
            self.write_links(assignments, index)
        return index

    def write_links(self, assignments, index) -> None:
        """Write story assignments and the index state in one transaction (merged stories renamed).

        Args:
            assignments (list[StoryAssignment]): new assignments.
            index (StoryIndex | None): the index after them, or None to write the assignments only.
        """
        with self._transaction("story links"):
            self._write_links(assignments, index)

    def _write_links(self, assignments, index) -> None:
        now = utc_now()
        rows, renames = link_rows(assignments)
        # The renames reach the rows stored before this batch in their order; the batch's own rows
        # already carry them (``link_rows``), so one insert of the final rows ends like the
        # row-by-row inserts and updates in assignment order.
        for new_id, old in renames:
            self._con.execute("UPDATE story_assignments SET story_id = ? WHERE story_id = ?", [new_id, old])
        if rows:
            table = pa.table(
                {
                    "article_id": pa.array([r[0] for r in rows], pa.string()),
                    "story_id": pa.array([r[1] for r in rows], pa.string()),
                    "score": pa.array([r[2] for r in rows], pa.float64()),
                    "is_new": pa.array([r[3] for r in rows], pa.bool_()),
                    "reasons": pa.array([r[4] for r in rows], pa.string()),
                    "assigned_at": pa.array([now] * len(rows), pa.timestamp("us")),
                }
            )
            self._con.register("_links", table)
            try:
                self._con.execute("INSERT OR REPLACE INTO story_assignments BY NAME SELECT * FROM _links")
            finally:
                self._con.unregister("_links")
        if index is not None:  # None: assignments only; the index state is saved every few batches
            self._con.execute(
                "INSERT OR REPLACE INTO linking_state VALUES ('stories', ?, ?)", [json.dumps(index.to_state()), now]
            )

    def story_list(self, *, limit: int | None = None, offset: int = 0) -> list[StorySummary]:
        """Stories with their outlets, article count, date span and main places, from SQL alone.

        Building a story (merging its events) reads every article; listing stories must not.

        Args:
            limit (int | None): at most this many.
            offset (int): skip this many.
        RETURNS (list[StorySummary]): largest stories first.
        """
        pub = (
            "CASE WHEN a.published_year IS NULL THEN NULL ELSE make_date(a.published_year, "
            "coalesce(a.published_month, 1), coalesce(a.published_day, 1)) END"
        )
        rows = self.query(
            f"""
            WITH s AS (
                SELECT sa.story_id, count(*) AS n, list(DISTINCT a.outlet ORDER BY a.outlet)
                       FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
                       min({pub}) AS first_seen, max({pub}) AS last_seen
                FROM story_assignments sa JOIN articles a ON a.id = sa.article_id
                GROUP BY sa.story_id
            ), p AS (
                SELECT sa.story_id, pm.name, count(*) AS c
                FROM story_assignments sa JOIN place_mentions pm ON pm.article_id = sa.article_id
                WHERE pm.place_id IS NOT NULL AND pm.feature_code NOT LIKE 'PCL%'
                GROUP BY sa.story_id, pm.name
            )
            SELECT s.story_id, s.n, s.outlets, s.first_seen, s.last_seen,
                   (SELECT list(name ORDER BY c DESC, name)[1:3] FROM p WHERE p.story_id = s.story_id)
            FROM s ORDER BY s.n DESC, s.story_id
            LIMIT ? OFFSET ?
            """,
            [limit if limit is not None else 2**62, offset],
        )
        return [StorySummary(r[0], r[1], tuple(r[2] or ()), r[3], r[4], tuple(r[5] or ())) for r in rows]

    def story(self, story_id: str):
        """Build a story from its stored articles.

        Args:
            story_id (str): the story id.
        RETURNS (Story): the story with its merged events, corroboration and contradictions.
        Raises:
            StoreError: when the story is unknown.
        """
        from ..linking import build_story

        ids = [r[0] for r in self.query("SELECT article_id FROM story_assignments WHERE story_id = ?", [story_id])]
        if not ids:
            raise StoreError(f"No story {story_id!r} in {self.path}. List them with `crosswire stories`.")
        return build_story(story_id, [self.analysis(i) for i in ids])

    def events(
        self,
        *,
        event_type: str | None = None,
        actor: str | None = None,
        place: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[EventRow]:
        """Stored events, filtered; every filter is optional and case-insensitive.

        Args:
            event_type (str | None): an ACLED type or sub-type, or a PLOVER root ("Battles", "ACCUSE").
            actor (str | None): an actor id or part of its name, as actor or target.
            place (str | None): a GeoNames/supplement id, or part of the place, admin1 or country name.
            outlet (str | None): the outlet.
            since (str | None): events on or after this ISO date ("2017-10" or "2017-10-01").
            until (str | None): events on or before this ISO date.
            limit (int | None): at most this many.
            offset (int): skip this many.
        RETURNS (list[EventRow]): the events, newest first, then by article and event.
        """
        date_expr = (
            "CASE WHEN e.date_year IS NULL THEN NULL ELSE concat_ws('-', lpad(e.date_year::VARCHAR, 4, '0'), "
            "lpad(e.date_month::VARCHAR, 2, '0'), lpad(e.date_day::VARCHAR, 2, '0')) END"
        )
        pub_expr = (
            "CASE WHEN a.published_year IS NULL THEN NULL ELSE concat_ws('-', lpad(a.published_year::VARCHAR, 4, '0'), "
            "lpad(a.published_month::VARCHAR, 2, '0'), lpad(a.published_day::VARCHAR, 2, '0')) END"
        )
        like = lambda v: None if v is None else f"%{v.lower()}%"  # noqa: E731
        sql = f"""
            SELECT e.article_id, e.event_id, a.outlet, {pub_expr}, e.acled_type, e.acled_subtype, e.plover_root,
                   e.plover_mode, e.actor_id, e.actor_name, e.target_id, e.target_name, e.place_id, e.place_name,
                   e.country, e.admin1, e.lat, e.lon, e.place_precision, {date_expr} AS d, e.date_precision,
                   e.date_text, e.modality, e.claim_kind, e.claimant, e.claim_chain, e.fatalities, e.trigger,
                   e.evidence, e.confidence, e.reliable
            FROM events e JOIN articles a ON a.id = e.article_id
            WHERE (? IS NULL OR lower(e.acled_type) = lower(?) OR lower(e.acled_subtype) = lower(?)
                   OR lower(e.plover_root) = lower(?))
              AND (? IS NULL OR lower(e.actor_id) = lower(?) OR lower(e.target_id) = lower(?)
                   OR lower(e.actor_name) LIKE ? OR lower(e.target_name) LIKE ?)
              AND (? IS NULL OR e.place_id = ? OR lower(e.place_name) LIKE ? OR lower(e.admin1) LIKE ?
                   OR lower(e.country) = lower(?))
              AND (? IS NULL OR lower(a.outlet) = lower(?))
              AND (? IS NULL OR ({date_expr}) >= ?)
              AND (? IS NULL OR ({date_expr}) <= ?)
            ORDER BY d DESC NULLS LAST, e.article_id, e.idx
            LIMIT ? OFFSET ?
        """
        until_key = None if until is None else until + "-99"  # "2017-10" includes every day of October
        params = [
            event_type, event_type, event_type, event_type,
            actor, actor, actor, like(actor), like(actor),
            place, place, like(place), like(place), place,
            outlet, outlet,
            since, since,
            until_key, until_key,
            limit if limit is not None else 2**62, offset,
        ]  # fmt: skip
        return [EventRow(*r) for r in self._con.execute(sql, params).fetchall()]

    def resolve_id(self, prefix: str) -> str:
        """Find the full id of an article from a unique prefix.

        Args:
            prefix (str): the id or its first characters (at least 4).
        RETURNS (str): the full id.
        Raises:
            StoreError: when no article, or several, match.
        """
        if len(prefix) < 4:
            raise StoreError(f"Give at least 4 characters of the article id, got {prefix!r}.")
        # A whole id is an index lookup; a prefix scans the ids (4 ms at 100,000 articles).
        if self._con.execute("SELECT 1 FROM articles WHERE id = ?", [prefix]).fetchone() is not None:
            return prefix
        rows = self._con.execute(
            "SELECT id FROM articles WHERE starts_with(id, ?) ORDER BY id LIMIT 3", [prefix]
        ).fetchall()
        if not rows:
            raise StoreError(f"No article with id {prefix!r} in {self.path}. List them with `crosswire articles`.")
        if len(rows) > 1:
            raise StoreError(f"The id prefix {prefix!r} is ambiguous ({', '.join(r[0] for r in rows)} …): give more characters.")
        return rows[0][0]

    def analysis(self, article_id: str) -> Analysis:
        """Load one stored article with its segments, sentences, mentions, events, flags and framing.

        Args:
            article_id (str): the full id or a unique prefix.
        RETURNS (Analysis): the stored analysis.
        Raises:
            StoreError: when the id matches no article or several.
        """
        return self.analyses([self.resolve_id(article_id)])[0]

    #: Articles loaded per round of queries: small enough that every lookup stays an index scan.
    ANALYSES_PER_QUERY = 16

    def analyses(self, article_ids: Iterable[str]) -> list[Analysis]:
        """Load stored articles by their full ids, a few at a time (one query per table for each group).

        A story of ten articles is read with ten queries instead of a hundred.

        Args:
            article_ids (Iterable[str]): full article ids.
        RETURNS (list[Analysis]): the analyses, in the order of the ids (repeated ids once).
        Raises:
            StoreError: when an id is not stored.
        """
        ids = list(dict.fromkeys(article_ids))
        out: list[Analysis] = []
        for i in range(0, len(ids), self.ANALYSES_PER_QUERY):
            out.extend(self._analyses(ids[i : i + self.ANALYSES_PER_QUERY]))
        return out

    def _analyses(self, ids: list[str]) -> list[Analysis]:
        # An IN list of bound values is answered from the article_id indexes (migration 0007).
        marks = ", ".join("?" * len(ids))

        def grouped(sql: str) -> dict[str, list[tuple]]:
            rows: dict[str, list[tuple]] = {}
            for r in self._con.execute(sql.format(ids=marks), ids).fetchall():
                rows.setdefault(r[0], []).append(r[1:])
            return rows

        cur = self._con.execute(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
        names = [d[0] for d in cur.description]
        articles = {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
        missing = [i for i in ids if i not in articles]
        if missing:
            raise StoreError(f"No article with id {missing[0]!r} in {self.path}. List them with `crosswire articles`.")
        segs = grouped(
            "SELECT article_id, kind, text, start_char, end_char, reason FROM segments "
            "WHERE article_id IN ({ids}) ORDER BY article_id, idx"
        )
        sents = grouped("SELECT article_id, start_char, end_char FROM sentences WHERE article_id IN ({ids}) ORDER BY article_id, idx")
        ments = grouped(
            "SELECT article_id, start_char, end_char, text, label, sentence_idx, canonical_id FROM mentions "
            "WHERE article_id IN ({ids}) ORDER BY article_id, idx"
        )
        places = grouped(
            "SELECT article_id, start_char, end_char, text, sentence_idx, place_id, name, feature_class, feature_code, "
            "country, admin1, lat, lon, population, source, citation, precision, confidence, reason "
            "FROM place_mentions WHERE article_id IN ({ids}) ORDER BY article_id, idx"
        )
        actors = grouped(
            "SELECT article_id, start_char, end_char, text, sentence_idx, actor_id, name, type, country, affiliation, "
            "parent, method, confidence, role FROM actor_mentions WHERE article_id IN ({ids}) ORDER BY article_id, idx"
        )
        events = grouped("SELECT article_id, record FROM events WHERE article_id IN ({ids}) ORDER BY article_id, idx")
        flags = grouped("SELECT article_id, record FROM flags WHERE article_id IN ({ids}) ORDER BY article_id, idx")
        framings = grouped("SELECT article_id, record FROM framing WHERE article_id IN ({ids})")
        out = []
        for aid in ids:
            row = articles[aid]
            article = Article(
                id=aid,
                source=row["source"],
                line=row["source_line"] or None,
                format=row["format"],
                encoding=row["encoding"],
                outlet=row["outlet"],
                outlet_guess=OutletGuess(row["outlet_guess"], row["outlet_confidence"], row["outlet_method"], row["outlet_evidence"]),
                url=row["url"],
                title=row["title"],
                author=row["author"],
                published=PublishedDate(
                    row["published_year"],
                    row["published_month"],
                    row["published_day"],
                    Provenance(row["published_provenance"]),
                    row["published_confidence"],
                    row["published_evidence"],
                    row["published_not_before"],
                ),
                language=row["language"],
                original=row["original"],
                segments=tuple(Segment(SegmentKind(k), t, s, e, r) for k, t, s, e, r in segs.get(aid, ())),
                body=row["body"],
            )
            sentences = tuple(Sentence(s, e) for s, e in sents.get(aid, ()))
            mentions = tuple(Mention(s, e, t, lab, si, cid) for s, e, t, lab, si, cid in ments.get(aid, ()))
            place_mentions = tuple(
                PlaceMention(
                    r[0], r[1], r[2],
                    Place(r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14]) if r[4] else None,
                    PlacePrecision(r[15]) if r[15] else None, r[16], r[3], r[17],
                )  # fmt: skip
                for r in places.get(aid, ())
            )
            actor_mentions = tuple(
                ActorMention(r[0], r[1], r[2], Actor(r[4], r[5], ActorType(r[6]), r[7], (), r[8], r[9]), r[3], r[10], r[11], r[12])
                for r in actors.get(aid, ())
            )
            evs = tuple(from_jsonable(Event, json.loads(r[0])) for r in events.get(aid, ()))
            fls = tuple(from_jsonable(Flag, json.loads(r[0])) for r in flags.get(aid, ()))
            fr = framings.get(aid)
            framing = from_jsonable(Framing, json.loads(fr[0][0])) if fr else None
            out.append(Analysis(article, sentences, mentions, place_mentions, actor_mentions, evs, fls, framing))
        return out

    def rejections(self) -> list[Rejection]:
        """RETURNS (list[Rejection]): every stored rejection, by source and line."""
        rows = self._con.execute(
            "SELECT source, line, stage, code, reason FROM rejections ORDER BY source, line"
        ).fetchall()
        return [Rejection(s, ln or None, st, c, r) for s, ln, st, c, r in rows]

    def export(self, table: str, fmt: str, path: str) -> int:
        """Write a table to a file with DuckDB's COPY.

        Args:
            table (str): one of ``EXPORT_TABLES``.
            fmt (str): parquet, csv or jsonl.
            path (str): the output file.
        RETURNS (int): the number of rows written.
        Raises:
            StoreError: for an unknown table or format, or when the file cannot be written.
        """
        if table not in EXPORT_TABLES:
            raise StoreError(f"Unknown table {table!r}; choose one of {', '.join(EXPORT_TABLES)}.")
        options = {"parquet": "(FORMAT parquet)", "csv": "(FORMAT csv, HEADER true)", "jsonl": "(FORMAT json)"}
        if fmt not in options:
            raise StoreError(f"Unknown export format {fmt!r}; choose one of {', '.join(options)}.")
        escaped = path.replace("'", "''")
        try:
            self._con.execute(f"COPY (SELECT * FROM {table}) TO '{escaped}' {options[fmt]}")
        except duckdb.Error as exc:
            raise StoreError(f"Cannot export {table} to {path}: {exc}") from exc
        return self._con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def story_cache(self, story_id: str) -> tuple[str, bytes] | None:
        """A story's cached response body and its signature (see ``put_story_cache``).

        Args:
            story_id (str): the story id.
        RETURNS (tuple[str, bytes] | None): (signature, body), or None when nothing is cached.
        """
        row = self._con.execute("SELECT signature, body FROM story_cache WHERE story_id = ?", [story_id]).fetchone()
        return None if row is None else (row[0], bytes(row[1]))

    def put_story_cache(self, entries: Iterable[tuple[str, str, bytes]]) -> None:
        """Keep built story bodies, replacing earlier ones, in one transaction.

        Args:
            entries (Iterable[tuple[str, str, bytes]]): (story id, signature, body); the signature says
                which articles the body was built from, so a reader can tell a stale body.
        Raises:
            StoreError: when the write fails (nothing is written then).
        """
        rows = [(sid, sig, body, utc_now()) for sid, sig, body in entries]
        if not rows:
            return
        with self._transaction("the story cache"):
            self._con.executemany("INSERT OR REPLACE INTO story_cache VALUES (?, ?, ?, ?)", rows)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Run a read query (for analysts and tests).

        Args:
            sql (str): a SQL query with ``?`` placeholders.
            params (list | None): the values.
        RETURNS (list[tuple]): the rows.
        """
        return self._con.execute(sql, params or []).fetchall()

    def arrow(self, sql: str, params: list | None = None):
        """Run a read query and return its result as an Arrow table (columnar readers: the server's index).

        Args:
            sql (str): a SQL query with ``?`` placeholders.
            params (list | None): the values.
        RETURNS (pyarrow.Table): the rows as columns.
        """
        return self._con.sql(sql, params=params or None).to_arrow_table()

    def arrow_batches(self, sql: str, batch_rows: int):
        """Run a read query and stream its result in Arrow record batches (for results too large to hold twice).

        Args:
            sql (str): a SQL query without placeholders.
            batch_rows (int): rows per batch.
        RETURNS (pyarrow.RecordBatchReader): the batches.
        """
        return self._con.sql(sql).to_arrow_reader(batch_rows)
