"""``crosswire serve`` as a real process: it serves the page and the API, and reads its token from
the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner

import crosswire.cli  # noqa: F401  (first: it registers serve, and crosswire.server.cli imports it)
from crosswire.server.cli import serve

from .conftest import free_port

pytestmark = pytest.mark.slow


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("serve did not start in 60 s")


@pytest.mark.parametrize("token", [None, "serve-test-token-1234"])
def test_serve_cli_serves_page_and_api(tmp_path, seed_db, token):
    db = tmp_path / "serve.duckdb"
    shutil.copy(seed_db, db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSWIRE_")}
    if token:
        env["CROSSWIRE_TOKEN"] = token
    proc = subprocess.Popen(
        [sys.executable, "-c", "from crosswire.cli import main; main()", "serve", "--db", str(db), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/api/", proc)
        assert "/static/app.js" in httpx.get(base + "/").text
        info = httpx.get(base + "/api/").json()
        assert info["writes_enabled"] is (token is not None)
        assert info["counts"]["articles"] == 2
        r = httpx.post(base + "/api/articles", content="x", headers={"Authorization": "Bearer nope-nope-nope"})
        assert r.status_code == (401 if token else 403)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert ("CROSSWIRE_TOKEN is not set" in err) is (token is None)


def test_serve_cli_rejects_a_short_token(tmp_path):
    result = CliRunner().invoke(serve, ["--db", str(tmp_path / "x.duckdb")], env={"CROSSWIRE_TOKEN": "short"})
    assert result.exit_code == 1
    assert "at least 8" in result.output


def test_serve_cli_help_has_an_example():
    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "CROSSWIRE_TOKEN" in result.output
