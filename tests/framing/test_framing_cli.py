"""The CLI's framing output: `show` and `story` print it, and their --json carries it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crosswire.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory, examples_dir):
    db = tmp_path_factory.mktemp("framing-cli") / "seeds.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(examples_dir), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return db


def _ids(db):
    articles = json.loads(CliRunner().invoke(main, ["articles", "--db", str(db), "--json"]).stdout)
    stories = json.loads(CliRunner().invoke(main, ["stories", "--db", str(db), "--json"]).stdout)
    return {a["outlet"]: a["id"] for a in articles}, stories[0]["id"]


def test_framing_cli_show_prints_and_emits_framing(seeds_db):
    articles, _ = _ids(seeds_db)
    shown = CliRunner().invoke(main, ["show", articles["Press TV"][:8], "--db", str(seeds_db)])
    assert shown.exit_code == 0
    assert "Framing:" in shown.stdout
    assert "'so-called' → Syrian Observatory for Human Rights" in shown.stdout
    data = json.loads(CliRunner().invoke(main, ["show", articles["RT"][:8], "--db", str(seeds_db), "--json"]).stdout)
    labels = {s["label"] for s in data["framing"]["spans"] if s["kind"] == "scare_quote"}
    assert {"stupor", "liberated"} <= labels


def test_framing_cli_story_prints_and_emits_the_comparison(seeds_db):
    _, story_id = _ids(seeds_db)
    shown = CliRunner().invoke(main, ["story", story_id, "--db", str(seeds_db)])
    assert shown.exit_code == 0
    assert "Framing, side by side:" in shown.stdout and "Naming (where the outlets differ):" in shown.stdout
    assert "claimants every outlet carries: actor:RU-MOD" in shown.stdout
    result = CliRunner().invoke(main, ["story", story_id, "--db", str(seeds_db), "--json"])
    data = json.loads(result.stdout)  # exactly one JSON object
    assert data["id"] == story_id and data["framing"]["story_id"] == story_id
    assert data["framing"]["outlets"] == ["Press TV", "RT"]
    so_called = next(r for r in data["framing"]["labels"] if r["label"] == "so-called")
    assert {o["outlet"]: o["forms"][0]["surface"] for o in so_called["outlets"]} == {
        "Press TV": "Syrian Observatory for Human Rights",
        "RT": "Syrian Democratic Forces",
    }
