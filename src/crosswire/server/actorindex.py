"""The actor list in the read index: how often each article mentions each actor, summed per request.

``queries.list_actors`` groups every actor mention (6.25 million at 100,000 articles) for each page:
0.7-1.4 s. Here the mentions are counted once per (article, actor) pair (about 15 pairs an article),
the pairs kept in article order, and a page sums the pairs of the articles it covers: all of them
(sums made once per write) or one story's. The filters of the SQL (``q`` on the id or name, type,
country) are filters on the mention's actor; they are the same on the actor as long as each actor id
has one name, type and country in the store, which ``load_actors`` checks (when not, the actor
list is left to SQL).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..store import Store
from .columns import Codes, Num, Query, SortKey, Values, rows_of, sort_rows

_PAIRS_SQL = "SELECT article_id, actor_id, count(*) AS n FROM actor_mentions am {where} GROUP BY 1, 2"
_ACTORS_SQL = """
    SELECT actor_id, any_value(name) AS name, any_value(type) AS type, any_value(country) AS country,
           count(DISTINCT name) + max(CASE WHEN name IS NULL THEN 1 ELSE 0 END) > 1
           OR count(DISTINCT type) + max(CASE WHEN type IS NULL THEN 1 ELSE 0 END) > 1
           OR count(DISTINCT country) + max(CASE WHEN country IS NULL THEN 1 ELSE 0 END) > 1 AS varies
    FROM actor_mentions am {where} GROUP BY 1
"""


@dataclass(frozen=True, slots=True)
class Actors:
    """The actor list's columns; actor row = code in ``id.values``."""

    id: Codes
    name: Codes
    type: Codes
    country: Codes
    pair_actor: np.ndarray  # the (article, actor) pairs, in article row order: the actor row …
    pair_count: np.ndarray  # … and how often the article mentions it
    start: np.ndarray  # per article row: its pairs are pair_*[start : start + count]
    count: np.ndarray
    mentions: np.ndarray  # per actor row, over every article
    articles: np.ndarray


def _arrow(store: Store, sql: str, params: list | None = None) -> pa.Table:
    return store.arrow(sql, params)


def _attributes(store: Store, where: str, params: list) -> tuple[pa.Table, bool]:
    table = _arrow(store, _ACTORS_SQL.format(where=where), params)
    return table, bool(pc.any(table["varies"]).as_py()) if table.num_rows else False


def load_actors(store: Store, article_ids: Values) -> Actors | None:
    """Read every actor mention's counts.

    Args:
        store (Store): a reader's store.
        article_ids (Values): the article ids (code = article row).
    RETURNS (Actors | None): the columns; None when an actor id has more than one name, type or country.
    """
    attrs, varies = _attributes(store, "", [])
    if varies:
        return None
    ids = Values(attrs["actor_id"].to_pylist())
    pairs = _arrow(store, _PAIRS_SQL.format(where=""))
    art = rows_of(pairs["article_id"], article_ids)
    act = np.asarray([ids.code[a] for a in pairs["actor_id"].to_pylist()], dtype=np.int32)
    n = pairs["n"].to_numpy().astype(np.int32)
    keep = art >= 0  # mentions of an article that is not stored (none in a consistent store) are left out
    order = np.lexsort((act[keep], art[keep]))
    art, act, n = art[keep][order], act[keep][order], n[keep][order]
    count = np.bincount(art, minlength=len(article_ids)).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return _with_sums(Actors(
        id=Codes(np.arange(len(ids)).astype(np.int32), ids), name=Codes.encode(attrs["name"]),
        type=Codes.encode(attrs["type"]), country=Codes.encode(attrs["country"]), pair_actor=act, pair_count=n,
        start=start, count=count, mentions=np.zeros(0, np.int64), articles=np.zeros(0, np.int64),
    ))  # fmt: skip


def _with_sums(a: Actors) -> Actors:
    n = len(a.id.values)
    mentions = np.bincount(a.pair_actor, weights=a.pair_count, minlength=n).astype(np.int64)
    return replace(a, mentions=mentions, articles=np.bincount(a.pair_actor, minlength=n).astype(np.int64))


def add_actors(store: Store, actors: Actors, new_ids: list[str], first_row: int) -> Actors | None:
    """The actor columns with the mentions of new articles added.

    Args:
        store (Store): a reader's store (the write is committed).
        actors (Actors): the columns before the write.
        new_ids (list[str]): the new articles' ids, in the order of their rows.
        first_row (int): the row of the first new article.
    RETURNS (Actors | None): the new columns; None when an actor id now has more than one name, type or country.
    """
    where, params = "WHERE am.article_id IN (SELECT unnest(?::VARCHAR[]))", [list(new_ids)]
    attrs, varies = _attributes(store, where, params)
    if varies:
        return None
    ids = actors.id.values
    known = {c: (actors.name.values.values[actors.name.codes[c]], actors.type.values.values[actors.type.codes[c]],
                 actors.country.values.values[actors.country.codes[c]]) for c in range(len(actors.id.codes))}  # fmt: skip
    fresh = []
    for aid, name, typ, country in zip(*(attrs[c].to_pylist() for c in ("actor_id", "name", "type", "country")), strict=True):
        code = ids.code.get(aid)
        if code is not None and code < len(actors.id.codes):
            if known[code] != (name, typ, country):
                return None  # the same actor id with another name, type or country: SQL groups them otherwise
        else:
            fresh.append((aid, name, typ, country))
    pairs = _arrow(store, _PAIRS_SQL.format(where=where), params)
    rows = {a: first_row + i for i, a in enumerate(new_ids)}
    new = sorted(
        (rows[a], aid, n)
        for a, aid, n in zip(*(pairs[c].to_pylist() for c in ("article_id", "actor_id", "n")), strict=True)
    )
    out = replace(
        actors,
        id=actors.id.append([f[0] for f in fresh]), name=actors.name.append([f[1] for f in fresh]),
        type=actors.type.append([f[2] for f in fresh]), country=actors.country.append([f[3] for f in fresh]),
    )  # fmt: skip
    count = np.bincount(np.asarray([r for r, _, _ in new], dtype=np.int64) - first_row, minlength=len(new_ids))
    start = len(actors.pair_actor) + np.concatenate([[0], np.cumsum(count)[:-1]])
    new_actor = np.asarray([ids.code[a] for _, a, _ in new], dtype=np.int32)
    new_count = np.asarray([n for _, _, n in new], dtype=np.int32)
    n = len(ids)
    grow = lambda a: np.concatenate([a, np.zeros(n - len(a), dtype=np.int64)])
    return replace(
        out,
        pair_actor=np.concatenate([actors.pair_actor, new_actor]),
        pair_count=np.concatenate([actors.pair_count, new_count]),
        start=np.concatenate([actors.start, start.astype(np.int64)]),
        count=np.concatenate([actors.count, count.astype(np.int64)]),
        # The sums grow by the new pairs' (summing every pair again took 30 ms a write).
        mentions=grow(actors.mentions) + np.bincount(new_actor, weights=new_count, minlength=n).astype(np.int64),
        articles=grow(actors.articles) + np.bincount(new_actor, minlength=n).astype(np.int64),
    )


def actor_rows(actors: Actors, filters: dict, story_articles: np.ndarray | None, run: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The actors that pass the filters, with their counts.

    Args:
        actors (Actors): the columns.
        filters (dict): ``q``, ``actor_type``, ``country``.
        story_articles (np.ndarray | None): count only these article rows (a story's); None: all.
        run (Query): runs the filters' SQL on distinct values.
    RETURNS (tuple[np.ndarray, np.ndarray, np.ndarray]): the actor rows, and every actor's mentions and
        articles (per actor row).
    """
    if story_articles is None:
        mentions, articles = actors.mentions, actors.articles
    else:
        at = [np.arange(actors.start[r], actors.start[r] + actors.count[r]) for r in story_articles.tolist()]
        picked = np.concatenate(at) if at else np.zeros(0, dtype=np.int64)
        n = len(actors.id.values)
        mentions = np.bincount(actors.pair_actor[picked], weights=actors.pair_count[picked], minlength=n).astype(np.int64)
        articles = np.bincount(actors.pair_actor[picked], minlength=n).astype(np.int64)
    mask = articles[: len(actors.id.codes)] > 0
    tests = []
    if (q := filters.get("q")) is not None:
        tests.append([actors.id.where("has", q, run), actors.name.where("has", q, run)])
    for name, col in (("actor_type", actors.type), ("country", actors.country)):
        if filters.get(name) is not None:
            tests.append([col.where("ieq", filters[name], run)])
    for alternatives in tests:  # each test: any of its masks (None: no actor passes that one)
        found = [m for m in alternatives if m is not None]
        if not found:
            return np.zeros(0, dtype=np.int64), mentions, articles
        mask &= found[0] if len(found) == 1 else found[0] | found[1]
    return np.flatnonzero(mask), mentions, articles


def sort_actors(actors: Actors, rows: np.ndarray, mentions: np.ndarray, articles: np.ndarray, sort: str, order: str) -> np.ndarray:
    """RETURNS (np.ndarray): ``rows`` in the order of ``queries.ACTOR_SORTS``."""
    n = len(actors.id.codes)
    desc = order == "desc"
    first = {
        "mentions": SortKey(Num(mentions[:n], np.zeros(n, dtype=bool)), desc),
        "articles": SortKey(Num(articles[:n], np.zeros(n, dtype=bool)), desc),
        "name": SortKey(actors.name, desc),
    }[sort]
    return sort_rows([first, SortKey(actors.id)], rows)
