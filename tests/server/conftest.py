"""Fixtures of the server tests: a store made by ingesting examples/, and real uvicorn servers on
loopback (each in a thread of the test process, on a free port, with its own copy of the store)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from crosswire.config import Config
from crosswire.ingest.readers import read_inputs
from crosswire.pipeline import run
from crosswire.server import ServerSettings, create_app
from crosswire.store import Store

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory, resources, examples_dir) -> Path:
    """A DuckDB store holding the two seed articles (ingested by the real pipeline)."""
    path = tmp_path_factory.mktemp("server") / "seed.duckdb"
    with Store.open(path) as store:
        result = run(read_inputs([str(examples_dir)], max_bytes=Config().max_bytes), resources, Config(), store=store)
        assert not result.rejections
        assert store.counts()["articles"] == 2
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """A uvicorn server running in a thread; ``url`` is its base URL."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    db: Path

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(
    db: Path, resources, *, host: str = "127.0.0.1", connect_host: str = "127.0.0.1", warm: bool = False, **settings
) -> LiveServer:
    """Start a real server on a free port and wait until it answers."""
    port = free_port()
    app = create_app(ServerSettings(db=str(db), **settings), resources=resources, warm=warm)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server on port {port} did not start")
        time.sleep(0.02)
    return LiveServer(f"http://{connect_host}:{port}", server, thread, db)


@pytest.fixture(scope="session")
def make_server(tmp_path_factory, seed_db, resources):
    """Start servers on copies of the seed store; all are stopped at the end of the session."""
    started: list[LiveServer] = []

    def make(**settings) -> LiveServer:
        db = tmp_path_factory.mktemp("srv") / "store.duckdb"
        shutil.copy(seed_db, db)
        srv = start_server(db, resources, **settings)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def live(make_server) -> LiveServer:
    """The main test server: loopback, a token configured, default limits."""
    return make_server(token=TOKEN)


@pytest.fixture(scope="session")
def api(live):
    with live.client() as c:
        yield c


@pytest.fixture(scope="module")
def seed_story_id(api) -> str:
    """The story of the two seed articles (other tests add stories and articles to the server)."""
    stories = {a["story_id"] for a in api.get("/api/articles", params={"limit": 500}).json()["items"]
               if a["outlet"] in ("Press TV", "RT")}  # fmt: skip
    assert len(stories) == 1
    return stories.pop()
