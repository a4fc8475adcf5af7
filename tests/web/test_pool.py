"""The bounded worker pool: many concurrent what-ifs all answered, overflow gets 503."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import httpx
import pytest

from crossroads.web import Settings
from tests.web.conftest import csrf_token, post_json, running

pytestmark = pytest.mark.anyio


async def _burst(client: httpx.AsyncClient, n: int) -> list[httpx.Response]:
    token = await csrf_token(client)
    # Distinct values, so that no answer comes from the result cache.
    return await asyncio.gather(*(
        post_json(client, "/api/whatif/0/small.yaml",
                  {"overrides": {"multiple": 0.6 + 0.3 * i / n}}, token) for i in range(n)))


def _reset_peak_rss() -> bool:
    """Reset this process's VmHWM (Linux: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rss_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def test_fifty_concurrent_whatifs_are_all_answered(settings: Settings) -> None:
    async with running(settings) as (app, client):
        await _burst(client, 2)  # warm up: imports and the compiled model
        before = _rss_mib("VmRSS")
        reset = _reset_peak_rss()
        start = time.perf_counter()
        responses = await _burst(client, 50)
        wall = time.perf_counter() - start
        peak = _rss_mib("VmHWM")
        pool = app.state.ctx.pool
    statuses = [r.status_code for r in responses]
    assert statuses == [200] * 50
    means = {r.json()["result"]["options"]["move"]["npv"]["mean"] for r in responses}
    assert len(means) == 50  # each request got its own run
    assert pool.peak <= settings.queue and pool.pending == 0
    print(f"\n50 concurrent what-ifs at {settings.whatif_samples:,} draws, "
          f"{settings.workers} threads: {wall:.2f} s wall, 0 failures, RSS {before:.0f} MiB "
          f"before, peak {peak:.0f} MiB{'' if reset else ' (peak since process start)'}")


async def test_requests_beyond_the_queue_get_503_with_retry_after(settings: Settings) -> None:
    tight = Settings(**{**settings.__dict__, "workers": 1, "queue": 3})
    async with running(tight) as (app, client):
        responses = await _burst(client, 12)
        assert app.state.ctx.pool.pending == 0
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) == {200, 503} and statuses.count(200) >= 3
    refused = next(r for r in responses if r.status_code == 503)
    assert int(refused.headers["retry-after"]) >= 1
    assert "queue is full" in refused.json()["error"]


async def test_process_pool_gives_the_same_numbers_as_threads(settings: Settings) -> None:
    procs = Settings(**{**settings.__dict__, "pool": "process"})
    results = []
    for config in (settings, procs):
        async with running(config) as (_app, client):
            token = await csrf_token(client)
            answers = await asyncio.gather(*(
                post_json(client, "/api/whatif/0/small.yaml",
                          {"overrides": {"bump": b}}, token) for b in (1.25, 1.4)))
            results.append([a.json()["result"] for a in answers])
    assert results[0] == results[1]


async def test_closing_stops_a_busy_worker_process_promptly() -> None:
    from concurrent.futures.process import BrokenProcessPool

    from crossroads.web.pool import SimPool

    pool = SimPool(workers=1, queue=4, kind="process")
    pool.start()
    await pool.run(os.getpid)  # the worker is up
    stuck = asyncio.ensure_future(pool.run(time.sleep, 120))
    await asyncio.sleep(0.3)
    start = time.perf_counter()
    await pool.aclose(grace=0.2)
    assert time.perf_counter() - start < 10
    with pytest.raises(BrokenProcessPool):
        await stuck


async def test_a_pool_whose_worker_died_is_replaced() -> None:
    from crossroads.web.pool import SimPool, WorkerLost

    pool = SimPool(workers=1, queue=4, kind="process")
    pool.start()
    try:
        first = await pool.run(os.getpid)
        with pytest.raises(WorkerLost):  # the job's worker died: the pool broke
            await pool.run(os._exit, 1)
        second = await pool.run(os.getpid)  # new workers, not BrokenProcessPool forever
        assert second != first
        os.kill(second, 9)  # dies while idle: the next job finds the pool broken
        await asyncio.sleep(1.0)
        assert await pool.run(os.getpid) not in (first, second)
        assert pool.pending == 0
    finally:
        await pool.aclose()


async def test_a_decision_error_in_a_worker_process_is_answered_and_keeps_the_pool(
        settings: Settings, folder: Path) -> None:
    # Correlations no draws can have: found by `run` inside the worker (or, once the core
    # checks them, when compiling); either way a 422 with the problem, and the pool lives.
    (folder / "corr.yaml").write_text(IMPOSSIBLE)
    procs = Settings(**{**settings.__dict__, "pool": "process", "workers": 1})
    async with running(procs) as (_app, client):
        token = await csrf_token(client)
        bad = await post_json(client, "/api/whatif/0/corr.yaml", {"overrides": {}}, token)
        assert bad.status_code == 422, bad.text
        assert "correlation" in bad.json()["problems"][0]["message"]
        report = await client.post("/report/0/corr.yaml",
                                   data={"csrf_token": token, "samples": "500"})
        assert report.status_code == 422 and "correlation" in report.text
        assert str(folder) not in report.text  # corr.yaml:LINE:COL, not the server's path
        good = await post_json(client, "/api/whatif/0/small.yaml", {"overrides": {}}, token)
        assert good.status_code == 200, good.text


IMPOSSIBLE = """\
decision: Impossible correlations
horizon: 3
samples: 2000
params:
  a: 1 to 2
  b: 1 to 2
  c: 1 to 2
correlations: [[a, b, 0.99], [b, c, 0.99], [a, c, -0.99]]
options:
  x:
    roles: {r: {cash: 100k * a}}
  y:
    roles: {r: {cash: 100k * b * c}}
"""
