"""The web app in-process: a folder of decision files, a fresh database, an ASGI client."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from crossroads.web import Settings, create_app
from tests.conftest import EXAMPLES

FOUNDING = EXAMPLES / "why-i-quit-data-science.yaml"
LOCAL = "http://127.0.0.1"

SMALL = """\
decision: Stay or move?
horizon: 4
discount: 5%
samples: 2000
seed: 7
params:
  pay_now: 100k
  multiple: 0.6 to 0.9
  p_promo: 30% to 60%
  bump: 1.2 to 1.5
options:
  stay:
    label: Stay <b>put</b>
    roles: {r: {cash: pay_now, raise: 2% to 4%}}
  move:
    roles:
      s: {cash: pay_now * multiple, next: [{to: t, after: 2, chance: p_promo}]}
      t: {cash: previous * bump * 2}
"""

BROKEN = """\
decision: Broken
options:
  a:
    roles: {r: {cash: 10k to }}
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A served folder: a small decision, a broken one and the founding case."""
    root = tmp_path / "decisions"
    root.mkdir()
    (root / "small.yaml").write_text(SMALL)
    (root / "broken.yaml").write_text(BROKEN)
    shutil.copy(FOUNDING, root / "founding.yaml")
    return root


@pytest.fixture
def settings(folder: Path, tmp_path: Path) -> Settings:
    """Local, thread pool, small what-ifs: fast and deterministic."""
    return Settings(folders=(folder,), db=f"sqlite:///{tmp_path / 'log.sqlite3'}",
                    pool="thread", whatif_samples=2000)


@asynccontextmanager
async def running(settings: Settings, base_url: str = LOCAL
                  ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its lifespan started, and a client talking to it in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield app, client


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings) as (_app, c):
        yield c


async def csrf_token(client: httpx.AsyncClient, path: str = "/market") -> str:
    """Load a page (which sets the session cookie) and read its CSRF token."""
    page = await client.get(path)
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', page.text)
    assert found, page.text[:500]
    return found.group(1)


async def post_json(client: httpx.AsyncClient, url: str, body: dict[str, Any],
                    token: str) -> httpx.Response:
    return await client.post(url, json=body, headers={"X-CSRF-Token": token})
