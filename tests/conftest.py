"""Shared fixtures. Tests that need the spaCy model are marked ``slow``; bench data tests ``bench``."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswire.config import Config
from crosswire.ingest.outlets import OutletDirectory

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
PRESSTV = EXAMPLES / "presstv-forces-draw-close-al-mayadin.txt"
RT = EXAMPLES / "rt-al-mayadeen-captured.txt"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def presstv_path() -> Path:
    return PRESSTV


@pytest.fixture(scope="session")
def rt_path() -> Path:
    return RT


@pytest.fixture(scope="session")
def cfg() -> Config:
    return Config()


@pytest.fixture(scope="session")
def outlets() -> OutletDirectory:
    return OutletDirectory.load()


@pytest.fixture(scope="session")
def resources():
    """The real resources with the real spaCy pipeline, loaded once for the session."""
    from crosswire.resources import Resources

    return Resources.load(Config())


@pytest.fixture(scope="session")
def shared_bench() -> Path:
    path = SHARED / "bench"
    if not path.is_dir():
        pytest.skip(f"benchmark data not found at {path} (it is present in CI, beside the repository)")
    return path


CHROMIUM = "/usr/bin/chromium"
# Flags the machine needs: no sandbox as root, and no background connections to a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (Playwright's own browser is never downloaded).

    `.ci/run` installs the ``chromium`` package; without it the browser tests skip with the reason.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser):
    """A fresh browser page (its own context) for one test."""
    context = browser.new_context()
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
