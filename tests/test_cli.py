"""The command line: exit codes, --json output, help with examples."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from crosswire.cli import main


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


@pytest.mark.parametrize("path,cmd", list(_commands(main)), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_cli_every_command_has_help_with_an_example(path, cmd):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_cli_usage_error_exits_2():
    result = CliRunner().invoke(main, ["ingest"])
    assert result.exit_code == 2


def test_cli_missing_store_is_a_data_error(tmp_path):
    result = CliRunner().invoke(main, ["articles", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "No store at" in result.output


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, examples_dir):
    db = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(examples_dir), "--db", str(db), "--json", "-q"])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


@pytest.mark.slow
def test_cli_ingest_json_summary(demo_db):
    _, summary = demo_db
    assert (summary["ingested"], summary["already_present"], summary["rejected"]) == (2, 0, 0)
    assert summary["store"]["articles"] == 2


@pytest.mark.slow
def test_cli_articles_and_show(demo_db):
    db, _ = demo_db
    rows = json.loads(CliRunner().invoke(main, ["articles", "--db", str(db), "--json"]).stdout)
    presstv = next(r for r in rows if r["outlet"] == "Press TV")
    assert presstv["title"] == "Syrian forces draw close to Daesh-held al-Mayadin in east"
    shown = CliRunner().invoke(main, ["show", presstv["id"][:8], "--db", str(db)])
    assert shown.exit_code == 0
    assert "[unrelated]" in shown.stdout and "reason:" in shown.stdout and "Pelosi" in shown.stdout
    data = json.loads(CliRunner().invoke(main, ["show", presstv["id"], "--db", str(db), "--json"]).stdout)
    kinds = [s["kind"] for s in data["article"]["segments"] if s["removed"]]
    assert kinds == ["breadcrumb", "unrelated", "promo", "promo"]
    assert data["article"]["published"]["precision"] == "month"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_cli_export(demo_db, tmp_path, fmt):
    db, _ = demo_db
    out = tmp_path / f"x.{fmt}"
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", fmt, "-o", str(out), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rows"] == 2 and out.stat().st_size > 0


@pytest.mark.slow
def test_cli_report_html_escapes_and_lists_removed(demo_db, tmp_path):
    db, _ = demo_db
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0
    html = out.read_text("utf-8")
    assert "Press TV News Roku" in html and "navigation path" in html
    assert html.count('class="article"') == 2


@pytest.mark.slow
def test_cli_ingest_with_bad_input_exits_1_and_names_the_file(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"text": "The army shelled the village on Monday."}\n{nope\n', "utf-8")
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "bad.jsonl"), "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.jsonl'}:2: [BrokenJSON]" in result.output
    listed = CliRunner().invoke(main, ["rejections", "--db", str(db), "--json"])
    assert [r["line"] for r in json.loads(listed.stdout)] == [2]


@pytest.mark.slow
def test_cli_ingest_stdin(tmp_path):
    db = tmp_path / "t.duckdb"
    text = "The Syrian army said on Monday that it had retaken the town after heavy fighting."
    result = CliRunner().invoke(main, ["ingest", "-", "--db", str(db), "--json", "-q"], input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ingested"] == 1


@pytest.mark.slow
def test_cli_seeds_form_one_story_with_a_timeline(demo_db, tmp_path):
    db, _ = demo_db
    listed = json.loads(CliRunner().invoke(main, ["stories", "--db", str(db), "--json"]).stdout)
    assert len(listed) == 1
    assert listed[0]["articles"] == 2 and sorted(listed[0]["outlets"]) == ["Press TV", "RT"]
    story_id = listed[0]["id"]
    shown = CliRunner().invoke(main, ["story", story_id, "--db", str(db)])
    assert shown.exit_code == 0 and "Timeline:" in shown.stdout and "independent origin" in shown.stdout
    data = json.loads(CliRunner().invoke(main, ["story", story_id, "--db", str(db), "--json"]).stdout)
    assert sorted(data["outlets"]) == ["Press TV", "RT"] and data["events"]
    out = tmp_path / "story.html"
    result = CliRunner().invoke(main, ["report", story_id, "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0
    html = out.read_text("utf-8")
    assert f'data-story-id="{story_id}"' in html and html.count('class="article"') == 2


def test_cli_unknown_story_is_a_data_error(tmp_path):
    from crosswire.store import Store

    db = tmp_path / "t.duckdb"
    Store.open(db).close()
    result = CliRunner().invoke(main, ["story", "story-nope", "--db", str(db)])
    assert result.exit_code == 1 and "No story" in result.output
