"""The server's read index and kept story bodies answer exactly what the queries answer: list pages
from the read index (and pages whose keys SQL found, with rows from the index) equal the pages of a
server that answers every list by SQL; story bodies are kept in the store, reused after a restart,
rebuilt at write time for the stories a POST changes; gzip only for clients that ask."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from crosswire.store import Store

from .conftest import TOKEN, start_server

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {TOKEN}"}

LISTS = [
    ("/api/articles", {}),
    ("/api/articles", {"sort": "title", "order": "asc"}),
    ("/api/articles", {"sort": "ingested", "outlet": "rt"}),
    ("/api/articles", {"q": "mayad"}),  # full text: keys by SQL, rows from the index
    ("/api/events", {}),
    ("/api/events", {"sort": "confidence", "order": "asc"}),
    ("/api/events", {"type": "Battles"}),
    ("/api/events", {"actor": "islamic", "sort": "type"}),
    ("/api/events", {"place": "MAYAD", "since": "2017", "until": "2017-10"}),
    ("/api/events", {"q": "troops", "sort": "outlet", "order": "asc"}),
    ("/api/stories", {}),
    ("/api/stories", {"sort": "outlets", "order": "asc", "outlet": "RT"}),
    ("/api/stories", {"place": "Mayad"}),
    ("/api/actors", {}),
    ("/api/actors", {"sort": "name", "order": "asc"}),
]


@pytest.fixture(scope="module")
def indexed(make_server):
    """A server whose lists come from the read index (built before it answers)."""
    return make_server(token=TOKEN, warm=True)


@pytest.fixture(scope="module")
def direct(make_server):
    """A server without the read index: every list page is a SQL query."""
    return make_server(token=TOKEN, read_index=False)


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_index_pages_equal_pages_queried_alone(indexed, direct, path, params):
    with indexed.client() as w, direct.client() as d:
        total = d.get(path, params={**params, "limit": 1}).json()["total"]
        assert total > 0
        for limit in (1, 3, 7):
            for offset in range(0, total + 2, 2):
                q = {**params, "limit": limit, "offset": offset}
                a, b = w.get(path, params=q), d.get(path, params=q)
                assert a.status_code == b.status_code == 200
                assert a.json() == b.json(), (path, q)
                assert len(a.json()["items"]) == max(0, min(limit, total - offset))


def test_docs_pages_are_off_and_the_schema_is_served(indexed):
    with indexed.client() as c:
        assert c.get("/docs").status_code == 404
        assert c.get("/redoc").status_code == 404
        assert c.get("/openapi.json").json()["paths"]["/api/stories/{story_id}"]


def _story_id(client: httpx.Client) -> str:
    return client.get("/api/stories", params={"limit": 1}).json()["items"][0]["id"]


def test_story_is_gzip_only_for_clients_that_accept_it(indexed):
    with indexed.client() as c:
        sid = _story_id(c)
        plain = c.get(f"/api/stories/{sid}", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "content-encoding" not in plain.headers
        packed = c.get(f"/api/stories/{sid}", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        assert len(packed.content) > 0 and packed.json() == plain.json()
        # What went over the wire is the compressed body, smaller than the JSON.
        assert int(packed.headers["content-length"]) < len(plain.content)
        assert plain.json()["story"]["id"] == sid


def _kept(db) -> dict[str, tuple[str, dict]]:
    with Store.open(db) as store:
        rows = store.query("SELECT story_id, signature, body FROM story_cache")
    return {sid: (sig, json.loads(gzip.decompress(bytes(body)))) for sid, sig, body in rows}


def _built_at(db, story_id: str):
    with Store.open(db) as store:
        return store.query("SELECT built_at FROM story_cache WHERE story_id = ?", [story_id])[0][0]


def test_story_bodies_are_kept_reused_after_restart_and_rebuilt_by_a_write(make_server, resources, rt_path):
    srv = make_server(token=TOKEN)
    with srv.client() as c:
        sid = _story_id(c)
        first = c.get(f"/api/stories/{sid}").json()
    srv.stop()
    assert _kept(srv.db)[sid][1] == first  # built on the first request and kept in the store
    built_at = _built_at(srv.db, sid)

    again = start_server(srv.db, resources, token=TOKEN)
    try:
        with again.client() as c:
            assert c.get(f"/api/stories/{sid}").json() == first
    finally:
        again.stop()
    assert _built_at(srv.db, sid) == built_at  # read from the store after the restart, not rebuilt

    third = start_server(srv.db, resources, token=TOKEN)
    try:
        with third.client() as c:
            # A write that adds an article to a story rebuilds that story's kept body at once.
            text = rt_path.read_text("utf-8") + "\n\nUpdate: a further report said five vehicles were seen."
            r = c.post("/api/articles", params={"outlet": "Test Wire"}, content=text.encode(),
                       headers={**AUTH, "Content-Type": "text/plain"})  # fmt: skip
            assert r.status_code == 201, r.text
            new_id, new_story = r.json()["articles"][0]["id"], r.json()["articles"][0]["story_id"]
    finally:
        third.stop()
    _, body = _kept(srv.db)[new_story]
    with Store.open(srv.db) as store:
        members = {r[0] for r in store.query("SELECT article_id FROM story_assignments WHERE story_id = ?", [new_story])}
    assert new_id in members
    assert set(body["story"]["article_ids"]) == members
    if new_story == sid:
        assert _built_at(srv.db, sid) > built_at and len(body["story"]["article_ids"]) > len(first["story"]["article_ids"])

    last = start_server(srv.db, resources, token=TOKEN)
    try:
        with last.client() as c:
            assert c.get(f"/api/stories/{new_story}").json() == body
    finally:
        last.stop()


def test_a_write_remakes_the_rows_it_changes_on_a_warm_server(tmp_path, seed_db, resources, rt_path):
    db = tmp_path / "warm.duckdb"
    db.write_bytes(seed_db.read_bytes())
    srv = start_server(db, resources, token=TOKEN, warm=True)
    try:
        with srv.client() as c:
            before = c.get("/api/articles", params={"limit": 500}).json()
            stories_before = c.get("/api/stories", params={"limit": 500}).json()
            text = rt_path.read_text("utf-8") + "\n\nUpdate: a later report said nine vehicles were seen."
            r = c.post("/api/articles", params={"outlet": "Wire B"}, content=text.encode(),
                       headers={**AUTH, "Content-Type": "text/plain"})  # fmt: skip
            assert r.status_code == 201, r.text
            after = c.get("/api/articles", params={"limit": 500}).json()
            assert after["total"] == before["total"] + 1
            for item in after["items"]:  # every row's story is the article's story now
                assert item["story_id"] == c.get(f"/api/articles/{item['id']}").json()["story_id"]
            stories = {s["id"]: s for s in c.get("/api/stories", params={"limit": 500}).json()["items"]}
            new_story = r.json()["articles"][0]["story_id"]
            members = [a for a in after["items"] if a["story_id"] == new_story]
            assert stories[new_story]["articles"] == len(members)
            assert sum(s["articles"] for s in stories.values()) == sum(s["articles"] for s in stories_before["items"]) + 1
    finally:
        srv.stop()
