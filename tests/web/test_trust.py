"""Issue 19 in process: loopback hosts, Retry-After from the queue's state, report tasks
(progress, cancelled when abandoned), scenarios and deltas, the editor's YAML lines."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from crossroads.web import Settings
from crossroads.web.pool import SimPool
from tests.web.conftest import SMALL, csrf_token, post_json, running

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("host", ["127.0.0.2", "127.1.2.3", "::1", "[::1]", "localhost"])
async def test_any_loopback_host_is_local_and_answered(settings: Settings, host: str) -> None:
    # the issue: `--host 127.0.0.2` was accepted as local, then every request got 400
    local = Settings(**{**settings.__dict__, "host": host.strip("[]")})
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    async with running(local, base_url=f"http://{shown}:8000") as (_app, client):
        assert (await client.get("/")).status_code == 200
        rebound = await client.get("/", headers={"Host": "127.0.0.2.evil.example"})
        assert rebound.status_code == 400  # a DNS name is never taken for an address


def test_retry_after_follows_the_measured_job_time() -> None:
    # the issue: a full queue said "retry in 32 s" when it cleared in 13 s
    pool = SimPool(workers=2, queue=64)
    pool.pending = 64
    pool.job_seconds = 0.4  # what the pool measured for recent jobs
    assert pool.retry_after() == 13  # 64 jobs * 0.4 s / 2 workers = 12.8 s
    pool.job_seconds = 1.0
    assert pool.retry_after() == 32
    pool.pending = 1
    assert pool.retry_after() == 1


async def test_the_pool_measures_its_jobs(settings: Settings) -> None:
    pool = SimPool(workers=1, queue=4, kind="thread")
    pool.start()
    try:
        await pool.run(time.sleep, 0.2)
        assert 0.2 * 0.3 + 0.7 <= pool.job_seconds < 1.0  # one sample moved the average
    finally:
        await pool.aclose()


async def _start_report(client: httpx.AsyncClient, token: str, samples: int = 500
                        ) -> dict:
    response = await post_json(client, "/api/report/0/small.yaml", {"samples": samples}, token)
    assert response.status_code == 202, response.text
    return response.json()


async def test_a_report_shows_progress_then_downloads(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    task = await _start_report(client, token)
    seen = set()
    for _ in range(240):
        state = (await client.get(task["poll"])).json()
        seen.add((state["state"], state["stage"]))
        if state["state"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.25)
    assert state["state"] == "done", state
    assert any(stage != "starting" for kind, stage in seen if kind == "running") or \
        state["progress"] == 1.0
    report = await client.get(task["download"])
    assert report.status_code == 200 and "Stay or move?" in report.text


async def test_an_abandoned_report_is_cancelled(client: httpx.AsyncClient) -> None:
    from crossroads.web.context import WebContext

    token = await csrf_token(client)
    app_ctx: WebContext = client._transport.app.state.ctx  # type: ignore[attr-defined]
    app_ctx.reports.abandon = 0.5  # nobody polls: the page was closed
    task = await _start_report(client, token, samples=50_000)
    await asyncio.sleep(2.0)
    state = app_ctx.reports.tasks[task["id"]]
    assert state.state == "cancelled" and state.stage == "nobody was waiting for it"
    assert state.process is None  # terminated and reaped: its memory is back


async def test_cancel_stops_a_report(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    task = await _start_report(client, token, samples=50_000)
    stopped = await post_json(client, f"/api/report-task/{task['id']}/cancel", {}, token)
    assert stopped.json()["state"] == "cancelled"
    assert (await client.get(task["download"])).status_code == 409


async def test_deltas_show_each_numbers_change_from_the_unpinned_run(
        client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    base = (await post_json(client, "/api/whatif/0/small.yaml", {"overrides": {}},
                            token)).json()
    pinned = (await post_json(client, "/api/whatif/0/small.yaml",
                              {"overrides": {"multiple": 0.85}}, token)).json()
    assert base["deltas"]["move"]["value"] == "±0"
    move, stay = pinned["deltas"]["move"], pinned["deltas"]["stay"]
    assert move["value"].startswith("+$") and stay["value"] == "±0"
    # the delta is the difference of the two runs' means, formatted as money
    from crossroads.format import money

    diff = (pinned["result"]["options"]["move"]["value"]["mean"]
            - base["result"]["options"]["move"]["value"]["mean"])
    assert move["value"] == "+" + money(diff)


async def test_scenarios_compare_side_by_side(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await post_json(client, "/api/compare/0/small.yaml", {"scenarios": [
        {"name": "low", "overrides": {"multiple": 0.62}},
        {"name": "high", "overrides": {"multiple": 0.88, "p_promo": 0.55}}]}, token)
    assert response.status_code == 200, response.text
    table = response.json()
    assert table["columns"] == ["Nothing pinned", "low", "high"]
    assert table["rows"][0]["cells"][1:] == ["multiple = 0.62×",
                                             "multiple = 0.88×, p_promo = 55%"]
    labels = [r["label"] for r in table["rows"]]
    assert "Stay <b>put</b>: value (mean)" in labels and "move: P(best)" in labels
    bad = await post_json(client, "/api/compare/0/small.yaml", {"scenarios": [
        {"name": "wild", "overrides": {"multiple": 50.0}}]}, token)
    assert bad.status_code == 422 and bad.json()["param"] == "multiple"


async def test_the_dashboard_explains_each_slider(client: httpx.AsyncClient,
                                                  folder: Path) -> None:
    (folder / "noted.yaml").write_text(SMALL.replace(
        "  p_promo: 30% to 60%", "  p_promo: 30% to 60%   # my manager's guess\n"
        "                       #   after two reviews"))
    page = (await client.get("/d/0/noted.yaml")).text
    assert '<span class="plabel">chance: promo</span>' in page
    assert "my manager&#39;s guess after two reviews" in page
    assert '<code>p_promo</code>: 30% to 60%' in page and ">Beta<" not in page
    assert 'aria-valuetext="not pinned (mean ' in page and '<svg class="sketch"' in page


async def test_an_unclosed_bracket_is_marked_where_it_opens(client: httpx.AsyncClient) -> None:
    # the issue: an unclosed `[` on line 1 was marked at line 9 of the founding case
    token = await csrf_token(client)
    text = SMALL.replace("horizon: 4", "horizon: [4")
    body = (await post_json(client, "/api/validate", {"text": text}, token)).json()
    first = body["problems"][0]
    assert (first["line"], first["column"]) == (2, 10)
    assert first["message"].startswith("YAML: this `[` is never closed")
    assert first["hint"] == "close it with `]`"


async def test_a_form_report_whose_client_went_away_is_cancelled(tmp_path: Path) -> None:
    """The no-script path waits for the report; a disconnect cancels it (process gone)."""
    from crossroads.web.pool import ReportJob
    from crossroads.web.reports import Reports

    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    reports = Reports()
    checks = 0

    async def gone() -> bool:
        nonlocal checks
        checks += 1
        return checks > 2  # the browser closes after a second or so

    try:
        task = reports.submit(ReportJob(str(path), None, 0, 50_000))
        await asyncio.wait_for(reports.wait(task, gone), 30)
        assert task.state == "cancelled" and task.stage == "the client went away"
        assert task.process is None and task.done.is_set()
    finally:
        reports.close()
