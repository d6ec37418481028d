"""Encoding and format detection for raw input bytes."""

from __future__ import annotations

import codecs
import gzip
import io
import re

import charset_normalizer

from ..errors import BinaryInput, EmptyInput, EncodingError, InputTooLarge, UnknownFormat

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

# Magic numbers of common binary formats people drop into an article folder by mistake.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "an SQLite database"),
    (b"DUCK", "a DuckDB database"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_HTML_TAGS = re.compile(rb"<(p|div|article|span|a|br)\b[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def maybe_gunzip(data: bytes, *, source: str, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing to inflate past ``max_bytes``.

    Args:
        data (bytes): possibly gzip-compressed bytes.
        source (str): where the bytes came from, for messages.
        max_bytes (int): the size limit for the decompressed data.
    RETURNS (bytes): the decompressed bytes, or ``data`` unchanged when not gzip.
    Raises:
        InputTooLarge: when the decompressed data exceeds ``max_bytes``.
        BinaryInput: when the gzip stream is corrupt.
    """
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise BinaryInput(f"corrupt gzip data ({exc})", source=source) from exc
    if len(out) > max_bytes:
        raise InputTooLarge(
            f"decompresses to more than {max_bytes} bytes; raise --max-bytes to accept it", source=source
        )
    return out


def check_size(data: bytes, *, source: str, line: int | None = None, max_bytes: int) -> None:
    """Raise InputTooLarge when ``data`` is over the limit, EmptyInput when it is blank.

    Args:
        data (bytes): the input.
        source (str): where it came from.
        line (int | None): its line in a JSON Lines file.
        max_bytes (int): the limit.
    Raises:
        InputTooLarge, EmptyInput.
    """
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"{len(data)} bytes is over the limit of {max_bytes} bytes; raise it with --max-bytes",
            source=source,
            line=line,
        )
    if not data.strip():
        raise EmptyInput("the input is empty (no text at all)", source=source, line=line)


def decode(data: bytes, *, source: str) -> tuple[str, str]:
    """Decode bytes to text, detecting the encoding.

    UTF-8 (and BOM-marked UTF-16/32) is tried first because most of the web is UTF-8; other
    encodings (cp1252, latin-1, cp1256, koi8-r …) are detected with charset-normalizer.

    Args:
        data (bytes): the raw bytes.
        source (str): where they came from, for messages.
    RETURNS (tuple[str, str]): the text and the encoding name.
    Raises:
        BinaryInput: when the bytes look like a binary file.
        EncodingError: when no text encoding fits.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise EncodingError(f"starts with a {enc} byte-order mark but does not decode: {exc}", source=source) from exc
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BinaryInput(f"this is {what}, not an article; convert it to text or HTML first", source=source)
    head = data[:8192]
    if head.count(b"\x00") > len(head) // 100:
        raise BinaryInput("contains NUL bytes: a binary file, not text", source=source)
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        match = _pick_encoding(charset_normalizer.from_bytes(data))
        if match is None:
            raise EncodingError(
                "the bytes decode in no known text encoding; save the file as UTF-8", source=source
            ) from None
        text, enc = str(match), match.encoding
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > max(3, len(sample) // 50):
        raise BinaryInput("mostly control characters: a binary file, not text", source=source)
    return text, enc


# Encodings news pages actually use, most common first; they break near-ties between candidates
# (short texts fit several code pages equally well: cp1252 and cp775 read "é" alike).
_COMMON = ("cp1252", "latin_1", "iso8859_15", "cp1251", "cp1256", "koi8_r", "cp1250", "iso8859_2", "cp1253",
           "cp1254", "cp1255", "iso8859_6", "iso8859_7", "gb18030", "gb2312", "big5", "shift_jis", "euc_jp",
           "euc_kr", "cp949", "tis_620", "cp1258")  # fmt: skip


def _pick_encoding(matches):
    """The best charset-normalizer match, preferring common web encodings among near-ties."""
    if not matches:
        return None
    best = matches.best()
    near = [m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.05]

    def rank(m) -> int:
        return _COMMON.index(m.encoding) if m.encoding in _COMMON else len(_COMMON)

    return min(near, key=rank) if near else best


def sniff_format(data: bytes, *, suffix: str, source: str) -> str:
    """Decide whether bytes are plain text, HTML or JSON Lines.

    The file suffix decides when it is one we know; otherwise the content does. A suffix we
    do not know (".csv", ".xml", ".pdf" …) is refused rather than guessed.

    Args:
        data (bytes): the (decompressed) bytes.
        suffix (str): the lower-case file suffix ("" for stdin or no suffix).
        source (str): for messages.
    RETURNS (str): "text", "html" or "jsonl".
    Raises:
        UnknownFormat: for a suffix we do not read.
    """
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix and suffix not in TEXT_SUFFIXES:
        raise UnknownFormat(
            f"unknown format '{suffix}': crosswire reads plain text (.txt), HTML (.html) and JSON Lines (.jsonl)",
            source=source,
        )
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(data[:20000])) >= 5:
        return "html"
    stripped = head.lstrip()
    if suffix == "" and stripped.startswith(b"{") and stripped.split(b"\n", 1)[0].rstrip().endswith(b"}"):
        return "jsonl"
    return "text"
