"""The read index's columns: sorting agrees with DuckDB's ORDER BY, binary insertion agrees with a
full sort, pages agree with filtering then slicing, and filters on distinct values agree with SQL."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.server.columns import (
    Codes,
    Num,
    SortKey,
    Text,
    Values,
    first_matches,
    insert_rows,
    inverse_of,
    sort_rows,
)

WORDS = ["", "a", "A", "b", "ab", "Ä", "é", "z", "Zürich", "İstanbul", "ǅ", "日本", "\U0001f600", "a b"]

ints = st.one_of(st.none(), st.integers(-5, 5))
words = st.one_of(st.none(), st.sampled_from(WORDS))
floats = st.one_of(st.none(), st.sampled_from([-1.5, 0.0, 0.25, 0.3333333333333333, 2.0, 1e-9]))


@st.composite
def tables(draw):
    """Rows of (int, string, float), a sort order over them (columns, directions), and row ids."""
    n = draw(st.integers(0, 40))
    rows = [(draw(ints), draw(words), draw(floats)) for _ in range(n)]
    order = draw(st.lists(st.tuples(st.sampled_from([0, 1, 2]), st.booleans()), min_size=1, max_size=3))
    return rows, order


def _keys(rows, order) -> list[SortKey]:
    cols = [
        Num.of([r[0] for r in rows], np.int64),
        Codes.encode([r[1] for r in rows]),
        Num.of([r[2] for r in rows], np.float64),
    ]
    ids = Num.of(list(range(len(rows))), np.int64)  # the tie-break, as the lists' ids
    return [*(SortKey(cols[c], desc) for c, desc in order), SortKey(ids)]


@settings(max_examples=100, deadline=None)
@given(tables())
def test_columns_sort_rows_agrees_with_duckdb_order_by(data):
    rows, order = data
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, s VARCHAR, f DOUBLE, id INTEGER)")
    if rows:
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(*r, k) for k, r in enumerate(rows)])
    names = ["i", "s", "f"]
    sql = ", ".join(f"{names[c]} {'DESC' if desc else 'ASC'} NULLS LAST" for c, desc in order)
    want = [r[0] for r in con.execute(f"SELECT id FROM t ORDER BY {sql}, id").fetchall()]
    assert sort_rows(_keys(rows, order)).tolist() == want


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_columns_insert_rows_agrees_with_sort_rows(data, draw):
    rows, order = data
    keys = _keys(rows, order)
    new = draw.draw(st.sets(st.integers(0, max(0, len(rows) - 1)), max_size=len(rows))) if rows else set()
    old = np.asarray([r for r in range(len(rows)) if r not in new], dtype=np.int64)
    perm = sort_rows(keys, old) if len(old) else np.zeros(0, dtype=np.int32)
    assert insert_rows(perm, sorted(new), keys).tolist() == sort_rows(keys).tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 300).flatmap(
        lambda n: st.tuples(
            st.permutations(list(range(n))), st.lists(st.booleans(), min_size=n, max_size=n), st.integers(0, n + 3),
            st.integers(1, 20),
        )
    ),
    st.booleans(),
)
def test_columns_first_matches_equals_filter_then_slice(data, use_inverse):
    order, flags, offset, limit = data
    perm = np.asarray(order, dtype=np.int32)
    mask = np.asarray(flags, dtype=bool)
    inverse = inverse_of(perm, len(perm)) if use_inverse else None
    total, rows = first_matches(perm, mask, offset, limit, inverse=inverse)
    wanted = [r for r in order if flags[r]]
    assert total == len(wanted)
    assert rows.tolist() == wanted[offset : offset + limit]


@pytest.mark.parametrize(
    ("op", "term", "expected"),
    [
        ("ieq", "rt", ["RT", "rt", "Rt"]),
        ("ieq", "İSTANBUL", ["İstanbul"]),
        ("has", "stan", ["İstanbul"]),
        ("ahas", "zurich", ["Zürich"]),
        ("ahas", "e", ["é"]),
        ("eq", "RT", ["RT"]),
        ("ge", "Z", ["Zürich", "rt", "é", "İstanbul"]),  # code point order, as DuckDB compares VARCHAR
        ("le", "RT", ["RT", ""]),
    ],
)
def test_columns_values_matching_is_the_sql_predicate(op, term, expected):
    values = Values(["RT", "rt", None, "Rt", "Zürich", "é", "İstanbul", ""])
    con = duckdb.connect()
    query = lambda sql, params: con.execute(sql, params).fetchall()
    found = [values.values[c] for c in values.matching(op, term, query).tolist()]
    assert sorted(found) == sorted(expected)
    if op in ("ge", "le"):
        sql = "SELECT list(v) FROM (SELECT unnest(?::VARCHAR[]) AS v) WHERE v " + (">=" if op == "ge" else "<=") + " ?"
        assert sorted(found) == sorted(con.execute(sql, [values.values, term]).fetchone()[0])


def test_columns_values_matching_covers_values_added_later():
    values = Values(["RT"])
    calls: list[int] = []
    con = duckdb.connect()

    def query(sql, params):
        calls.append(len(params[0]))
        return con.execute(sql, params).fetchall()

    assert values.matching("ieq", "rt", query).tolist() == [0]
    assert values.matching("ieq", "rt", query).tolist() == [0]  # found once
    values.add("BBC")
    values.add("rT")
    assert values.matching("ieq", "rt", query).tolist() == [0, 2]
    assert calls == [1, 2]  # the second lookup asked about the new values only


def test_columns_codes_mask_and_json_follow_appends():
    col = Codes.encode(["a", None, "b"])
    grown = col.append(["c"] * 200)
    assert grown.json(np.array([0, 1, 3])) == [b'"a"', b"null", b'"c"']
    assert col.codes.tolist() == [0, 1, 2]  # the old column is unchanged
    wide = col.append([str(i) for i in range(300)])  # more values than an int8 code holds
    assert wide.codes.dtype == np.int16 and wide.get(np.array([0, 302])) == ["a", "299"]
    assert wide.json(np.array([302]), b'"k":') == [b'"k":"299"']


def test_columns_text_reads_across_chunks():
    col = Text.of(["x", None, "z"]).append(["q", "w"]).append(["é"])
    assert len(col) == 6
    assert col.get(np.array([5, 0, 3, 1])) == ["é", "x", "q", None]
    assert col.json(np.array([2, 5]), b'"t":') == [b'"t":"z"', '"t":"é"'.encode()]


def test_columns_num_json_is_json():
    col = Num.of([1.5, None, 0.1, 3.0], np.float64)
    assert col.json(np.array([0, 1, 2, 3])) == [b"1.5", b"null", b"0.1", b"3.0"]
    assert Num.of([7, None], np.int32).json(np.array([0, 1])) == [b"7", b"null"]
