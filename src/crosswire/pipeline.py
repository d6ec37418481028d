"""Composes the stages: read → clean → nlp → store, in batches.

Each stage declares what it requires and what it assigns; ``check_order`` verifies the order when
the pipeline is built, so a wrong order fails at once instead of halfway through a run.

Errors never stop a batch: an input that fails at any stage becomes a stored ``Rejection`` with its
file, line, stage and reason (STYLE.md §9). Broad exceptions are caught only here, at the batch
boundary.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice

from .clean import clean
from .config import Config
from .errors import CrosswireError, InputError, NoArticleText
from .model import Analysis, Article, BatchResult, RawArticle, Rejection
from .nlp import annotate
from .resources import Resources
from .store import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stage:
    """A pipeline stage: a versioned name and the fields it reads and writes."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


STAGES: tuple[Stage, ...] = (
    Stage("crosswire.read.v1", (), ("raw.text", "raw.metadata")),
    Stage(
        "crosswire.clean.v1",
        ("raw.text", "raw.metadata"),
        ("article.segments", "article.body", "article.published", "article.outlet", "article.id"),
    ),
    Stage("crosswire.nlp.v1", ("article.body",), ("analysis.sentences", "analysis.mentions")),
    Stage("crosswire.store.v1", ("article.id", "analysis.sentences", "analysis.mentions"), ()),
)


def check_order(stages: tuple[Stage, ...]) -> None:
    """Verify that every stage's requirements are assigned by an earlier stage.

    Args:
        stages (tuple[Stage, ...]): the stages in run order.
    Raises:
        CrosswireError: naming the stage and the missing field.
    """
    available: set[str] = set()
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise CrosswireError(
                f"Stage {stage.name} requires {missing}, which no earlier stage assigns. "
                f"Order: {[s.name for s in stages]}"
            )
        available.update(stage.assigns)


check_order(STAGES)


def _rejection(exc: BaseException, *, source: str, line: int | None, stage: str) -> Rejection:
    if isinstance(exc, InputError):
        return Rejection(exc.source, exc.line, stage, type(exc).__name__, exc.message)
    return Rejection(source, line, stage, type(exc).__name__, str(exc) or type(exc).__name__)


def clean_batch(
    items: Iterable[RawArticle | InputError], res: Resources, cfg: Config
) -> tuple[list[Article], list[Rejection]]:
    """Clean a batch, turning read errors and cleaning failures into rejections.

    Args:
        items (Iterable[RawArticle | InputError]): what the readers yielded.
        res (Resources): loaded resources.
        cfg (Config): settings.
    RETURNS (tuple[list[Article], list[Rejection]]): clean articles and rejections.
    """
    articles: list[Article] = []
    rejections: list[Rejection] = []
    for item in items:
        if isinstance(item, InputError):
            rejections.append(_rejection(item, source=item.source, line=item.line, stage="read"))
            continue
        try:
            article = clean(item, res.outlets, cfg)
            if not article.body.strip():
                raise NoArticleText(
                    "nothing is left after cleaning (every paragraph was a title, caption, promo or boilerplate)",
                    source=item.source,
                    line=item.line,
                )
        except Exception as exc:  # batch boundary: one bad article must not stop the rest
            logger.debug("clean failed for %s", item.source, exc_info=True)
            rejections.append(_rejection(exc, source=item.source, line=item.line, stage="clean"))
            continue
        articles.append(article)
    return articles, rejections


def analyse_batch(articles: list[Article], res: Resources, cfg: Config) -> tuple[list[Analysis], list[Rejection]]:
    """Run the NLP stage over clean articles; an article that breaks it becomes a rejection.

    Args:
        articles (list[Article]): clean articles.
        res (Resources): with the spaCy pipeline loaded.
        cfg (Config): batch size and worker count.
    RETURNS (tuple[list[Analysis], list[Rejection]]): analyses and rejections.
    """
    if res.nlp is None:
        raise CrosswireError("The NLP stage needs Resources.load(cfg, with_nlp=True).")
    try:
        done = [
            Analysis(a, sents, ments)
            for a, sents, ments in annotate(articles, res.nlp, batch_size=cfg.batch_size, n_process=cfg.n_process)
        ]
        return done, []
    except Exception:  # isolate the article that broke the batch, keep the others
        logger.debug("nlp batch failed; retrying one by one", exc_info=True)
    analyses, rejections = [], []
    for a in articles:
        try:
            analyses.extend(Analysis(x, s, m) for x, s, m in annotate([a], res.nlp, batch_size=1, n_process=1))
        except Exception as exc:
            rejections.append(_rejection(exc, source=a.source, line=a.line, stage="nlp"))
    return analyses, rejections


def run(
    items: Iterable[RawArticle | InputError],
    res: Resources,
    cfg: Config,
    *,
    store: Store | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> BatchResult:
    """Run the whole job over an input stream, one store transaction per batch.

    Articles already in the store are skipped before the NLP stage, so an interrupted run resumes
    cheaply.

    Args:
        items (Iterable[RawArticle | InputError]): what the readers yield.
        res (Resources): loaded resources.
        cfg (Config): settings (``batch_size`` articles per batch).
        store (Store | None): where to write; None analyses without storing.
        on_batch (Callable | None): called after each batch is committed (progress reporting).
    RETURNS (BatchResult): everything analysed, rejected and skipped (analyses are omitted when
        a store is given, to keep memory flat on large runs).
    """
    all_analyses: list[Analysis] = []
    all_rejections: list[Rejection] = []
    all_skipped: list[str] = []
    for batch in batches(items, cfg.batch_size):
        result = run_batch(batch, res, cfg, store=store)
        if store is None:
            all_analyses.extend(result.analyses)
        all_rejections.extend(result.rejections)
        all_skipped.extend(result.skipped)
        if on_batch is not None:
            on_batch(result)
    return BatchResult(tuple(all_analyses), tuple(all_rejections), tuple(all_skipped))


def run_batch(
    batch: list[RawArticle | InputError], res: Resources, cfg: Config, *, store: Store | None = None
) -> BatchResult:
    """Clean, analyse and (when a store is given) write one batch in one transaction.

    Args:
        batch (list[RawArticle | InputError]): one batch of reader output.
        res (Resources): loaded resources.
        cfg (Config): settings.
        store (Store | None): where to write.
    RETURNS (BatchResult): the batch's analyses, rejections and skipped ids.
    """
    articles, rejections = clean_batch(batch, res, cfg)
    skipped: list[str] = []
    if store is not None:
        present = store.existing_ids(a.id for a in articles)
        skipped = [a.id for a in articles if a.id in present]
        articles = [a for a in articles if a.id not in present]
    unique: dict[str, Article] = {}
    for a in articles:
        if a.id in unique:
            skipped.append(a.id)
        else:
            unique[a.id] = a
    analyses, nlp_rejections = analyse_batch(list(unique.values()), res, cfg) if unique else ([], [])
    rejections.extend(nlp_rejections)
    if store is not None:
        store.write_batch(analyses, rejections)
    return BatchResult(tuple(analyses), tuple(rejections), tuple(skipped))


def batches(items: Iterable, size: int) -> Iterator[list]:
    """Split an iterable into lists of ``size`` items.

    Args:
        items (Iterable): anything.
        size (int): the batch size.
    YIELDS (list): consecutive batches.
    """
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def analyze_text(
    text: str,
    res: Resources,
    cfg: Config,
    *,
    url: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    html: bool = False,
    source: str = "<api>",
) -> Analysis:
    """Analyse one article given as a string.

    Args:
        text (str): the article's text (or HTML with ``html=True``).
        res (Resources): loaded resources.
        cfg (Config): settings.
        url, published, outlet, title: metadata when known.
        html (bool): treat ``text`` as an HTML page.
        source (str): a label for messages.
    RETURNS (Analysis): the analysis.
    Raises:
        InputError: when the text is empty or the HTML has no article.
    """
    from .ingest.readers import read_bytes

    items = list(read_bytes(text.encode("utf-8"), source=source, suffix=".html" if html else ".txt", max_bytes=cfg.max_bytes))
    item = items[0]
    if isinstance(item, InputError):
        raise item
    raw = replace(
        item,
        url=url or item.url,
        published=published or item.published,
        outlet=outlet or item.outlet,
        title=title or item.title,
    )
    articles, rejections = clean_batch([raw], res, cfg)
    if rejections:
        r = rejections[0]
        raise NoArticleText(r.reason, source=source)
    analyses, rejections = analyse_batch(articles, res, cfg)
    if rejections:
        raise CrosswireError(f"{source}: the NLP stage failed: {rejections[0].reason}")
    return analyses[0]
