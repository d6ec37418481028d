"""The small public Python API: ``analyze`` and ``open_store``."""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .model import Analysis
from .pipeline import analyze_text
from .resources import Resources
from .store import DEFAULT_DB, Store


def analyze(
    text: str,
    *,
    url: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    html: bool = False,
    resources: Resources | None = None,
    config: Config | None = None,
) -> Analysis:
    """Analyse one article: clean it, date it, name its outlet, find sentences and mentions.

    Loading resources takes about a second; pass ``resources=Resources.load()`` when analysing many
    articles so they are loaded once.

    Args:
        text (str): the article text, or an HTML page with ``html=True``.
        url (str | None): its URL (names the outlet when the domain is known).
        published (str | None): its publication date ("2017-10-19").
        outlet (str | None): its outlet when known.
        title (str | None): its title when known.
        html (bool): ``text`` is an HTML page.
        resources (Resources | None): loaded resources; loaded now when None.
        config (Config | None): settings; defaults when None.
    RETURNS (Analysis): the article and its annotations.
    Raises:
        InputError: when the text is empty, or the HTML has no article text.
        ModelError: when the spaCy pipeline is not installed.
    """
    cfg = config or Config()
    res = resources or Resources.load(cfg)
    return analyze_text(text, res, cfg, url=url, published=published, outlet=outlet, title=title, html=html)


def open_store(path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> Store:
    """Open (creating or migrating) a crosswire DuckDB store for queries.

    Args:
        path (str | Path): the DuckDB file.
        read_only (bool): open without write access.
    RETURNS (Store): the store; use it as a context manager to close it.
    Raises:
        StoreError: when the file cannot be opened.
    """
    return Store.open(path, read_only=read_only)
