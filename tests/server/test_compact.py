"""The compact story response: actors, places and sentences sent once; expanding the references
gives back exactly the records, and the response fits its schema."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from crosswire.serialize import to_jsonable
from crosswire.server import ServerSettings
from crosswire.server.compact import compact_story
from crosswire.server.schemas import StoryOut
from crosswire.server.state import ServerState

pytestmark = pytest.mark.slow


def _expand(value, parts: dict, article: str | None = None, field: str | None = None):
    """Undo the compact form: keys to records, sentence indices to texts (the inverse of compact_story)."""
    actors, places, sentences = parts["actors"], parts["places"], parts["sentences"]
    if isinstance(value, dict):
        if set(value) == {"article_id", "sentence", "start", "end", "text"}:  # a SentenceRef
            text = value["text"] if value["text"] is not None else sentences[value["article_id"]][str(value["sentence"])]
            return {**value, "text": text}
        if set(value) == {"start", "end", "sentence", "at", "text"}:  # an evidence span
            text = value["text"]
            if text is None:
                text = sentences[article][str(value["sentence"])][value["at"] : value["at"] + value["end"] - value["start"]]
            return {"start": value["start"], "end": value["end"], "text": text}
        article = value.get("article_id", article)
        return {k: _expand(v, parts, article, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, parts, article, field) for v in value]
    if isinstance(value, str) and field in ("actor", "target_actor", "speaker", "organisation", "chain"):
        return actors[value]
    if isinstance(value, str) and field in ("place", "places"):
        return places[value]
    return value


@pytest.fixture()
def state(tmp_path, seed_db, resources):
    db = tmp_path / "store.duckdb"
    shutil.copy(seed_db, db)
    st = ServerState(ServerSettings(db=str(db)), resources=resources)
    yield st
    st.close()


def _story_id(st: ServerState) -> str:
    return st.reader().query("SELECT story_id FROM story_assignments GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0][0]


def test_compact_story_expands_to_the_records(state):
    built = state.story(_story_id(state))
    parts = compact_story(built.story, built.framing, built.analyses)
    assert parts["actors"] and parts["places"] and parts["sentences"]
    assert _expand(parts["story"], parts) == to_jsonable(built.story)
    if built.framing is not None:
        assert _expand(parts["framing"], parts) == to_jsonable(built.framing)
    # The references are what makes it smaller: every actor record and sentence appears once.
    full = len(json.dumps({"story": to_jsonable(built.story), "framing": to_jsonable(built.framing)}))
    assert len(json.dumps(parts)) < 0.9 * full  # a two-article story; at ten articles about 0.5


def test_compact_story_response_fits_its_schema(state):
    sid = _story_id(state)
    for include_text in (False, True):
        body = json.loads(gzip.decompress(state.story_json(sid, include_text=include_text)))
        StoryOut.model_validate(body)
        assert body["story"]["id"] == sid
        spans = [(m["article_id"], sp) for ev in body["story"]["events"] for m in ev["mentions"] for sp in m["event"]["evidence"]]
        assert spans and all(sp["text"] is None for _, sp in spans)  # each lies in a sentence of its article
        assert all(body["sentences"][aid][str(sp["sentence"])] for aid, sp in spans)
