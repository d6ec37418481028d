"""The read queries behind the API's list endpoints: filters, sorting and pagination in SQL.

Every value from a request is a bound parameter. The SQL text is assembled only from fixed pieces:
a filter adds its fixed clause when it is given, and sort keys are looked up in fixed tables, so no
request text ever becomes SQL. Text filters use ``strpos`` rather than LIKE, so ``%`` and ``_`` in a
search are plain characters.

These queries answer every list when the server's read index (``readindex``) is not built, and find
the pages of the filters it does not hold (full text). At 100,000 articles (1.35 million events) a
page costs 6-40 ms of DuckDB: the events are sorted in one top-N that carries their own columns (the
article's outlet and date are joined to the page's rows only), an article page counts the events of
its own rows only, and the story rows are made in one statement (places included).
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
    "published": "a.published_year {o} NULLS LAST, a.published_month {o} NULLS LAST, a.published_day {o} NULLS LAST, a.id",
    "ingested": "a.ingested_at {o}, a.id",
    "outlet": "a.outlet {o} NULLS LAST, a.id",
    "title": "a.title {o} NULLS LAST, a.id",
}
STORY_SORTS = {
    "articles": "n {o}, story_id",
    "first_seen": "first_seen {o} NULLS LAST, story_id",
    "last_seen": "last_seen {o} NULLS LAST, story_id",
    "outlets": "n_outlets {o}, n DESC, story_id",
}
EVENT_SORTS = {
    "date": "e.date_year {o} NULLS LAST, e.date_month {o} NULLS LAST, e.date_day {o} NULLS LAST, e.article_id, e.idx",
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


class _Where:
    """WHERE clauses and their parameters, added only for the filters that are given."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list = []

    def add(self, value, clause: str, n: int = 1) -> None:
        """Add ``clause`` (fixed SQL with ``n`` placeholders, all bound to ``value``) when value is not None."""
        if value is not None:
            self.clauses.append(clause)
            self.params.extend([value] * n)

    @property
    def sql(self) -> str:
        return ("WHERE " + " AND ".join(f"({c})" for c in self.clauses)) if self.clauses else ""


def _order(table: dict[str, str], sort: str, order: str) -> str:
    # Both keys were validated against fixed choices by the route; look them up, never interpolate them.
    return table[sort].format(o="ASC" if order == "asc" else "DESC")


def _until(value: str | None) -> str | None:
    return None if value is None else value + "-99"  # "2017-10" includes every day of October


def _iso(y: int | None, m: int | None, d: int | None) -> str | None:
    if y is None:
        return None
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")


def _article_where(q, outlet, language, story, since, until) -> _Where:
    w = _Where()
    w.add(q, "strpos(lower(coalesce(a.title, '') || ' ' || a.body), lower(?)) > 0")
    w.add(outlet, "lower(a.outlet) = lower(?)")
    w.add(language, "a.language = ?")
    w.add(story, "a.id IN (SELECT article_id FROM story_assignments WHERE story_id = ?)")
    w.add(since, f"{_PUB_KEY} >= ?")
    w.add(_until(until), f"{_PUB_KEY} <= ?")
    return w


def article_keys(
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
) -> tuple[int, list[str]]:
    """The ids of one page of ``list_articles`` (same filters and order), and the total.

    Only the narrow key columns are sorted; the rows come from the read index or ``article_summaries``.

    RETURNS (tuple[int, list[str]]): the number of matching articles and the page's ids.
    """
    w = _article_where(q, outlet, language, story, since, until)
    total = store.query(f"SELECT count(*) FROM articles a {w.sql}", w.params)[0][0]
    rows = store.query(
        f"SELECT a.id FROM articles a {w.sql} ORDER BY {_order(ARTICLE_SORTS, sort, order)} LIMIT ? OFFSET ?",
        [*w.params, limit, offset],
    )
    return total, [r[0] for r in rows]


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
    w = _article_where(q, outlet, language, story, since, until)
    total = store.query(f"SELECT count(*) FROM articles a {w.sql}", w.params)[0][0]
    order_by = _order(ARTICLE_SORTS, sort, order)
    # The events are counted for the page's articles only (a correlated count grouped all 1.35
    # million events by article for every page: 25 ms of the 35).
    rows = store.query(
        f"""
        WITH page AS (SELECT a.id FROM articles a {w.sql} ORDER BY {order_by} LIMIT ? OFFSET ?),
        n AS (SELECT e.article_id, count(*) AS n FROM events e WHERE e.article_id IN (SELECT id FROM page) GROUP BY 1)
        SELECT a.id, a.outlet, a.title, a.published_year, a.published_month, a.published_day, a.published_precision,
               a.language, a.url, sa.story_id, coalesce(n.n, 0)
        FROM page JOIN articles a ON a.id = page.id LEFT JOIN story_assignments sa ON sa.article_id = a.id
        LEFT JOIN n ON n.article_id = a.id
        ORDER BY {order_by}
        """,
        [*w.params, limit, offset],
    )
    items = tuple(ArticleRow(r[0], r[1], r[2], _iso(r[3], r[4], r[5]), r[6], r[7], r[8], r[9], r[10]) for r in rows)
    return Page(items, total, limit, offset)


def _story_where(q, outlet, place, since, until, min_articles) -> tuple[_Where, _Where]:
    """The story filters: conditions on the grouped articles (HAVING) and on the story rows (WHERE)."""
    having = _Where()
    having.add(q, "bool_or(strpos(lower(coalesce(a.title, '')), lower(?)) > 0 OR strpos(sa.story_id, ?) > 0)", 2)
    having.add(outlet, "bool_or(lower(a.outlet) = lower(?))")
    having.add(min_articles if min_articles > 1 else None, "count(*) >= ?")
    w = _Where()
    w.add(since, "strftime(last_seen, '%Y-%m-%d') >= ?")
    w.add(_until(until), "strftime(first_seen, '%Y-%m-%d') <= ?")
    w.add(
        place,
        "story_id IN (SELECT sa.story_id FROM place_mentions pm JOIN story_assignments sa ON sa.article_id = pm.article_id "
        "WHERE pm.place_id = ? OR strpos(strip_accents(lower(pm.name)), strip_accents(lower(?))) > 0)",
        2,
    )
    return having, w


def _story_cte(having_sql: str) -> str:
    """RETURNS (str): the ``WITH s AS (…)`` of one row per story (articles, first/last seen, outlets)."""
    return f"""WITH s AS (
            SELECT sa.story_id, count(*) AS n, min({_PUB_DATE}) AS first_seen, max({_PUB_DATE}) AS last_seen,
                   count(DISTINCT a.outlet) AS n_outlets
            FROM story_assignments sa JOIN articles a ON a.id = sa.article_id
            GROUP BY sa.story_id {having_sql}
        )"""


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
    """Stories matching the filters, one page of them, with their outlets, title and main places.

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
    having, w = _story_where(q, outlet, place, since, until, min_articles)
    having_sql = having.sql.replace("WHERE", "HAVING", 1)
    rows = store.query(
        f"""
        {_story_cte(having_sql)}
        SELECT story_id, n, first_seen, last_seen, count(*) OVER () AS total FROM s {w.sql}
        ORDER BY {_order(STORY_SORTS, sort, order)} LIMIT ? OFFSET ?
        """,
        [*having.params, *w.params, limit, offset],
    )
    made = story_rows(store, [r[0] for r in rows])
    items = [made[r[0]] for r in rows]
    if rows:
        total = rows[0][-1]
    elif offset:
        total = list_stories(
            store, q=q, outlet=outlet, place=place, since=since, until=until, min_articles=min_articles, limit=1
        ).total
    else:
        total = 0
    return Page(tuple(items), total, limit, offset)


def story_keys(
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
) -> tuple[int, list[str]]:
    """The ids of one page of ``list_stories`` (same filters and order), and the total; the rows come
    from the read index or ``story_rows``.

    RETURNS (tuple[int, list[str]]): the number of matching stories and the page's ids.
    """
    having, w = _story_where(q, outlet, place, since, until, min_articles)
    having_sql = having.sql.replace("WHERE", "HAVING", 1)
    rows = store.query(
        f"""
        {_story_cte(having_sql)}
        SELECT story_id, count(*) OVER () AS total FROM s {w.sql}
        ORDER BY {_order(STORY_SORTS, sort, order)} LIMIT ? OFFSET ?
        """,
        [*having.params, *w.params, limit, offset],
    )
    if rows:
        return rows[0][1], [r[0] for r in rows]
    if offset:  # past the end: the total alone
        return story_keys(store, q=q, outlet=outlet, place=place, since=since, until=until, min_articles=min_articles,
                          limit=1)[0], []  # fmt: skip
    return 0, []


def story_rows(store: Store, story_ids: list[str] | None) -> dict[str, StoryRow]:
    """The list rows of these stories (or of every story), in one statement: articles, outlets,
    first and last dates, the earliest article's title and the three most mentioned places below
    country level (place mentions counted by name; ties by name).

    Args:
        store (Store): a reader's store.
        story_ids (list[str] | None): story ids; None for all.
    RETURNS (dict[str, StoryRow]): by id (unknown ids are left out).
    """
    if story_ids is not None and not story_ids:
        return {}
    only = "WHERE sa.story_id IN (SELECT unnest(?::VARCHAR[]))" if story_ids is not None else ""
    rows = store.query(
        f"""
        WITH s AS (
            SELECT sa.story_id, count(*) AS n, min({_PUB_DATE}) AS first_seen, max({_PUB_DATE}) AS last_seen,
                   list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
                   arg_min(a.title, coalesce({_PUB_DATE}, DATE '9999-12-31')) AS title
            FROM story_assignments sa JOIN articles a ON a.id = sa.article_id {only}
            GROUP BY sa.story_id
        ), p AS (
            SELECT sa.story_id, pm.name, count(*) AS c
            FROM place_mentions pm JOIN story_assignments sa ON sa.article_id = pm.article_id
            {only} {"AND" if only else "WHERE"} pm.place_id IS NOT NULL AND pm.feature_code NOT LIKE 'PCL%'
            GROUP BY sa.story_id, pm.name
        ), pl AS (SELECT story_id, list(name ORDER BY c DESC, name)[1:3] AS places FROM p GROUP BY story_id)
        SELECT s.story_id, s.n, s.outlets, s.first_seen, s.last_seen, pl.places, s.title
        FROM s LEFT JOIN pl ON pl.story_id = s.story_id
        """,
        [list(story_ids), list(story_ids)] if story_ids is not None else [],
    )
    return {r[0]: StoryRow(r[0], r[1], tuple(r[2] or ()), r[3], r[4], tuple(r[5] or ()), r[6]) for r in rows}


_EVENT_COLUMNS = f"""e.article_id, e.event_id, a.outlet, {_PUB_KEY}, e.acled_type, e.acled_subtype, e.plover_root,
    e.plover_mode, e.actor_id, e.actor_name, e.target_id, e.target_name, e.place_id, e.place_name,
    e.country, e.admin1, e.lat, e.lon, e.place_precision, {_EVENT_DATE}, e.date_precision,
    e.date_text, e.modality, e.claim_kind, e.claimant, e.claim_chain, e.fatalities, e.trigger,
    e.evidence, e.confidence, e.reliable"""


#: The events' own columns that ``_EVENT_COLUMNS`` reads (as ``e.x``), for ``list_events``'s page.
_EVENT_OWN = """e.article_id, e.idx, e.event_id, e.acled_type, e.acled_subtype, e.plover_root, e.plover_mode, e.actor_id,
    e.actor_name, e.target_id, e.target_name, e.place_id, e.place_name, e.country, e.admin1, e.lat, e.lon,
    e.place_precision, e.date_year, e.date_month, e.date_day, e.date_precision, e.date_text, e.modality, e.claim_kind,
    e.claimant, e.claim_chain, e.fatalities, e.trigger, e.evidence, e.confidence, e.reliable"""


def _event_where(
    event_type, actor, place, outlet, story, article, q, since, until
) -> tuple[_Where, bool]:
    w = _Where()
    w.add(event_type, "lower(e.acled_type) = lower(?) OR lower(e.acled_subtype) = lower(?) OR lower(e.plover_root) = lower(?)", 3)
    w.add(
        actor,
        "lower(e.actor_id) = lower(?) OR lower(e.target_id) = lower(?) "
        "OR strpos(lower(e.actor_name), lower(?)) > 0 OR strpos(lower(e.target_name), lower(?)) > 0",
        4,
    )
    w.add(
        place,
        "e.place_id = ? OR strpos(strip_accents(lower(e.place_name)), strip_accents(lower(?))) > 0 "
        "OR strpos(strip_accents(lower(e.admin1)), strip_accents(lower(?))) > 0 OR lower(e.country) = lower(?)",
        4,
    )
    w.add(outlet, "lower(a.outlet) = lower(?)")
    w.add(story, "e.article_id IN (SELECT article_id FROM story_assignments WHERE story_id = ?)")
    w.add(article, "e.article_id = ?")
    w.add(q, "strpos(lower(e.evidence), lower(?)) > 0")
    w.add(since, f"{_EVENT_DATE} >= ?")
    w.add(_until(until), f"{_EVENT_DATE} <= ?")
    return w, outlet is not None


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
    w, needs_article = _event_where(event_type, actor, place, outlet, story, article, q, since, until)
    needs_article = needs_article or sort == "outlet"
    join = "JOIN articles a ON a.id = e.article_id" if needs_article else ""
    count_join = "JOIN articles a ON a.id = e.article_id" if outlet is not None else ""
    total = store.query(f"SELECT count(*) FROM events e {count_join} {w.sql}", w.params)[0][0]
    order_by = _order(EVENT_SORTS, sort, order)
    if not w.clauses:
        # Every event: one top-N carrying the event's own columns, the article's joined to the page's
        # rows only (sorting the keys and joining the page back scanned the 1.35 million events
        # twice: 99 ms of CPU instead of 36).
        sql = f"""
        WITH page AS (SELECT {_EVENT_OWN} FROM events e {join} ORDER BY {order_by} LIMIT ? OFFSET ?)
        SELECT {_EVENT_COLUMNS.replace("e.", "page.")} FROM page JOIN articles a ON a.id = page.article_id
        ORDER BY {_order(_PAGE_SORTS, sort, order)}
        """
    else:
        # Filtered: the filter's scan is the cost, and carrying every column through it costs more
        # than joining the page's keys back (52 ms of CPU instead of 35 for type and outlet).
        sql = f"""
        WITH page AS (SELECT e.article_id, e.idx FROM events e {join} {w.sql} ORDER BY {order_by} LIMIT ? OFFSET ?)
        SELECT {_EVENT_COLUMNS}
        FROM page JOIN events e ON e.article_id = page.article_id AND e.idx = page.idx
        JOIN articles a ON a.id = e.article_id
        ORDER BY {order_by}
        """
    rows = store.query(sql, [*w.params, limit, offset])
    return Page(tuple(EventRow(*r) for r in rows), total, limit, offset)


#: ``EVENT_SORTS`` on the columns of ``list_events``'s page.
_PAGE_SORTS = {
    "date": "page.date_year {o} NULLS LAST, page.date_month {o} NULLS LAST, page.date_day {o} NULLS LAST, page.article_id, page.idx",
    "confidence": "page.confidence {o}, page.article_id, page.idx",
    "outlet": "a.outlet {o} NULLS LAST, page.article_id, page.idx",
    "type": "page.acled_type {o} NULLS LAST, page.acled_subtype {o} NULLS LAST, page.article_id, page.idx",
}


def event_keys(
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
) -> tuple[int, list[tuple[str, int]]]:
    """The keys (article id, index) of one page of ``list_events`` (same filters and order), and the
    total. Only the key columns are sorted; the rows come from the read index or ``event_rows``.

    RETURNS (tuple[int, list[tuple[str, int]]]): the number of matching events and the page's keys.
    """
    w, needs_article = _event_where(event_type, actor, place, outlet, story, article, q, since, until)
    join = "JOIN articles a ON a.id = e.article_id" if needs_article or sort == "outlet" else ""
    count_join = "JOIN articles a ON a.id = e.article_id" if outlet is not None else ""
    total = store.query(f"SELECT count(*) FROM events e {count_join} {w.sql}", w.params)[0][0]
    rows = store.query(
        f"SELECT e.article_id, e.idx FROM events e {join} {w.sql} ORDER BY {_order(EVENT_SORTS, sort, order)} LIMIT ? OFFSET ?",
        [*w.params, limit, offset],
    )
    return total, [(r[0], r[1]) for r in rows]


def event_rows(store: Store, keys: list[tuple[str, int]]) -> dict[tuple[str, int], EventRow]:
    """The list rows of these events (found by their articles' ids: index lookups).

    Args:
        store (Store): a reader's store.
        keys (list[tuple[str, int]]): (article id, index) of each event.
    RETURNS (dict[tuple[str, int], EventRow]): by key.
    """
    ids = sorted({k[0] for k in keys})
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    # Two index lookups (events by article, articles by id) joined here: a join in SQL scans articles.
    articles = {
        r[0]: (r[1], r[2])
        for r in store.query(f"SELECT a.id, a.outlet, {_PUB_KEY} FROM articles a WHERE a.id IN ({marks})", ids)
    }
    rows = store.query(f"SELECT e.idx, {_EVENT_ONLY_COLUMNS} FROM events e WHERE e.article_id IN ({marks})", ids)
    wanted = set(keys)
    out = {}
    for r in rows:
        if (r[1], r[0]) in wanted:
            values = list(r[1:])
            values[2], values[3] = articles.get(r[1], (None, None))  # outlet, published
            out[(r[1], r[0])] = EventRow(*values)
    return out


#: ``_EVENT_COLUMNS`` with the article's outlet and publication date left out (NULL), for ``event_rows``.
_EVENT_ONLY_COLUMNS = _EVENT_COLUMNS.replace("a.outlet", "NULL").replace(_PUB_KEY, "NULL")


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
    w = _Where()
    w.add(q, "strpos(lower(am.actor_id), lower(?)) > 0 OR strpos(lower(am.name), lower(?)) > 0", 2)
    w.add(actor_type, "lower(am.type) = lower(?)")
    w.add(country, "lower(am.country) = lower(?)")
    w.add(story, "am.article_id IN (SELECT article_id FROM story_assignments WHERE story_id = ?)")
    rows = store.query(
        f"""
        WITH g AS (
            SELECT am.actor_id, any_value(am.name) AS name, any_value(am.type) AS type,
                   any_value(am.country) AS country, count(*) AS mentions, count(DISTINCT am.article_id) AS articles
            FROM actor_mentions am {w.sql}
            GROUP BY am.actor_id
        )
        SELECT actor_id, name, type, country, mentions, articles, count(*) OVER () AS total FROM g
        ORDER BY {_order(ACTOR_SORTS, sort, order)} LIMIT ? OFFSET ?
        """,
        [*w.params, limit, offset],
    )
    items = tuple(ActorRow(*r[:-1]) for r in rows)
    if rows:
        total = rows[0][-1]
    elif offset:
        total = list_actors(store, q=q, actor_type=actor_type, country=country, story=story, limit=1).total
    else:
        total = 0
    return Page(items, total, limit, offset)


def article_summaries(store: Store, ids: list[str] | None) -> dict[str, ArticleRow]:
    """Summaries of the given articles (a story's, a page's), or of every article.

    Args:
        store (Store): a reader's store.
        ids (list[str] | None): full article ids (found by index lookups); None for all articles.
    RETURNS (dict[str, ArticleRow]): by id.
    """
    if ids is not None and not ids:
        return {}
    marks = ", ".join("?" * len(ids)) if ids is not None else ""
    rows = store.query(
        f"""
        SELECT a.id, a.outlet, a.title, a.published_year, a.published_month, a.published_day, a.published_precision,
               a.language, a.url, sa.story_id, coalesce(ec.n, 0)
        FROM articles a LEFT JOIN story_assignments sa ON sa.article_id = a.id
        LEFT JOIN (SELECT article_id, count(*) AS n FROM events {f"WHERE article_id IN ({marks})" if ids else ""}
                   GROUP BY article_id) ec ON ec.article_id = a.id
        {f"WHERE a.id IN ({marks})" if ids else ""}
        """,
        [*ids, *ids] if ids else [],
    )
    return {r[0]: ArticleRow(r[0], r[1], r[2], _iso(r[3], r[4], r[5]), r[6], r[7], r[8], r[9], r[10]) for r in rows}
