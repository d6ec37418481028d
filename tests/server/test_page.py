"""The web page in headless Chromium (Debian's, driven by Playwright) against a real server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(make_server):
    """A server of this module's own: its browser tests add articles and stories."""
    return make_server(token=TOKEN)


@pytest.fixture(scope="module")
def api(live):
    with live.client() as c:
        yield c

XSS_TITLE = '<img src=x onerror="alert(2)">Raid report'
XSS_TEXT = (
    "Syrian army units raided a village near Palmyra on Tuesday, a military source said. "
    "<script>alert(1)</script> The source added that <b>bold</b> claims were false."
)


@pytest.fixture()
def dialogs(page):
    """Every JavaScript dialog the page opens (there must be none)."""
    seen: list[str] = []

    def on_dialog(d):
        seen.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    return seen


def test_page_story_timeline_outlets_and_evidence(page, live, api, seed_story_id, dialogs):
    body = api.get(f"/api/stories/{seed_story_id}").json()
    story = body["story"]
    page.goto(live.url + "/")
    page.locator(f'#stories tr[data-story="{seed_story_id}"]').click()
    page.wait_for_selector("#timeline tbody tr")
    assert page.locator("#timeline tbody tr").count() == len(story["events"])
    outlets = page.locator("#outlets tbody td:first-child").all_inner_texts()
    assert {"Press TV", "RT"} <= set(outlets)
    assert page.locator("#side-by-side .outlet-col").count() == len(story["article_ids"])
    # Click the first event: its evidence sentence appears in the panel and is marked in the text.
    event = story["events"][0]
    page.locator(f'#timeline tr[data-event="{event["id"]}"]').click()
    mention = event["mentions"][0]
    span = mention["event"]["evidence"][0]  # referenced: a piece of a sentence of the response's sentences
    whole = body["sentences"][mention["article_id"]][str(span["sentence"])]
    sentence = span["text"] or whole[span["at"] : span["at"] + span["end"] - span["start"]]
    panel = page.locator("#evidence")
    panel.get_by_text(sentence[:60], exact=False).first.wait_for()
    assert sentence in panel.inner_text()
    marks = page.locator("#side-by-side mark.ev")
    assert marks.count() >= 1
    assert marks.first.inner_text() in sentence or sentence in marks.first.inner_text()
    assert page.locator(".map img").get_attribute("src") == f"/api/stories/{seed_story_id}/map.svg"
    expect(page.locator(".map img")).to_be_visible()
    assert page.locator(".map img").bounding_box()["width"] > 100  # the SVG loaded and has a size
    assert dialogs == []


def test_page_story_highlights_loaded_language(page, live, api, seed_story_id):
    articles = api.get(f"/api/stories/{seed_story_id}", params={"include_text": "true"}).json()["articles"]
    loaded = [f for a in articles for f in a["frames"] if f["kind"] == "loaded"]
    assert loaded, "the seed articles carry loaded language (framing stage)"
    page.goto(f"{live.url}/#/story/{seed_story_id}")
    page.wait_for_selector("#side-by-side mark.frame-loaded")
    marked = set(page.locator("#side-by-side mark.frame-loaded").all_inner_texts())
    assert {f["text"] for f in loaded} & marked
    assert page.locator("#side-by-side mark.frame-loaded").first.get_attribute("title").startswith("loaded")


def test_page_story_naming_table_shows_glosses(page, live, seed_story_id):
    """EXPECTED.md: RT names the group IS/ISIS/ISIL and explains "Daesh" as a pejorative."""
    page.goto(f"{live.url}/#/story/{seed_story_id}")
    page.wait_for_selector("#naming tbody tr")
    row = page.locator("#naming tbody tr", has_text="Islamic State")
    headers = page.locator("#naming thead th").all_inner_texts()
    cells = dict(zip(headers[1:], row.locator("td").all_inner_texts()[1:]))
    assert 'explains "Daesh" as a pejorative' in cells["RT"]
    others = [v for k, v in cells.items() if k != "RT"]
    assert others and all("pejorative" not in v for v in others), cells


def test_page_story_search(page, live, seed_story_id):
    page.goto(live.url + "/#/")
    page.wait_for_selector("#stories")
    page.fill("input[name=outlet]", "No Such Outlet")
    page.click("form.filters button[type=submit]")
    page.get_by_text("No story matches.").wait_for()
    page.fill("input[name=outlet]", "RT")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector(f'#stories tr[data-story="{seed_story_id}"]')


def test_page_events_filters_and_csv(page, live, api):
    n_battles = api.get("/api/events", params={"type": "Battles"}).json()["total"]
    page.goto(live.url + "/#/events")
    page.wait_for_selector("#events tbody tr")
    page.fill("input[name=type]", "Battles")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#events tbody tr")).to_have_count(min(n_battles, 50))  # no eval: the page's CSP forbids it
    assert all("Battles" in t for t in page.locator("#events tbody td:nth-child(2)").all_inner_texts())
    href = page.locator("#csv").get_attribute("href")
    assert href.startswith("/api/export/acled?") and "type=Battles" in href
    with page.expect_download() as info:
        page.click("#csv")
    path = info.value.path()
    lines = open(path, encoding="utf-8").read().splitlines()
    assert lines[0].startswith("event_id_cnty,") and len(lines) >= n_battles + 1


def test_page_ingest_form_stores_and_markup_stays_text(page, live, dialogs):
    page.goto(live.url + "/#/ingest")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=title]", XSS_TITLE)
    page.fill("input[name=outlet]", "Markup Test Wire")
    page.fill("textarea[name=text]", XSS_TEXT)
    page.click("form.ingest-form button[type=submit]")
    result = page.locator("#ingest-result .ok")
    result.wait_for()
    assert "Stored" in result.inner_text()
    assert XSS_TITLE in result.inner_text()
    result.locator("a").first.click()
    page.wait_for_selector("#article-body")
    body = page.locator("#article-body").inner_text()
    assert "<script>alert(1)</script>" in body and "<b>bold</b>" in body
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.locator("#view script, #view img[src=x], #view b").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_page_posted_script_renders_as_text_in_the_story(page, live, api, dialogs):
    r = api.post(
        "/api/articles",
        params={"outlet": "<script>alert(3)</script>", "title": "<script>alert(4)</script>"},
        content=XSS_TEXT.replace("Palmyra", "Tadmur"),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
    )
    assert r.status_code == 201, r.text
    story_id = r.json()["articles"][0]["story_id"]
    page.goto(f"{live.url}/#/story/{story_id}")
    page.wait_for_selector("#side-by-side .outlet-col")
    text = page.locator("#side-by-side").inner_text()
    assert "<script>alert(1)</script>" in text and "<script>alert(3)</script>" in text
    page.goto(f"{live.url}/#/?q=alert")
    page.wait_for_selector("#stories")
    assert page.locator("#view script").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_page_wrong_token_shows_the_error(page, live):
    page.goto(live.url + "/#/ingest")
    page.fill("input[name=token]", "not-the-token")
    page.fill("textarea[name=text]", "Some text about shelling near Aleppo on Monday.")
    page.click("form.ingest-form button[type=submit]")
    page.locator("#ingest-result .error").wait_for()
    assert "token is wrong" in page.locator("#ingest-result .error").inner_text()
