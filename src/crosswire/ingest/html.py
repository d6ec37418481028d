"""HTML pages to main text and metadata, with trafilatura."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

import trafilatura

from ..errors import NoArticleText

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HtmlExtraction:
    """The main text of an HTML page and the metadata trafilatura found in it."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO date from the page's metadata
    url: str | None = None
    sitename: str | None = None
    language: str | None = None


def extract_html(html: str | bytes, *, source: str, url: str | None = None, line: int | None = None) -> HtmlExtraction:
    """Extract the main text and metadata of an HTML page.

    Paragraphs are separated by newlines, so that ``clean`` can classify them one by one.

    Args:
        html (str | bytes): the page.
        source (str): where it came from, for messages.
        url (str | None): the page's URL when known (helps trafilatura with relative metadata).
        line (int | None): the line in a JSON Lines file.
    RETURNS (HtmlExtraction): the text and metadata.
    Raises:
        NoArticleText: when the page has no main text.
    """
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            include_images=False,
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises many kinds on malformed markup
        raise NoArticleText(f"the HTML could not be parsed: {exc}", source=source, line=line) from exc
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    text = unicodedata.normalize("NFC", text)
    text = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    if not text:
        raise NoArticleText(
            "no article text found in this HTML page (it may be an index page, a login wall or need JavaScript)",
            source=source,
            line=line,
        )
    return HtmlExtraction(
        text=text,
        title=_clean_meta(getattr(doc, "title", None)),
        author=_clean_meta(getattr(doc, "author", None)),
        date=_clean_meta(getattr(doc, "date", None)),
        url=_clean_meta(getattr(doc, "url", None)) or url,
        sitename=_clean_meta(getattr(doc, "sitename", None)),
        language=_clean_meta(getattr(doc, "language", None)),
    )


def _clean_meta(value: object) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None
