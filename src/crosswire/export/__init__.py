"""Exports of stored events in the formats analysts' tools read: ACLED-style CSV, PLOVER JSONL, GeoJSON."""

from .events import EVENT_FORMATS, write_events

__all__ = ["EVENT_FORMATS", "write_events"]
