"""The REST API under /api/: articles, events, stories, actors, exports, and POST of new articles.

Routes are thin: they validate parameters (FastAPI), answer lists from the read index or by
``queries`` in the query pool, and send ``to_jsonable`` output. Every error leaves as the one error
shape.
"""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import ValidationError
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, StoreError
from ..export import EVENT_FORMATS, write_events
from ..ingest.readers import read_bytes
from ..model import RawArticle
from ..serialize import to_jsonable
from ..store import EXPORT_TABLES
from . import queries
from .errors import ApiError
from .mapsvg import story_map_svg
from .readindex import NeedsQuery
from .schemas import (
    NOT_FOUND,
    READ_ERRORS,
    WRITE_ERRORS,
    ActorPage,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ErrorOut,
    EventPage,
    InfoOut,
    IngestOut,
    StoryOut,
    StoryPage,
)
from .security import require_token
from .state import ServerState

router = APIRouter(prefix="/api")

TABLE_FORMATS = ("parquet", "csv", "jsonl")
EXPORT_FORMATS = TABLE_FORMATS + EVENT_FORMATS
_MEDIA = {
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "acled": "text/csv; charset=utf-8",
    "plover": "application/x-ndjson",
    "geojson": "application/geo+json",
}
_SUFFIX = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl", "acled": "csv", "plover": "jsonl", "geojson": "geojson"}

Order = Literal["asc", "desc"]
Text = Annotated[str | None, Query(max_length=200, description="Case-insensitive text to find.")]
DateQ = Annotated[
    str | None,
    Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="An ISO date, month or year: 2017-10-14, 2017-10, 2017."),
]


def state(request: Request) -> ServerState:
    """RETURNS (ServerState): the server's state (made by ``create_app``)."""
    return request.app.state.crosswire


def _limit(request: Request, limit: int) -> int:
    most = state(request).settings.max_page_size
    if limit > most:
        raise ApiError(422, f"limit {limit} is over the largest page size, {most}; page with offset instead.")
    return limit


Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page (at most 500).")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")]


_KINDS = {
    queries.list_articles: "articles",
    queries.list_events: "events",
    queries.list_stories: "stories",
    queries.list_actors: "actors",
}


async def _list(request: Request, limit: int, offset: int, lister, filters: dict) -> Response:
    """A list page: from the read index on the event loop (under a millisecond) when it holds the
    filters, else by SQL in the query pool (see ``ServerState.list_page``)."""
    st = state(request)
    limit = _limit(request, limit)
    kind = _KINDS[lister]
    try:
        content = st.index.page(kind, filters, limit, offset, None)
    except NeedsQuery:  # a text filter seen for the first time: its values are looked up by SQL
        content = None
    if content is None:
        content = await st.run(st.list_page, kind, lister, filters, limit, offset)
    return Response(content, media_type="application/json")


@router.get("/", response_model=InfoOut, responses=READ_ERRORS, summary="The server and its store")
async def info(request: Request):
    st = state(request)
    try:
        ver = version("crosswire")
    except PackageNotFoundError:
        ver = "unknown"
    counts = await st.run(lambda: st.reader().counts())
    return JSONResponse(
        {
            "ok": True,
            "version": ver,
            "db": st.settings.db,
            "writes_enabled": st.settings.token is not None,
            "framing": st.compare_story is not None,
            "counts": counts,
            "exports": list(EXPORT_FORMATS),
        }
    )


@router.get("/articles", response_model=ArticlePage, responses=READ_ERRORS, summary="List and search articles")
async def list_articles(
    request: Request,
    q: Text = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    story: Annotated[str | None, Query(max_length=200, description="A story id.")] = None,
    since: DateQ = None,
    until: DateQ = None,
    sort: Literal["published", "ingested", "outlet", "title"] = "published",
    order: Order = "desc",
    limit: Limit = 50,
    offset: Offset = 0,
):
    return await _list(
        request, limit, offset, queries.list_articles,
        {"q": q, "outlet": outlet, "language": language, "story": story, "since": since, "until": until, "sort": sort, "order": order},
    )


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    responses={**READ_ERRORS, **NOT_FOUND},
    summary="One article with its analysis",
)
async def get_article(
    request: Request,
    article_id: Annotated[str, PathParam(min_length=4, max_length=64, description="The id or its first characters.")],
):
    st = state(request)

    def load() -> dict:  # in the query pool: the lookups and the conversion of a whole analysis
        store = st.reader()
        analysis = store.analysis(article_id)
        rows = store.query("SELECT story_id FROM story_assignments WHERE article_id = ?", [analysis.article.id])
        return {"ok": True, "story_id": rows[0][0] if rows else None, "analysis": to_jsonable(analysis)}

    try:
        body = await st.run(load)
    except StoreError as exc:
        raise ApiError(404, str(exc).replace("`crosswire articles`", "GET /api/articles")) from exc
    return JSONResponse(body)


@router.get("/events", response_model=EventPage, responses=READ_ERRORS, summary="List and filter events")
async def list_events(
    request: Request,
    event_type: Annotated[
        str | None, Query(alias="type", max_length=100, description="An ACLED type or sub-type, or a PLOVER root.")
    ] = None,
    actor: Annotated[str | None, Query(max_length=200, description="An actor id or part of its name.")] = None,
    place: Annotated[str | None, Query(max_length=200, description="A place id, or part of a place/province name, or a country code.")] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    story: Annotated[str | None, Query(max_length=200)] = None,
    article: Annotated[str | None, Query(max_length=64)] = None,
    q: Text = None,
    since: DateQ = None,
    until: DateQ = None,
    sort: Literal["date", "confidence", "outlet", "type"] = "date",
    order: Order = "desc",
    limit: Limit = 50,
    offset: Offset = 0,
):
    return await _list(
        request, limit, offset, queries.list_events,
        {"event_type": event_type, "actor": actor, "place": place, "outlet": outlet, "story": story, "article": article, "q": q,
             "since": since, "until": until, "sort": sort, "order": order},
    )  # fmt: skip


@router.get("/stories", response_model=StoryPage, responses=READ_ERRORS, summary="List and search stories")
async def list_stories(
    request: Request,
    q: Text = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
    since: DateQ = None,
    until: DateQ = None,
    min_articles: Annotated[int, Query(ge=1, le=10**9)] = 1,
    sort: Literal["articles", "first_seen", "last_seen", "outlets"] = "articles",
    order: Order = "desc",
    limit: Limit = 50,
    offset: Offset = 0,
):
    return await _list(
        request, limit, offset, queries.list_stories,
        {"q": q, "outlet": outlet, "place": place, "since": since, "until": until, "min_articles": min_articles, "sort": sort,
             "order": order},
    )  # fmt: skip


StoryId = Annotated[str, PathParam(min_length=1, max_length=200, description="The story id (GET /api/stories).")]


async def _built(request: Request, story_id: str):
    st = state(request)
    try:
        return await st.run(st.story, story_id)
    except StoreError as exc:
        raise ApiError(404, str(exc)) from exc


@router.get(
    "/stories/{story_id}",
    response_model=StoryOut,
    responses={**READ_ERRORS, **NOT_FOUND},
    summary="One story: timeline, corroboration, contradictions, articles, framing",
)
async def get_story(
    request: Request,
    story_id: StoryId,
    include_text: Annotated[bool, Query(description="Send each article's clean text (for side-by-side reading).")] = False,
):
    st = state(request)
    key = ("json", story_id, include_text)
    # A story in memory is answered on the event loop, without waiting for a worker thread behind
    # slower requests; otherwise it comes from the store's story cache or is built, in a worker thread.
    hit = st.peek(story_id, key)
    if hit is not None:
        content = hit[0]
    else:
        try:
            content = await st.run(st.story_json, story_id, include_text=include_text)
        except StoreError as exc:
            raise ApiError(404, str(exc)) from exc
    # The body is kept gzip-compressed: sent as it is to clients that accept gzip (browsers, httpx,
    # requests, curl --compressed), unpacked for the others.
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(content, media_type="application/json", headers=_GZIP_HEADERS)
    return Response(gzip.decompress(content), media_type="application/json", headers={"Vary": "Accept-Encoding"})


_GZIP_HEADERS = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}


@router.get(
    "/stories/{story_id}/map.svg",
    responses={**READ_ERRORS, **NOT_FOUND, 200: {"content": {"image/svg+xml": {}}, "description": "The map."}},
    response_class=Response,
    summary="The story's places on a map (SVG)",
)
async def story_map(request: Request, story_id: StoryId):
    story = (await _built(request, story_id)).story
    seen: dict[str, object] = {}
    for p in story.places:
        seen.setdefault(p.id, p)
    for e in story.events:
        if e.place is not None:
            seen.setdefault(e.place.id, e.place)
    return Response(story_map_svg(list(seen.values())), media_type="image/svg+xml")


@router.get("/actors", response_model=ActorPage, responses=READ_ERRORS, summary="List and search actors")
async def list_actors(
    request: Request,
    q: Text = None,
    actor_type: Annotated[str | None, Query(alias="type", max_length=100)] = None,
    country: Annotated[str | None, Query(max_length=10)] = None,
    story: Annotated[str | None, Query(max_length=200)] = None,
    sort: Literal["mentions", "articles", "name"] = "mentions",
    order: Order = "desc",
    limit: Limit = 50,
    offset: Offset = 0,
):
    return await _list(
        request, limit, offset, queries.list_actors,
        {"q": q, "actor_type": actor_type, "country": country, "story": story, "sort": sort, "order": order},
    )


@router.get(
    "/export/{fmt}",
    response_class=FileResponse,
    responses={
        **READ_ERRORS,
        200: {"content": {m: {} for m in sorted(set(_MEDIA.values()))}, "description": "The export file."},
    },
    summary="Export a table, or the events in an analysts' format (as `crosswire export --format`)",
)
def export(
    request: Request,
    fmt: Annotated[Literal["parquet", "csv", "jsonl", "acled", "plover", "geojson"], PathParam()],
    table: Annotated[
        Literal[EXPORT_TABLES], Query(description="The table, for parquet, csv and jsonl.")  # type: ignore[valid-type]
    ] = "articles",
    event_type: Annotated[str | None, Query(alias="type", max_length=100)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    story: Annotated[str | None, Query(max_length=200)] = None,
    since: DateQ = None,
    until: DateQ = None,
):
    store = state(request).reader()
    tmp = Path(tempfile.mkdtemp(prefix="crosswire-export-"))
    try:
        if fmt in EVENT_FORMATS:
            name = f"events.{fmt}.{_SUFFIX[fmt]}"
            rows = queries.all_events(
                store, event_type=event_type, actor=actor, place=place, outlet=outlet, story=story, since=since,
                until=until,
            )  # fmt: skip
            write_events(rows, fmt, tmp / name)
        else:
            name = f"{table}.{_SUFFIX[fmt]}"
            store.export(table, fmt, str(tmp / name))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        tmp / name, media_type=_MEDIA[fmt], filename=name,
        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True),
    )  # fmt: skip


_POST_BODY = {
    "requestBody": {
        "required": True,
        "description": "One article as JSON (`text` or `html` plus metadata), a JSON array of them, or the raw "
        "text or HTML of one article (metadata then in the query string).",
        "content": {
            "application/json": {
                "schema": {"oneOf": [ArticleIn.model_json_schema(), {"type": "array", "items": ArticleIn.model_json_schema()}]},
                "examples": {
                    "text": {"value": ArticleIn.model_config["json_schema_extra"]["examples"][0]},
                    "html": {"value": ArticleIn.model_config["json_schema_extra"]["examples"][1]},
                },
            },
            "text/plain": {"schema": {"type": "string"}, "example": "Syrian government troops have captured …"},
            "text/html": {"schema": {"type": "string"}, "example": "<html><body><article><p>…</p></article></body></html>"},
        },
    }
}


def _read_body(body: bytes, content_type: str, meta: dict[str, str | None], max_items: int, max_bytes: int) -> list[RawArticle]:
    """The articles of a POST body; raises ApiError(422) for what cannot be read."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in ("application/json", "application/x-ndjson", ""):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(422, f"The body is not valid JSON: {exc}.") from exc
        records = data if isinstance(data, list) else [data]
        if not records:
            raise ApiError(422, "The body is an empty list: send at least one article.")
        if len(records) > max_items:
            raise ApiError(413, f"{len(records)} articles in one request; send at most {max_items}.")
        lines = []
        for i, rec in enumerate(records):
            try:
                article = ArticleIn.model_validate(rec)
            except ValidationError as exc:
                details = [f"[{i}] {'.'.join(str(x) for x in e['loc']) or 'article'}: {e['msg']}" for e in exc.errors()]
                raise ApiError(422, "An article is invalid: " + "; ".join(details[:3]), errors=details) from exc
            if not (article.text or article.html):
                raise ApiError(422, f'Article [{i}] has neither "text" nor "html".')
            lines.append(json.dumps(article.model_dump(exclude_none=True), ensure_ascii=False))
        data_bytes = ("\n".join(lines) + "\n").encode("utf-8")
        items = list(read_bytes(data_bytes, source="<api>", suffix=".jsonl", max_bytes=max_bytes))
    elif ctype in ("text/plain", "text/html"):
        suffix = ".html" if ctype == "text/html" else ".txt"
        items = []
        for item in read_bytes(body, source="<api>", suffix=suffix, max_bytes=max_bytes):
            if isinstance(item, RawArticle):
                item = replace(item, **{k: v for k, v in meta.items() if v})
            items.append(item)
    else:
        raise ApiError(
            415, f"Unsupported content type {content_type!r}: send application/json, text/plain or text/html."
        )
    errors = [i for i in items if isinstance(i, InputError)]
    if errors and len(errors) == len(items):
        raise ApiError(422, f"No article could be read: {errors[0]}", errors=[str(e) for e in errors])
    return items


@router.post(
    "/articles",
    response_model=IngestOut,
    status_code=201,
    responses={**WRITE_ERRORS, 200: {"model": IngestOut, "description": "Every article was already stored."},
               415: {"model": ErrorOut, "description": "Unsupported content type."}},
    dependencies=[Depends(require_token)],
    openapi_extra=_POST_BODY,
    summary="Add articles: analysed, linked into stories and stored on arrival (needs the token)",
)
async def post_articles(
    request: Request,
    url: Annotated[str | None, Query(max_length=2000, description="For a text/html body: its URL.")] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    title: Annotated[str | None, Query(max_length=1000)] = None,
    published: Annotated[str | None, Query(max_length=100)] = None,
):
    st = state(request)
    body = await request.body()
    meta = {"url": url, "outlet": outlet, "title": title, "published": published}
    items = _read_body(
        body, request.headers.get("content-type", ""), meta, st.settings.max_post_articles, st.settings.config.max_bytes
    )
    read_errors = [i for i in items if isinstance(i, InputError)]
    raws = [i for i in items if isinstance(i, RawArticle)]
    outcome = await run_in_threadpool(st.ingest, raws)
    if not outcome.analyses:
        reasons = [f"[{r.stage}/{r.code}] {r.reason}" for r in outcome.rejections] + [str(e) for e in read_errors]
        raise ApiError(422, "No article could be analysed: " + (reasons[0] if reasons else "nothing to analyse"), errors=reasons)
    articles = [
        {
            "id": a.article.id,
            "new": a.article.id in outcome.new_ids,
            "story_id": outcome.assignments.get(a.article.id),
            "outlet": a.article.outlet,
            "title": a.article.title,
            "published": a.article.published.iso,
            "events": len(a.events),
            "places": len(a.places),
            "actors": len(a.actors),
        }
        for a in outcome.analyses
    ]
    rejections = to_jsonable(list(outcome.rejections)) + [
        {"source": e.source, "line": e.line, "stage": "read", "code": type(e).__name__, "reason": e.message,
         "where": f"{e.source}:{e.line}" if e.line else e.source}
        for e in read_errors
    ]  # fmt: skip
    stored = len(outcome.new_ids)
    return JSONResponse(
        {"ok": True, "stored": stored, "already_present": len(articles) - stored, "articles": articles, "rejections": rejections},
        status_code=201 if stored else 200,
    )
