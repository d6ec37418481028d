"""Tokens, remote clients, body limits and CORS, against real servers on this machine."""

from __future__ import annotations

import socket

import httpx
import pytest

from .conftest import TOKEN, start_server

pytestmark = pytest.mark.slow

TEXT = "Islamic State fighters attacked an army checkpoint near Palmyra on Tuesday, the Syrian Observatory said."


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"ok": False, "error": body["error"], "errors": body["errors"], "status": status}
    return body["error"]


@pytest.mark.parametrize(
    ("headers", "status", "words"),
    [
        ({}, 401, "Authorization: Bearer"),
        ({"Authorization": "Bearer wrong-token-000000"}, 401, "wrong"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, "Authorization: Bearer"),
        ({"Authorization": "Bearer"}, 401, "Authorization: Bearer"),
    ],
)
def test_security_writes_need_the_token(api, headers, status, words):
    before = api.get("/api/").json()["counts"]["articles"]
    r = api.post("/api/articles", content=TEXT, headers={"Content-Type": "text/plain", **headers})
    assert words in _error(r, status)
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert api.get("/api/").json()["counts"]["articles"] == before


def test_security_no_token_configured_refuses_writes(make_server):
    srv = make_server(token=None)
    with srv.client() as c:
        r = c.post("/api/articles", content=TEXT, headers={"Content-Type": "text/plain", "Authorization": "Bearer anything-at-all"})
        assert "CROSSWIRE_TOKEN" in _error(r, 403)
        assert c.get("/api/").json()["writes_enabled"] is False
        assert c.get("/api/stories").status_code == 200  # reading still works


def test_security_body_over_the_limit_is_413(make_server):
    srv = make_server(token=TOKEN, max_body_bytes=4000)
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
    with srv.client() as c:
        before = c.get("/api/").json()["counts"]["articles"]
        assert "limit of 4000 bytes" in _error(c.post("/api/articles", content="word " * 2000, headers=auth), 413)

        def chunks():  # no Content-Length: the limit is enforced while the body streams in
            for _ in range(10):
                yield b"word " * 200

        _error(c.post("/api/articles", content=chunks(), headers=auth), 413)
        assert c.get("/api/").json()["counts"]["articles"] == before


def test_security_too_many_articles_in_one_post_is_413(api):
    body = [{"text": f"{TEXT} {i}"} for i in range(101)]
    _error(api.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"}), 413)


def test_security_cors_off_by_default(api):
    r = api.get("/api/stories", headers={"Origin": "http://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    pre = api.options(
        "/api/articles", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in pre.headers


def test_security_cors_for_listed_origins_only(make_server):
    srv = make_server(token=TOKEN, cors_origins=("http://analyst.example",))
    with srv.client() as c:
        ok = c.get("/api/stories", headers={"Origin": "http://analyst.example"})
        assert ok.headers["access-control-allow-origin"] == "http://analyst.example"
        other = c.get("/api/stories", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        pre = c.options(
            "/api/articles",
            headers={"Origin": "http://analyst.example", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization"},
        )
        assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


def _lan_address() -> str | None:
    """This machine's first non-loopback IPv4 address, or None."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    candidates = [i[4][0] for i in infos]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            candidates.append(s.getsockname()[0])
    except OSError:
        pass
    return next((a for a in candidates if not a.startswith("127.")), None)


@pytest.fixture(scope="module")
def lan_address() -> str:
    addr = _lan_address()
    if addr is None:
        pytest.skip("this machine has no non-loopback address to act as a remote client")
    return addr


@pytest.mark.parametrize("allow", [False, True])
def test_security_remote_clients_read_only_when_allowed(tmp_path, seed_db, resources, lan_address, allow):
    import shutil

    db = tmp_path / "remote.duckdb"
    shutil.copy(seed_db, db)
    srv = start_server(db, resources, host="0.0.0.0", connect_host=lan_address, token=TOKEN, allow_remote_read=allow)
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as c:
            r = c.get("/api/stories")
            if allow:
                assert r.status_code == 200 and r.json()["total"] == 1
                _error(c.post("/api/articles", content=TEXT, headers={"Content-Type": "text/plain"}), 401)
            else:
                assert "--allow-remote" in _error(r, 403)
                _error(c.get("/"), 403)
                _error(c.post("/api/articles", content=TEXT, headers={"Content-Type": "text/plain",
                                                                        "Authorization": f"Bearer {TOKEN}"}), 403)
        with httpx.Client(base_url=srv.url.replace(lan_address, "127.0.0.1"), timeout=30) as local:
            assert local.get("/api/stories").status_code == 200  # loopback always reads
    finally:
        srv.stop()


def test_security_page_forbids_inline_scripts(api):
    csp = api.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert api.get("/api/stories").headers["x-content-type-options"] == "nosniff"
