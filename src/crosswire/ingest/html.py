"""HTML pages to main text and metadata, with trafilatura."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import trafilatura
from trafilatura.utils import load_html

from ..errors import NoArticleText

logger = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")
_LIST_MARK = re.compile(r"^\s*[-*•]\s+")
_FURNITURE_TAGS = ("a", "nav", "menu")


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

    Paragraphs are separated by blank lines, so that ``clean`` can classify them one by one: with
    single newlines a page of short paragraphs would look like one hard-wrapped block of text.
    Text and metadata are NFC-normalised (``trafilatura.bare_extraction`` does not do this itself,
    unlike ``trafilatura.extract``), so that "ü" is one code point whatever the page's markup used.

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
        tree = load_html(html)
        doc = None
        if tree is not None:
            doc = trafilatura.bare_extraction(
                tree,
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
    text = _paragraphs((getattr(doc, "text", None) or "") if doc is not None else "")
    if not text:
        raise NoArticleText(
            "no article text found in this HTML page (it may be an index page, a login wall or need JavaScript)",
            source=source,
            line=line,
        )
    if _only_furniture(text, tree):
        raise NoArticleText(
            "this HTML page holds only links and menus (a navigation or index page), no article text",
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


def _paragraphs(text: str) -> str:
    """NFC-normalise, strip each line and join the non-empty lines with blank lines."""
    lines = (ln.strip() for ln in unicodedata.normalize("NFC", text).splitlines())
    return "\n\n".join(ln for ln in lines if ln)


def _only_furniture(text: str, tree: object) -> bool:
    """True when every paragraph of the extracted text is the whole text of a link or of a menu.

    trafilatura falls back to whatever text a page has; on a page that is only a menu, that is the
    menu. Such a page has no article, whatever its language. Paragraphs must equal an element's
    whole text: a paragraph merely found *inside* a menu proves nothing (mega-menus hold article
    teasers).
    """
    furniture = {
        _SPACE.sub(" ", el.text_content()).strip()
        for el in tree.iter(*_FURNITURE_TAGS)  # type: ignore[attr-defined]
    }
    furniture.discard("")
    if not furniture:
        return False
    paras = (_SPACE.sub(" ", _LIST_MARK.sub("", p)).strip() for p in text.split("\n\n"))
    return all(p in furniture for p in paras if p)


def _clean_meta(value: object) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None
