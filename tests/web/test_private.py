"""Private by default (issue 21): login sessions, the token out of logs, slowed guessing,
headers on 500s, and `crossroads serve` as another user of the machine sees it."""

from __future__ import annotations

import logging
import os
import pwd
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter

from crossroads.web import Settings
from crossroads.web import security as sec
from tests.web.conftest import running

pytestmark = pytest.mark.anyio

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
async def guarded(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A loopback app with a token, as `crossroads serve` now builds it by default."""
    with_token = Settings(**{**settings.__dict__, "token": TOKEN})
    async with running(with_token) as (_app, client):
        yield client


async def test_the_link_opens_a_random_expiring_session_not_derived_from_the_token(
        guarded: httpx.AsyncClient) -> None:
    first = await guarded.get(f"/market?token={TOKEN}")
    assert first.status_code == 303 and "token" not in first.headers["location"]
    cookie = first.headers["set-cookie"]
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == sec.auth_cookie_name(8000)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert f"Max-Age={sec.LOGIN_TTL}" in cookie
    assert TOKEN not in value and len(value) == 43  # 32 random bytes, url-safe
    again = await guarded.get(f"/market?token={TOKEN}")
    assert again.headers["set-cookie"].split(";")[0] != cookie.split(";")[0]  # random


async def test_a_forged_or_copied_old_style_cookie_is_refused(
        guarded: httpx.AsyncClient) -> None:
    import hashlib

    old = hashlib.sha256(b"crossroads-auth:" + TOKEN.encode()).hexdigest()  # before
    guarded.cookies.set(sec.auth_cookie_name(8000), old)
    assert (await guarded.get("/")).status_code == 401


def test_sessions_expire() -> None:
    now = [1000.0]
    logins = sec.Logins(ttl=60, clock=lambda: now[0])
    login = logins.open()
    assert logins.valid(login)
    now[0] += 61
    assert not logins.valid(login) and login not in logins.ids


def test_wrong_tokens_are_slowed_down_more_and_more() -> None:
    now = [0.0]
    logins = sec.Logins(clock=lambda: now[0])
    delays = [logins.delay() for _ in range(sec.FREE_FAILURES + 8)]
    assert delays[:sec.FREE_FAILURES] == [0.0] * sec.FREE_FAILURES
    assert delays[sec.FREE_FAILURES:] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    now[0] += 61  # a minute later the count starts again
    assert logins.delay() == 0.0


async def test_the_guard_waits_before_answering_a_wrong_token(
        guarded: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(sec.asyncio, "sleep", sleep)
    for _ in range(sec.FREE_FAILURES + 2):
        r = await guarded.get("/", headers={"Authorization": "Bearer wrong-token-xx"})
        assert r.status_code == 401
    assert waited[-2:] == [0.25, 0.5]
    await guarded.get("/")  # no token at all: a browser's first visit, not a guess
    assert len(waited) == sec.FREE_FAILURES + 2


def test_the_access_log_never_shows_the_token() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", f"/?token={TOKEN}&x=1", "1.1", 303),
                               None)
    assert sec.RedactToken().filter(record)
    assert TOKEN not in record.getMessage() and "token=[hidden]&x=1" in record.getMessage()


async def test_a_500_carries_the_security_headers(settings: Settings) -> None:
    from crossroads.web.app import create_app

    app = create_app(settings)
    boom = APIRouter()

    @boom.get("/boom")
    def explode() -> None:
        raise RuntimeError("a bug")

    app.include_router(boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1") as client:
        r = await client.get("/boom")
    assert r.status_code == 500
    assert r.headers["content-security-policy"] == sec.CSP
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
    assert "a bug" not in r.text


# ------------------------------------------------- another user of the same machine -----

PROBE_USER = "crossroads-probe"


def _probe_uid() -> int:
    """A second, unprivileged Unix user (created once; the tests run as root)."""
    try:
        return pwd.getpwnam(PROBE_USER).pw_uid
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        PROBE_USER], check=True, capture_output=True)
        return pwd.getpwnam(PROBE_USER).pw_uid


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as a 2nd user")


def as_probe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a command as the second user."""
    return subprocess.run(["setpriv", f"--reuid={_probe_uid()}", f"--regid={_probe_uid()}",
                           "--clear-groups", *args], capture_output=True, text=True,
                          timeout=30)


@pytest.fixture
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A world-traversable folder (like a home directory that is 0755)."""
    path = tmp_path_factory.mktemp("shared")
    for p in (path, *path.parents):
        if p == Path("/"):
            break
        os.chmod(p, os.stat(p).st_mode | 0o755)
    yield path


@needs_root
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_another_user_cannot_read_the_database(shared_dir: Path, umask: int) -> None:
    db = shared_dir / f"log{umask}" / "research.sqlite3"
    code = ("from crossroads.store import transaction, add_conversation\n"
            "from crossroads.evidence.research import Conversation\n"
            f"import os; os.umask({umask})\n"
            f"with transaction('{db}') as c:\n"
            "    add_conversation(c, Conversation('ana', 12, notes='salary 250k'))\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    read = as_probe("cat", str(db))
    assert read.returncode != 0 and "Permission denied" in read.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@needs_root
@pytest.mark.slow
def test_another_user_cannot_reach_the_app_without_the_token(folder: Path,
                                                             tmp_path: Path) -> None:
    """`crossroads serve` as it starts by default: a token is made and printed once."""
    port = _free_port()
    env = {**os.environ, "CROSSROADS_DB": str(tmp_path / "log.sqlite3")}
    env.pop("CROSSROADS_TOKEN", None)
    server = subprocess.Popen(
        [sys.executable, "-c", "from crossroads.cli import main; main()", "serve",
         "--port", str(port), "--workers", "1", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        link = ""
        while not link:
            line = server.stdout.readline() if server.stdout else ""
            assert line, "serve exited early"
            found = re.search(r"http://\S+\?token=\S+", line)
            link = found.group(0) if found else ""
        token = link.split("token=")[1]
        url = f"http://127.0.0.1:{port}/research"
        for _ in range(100):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        probe = as_probe("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url)
        assert probe.stdout == "401"
        post = as_probe("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                        "-H", "Content-Type: application/json", "-d", "{}",
                        f"http://127.0.0.1:{port}/api/save")
        assert post.stdout == "401"
        assert httpx.get(f"{url}?token={token}", follow_redirects=True).status_code == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    log = out + err  # uvicorn's access log goes to standard output
    assert "?token=[hidden]" in log and token not in log


@pytest.mark.parametrize("url", ["postgresql ://me:PW-s3cret@localhost/cr",
                                 "postgresql://me:PW-s3cret@localhost:99999/cr"])
async def test_the_web_pages_mask_a_bad_database_url(settings: Settings, url: str) -> None:
    """Before: the password showed on /research, and a bad port made / answer 500."""
    bad = Settings(**{**settings.__dict__, "db": url})
    async with running(bad) as (_app, client):
        home = await client.get("/")
        research = await client.get("/research")
    assert home.status_code == 200 and "PW-s3cret" not in home.text
    assert research.status_code == 503 and "PW-s3cret" not in research.text
    assert "localhost" not in research.text  # nor the URL at all: the server log has it
    assert "the database cannot be opened or used" in research.text


# ---------------------------------------------------- bounded work in the web app -------

async def test_validation_runs_as_a_pool_job(client: httpx.AsyncClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from crossroads.web.checks import check_job
    from tests.web.conftest import SMALL, csrf_token, post_json

    token = await csrf_token(client)
    ran: list[object] = []
    pool = client._transport.app.state.ctx.pool  # type: ignore[attr-defined]
    real = pool.run

    async def spy(fn: object, *args: object) -> object:
        ran.append(fn)
        return await real(fn, *args)

    monkeypatch.setattr(pool, "run", spy)
    r = await post_json(client, "/api/validate", {"text": SMALL}, token)
    assert r.status_code == 200 and r.json()["ok"] and ran == [check_job]


def test_a_check_past_its_time_limit_is_stopped_and_answered(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from crossroads.web import checks
    from tests.web.conftest import SMALL

    def slow(text: str, db: str | None) -> None:
        # a check that would run for a minute; the alarm interrupts the sleep, not some
        # file system call half-way (which left an unclosed iterator behind: flaky)
        time.sleep(60)

    with monkeypatch.context() as patched:
        patched.setattr(checks, "validate_text", slow)
        out = checks.check_job(SMALL, None, seconds=0.05)  # tests run in the main thread
    assert not out["ok"] and "took longer than 0.05 s" in out["problems"][0]["message"]
    assert checks.check_job(SMALL, None)["ok"]  # and the alarm is cleared afterwards
    time.sleep(0.1)


async def test_a_236_kb_validate_is_refused_at_the_size_limit(
        client: httpx.AsyncClient) -> None:
    """Before: 55 s, and the server kept 1.2 GB."""
    from tests.web.conftest import csrf_token, post_json

    params = "".join(f"  p{i}: 1 to 2\n" for i in range(6001))
    corr = "".join(f"  - [p{i}, p{i + 1}, 0.1]\n" for i in range(6000))
    text = f"decision: x\nparams:\n{params}correlations:\n{corr}"[:236_000]
    token = await csrf_token(client)
    r = await post_json(client, "/api/validate", {"text": text}, token)
    assert r.status_code == 200 and not r.json()["ok"]
    assert "MAX_FILE_BYTES" in r.json()["problems"][0]["message"]


@pytest.mark.parametrize("umask", [0o022, 0o077])
async def test_a_new_decision_saved_from_the_editor_is_owner_only(
        client: httpx.AsyncClient, folder: Path, umask: int) -> None:
    from tests.web.conftest import SMALL, csrf_token, post_json

    old = os.umask(umask)
    try:
        token = await csrf_token(client)
        r = await post_json(client, "/api/save", {"folder": 0, "path": f"new{umask}.yaml",
                                                  "text": SMALL, "base": None}, token)
    finally:
        os.umask(old)
    assert r.status_code == 200, r.text
    assert (folder / f"new{umask}.yaml").stat().st_mode & 0o777 == 0o600


def test_serve_makes_a_token_and_no_token_warns(folder: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from crossroads.cli import app as cli

    seen: list[Settings] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.append(kw["log_config"]))
    monkeypatch.setattr("crossroads.web.create_app", lambda settings: seen.append(settings))
    monkeypatch.delenv("CROSSROADS_TOKEN", raising=False)
    made = CliRunner().invoke(cli, ["serve", str(folder)])
    assert made.exit_code == 0, made.output
    settings, log_config = seen
    assert settings.token and len(settings.token) >= 32
    assert f"http://127.0.0.1:8000/?token={settings.token}" in made.output
    assert "redact_token" in log_config["handlers"]["access"]["filters"]
    seen.clear()
    open_ = CliRunner().invoke(cli, ["serve", "--no-token", str(folder)])
    assert open_.exit_code == 0 and seen[0].token is None
    assert "warning: --no-token" in open_.output
    both = CliRunner().invoke(cli, ["serve", "--no-token", "--token", "x" * 20, str(folder)])
    assert both.exit_code == 2


def test_slider_ranges_come_from_the_worker_with_the_first_run(folder: Path) -> None:
    """Before: the dashboard inverted every param's distribution in the server's loop (a
    300-range mixture held `GET /market` for 30 s); now the pool job returns them."""
    from crossroads.web.pool import WhatIfJob, run_whatif

    out = run_whatif(WhatIfJob(str(folder / "small.yaml"), None, 0, 500, None, ()))
    names = {s["name"] for s in out["sliders"]}
    assert names == {"multiple", "p_promo", "bump"}
    pinned = run_whatif(WhatIfJob(str(folder / "small.yaml"), None, 0, 500, None,
                                  (("bump", 1.3),)))
    assert "sliders" not in pinned  # a what-if needs none
