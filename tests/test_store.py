"""The DuckDB store: migrations, idempotent transactional writes, round trips, exports."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.errors import StoreError
from crosswire.model import (
    Actor,
    Claim,
    Event,
    EventDate,
    Flag,
    Modality,
    Quantity,
    Span,
    ActorMention,
    ActorType,
    Analysis,
    Article,
    Mention,
    OutletGuess,
    Place,
    PlaceMention,
    PlacePrecision,
    Provenance,
    PublishedDate,
    Rejection,
    Segment,
    SegmentKind,
    Sentence,
    article_id,
)
from crosswire.store import MIGRATIONS, Store


def make_analysis(body: str = "The army took the town. Fighting went on.", *, outlet: str | None = "RT", source="a.txt"):
    segs = (
        Segment(SegmentKind.BREADCRUMB, "News / Syria", 0, 12, "navigation path"),
        Segment(SegmentKind.BODY, body, 13, 13 + len(body)),
    )
    art = Article(
        id=article_id(outlet, body), source=source, line=None, format="text", encoding="utf-8", outlet=outlet,
        outlet_guess=OutletGuess(outlet, 1.0, "metadata", "given"), url=None, title="T", author=None,
        published=PublishedDate(2017, 10, None, Provenance.INFERRED, 0.4, "latest date", None),
        language="en", original="News / Syria\n" + body, segments=segs, body=body,
    )  # fmt: skip
    place = Place("173480", "Al Mayādīn", "P", "PPLA2", "SY", "Deir ez-Zor", 35.02, 40.45, 44000)
    places = (
        PlaceMention(0, 3, body[0:3], place, PlacePrecision.CITY, 0.9, 0, "key match"),
        PlaceMention(4, 8, body[4:8], None, None, 0.0, 0, "not in the gazetteer"),
    )
    actor = Actor("RU-MOD", "Russian Ministry of Defence", ActorType.STATE_MILITARY, "RU", parent=None)
    actors = (ActorMention(0, 3, body[0:3], actor, 0, "alias", 0.95, "spokesman"),)
    span = Span(0, len(body), body)
    event = Event(
        "e1", "Battles", "Government regains territory", "ASSAULT", None, actors[0], None, places[0],
        EventDate(2017, 10, None, Span(0, 3, body[0:3]), "month of publication"),
        (Quantity("distance_km", 10.0, Span(0, 3, body[0:3])),), Modality.CLAIMED,
        Claim(actor, actor, "Konashenkov", (), "paraphrase", Span(0, 3, body[0:3])),
        Span(0, 3, body[0:3]), (span,), 0.8,
    )  # fmt: skip
    flags = (Flag("attribution-conflict", "Foreign vs Defence Ministry", (span,)),)
    return Analysis(
        art, (Sentence(0, len(body)),), (Mention(4, 8, body[4:8], "ORG", 0),), places, actors, (event,), flags
    )


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "t.duckdb") as s:
        yield s


def test_store_migrations_are_recorded_once(tmp_path):
    path = tmp_path / "t.duckdb"
    with Store.open(path) as s:
        assert s.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert s.migrate() == []
    with Store.open(path, read_only=True) as s:
        assert s.pending_migrations() == []


def test_store_read_only_missing_file_names_the_fix(tmp_path):
    with pytest.raises(StoreError, match="crosswire ingest"):
        Store.open(tmp_path / "none.duckdb", read_only=True)


def test_store_not_a_duckdb_file(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="Cannot open the store"):
        Store.open(bad)


def test_store_write_is_idempotent(store):
    a = make_analysis()
    first = store.write_batch([a, a])
    second = store.write_batch([a])
    assert (first.inserted, first.already_present) == (1, 1)
    assert (second.inserted, second.already_present) == (0, 1)
    assert store.counts() == {
        "articles": 1, "segments": 2, "sentences": 1, "mentions": 1, "place_mentions": 2, "actor_mentions": 1,
        "events": 1, "flags": 1, "story_assignments": 0, "frame_spans": 0, "naming_choices": 0,
        "attribution_shares": 0, "rejections": 0,
    }  # fmt: skip


def test_store_failed_batch_writes_nothing(store):
    good = make_analysis("A first article about shelling.")
    store.write_batch([good])
    before = store.counts()
    # A line number too large for the INTEGER column makes DuckDB fail mid-transaction.
    with pytest.raises(StoreError, match="rolled back"):
        store.write_batch([make_analysis("A second article.")], [Rejection("x.jsonl", 2**40, "read", "BrokenJSON", "bad")])
    assert store.counts() == before


def test_store_rejection_cleared_when_the_input_succeeds(store):
    store.write_batch([], [Rejection("a.txt", None, "read", "EncodingError", "bad bytes")])
    store.write_batch([], [Rejection("a.txt", None, "read", "EncodingError", "bad bytes")])
    assert [r.code for r in store.rejections()] == ["EncodingError"]
    store.write_batch([make_analysis(source="a.txt")])
    assert store.rejections() == []


def test_store_resolve_id_prefix(store):
    a = make_analysis()
    store.write_batch([a])
    assert store.resolve_id(a.article.id[:6]) == a.article.id
    with pytest.raises(StoreError, match="No article"):
        store.resolve_id("ffffffff")
    with pytest.raises(StoreError, match="at least 4"):
        store.resolve_id("ab")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_store_export_formats(store, tmp_path, fmt):
    store.write_batch([make_analysis()])
    out = tmp_path / f"articles.{fmt}"
    assert store.export("articles", fmt, str(out)) == 1
    if fmt == "parquet":
        assert pq.read_table(out).column("outlet").to_pylist() == ["RT"]
    elif fmt == "csv":
        assert out.read_text().splitlines()[0].startswith("id,outlet,")
    else:
        assert json.loads(out.read_text().splitlines()[0])["outlet"] == "RT"


def test_store_export_refuses_unknown_table(store, tmp_path):
    with pytest.raises(StoreError, match="Unknown table"):
        store.export("articles; DROP TABLE articles", "csv", str(tmp_path / "x.csv"))


def test_store_file_is_plain_duckdb(tmp_path):
    with Store.open(tmp_path / "t.duckdb") as s:
        s.write_batch([make_analysis()])
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    assert con.execute("SELECT outlet, published_precision FROM articles").fetchall() == [("RT", "month")]
    con.close()


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=200)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_text, outlet=st.one_of(st.none(), _text))
def test_store_analysis_round_trip(tmp_path_factory, body, outlet):
    path = tmp_path_factory.mktemp("rt") / "t.duckdb"
    a = make_analysis(body, outlet=outlet)
    with Store.open(path) as s:
        s.write_batch([a])
        assert s.analysis(a.article.id) == a


def test_store_events_filters(store):
    a = make_analysis()
    store.write_batch([a])
    (row,) = store.events()
    assert (row.acled_type, row.actor, row.place_id, row.date, row.modality) == (
        "Battles", "Russian Ministry of Defence", "173480", "2017-10", "claimed",
    )  # fmt: skip
    assert row.claimant == "Russian Ministry of Defence" and row.outlet == "RT"
    assert len(store.events(event_type="government regains territory")) == 1
    assert len(store.events(event_type="Protests")) == 0
    assert len(store.events(actor="RU-MOD")) == 1 and len(store.events(actor="ministry of defence")) == 1
    assert len(store.events(place="173480")) == 1 and len(store.events(place="deir ez")) == 1
    assert len(store.events(since="2017-10", until="2017-10")) == 1
    assert len(store.events(since="2017-11")) == 0 and len(store.events(until="2017-09")) == 0
    assert len(store.events(outlet="rt")) == 1 and len(store.events(outlet="Press TV")) == 0


@pytest.mark.parametrize("fmt", ["acled", "plover", "geojson"])
def test_store_event_exports(store, tmp_path, fmt):
    import csv

    from crosswire.export import write_events

    store.write_batch([make_analysis()])
    out = tmp_path / f"e.{fmt}"
    assert write_events(store.events(), fmt, out) == 1
    if fmt == "acled":
        (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
        assert (row["event_type"], row["sub_event_type"], row["location"], row["time_precision"]) == (
            "Battles", "Government regains territory", "Al Mayādīn", "2",
        )  # fmt: skip
        assert row["latitude"] == "35.02000" and "RT" in row["source"]
    elif fmt == "plover":
        rec = json.loads(out.read_text("utf-8"))
        assert (rec["event"], rec["actor"], rec["location"]["geonameid"], rec["date"]) == (
            "ASSAULT", "RU-MOD", "173480", "2017-10",
        )  # fmt: skip
    else:
        data = json.loads(out.read_text("utf-8"))
        assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [40.45, 35.02]}


def test_store_story_list_empty(store):
    assert store.story_list() == []
