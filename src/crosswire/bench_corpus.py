"""The throughput benchmark's corpus: article texts read into memory before anything is timed.

``read_corpus`` understands two kinds of input:

- **The benchmark packs** (``../shared/bench``). Given the pack root it walks only the places that
  hold news articles, so labels, READMEs, PDFs and archives are never touched:

  - ``geo/*.xml`` (LGL, GeoWebNews, TR-News, GeoVirus): the ``<text>`` of each ``<article>``, with
    its ``<title>`` and ``<url>``/``<link>`` as metadata;
  - ``framing/basil/articles/*/*.json``: ``body-paragraphs`` (a list of paragraphs, each a list of
    sentences), with title, url, date and outlet;
  - ``framing/ptc/articles/*.txt``: plain text (title on the first line), read like any text file;
  - ``similarity/pairs.csv``: the English texts (``lang1``/``lang2 == "en"``), each distinct text once.

  One of those files given on its own (a geo XML, a BASIL JSON, ``pairs.csv``) is read the same way.
- **Anything else**: files and folders go through ``ingest.readers.read_inputs``, as ``crosswire
  ingest`` reads them.

Inputs that cannot be read come back as ``InputError`` values (never raised), so the benchmark
counts them as rejected and goes on.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from .errors import BrokenJSON, EmptyInput, InputError, InputTooLarge, UnreadableInput
from .ingest.readers import read_file, read_inputs
from .model import RawArticle

logger = logging.getLogger(__name__)

#: Where the benchmark packs keep news articles, relative to the pack root, in reading order.
BENCH_ARTICLE_GLOBS: tuple[str, ...] = (
    "geo/*.xml",
    "framing/basil/articles/*/*.json",
    "framing/ptc/articles/*.txt",
    "similarity/pairs.csv",
)

#: BASIL's ``source`` codes and the outlets they stand for.
BASIL_OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class UnknownXML(InputError):
    """An XML file given as benchmark articles does not parse or has no ``<article>``."""


def load_corpus(path: str | Path, *, max_bytes: int, limit: int | None = None) -> list[RawArticle]:
    """Read the articles under a path into memory, dropping inputs that cannot be read.

    Args:
        path (str | Path): the benchmark pack root, one pack file, or any file or folder
            ``crosswire ingest`` reads.
        max_bytes (int): the size limit of one article's text.
        limit (int | None): keep at most this many articles (the first ones in reading order).
    RETURNS (list[RawArticle]): the articles.
    """
    articles = (item for item in read_corpus(path, max_bytes=max_bytes) if isinstance(item, RawArticle))
    return list(islice(articles, limit))


def read_corpus(path: str | Path, *, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Yield the articles under a path, and an error for each input that cannot be read.

    Args:
        path (str | Path): the benchmark pack root, one pack file, or any file or folder
            ``crosswire ingest`` reads.
        max_bytes (int): the size limit of one article's text.
    YIELDS (RawArticle | InputError): articles, and errors for unreadable inputs.
    """
    root = Path(path)
    if root.is_dir() and is_bench_root(root):
        for pattern in BENCH_ARTICLE_GLOBS:
            for f in sorted(root.glob(pattern)):
                yield from _read_bench_file(f, max_bytes=max_bytes)
        return
    if root.is_file() and _bench_format(root) is not None:
        yield from _read_bench_file(root, max_bytes=max_bytes)
        return
    yield from read_inputs([str(path)], max_bytes=max_bytes)


def is_bench_root(path: Path) -> bool:
    """RETURNS (bool): True when ``path`` looks like the root of the benchmark packs."""
    return any(next(iter(path.glob(pattern)), None) is not None for pattern in BENCH_ARTICLE_GLOBS)


def _bench_format(path: Path) -> str | None:
    """Which benchmark format a file is in ("geo", "basil", "pairs"), or None (read as ``ingest`` does)."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "geo"
    if suffix == ".csv":
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            header = fh.readline()
        return "pairs" if "text1" in header and "lang1" in header else None
    if suffix == ".json":
        with path.open("rb") as fh:
            head = fh.read(4096)
        return "basil" if b'"body-paragraphs"' in head else None
    return None


def _read_bench_file(path: Path, *, max_bytes: int) -> Iterator[RawArticle | InputError]:
    fmt = _bench_format(path)
    try:
        if fmt == "geo":
            yield from _read_geo_xml(path, max_bytes=max_bytes)
        elif fmt == "basil":
            yield _read_basil_json(path, max_bytes=max_bytes)
        elif fmt == "pairs":
            yield from _read_pairs_csv(path, max_bytes=max_bytes)
        else:
            yield from read_file(path, max_bytes=max_bytes)
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield UnreadableInput(f"cannot read the file: {exc.strerror or exc}", source=str(path))


def _checked(text: str | None, *, source: str, max_bytes: int) -> str:
    """The text, or an InputError when it is empty or over the size limit."""
    if not text or not text.strip():
        raise EmptyInput("the article has no text", source=source)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise InputTooLarge(f"{size} bytes is over the limit of {max_bytes} bytes; raise it with --max-bytes", source=source)
    return text


def _clean_field(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _read_geo_xml(path: Path, *, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Articles of an LGL / GeoWebNews / TR-News / GeoVirus file (``<articles><article><text>``)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise UnknownXML(f"not well-formed XML ({exc})", source=str(path)) from exc
    for n, art in enumerate(root.iter("article")):
        ident = art.get("docid") or art.get("file") or str(n)
        source = f"{path}#{ident}"
        try:
            text = _checked(art.findtext("text"), source=source, max_bytes=max_bytes)
        except InputError as exc:
            yield exc
            continue
        dltime = _clean_field(art.findtext("dltime"))
        day = _ISO_DAY.match(dltime) if dltime else None
        yield RawArticle(
            text=text,
            source=source,
            format="text",
            encoding="utf-8",
            url=_clean_field(art.findtext("url")) or _clean_field(art.findtext("link")) or _clean_field(art.findtext("source")),
            title=_clean_field(art.findtext("title")),
            published=day.group(0) if day else None,
            language="en",
        )



def _read_basil_json(path: Path, *, max_bytes: int) -> RawArticle:
    """One BASIL article: ``body-paragraphs`` is a list of paragraphs, each a list of sentences."""
    source = str(path)
    try:
        record = json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise BrokenJSON(f"not valid JSON ({exc})", source=source) from exc
    paras = record.get("body-paragraphs") if isinstance(record, dict) else None
    if not isinstance(paras, list):
        raise BrokenJSON('a BASIL article needs a "body-paragraphs" list', source=source)
    text = "\n\n".join(
        " ".join(s.strip() for s in p if isinstance(s, str)) if isinstance(p, list) else str(p) for p in paras
    )
    code = str(record.get("source") or "").lower()
    return RawArticle(
        text=_checked(text, source=source, max_bytes=max_bytes),
        source=source,
        format="text",
        encoding="utf-8",
        url=_clean_field(record.get("url")),
        outlet=BASIL_OUTLETS.get(code),
        title=_clean_field(record.get("title")),
        published=_clean_field(record.get("date")),
        language="en",
    )


def _read_pairs_csv(path: Path, *, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """The distinct English texts of a SemEval-2022 Task 8 pairs file."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # texts are long quoted fields
    seen: set[str] = set()
    with path.open("r", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for side in ("1", "2"):
                if row.get(f"lang{side}") != "en":
                    continue
                text = row.get(f"text{side}") or ""
                key = " ".join(text.split())
                if key in seen:
                    continue
                seen.add(key)
                source = f"{path}#{row.get('pair_id', '?')}:{side}"
                try:
                    yield RawArticle(
                        text=_checked(text, source=source, max_bytes=max_bytes),
                        source=source,
                        format="text",
                        encoding="utf-8",
                        language="en",
                    )
                except InputError as exc:
                    yield exc
