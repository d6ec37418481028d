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

from .actors import resolve_actors
from .clean import clean
from .events.extract import extract_events
from .framing.analyze import frame_analysis, tag_spans
from .ingest.readers import read_bytes
from .config import Config
from .errors import CrosswireError, InputError, NoArticleText
from .model import Analysis, Article, BatchResult, RawArticle, Rejection
from .nlp import Annotated, annotate
from .places.resolve import geoparse
from .resources import Resources
from .store import Store

logger = logging.getLogger(__name__)

#: Save the story index every this many batches (and at the end of a run).
STORY_STATE_EVERY = 16


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
    Stage(
        "crosswire.places.v1",
        ("article.body", "analysis.sentences", "analysis.mentions"),
        ("analysis.places",),
    ),
    Stage(
        "crosswire.actors.v1",
        ("article.body", "analysis.sentences", "analysis.mentions"),
        ("analysis.actors",),
    ),
    Stage(
        "crosswire.events.v1",
        (
            "article.body", "article.published", "analysis.sentences", "analysis.mentions", "analysis.actors",
            "analysis.places",
        ),
        ("analysis.events", "analysis.flags"),
    ),  # fmt: skip
    Stage(
        "crosswire.frame.v1",
        ("article.body", "analysis.sentences", "analysis.actors", "analysis.places"),
        ("analysis.framing",),
    ),
    Stage(
        "crosswire.store.v1",
        (
            "article.id", "analysis.sentences", "analysis.mentions", "analysis.places", "analysis.actors",
            "analysis.events", "analysis.flags", "analysis.framing",
        ),
        (),
    ),  # fmt: skip
    Stage("crosswire.link.v1", ("article.id", "analysis.actors", "analysis.places", "analysis.events"), ("story",)),
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


def extract(x: Annotated, res: Resources) -> Analysis:
    """Run the extraction stages over one annotated article (those whose resources are loaded).

    Args:
        x (Annotated): the article with its sentences and entity mentions.
        res (Resources): loaded resources.
    RETURNS (Analysis): the analysis.
    """
    body = x.article.body
    places = (
        geoparse(body, x.mentions, x.sentences, res.gazetteer, res.ranker) if res.gazetteer is not None else ()
    )
    actors = resolve_actors(body, x.mentions, x.sentences, res.actors) if res.actors is not None else ()
    events, flags = (), ()
    if res.event_types is not None:
        events, flags = extract_events(
            body, x.sentences, x.mentions, actors, places, x.article.published, res.event_types,
            language=x.article.language, dictionary=res.actors,
        )  # fmt: skip
    analysis = Analysis(x.article, x.sentences, x.mentions, places=places, actors=actors, events=events, flags=flags)
    if res.lexicon is not None:
        tagged, tagger_name = (), None
        if res.span_tagger is not None and res.nlp is not None:
            # The tagger reads the parsed Doc when the NLP stage keeps it (``Annotated.doc``); else a
            # tokenizer-only Doc, and the framing record says so.
            doc = x.doc
            tagged = tag_spans(res.span_tagger, res.nlp, body, x.sentences, doc=doc)
            tagger_name = _tagger_name(res.span_tagger) + ("" if doc is not None else " (tokenizer-only Doc)")
        framing = frame_analysis(analysis, res.lexicon, dictionary=res.actors, tagged=tagged, tagger_name=tagger_name)
        analysis = replace(analysis, framing=framing)
    return analysis


def _tagger_name(tagger) -> str:
    return getattr(tagger, "name", None) or type(tagger).__name__


def run(
    items: Iterable[RawArticle | InputError],
    res: Resources,
    cfg: Config,
    *,
    store: Store | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> BatchResult:
    """Run the whole job over an input stream, one store transaction per batch.

    Inputs are cleaned in chunks of ``batch_size``; articles already in the store (or seen earlier in
    this run) are skipped before the NLP stage, so an interrupted run resumes cheaply. One
    ``nlp.pipe`` call serves the whole stream; its output is written in batches of ``batch_size``,
    each in one transaction together with the rejections found so far.

    Args:
        items (Iterable[RawArticle | InputError]): what the readers yield.
        res (Resources): loaded resources (with the spaCy pipeline).
        cfg (Config): settings.
        store (Store | None): where to write; None analyses without storing.
        on_batch (Callable | None): called after each batch is committed (progress reporting).
    RETURNS (BatchResult): everything rejected and skipped, and the analyses when no store is given
        (with a store they are not kept, so memory stays flat on large runs).
    Raises:
        CrosswireError: when the NLP stage has no pipeline, or the store cannot be written.
    """
    if res.nlp is None:
        raise CrosswireError("The NLP stage needs Resources.load(cfg, with_nlp=True).")
    pending_rejections: list[Rejection] = []
    pending_skipped: list[str] = []
    seen: set[str] = set()

    def cleaned() -> Iterator[Article]:
        for chunk in batches(items, cfg.batch_size):
            articles, rejections = clean_batch(chunk, res, cfg)
            pending_rejections.extend(rejections)
            present = store.existing_ids(a.id for a in articles) if store is not None else set()
            for a in articles:
                if a.id in present or a.id in seen:
                    pending_skipped.append(a.id)
                    continue
                seen.add(a.id)
                yield a

    kept: list[Analysis] = []
    all_rejections: list[Rejection] = []
    all_skipped: list[str] = []

    def flush(group: list[Annotated]) -> None:
        analyses: list[Analysis] = []
        rejections = pending_rejections[:]
        for x in group:
            if x.error is not None:
                rejections.append(_rejection(x.error, source=x.article.source, line=x.article.line, stage="nlp"))
                continue
            try:
                analyses.append(extract(x, res))
            except CrosswireError:
                raise
            except Exception as exc:  # batch boundary: one article that breaks a stage is rejected
                logger.debug("extraction failed for %s", x.article.source, exc_info=True)
                rejections.append(_rejection(exc, source=x.article.source, line=x.article.line, stage="extract"))
        skipped = pending_skipped[:]
        pending_rejections.clear()
        pending_skipped.clear()
        if store is not None:
            # Stories are linked incrementally: each new article joins a story or starts one, written
            # in the same transaction as the article itself.
            assignments = [index.assign(a) for a in analyses]
            # The whole index is saved every few batches (its size grows with the store); the
            # assignments themselves are written with every batch.
            nonlocal batches_done, unsaved
            batches_done += 1
            save = batches_done % STORY_STATE_EVERY == 0
            unsaved = not save and (bool(assignments) or unsaved)
            store.write_batch(analyses, rejections, links=(assignments, index if save else None))
        else:
            kept.extend(analyses)
        all_rejections.extend(rejections)
        all_skipped.extend(skipped)
        if on_batch is not None:
            on_batch(BatchResult(tuple(analyses), tuple(rejections), tuple(skipped)))

    index = store.load_story_index() if store is not None else None
    batches_done, unsaved = 0, False
    stream = annotate(cleaned(), res.nlp, batch_size=cfg.batch_size, n_process=cfg.n_process)
    for group in batches(stream, cfg.batch_size):
        flush(group)
    if pending_rejections or pending_skipped:
        flush([])
    if store is not None and unsaved:
        store.write_links([], index)
    return BatchResult(tuple(kept), tuple(all_rejections), tuple(all_skipped))


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
    suffix = ".html" if html else ".txt"
    item = next(iter(read_bytes(text.encode("utf-8"), source=source, suffix=suffix, max_bytes=cfg.max_bytes)))
    if isinstance(item, InputError):
        raise item
    raw = replace(
        item,
        url=url or item.url,
        published=published or item.published,
        outlet=outlet or item.outlet,
        title=title or item.title,
    )
    result = run([raw], res, cfg)
    if result.rejections:
        r = result.rejections[0]
        if r.code == "NoArticleText":
            raise NoArticleText(r.reason, source=source)
        raise CrosswireError(f"{source}: the {r.stage} stage failed: [{r.code}] {r.reason}")
    return result.analyses[0]
