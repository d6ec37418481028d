"""Response and request models of the REST API: they make the OpenAPI schema and its examples.

Records are the dataclasses of ``crosswire.model`` (pydantic reads them), so the schema is the same
contract the CLI's ``--json`` prints. Routes send ``to_jsonable`` output, which also carries computed
fields (``iso``, ``precision``, ``where``) the schema allows as additional properties.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..model import Actor, Analysis, Place, Rejection, Story
from ..store import EventRow
from .compact import compact_model

ARTICLE_EXAMPLE = {
    "id": "b5159f17b276c0de",
    "outlet": "RT",
    "title": "Syrian army captures Al-Mayadeen from ISIS",
    "published": "2017-10-14",
    "precision": "day",
    "language": "en",
    "url": "https://www.rt.com/news/406633-syria-army-mayadin-isis/",
    "story_id": "story-b5159f17b276",
    "events": 13,
}
STORY_ROW_EXAMPLE = {
    "id": "story-b5159f17b276",
    "articles": 2,
    "outlets": ["Press TV", "RT"],
    "first_seen": "2017-10-13",
    "last_seen": "2017-10-14",
    "places": ["Al Mayādīn", "Deir ez-Zor", "Ar Raqqah"],
    "title": "Syrian forces draw close to al-Mayadin",
}
EVENT_EXAMPLE = {
    "article_id": "b5159f17b276c0de",
    "event_id": "e1",
    "outlet": "RT",
    "published": "2017-10-14",
    "acled_type": "Battles",
    "acled_subtype": "Government regains territory",
    "plover_root": "ASSAULT",
    "plover_mode": None,
    "actor_id": "SY-MIL",
    "actor": "Military Forces of Syria",
    "target_id": "IS",
    "target": "Islamic State",
    "place_id": "167357",
    "place": "Al Mayādīn",
    "country": "SY",
    "admin1": "Deir ez-Zor",
    "lat": 35.02,
    "lon": 40.45,
    "place_precision": "city",
    "date": "2017-10-14",
    "date_precision": "day",
    "date_text": "on Saturday",
    "modality": "claimed",
    "claim_kind": "paraphrase",
    "claimant": "Igor Konashenkov",
    "claim_chain": None,
    "fatalities": None,
    "trigger": "captured",
    "evidence": "Syrian government troops have captured the city of Al-Mayadeen from ISIS, the Russian military said.",
    "confidence": 0.82,
    "reliable": True,
}
ACTOR_EXAMPLE = {"id": "IS", "name": "Islamic State", "type": "jihadist group", "country": None, "mentions": 41, "articles": 2}


class ErrorOut(BaseModel):
    """The one error shape: every 4xx and 5xx answer of the API has it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"ok": False, "error": "No story 'story-x' in crosswire.duckdb. List them with GET /api/stories.",
                 "errors": [], "status": 404},
                {"ok": False, "error": "The request is invalid: query.limit: Input should be less than or equal to 500",
                 "errors": ["query.limit: Input should be less than or equal to 500"], "status": 422},
            ]
        }
    )

    ok: bool = Field(False, description="Always false for an error.")
    error: str = Field(description="What failed and how to fix it.")
    errors: list[str] = Field(default_factory=list, description="Details, one per problem (validation errors).")
    status: int = Field(description="The HTTP status, repeated.")


#: The documented errors of every route (401/403/413 added where they can occur).
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "The client is not on this machine and remote reading is off."},
    422: {"model": ErrorOut, "description": "A parameter is invalid."},
    500: {"model": ErrorOut, "description": "An internal error."},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    401: {"model": ErrorOut, "description": "The `Authorization: Bearer` token is missing or wrong."},
    403: {"model": ErrorOut, "description": "Writes are disabled (no token configured), or the client is remote."},
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    422: {"model": ErrorOut, "description": "The body is invalid, or no article could be read from it."},
}
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such article or story."}}


class _Page(BaseModel):
    ok: bool = True
    total: int = Field(description="How many rows match the filters.")
    limit: int
    offset: int


class ArticleRowOut(BaseModel):
    """One article in a list."""

    model_config = ConfigDict(json_schema_extra={"examples": [ARTICLE_EXAMPLE]})

    id: str
    outlet: str | None
    title: str | None
    published: str | None = Field(description="ISO date, month or year as precise as it is known.")
    precision: str | None
    language: str | None
    url: str | None
    story_id: str | None
    events: int


class ArticlePage(_Page):
    """A page of articles."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ok": True, "total": 2, "limit": 50, "offset": 0, "items": [ARTICLE_EXAMPLE]}]}
    )
    items: list[ArticleRowOut]


class ArticleOut(BaseModel):
    """One stored article with its whole analysis."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ok": True, "story_id": "story-b5159f17b276", "analysis": {"article": {"id": "b5159f17b276c0de", "outlet": "RT", "body": "Syrian government troops have captured …"}, "sentences": [], "mentions": [], "places": [], "actors": [], "events": [], "flags": []}}]}
    )
    ok: bool = True
    story_id: str | None
    analysis: Analysis


class EventRowOut(BaseModel):
    """One stored event (flattened: one row per event per article)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EVENT_EXAMPLE]})

    article_id: str
    event_id: str
    outlet: str | None
    published: str | None
    acled_type: str | None
    acled_subtype: str | None
    plover_root: str | None
    plover_mode: str | None
    actor_id: str | None
    actor: str | None
    target_id: str | None
    target: str | None
    place_id: str | None
    place: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    place_precision: str | None
    date: str | None
    date_precision: str | None
    date_text: str | None
    modality: str
    claim_kind: str | None
    claimant: str | None
    claim_chain: str | None
    fatalities: float | None
    trigger: str | None
    evidence: str
    confidence: float
    reliable: bool


assert set(EventRowOut.model_fields) == set(EventRow.__dataclass_fields__)  # one contract with the store


class EventPage(_Page):
    """A page of events."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ok": True, "total": 27, "limit": 50, "offset": 0, "items": [EVENT_EXAMPLE]}]}
    )
    items: list[EventRowOut]


class StoryRowOut(BaseModel):
    """One story in a list."""

    model_config = ConfigDict(json_schema_extra={"examples": [STORY_ROW_EXAMPLE]})

    id: str
    articles: int
    outlets: list[str]
    first_seen: date | None
    last_seen: date | None
    places: list[str] = Field(description="The most mentioned places below country level.")
    title: str | None = Field(description="The title of its earliest article.")


class StoryPage(_Page):
    """A page of stories."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ok": True, "total": 1, "limit": 50, "offset": 0, "items": [STORY_ROW_EXAMPLE]}]}
    )
    items: list[StoryRowOut]


class FrameOut(BaseModel):
    """A framing span in the article's clean text (``body[start:end]``)."""

    kind: str = Field(description="label | loaded | name_calling | scare_quote | hedge")
    start: int
    end: int
    label: str
    text: str
    in_quote: bool


class StoryArticleOut(ArticleRowOut):
    """An article of a story; ``body`` and ``frames`` are sent with ``include_text=true``."""

    body: str | None = None
    frames: list[FrameOut] = Field(default_factory=list)


class StoryOut(BaseModel):
    """One story: its timeline of merged events with corroboration, its contradictions, its articles
    and (when the framing module is installed) the comparison of how each outlet frames it.

    Actors, places and sentences are sent once (``actors``, ``places``, ``sentences``) and referenced:
    an actor or place field holds its key there, and a sentence shown as evidence holds its index
    (``sentences[article_id][index]``) with ``text`` null (see ``crosswire.server.compact``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": True,
                    "story": {
                        "id": "story-b5159f17b276", "article_ids": ["b5159f17b276c0de", "0c1d2e3f4a5b6c7d"],
                        "outlets": ["Press TV", "RT"], "first_seen": "2017-10-13", "last_seen": "2017-10-14",
                        "places": ["170794"], "events": [], "contradictions": [],
                        "corroboration": {"articles": 2, "outlets": ["Press TV", "RT"], "origins": [],
                                          "unattributed_outlets": []},
                        "notes": [],
                    },
                    "articles": [ARTICLE_EXAMPLE],
                    "framing": None,
                    "actors": {"IS": {"id": "IS", "name": "Islamic State", "type": "jihadist group", "country": None,
                                      "aliases": ["ISIS", "Daesh"], "affiliation": None, "parent": None}},
                    "places": {"170794": {"id": "170794", "name": "Deir ez-Zor", "feature_class": "P",
                                          "feature_code": "PPLA", "country": "SY", "admin1": "Deir ez-Zor",
                                          "lat": 35.336, "lon": 40.141, "population": 242565, "source": "geonames",
                                          "citation": None}},
                    "sentences": {"b5159f17b276c0de": {"0": "Syrian government troops have captured the city of "
                                                              "Al-Mayadeen from ISIS, the Russian military said."}},
                    "map": "/api/stories/story-b5159f17b276/map.svg",
                }
            ]
        }
    )  # fmt: skip
    ok: bool = True
    story: compact_model(Story)  # type: ignore[valid-type]
    articles: list[StoryArticleOut]
    framing: dict[str, Any] | list[Any] | None = Field(
        description="The framing comparison (crosswire.framing.compare), or null when not installed; its "
        "sentences are `SentenceRef`s (text null: in `sentences`)."
    )
    actors: dict[str, Actor] = Field(description="The actors the story and its framing refer to, by key.")
    places: dict[str, Place] = Field(description="The places the story refers to, by key.")
    sentences: dict[str, dict[str, str]] = Field(
        description="The sentences referenced as evidence: article id → sentence index (-1: the title) → text."
    )
    map: str = Field(description="The URL of the story's map (SVG).")


class ActorRowOut(BaseModel):
    """A canonical actor and how often the store mentions it."""

    model_config = ConfigDict(json_schema_extra={"examples": [ACTOR_EXAMPLE]})

    id: str
    name: str | None
    type: str | None
    country: str | None
    mentions: int
    articles: int


class ActorPage(_Page):
    """A page of actors."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ok": True, "total": 12, "limit": 50, "offset": 0, "items": [ACTOR_EXAMPLE]}]}
    )
    items: list[ActorRowOut]


class ArticleIn(BaseModel):
    """An article sent as JSON: ``text`` or ``html``, and the metadata you know."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Syrian government troops have captured the city of Al-Mayadeen …", "outlet": "RT",
                 "url": "https://www.rt.com/news/406633-syria-army-mayadin-isis/", "published": "2017-10-14",
                 "title": "Syrian army captures Al-Mayadeen from ISIS"},
                {"html": "<html><head><title>…</title></head><body><article><p>…</p></article></body></html>",
                 "url": "https://www.presstv.ir/Detail/2017/10/13/538382/"},
            ]
        },
    )
    text: str | None = Field(None, description="The article's plain text.")
    html: str | None = Field(None, description="The article's HTML page (its main text is extracted).")
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = Field(None, description="ISO date (or free text) of publication.")
    language: str | None = None


class IngestedOut(BaseModel):
    """One POSTed article after analysis."""

    id: str
    new: bool = Field(description="False when the same article was already stored (nothing was written).")
    story_id: str | None
    outlet: str | None
    title: str | None
    published: str | None
    events: int
    places: int
    actors: int


class IngestOut(BaseModel):
    """What a POST stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"ok": True, "stored": 1, "already_present": 0,
                 "articles": [{"id": "b5159f17b276c0de", "new": True, "story_id": "story-b5159f17b276", "outlet": "RT",
                               "title": "Syrian army captures Al-Mayadeen from ISIS", "published": "2017-10-14",
                               "events": 13, "places": 52, "actors": 60}],
                 "rejections": []}
            ]
        }
    )
    ok: bool = True
    stored: int
    already_present: int
    articles: list[IngestedOut]
    rejections: list[Rejection] = Field(description="Inputs that could not be analysed, with the reason.")


class InfoOut(BaseModel):
    """The server and its store."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"ok": True, "version": "0.1.0", "db": "crosswire.duckdb", "writes_enabled": True,
                 "framing": False, "counts": {"articles": 2, "events": 27, "story_assignments": 2},
                 "exports": ["parquet", "csv", "jsonl", "acled", "plover", "geojson"]}
            ]
        }
    )
    ok: bool = True
    version: str
    db: str
    writes_enabled: bool = Field(description="Whether a token is configured (POST needs it).")
    framing: bool = Field(description="Whether story responses carry the framing comparison.")
    counts: dict[str, int]
    exports: list[str]
