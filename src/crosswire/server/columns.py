"""Columns of the server's read index (``readindex``), and sorting and paging over them with numpy.

A column is immutable: a write makes a new column that shares what did not change (``append``,
``update``), so a reader holding one snapshot of the index never sees a half-made change. The
distinct values of a dictionary-encoded column (``Values``) are shared by all snapshots; they are
only appended to, and a snapshot holds only codes below the length it saw.

Filters are evaluated on a column's distinct values, not its rows: the SQL predicate of the list
query (``lower(x) = lower(?)``, ``strpos(…)``) runs in DuckDB on the distinct values once, and the
rows are then selected by comparing integer codes, which takes microseconds per 100,000 rows. That
keeps the answers the same as the SQL's for any text (DuckDB's ``lower`` and ``strip_accents``).

Sorting: one permutation per list, sort key and order, made by ``np.lexsort`` over the sort
columns (``SortKey``) and kept up to date by binary insertion of new rows (``insert_rows``); both
use the same key, with NULLs last and ties broken by the id, as the SQL ``ORDER BY`` of ``queries``.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute  # registers pa.compute

#: Predicates on one distinct value ``v`` and one bound term, as the list queries of ``queries`` write them.
SQL_PREDICATES = {
    "ieq": "lower(v) = lower(?)",
    "has": "strpos(lower(v), lower(?)) > 0",
    "ahas": "strpos(strip_accents(lower(v)), strip_accents(lower(?))) > 0",
}

#: Runs a read query on the calling thread's cursor: (sql, params) → rows.
Query = Callable[[str, list], list[tuple]]


def code_dtype(n: int) -> np.dtype:
    """The smallest signed integer type that holds codes below ``n``."""
    if n < 2**7:
        return np.dtype(np.int8)
    if n < 2**15:
        return np.dtype(np.int16)
    return np.dtype(np.int32)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Values:
    """The distinct values of one or more columns: code → value, value → code, each value's JSON, and
    the codes matching a filter (found once per filter, then for new values only).

    Args:
        values (Iterable[Any]): the first values, in code order (must be distinct).
    """

    MAX_MATCHES = 512  # filters whose matching codes are kept

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self.values: list[Any] = []
        self.code: dict[Any, int] = {}
        self.json: list[bytes] = []  # each value's JSON
        self._matches: OrderedDict[tuple[str, str], tuple[int, np.ndarray]] = OrderedDict()
        self._ranks: tuple[int, np.ndarray, np.ndarray] | None = None
        self._prefixed: dict[bytes, list[bytes]] = {}
        self._lock = threading.Lock()
        for v in values:
            self.add(v)

    def __len__(self) -> int:
        return len(self.values)

    def add(self, value: Any) -> int:
        """RETURNS (int): the code of ``value``, given a new one when it is new (the writer only)."""
        code = self.code.get(value)
        if code is None:
            code = len(self.values)
            self.json.append(_json(value))
            self.values.append(value)  # last: a reader that sees the value sees its JSON
            self.code[value] = code
        return code

    def prefixed(self, prefix: bytes) -> list[bytes]:
        """RETURNS (list[bytes]): each value's JSON after ``prefix`` (a field's ``"name":``), per code."""
        out = self._prefixed.get(prefix)
        if out is None or len(out) < len(self.json):
            with self._lock:
                out = list(self._prefixed.get(prefix, ()))
                out += [prefix + j for j in self.json[len(out) : len(self.values)]]
                self._prefixed[prefix] = out
        return out

    def ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """RETURNS (tuple[np.ndarray, np.ndarray]): per code, (is None, the value's rank in sorted order).
        Strings sort by code point (as DuckDB compares VARCHAR: UTF-8 bytes)."""
        n = len(self.values)
        hit = self._ranks
        if hit is not None and hit[0] == n:
            return hit[1], hit[2]
        values = self.values[:n]
        null = np.asarray([v is None for v in values], dtype=bool)
        if all(isinstance(v, str) for v in values if v is not None):
            order = pa.compute.array_sort_indices(pa.array(values, pa.large_string()), null_placement="at_end").to_numpy()
        else:
            order = np.asarray(sorted(range(n), key=lambda i: (values[i] is None, values[i] if values[i] is not None else 0)))
        rank = np.empty(n, dtype=np.int64)
        rank[order.astype(np.int64)] = np.arange(n, dtype=np.int64)
        self._ranks = (n, null, rank)
        return null, rank

    def matching(self, op: str, term: str, query: Query) -> np.ndarray:
        """The codes of the values that pass a filter.

        Args:
            op (str): "eq" (equal), "ge"/"le" (a string bound, for ISO dates), or one of ``SQL_PREDICATES``.
            term (str): the filter's value.
            query (Query): runs the SQL predicates in DuckDB.
        RETURNS (np.ndarray): the matching codes (int64), in code order.
        """
        if op == "eq":
            code = self.code.get(term)
            return np.array([] if code is None else [code], dtype=np.int64)
        key = (op, term)
        n = len(self.values)
        with self._lock:
            hit = self._matches.get(key)
            if hit is not None:
                self._matches.move_to_end(key)
        done, found = hit if hit is not None else (0, np.zeros(0, dtype=np.int64))
        if done < n:
            fresh = self.values[done:n]
            if op == "ge":
                local = [i for i, v in enumerate(fresh) if v is not None and v >= term]
            elif op == "le":
                local = [i for i, v in enumerate(fresh) if v is not None and v <= term]
            else:
                rows = query(
                    f"SELECT list(i) FROM (SELECT unnest(?::VARCHAR[]) AS v, unnest(range(?)) AS i) WHERE {SQL_PREDICATES[op]}",
                    [[None if v is None else str(v) for v in fresh], len(fresh), term],
                )
                local = rows[0][0] or []
            found = np.concatenate([found, np.asarray(local, dtype=np.int64) + done])
            with self._lock:
                self._matches[key] = (n, found)
                self._matches.move_to_end(key)
                while len(self._matches) > self.MAX_MATCHES:
                    self._matches.popitem(last=False)
        return found


def rows_of(keys: pa.Array | pa.ChunkedArray, values: Values) -> np.ndarray:
    """RETURNS (np.ndarray): the code of each key in ``values`` (int64; -1 for keys not in it)."""
    found = pa.compute.index_in(keys, value_set=pa.array(values.values, pa.string()))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def codes_mask(codes: np.ndarray, matches: np.ndarray, n_values: int) -> np.ndarray | None:
    """RETURNS (np.ndarray | None): a boolean mask of the rows whose code is one of ``matches``; None
    when ``matches`` is empty (no row can match: the caller need not look at the rows)."""
    if len(matches) == 0:
        return None
    if len(matches) <= 4:
        # Python ints: a numpy int64 scalar would widen the int8 codes to int64 before comparing.
        first, *rest = matches.tolist()
        mask = codes == first
        for code in rest:
            mask |= codes == code
        return mask
    lut = np.zeros(n_values, dtype=bool)
    lut[matches] = True
    return lut.take(codes)


@dataclass(frozen=True, slots=True)
class Codes:
    """A dictionary-encoded column: one code per row into ``values``."""

    codes: np.ndarray
    values: Values

    @classmethod
    def encode(cls, data: Sequence[Any] | pa.Array, values: Values | None = None) -> Codes:
        """A column of these values (a list, or an Arrow array: encoded in C), adding new ones to ``values``."""
        values = values if values is not None else Values()
        if isinstance(data, pa.ChunkedArray):
            data = data.combine_chunks()
        if isinstance(data, pa.Array):
            encoded = data.dictionary_encode(null_encoding="encode")
            local = np.asarray([values.add(v) for v in encoded.dictionary.to_pylist()], dtype=np.int64)
            indices = encoded.indices.to_numpy(zero_copy_only=False)
            codes = local[indices] if len(local) else np.zeros(len(data), dtype=np.int64)
        else:
            codes = np.asarray([values.add(v) for v in data], dtype=np.int64)
        return cls(codes.astype(code_dtype(len(values))), values)

    def append(self, data: Sequence[Any]) -> Codes:
        """RETURNS (Codes): this column with rows added at the end."""
        new = np.asarray([self.values.add(v) for v in data], dtype=np.int64)
        dtype = code_dtype(len(self.values))
        return Codes(np.concatenate([self.codes.astype(dtype, copy=False), new.astype(dtype)]), self.values)

    def update(self, rows: np.ndarray, data: Sequence[Any]) -> Codes:
        """RETURNS (Codes): this column with the values of some rows replaced."""
        new = np.asarray([self.values.add(v) for v in data], dtype=np.int64)
        codes = self.codes.astype(code_dtype(len(self.values)), copy=True)
        codes[rows] = new
        return Codes(codes, self.values)

    def where(self, op: str, term: str, query: Query) -> np.ndarray | None:
        """RETURNS (np.ndarray | None): the mask of the rows whose value passes a filter (see
        ``Values.matching``); None when no value does."""
        return codes_mask(self.codes, self.values.matching(op, term, query), len(self.values))

    def get(self, rows: np.ndarray) -> list[Any]:
        values = self.values.values
        return [values[c] for c in self.codes[rows].tolist()]

    def json(self, rows: np.ndarray, prefix: bytes = b"") -> list[bytes]:
        """RETURNS (list[bytes]): the JSON of these rows' values, each after ``prefix``."""
        js = self.values.prefixed(prefix) if prefix else self.values.json
        return [js[c] for c in self.codes[rows].tolist()]


@dataclass(frozen=True, slots=True)
class Text:
    """A column of mostly distinct strings (evidence sentences, titles), kept as Arrow arrays: one big
    array from the load and one small one per write, joined when there are many."""

    chunks: tuple[pa.Array, ...]
    starts: np.ndarray  # the first row of each chunk
    loaded: int = 1  # the chunks made at load time (the others, one per write, are joined when many)

    MAX_CHUNKS = 32

    @classmethod
    def of(cls, data: Sequence[Any] | pa.Array) -> Text:
        arr = data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data
        if not isinstance(arr, pa.Array):
            arr = pa.array(list(arr), pa.large_string())
        return cls((arr.cast(pa.large_string()),), np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return int(self.starts[-1]) + len(self.chunks[-1])

    def append(self, data: Sequence[Any]) -> Text:
        chunks = (*self.chunks, pa.array(list(data), pa.large_string()))
        starts = np.append(self.starts, len(self))
        if len(chunks) > self.loaded + self.MAX_CHUNKS:  # join the small ones (the loaded ones stay as they are)
            chunks = (*chunks[: self.loaded], pa.concat_arrays(list(chunks[self.loaded :])))
            starts = starts[: self.loaded + 1]
        return Text(chunks, starts, self.loaded)

    def get(self, rows: np.ndarray) -> list[Any]:
        rows = np.asarray(rows, dtype=np.int64)
        if len(self.chunks) == 1:
            return self.chunks[0].take(pa.array(rows)).to_pylist()
        if len(rows) == 0:
            return []
        which = np.searchsorted(self.starts, rows, side="right") - 1
        out: list[Any] = [None] * len(rows)
        for k in np.unique(which).tolist():
            at = np.flatnonzero(which == k)
            got = self.chunks[k].take(pa.array(rows[at] - self.starts[k])).to_pylist()
            for i, v in zip(at.tolist(), got, strict=True):
                out[i] = v
        return out

    def json(self, rows: np.ndarray, prefix: bytes = b"") -> list[bytes]:
        return [prefix + _json(v) for v in self.get(rows)]


@dataclass(frozen=True, slots=True)
class Num:
    """A numeric column (int64 or float64) with its NULLs."""

    data: np.ndarray
    null: np.ndarray  # bool

    @classmethod
    def of(cls, data: Sequence[Any] | pa.Array, dtype: type = np.float64) -> Num:
        if isinstance(data, pa.ChunkedArray):
            data = data.combine_chunks()
        if isinstance(data, pa.Array):
            null = data.is_null().to_numpy(zero_copy_only=False)
            filled = data.fill_null(0).to_numpy(zero_copy_only=False).astype(dtype)
            return cls(filled, np.asarray(null, dtype=bool))
        null = np.asarray([v is None for v in data], dtype=bool)
        return cls(np.asarray([0 if v is None else v for v in data], dtype=dtype), null)

    def append(self, data: Sequence[Any]) -> Num:
        new = Num.of(data, self.data.dtype.type)
        return Num(np.concatenate([self.data, new.data]), np.concatenate([self.null, new.null]))

    def update(self, rows: np.ndarray, data: Sequence[Any]) -> Num:
        new = Num.of(data, self.data.dtype.type)
        values, null = self.data.copy(), self.null.copy()
        values[rows], null[rows] = new.data, new.null
        return Num(values, null)

    def get(self, rows: np.ndarray) -> list[Any]:
        values = self.data[rows].tolist()
        return [None if n else v for v, n in zip(values, self.null[rows].tolist(), strict=True)]

    def json(self, rows: np.ndarray, prefix: bytes = b"") -> list[bytes]:
        # repr is what json.dumps writes for a finite float or an int, at a fraction of the cost.
        null = prefix + b"null"
        return [null if v is None else prefix + repr(v).encode() for v in self.get(rows)]


Column = Codes | Text | Num


class Builder:
    """Makes one column from Arrow batches (so a table of millions of rows is never held whole).

    Args:
        kind (str): "codes", "text" or "num".
        values (Values | None): for "codes": the distinct values to add to (new ones when None).
        dtype (type): for "num": the numpy type.
    """

    def __init__(self, kind: str, *, values: Values | None = None, dtype: type = np.float64) -> None:
        self.kind = kind
        self.values = values if values is not None else Values()
        self.dtype = dtype
        self._parts: list = []

    def add(self, data: pa.Array | pa.ChunkedArray) -> None:
        """Add the rows of one batch."""
        if self.kind == "codes":
            self._parts.append(Codes.encode(data, self.values).codes)
        elif self.kind == "text":
            arr = data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data
            self._parts.append(arr.cast(pa.large_string()))
        else:
            self._parts.append(Num.of(data, self.dtype))

    def finish(self) -> Column:
        """RETURNS (Column): the column of every row added."""
        if self.kind == "codes":
            dtype = code_dtype(len(self.values))
            codes = np.concatenate([p.astype(dtype) for p in self._parts]) if self._parts else np.zeros(0, dtype)
            return Codes(codes, self.values)
        if self.kind == "text":
            chunks = tuple(self._parts) or (pa.array([], pa.large_string()),)
            lengths = np.asarray([len(c) for c in chunks], dtype=np.int64)
            return Text(chunks, np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64))
        if not self._parts:
            return Num(np.zeros(0, dtype=self.dtype), np.zeros(0, dtype=bool))
        return Num(np.concatenate([p.data for p in self._parts]), np.concatenate([p.null for p in self._parts]))


# -- sorting ------------------------------------------------------------------------------------


class _Desc:
    """A string that sorts in reverse (a descending string component of a Python sort key)."""

    __slots__ = ("v",)

    def __init__(self, v: str) -> None:
        self.v = v

    def __lt__(self, other: _Desc) -> bool:
        return other.v < self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.v == other.v

    def __hash__(self) -> int:
        return hash(self.v)


@dataclass(frozen=True, slots=True)
class SortKey:
    """One component of an ``ORDER BY``: a column (its values per row), and whether it sorts descending.
    NULLs sort last either way, as in the list queries.

    column (Num | Codes): the values; a ``Codes`` column sorts by its values (strings by code point,
        as DuckDB compares VARCHAR), not by its codes.
    desc (bool): descending.
    """

    column: Num | Codes
    desc: bool = False

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """RETURNS (tuple[np.ndarray, np.ndarray]): per row, (is NULL, a number that sorts like the value)."""
        col = self.column
        if isinstance(col, Num):
            null, value = col.null, np.where(col.null, 0, col.data)
        else:
            is_null, rank = col.values.ranks()
            null, value = is_null.take(col.codes), rank.take(col.codes)
        return null, (-value if self.desc else value)

    def key(self, row: int) -> tuple:
        """RETURNS (tuple): (is NULL, value) of one row, for Python comparison (``insert_rows``)."""
        col = self.column
        if isinstance(col, Num):
            if col.null[row]:
                return (True, 0)
            v = col.data[row].item()
            return (False, -v if self.desc else v)
        v = col.values.values[col.codes[row]]
        if v is None:
            return (True, 0)
        return (False, _Desc(v) if self.desc else v)


def sort_rows(keys: Sequence[SortKey], rows: np.ndarray | None = None) -> np.ndarray:
    """The rows in the order of ``keys`` (the first is the most significant).

    Args:
        keys (Sequence[SortKey]): the order.
        rows (np.ndarray | None): the rows to sort (all when None).
    RETURNS (np.ndarray): row numbers (int32), sorted.
    """
    arrays: list[np.ndarray] = []
    for k in keys:
        null, value = k.arrays()
        if rows is not None:
            null, value = null[rows], value[rows]
        arrays += [null, value] if null.any() else [value]  # no NULLs: one key fewer to sort by
    order = np.lexsort(arrays[::-1])  # lexsort's last key is its primary one
    return (order if rows is None else rows[order]).astype(np.int32)


def insert_rows(perm: np.ndarray, rows: Iterable[int], keys: Sequence[SortKey]) -> np.ndarray:
    """A sorted permutation with new rows put in their places (binary search with the same order).

    Args:
        perm (np.ndarray): rows in the order of ``keys``.
        rows (Iterable[int]): new rows (not in ``perm``); ``keys`` hold their values.
        keys (Sequence[SortKey]): the order.
    RETURNS (np.ndarray): the new permutation.
    """

    def key(row) -> tuple:
        return tuple(k.key(int(row)) for k in keys)

    new = sorted((key(r), int(r)) for r in rows)
    if not new:
        return perm
    at = [bisect.bisect_left(perm, k, key=key) for k, _ in new]
    return np.insert(perm, at, np.asarray([r for _, r in new], dtype=perm.dtype))


def first_matches(
    perm: np.ndarray, mask: np.ndarray | None, offset: int, limit: int, *, inverse: np.ndarray | None = None
) -> tuple[int, np.ndarray]:
    """The rows ``offset`` … ``offset + limit`` of a sorted list, and how many rows match.

    When many rows match, the permutation is read in growing chunks from its start until enough of
    them match (a page near the start costs a fraction of the list). When few match (they may all lie
    far down the list), the matching rows are found first and the first of them by their place in
    the permutation (``inverse``).

    Args:
        perm (np.ndarray): the sorted rows.
        mask (np.ndarray | None): the rows that pass the filters (per row number); None for all.
        offset (int): rows to skip.
        limit (int): the page size.
        inverse (np.ndarray | None): each row's place in ``perm`` (for rows in it).
    RETURNS (tuple[int, np.ndarray]): (total, the page's rows).
    """
    if mask is None:
        return len(perm), perm[offset : offset + limit]
    total = int(np.count_nonzero(mask))
    need = offset + limit
    if offset >= total or limit <= 0:
        return total, perm[:0]
    n = len(perm)
    if inverse is not None and total * 16 <= n:
        rows = np.flatnonzero(mask)
        places = inverse.take(rows)
        k = min(need, total)
        first = np.argpartition(places, k - 1)[:k] if k < total else np.arange(total)
        first = first[np.argsort(places.take(first), kind="stable")]
        return total, rows.take(first)[offset:need].astype(perm.dtype)
    chunk = max(4096, int(need * n / total * 1.25))
    found: list[np.ndarray] = []
    got = start = 0
    while start < n and got < need:
        part = perm[start : start + chunk]
        hits = part[mask.take(part)]
        found.append(hits)
        got += len(hits)
        start += chunk
        chunk *= 2
    rows = np.concatenate(found) if len(found) > 1 else found[0]
    return total, rows[offset:need]


def inverse_of(perm: np.ndarray, n: int, *, places: np.ndarray | None = None) -> np.ndarray:
    """Each row's place in ``perm``.

    Args:
        perm (np.ndarray): a permutation of some of the rows ``0 … n-1``.
        n (int): the number of rows.
        places (np.ndarray | None): ``arange(len(perm))`` (int32) when the caller has it.
    RETURNS (np.ndarray): per row, its place (int32; -1 for rows not in ``perm``).
    """
    out = np.empty(n, dtype=np.int32) if len(perm) == n else np.full(n, -1, dtype=np.int32)
    out[perm] = places[: len(perm)] if places is not None else np.arange(len(perm), dtype=np.int32)
    return out
