"""One handler (web/app.py) answers every CrossroadsError with its class's status, as JSON
under /api/ and as the error page elsewhere, and never shows the server's paths."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from crossroads.errors import (
    CrossroadsError,
    DecisionError,
    StoreError,
    TooManySamples,
    UsageError,
)
from crossroads.store.journal import EntryNotFound
from crossroads.web import Settings
from crossroads.web.app import error_body
from crossroads.web.catalog import OutsideFolders
from crossroads.web.pool import Busy
from crossroads.web.routes.new import FormError
from crossroads.web.whatif import BadOverrides
from tests.web.conftest import running

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("exc, status", [
    (TooManySamples("/srv/d.yaml", 2, 10, "9 samples would need 3 GiB", samples=9, most=5), 413),
    (DecisionError("/srv/d.yaml", 3, 9, "unknown param `x`"), 422),
    (UsageError("samples must be a whole number", argument="samples"), 422),
    (BadOverrides("no such param: x", "x"), 422),
    (OutsideFolders("no decision file 'x.yaml' in folder 0"), 404),
    (EntryNotFound(7), 404),
    (Busy(3), 503),
    (StoreError("cannot open database sqlite:////srv/me/cr.sqlite3: disk I/O error"), 503),
    (FormError("name", "x.yaml already exists: choose another name", 409), 409),
    (CrossroadsError("anything else"), 500),
])
def test_each_error_has_its_status_and_no_server_path(exc: CrossroadsError,
                                                      status: int) -> None:
    got, body = error_body(exc)
    assert got == status and "/srv" not in str(body)
    if isinstance(exc, TooManySamples):
        assert body["most"] == 5
    if isinstance(exc, BadOverrides):
        assert body["param"] == "x"


async def _serve_raising(settings: Settings, exc: Exception, path: str
                         ) -> httpx.Response:
    async with running(settings) as (app, client):
        async def boom() -> None:
            raise exc
        app.add_api_route(path, boom)
        return await client.get(path)


async def test_the_handler_answers_json_under_api(settings: Settings) -> None:
    exc = TooManySamples("/srv/d.yaml", 2, 10, "9 samples would need 3 GiB", samples=9, most=5)
    response = await _serve_raising(settings, exc, "/api/boom")
    assert response.status_code == 413
    assert response.json() == {"error": "9 samples would need 3 GiB: use at most 5 samples",
                               "most": 5}


async def test_the_handler_answers_a_page_elsewhere(settings: Settings) -> None:
    exc = DecisionError("/srv/me/d.yaml", 3, 9, "unknown param `x`")
    response = await _serve_raising(settings, exc, "/boom")
    assert response.status_code == 422 and "text/html" in response.headers["content-type"]
    assert "3:9: unknown param" in response.text and "/srv/me" not in response.text


async def test_a_busy_queue_says_when_to_retry(settings: Settings) -> None:
    response = await _serve_raising(settings, Busy(7), "/api/boom")
    assert response.status_code == 503 and response.headers["retry-after"] == "7"


async def test_a_journal_entry_that_is_not_there_is_404(settings: Settings,
                                                        tmp_path: Path) -> None:
    async with running(settings) as (_app, client):
        response = await client.get("/journal/123")
        too_big = await client.get(f"/journal/{2**70}")
    assert response.status_code == 404 and "no journal entry with id 123" in response.text
    assert too_big.status_code in (404, 422)
