"""The guard: host binding, token, CSRF, body size limit and security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from crossroads.cli import app as cli
from crossroads.web import Settings, SettingsError
from crossroads.web.security import CSP, SESSION_COOKIE
from tests.web.conftest import SMALL, csrf_token, post_json, running

pytestmark = pytest.mark.anyio

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
async def public(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app as `crossroads serve --host 0.0.0.0 --token ...` builds it."""
    exposed = Settings(**{**settings.__dict__, "host": "0.0.0.0", "token": TOKEN})
    async with running(exposed, base_url="http://192.168.1.20:8000") as (_app, client):
        yield client


# ---------------------------------------------------------------- host and token ----------

@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_public_host_without_token_is_refused(host: str) -> None:
    with pytest.raises(SettingsError, match="without a token"):
        Settings(host=host)


def test_cli_refuses_a_public_host_without_token(folder: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CROSSROADS_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--no-token",
                                      str(folder)])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without a token" in result.output


@pytest.mark.parametrize(("token", "message"), [
    (" " * 8, "must not be blank"), ("\t" * 12, "must not be blank"),
    (" s3cret-token", "whitespace"), ("s3cret-token\n", "whitespace"),
    ("short", "at least 8 characters")])
def test_blank_padded_or_short_tokens_are_refused(token: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(host="0.0.0.0", token=token)


def test_cli_refuses_a_blank_token(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CROSSROADS_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--token", " " * 8,
                                      str(folder)])
    assert result.exit_code == 2
    assert "the token must not be blank" in result.output


def test_cli_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a folder" in result.output


@pytest.mark.parametrize("path", ["/", "/d/0/small.yaml", "/research", "/static/app.css",
                                  "/static/plotly.min.js"])
async def test_public_app_needs_the_token_everywhere(public: httpx.AsyncClient,
                                                     path: str) -> None:
    response = await public.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    wrong = await public.get(path, headers={"Authorization": "Bearer wrong-token-xx"})
    assert wrong.status_code == 401


async def test_bearer_header_opens_the_public_app(public: httpx.AsyncClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert (await public.get("/", headers=headers)).status_code == 200
    # An API client with the token needs no CSRF token: browsers never send this header.
    response = await public.post("/api/validate", json={"text": SMALL}, headers=headers)
    assert response.status_code == 200 and response.json()["ok"] is True


async def test_token_query_sets_a_strict_cookie_and_redirects(
        public: httpx.AsyncClient) -> None:
    first = await public.get(f"/market?title=x&token={TOKEN}")
    assert first.status_code == 303
    assert first.headers["location"] == "/market?title=x"  # the token leaves the URL
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert (await public.get("/")).status_code == 200  # the cookie carries on
    token = await csrf_token(public)
    response = await post_json(public, "/api/validate", {"text": SMALL}, token)
    assert response.status_code == 200


async def test_without_token_only_loopback_host_headers_are_served(
        client: httpx.AsyncClient) -> None:
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert (await client.get("/", headers={"Host": host})).status_code == 200
    rebound = await client.get("/", headers={"Host": "evil.example:8000"})
    assert rebound.status_code == 400  # DNS rebinding: a page on evil.example reads nothing


# ---------------------------------------------------------------- CSRF -----------------

async def test_post_without_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    await csrf_token(client)
    for url, body in [("/api/validate", {"text": SMALL}),
                      ("/api/save", {"folder": 0, "path": "small.yaml", "text": SMALL}),
                      ("/api/whatif/0/small.yaml", {"overrides": {}})]:
        response = await client.post(url, json=body)
        assert response.status_code == 403, url
        assert "CSRF" in response.json()["error"]


async def test_post_with_a_wrong_or_foreign_csrf_token_is_refused(
        client: httpx.AsyncClient, settings: Settings) -> None:
    token = await csrf_token(client)
    bad = await post_json(client, "/api/validate", {"text": SMALL}, "0" * 64)
    assert bad.status_code == 403
    # A token from another session (another browser, another server) does not fit this one.
    async with running(settings) as (_app, other):
        foreign = await csrf_token(other)
    assert foreign != token
    assert (await post_json(client, "/api/validate", {"text": SMALL}, foreign)).status_code == 403


async def test_post_without_session_cookie_is_refused(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    client.cookies.delete(SESSION_COOKIE)
    assert (await post_json(client, "/api/validate", {"text": SMALL}, token)).status_code == 403


async def test_form_post_needs_the_csrf_field(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client, "/research/new")
    form = {"person": "ana", "years": "12"}
    assert (await client.post("/research", data=form)).status_code == 403
    assert (await client.post("/research", data={**form, "csrf_token": "x"})).status_code == 403
    ok = await client.post("/research", data={**form, "csrf_token": token})
    assert ok.status_code == 303


async def test_cross_site_requests_are_refused(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "http://127.0.0.1:3000"}):
        response = await client.post("/api/validate", json={"text": SMALL},
                                     headers={"X-CSRF-Token": token, **headers})
        assert response.status_code == 403, headers
    same = await client.post("/api/validate", json={"text": SMALL},
                             headers={"X-CSRF-Token": token, "Origin": "http://127.0.0.1"})
    assert same.status_code == 200


async def test_other_sites_may_link_but_not_fetch(client: httpx.AsyncClient) -> None:
    link = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    assert (await client.get("/", headers=link)).status_code == 200
    for mode in ("no-cors", "cors"):  # <img src>, fetch() from another site
        headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": mode}
        assert (await client.get("/d/0/small.yaml", headers=headers)).status_code == 403
    same = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}
    assert (await client.get("/static/app.css", headers=same)).status_code == 200


# ---------------------------------------------------------------- size limit -----------

async def test_oversize_body_is_413_by_content_length(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    text = "#" * (1024 * 1024 + 1)
    response = await post_json(client, "/api/validate", {"text": text}, token)
    assert response.status_code == 413


async def test_oversize_streamed_body_is_413_without_content_length(
        client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(64):
            sent += 64 * 1024
            yield b"x" * (64 * 1024)

    response = await client.post("/api/validate", content=chunks(), headers={
        "X-CSRF-Token": token, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert "content-length" not in response.request.headers


async def test_lying_content_length_is_still_caught(settings: Settings) -> None:
    small = Settings(**{**settings.__dict__, "max_body": 1000})
    async with running(small) as (app, client):
        token = await csrf_token(client)
        scope = {"type": "http", "method": "POST", "path": "/api/validate",
                 "raw_path": b"/api/validate", "query_string": b"", "http_version": "1.1",
                 "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 1),
                 "root_path": "",
                 "headers": [(b"host", b"127.0.0.1"), (b"content-length", b"10"),
                             (b"x-csrf-token", token.encode()),
                             (b"cookie", f"{SESSION_COOKIE}="
                              f"{client.cookies[SESSION_COOKIE]}".encode())]}
        bodies = [{"type": "http.request", "body": b"x" * 600, "more_body": True},
                  {"type": "http.request", "body": b"x" * 600, "more_body": False}]
        sent: list[dict] = []

        async def receive() -> dict:
            return bodies.pop(0)

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)
    assert sent[0]["status"] == 413


# ---------------------------------------------------------------- headers --------------

async def test_security_headers_on_pages_and_errors(client: httpx.AsyncClient) -> None:
    cookie = (await client.get("/")).headers["set-cookie"]  # the first visit opens a session
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    for path in ("/", "/d/0/small.yaml", "/d/0/nope.yaml", "/static/app.css"):
        headers = (await client.get(path)).headers
        assert headers["content-security-policy"] == CSP, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP
    assert "http" not in CSP and "*" not in CSP  # no remote source of anything
    page = (await client.get("/")).headers
    assert page["cache-control"] == "no-store"  # salaries stay out of caches
    assert "set-cookie" not in page  # the session is kept, not renewed


async def test_no_docs_or_openapi_endpoints(client: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert (await client.get(path)).status_code == 404
