"""HTML pages to main text and metadata (real trafilatura, hand-made pages)."""

from __future__ import annotations

import pytest

from crosswire.errors import NoArticleText
from crosswire.ingest.html import HtmlExtraction, extract_html

NAV = """
<nav class="menu"><ul>
  <li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
  <li><a href="/sport">Sport section</a></li><li><a href="/contact">Contact the newsroom</a></li>
</ul></nav>
"""

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Floods close the river port | Example Gazette</title>
<meta property="og:title" content="Floods close the river port">
<meta property="og:url" content="https://gazette.example.com/2021/03/14/floods-river-port">
<meta property="og:site_name" content="Example Gazette">
<meta name="author" content="Maria Keller">
<meta property="article:published_time" content="2021-03-14T09:30:00+00:00">
</head><body>
<header>{NAV}</header>
<main><article>
  <h1>Floods close the river port</h1>
  <p>Heavy rain over the weekend pushed the river above its banks, and the harbour authority closed the
  port on Sunday morning after water reached the loading cranes on the eastern quay.</p>
  <p>Officials said that about two hundred workers were sent home and that ships waiting downstream would
  be directed to the coastal terminal until the water level falls below the warning mark.</p>
  <p>The regional weather service expects the rain to ease on Tuesday, but warned that the river would keep
  rising for another day as water from the hills drains into the valley and the reservoirs are full.</p>
  <p>Residents of the low-lying districts near the old town were asked to move cars and valuables to higher
  ground, and the fire brigade set up sandbag barriers along the embankment road overnight.</p>
</article></main>
<footer><p>Imprint and privacy policy of the publishing house</p><p>Newsletter sign-up for our readers</p></footer>
</body></html>
"""

NAV_ONLY_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Example Gazette</title></head>
<body><header>{NAV}</header></body></html>
"""


@pytest.fixture(scope="module")
def page() -> HtmlExtraction:
    return extract_html(ARTICLE_PAGE.encode("utf-8"), source="floods.html")


def test_html_metadata_kept(page):
    assert page.title == "Floods close the river port"
    assert page.author == "Maria Keller"
    assert page.date == "2021-03-14"
    assert page.url == "https://gazette.example.com/2021/03/14/floods-river-port"
    assert page.sitename == "Example Gazette"
    assert page.language in (None, "en")


def test_html_main_text_without_navigation_or_footer(page):
    assert "pushed the river above its banks" in page.text
    assert "sandbag barriers along the embankment road" in page.text
    for furniture in ("World news", "Sport section", "Contact the newsroom", "Imprint and privacy", "Newsletter"):
        assert furniture not in page.text


def test_html_paragraphs_separated_by_blank_lines(page):
    paras = page.text.split("\n\n")
    assert len(paras) >= 4
    assert all(p == p.strip() and "\n" not in p for p in paras)


def test_html_text_is_nfc_normalised():
    # "ü" written as u + combining diaeresis in the markup comes out as one code point.
    body = "".join(
        f"<p>Paragraph {i}: die Gru\u0308nen im Bundestag haben heute über die neue Vorlage abgestimmt, "
        "nachdem die Ausschüsse wochenlang beraten hatten und mehrere Änderungen beschlossen wurden.</p>"
        for i in range(4)
    )
    html = f"<html><head><title>Abstimmung</title></head><body><article>{body}</article></body></html>"
    page = extract_html(html, source="nfc.html")
    assert "Grünen" in page.text
    assert "u\u0308" not in page.text


def test_html_url_argument_used_when_page_has_none():
    html = ARTICLE_PAGE.replace('<meta property="og:url" content="https://gazette.example.com/2021/03/14/floods-river-port">', "")
    page = extract_html(html, source="floods.html", url="https://gazette.example.com/floods")
    assert page.url == "https://gazette.example.com/floods"


def test_html_nav_only_page_has_no_article_text():
    with pytest.raises(NoArticleText) as info:
        extract_html(NAV_ONLY_PAGE.encode("utf-8"), source="index.html", line=3)
    assert info.value.source == "index.html"
    assert info.value.line == 3
    assert "no article text" in str(info.value)


def test_html_menu_without_links_has_no_article_text():
    with pytest.raises(NoArticleText):
        extract_html("<html><body><nav>menu</nav></body></html>", source="menu.html")


@pytest.mark.parametrize("html", [b"", b"   ", b"<html><body><div></div></body></html>"])
def test_html_empty_or_garbage_raises_no_article_text(html):
    with pytest.raises(NoArticleText):
        extract_html(html, source="junk.html")
