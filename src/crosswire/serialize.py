"""Records to JSON-ready values (one code path for the CLI, exports and, later, the REST API)."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
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
    cls = type(obj)
    if cls in _PLAIN:  # the common leaves, returned as they are (no dataclass, enum, date or container)
        return obj
    plan = _record_plan(cls)
    if plan is not None:
        names, props = plan
        out = {name: to_jsonable(getattr(obj, name)) for name in names}
        for prop in props:
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


#: Exact types that ``to_jsonable`` returns unchanged (subclasses, e.g. ``str`` enums, take the long way).
_PLAIN = frozenset({str, int, float, bool, type(None)})
_PROPS = ("precision", "iso", "removed", "where")


@functools.cache
def _record_plan(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The field names and computed properties ``to_jsonable`` writes for instances of ``cls``, or
    None when they are not dataclass records (worked out once per class, not once per record)."""
    if not dataclasses.is_dataclass(cls) or issubclass(cls, type):
        return None
    names = tuple(f.name for f in dataclasses.fields(cls))
    props = tuple(p for p in _PROPS if isinstance(getattr(cls, p, None), property))
    return names, props


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    # get_type_hints evaluates every string annotation each time: cached, loading a stored article's
    # events is ten times faster.
    return typing.get_type_hints(cls)


def from_jsonable(cls: Any, data: Any) -> Any:
    """Rebuild a record (or a value of any annotated type) from what ``to_jsonable`` produced.

    Args:
        cls (Any): the target type: a dataclass, an Enum, ``tuple[X, ...]``, ``X | None``, a primitive.
        data (Any): JSON-ready data.
    RETURNS (Any): the rebuilt value; computed properties that ``to_jsonable`` added are ignored.
    Raises:
        TypeError: when the data does not fit the type.
    """
    if data is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(cls) if a is not type(None)]
        if len(args) == 1:
            return from_jsonable(args[0], data)
        for a in args:
            try:
                return from_jsonable(a, data)
            except (TypeError, ValueError, KeyError):
                continue
        raise TypeError(f"{data!r} fits none of {cls}")
    if origin is tuple:
        args = typing.get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], x) for x in data)
        return tuple(from_jsonable(a, x) for a, x in zip(args, data, strict=True))
    if origin is dict:
        _, vtype = typing.get_args(cls)
        return {k: from_jsonable(vtype, v) for k, v in data.items()}
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        hints = _type_hints(cls)
        return cls(**{f.name: from_jsonable(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data})
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls(data)
    if cls is date:
        return date.fromisoformat(data)
    if cls is datetime:
        return datetime.fromisoformat(data)
    if cls is float and isinstance(data, int):
        return float(data)
    if cls is Any or isinstance(data, cls):
        return data
    raise TypeError(f"{data!r} is not a {cls}")
