"""The REST API against a real uvicorn server on loopback, over a real DuckDB store of the seeds."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = pytest.mark.slow  # the store is made by the real spaCy pipeline


def _assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list)
    return body


def test_server_info_reports_store_and_writes(api):
    body = api.get("/api/").json()
    assert body["ok"] is True
    assert body["writes_enabled"] is True
    assert body["counts"]["articles"] >= 2
    assert set(body["exports"]) == {"parquet", "csv", "jsonl", "acled", "plover", "geojson"}


def test_server_articles_paginate_and_sort(api):
    full = api.get("/api/articles", params={"sort": "outlet", "order": "asc"}).json()
    seeds = [a for a in full["items"] if a["outlet"] in ("Press TV", "RT")]
    assert {a["outlet"] for a in seeds} == {"Press TV", "RT"}
    outlets = [a["outlet"] or "" for a in full["items"]]
    assert outlets == sorted(outlets)
    first = api.get("/api/articles", params={"sort": "outlet", "order": "asc", "limit": 1}).json()
    second = api.get("/api/articles", params={"sort": "outlet", "order": "asc", "limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == full["total"]
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [a["id"] for a in full["items"][:2]]
    desc = api.get("/api/articles", params={"sort": "outlet", "order": "desc"}).json()
    assert [a["id"] for a in desc["items"]][0] != full["items"][0]["id"]


@pytest.mark.parametrize(
    ("params", "outlets"),
    [
        ({"q": "al-Mayadin", "outlet": "press tv"}, {"Press TV"}),
        ({"outlet": "RT"}, {"RT"}),
        ({"q": "no such words anywhere 7f3a"}, set()),
        ({"q": "'; DROP TABLE articles; --"}, set()),
        ({"q": "%"}, set()),
    ],
)
def test_server_articles_search_and_filter(api, params, outlets):
    body = api.get("/api/articles", params=params).json()
    assert {a["outlet"] for a in body["items"]} == outlets
    assert body["total"] == len(body["items"])
    assert api.get("/api/").json()["counts"]["articles"] >= 2  # the injection attempt was only text


def test_server_article_by_prefix_has_analysis_and_story(api, seed_story_id):
    row = api.get("/api/articles", params={"outlet": "RT"}).json()["items"][0]
    body = api.get(f"/api/articles/{row['id'][:8]}").json()
    assert body["analysis"]["article"]["id"] == row["id"]
    assert body["story_id"] == seed_story_id
    assert len(body["analysis"]["events"]) == row["events"] > 0
    assert "Mayadeen" in body["analysis"]["article"]["body"]


def test_server_events_filter_sort_and_total(api):
    everything = api.get("/api/events", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 0
    battles = api.get("/api/events", params={"type": "battles", "limit": 500}).json()
    assert 0 < battles["total"] < everything["total"]
    assert all("Battles" in (e["acled_type"], e["acled_subtype"]) for e in battles["items"])
    rt = api.get("/api/events", params={"outlet": "RT", "limit": 500}).json()
    assert rt["items"] and {e["outlet"] for e in rt["items"]} == {"RT"}
    conf = [e["confidence"] for e in api.get("/api/events", params={"sort": "confidence", "order": "asc"}).json()["items"]]
    assert conf == sorted(conf)
    dated = api.get("/api/events", params={"since": "2017-10", "until": "2017-10-31", "limit": 500}).json()
    assert all(e["date"] is not None and "2017-10" <= e["date"] <= "2017-10-31" for e in dated["items"])
    page2 = api.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert [e["event_id"] for e in page2["items"]] == [e["event_id"] for e in everything["items"][5:10]]


def test_server_stories_list_and_filters(api, seed_story_id):
    body = api.get("/api/stories", params={"outlet": "rt"}).json()
    seed = next(s for s in body["items"] if s["id"] == seed_story_id)
    assert seed["outlets"] == ["Press TV", "RT"]
    assert seed["places"]
    assert api.get("/api/stories", params={"outlet": "No Such Outlet"}).json()["total"] == 0
    assert api.get("/api/stories", params={"place": "Mayad"}).json()["items"][0]["id"] == seed_story_id
    assert api.get("/api/stories", params={"min_articles": 1000}).json()["items"] == []


def test_server_story_has_timeline_corroboration_and_articles(api, seed_story_id):
    body = api.get(f"/api/stories/{seed_story_id}", params={"include_text": "true"}).json()
    story = body["story"]
    assert story["id"] == seed_story_id
    assert story["events"], "the seed story has a timeline"
    for ev in story["events"]:
        assert ev["corroboration"]["articles"] == len({m["article_id"] for m in ev["mentions"]})
    assert {a["outlet"] for a in body["articles"]} >= {"Press TV", "RT"}
    assert all(a["body"] for a in body["articles"])
    assert "contradictions" in story and "corroboration" in story
    assert body["map"] == f"/api/stories/{seed_story_id}/map.svg"
    without = api.get(f"/api/stories/{seed_story_id}").json()
    assert all(a["body"] is None for a in without["articles"])


def test_server_story_map_is_svg(api, seed_story_id):
    r = api.get(f"/api/stories/{seed_story_id}/map.svg")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.lstrip().startswith("<svg") and "Mayād" in r.text


def test_server_actors_search_and_sort(api):
    body = api.get("/api/actors", params={"q": "islamic"}).json()
    assert "IS" in {a["id"] for a in body["items"]}
    names = [a["name"] for a in api.get("/api/actors", params={"sort": "name", "order": "asc", "limit": 500}).json()["items"]]
    assert names == sorted(names)
    top = api.get("/api/actors", params={"limit": 3}).json()["items"]
    assert [a["mentions"] for a in top] == sorted((a["mentions"] for a in top), reverse=True)


def test_server_export_every_cli_format(api):
    n_events = api.get("/api/events", params={"limit": 1}).json()["total"]
    n_articles = api.get("/api/").json()["counts"]["articles"]
    r = api.get("/api/export/acled")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == n_events
    r = api.get("/api/export/acled", params={"outlet": "RT"})
    assert {row["source"].split(";")[0] for row in csv.DictReader(io.StringIO(r.text))} == {"RT"}
    lines = api.get("/api/export/plover").text.splitlines()
    assert len(lines) == n_events and json.loads(lines[0])["event_text"]
    geo = api.get("/api/export/geojson").json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert api.get("/api/export/parquet", params={"table": "events"}).content[:4] == b"PAR1"
    rows = list(csv.DictReader(io.StringIO(api.get("/api/export/csv", params={"table": "articles"}).text)))
    assert len(rows) == n_articles
    jl = api.get("/api/export/jsonl", params={"table": "story_assignments"}).text.splitlines()
    assert len(jl) == n_articles
    assert "attachment" in r.headers["content-disposition"]


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        ("GET", "/api/stories/story-does-not-exist", None, 404),
        ("GET", "/api/stories/story-does-not-exist/map.svg", None, 404),
        ("GET", "/api/articles/ffffffffffff", None, 404),
        ("GET", "/api/articles/ab", None, 422),
        ("GET", "/api/no-such-thing", None, 404),
        ("GET", "/api/articles", {"limit": 100000}, 422),
        ("GET", "/api/articles", {"sort": "body; DROP TABLE articles"}, 422),
        ("GET", "/api/events", {"since": "yesterday"}, 422),
        ("GET", "/api/export/xml", None, 422),
        ("DELETE", "/api/articles", None, 405),
    ],
)
def test_server_every_error_has_one_shape(api, method, path, params, status):
    _assert_error(api.request(method, path, params=params), status)


def test_server_openapi_documents_errors_and_examples(api):
    schema = api.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/articles", "/api/events", "/api/stories", "/api/stories/{story_id}", "/api/actors", "/api/export/{fmt}"):
        assert path in paths
    assert "ErrorOut" in schema["components"]["schemas"]
    post = paths["/api/articles"]["post"]
    for code in ("401", "403", "413", "422"):
        assert post["responses"][code]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert set(post["requestBody"]["content"]) == {"application/json", "text/plain", "text/html"}
    for name in ("ArticlePage", "EventPage", "StoryPage", "StoryOut", "ActorPage", "IngestOut", "ErrorOut"):
        assert schema["components"]["schemas"][name].get("examples"), name


def test_server_page_and_static_files_are_served(api):
    page = api.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/app.js" in page.text and "http" not in page.text.replace("http-equiv", "")
    js = api.get("/static/app.js")
    assert js.status_code == 200 and "innerHTML" not in js.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/api/articles", "/api/events", "/api/stories", "/api/actors"])
def test_server_offset_past_the_end_keeps_the_total(api, path):
    total = api.get(path, params={"limit": 1}).json()["total"]
    body = api.get(path, params={"offset": 10**6}).json()
    assert body["items"] == [] and body["total"] == total > 0
