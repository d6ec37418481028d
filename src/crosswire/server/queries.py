"""The read queries behind the API's list endpoints: filters, sorting and pagination in SQL.

Every value from a request is a bound parameter. Sort keys are looked up in fixed tables of SQL
expressions, so no request text ever becomes SQL. Text filters use ``strpos`` rather than LIKE, so
``%`` and ``_`` in a search are plain characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..store import EventRow, Store

_PUB_KEY = (
    "CASE WHEN a.published_year IS NULL THEN NULL ELSE concat_ws('-', lpad(a.published_year::VARCHAR, 4, '0'), "
    "lpad(a.published_month::VARCHAR, 2, '0'), lpad(a.published_day::VARCHAR, 2, '0')) END"
)
_PUB_DATE = (
    "CASE WHEN a.published_year IS NULL THEN NULL ELSE make_date(a.published_year, "
    "coalesce(a.published_month, 1), coalesce(a.published_day, 1)) END"
)
_EVENT_DATE = (
    "CASE WHEN e.date_year IS NULL THEN NULL ELSE concat_ws('-', lpad(e.date_year::VARCHAR, 4, '0'), "
    "lpad(e.date_month::VARCHAR, 2, '0'), lpad(e.date_day::VARCHAR, 2, '0')) END"
)

ARTICLE_SORTS = {
    "published": "y {o} NULLS LAST, m {o} NULLS LAST, d {o} NULLS LAST, id",
    "ingested": "ingested_at {o}, id",
    "outlet": "outlet {o} NULLS LAST, id",
    "title": "title {o} NULLS LAST, id",
}
STORY_SORTS = {
    "articles": "n {o}, story_id",
    "first_seen": "first_seen {o} NULLS LAST, story_id",
    "last_seen": "last_seen {o} NULLS LAST, story_id",
    "outlets": "len(outlets) {o}, n DESC, story_id",
}
EVENT_SORTS = {
    "date": "d {o} NULLS LAST, e.article_id, e.idx",
    "confidence": "e.confidence {o}, e.article_id, e.idx",
    "outlet": "a.outlet {o} NULLS LAST, e.article_id, e.idx",
    "type": "e.acled_type {o} NULLS LAST, e.acled_subtype {o} NULLS LAST, e.article_id, e.idx",
}
ACTOR_SORTS = {
    "mentions": "mentions {o}, actor_id",
    "articles": "articles {o}, actor_id",
    "name": "name {o}, actor_id",
}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: the rows, the number of rows that match, and where the page starts."""

    items: tuple[Any, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article in a list."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None
    precision: str | None
    language: str | None
    url: str | None
    story_id: str | None
    events: int


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story in a list."""

    id: str
    articles: int
    outlets: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    places: tuple[str, ...]
    title: str | None  # the title of its earliest article


@dataclass(frozen=True, slots=True)
class ActorRow:
    """One canonical actor with how often the store mentions it."""

    id: str
    name: str | None
    type: str | None
    country: str | None
    mentions: int
    articles: int


def _order(table: dict[str, str], sort: str, order: str) -> str:
    # Both keys were validated against fixed choices by the route; look them up, never interpolate them.
    return table[sort].format(o="ASC" if order == "asc" else "DESC")


def _until(value: str | None) -> str | None:
    return None if value is None else value + "-99"  # "2017-10" includes every day of October


def list_articles(
    store: Store,
    *,
    q: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
    story: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str = "published",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Articles matching the filters, one page of them.

    Args:
        store (Store): a reader's store.
        q (str | None): words that must occur (as one string, case-insensitive) in the title or text.
        outlet (str | None): the outlet (case-insensitive).
        language (str | None): the language code.
        story (str | None): a story id.
        since (str | None): published on or after this ISO date (or month, or year).
        until (str | None): published on or before.
        sort (str): one of ``ARTICLE_SORTS``.
        order (str): "asc" or "desc".
        limit (int): the page size.
        offset (int): rows to skip.
    RETURNS (Page): ``ArticleRow`` items and the total.
    """
    sql = f"""
        WITH f AS (
            SELECT a.id, a.outlet, a.title, a.published_year AS y, a.published_month AS m, a.published_day AS d,
                   a.published_precision, a.language, a.url, a.ingested_at, sa.story_id
            FROM articles a LEFT JOIN story_assignments sa ON sa.article_id = a.id
            WHERE (?::VARCHAR IS NULL OR strpos(lower(coalesce(a.title, '') || ' ' || a.body), lower(?)) > 0)
              AND (?::VARCHAR IS NULL OR lower(a.outlet) = lower(?))
              AND (?::VARCHAR IS NULL OR a.language = ?)
              AND (?::VARCHAR IS NULL OR sa.story_id = ?)
              AND (?::VARCHAR IS NULL OR {_PUB_KEY} >= ?)
              AND (?::VARCHAR IS NULL OR {_PUB_KEY} <= ?)
        ), page AS (
            SELECT *, count(*) OVER () AS total FROM f ORDER BY {_order(ARTICLE_SORTS, sort, order)} LIMIT ? OFFSET ?
        )
        SELECT p.id, p.outlet, p.title, p.y, p.m, p.d, p.published_precision, p.language, p.url, p.story_id,
               (SELECT count(*) FROM events e WHERE e.article_id = p.id), p.total
        FROM page p ORDER BY {_order(ARTICLE_SORTS, sort, order)}
    """
    params = [q, q, outlet, outlet, language, language, story, story, since, since, _until(until), _until(until), limit, offset]
    rows = store.query(sql, params)
    items = tuple(
        ArticleRow(r[0], r[1], r[2], _iso(r[3], r[4], r[5]), r[6], r[7], r[8], r[9], r[10]) for r in rows
    )
    total = rows[0][-1] if rows else _count_beyond(store, list_articles, offset, dict(q=q, outlet=outlet, language=language, story=story, since=since, until=until, sort=sort, order=order))
    return Page(items, total, limit, offset)


def _iso(y: int | None, m: int | None, d: int | None) -> str | None:
    if y is None:
        return None
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")


def _count_beyond(store: Store, fn, offset: int, filters: dict) -> int:
    """The total when the page is empty: asked again from the start (an offset past the end)."""
    if offset == 0:
        return 0
    return fn(store, **filters, limit=1, offset=0).total


def list_stories(
    store: Store,
    *,
    q: str | None = None,
    outlet: str | None = None,
    place: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_articles: int = 1,
    sort: str = "articles",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Stories matching the filters, one page of them, with their main places.

    Args:
        store (Store): a reader's store.
        q (str | None): text in a title of one of its articles, or in the story id.
        outlet (str | None): an outlet that reports it (case-insensitive).
        place (str | None): a place id, or text in the name of a place its articles mention.
        since (str | None): its last article is on or after this date.
        until (str | None): its first article is on or before this date.
        min_articles (int): at least this many articles.
        sort (str): one of ``STORY_SORTS``.
        order (str): "asc" or "desc".
        limit (int): the page size.
        offset (int): rows to skip.
    RETURNS (Page): ``StoryRow`` items and the total.
    """
    sql = f"""
        WITH s AS (
            SELECT sa.story_id, count(*) AS n,
                   list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
                   min({_PUB_DATE}) AS first_seen, max({_PUB_DATE}) AS last_seen,
                   arg_min(a.title, coalesce({_PUB_DATE}, DATE '9999-12-31')) AS title,
                   bool_or(?::VARCHAR IS NULL OR strpos(lower(coalesce(a.title, '')), lower(?)) > 0
                           OR strpos(sa.story_id, ?) > 0) AS hit,
                   bool_or(?::VARCHAR IS NULL OR lower(a.outlet) = lower(?)) AS has_outlet
            FROM story_assignments sa JOIN articles a ON a.id = sa.article_id
            GROUP BY sa.story_id
        ), f AS (
            SELECT * FROM s
            WHERE hit AND has_outlet AND n >= ?
              AND (?::VARCHAR IS NULL OR strftime(last_seen, '%Y-%m-%d') >= ?)
              AND (?::VARCHAR IS NULL OR strftime(first_seen, '%Y-%m-%d') <= ?)
              AND (?::VARCHAR IS NULL OR story_id IN (
                    SELECT sa.story_id FROM place_mentions pm JOIN story_assignments sa ON sa.article_id = pm.article_id
                    WHERE pm.place_id = ? OR strpos(strip_accents(lower(pm.name)), strip_accents(lower(?))) > 0))
        ), page AS (
            SELECT *, count(*) OVER () AS total FROM f ORDER BY {_order(STORY_SORTS, sort, order)} LIMIT ? OFFSET ?
        )
        SELECT story_id, n, outlets, first_seen, last_seen, title, total FROM page
        ORDER BY {_order(STORY_SORTS, sort, order)}
    """
    params = [
        q, q, q, outlet, outlet, min_articles, since, since, _until(until), _until(until), place, place, place,
        limit, offset,
    ]
    rows = store.query(sql, params)
    places = _story_places(store, [r[0] for r in rows])
    items = tuple(
        StoryRow(r[0], r[1], tuple(r[2] or ()), r[3], r[4], places.get(r[0], ()), r[5]) for r in rows
    )
    total = rows[0][-1] if rows else _count_beyond(store, list_stories, offset, dict(q=q, outlet=outlet, place=place, since=since, until=until, min_articles=min_articles, sort=sort, order=order))
    return Page(items, total, limit, offset)


def _story_places(store: Store, story_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """The three most mentioned places below country level of each story (for one page only)."""
    if not story_ids:
        return {}
    rows = store.query(
        """
        WITH p AS (
            SELECT sa.story_id, pm.name, count(*) AS c
            FROM story_assignments sa JOIN place_mentions pm ON pm.article_id = sa.article_id
            WHERE list_contains(?, sa.story_id) AND pm.place_id IS NOT NULL AND pm.feature_code NOT LIKE 'PCL%'
            GROUP BY sa.story_id, pm.name
        )
        SELECT story_id, list(name ORDER BY c DESC, name)[1:3] FROM p GROUP BY story_id
        """,
        [story_ids],
    )
    return {r[0]: tuple(r[1]) for r in rows}


def list_events(
    store: Store,
    *,
    event_type: str | None = None,
    actor: str | None = None,
    place: str | None = None,
    outlet: str | None = None,
    story: str | None = None,
    article: str | None = None,
    q: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str = "date",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Stored events matching the filters (the same filters as ``crosswire events``), one page of them.

    Args:
        store (Store): a reader's store.
        event_type (str | None): an ACLED type or sub-type, or a PLOVER root.
        actor (str | None): an actor id, or text in the actor's or the target's name.
        place (str | None): a place id, or text in its name or province, or its country code.
        outlet (str | None): the outlet.
        story (str | None): a story id.
        article (str | None): an article id.
        q (str | None): text in the evidence sentence.
        since (str | None): on or after this date.
        until (str | None): on or before this date.
        sort (str): one of ``EVENT_SORTS``.
        order (str): "asc" or "desc".
        limit (int): the page size.
        offset (int): rows to skip.
    RETURNS (Page): ``EventRow`` items and the total.
    """
    sql = f"""
        SELECT e.article_id, e.event_id, a.outlet, {_PUB_KEY}, e.acled_type, e.acled_subtype, e.plover_root,
               e.plover_mode, e.actor_id, e.actor_name, e.target_id, e.target_name, e.place_id, e.place_name,
               e.country, e.admin1, e.lat, e.lon, e.place_precision, {_EVENT_DATE} AS d, e.date_precision,
               e.date_text, e.modality, e.claim_kind, e.claimant, e.claim_chain, e.fatalities, e.trigger,
               e.evidence, e.confidence, e.reliable, count(*) OVER () AS total
        FROM events e JOIN articles a ON a.id = e.article_id
        WHERE (?::VARCHAR IS NULL OR lower(e.acled_type) = lower(?) OR lower(e.acled_subtype) = lower(?)
               OR lower(e.plover_root) = lower(?))
          AND (?::VARCHAR IS NULL OR lower(e.actor_id) = lower(?) OR lower(e.target_id) = lower(?)
               OR strpos(lower(e.actor_name), lower(?)) > 0 OR strpos(lower(e.target_name), lower(?)) > 0)
          AND (?::VARCHAR IS NULL OR e.place_id = ? OR strpos(strip_accents(lower(e.place_name)), strip_accents(lower(?))) > 0
               OR strpos(strip_accents(lower(e.admin1)), strip_accents(lower(?))) > 0 OR lower(e.country) = lower(?))
          AND (?::VARCHAR IS NULL OR lower(a.outlet) = lower(?))
          AND (?::VARCHAR IS NULL OR e.article_id IN (SELECT article_id FROM story_assignments WHERE story_id = ?))
          AND (?::VARCHAR IS NULL OR e.article_id = ?)
          AND (?::VARCHAR IS NULL OR strpos(lower(e.evidence), lower(?)) > 0)
          AND (?::VARCHAR IS NULL OR ({_EVENT_DATE}) >= ?)
          AND (?::VARCHAR IS NULL OR ({_EVENT_DATE}) <= ?)
        ORDER BY {_order(EVENT_SORTS, sort, order)}
        LIMIT ? OFFSET ?
    """
    params = [
        event_type, event_type, event_type, event_type,
        actor, actor, actor, actor, actor,
        place, place, place, place, place,
        outlet, outlet, story, story, article, article, q, q,
        since, since, _until(until), _until(until),
        limit, offset,
    ]  # fmt: skip
    rows = store.query(sql, params)
    items = tuple(EventRow(*r[:-1]) for r in rows)
    total = rows[0][-1] if rows else _count_beyond(store, list_events, offset, dict(event_type=event_type, actor=actor, place=place, outlet=outlet, story=story, article=article, q=q, since=since, until=until, sort=sort, order=order))
    return Page(items, total, limit, offset)


def all_events(store: Store, **filters) -> list[EventRow]:
    """Every event matching the filters of ``list_events`` (for exports).

    Args:
        store (Store): a reader's store.
        **filters: the filters of ``list_events``.
    RETURNS (list[EventRow]): the events, newest first.
    """
    return list(list_events(store, **filters, limit=2**62, offset=0).items)


def list_actors(
    store: Store,
    *,
    q: str | None = None,
    actor_type: str | None = None,
    country: str | None = None,
    story: str | None = None,
    sort: str = "mentions",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Canonical actors the stored articles mention, with counts, one page of them.

    Args:
        store (Store): a reader's store.
        q (str | None): text in the actor's id or name.
        actor_type (str | None): the actor type ("state military", "armed group" …).
        country (str | None): the ISO country code.
        story (str | None): only mentions in this story's articles.
        sort (str): one of ``ACTOR_SORTS``.
        order (str): "asc" or "desc".
        limit (int): the page size.
        offset (int): rows to skip.
    RETURNS (Page): ``ActorRow`` items and the total.
    """
    sql = f"""
        WITH g AS (
            SELECT am.actor_id, any_value(am.name) AS name, any_value(am.type) AS type,
                   any_value(am.country) AS country, count(*) AS mentions, count(DISTINCT am.article_id) AS articles
            FROM actor_mentions am
            WHERE (?::VARCHAR IS NULL OR strpos(lower(am.actor_id), lower(?)) > 0 OR strpos(lower(am.name), lower(?)) > 0)
              AND (?::VARCHAR IS NULL OR lower(am.type) = lower(?))
              AND (?::VARCHAR IS NULL OR lower(am.country) = lower(?))
              AND (?::VARCHAR IS NULL OR am.article_id IN (SELECT article_id FROM story_assignments WHERE story_id = ?))
            GROUP BY am.actor_id
        )
        SELECT actor_id, name, type, country, mentions, articles, count(*) OVER () AS total FROM g
        ORDER BY {_order(ACTOR_SORTS, sort, order)} LIMIT ? OFFSET ?
    """
    params = [q, q, q, actor_type, actor_type, country, country, story, story, limit, offset]
    rows = store.query(sql, params)
    items = tuple(ActorRow(*r[:-1]) for r in rows)
    total = rows[0][-1] if rows else _count_beyond(store, list_actors, offset, dict(q=q, actor_type=actor_type, country=country, story=story, sort=sort, order=order))
    return Page(items, total, limit, offset)


def article_summaries(store: Store, ids: list[str]) -> dict[str, ArticleRow]:
    """Summaries of the given articles (a story's).

    Args:
        store (Store): a reader's store.
        ids (list[str]): full article ids.
    RETURNS (dict[str, ArticleRow]): by id.
    """
    if not ids:
        return {}
    rows = store.query(
        """
        SELECT a.id, a.outlet, a.title, a.published_year, a.published_month, a.published_day, a.published_precision,
               a.language, a.url, sa.story_id, (SELECT count(*) FROM events e WHERE e.article_id = a.id)
        FROM articles a LEFT JOIN story_assignments sa ON sa.article_id = a.id
        WHERE list_contains(?, a.id)
        """,
        [ids],
    )
    return {r[0]: ArticleRow(r[0], r[1], r[2], _iso(r[3], r[4], r[5]), r[6], r[7], r[8], r[9], r[10]) for r in rows}
