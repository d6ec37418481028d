"""Main-text extraction benchmarks: read a gold set, run a system on its pages, score it.

Two formats are supported, each with its own metric (``shared/bench/extraction/README.md``):

* ``trafilatura``: ``evaldata.json`` + the pages as a folder or a ``.tar.gz`` (members
  ``eval/<file>`` and ``cache/<file>``; ``cache/`` is tried first, as trafilatura does). Scored by
  "with"/"without" snippets summed over the corpus (``metrics.snippet_confusion``).
* ``scrapinghub``: ``ground-truth.json`` + a folder of ``<id>.html.gz``. Scored by 4-gram shingles,
  macro-averaged over documents (``metrics.shingle_match``).

A *system* is any callable ``bytes -> str`` that returns the main text of an HTML page. A system that
raises for a page gives an empty output for that page: the page is scored (as finding nothing) and
counted in ``ExtractionScores.failures``; the run goes on.
"""

from __future__ import annotations

import gzip
import json
import logging
import tarfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from ..errors import BenchmarkDataError, NoArticleText
from .metrics import Confusion, ShingleMatch, shingle_match, shingle_scores, snippet_confusion

logger = logging.getLogger(__name__)

System = Callable[[bytes], str]
Format = Literal["trafilatura", "scrapinghub"]
FORMATS: tuple[str, ...] = ("trafilatura", "scrapinghub")


@dataclass(frozen=True, slots=True)
class ExtractionScores:
    """Scores of one system on one extraction benchmark.

    ``n`` is the number of documents scored. ``failures`` counts pages where the system raised,
    ``empty`` pages where it returned no text (failures included), ``missing`` pages whose HTML
    file was not found (scored as an empty output). ``tp``/``fp``/``fn``/``tn`` are the corpus
    snippet counts of the trafilatura format (None for scrapinghub).
    """

    n: int
    precision: float
    recall: float
    f1: float
    accuracy: float
    format: str
    system: str
    failures: int = 0
    empty: int = 0
    missing: int = 0
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None
    tn: int | None = None

    def to_dict(self) -> dict[str, object]:
        """RETURNS (dict): the scores as a JSON-ready dict."""
        return asdict(self)


# --- systems ---------------------------------------------------------------------------------


class TrafilaturaSystem:
    """Plain trafilatura, as trafilatura's own evaluation runs it (text only, no metadata)."""

    name = "trafilatura"

    def __call__(self, html: bytes) -> str:
        import trafilatura

        return (
            trafilatura.extract(html, include_comments=False, include_tables=True, include_formatting=False)
            or ""
        )


class CrosswireSystem:
    """crosswire's own path for an HTML page: ``extract_html`` then ``clean``; the output is the body.

    The title is not part of the output: both benchmarks score the article body only (the
    trafilatura corpus even lists page titles among its boilerplate snippets).
    Resources are loaded on the first call, so an instance pickles cheaply into worker processes.
    """

    name = "crosswire"

    def __init__(self) -> None:
        self._resources: tuple[object, object] | None = None

    def __getstate__(self) -> dict[str, object]:
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self._resources = None

    def __call__(self, html: bytes) -> str:
        from ..clean import clean
        from ..config import Config
        from ..ingest.html import extract_html
        from ..ingest.outlets import OutletDirectory
        from ..model import RawArticle

        if self._resources is None:
            self._resources = (OutletDirectory.load(), Config())
        directory, cfg = self._resources
        page = extract_html(html, source="<bench>")
        raw = RawArticle(
            text=page.text,
            source="<bench>",
            format="html",
            url=page.url,
            title=page.title,
            author=page.author,
            published=page.date,
            language=page.language,
            sitename=page.sitename,
        )
        return clean(raw, directory, cfg).body  # type: ignore[arg-type]


SYSTEMS: dict[str, Callable[[], System]] = {
    "crosswire": CrosswireSystem,
    "trafilatura": TrafilaturaSystem,
}


def get_system(name: str) -> System:
    """Build a system by name.

    Args:
        name (str): "crosswire" or "trafilatura".
    RETURNS (System): a callable ``bytes -> str``.
    Raises:
        ValueError: for an unknown name.
    """
    try:
        return SYSTEMS[name]()
    except KeyError:
        raise ValueError(f"Unknown extraction system {name!r}. Known systems: {sorted(SYSTEMS)}") from None


# --- reading pages ---------------------------------------------------------------------------


class PageStore:
    """HTML pages by relative path, from a folder or from a .tar(.gz) read into memory.

    Args:
        path (Path): a folder, or a tar archive (compressed or not).
        wanted (set[str] | None): for an archive, the member paths to keep (all when None).
    Raises:
        BenchmarkDataError: when the path is missing or is neither a folder nor a readable archive.
    """

    def __init__(self, path: str | Path, *, wanted: set[str] | None = None) -> None:
        self.path = Path(path)
        self._members: dict[str, bytes] | None = None
        if self.path.is_dir():
            return
        if not self.path.is_file():
            raise BenchmarkDataError(f"HTML pages not found at {self.path}: give a folder or a .tar.gz archive")
        try:
            members: dict[str, bytes] = {}
            with tarfile.open(self.path, mode="r:*") as tar:
                for info in tar:
                    if not info.isfile():
                        continue
                    name = info.name.removeprefix("./")
                    if wanted is not None and name not in wanted:
                        continue
                    f = tar.extractfile(info)
                    if f is not None:
                        members[name] = f.read()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BenchmarkDataError(
                f"cannot read the page archive {self.path}: {exc}. Give a folder or a .tar/.tar.gz archive"
            ) from exc
        self._members = members

    def get(self, name: str) -> bytes | None:
        """The bytes of the page at a relative path.

        Args:
            name (str): e.g. "eval/page.html".
        RETURNS (bytes | None): the page, or None when there is no such page.
        """
        if self._members is not None:
            return self._members.get(name)
        p = self.path / name
        try:
            return p.read_bytes() if p.is_file() else None
        except OSError as exc:
            logger.debug("cannot read %s: %s", p, exc)
            return None

    def first(self, names: Sequence[str]) -> bytes | None:
        """RETURNS (bytes | None): the first page found among ``names``."""
        for name in names:
            data = self.get(name)
            if data is not None:
                return data
        return None


def _load_json(path: str | Path, what: str) -> dict:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BenchmarkDataError(f"{what} not found: {p}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BenchmarkDataError(f"cannot read {what} {p}: {exc}") from exc
    if not isinstance(data, dict):
        raise BenchmarkDataError(f"{what} {p} must be a JSON object keyed by page, got {type(data).__name__}")
    return data


def trafilatura_candidates(file: str) -> list[str]:
    """Where a page of the trafilatura corpus may lie, in the order trafilatura tries them.

    Args:
        file (str): the ``file`` value of an evaldata.json entry.
    RETURNS (list[str]): relative paths: ``cache/<file>``, ``eval/<file>``, then ``<file>``.
    """
    return [f"cache/{file}", f"eval/{file}", file]


def scrapinghub_candidates(item_id: str) -> list[str]:
    """Where a page of the Scrapinghub benchmark may lie.

    Args:
        item_id (str): the 64-hex key of ground-truth.json.
    RETURNS (list[str]): ``<id>.html.gz`` in the folder, or under ``html/``.
    """
    return [f"{item_id}.html.gz", f"html/{item_id}.html.gz"]


def _read_scrapinghub_page(raw: bytes | None) -> bytes | None:
    if raw is None:
        return None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            logger.debug("cannot gunzip a page: %s", exc)
            return None
    return raw


# --- running ---------------------------------------------------------------------------------


def _safe_call(system: System, html: bytes | None) -> tuple[str, str | None]:
    """Run a system on one page; RETURNS (text, error message or None)."""
    if html is None:
        return "", None
    try:
        out = system(html)
    except NoArticleText as exc:
        return "", f"no article text: {exc.message}"
    except Exception as exc:  # the batch boundary: one bad page never stops the benchmark
        return "", f"{type(exc).__name__}: {exc}"
    return (out or ""), None


def _run(
    system: System, pages: list[bytes | None], keys: list[str], *, jobs: int, progress: bool
) -> Iterator[tuple[str, str | None]]:
    from tqdm import tqdm

    call = partial(_safe_call, system)
    if jobs > 1:
        executor = ProcessPoolExecutor(max_workers=jobs)
        results: Iterator[tuple[str, str | None]] = executor.map(call, pages, chunksize=4)
    else:
        executor = None
        results = map(call, pages)
    try:
        bar = tqdm(results, total=len(pages), disable=not progress, desc="extraction", unit="page", leave=False)
        for key, (text, error) in zip(keys, bar, strict=True):
            if error is not None:
                logger.debug("%s: system failed: %s", key, error)
            yield text, error
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)


def evaluate_extraction(
    gold_path: str | Path,
    html_path: str | Path,
    *,
    fmt: Format,
    system: System,
    system_name: str | None = None,
    limit: int | None = None,
    jobs: int = 1,
    progress: bool = False,
    outputs: dict[str, str] | None = None,
) -> ExtractionScores:
    """Score a main-text extraction system on a benchmark.

    Args:
        gold_path (str | Path): evaldata.json (trafilatura) or ground-truth.json (scrapinghub).
        html_path (str | Path): the pages: a folder, or for trafilatura also a .tar.gz.
        fmt (str): "trafilatura" or "scrapinghub".
        system (System): ``bytes -> str``, the main text of a page.
        system_name (str | None): the name reported (default: the system's ``name`` attribute).
        limit (int | None): score only the first N documents of the gold file.
        jobs (int): worker processes (the system must pickle when > 1).
        progress (bool): show a progress bar on stderr.
        outputs (dict | None): when given, filled with {document key: system output}.
    RETURNS (ExtractionScores): the scores.
    Raises:
        BenchmarkDataError: when the gold file or the pages cannot be read.
        ValueError: for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown extraction benchmark format {fmt!r}. Known formats: {list(FORMATS)}")
    name = system_name or getattr(system, "name", None) or getattr(system, "__name__", "system")
    what = "evaldata.json" if fmt == "trafilatura" else "ground-truth.json"
    gold = _load_json(gold_path, f"the gold file ({what})")
    items = list(gold.items())
    if limit is not None:
        items = items[: max(0, limit)]
    candidates = trafilatura_candidates if fmt == "trafilatura" else scrapinghub_candidates
    keys: list[str] = []
    names: list[list[str]] = []
    for key, entry in items:
        if not isinstance(entry, dict):
            raise BenchmarkDataError(f"{gold_path}: entry {key!r} must be an object, got {type(entry).__name__}")
        if fmt == "trafilatura":
            if "file" not in entry or "with" not in entry or "without" not in entry:
                raise BenchmarkDataError(
                    f"{gold_path}: entry {key!r} lacks 'file', 'with' or 'without'; is this an evaldata.json?"
                )
            names.append(candidates(entry["file"]))
        else:
            if "articleBody" not in entry:
                raise BenchmarkDataError(f"{gold_path}: entry {key!r} lacks 'articleBody'; is this a ground-truth.json?")
            names.append(candidates(key))
        keys.append(key)
    store = PageStore(html_path, wanted={n for ns in names for n in ns})
    pages = [store.first(ns) for ns in names]
    if fmt == "scrapinghub":
        pages = [_read_scrapinghub_page(p) for p in pages]
    missing = sum(p is None for p in pages)
    for key, page in zip(keys, pages, strict=True):
        if page is None:
            logger.warning("%s: page not found under %s (scored as an empty output)", key, html_path)

    failures = empty = 0
    confusion = Confusion()
    matches: list[ShingleMatch] = []
    for key, (text, error) in zip(keys, _run(system, pages, keys, jobs=jobs, progress=progress), strict=True):
        failures += error is not None
        empty += not text.strip()
        if outputs is not None:
            outputs[key] = text
        entry = gold[key]
        if fmt == "trafilatura":
            confusion = confusion + snippet_confusion(text, entry["with"], entry["without"])
        else:
            matches.append(shingle_match(entry.get("articleBody") or "", text))

    if fmt == "trafilatura":
        return ExtractionScores(
            n=len(keys),
            precision=confusion.precision,
            recall=confusion.recall,
            f1=confusion.f1,
            accuracy=confusion.accuracy,
            format=fmt,
            system=name,
            failures=failures,
            empty=empty,
            missing=missing,
            tp=confusion.tp,
            fp=confusion.fp,
            fn=confusion.fn,
            tn=confusion.tn,
        )
    s = shingle_scores(matches)
    return ExtractionScores(
        n=s.n,
        precision=s.precision,
        recall=s.recall,
        f1=s.f1,
        accuracy=s.accuracy,
        format=fmt,
        system=name,
        failures=failures,
        empty=empty,
        missing=missing,
    )


__all__ = [
    "BenchmarkDataError",
    "CrosswireSystem",
    "ExtractionScores",
    "PageStore",
    "SYSTEMS",
    "TrafilaturaSystem",
    "evaluate_extraction",
    "get_system",
]
