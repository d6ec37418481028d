"""`crosswire bench …`: speed and memory measurements (see DESIGN.md, benchmark contract).

``measure_throughput`` times the whole crosswire job against the bare spaCy pipeline on the same
texts, in the same process, with the same batch size and number of processes:

1. Both are warmed up on a couple of texts (lazy spaCy and DuckDB initialisation is not timed).
2. Baseline: ``nlp.pipe(texts, batch_size=…, n_process=…)`` over the raw article texts, every
   ``Doc`` consumed.
3. Ours: ``pipeline.run`` over the same in-memory ``RawArticle`` values (clean, nlp, every stage
   ``pipeline.run`` composes) writing to a fresh DuckDB file in a temporary folder; opening, migrating
   and closing that file is part of the timed job.

Stage times come from the same timed run: ``nlp`` is the time spent waiting on ``nlp.pipe``,
``store`` the time opening, migrating, writing and closing the store, and ``other`` the rest (cleaning, turning Docs into
records, extraction stages, batching). ``clean_pass_seconds`` is a separate, untimed-for-the-ratio
pass of the clean stage alone over the same articles.
"""

from __future__ import annotations

import json
import logging
import resource
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from time import perf_counter

import click
import psutil

from .config import Config
from .errors import CrosswireError
from .model import RawArticle
from .resources import Resources
from .store import Store

logger = logging.getLogger(__name__)

#: The keys the benchmark contract fixes, in order (DESIGN.md).
CONTRACT_KEYS = ("articles", "seconds", "articles_per_s", "spacy_articles_per_s", "ratio", "peak_rss_mb")


@dataclass(frozen=True, slots=True)
class StageSeconds:
    """Where the timed crosswire run spent its time; the three add up to its ``seconds``."""

    nlp: float
    store: float
    other: float


@dataclass(frozen=True, slots=True)
class ThroughputResult:
    """One throughput measurement: crosswire's whole job against bare spaCy on the same texts."""

    articles: int
    seconds: float
    articles_per_s: float
    spacy_articles_per_s: float
    ratio: float
    peak_rss_mb: float
    spacy_seconds: float
    stage_seconds: StageSeconds
    clean_pass_seconds: float
    stored: int
    rejected: int
    characters: int
    batch_size: int
    n_process: int

    def to_json(self) -> dict:
        """RETURNS (dict): the contract keys first, then the extra ones."""
        values = asdict(self)
        return {**{k: values.pop(k) for k in CONTRACT_KEYS}, **values}


class _TimedPipeline:
    """Wraps a spaCy pipeline and adds up the time spent waiting on ``pipe``'s results."""

    def __init__(self, nlp) -> None:
        self._nlp = nlp
        self.seconds = 0.0

    def pipe(self, *args, **kwargs) -> Iterator:
        it = iter(self._nlp.pipe(*args, **kwargs))
        while True:
            start = perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                self.seconds += perf_counter() - start
            yield item

    def __call__(self, *args, **kwargs):
        start = perf_counter()
        try:
            return self._nlp(*args, **kwargs)
        finally:
            self.seconds += perf_counter() - start

    def __getattr__(self, name: str):
        return getattr(self._nlp, name)


class _TimedStore(Store):
    """A store that adds up the time spent in its write-path methods."""

    seconds: float = 0.0

    def existing_ids(self, ids):
        start = perf_counter()
        try:
            return super().existing_ids(ids)
        finally:
            self.seconds += perf_counter() - start

    def write_batch(self, analyses, rejections=(), *, links=None):
        start = perf_counter()
        try:
            return super().write_batch(analyses, rejections, links=links)
        finally:
            self.seconds += perf_counter() - start


class _PeakMemory:
    """Samples the resident memory of this process and its children (spaCy workers) in a thread."""

    def __init__(self, interval: float = 0.1) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crosswire-rss", daemon=True)
        self.peak_bytes = 0

    def _sample(self) -> None:
        me = psutil.Process()
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a worker that just exited
                continue
        self.peak_bytes = max(self.peak_bytes, total)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self) -> "_PeakMemory":
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_mb(self) -> float:
        """RETURNS (float): the peak in MiB: the sampled peak of the process tree, or the kernel's
        own high-water mark of this process when that is higher (a peak between two samples)."""
        maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        return max(self.peak_bytes / 2**20, maxrss_kib / 1024)


def _spacy_baseline(nlp, texts: list[str], cfg: Config) -> float:
    """Seconds the bare spaCy pipeline takes over the texts, every Doc consumed."""
    start = perf_counter()
    for _doc in nlp.pipe(texts, batch_size=cfg.batch_size, n_process=cfg.n_process):
        pass
    return perf_counter() - start


def _crosswire_run(raws: list[RawArticle], res: Resources, cfg: Config, db: Path):
    """Run the whole job into a fresh store; RETURNS (seconds, nlp s, store s, stored, rejected)."""
    from .pipeline import run

    nlp = _TimedPipeline(res.nlp)
    timed_res = replace(res, nlp=nlp)
    start = perf_counter()
    store = _TimedStore.open(db)
    opened = perf_counter()
    try:
        result = run(raws, timed_res, cfg, store=store)
    finally:
        closing = perf_counter()
        store.close()  # the final checkpoint to disk belongs to the job
    end = perf_counter()
    store_seconds = (opened - start) + store.seconds + (end - closing)
    with Store.open(db, read_only=True) as check:  # untimed: how many articles went in
        stored = check.counts()["articles"]
    return end - start, nlp.seconds, store_seconds, stored, len(result.rejections)


def measure_throughput(
    raws: list[RawArticle], res: Resources, cfg: Config, *, warmup: int = 2, workdir: str | Path | None = None
) -> ThroughputResult:
    """Time crosswire's whole job and the bare spaCy pipeline over the same in-memory articles.

    Args:
        raws (list[RawArticle]): the corpus, already read into memory.
        res (Resources): loaded with the spaCy pipeline (``Resources.load(cfg)``).
        cfg (Config): ``batch_size`` and ``n_process`` for both runs.
        warmup (int): articles each side processes, untimed, before the measurement.
        workdir (str | Path | None): where the fresh DuckDB files go (a temporary folder when None).
    RETURNS (ThroughputResult): the measurement.
    Raises:
        CrosswireError: when there are no articles or the spaCy pipeline is not loaded.
    """
    if not raws:
        raise CrosswireError("No articles to measure: the corpus is empty (every input was rejected?).")
    if res.nlp is None:
        raise CrosswireError("The throughput benchmark needs Resources.load(cfg, with_nlp=True).")
    texts = [r.text for r in raws]
    with tempfile.TemporaryDirectory(prefix="crosswire-bench-", dir=workdir) as tmp, _PeakMemory() as mem:
        if warmup:
            from .pipeline import run

            logger.info("warming up on %d article(s)", warmup)
            for _doc in res.nlp.pipe(texts[:warmup], batch_size=cfg.batch_size):
                pass
            with Store.open(Path(tmp) / "warmup.duckdb") as warm_store:
                run(raws[:warmup], res, cfg.override(n_process=1), store=warm_store)
        logger.info("spaCy baseline: %d texts, batch_size=%d, n_process=%d", len(texts), cfg.batch_size, cfg.n_process)
        spacy_seconds = _spacy_baseline(res.nlp, texts, cfg)
        logger.info("spaCy baseline: %.2f s", spacy_seconds)
        logger.info("crosswire: %d articles into a fresh store", len(raws))
        seconds, nlp_s, store_s, stored, rejected = _crosswire_run(raws, res, cfg, Path(tmp) / "bench.duckdb")
        logger.info("crosswire: %.2f s (nlp %.2f, store %.2f)", seconds, nlp_s, store_s)
        clean_pass = _clean_pass(raws, res, cfg)
    n = len(raws)
    ours, theirs = n / seconds, n / spacy_seconds
    return ThroughputResult(
        articles=n,
        seconds=round(seconds, 3),
        articles_per_s=round(ours, 3),
        spacy_articles_per_s=round(theirs, 3),
        ratio=round(ours / theirs, 4),
        peak_rss_mb=round(mem.peak_mb, 1),
        spacy_seconds=round(spacy_seconds, 3),
        stage_seconds=StageSeconds(
            nlp=round(nlp_s, 3), store=round(store_s, 3), other=round(seconds - nlp_s - store_s, 3)
        ),
        clean_pass_seconds=round(clean_pass, 3),
        stored=stored,
        rejected=rejected,
        characters=sum(len(t) for t in texts),
        batch_size=cfg.batch_size,
        n_process=cfg.n_process,
    )


def _clean_pass(raws: list[RawArticle], res: Resources, cfg: Config) -> float:
    """Seconds the clean stage alone takes over the articles (a separate pass, for the breakdown)."""
    from .pipeline import batches, clean_batch

    start = perf_counter()
    for batch in batches(raws, cfg.batch_size):
        clean_batch(batch, res, cfg)
    return perf_counter() - start


@click.group("bench")
def bench_group() -> None:
    """Measure speed and memory.

    Example:

        crosswire bench throughput ../shared/bench --json
    """


@bench_group.command("throughput")
@click.argument("path", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.option("--batch-size", type=int, default=None, help="Articles per nlp.pipe batch and store transaction (both runs).")
@click.option("-n", "--n-process", type=int, default=None, help="spaCy worker processes (both runs).")
@click.option("--limit", type=int, default=None, help="Measure at most this many articles (the first ones read).")
@click.option("--max-bytes", type=int, default=None, help="Largest article text accepted, in bytes.")
@click.pass_obj
def throughput(cfg: Config, path, as_json, batch_size, n_process, limit, max_bytes) -> None:
    """Articles per second of the whole job, against bare spaCy on the same texts.

    PATH is the benchmark pack root (its geo XML, BASIL, PTC and similarity articles are read), one
    of those files, or any file or folder `crosswire ingest` reads. Everything is read into memory
    first; inputs that cannot be read are counted as rejected. `ratio` is our articles/s divided by
    spaCy's `nlp.pipe` articles/s with the same batch size and processes.

    Example:

        crosswire bench throughput ../shared/bench --json --n-process 2
    """
    from .bench_corpus import read_corpus

    try:
        cfg = (cfg or Config()).override(max_bytes=max_bytes, batch_size=batch_size, n_process=n_process)
        if limit is not None and limit <= 0:
            raise click.BadParameter("must be positive", param_hint="--limit")
        raws: list[RawArticle] = []
        unreadable = 0
        for item in read_corpus(path, max_bytes=cfg.max_bytes):
            if isinstance(item, RawArticle):
                if limit is None or len(raws) < limit:
                    raws.append(item)
            else:
                unreadable += 1
                logger.info("not read: %s", item)
        click.echo(f"read {len(raws)} article(s) from {path} ({unreadable} unreadable)", err=True)
        res = Resources.load(cfg)
        result = measure_throughput(raws, res, cfg)
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    # Inputs that could not be read count as rejected too (the contract's run goes on without them).
    out = {**result.to_json(), "rejected": result.rejected + unreadable, "unreadable": unreadable}
    if as_json:
        click.echo(json.dumps(out, indent=1))
        return
    click.echo(
        f"{result.articles} articles in {result.seconds:.2f} s: {result.articles_per_s:.1f} articles/s; "
        f"spaCy alone {result.spacy_articles_per_s:.1f} articles/s; ratio {result.ratio:.3f}; "
        f"peak RSS {result.peak_rss_mb:.0f} MiB"
    )
    s = result.stage_seconds
    click.echo(f"stages: nlp {s.nlp:.2f} s, store {s.store:.2f} s, other {s.other:.2f} s "
               f"(clean alone: {result.clean_pass_seconds:.2f} s)")


__all__ = ["ThroughputResult", "StageSeconds", "measure_throughput", "bench_group"]
