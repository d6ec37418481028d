"""The public Python API."""

from __future__ import annotations

import pytest

import crosswire
from crosswire.errors import EmptyInput


def test_api_exported_members():
    assert sorted(crosswire.__all__) == [
        "Analysis", "Article", "Config", "CrosswireError", "Resources", "__version__", "analyze", "open_store",
    ]  # fmt: skip
    assert len(crosswire.__all__) <= 10


@pytest.mark.slow
def test_api_analyze_seed(resources, presstv_path):
    a = crosswire.analyze(presstv_path.read_text("utf-8"), resources=resources)
    assert a.article.outlet == "Press TV"
    assert a.article.title == "Syrian forces draw close to Daesh-held al-Mayadin in east"
    assert any(m.text == "Hezbollah" for m in a.mentions)


@pytest.mark.slow
def test_api_analyze_with_metadata(resources):
    a = crosswire.analyze(
        "The army captured the town on Saturday, the ministry said.",
        url="https://www.rt.com/news/1",
        published="2017-10-14",
        resources=resources,
    )
    assert a.article.outlet == "RT" and a.article.published.iso == "2017-10-14"


@pytest.mark.slow
def test_api_analyze_empty_text_raises(resources):
    with pytest.raises(EmptyInput):
        crosswire.analyze("   ", resources=resources)


def test_api_open_store(tmp_path):
    with crosswire.open_store(tmp_path / "x.duckdb") as store:
        assert store.counts()["articles"] == 0
