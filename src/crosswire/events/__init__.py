"""Events: event-type taxonomies (ACLED, CASE 2021, PLOVER) and the event-type classifier.

``EventClassifier.load()`` reads the trained heads from ``events/models/`` (numpy only);
``classify(texts, scheme="case2021"|"plover")`` returns one ``EventTypePrediction`` per text.
"""

from __future__ import annotations

from .classify import EventClassifier, EventInput, EventTypePrediction
from .extract import extract_events
from .types import CASE_SUBTASK_LABELS, CASE_TAXONOMY, PLOVER_ROOTS

__all__ = [
    "EventClassifier",
    "EventInput",
    "EventTypePrediction",
    "extract_events",
    "CASE_TAXONOMY",
    "CASE_SUBTASK_LABELS",
    "PLOVER_ROOTS",
]
