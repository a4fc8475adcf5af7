"""The journal page: the fan with the actual points, the check-ins, the calibration."""

from __future__ import annotations

import re

import httpx
import pytest

from crossroads.api import load
from crossroads.journal.calibrate import Checkin
from crossroads.journal.predict import predict
from crossroads.store import transaction
from crossroads.store.journal import Record, add_checkin, add_entry
from crossroads.web import Settings
from tests.journal.fixtures import SMALL

pytestmark = pytest.mark.anyio


def fill(db: str | None, checkins: tuple[Checkin, ...]) -> int:
    """Record the small decision's move with these check-ins; return the entry's id."""
    model = load(SMALL)
    result, pred = predict(model, "move", 2000, 7)
    rec = Record("small.yaml", SMALL, "0" * 64, model.title, 2000, 7, "test", model.horizon,
                 model.currency, pred, result.to_dict(), note="took <the> cut")
    with transaction(db) as conn:
        entry = add_entry(conn, rec)
        for c in checkins:
            add_checkin(conn, entry, c)
    return entry


CHECKINS = (Checkin(0, 60_000.0, "engineer"), Checkin(2, 64_000.0, "engineer", note="slow"),
            Checkin(3, 99_000.0, "senior"))


async def test_the_page_shows_fan_points_and_calibration(client: httpx.AsyncClient,
                                                         settings: Settings) -> None:
    entry = fill(settings.db, CHECKINS)
    page = await client.get("/journal")
    assert page.status_code == 200
    html = page.text
    assert html.count('class="actual"') == 3 and html.count('class="band"') == 2
    assert "took &lt;the&gt; cut" in html and "<the>" not in html
    api = (await client.get("/api/journal")).json()
    brier = api["calibration"]["brier"]
    assert re.search(rf'id="brier">{brier:.3f}<', html)
    for sentence in api["calibration"]["sentences"]:
        assert sentence in html
    pcts = [c["cash_percentile"] for c in api["entries"][0]["checkins"]]
    assert pcts[0] == 50.0
    for p in pcts:
        assert f"{p:.1f}" in html
    one = await client.get(f"/journal/{entry}")
    assert one.status_code == 200 and "of this entry" in one.text


async def test_an_empty_journal_says_how_to_start(client: httpx.AsyncClient) -> None:
    page = await client.get("/journal")
    assert page.status_code == 200 and 'id="empty"' in page.text
    assert "crossroads journal record" in page.text


@pytest.mark.parametrize("path", ["/journal/99", "/journal/0", f"/journal/{2**70}"])
async def test_an_unknown_entry_is_a_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "no journal entry" in response.text
