"""Resources: what is expensive to load, loaded once per process and passed to every stage."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .actors import ActorDictionary
from .config import Config
from .errors import ModelError
from .events import EventClassifier
from .framing.lexicon import Lexicon
from .ingest.outlets import OutletDirectory
from .nlp import load_pipeline
from .places.gazetteer import Gazetteer
from .places.ranker import Ranker

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Resources:
    """The spaCy pipeline and the data files crosswire's stages read.

    Build it with ``Resources.load(cfg)``. With ``with_nlp=False`` only what cleaning needs is loaded
    (the extraction benchmark does not need spaCy). A stage whose resource is None is skipped.
    """

    outlets: OutletDirectory
    nlp: Any | None = None
    actors: ActorDictionary | None = None
    gazetteer: Gazetteer | None = None
    ranker: Ranker | None = None
    event_types: EventClassifier | None = None
    lexicon: Lexicon | None = None
    span_tagger: Any | None = None  # crosswire.framing.tagger.SpanTagger, when its model is there

    @classmethod
    def load(cls, cfg: Config | None = None, *, with_nlp: bool = True) -> "Resources":
        """Load everything the stages need. Never downloads.

        Args:
            cfg (Config | None): settings (the spaCy model name); defaults when None.
            with_nlp (bool): load the spaCy pipeline too.
        RETURNS (Resources): the loaded resources.
        Raises:
            ModelError: when the spaCy pipeline is not installed.
            GazetteerError: when the gazetteer index at ``cfg.gazetteer_path`` is unusable (the default
                index is built on first use).
        """
        cfg = cfg or Config()
        encoder = load_encoder() if with_nlp and (cfg.event_embeddings or cfg.framing_embeddings) else None
        event_types = load_event_classifier(encoder if cfg.event_embeddings else None) if with_nlp else None
        # The events' all-mpnet-base-v2, when loaded, lends the framing tuned stage its untouched weights.
        wide = event_types.wide_encoder if event_types is not None else None
        return cls(
            outlets=OutletDirectory.load(),
            nlp=load_pipeline(cfg.spacy_model) if with_nlp else None,
            actors=ActorDictionary.load(extra=cfg.actor_files) if with_nlp else None,
            gazetteer=Gazetteer.load(Path(cfg.gazetteer_path) if cfg.gazetteer_path else None) if with_nlp else None,
            ranker=Ranker.load() if with_nlp else None,
            event_types=event_types,
            lexicon=Lexicon.load(extra=cfg.lexicon_files) if with_nlp else None,
            span_tagger=load_span_tagger(encoder=encoder if cfg.framing_embeddings else None, shared=(wide,) if wide is not None else ()) if with_nlp else None,
        )


def load_encoder():
    """The sentence encoder (all-MiniLM-L6-v2), or None when its package is missing (logged).

    RETURNS (SentenceEncoder | None): the loaded encoder.
    """
    from .embed import SentenceEncoder

    try:
        return SentenceEncoder.load()
    except ModelError as exc:
        logger.warning("no sentence encoder (%s): event types and framing spans use their sparse models only", exc)
        return None


def load_wide_encoder():
    """The larger sentence encoder (all-mpnet-base-v2, ``crosswire.embed.mpnet``), or None when its
    packages are missing (logged): the CASE event-type head's dense part reads its vectors.

    RETURNS (MPNetEncoder | None): the loaded encoder (its files are unpacked once, the first time).
    """
    from .embed.mpnet import MPNetEncoder

    try:
        return MPNetEncoder.load()
    except ModelError as exc:
        logger.warning("no all-mpnet-base-v2 encoder (%s): the CASE event-type head uses its sparse weights only", exc)
        return None


def load_event_classifier(encoder=None, *, directory=None, schemes=("case2021", "plover")) -> EventClassifier:
    """The event-type classifier; with ``encoder``, also the larger encoder its CASE head reads.

    Args:
        encoder (SentenceEncoder | None): the loaded all-MiniLM-L6-v2 encoder; None for the sparse
            weights only (the larger encoder is then not loaded either).
        directory (Path | None): the models folder (default: the shipped one).
        schemes (Sequence[str]): which heads to load.
    RETURNS (EventClassifier): the classifier.
    """
    from .events.classify import MPNET

    clf = EventClassifier.load(directory, schemes=schemes, encoder=encoder)
    if encoder is not None and any(h.dense is not None and h.dense.encoder == MPNET for h in clf.heads.values()):
        clf.wide_encoder = load_wide_encoder()
        clf.attach_tuned(directory)  # the parts of the heads that read the wide encoder
    return clf


def load_span_tagger(*, encoder=None, shared=()):
    """The framing span tagger, or None when it is not installed or its model is missing.

    The framing stage then uses its lexicons alone; the reason is logged.

    Args:
        encoder (SentenceEncoder | None): the loaded sentence encoder (with the
            ``framing_embeddings`` setting): the tagger then rescores tokens from its vectors.
        shared (tuple[SentenceEncoder, ...]): other loaded encoders whose weights the tagger's tuned
            stage may share (``SpanTagger.load``).
    RETURNS (SpanTagger | None): the loaded tagger.
    """
    try:
        from .framing.tagger import SpanTagger
    except ImportError as exc:
        logger.info("no framing span tagger (%s): framing uses its lexicons only", exc)
        return None
    try:
        return SpanTagger.load(encoder=encoder, shared=shared)
    except ModelError as exc:
        logger.info("the framing span tagger is not usable (%s): framing uses its lexicons only", exc)
        return None
