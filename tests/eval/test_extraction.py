"""The extraction benchmark: both metrics on hand-made fixtures, page resolution, the CLI."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosswire.eval import eval_group
from crosswire.eval.extraction import (
    BenchmarkDataError,
    PageStore,
    evaluate_extraction,
    get_system,
)
from crosswire.eval.metrics import norm, shingle_match, shingles, snippet_confusion, tokens

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench"
DEV = BENCH / "extraction" / "trafilatura"


def echo(html: bytes) -> str:
    """A system whose output is the page itself: the fixtures hold the predicted text."""
    text = html.decode("utf-8")
    if text.startswith("RAISE"):
        raise RuntimeError("this page breaks the system")
    return text


# --- the snippet metric (trafilatura corpus) --------------------------------------------------

EVALDATA = {
    "https://a.example/1": {"file": "a.html", "with": ["Hello world", "missing"], "without": ["foo", "bar", "hello world"]},
    "https://b.example/2": {"file": "b.html", "with": ["cache text"], "without": ["eval text"]},
    "https://c.example/3": {"file": "c.html", "with": ["x"], "without": ["y"]},
}
PAGES = {
    "eval/a.html": b"Hello \n\t world\nfoo",
    "eval/b.html": b"the eval text",
    "cache/b.html": b"the cache text here",
}


def test_metrics_norm_collapses_whitespace():
    assert norm("  a \n\t b\u00a0c  ") == "a b c"


def test_metrics_snippet_confusion_counts_one_document():
    c = snippet_confusion("Hello \n world foo", ["Hello world", "missing"], ["foo", "bar", "hello world"])
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 1, 1, 2)


@pytest.mark.parametrize("output", [None, ""])
def test_metrics_snippet_confusion_empty_output_finds_nothing(output):
    c = snippet_confusion(output, ["a", "b"], ["c"])
    assert (c.tp, c.fn, c.fp, c.tn) == (0, 2, 0, 1)


@pytest.fixture()
def trafilatura_folder(tmp_path: Path) -> Path:
    (tmp_path / "evaldata.json").write_text(json.dumps(EVALDATA), encoding="utf-8")
    for name, data in PAGES.items():
        (tmp_path / "pages" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pages" / name).write_bytes(data)
    return tmp_path


@pytest.fixture()
def trafilatura_tar(trafilatura_folder: Path) -> Path:
    path = trafilatura_folder / "html.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in sorted(PAGES.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _check_trafilatura_scores(s):
    # TP 2 (a: "Hello world"; b: "cache text"), FN 2 (a: "missing"; c: "x"),
    # FP 1 (a: "foo"), TN 4 (a: "bar", case-sensitive "hello world"; b: "eval text"; c: "y").
    assert (s.tp, s.fp, s.fn, s.tn) == (2, 1, 2, 4)
    assert s.n == 3
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 4)
    assert s.f1 == pytest.approx(4 / 7)
    assert s.accuracy == pytest.approx(6 / 9)
    assert s.missing == 1  # c.html exists nowhere
    assert s.failures == 0


def test_extraction_trafilatura_folder_resolves_cache_first(trafilatura_folder):
    s = evaluate_extraction(
        trafilatura_folder / "evaldata.json", trafilatura_folder / "pages", fmt="trafilatura", system=echo
    )
    _check_trafilatura_scores(s)


def test_extraction_trafilatura_tar_read_in_memory(trafilatura_tar):
    outputs: dict[str, str] = {}
    s = evaluate_extraction(
        trafilatura_tar.parent / "evaldata.json", trafilatura_tar, fmt="trafilatura", system=echo, outputs=outputs
    )
    _check_trafilatura_scores(s)
    assert outputs["https://b.example/2"] == "the cache text here"
    assert not (trafilatura_tar.parent / "cache").exists()  # nothing extracted to disk


def test_extraction_page_store_keeps_only_wanted_members(trafilatura_tar):
    store = PageStore(trafilatura_tar, wanted={"cache/b.html"})
    assert store.get("cache/b.html") == b"the cache text here"
    assert store.get("eval/a.html") is None
    assert store.first(["cache/a.html", "eval/a.html", "cache/b.html"]) == b"the cache text here"


def test_extraction_limit_scores_first_documents(trafilatura_folder):
    s = evaluate_extraction(
        trafilatura_folder / "evaldata.json", trafilatura_folder / "pages", fmt="trafilatura", system=echo, limit=1
    )
    assert s.n == 1
    assert (s.tp, s.fp, s.fn, s.tn) == (1, 1, 1, 2)


def test_extraction_failing_system_gives_empty_output(trafilatura_folder):
    def broken(html: bytes) -> str:
        raise ValueError("boom")

    s = evaluate_extraction(
        trafilatura_folder / "evaldata.json", trafilatura_folder / "pages", fmt="trafilatura", system=broken
    )
    assert s.failures == 2  # the missing page is not run
    assert s.empty == 3
    assert (s.tp, s.fp, s.fn, s.tn) == (0, 0, 4, 5)
    assert s.f1 == 0.0


def test_extraction_missing_gold_raises(tmp_path):
    with pytest.raises(BenchmarkDataError, match="not found"):
        evaluate_extraction(tmp_path / "nope.json", tmp_path, fmt="trafilatura", system=echo)


def test_extraction_wrong_gold_shape_raises(tmp_path):
    (tmp_path / "gold.json").write_text(json.dumps({"k": {"articleBody": "x"}}), encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match="evaldata.json"):
        evaluate_extraction(tmp_path / "gold.json", tmp_path, fmt="trafilatura", system=echo)


# --- the shingle metric (Scrapinghub benchmark) -----------------------------------------------


def test_metrics_tokens_and_shingles():
    assert tokens("Don't stop—now!") == ["Don", "t", "stop", "now"]
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a b") == {("a", "b"): 1}  # fewer than 4 tokens: one shingle of all of them
    assert shingles("") == {}
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_metrics_shingle_match_is_normalised_and_case_sensitive():
    m = shingle_match("a b c d e", "a b c d")  # tp 1, fp 0, fn 1 -> /2
    assert (m.tp, m.fp, m.fn) == (0.5, 0.0, 0.5)
    assert (m.precision, m.recall, m.exact) == (1.0, 0.5, False)
    m = shingle_match("A b c d", "a b c d")
    assert (m.tp, m.fp, m.fn, m.precision, m.recall) == (0.0, 0.5, 0.5, 0.0, 0.0)
    m = shingle_match("x, y; z w!", "x y\nz w")
    assert (m.precision, m.recall, m.exact) == (1.0, 1.0, True)


# Four documents: gold body and the predicted text (the page content, for the echo system).
SCRAPINGHUB = {
    "a" * 64: ("a b c d e", "a b c d"),  # p 1, r 1/2
    "b" * 64: ("x y z w", "x, y z w."),  # exact: p 1, r 1
    "c" * 64: ("one two three four five six", "RAISE"),  # system fails -> empty: not in P, r 0
    "d" * 64: ("p q r s", "p q r s junk"),  # p 1/2, r 1
}


@pytest.fixture()
def scrapinghub_dir(tmp_path: Path) -> Path:
    gold = {k: {"articleBody": g, "url": f"https://example.com/{k[:4]}"} for k, (g, _) in SCRAPINGHUB.items()}
    (tmp_path / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    (tmp_path / "html").mkdir()
    for k, (_, pred) in SCRAPINGHUB.items():
        (tmp_path / "html" / f"{k}.html.gz").write_bytes(gzip.compress(pred.encode("utf-8")))
    return tmp_path


def test_extraction_scrapinghub_macro_scores(scrapinghub_dir):
    s = evaluate_extraction(
        scrapinghub_dir / "ground-truth.json", scrapinghub_dir / "html", fmt="scrapinghub", system=echo
    )
    p = Fraction(1 + 1 + Fraction(1, 2), 3)  # a, b, d (c has tp + fp = 0)
    r = Fraction(Fraction(1, 2) + 1 + 0 + 1, 4)
    assert s.n == 4
    assert s.precision == pytest.approx(float(p))  # 5/6
    assert s.recall == pytest.approx(float(r))  # 5/8
    assert s.f1 == pytest.approx(float(2 * p * r / (p + r)))  # 5/7
    assert s.f1 == pytest.approx(5 / 7)
    assert s.accuracy == pytest.approx(1 / 4)
    assert s.failures == 1
    assert s.tp is None


def test_extraction_scrapinghub_finds_pages_under_html_folder(scrapinghub_dir):
    s = evaluate_extraction(scrapinghub_dir / "ground-truth.json", scrapinghub_dir, fmt="scrapinghub", system=echo)
    assert s.missing == 0
    assert s.f1 == pytest.approx(5 / 7)


# --- systems and the CLI ----------------------------------------------------------------------

ARTICLE = (
    "<html><head><title>Port closed</title></head><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
    "<article><h1>Port closed</h1>"
    + "".join(
        f"<p>Paragraph {i}: heavy rain pushed the river above its banks and the harbour authority closed the port "
        "on Sunday after water reached the loading cranes on the eastern quay of the old harbour.</p>"
        for i in range(4)
    )
    + "</article><footer>Imprint of the publisher</footer></body></html>"
).encode("utf-8")


@pytest.mark.parametrize("name", ["crosswire", "trafilatura"])
def test_extraction_systems_return_main_text(name):
    text = get_system(name)(ARTICLE)
    assert "harbour authority closed the port" in text
    assert "Imprint" not in text


def test_extraction_crosswire_system_drops_title():
    text = get_system("crosswire")(ARTICLE)
    assert not text.startswith("Port closed")


def test_extraction_unknown_system_raises():
    with pytest.raises(ValueError, match="Known systems"):
        get_system("nope")


def test_cli_eval_extraction_json(trafilatura_tar):
    result = CliRunner().invoke(
        eval_group,
        [
            "extraction",
            "--format",
            "trafilatura",
            str(trafilatura_tar.parent / "evaldata.json"),
            "--html",
            str(trafilatura_tar),
            "--system",
            "trafilatura",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"n", "precision", "recall", "f1", "accuracy"} <= data.keys()
    assert data["n"] == 3
    assert data["system"] == "trafilatura"


def test_cli_eval_extraction_table(scrapinghub_dir):
    result = CliRunner().invoke(
        eval_group,
        ["extraction", "--format", "scrapinghub", str(scrapinghub_dir / "ground-truth.json"), "--html",
         str(scrapinghub_dir / "html"), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    assert "scrapinghub benchmark, system crosswire: 4 documents" in result.stdout


def test_cli_eval_extraction_missing_gold_exits_1(tmp_path):
    result = CliRunner().invoke(
        eval_group, ["extraction", "--format", "trafilatura", str(tmp_path / "nope.json"), "--html", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "not found" in result.output


@pytest.mark.parametrize("args", [["--help"], ["extraction", "--help"]])
def test_cli_eval_help_has_example(args):
    result = CliRunner().invoke(eval_group, args)
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.bench
@pytest.mark.skipif(not DEV.is_dir(), reason=f"extraction dev set not found at {DEV} (shared/bench beside the repository)")
def test_cli_eval_extraction_dev_set_smoke():
    result = CliRunner().invoke(
        eval_group,
        [
            "extraction",
            "--format",
            "trafilatura",
            str(DEV / "evaldata.json"),
            "--html",
            str(DEV / "html.tar.gz"),
            "--limit",
            "20",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"n", "precision", "recall", "f1", "accuracy"} <= data.keys()
    assert data["n"] == 20
    assert 0 <= data["f1"] <= 1
