"""Readers: paths, globs, directories and stdin to RawArticles.

``read_inputs`` yields a ``RawArticle`` for each article it can read and an ``InputError`` (not
raised) for each one it cannot, so that one bad file never stops a batch and every failure is
reported with its file and line.

A JSON Lines file whose records all carry ``"file"`` and no ``"text"``/``"html"`` is a *sidecar*: it
gives metadata (outlet, url, published, title …) for the files it names in the same folder, such as
``examples/articles.jsonl``.
"""

from __future__ import annotations

import glob
import gzip
import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from ..errors import BrokenJSON, EmptyInput, InputError, InputTooLarge, UnreadableInput
from ..model import RawArticle
from .detect import JSONL_SUFFIXES, check_size, decode, maybe_gunzip, sniff_format
from .html import extract_html

logger = logging.getLogger(__name__)

_META_KEYS = ("url", "outlet", "title", "author", "published", "language")


def expand_paths(paths: list[str]) -> Iterator[Path | InputError]:
    """Expand directories (recursively, sorted) and globs to files.

    Args:
        paths (list[str]): file paths, directory paths or glob patterns.
    YIELDS (Path | InputError): each file, or an error for a path that matches nothing.
    """
    for p in paths:
        if any(c in p for c in "*?[") and not Path(p).exists():
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield UnreadableInput("the pattern matches no file", source=p)
            for m in matches:
                if Path(m).is_file():
                    yield Path(m)
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(
                f for f in path.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            for f in files:
                yield f
        elif path.exists():
            yield path
        else:
            yield UnreadableInput("no such file or directory", source=p)


def _load_sidecar(path: Path) -> dict[str, dict] | None:
    """Read a sidecar file; None when the file is not a sidecar."""
    try:
        lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]
        records = [json.loads(ln) for ln in lines]
    except (OSError, ValueError):
        return None
    if not records or not all(
        isinstance(r, dict) and "file" in r and "text" not in r and "html" not in r for r in records
    ):
        return None
    return {str((path.parent / r["file"]).resolve()): r for r in records}


def read_inputs(paths: list[str], *, max_bytes: int, stdin: BinaryIO | None = None) -> Iterator[RawArticle | InputError]:
    """Read every article under the given paths ("-" reads stdin).

    Args:
        paths (list[str]): files, directories, globs, or "-" for standard input.
        max_bytes (int): the size limit of one file or one JSON Lines record.
        stdin (BinaryIO | None): the stream "-" reads (``sys.stdin.buffer`` by default).
    YIELDS (RawArticle | InputError): articles, and errors for inputs that cannot be read.
    """
    files: list[Path] = []
    for p in paths:
        if p == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_bytes(stream.read(max_bytes + 1), source="<stdin>", suffix="", max_bytes=max_bytes)
            continue
        for item in expand_paths([p]):
            if isinstance(item, InputError):
                yield item
            else:
                files.append(item)
    sidecars: dict[str, dict] = {}
    sidecar_files: set[Path] = set()
    for f in files:
        if f.suffix.lower() in JSONL_SUFFIXES:
            meta = _load_sidecar(f)
            if meta is not None:
                sidecars.update(meta)
                sidecar_files.add(f)
    seen: set[str] = set()
    for f in files:
        key = str(f.resolve())
        if f in sidecar_files or key in seen:
            continue
        seen.add(key)
        meta = sidecars.get(key)
        for item in read_file(f, max_bytes=max_bytes):
            if meta is not None and isinstance(item, RawArticle):
                item = apply_metadata(item, meta)
            yield item


def apply_metadata(raw: RawArticle, meta: dict) -> RawArticle:
    """Fill a RawArticle's metadata from a record, keeping values the article already has.

    Args:
        raw (RawArticle): the article.
        meta (dict): a sidecar or JSON Lines record.
    RETURNS (RawArticle): the article with metadata.
    """
    values = {k: str(meta[k]) for k in _META_KEYS if meta.get(k) and getattr(raw, k) is None}
    return replace(raw, **values) if values else raw


_SUFFIX = re.compile(r"\.[a-z][a-z0-9]{0,5}$")


def format_suffix(path: Path) -> str:
    """The suffix that names a file's format, looking through ".gz".

    "a.html.gz" → ".html"; "a.gz" → "" (sniffed after decompression); "report.2017-10-14" → ""
    (a name with dots, not a format).

    Args:
        path (Path): the file.
    RETURNS (str): the lower-case suffix, or "".
    """
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    m = _SUFFIX.search(name)
    return m.group(0) if m and m.start() > 0 else ""


def read_file(path: Path, *, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Read one file: text, HTML or JSON Lines (optionally gzip-compressed).

    Args:
        path (Path): the file.
        max_bytes (int): the size limit (per record for JSON Lines).
    YIELDS (RawArticle | InputError): its articles or errors.
    """
    source = str(path)
    suffix = format_suffix(path)
    try:
        if suffix in JSONL_SUFFIXES:
            # JSON Lines files can be large: stream them, limit each record instead.
            yield from _read_jsonl_stream(path, max_bytes=max_bytes)
            return
        size = path.stat().st_size
        # A compressed file larger than the limit inflates past it too.
        if size > max_bytes:
            yield InputTooLarge(
                f"{size} bytes is over the limit of {max_bytes} bytes; raise it with --max-bytes", source=source
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield UnreadableInput(f"cannot read the file: {exc.strerror or exc}", source=source)
        return
    yield from read_bytes(data, source=source, suffix=suffix, max_bytes=max_bytes)


def read_bytes(data: bytes, *, source: str, suffix: str, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Read articles from bytes whose format is given by a suffix or sniffed.

    Args:
        data (bytes): the bytes (possibly gzip-compressed).
        source (str): where they came from.
        suffix (str): the file suffix without ".gz" ("" when unknown).
        max_bytes (int): the size limit.
    YIELDS (RawArticle | InputError): articles or errors.
    """
    try:
        data = maybe_gunzip(data, source=source, max_bytes=max_bytes)
        fmt = sniff_format(data, suffix=suffix, source=source)
        if fmt == "jsonl":
            if not data.strip():
                raise EmptyInput("the input is empty (no text at all)", source=source)
            yield from _read_jsonl_lines(data.splitlines(), source=source, max_bytes=max_bytes)
            return
        check_size(data, source=source, max_bytes=max_bytes)
        text, encoding = decode(data, source=source)
        if fmt == "html":
            ex = extract_html(text, source=source)
            yield RawArticle(
                text=ex.text, source=source, format="html", encoding=encoding, url=ex.url, title=ex.title,
                author=ex.author, published=ex.date, language=ex.language, sitename=ex.sitename,
            )  # fmt: skip
        else:
            if not text.strip():
                raise EmptyInput("the file has no text", source=source)
            yield RawArticle(text=text, source=source, format="text", encoding=encoding)
    except InputError as exc:
        yield exc


def _read_jsonl_stream(path: Path, *, max_bytes: int) -> Iterator[RawArticle | InputError]:
    source = str(path)
    opener = _open_maybe_gzip(path)
    any_line = False
    with opener as fh:
        for lineno, line in enumerate(_bounded_lines(fh, max_bytes), start=1):
            if isinstance(line, int):
                any_line = True
                yield InputTooLarge(
                    f"this record is over the limit of {max_bytes} bytes; raise it with --max-bytes",
                    source=source, line=lineno,
                )  # fmt: skip
                continue
            if line.strip():
                any_line = True
            yield from _read_jsonl_lines([line], source=source, max_bytes=max_bytes, first_line=lineno)
    if not any_line:
        yield EmptyInput("the JSON Lines file has no records", source=source)


def _open_maybe_gzip(path: Path) -> BinaryIO:
    with path.open("rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")


def _bounded_lines(fh, max_bytes: int) -> Iterator[bytes | int]:
    """Lines of a binary stream; an over-long line yields its length (an int) instead of its bytes."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            skipped = len(line)
            while True:  # skip the rest of the over-long line without holding it in memory
                more = fh.readline(1 << 20)
                skipped += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield skipped
            continue
        yield line


def _read_jsonl_lines(
    lines: list[bytes], *, source: str, max_bytes: int, first_line: int = 1
) -> Iterator[RawArticle | InputError]:
    for lineno, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            check_size(line, source=source, line=lineno, max_bytes=max_bytes)
            try:
                text_line, _ = decode(line, source=source)
                record = json.loads(text_line)
            except ValueError as exc:
                raise BrokenJSON(f"not valid JSON ({exc})", source=source, line=lineno) from exc
            yield _record_to_article(record, source=source, line=lineno)
        except InputError as exc:
            if exc.line is None:
                exc = type(exc)(exc.message, source=source, line=lineno)
            yield exc


def _record_to_article(record: object, *, source: str, line: int) -> RawArticle:
    if not isinstance(record, dict):
        raise BrokenJSON(f"a record must be a JSON object, got {type(record).__name__}", source=source, line=line)
    text, html = record.get("text"), record.get("html")
    if not isinstance(text, str | None) or not isinstance(html, str | None):
        raise BrokenJSON('"text" and "html" must be strings', source=source, line=line)
    if not (text and text.strip()) and not (html and html.strip()):
        if "text" in record or "html" in record:
            raise EmptyInput('the record\'s "text"/"html" is empty', source=source, line=line)
        raise BrokenJSON('the record has neither "text" nor "html"', source=source, line=line)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    if text and text.strip():
        raw = RawArticle(text=text, source=source, line=line, format="jsonl", encoding="utf-8")
    else:
        ex = extract_html(html, source=source, url=url, line=line)
        raw = RawArticle(
            text=ex.text, source=source, line=line, format="jsonl", encoding="utf-8", url=ex.url, title=ex.title,
            author=ex.author, published=ex.date, language=ex.language, sitename=ex.sitename,
        )  # fmt: skip
    meta = {k: record[k] for k in _META_KEYS if isinstance(record.get(k), str | int) and str(record[k]).strip()}
    # Metadata given in the record wins over what the HTML extractor found.
    return replace(raw, **{k: str(v) for k, v in meta.items()})
