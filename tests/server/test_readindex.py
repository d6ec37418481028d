"""The read index answers every list page exactly as its SQL query does, before and after writes
(new articles, a story that grows), whichever columns it keeps as plain text."""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import replace

import pytest

from crosswire.ingest.readers import read_bytes
from crosswire.model import RawArticle
from crosswire.serialize import to_jsonable
from crosswire.server import ServerSettings, queries
from crosswire.server.readindex import ReadIndex
from crosswire.server.state import ServerState

pytestmark = pytest.mark.slow

LISTERS = {
    "articles": queries.list_articles, "events": queries.list_events, "stories": queries.list_stories,
    "actors": queries.list_actors,
}  # fmt: skip
SORTS = {
    "articles": queries.ARTICLE_SORTS, "events": queries.EVENT_SORTS, "stories": queries.STORY_SORTS,
    "actors": queries.ACTOR_SORTS,
}  # fmt: skip
FILTERS = {
    "articles": [{}, {"outlet": "rt"}, {"outlet": "No Such"}, {"language": "en"}, {"since": "2017-10-14"},
                 {"until": "2017-10"}, {"story": "@story"}],
    "events": [{}, {"event_type": "battles"}, {"event_type": "ASSAULT", "outlet": "Press TV"}, {"actor": "IS"},
               {"actor": "islamic"}, {"place": "mayad"}, {"place": "SY"}, {"since": "2017", "until": "2017-10-13"},
               {"story": "@story"}, {"article": "@article"}, {"outlet": "Wire X"}],
    "stories": [{}, {"outlet": "RT"}, {"outlet": "Wire X"}, {"min_articles": 2}, {"since": "2017-10-14"},
                {"until": "2017-10-13"}],
    "actors": [{}, {"q": "islamic"}, {"q": "sy-"}, {"actor_type": "State Military"}, {"country": "sy", "q": "a"},
               {"story": "@story"}, {"story": "no such story"}, {"country": "ZZ"}],
}  # fmt: skip
PAGES = [(50, 0), (3, 2), (10, 1000)]


def _resolve(filters: dict, st: ServerState) -> dict:
    story = st.reader().query("SELECT story_id FROM story_assignments ORDER BY story_id LIMIT 1")[0][0]
    article = st.reader().query("SELECT article_id FROM story_assignments WHERE story_id = ? LIMIT 1", [story])[0][0]
    return {k: {"@story": story, "@article": article}.get(v, v) for k, v in filters.items()}


def _assert_pages_equal(st: ServerState, index: ReadIndex) -> int:
    """Compare every list, filter, sort, order and page of the index with its SQL; RETURNS the pages compared."""
    compared = 0
    for kind, lister in LISTERS.items():
        for filters, sort, order, (limit, offset) in itertools.product(FILTERS[kind], SORTS[kind], ("asc", "desc"), PAGES):
            f = {**_resolve(filters, st), "sort": sort, "order": order}
            got = index.page(kind, f, limit, offset, st.query)
            assert got is not None, (kind, f)
            page = lister(st.reader(), **f, limit=limit, offset=offset)
            want = {"ok": True, "total": page.total, "limit": limit, "offset": offset, "items": to_jsonable(list(page.items))}
            assert json.loads(got) == want, (kind, f, limit, offset)
            compared += 1
    return compared


@pytest.fixture()
def state(tmp_path, seed_db, resources):
    db = tmp_path / "store.duckdb"
    shutil.copy(seed_db, db)
    st = ServerState(ServerSettings(db=str(db)), resources=resources)
    yield st
    st.close()


def _raw(text: str, outlet: str, published: str) -> RawArticle:
    [item] = list(read_bytes(text.encode(), source="<test>", suffix=".txt", max_bytes=10**6))
    assert isinstance(item, RawArticle)
    return replace(item, outlet=outlet, published=published)


def test_readindex_pages_equal_sql_after_writes(state, presstv_path):
    assert state.build_index()
    # One article that joins the seed story (its text plus a paragraph), one of a new story.
    grown = presstv_path.read_text("utf-8") + "\n\nLater on Friday, the army said it had reached the city's outskirts."
    other = (
        "Turkish forces shelled Kurdish positions near the village of Tel Rifaat on Sunday, a monitoring group said. "
        "Witnesses said five trucks were seen leaving the area."
    )
    outcome = state.ingest([_raw(grown, "Wire X", "2017-10-15"), _raw(other, "Wire X", "2019-01-02")])
    assert len(outcome.new_ids) == 2 and outcome.changed_stories
    assert len(state.index.snapshot().articles) == 4
    assert _assert_pages_equal(state, state.index) > 500
    # Writing the same article again changes nothing.
    assert not state.ingest([_raw(grown, "Wire X", "2017-10-15")]).new_ids
    assert len(state.index.snapshot().articles) == 4


def test_readindex_with_text_columns_answers_as_sql(state):
    index = ReadIndex(text_share=0.0)  # every column that may be plain text is
    index.build(state.reader())
    kinds = {type(c).__name__ for c in index.snapshot().events.columns.values()}
    assert "Text" in kinds
    assert _assert_pages_equal(state, index) > 500


def test_readindex_leaves_full_text_filters_to_sql(state):
    assert state.build_index()
    assert state.index.page("articles", {"q": "mayad", "sort": "published", "order": "desc"}, 5, 0, state.query) is None
    assert state.index.page("events", {"q": "army", "sort": "date", "order": "desc"}, 5, 0, state.query) is None
    assert state.index.page("stories", {"place": "x", "sort": "articles", "order": "desc"}, 5, 0, state.query) is None
    body = state.list_page("events", queries.list_events, {"q": "army", "sort": "date", "order": "desc"}, 5, 0)
    page = queries.list_events(state.reader(), q="army", limit=5, offset=0)
    assert json.loads(body)["items"] == to_jsonable(list(page.items)) and page.total > 0
