"""Framing in the store: written with the batch, read back by Store.analysis, flattened tables for
exports; records round-trip through JSON; the frame stage sits in the pipeline's declared order."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.framing import frame_analysis
from crosswire.model import (
    Analysis, Article, AttributionShare, FrameSpan, Framing, NamingChoice, OutletGuess, PublishedDate, Span, article_id,
)  # fmt: skip
from crosswire.pipeline import STAGES, check_order
from crosswire.serialize import from_jsonable, to_jsonable
from crosswire.store import EXPORT_TABLES, Store

from .test_analyze import IS, KONASHENKOV, SDF, mentions, sentences_of

BODY = (
    "The so-called Syrian Democratic Forces fought Daesh terrorists. "
    "Major General Igor Konashenkov said the “stupor” of the coalition went on. Fighting reportedly continued."
)


def framed(lexicon, actor_dictionary) -> Analysis:
    art = Article(
        article_id("RT", BODY), "a.txt", None, "text", "utf-8", "RT", OutletGuess("RT", 1.0, "metadata"), None,
        "Daesh terrorists flee", None, PublishedDate(2017, 10), "en", BODY, (), BODY,
    )  # fmt: skip
    a = Analysis(art, sentences_of(BODY), (), (), mentions(BODY, ("Syrian Democratic Forces", SDF), ("Daesh", IS),
                                                         ("Major General Igor Konashenkov", KONASHENKOV)))  # fmt: skip
    return Analysis(a.article, a.sentences, (), (), a.actors, framing=frame_analysis(a, lexicon, dictionary=actor_dictionary))


def test_framing_store_round_trip(tmp_path, lexicon, actor_dictionary):
    a = framed(lexicon, actor_dictionary)
    assert a.framing.spans and a.framing.naming and a.framing.attribution
    with Store.open(tmp_path / "t.duckdb") as store:
        store.write_batch([a])
        store.write_batch([a])  # idempotent
        back = store.analysis(a.article.id)
        assert back.framing == a.framing
        rows = store.query(
            "SELECT kind, text, label, target_id, in_quote FROM frame_spans WHERE article_id = ? ORDER BY idx", [a.article.id]
        )
        assert rows == [(s.kind, s.text, s.label, s.target_id, s.in_quote) for s in (*a.framing.title_spans, *a.framing.spans)]
        assert ("label", "so-called", "so-called", "SDF", False) in rows
        names = store.query("SELECT canonical_id, surface, count FROM naming_choices WHERE article_id = ?", [a.article.id])
        assert ("IS", "Daesh", 1) in names
        shares = store.query("SELECT key, side, sentences FROM attribution_shares WHERE article_id = ?", [a.article.id])
        assert ("actor:RU-MOD", "state: Russia", 1) in shares
        n = len(a.framing.title_spans) + len(a.framing.spans)
        assert [s.text for s in a.framing.title_spans] == ["terrorists"]
        assert store.counts()["frame_spans"] == n
        out = tmp_path / "spans.jsonl"
        assert store.export("frame_spans", "jsonl", str(out)) == n
        exported = [json.loads(line) for line in out.read_text().splitlines()]
        for row in exported:
            source = a.article.title if row["sentence_idx"] == -1 else BODY
            assert source[row["start_char"] : row["end_char"]] == row["text"]
    assert {"frame_spans", "naming_choices", "attribution_shares"} <= set(EXPORT_TABLES)


def test_framing_store_article_without_framing_reads_back_none(tmp_path, lexicon, actor_dictionary):
    a = framed(lexicon, actor_dictionary)
    bare = Analysis(a.article, a.sentences, (), (), a.actors)
    with Store.open(tmp_path / "t.duckdb") as store:
        store.write_batch([bare])
        assert store.analysis(a.article.id).framing is None
        assert store.counts()["frame_spans"] == 0


def test_framing_stage_is_declared_between_events_and_store():
    names = [s.name for s in STAGES]
    assert names.index("crosswire.events.v1") < names.index("crosswire.frame.v1") < names.index("crosswire.store.v1")
    frame = STAGES[names.index("crosswire.frame.v1")]
    assert frame.assigns == ("analysis.framing",)
    assert "analysis.framing" in STAGES[names.index("crosswire.store.v1")].requires
    check_order(STAGES)


_text = st.text(min_size=0, max_size=20)
_opt = st.none() | _text
_span = st.builds(Span, st.integers(0, 10**6), st.integers(0, 10**6), _text)
_framing = st.builds(
    Framing,
    naming=st.lists(st.builds(NamingChoice, st.sampled_from(["actor", "place"]), _text, _text, _text, st.integers(1, 99), _opt), max_size=3).map(tuple),
    spans=st.lists(
        st.builds(FrameSpan, st.sampled_from(["label", "loaded", "hedge", "scare_quote", "name_calling"]), st.integers(0, 10**6),
                  st.integers(0, 10**6), _text, st.integers(0, 999), _text, _opt, _opt, _opt,
                  st.sampled_from(["lexicon", "tagger", "pattern"]), st.floats(0, 1), st.booleans()),
        max_size=3,
    ).map(tuple),
    attribution=st.lists(
        st.builds(AttributionShare, _text, _text, _text, _opt, _opt, st.booleans(), st.lists(st.integers(0, 999), max_size=3).map(tuple),
                  st.floats(0, 1), st.lists(_text, max_size=2).map(tuple), st.lists(_text, max_size=2).map(tuple),
                  st.lists(_span, max_size=2).map(tuple)),
        max_size=3,
    ).map(tuple),
    sentences=st.integers(0, 999),
    unattributed_share=st.floats(0, 1),
    tagger=_opt,
    skipped=_opt,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_framing)
def test_framing_record_round_trips_through_json(f):
    assert from_jsonable(Framing, json.loads(json.dumps(to_jsonable(f)))) == f
