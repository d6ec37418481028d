"""Readers: formats, encodings, sidecars, stdin, and every kind of bad input with file and line."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from crosswire.errors import (
    BinaryInput,
    EmptyInput,
    InputTooLarge,
    NoArticleText,
    UnknownFormat,
    UnreadableInput,
)
from crosswire.ingest.readers import read_inputs
from crosswire.model import RawArticle

ARTICLE = "The Syrian army said on Monday that it had retaken the town after a week of heavy fighting.\n"
HTML = (
    "<html><head><title>Army retakes town</title><meta name='author' content='Jane Doe'>"
    "<meta property='article:published_time' content='2017-10-14'></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Army retakes town</h1>"
    + "".join(f"<p>{ARTICLE} Paragraph {i} adds more detail about the fighting near the river.</p>" for i in range(4))
    + "</article><footer>Copyright Example</footer></body></html>"
)


def _read(paths, max_bytes=100_000, stdin=None):
    return list(read_inputs([str(p) for p in paths], max_bytes=max_bytes, stdin=stdin))


def _errors(items):
    return [i for i in items if not isinstance(i, RawArticle)]


def test_readers_plain_text(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    (item,) = _read([tmp_path / "a.txt"])
    assert item.text == ARTICLE and item.format == "text" and item.encoding == "utf-8"


def test_readers_html_keeps_metadata(tmp_path):
    (tmp_path / "a.html").write_text(HTML, "utf-8")
    (item,) = _read([tmp_path / "a.html"])
    assert item.format == "html"
    assert item.title == "Army retakes town"
    assert item.published == "2017-10-14"
    assert item.author == "Jane Doe"
    assert "Paragraph 3" in item.text and "Copyright Example" not in item.text


def test_readers_jsonl_records_with_metadata(tmp_path):
    lines = [
        {"text": ARTICLE, "url": "https://www.rt.com/news/1", "outlet": "RT", "title": "T", "published": "2017-10-14"},
        {"html": HTML, "url": "https://example.org/x"},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(x) for x in lines), "utf-8")
    a, b = _read([tmp_path / "a.jsonl"])
    assert (a.line, a.outlet, a.url, a.title, a.published) == (1, "RT", "https://www.rt.com/news/1", "T", "2017-10-14")
    assert (b.line, b.url, b.title) == (2, "https://example.org/x", "Army retakes town")


def test_readers_directory_glob_and_sidecar(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "articles.jsonl").write_text(json.dumps({"file": "a.txt", "outlet": "Press TV"}) + "\n", "utf-8")
    items = _read([tmp_path])
    assert [(i.source.split("/")[-1], i.outlet) for i in items] == [("a.txt", "Press TV"), ("b.txt", None)]
    assert [i.source.split("/")[-1] for i in _read([tmp_path / "*.txt"])] == ["a.txt"]


def test_readers_stdin(tmp_path):
    (item,) = _read(["-"], stdin=io.BytesIO(ARTICLE.encode("utf-8")))
    assert item.source == "<stdin>" and item.text == ARTICLE


def test_readers_stdin_html_is_sniffed():
    (item,) = _read(["-"], stdin=io.BytesIO(HTML.encode("utf-8")))
    assert item.format == "html" and item.title == "Army retakes town"


def test_readers_gzip(tmp_path):
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(HTML.encode("utf-8")))
    (item,) = _read([tmp_path / "a.html.gz"])
    assert item.format == "html" and "Paragraph 2" in item.text


@pytest.mark.parametrize(
    "text,encoding",
    [
        ("Café résumé – the army said on Monday that it had retaken the town near the river.", "cp1252"),
        ("قالت وكالة الأنباء السورية إن الجيش سيطر على مدينة الميادين في ريف دير الزور", "cp1256"),
        ("Российская армия заявила, что взяла под контроль город на востоке страны", "cp1251"),
        ("Российская армия заявила, что взяла под контроль город на востоке страны", "koi8_r"),
        ("Syrian troops captured the city, the ministry said.", "utf-16"),
    ],
)
def test_readers_non_utf8_text_is_decoded(tmp_path, text, encoding):
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    (item,) = _read([tmp_path / "a.txt"])
    assert item.text == text


@pytest.mark.parametrize(
    "name,data,error,words",
    [
        ("empty.txt", b"", EmptyInput, "empty"),
        ("blank.txt", b"  \n\n \t", EmptyInput, "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), BinaryInput, "PNG image"),
        ("blob.txt", b"abc\x00\x01\x02" * 200, BinaryInput, "binary"),
        ("big.txt", b"word " * 30_000, InputTooLarge, "over the limit"),
        ("table.csv", b"a,b\n1,2\n", UnknownFormat, "unknown format"),
        ("doc.pdf", b"%PDF-1.4\n...", UnknownFormat, "unknown format"),
        ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", NoArticleText, "no article"),
    ],
)
def test_readers_bad_file_is_reported_with_its_name(tmp_path, name, data, error, words):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(ARTICLE, "utf-8")
    items = _read([tmp_path], max_bytes=100_000)
    (err,) = _errors(items)
    assert isinstance(err, error)
    assert err.source.endswith(name)
    assert words in str(err).lower() or words in str(err)
    assert [i.source.split("/")[-1] for i in items if isinstance(i, RawArticle)] == ["good.txt"]


def test_readers_broken_json_lines_report_line_numbers_and_keep_the_rest(tmp_path):
    lines = [
        json.dumps({"text": ARTICLE}),
        "{broken",
        "",
        json.dumps({"foo": 1}),
        "[1, 2]",
        json.dumps({"text": "  "}),
        json.dumps({"html": "<html><body><nav>menu</nav></body></html>"}),
        json.dumps({"text": ARTICLE + " again"}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    items = _read([tmp_path / "feed.jsonl"])
    got = [(type(i).__name__, i.line) for i in items]
    assert got == [
        ("RawArticle", 1),
        ("BrokenJSON", 2),
        ("BrokenJSON", 4),
        ("BrokenJSON", 5),
        ("EmptyInput", 6),
        ("NoArticleText", 7),
        ("RawArticle", 8),
    ]
    assert str(items[1]).startswith(f"{tmp_path / 'feed.jsonl'}:2: not valid JSON")


def test_readers_jsonl_record_over_the_limit(tmp_path):
    lines = [json.dumps({"text": "x " * 5000}), json.dumps({"text": ARTICLE})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), "utf-8")
    items = _read([tmp_path / "feed.jsonl"], max_bytes=2000)
    assert isinstance(items[0], InputTooLarge) and items[0].line == 1
    assert isinstance(items[1], RawArticle) and items[1].line == 2


def test_readers_missing_path_and_empty_glob(tmp_path):
    items = _read([tmp_path / "nope.txt", tmp_path / "*.nothing"])
    assert [type(i) for i in items] == [UnreadableInput, UnreadableInput]


def test_readers_empty_jsonl_file(tmp_path):
    (tmp_path / "feed.jsonl").write_text("\n\n", "utf-8")
    (err,) = _read([tmp_path / "feed.jsonl"])
    assert isinstance(err, EmptyInput)




@pytest.mark.parametrize(
    "name,suffix",
    [("a.html.gz", ".html"), ("a.gz", ""), ("report.2017-10-14", ""), ("A.TXT", ".txt"), ("noext", ""), (".hidden", "")],
)
def test_readers_format_suffix(name, suffix):
    from pathlib import Path

    from crosswire.ingest.readers import format_suffix

    assert format_suffix(Path(name)) == suffix


def test_readers_bare_gz_is_sniffed(tmp_path):
    (tmp_path / "page.gz").write_bytes(gzip.compress(HTML.encode("utf-8")))
    (item,) = _read([tmp_path / "page.gz"])
    assert item.format == "html"
