"""Records to JSON-ready values (one code path for the CLI, exports and, later, the REST API)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any


def to_jsonable(obj: Any) -> Any:
    """Convert records (dataclasses), enums and dates to plain JSON values.

    Computed properties that analysts rely on (``precision``, ``iso``, ``removed``) are added.

    Args:
        obj (Any): a record, a list of records, or a plain value.
    RETURNS (Any): dicts, lists, strings, numbers, booleans and None only.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for prop in ("precision", "iso", "removed", "where"):
            attr = getattr(type(obj), prop, None)
            if isinstance(attr, property):
                value = getattr(obj, prop)
                if not isinstance(value, tuple):  # Article.removed repeats segments: skip it
                    out[prop] = to_jsonable(value)
        return out
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    return obj
