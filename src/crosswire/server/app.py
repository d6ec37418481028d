"""The web application: ``create_app(settings)`` builds a FastAPI app with the REST API under /api/
and the offline web page at /.

Nothing is held at module level: the store connection, the writer and the caches live on the
``ServerState`` the factory makes, so two apps (two stores) can run in one process.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ..resources import Resources
from .errors import install_error_handlers
from .routes import router
from .security import GuardMiddleware
from .settings import ServerSettings
from .state import ServerState, settle_heap

STATIC_DIR = Path(str(files("crosswire.server") / "static"))

DESCRIPTION = """\
crosswire's REST API: stored articles, events, stories and actors, with filters, pagination and
sorting; one story with its timeline, corroboration, contradictions and framing comparison; POST
of new articles (analysed and linked into stories on arrival); exports in every format of
`crosswire export`.

**Access.** Reading is open to clients on this machine only, unless the server was started with
`--allow-remote` (or `CROSSWIRE_ALLOW_REMOTE_READ=1`); other clients get 403. Writing needs
`Authorization: Bearer <token>` with the token from `CROSSWIRE_TOKEN`; with no token configured,
writes are refused (403).

**Errors.** Every error has one shape: `{"ok": false, "error": "...", "errors": [...], "status": 404}`.
"""


def create_app(settings: ServerSettings | None = None, *, resources: Resources | None = None, warm: bool = False) -> FastAPI:
    """Build the application.

    Args:
        settings (ServerSettings | None): how to run; defaults (``crosswire.duckdb``, no token) when None.
        resources (Resources | None): loaded NLP resources for POSTs; loaded on the first POST when None.
        warm (bool): at startup, build the read index before serving (else it is built in a thread
            while lists are answered by SQL), load the NLP resources and the story index instead of on
            the first POST, and load the story bodies the store keeps.
    RETURNS (FastAPI): the application; the store is opened when it starts (its lifespan) and closed
        when it stops.
    Raises:
        StoreError: at startup, when the store cannot be opened.
    """
    settings = settings or ServerSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        st = ServerState(settings, resources=resources)
        app.state.crosswire = st
        try:
            if warm:
                st.writer.warm_up()
                st.build_index()
                st.warm_stories()
                settle_heap()
            else:
                st.start_index()
            yield
        finally:
            st.close()

    app = FastAPI(
        title="crosswire",
        description=DESCRIPTION,
        version=_version(),
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN, which fails offline: they are off.
        # The schema stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
        openapi_tags=[{"name": "api", "description": "The REST API."}],
    )
    install_error_handlers(app)
    app.include_router(router, tags=["api"])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Added last, so it runs first: a remote client or an oversized body is turned away before
    # anything else (CORS included) sees the request.
    app.add_middleware(GuardMiddleware, settings=settings)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("crosswire")
    except PackageNotFoundError:
        return "unknown"
