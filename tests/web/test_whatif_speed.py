"""What keeps a slider quick: lean what-if runs, reports at the lowest priority in every
thread, and a worker that hands memory back only when idle (docs/web.md)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import crossroads
from crossroads.engine.loop import EXTRAS
from crossroads.web import pool
from crossroads.web.routes.api import LEAN_VERDICT
from tests.web.conftest import FOUNDING, csrf_token, post_json

PIN = {"startup_raise": 0.12}


def _without(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def test_a_lean_run_skips_the_extras_and_keeps_every_other_number() -> None:
    model = crossroads.load(FOUNDING)
    full = crossroads.run(model, samples=3000, overrides=PIN).to_dict()
    lean = crossroads.run(model, samples=3000, overrides=PIN, extras=False).to_dict()
    assert set(lean) == set(full)  # the same keys: a lean run removes no key
    assert lean["weighted"] is None and lean["screen"] == {} and lean["screen_share"] is None
    assert full["weighted"] and full["screen"] and full["screen_share"]
    assert _without(lean, (*EXTRAS, "verdict", "options")) == \
        _without(full, (*EXTRAS, "verdict", "options"))
    for key, option in lean["options"].items():
        assert option["p_best_expected"] is None
        assert isinstance(full["options"][key]["p_best_expected"], float)
        assert _without(option, EXTRAS) == _without(full["options"][key], EXTRAS)
    # the lean verdict is the full one without the sentences on what it skipped
    rest = iter(full["verdict"])
    assert all(line in rest for line in lean["verdict"])
    assert len(lean["verdict"]) < len(full["verdict"])


def test_crossroads_run_is_complete_by_default() -> None:
    data = crossroads.run(crossroads.load(FOUNDING), samples=2000).to_dict()
    assert "skipped" not in data and data["weighted"] and data["screen"]
    assert all(isinstance(o["p_best_expected"], float) for o in data["options"].values())


@pytest.mark.anyio
async def test_a_pinned_whatif_says_what_it_skipped(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    url = "/api/whatif/0/founding.yaml"
    base = (await post_json(client, url, {"overrides": {}}, token)).json()
    pinned = (await post_json(client, url, {"overrides": PIN}, token)).json()
    assert "skipped" not in base["result"] and LEAN_VERDICT not in base["verdict"]
    assert base["result"]["screen"]  # the first view orders the sliders by it
    assert pinned["result"]["skipped"] == list(EXTRAS)
    assert pinned["verdict"] == [*pinned["result"]["verdict"], LEAN_VERDICT]
    assert pinned["deltas"] and pinned["rows"] and pinned["charts"]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="per-thread nice: Linux")
def test_every_thread_of_a_report_process_runs_at_the_lowest_priority() -> None:
    # A thread started before the report lowers its priority (as OpenBLAS starts its pool
    # when NumPy is imported) must be lowered too.
    script = textwrap.dedent("""
        import os, threading
        import numpy
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        from crossroads.web.reports import NICE, lower_priority
        lower_priority()
        tids = os.listdir("/proc/self/task")
        print(NICE, len(tids), *sorted({os.getpriority(os.PRIO_PROCESS, int(t)) for t in tids}))
        stop.set()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    nice, threads, values = int(out[0]), int(out[1]), [int(v) for v in out[2:]]
    assert threads >= 2 and values == [nice]


def test_a_worker_hands_memory_back_only_when_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[float] = []
    monkeypatch.setattr(pool.multiprocessing, "parent_process", lambda: object())
    monkeypatch.setattr(pool, "_trim", lambda: trims.append(time.monotonic()))
    monkeypatch.setattr(pool, "TRIM_AFTER", 0.05)
    monkeypatch.setattr(pool, "_trimmer", None)

    def job(seconds: float) -> int:
        time.sleep(seconds)
        return len(trims)

    took, seen = pool._timed(job, 0.0)
    assert seen == 0 and trims == []  # answered before any trim
    time.sleep(0.3)
    assert len(trims) == 1  # then trimmed, once, when idle
    pool._timed(job, 0.0)
    _, during = pool._timed(job, 0.2)  # a job longer than TRIM_AFTER follows at once
    assert during == 1  # the first job's trim was called off: none ran during the second
    time.sleep(0.3)
    assert len(trims) == 2
    assert pool._trimmer is not None and not pool._trimmer.is_alive()
