"""The whole job on real files, a real spaCy pipeline and a real DuckDB file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from crosswire.ingest.readers import read_inputs
from crosswire.pipeline import STAGES, Stage, check_order, run
from crosswire.errors import CrosswireError
from crosswire.store import Store


def test_pipeline_stage_order_is_checked():
    check_order(STAGES)
    with pytest.raises(CrosswireError, match="requires"):
        check_order((Stage("b", ("x",), ()), Stage("a", (), ("x",))))


@pytest.mark.slow
def test_pipeline_examples_into_duckdb_and_rerun_changes_nothing(tmp_path, resources, cfg, examples_dir):
    db = tmp_path / "t.duckdb"
    with Store.open(db) as store:
        first = run(read_inputs([str(examples_dir)], max_bytes=cfg.max_bytes), resources, cfg, store=store)
        counts = store.counts()
        second = run(read_inputs([str(examples_dir)], max_bytes=cfg.max_bytes), resources, cfg, store=store)
        assert store.counts() == counts
        rows = {r.outlet: r for r in store.articles()}
    assert first.rejections == () and len(first.skipped) == 0
    assert len(second.skipped) == 2
    assert counts["articles"] == 2 and counts["mentions"] > 100 and counts["sentences"] > 30
    assert set(rows) == {"Press TV", "RT"}  # the sidecar names RT
    assert rows["Press TV"].removed == 4 and rows["RT"].removed == 0
    assert rows["Press TV"].published == "2017-09" and rows["RT"].published is None


@pytest.mark.slow
def test_pipeline_mentions_point_into_the_body(tmp_path, resources, cfg, examples_dir):
    with Store.open(tmp_path / "t.duckdb") as store:
        run(read_inputs([str(examples_dir)], max_bytes=cfg.max_bytes), resources, cfg, store=store)
        for row in store.articles():
            analysis = store.analysis(row.id)
            body = analysis.article.body
            assert all(body[m.start : m.end] == m.text for m in analysis.mentions)
            assert all(0 <= s.start < s.end <= len(body) for s in analysis.sentences)
            texts = {m.text for m in analysis.mentions}
            assert "Konashenkov" in " ".join(texts)


@pytest.mark.slow
def test_pipeline_bad_inputs_become_rejections_and_the_rest_goes_in(tmp_path, resources, cfg, examples_dir):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text((examples_dir / "rt-al-mayadeen-captured.txt").read_text("utf-8"), "utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (src / "feed.jsonl").write_text('{"text": "A short report: the army shelled the village."}\n{oops\n', "utf-8")
    with Store.open(tmp_path / "t.duckdb") as store:
        result = run(read_inputs([str(src)], max_bytes=cfg.max_bytes), resources, cfg, store=store)
        stored = store.rejections()
        assert store.counts()["articles"] == 2
    assert sorted((r.where.split("/")[-1], r.code) for r in result.rejections) == [
        ("empty.txt", "EmptyInput"),
        ("feed.jsonl:2", "BrokenJSON"),
        ("image.txt", "BinaryInput"),
    ]
    assert len(stored) == 3


@pytest.mark.slow
def test_pipeline_killed_mid_run_leaves_a_consistent_store_and_resumes(tmp_path, examples_dir):
    """SIGKILL during ingest: every committed article is complete, and a re-run finishes the job."""
    src = tmp_path / "in"
    src.mkdir()
    base = (examples_dir / "rt-al-mayadeen-captured.txt").read_text("utf-8")
    n = 60
    for i in range(n):
        (src / f"a{i:03d}.txt").write_text(f"Report number {i}.\n{base}", "utf-8")
    db = tmp_path / "t.duckdb"
    cmd = [sys.executable, "-m", "crosswire.cli", "ingest", str(src), "--db", str(db), "--batch-size", "2", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Kill once some batches are committed (the WAL or the file grows), before the run ends.
    while time.monotonic() < deadline and proc.poll() is None:
        wal = db.with_name(db.name + ".wal")
        if (wal.exists() and wal.stat().st_size > 200_000) or (db.exists() and db.stat().st_size > 1_500_000):
            break
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store.open(db) as store:
        partial = store.counts()["articles"]
        incomplete = store.query(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.article_id = a.id) "
            "OR NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id)"
        )[0][0]
    assert incomplete == 0
    assert killed and partial < n, "the run finished before it could be killed; make the corpus larger"
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with Store.open(db) as store:
        assert store.counts()["articles"] == n


def _failing_pipeline():
    """A real spaCy pipeline whose last component fails on texts containing BOOM."""
    import spacy
    from spacy.language import Language

    @Language.component("crosswire_test_boom")
    def boom(doc):
        if "BOOM" in doc.text:
            raise ValueError("component crosswire_test_boom cannot handle this text")
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("crosswire_test_boom")
    return nlp


def test_pipeline_nlp_failure_rejects_one_article_and_keeps_the_rest(tmp_path, outlets, cfg):
    from crosswire.model import RawArticle
    from crosswire.resources import Resources

    res = Resources(outlets=outlets, nlp=_failing_pipeline())
    raws = [
        RawArticle(f"Report {i}: the army shelled the village on Monday{' BOOM' if i == 3 else ''}.", f"a{i}.txt")
        for i in range(7)
    ]
    small = cfg.override(batch_size=2)
    with Store.open(tmp_path / "t.duckdb") as store:
        result = run(raws, res, small, store=store)
        stored = sorted(r.source for r in store.articles())
    assert [(r.source, r.stage, r.code) for r in result.rejections] == [("a3.txt", "nlp", "ValueError")]
    assert stored == [f"a{i}.txt" for i in range(7) if i != 3]


@pytest.mark.slow
def test_pipeline_story_index_saved_and_rebuilt_when_stale(tmp_path, resources, cfg, examples_dir):
    import json

    db = tmp_path / "t.duckdb"
    with Store.open(db) as store:
        run(read_inputs([str(examples_dir)], max_bytes=cfg.max_bytes), resources, cfg, store=store)
        (state,) = store.query("SELECT state FROM linking_state WHERE name = 'stories'")
        assert len(json.loads(state[0])["assigned"]) == 2
        assert store.query("SELECT count(DISTINCT story_id) FROM story_assignments") == [(1,)]
        # An interrupted run leaves assignments the saved state does not know: the index is rebuilt.
        store.query("DELETE FROM story_assignments WHERE article_id = (SELECT min(article_id) FROM story_assignments)")
        index = store.load_story_index()
        assert len(index.assigned) == 2
        assert store.query("SELECT count(*), count(DISTINCT story_id) FROM story_assignments") == [(2, 1)]
