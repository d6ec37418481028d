"""POST /api/articles: analysed, linked into stories and stored on arrival; writes serialised."""

from __future__ import annotations

import threading

import pytest

from .conftest import TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(make_server):
    """A server of this module's own: its POST tests add articles and stories."""
    return make_server(token=TOKEN)


@pytest.fixture(scope="module")
def api(live):
    with live.client() as c:
        yield c

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_post_text_is_analysed_linked_and_idempotent(api, rt_path):
    text = rt_path.read_text("utf-8").replace("Al-Mayadeen", "Al-Mayadeen (al-Mayadin)", 1)
    params = {"outlet": "Test Wire", "published": "2017-10-15", "url": "https://example.org/a"}
    r = api.post("/api/articles", params=params, content=text.encode(), headers={**AUTH, "Content-Type": "text/plain"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 1 and body["already_present"] == 0
    art = body["articles"][0]
    assert art["new"] is True and art["outlet"] == "Test Wire" and art["published"] == "2017-10-15"
    assert art["events"] > 0 and art["story_id"]
    stored = api.get(f"/api/articles/{art['id']}").json()
    assert stored["story_id"] == art["story_id"]
    assert stored["analysis"]["article"]["url"] == "https://example.org/a"
    assert art["id"] in {a["id"] for a in api.get("/api/articles", params={"story": art["story_id"]}).json()["items"]}
    again = api.post("/api/articles", params=params, content=text.encode(), headers={**AUTH, "Content-Type": "text/plain"})
    assert again.status_code == 200
    assert again.json()["already_present"] == 1 and again.json()["articles"][0]["new"] is False
    assert again.json()["articles"][0]["story_id"] == art["story_id"]


def test_post_json_list_with_html_and_a_bad_record(api):
    html = (
        "<html><head><title>Shelling in Idlib</title></head><body><article><h1>Shelling in Idlib</h1>"
        "<p>Government artillery shelled the town of Khan Shaykhun in Idlib province on Monday, killing three "
        "civilians, the Syrian Observatory for Human Rights said.</p><p>Rebels said they fired back.</p>"
        "</article></body></html>"
    )
    records = [{"html": html, "outlet": "Example News", "published": "2019-05-06"}, {"text": "   ", "outlet": "X"}]
    r = api.post("/api/articles", json=records, headers=AUTH)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 1
    assert body["articles"][0]["title"] == "Shelling in Idlib"
    assert [x["code"] for x in body["rejections"]] == ["EmptyInput"]


@pytest.mark.parametrize(
    ("content", "ctype", "status"),
    [
        (b"{not json", "application/json", 422),
        (b'{"text": "x", "colour": "red"}', "application/json", 422),
        (b"[]", "application/json", 422),
        (b'{"outlet": "x"}', "application/json", 422),
        (b"   ", "text/plain", 422),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/plain", 422),
        (b"<p>x</p>", "image/png", 415),
    ],
)
def test_post_bad_bodies_are_rejected_with_the_error_shape(api, content, ctype, status):
    r = api.post("/api/articles", content=content, headers={**AUTH, "Content-Type": ctype})
    assert r.status_code == status, r.text
    assert r.json()["ok"] is False and r.json()["status"] == status


def test_post_concurrent_writes_lose_nothing(api):
    before = api.get("/api/").json()["counts"]["articles"]
    n = 6
    results: list[int] = []
    reads: list[int] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        text = (
            f"Report {i}: Turkish forces shelled Kurdish positions near the village of Tel Rifaat number {i} "
            f"on Sunday, a monitoring group said. Witness {i} saw {i + 2} trucks."
        )
        r = api.post("/api/articles", content=text, headers={**AUTH, "Content-Type": "text/plain"})
        with lock:
            results.append(r.status_code)

    def read() -> None:
        for _ in range(5):
            r = api.get("/api/stories")
            with lock:
                reads.append(r.status_code)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(n)] + [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [201] * n
    assert set(reads) == {200}
    assert api.get("/api/").json()["counts"]["articles"] == before + n


def test_post_into_a_cached_story_shows_up_at_once(api, presstv_path, seed_story_id):
    before = api.get(f"/api/stories/{seed_story_id}").json()["story"]["article_ids"]  # now cached
    page = {"outlet": "Cache Test Wire"}
    assert api.get("/api/articles", params=page).json()["total"] == 0  # this page is cached too
    text = presstv_path.read_text("utf-8") + "\n\nLater on Friday, the army said it had reached the city's outskirts."
    r = api.post("/api/articles", params={"outlet": "Cache Test Wire"}, content=text.encode(),
                 headers={**AUTH, "Content-Type": "text/plain"})  # fmt: skip
    assert r.status_code == 201, r.text
    art = r.json()["articles"][0]
    assert art["story_id"] == seed_story_id  # the same text with one more paragraph joins the seed story
    after = api.get(f"/api/stories/{seed_story_id}").json()
    assert art["id"] in after["story"]["article_ids"]
    assert len(after["story"]["article_ids"]) == len(before) + 1
    assert "Cache Test Wire" in after["story"]["outlets"]
    assert [a["id"] for a in api.get("/api/articles", params=page).json()["items"]] == [art["id"]]
