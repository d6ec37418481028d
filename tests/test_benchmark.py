"""Tests of the throughput benchmark (`crosswire bench throughput`) and its corpus reader."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crosswire.bench_corpus import load_corpus, read_corpus
from crosswire.benchmark import CONTRACT_KEYS
from crosswire.cli import main
from crosswire.errors import InputError

MAX_BYTES = 10 * 1024 * 1024

ARTICLES = {
    "a1.txt": "Shelling hits Idlib market\n\nShelling hit a market in Idlib on Monday, killing four civilians, "
    "the Syrian Observatory for Human Rights said.\n\nThe army denied targeting the area.",
    "a2.txt": "Talks resume in Geneva\n\nDelegations from the government and the opposition met in Geneva on "
    "Tuesday, the UN envoy told reporters.\n\nNo date was set for a second round.",
    "a3.txt": "Convoy reaches Deir ez-Zor\n\nAn aid convoy of 40 trucks reached Deir ez-Zor on Wednesday, "
    "the Red Crescent said.\n\nIt carried food and medicine for 20,000 people.",
}

GEO_XML = """<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="1">
    <title>  Flood in Cairo </title>
    <url>http://example.org/cairo</url>
    <dltime>2016-12-19 10:00:00</dltime>
    <text><![CDATA[Heavy rain flooded streets in Cairo on Sunday.]]></text>
    <toponyms count="1"><toponym><start>29</start><end>34</end><phrase>Cairo</phrase></toponym></toponyms>
  </article>
  <article file="2">
    <title>Fire in Lyon</title>
    <link>http://example.org/lyon</link>
    <text>A fire broke out in Lyon overnight.</text>
    <toponyms/>
  </article>
</articles>
"""

BASIL_JSON = {
    "source": "nyt",
    "title": "Senate passes the bill",
    "url": "https://example.org/senate",
    "date": "2019-03-25",
    "body-paragraphs": [["The Senate passed the bill on Monday.", "It now goes to the House."], ["Critics objected."]],
}


@pytest.fixture
def article_dir(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def bench_root(tmp_path):
    """A miniature benchmark pack root: one geo XML, one BASIL article, a label file to skip."""
    root = tmp_path / "bench"
    (root / "geo").mkdir(parents=True)
    (root / "geo" / "mini.xml").write_text(GEO_XML, encoding="utf-8")
    (root / "geo" / "README.md").write_text("# not an article\n", encoding="utf-8")
    basil = root / "framing" / "basil" / "articles" / "2019"
    basil.mkdir(parents=True)
    (basil / "x_1.json").write_text(json.dumps(BASIL_JSON), encoding="utf-8")
    (root / "framing" / "basil" / "annotations").mkdir()
    (root / "framing" / "basil" / "annotations" / "x_1_ann.json").write_text("{}", encoding="utf-8")
    return root


def test_benchmark_load_corpus_reads_bench_formats(bench_root):
    raws = load_corpus(bench_root, max_bytes=MAX_BYTES)
    assert [r.text for r in raws] == [
        "Heavy rain flooded streets in Cairo on Sunday.",
        "A fire broke out in Lyon overnight.",
        "The Senate passed the bill on Monday. It now goes to the House.\n\nCritics objected.",
    ]
    assert [r.title for r in raws] == ["Flood in Cairo", "Fire in Lyon", "Senate passes the bill"]
    assert [r.url for r in raws] == ["http://example.org/cairo", "http://example.org/lyon", "https://example.org/senate"]
    assert raws[0].published == "2016-12-19"
    assert raws[2].outlet == "The New York Times"
    assert raws[2].published == "2019-03-25"


def test_benchmark_load_corpus_limit(bench_root):
    raws = load_corpus(bench_root, max_bytes=MAX_BYTES, limit=1)
    assert [r.text for r in raws] == ["Heavy rain flooded streets in Cairo on Sunday."]


def test_benchmark_load_corpus_reads_one_geo_file(bench_root):
    raws = load_corpus(bench_root / "geo" / "mini.xml", max_bytes=MAX_BYTES)
    assert [r.source.rsplit("#", 1)[1] for r in raws] == ["1", "2"]


def test_benchmark_load_corpus_reads_pairs_english_once(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text(
        "Unnamed: 0,pair_id,lang1,lang2,text1,text2,Overall\n"
        '1,a_b,en,en,"First English text.","Second English text.",1.0\n'
        '2,c_d,de,en,"Ein deutscher Text.","First English text.",2.0\n'
        '3,e_f,en,de,"Third, with a\nnewline.","Noch einer.",3.0\n',
        encoding="utf-8",
    )
    assert [r.text for r in load_corpus(path, max_bytes=MAX_BYTES)] == [
        "First English text.",
        "Second English text.",
        "Third, with a\nnewline.",
    ]


def test_benchmark_read_corpus_yields_errors_for_bad_inputs(tmp_path):
    (tmp_path / "ok.txt").write_text("A real article about a ceasefire.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "broken.xml").write_text("<articles><article>", encoding="utf-8")
    items = list(read_corpus(tmp_path, max_bytes=MAX_BYTES))
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(items) - len(errors) == 1
    assert len(errors) == 2


@pytest.mark.slow
def test_benchmark_throughput_json_contract(article_dir):
    result = CliRunner().invoke(main, ["bench", "throughput", str(article_dir), "--json", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(CONTRACT_KEYS) <= set(out)
    assert set(out) - set(CONTRACT_KEYS) == {
        "spacy_seconds", "stage_seconds", "clean_pass_seconds", "stored", "rejected", "unreadable",
        "characters", "batch_size", "n_process",
    }  # fmt: skip
    assert out["articles"] == len(ARTICLES)
    assert out["stored"] == len(ARTICLES)
    assert out["rejected"] == 0
    assert out["batch_size"] == 2
    assert out["ratio"] == pytest.approx(out["articles_per_s"] / out["spacy_articles_per_s"], rel=1e-2)
    assert out["articles_per_s"] == pytest.approx(out["articles"] / out["seconds"], rel=1e-2)
    assert set(out["stage_seconds"]) == {"nlp", "store", "other"}
    assert sum(out["stage_seconds"].values()) == pytest.approx(out["seconds"], abs=0.01)
    assert out["peak_rss_mb"] > 50


@pytest.mark.slow
def test_benchmark_throughput_counts_unreadable_inputs(article_dir):
    (article_dir / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "throughput", str(article_dir), "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["articles"] == 2
    assert out["unreadable"] == 1
    assert out["rejected"] == 1


def test_benchmark_throughput_help_has_example():
    result = CliRunner().invoke(main, ["bench", "throughput", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
