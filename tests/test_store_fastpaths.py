"""Fast paths of the store's write path that must equal the slow code they replaced:
``to_jsonable``'s per-class plan and the batched story-assignment insert (``link_rows``)."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date, datetime
from enum import Enum

from crosswire.model import (
    Actor,
    ActorMention,
    ActorType,
    Modality,
    Place,
    PlaceMention,
    PlacePrecision,
    Rejection,
    Segment,
    SegmentKind,
    Span,
    StoryAssignment,
)
from crosswire.serialize import to_jsonable
from crosswire.store import Store
from crosswire.store.tables import link_rows


def _slow_to_jsonable(obj):
    """``to_jsonable`` as it was: fields and properties looked up on every record."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _slow_to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for prop in ("precision", "iso", "removed", "where"):
            attr = getattr(type(obj), prop, None)
            if isinstance(attr, property):
                value = getattr(obj, prop)
                if not isinstance(value, tuple):
                    out[prop] = _slow_to_jsonable(value)
        return out
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): _slow_to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [_slow_to_jsonable(v) for v in obj]
    return obj


@dataclasses.dataclass
class _Plain:  # not slotted, not frozen, no properties
    a: int
    b: list


def test_to_jsonable_equals_the_per_record_lookup():
    place = Place("1", "Raqqa", "P", "PPLA", "SY", "Raqqa", 35.95, 39.01, 200000)
    actor = Actor("SY-GOV", "Syrian government", ActorType.GOVERNMENT, "SY", ("Damascus",))
    values = [
        None, True, 3, 2.5, "x", SegmentKind.BODY, Modality.CLAIMED, date(2020, 1, 2), datetime(2020, 1, 2, 3, 4),
        place, PlaceMention(0, 5, "Raqqa", place, PlacePrecision.CITY, 0.9, 0, "r"),
        PlaceMention(0, 5, "Raqqa", None, None, 0.0, 0), ActorMention(0, 5, "Syria", actor, 0, "alias", 1.0),
        Segment(SegmentKind.BODY, "text", 0, 4), Span(1, 2, "y"), Rejection("f.txt", None, "read", "X", "why"),
        Rejection("f.txt", 3, "read", "X", "why"), {"k": (1, [place]), 2: {frozenset({1})}},
        _Plain(1, [actor, (2, 3)]), Place, int,
    ]  # fmt: skip
    for v in values:
        assert repr(to_jsonable(v)) == repr(_slow_to_jsonable(v)), v  # repr: key order too
    assert repr(to_jsonable(values)) == repr(_slow_to_jsonable(values))


def _row_by_row(store, assignments):
    """The story-assignment writes as they were: one INSERT OR REPLACE per assignment, then an
    UPDATE per merged story (the timestamps are left out of the comparison)."""
    con = store._con
    con.execute("BEGIN TRANSACTION")
    for a in assignments:
        con.execute(
            "INSERT OR REPLACE INTO story_assignments VALUES (?, ?, ?, ?, ?, ?)",
            [a.article_id, a.story_id, a.score, a.new, json.dumps(list(a.reasons)), datetime(2026, 1, 1)],
        )
        for old in a.merged:
            con.execute("UPDATE story_assignments SET story_id = ? WHERE story_id = ?", [a.story_id, old])
    con.execute("COMMIT")


def _table(store):
    return sorted(store._con.execute("SELECT article_id, story_id, score, is_new, reasons FROM story_assignments").fetchall())


def test_batched_story_links_equal_row_by_row_writes_with_merges_and_replacements():
    rng = random.Random(7)
    for trial in range(25):
        with Store.open(":memory:") as slow, Store.open(":memory:") as fast:
            for batch in range(3):
                assignments = []
                for _ in range(rng.randint(0, 12)):
                    merged = tuple(f"s{rng.randint(0, 6)}" for _ in range(rng.choice([0, 0, 0, 1, 2])))
                    assignments.append(
                        StoryAssignment(
                            f"a{rng.randint(0, 15)}", f"s{rng.randint(0, 6)}", round(rng.random(), 3),
                            (f"r{rng.randint(0, 3)}",), rng.random() < 0.3, merged,
                        )
                    )  # fmt: skip
                _row_by_row(slow, assignments)
                fast.write_links(assignments, None)
                assert _table(slow) == _table(fast), (trial, batch, assignments)


def test_link_rows_keep_the_last_assignment_of_an_article_and_follow_later_merges():
    rows, renames = link_rows(
        [
            StoryAssignment("a1", "s1", 0.5, ("x",)),
            StoryAssignment("a2", "s2", 0.4, (), True),
            StoryAssignment("a1", "s3", 0.7, ("y",)),
            StoryAssignment("a3", "s4", 0.9, (), merged=("s3", "s2")),
        ]
    )
    assert rows == [["a2", "s4", 0.4, True, "[]"], ["a1", "s4", 0.7, False, '["y"]'], ["a3", "s4", 0.9, False, "[]"]]
    assert renames == [("s4", "s3"), ("s4", "s2")]
