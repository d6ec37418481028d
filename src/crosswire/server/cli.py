"""``crosswire serve``: the REST API and the web page on one port."""

from __future__ import annotations

import click

from ..cli import data_errors, db_option
from ..store import Store
from .settings import ENV_ALLOW_REMOTE_READ, ENV_CORS_ORIGINS, ENV_TOKEN, ServerSettings


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="The port to listen on.")
@click.option(
    "--allow-remote",
    is_flag=True,
    default=None,
    help=f"Let clients on other machines read (default: loopback only; or {ENV_ALLOW_REMOTE_READ}=1). "
    "Writes always need the token.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help=f"Allow this origin by CORS (repeat for more; or {ENV_CORS_ORIGINS}=a,b). CORS is off by default.",
)
@click.option("--max-body-bytes", type=int, default=None, help="The largest request body accepted (413 above it).")
@click.option(
    "--warm",
    is_flag=True,
    help="Before serving, build the read index of the lists, load the NLP pipeline and the kept stories "
    "(otherwise the index is built in the background and the pipeline on the first POST).",
)
@click.pass_obj
@data_errors
def serve(cfg, db, host, port, allow_remote, cors_origins, max_body_bytes, warm) -> None:
    """Serve the REST API under /api/ and the web page at / (schema at /openapi.json).

    Writes (POST /api/articles) need the token from the environment variable CROSSWIRE_TOKEN, sent as
    `Authorization: Bearer TOKEN`; without it writes are refused. Reading is open to this machine
    only unless --allow-remote is given.

    Example:

        CROSSWIRE_TOKEN=change-me-please crosswire serve --db crosswire.duckdb --port 8000
    """
    import uvicorn

    from .app import create_app
    from .security import is_loopback

    settings = ServerSettings.from_env(
        db=db,
        allow_remote_read=allow_remote,
        cors_origins=tuple(cors_origins) or None,
        max_body_bytes=max_body_bytes,
        config=cfg,
    )
    if not is_loopback(host) and host != "localhost" and not settings.allow_remote_read:
        click.echo(
            f"note: listening on {host}, but only clients on this machine may read; add --allow-remote to open it.",
            err=True,
        )
    if settings.token is None:
        click.echo(f"note: {ENV_TOKEN} is not set, so writes (POST /api/articles) are refused.", err=True)
    # Open (and migrate) the store once here, so a locked or broken file is reported as an error
    # before the server starts.
    Store.open(db).close()
    app = create_app(settings, warm=warm)
    click.echo(f"crosswire serving {db} at http://{host}:{port}/ (API at /api/, schema at /openapi.json)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
