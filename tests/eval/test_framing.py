"""The PTC and BASIL span benchmarks: the organisers' formula on hand-made cases, readers, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosswire.errors import BenchmarkDataError
from crosswire.eval.basil import BasilArticle, article_text, evaluate_basil, read_basil
from crosswire.eval.framing import (
    framing_cmd,
    merge_spans,
    read_ptc_articles,
    read_ptc_labels,
    span_scores,
    technique_scores,
)

LL, NC = "Loaded_Language", "Name_Calling,Labeling"


@pytest.mark.parametrize(
    "spans,merged",
    [
        ([(0, 4), (2, 8)], [(0, 8)]),  # overlap -> union
        ([(0, 3), (3, 5)], [(0, 3), (3, 5)]),  # touching spans share no character
        ([(5, 9), (0, 2), (1, 6)], [(0, 9)]),  # transitive, unsorted input
        ([(0, 10), (2, 3)], [(0, 10)]),  # nested
        ([(4, 4), (1, 2)], [(1, 2)]),  # empty span dropped
    ],
)
def test_framing_merge_spans(spans, merged):
    assert merge_spans(spans) == merged


def test_framing_span_scores_half_overlap():
    # |s∩t| = 5, |s| = 10, |t| = 10 -> P = R = F1 = 0.5
    sc = span_scores({"a": [(5, 15)]}, {"a": [(0, 10)]})
    assert (sc.p, sc.r, sc.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_framing_span_scores_one_system_span_over_two_gold_spans():
    # P = (4 + 4) / 10 = 0.8 (one system span); R = (4/4 + 4/4) / 2 = 1.0; F1 = 1.6/1.8
    sc = span_scores({"a": [(0, 10)]}, {"a": [(0, 4), (6, 10)]})
    assert (sc.n_system, sc.n_gold) == (1, 2)
    assert sc.p == pytest.approx(0.8)
    assert sc.r == pytest.approx(1.0)
    assert sc.f1 == pytest.approx(2 * 0.8 / 1.8)


def test_framing_span_scores_article_without_system_spans_counts_its_gold():
    # article b has no system spans: its gold span still counts in |T| -> R = 1/2
    sc = span_scores({"a": [(0, 10)]}, {"a": [(0, 10)], "b": [(0, 5)]})
    assert (sc.p, sc.r) == pytest.approx((1.0, 0.5))
    assert sc.f1 == pytest.approx(2 / 3)


def test_framing_span_scores_merges_gold_and_system_overlaps():
    # gold (0,4)+(2,8) -> (0,8); system (0,2)+(1,4) -> (0,4): P = 4/4, R = 4/8
    sc = span_scores({"a": [(0, 2), (1, 4)]}, {"a": [(0, 4), (2, 8)]})
    assert (sc.n_system, sc.n_gold) == (1, 1)
    assert (sc.p, sc.r) == pytest.approx((1.0, 0.5))


def test_framing_span_scores_empty_system_is_zero():
    sc = span_scores({"a": []}, {"a": [(0, 3)]})
    assert (sc.p, sc.r, sc.f1, sc.n_gold) == (0.0, 0.0, 0.0, 1)


def test_framing_technique_scores_match_only_same_technique_and_sum_to_micro():
    gold = {"a": [(LL, 0, 10), (NC, 20, 30), ("Doubt", 40, 50)], "b": [(NC, 0, 4)]}
    system = {"a": [(LL, 0, 5), (NC, 0, 10), (NC, 40, 50)], "b": [(NC, 0, 2)]}
    sc = technique_scores(system, gold)
    # LL: one span, 5/5 covered -> P 1; gold (0,10) covered 5/10 -> R 0.5
    assert (sc[LL].p, sc[LL].r) == pytest.approx((1.0, 0.5))
    # NC: 3 system spans; only b's (0,2) hits NC gold (0,4): P = 1/3, R = (2/4) / 2 gold spans
    assert (sc[NC].n_system, sc[NC].n_gold) == (3, 2)
    assert (sc[NC].p, sc[NC].r) == pytest.approx((1 / 3, 0.25))
    # micro: P = (1 + 1) / 4, R = (0.5 + 0.5) / 3; the Doubt span is in neither
    assert (sc["micro"].p, sc["micro"].r) == pytest.approx((0.5, 1 / 3))
    assert sc["micro"].f1 == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


def test_framing_read_ptc_labels_and_articles(tmp_path: Path):
    labels = tmp_path / "x.labels"
    labels.write_text(f"7\t{LL}\t0\t4\n7\t{NC}\t5\t9\n8\tDoubt\t1\t2\n", encoding="utf-8")
    assert read_ptc_labels(labels) == {"7": [(LL, 0, 4), (NC, 5, 9)], "8": [("Doubt", 1, 2)]}
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "article7.txt").write_text("Title\n\nBody “quoted”.\n", encoding="utf-8")
    (tmp_path / "arts" / "notes.md").write_text("ignored", encoding="utf-8")
    assert read_ptc_articles(tmp_path / "arts") == {"7": "Title\n\nBody “quoted”.\n"}


@pytest.mark.parametrize("line", ["7\tLoaded_Language\t0", "7\tLoaded_Language\tx\t4"])
def test_framing_read_ptc_labels_rejects_malformed_rows(tmp_path: Path, line):
    labels = tmp_path / "bad.labels"
    labels.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match="bad.labels:1"):
        read_ptc_labels(labels)


def test_framing_read_ptc_articles_missing_folder(tmp_path: Path):
    with pytest.raises(BenchmarkDataError, match="not a folder"):
        read_ptc_articles(tmp_path / "nope")


# --- BASIL --------------------------------------------------------------------------------------

ART = BasilArticle(
    key="2010/x_1",
    source="fox",
    units=(("title", "Fierce row"), ("p0", "He drew fierce criticism."), ("p1", "It rained.")),
    spans=(("p0", "lex", 8, 14), ("title", "inf", 0, 10)),
)


def test_basil_article_text_layout():
    text, where = article_text(ART)
    assert text == "Fierce row\n\nHe drew fierce criticism.\nIt rained.\n"
    assert [(u, text[s:e]) for u, s, e in where] == [
        ("title", "Fierce row"),
        ("p0", "He drew fierce criticism."),
        ("p1", "It rained."),
    ]


def test_basil_evaluate_spans_per_unit_and_sentence_detection():
    # system: "fierce" exactly (P 1, R 1) and a false span in p1; unit ids keep offsets apart
    predicted = {"2010/x_1": [("p0", 8, 14), ("p1", 0, 2)]}
    result = evaluate_basil([ART], predicted)
    assert result["lex"]["p"] == pytest.approx(0.5)
    assert result["lex"]["r"] == pytest.approx(1.0)
    # sentences: p0 TP, p1 FP, title TN (its span is inf) -> P 0.5, R 1, accuracy 2/3
    assert result["sentence"]["p"] == pytest.approx(0.5)
    assert result["sentence"]["r"] == pytest.approx(1.0)
    assert result["sentence"]["accuracy"] == pytest.approx(2 / 3)
    assert result["inf"]["r"] == 0.0
    assert (result["n_sentences"], result["n_system"], result["n_gold"]["lex"]) == (3, 2, 1)


def test_basil_read_rejects_a_folder_without_articles(tmp_path: Path):
    with pytest.raises(BenchmarkDataError, match="articles/ and annotations/"):
        read_basil(tmp_path)


@pytest.mark.bench
def test_basil_read_shared_bench_spans_match_their_text(shared_bench):
    arts = read_basil(shared_bench / "framing" / "basil")
    assert len(arts) == 300
    lex = sum(1 for a in arts for s in a.spans if s[1] == "lex")
    assert lex == 480
    a = arts[0]
    units = dict(a.units)
    assert all(0 <= s < e <= len(units[u]) for u, _, s, e in a.spans)


# --- the command on real data -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.bench
@pytest.mark.parametrize("flags", [[], ["--no-embeddings"]])
def test_framing_cli_on_three_dev_articles(shared_bench, tmp_path: Path, flags):
    ptc = shared_bench / "framing" / "ptc"
    ids = (ptc / "article_ids.txt").read_text(encoding="utf-8").split()[:3]
    (tmp_path / "articles").mkdir()
    for i in ids:
        shutil.copy(ptc / "articles" / f"article{i}.txt", tmp_path / "articles")
    rows = [r for r in (ptc / "task2-TC.labels").read_text(encoding="utf-8").splitlines() if r.split("\t")[0] in ids]
    (tmp_path / "gold.labels").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = CliRunner().invoke(
        framing_cmd, ["--articles", str(tmp_path / "articles"), "--labels", str(tmp_path / "gold.labels"), "--json", *flags]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    # stderr names the mode it scored; the encoder is used only when installed and not refused
    from crosswire.framing.tagger import SpanTagger
    from crosswire.resources import load_encoder

    expect = not flags and SpanTagger.load(encoder=load_encoder()).uses_embeddings
    assert out["embeddings"] is expect
    assert ("embeddings: yes" if expect else "embeddings: no") in res.stderr
    for key in ("loaded_language", "name_calling", "micro"):
        assert set(out[key]) == {"p", "r", "f1"}
        assert all(0.0 <= v <= 1.0 for v in out[key].values())
    assert out["n_articles"] == 3
    gold_ll = sum(1 for r in rows if r.split("\t")[1] == LL)
    assert 0 < out["n_gold"]["loaded_language"] <= gold_ll


def test_framing_cli_reports_a_missing_labels_file(tmp_path: Path):
    (tmp_path / "arts").mkdir()
    (tmp_path / "arts" / "article1.txt").write_text("T\n\nB\n", encoding="utf-8")
    res = CliRunner().invoke(framing_cmd, ["--articles", str(tmp_path / "arts"), "--labels", str(tmp_path / "no.labels")])
    assert res.exit_code == 1
    assert "cannot read the PTC labels" in res.output
