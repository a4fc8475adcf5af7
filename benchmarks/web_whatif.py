"""Section 7: what-if latency of the web app on the founding case at 20,000 draws.

(a) In process: :func:`crossroads.web.pool.run_whatif`, the function a simulation worker
runs for each what-if (``crossroads.run`` at 20,000 draws with the slider's param pinned,
lean: without the analyses the sliders do not redraw, ``crossroads.run.EXTRAS``; then the
JSON, the table rows and the charts), called in a loop after a warm-up.

(b) Through the server: `crossroads serve` started as a child process on 127.0.0.1 and a
free port, then the requests the dashboard's script sends: the page is fetched once (its
session cookie, CSRF token and sliders), then each what-if is a JSON POST to the page's
``whatif`` URL with the ``X-CSRF-Token`` header over one keep-alive connection. The server
time is read from the ``Server-Timing`` header (queueing + the worker's run); the client
round trip is reported beside it.

Each request pins the most influential slider (the first on the page) at a different value
across its range, stepped as the range input steps, so no answer comes from the app's cache.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import machine
import numpy as np
from timing import Section, seconds

SAMPLES = 20_000      # Settings.whatif_samples, what the sliders recompute at
TARGET_MS = 300.0
WARMUP = 4            # per path: model compiled, lazy imports, both server workers used
READY_TIMEOUT = 120.0
STEPS = 200           # a slider's range input has (hi - lo) / 200 steps (web/dashboard.py)


@dataclass
class Latencies:
    """Milliseconds per request, by what was measured."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, **values: float) -> None:
        for key, value in values.items():
            self.ms.setdefault(key, []).append(value)

    def p(self, key: str, q: float) -> float:
        return float(np.percentile(self.ms[key], q))


def slider_values(lo: float, hi: float, count: int) -> list[float]:
    """``count`` distinct positions of a range input over [lo, hi], spread across it."""
    step = (hi - lo) / STEPS
    ks = sorted({round((i + 0.5) * STEPS / count) for i in range(count)})
    return [lo + k * step for k in ks]


def whatif_latency(case: Path, requests: int) -> Section:
    """Section 7: (a) in-process `run_whatif`, (b) what-if POSTs to `crossroads serve`."""
    sec = Section(7, f"What-if latency: the founding case ({case.name}) at {SAMPLES:,} draws",
                  f"p95 at most {TARGET_MS:.0f} ms server time per what-if (in process, "
                  "as a worker runs it)",
                  header=("what", "requests", "p50", "p95", "max"))
    load_start = machine.load()
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-") as tmp:
        db = str(Path(tmp) / "research.sqlite3")   # an empty research log, not the user's
        inproc = in_process(case.resolve(), db, requests)
        served = through_server(case.resolve(), db, requests, Path(tmp) / "serve.log")
    a = inproc.p("whatif", 95)
    sec.met = a <= TARGET_MS
    _rows(sec, inproc, served)
    _notes(sec, inproc, served, (load_start, machine.load()))
    return sec


def in_process(case: Path, db: str, requests: int) -> Latencies:
    """``run_whatif`` as a worker calls it, ``requests`` times after ``WARMUP`` calls."""
    import crossroads
    from crossroads.web.dashboard import sliders
    from crossroads.web.pool import WhatIfJob, run_whatif

    def job(overrides: tuple[tuple[str, float], ...]) -> WhatIfJob:
        return WhatIfJob(str(case), db, 0, SAMPLES, None, overrides)

    model = crossroads.load(case, db=db)
    first = run_whatif(job(()))   # the dashboard's first run orders the sliders
    top = sliders(model, first["result"].get("screen"))[0]
    values = slider_values(top.lo, top.hi, WARMUP + requests)
    out = Latencies(extra={"slider": top.name, "lo": top.lo, "hi": top.hi})
    for i, value in enumerate(values):
        start = time.perf_counter()
        res = run_whatif(job(((top.name, value),)))
        wall = 1000 * (time.perf_counter() - start)
        if i >= WARMUP:
            out.add(whatif=wall, run=res["run_ms"], cpu=res["cpu_ms"])
    print(f"  (a) in process: p50 {seconds(out.p('whatif', 50) / 1000)}, "
          f"p95 {seconds(out.p('whatif', 95) / 1000)}", flush=True)
    return out


def through_server(case: Path, db: str, requests: int, log_path: Path) -> Latencies:
    """What-if POSTs to a `crossroads serve` child, as the dashboard's script sends them."""
    with open(log_path, "w") as log, serve(case.parent, db, log) as port:
        browser = Browser(port)
        page = browser.open(f"/d/0/{quote(case.name)}")
        top = page["sliders"][0]
        values = slider_values(top["lo"], top["hi"], WARMUP + requests)
        out = Latencies(extra={"slider": top["name"], "cached": 0, "bytes": []})
        for i, value in enumerate(values):
            start = time.perf_counter()
            status, headers, body = browser.post_json(page["whatif"],
                                                      {"overrides": {top["name"]: value}})
            trip = 1000 * (time.perf_counter() - start)
            if status != 200:
                raise RuntimeError(f"what-if answered {status}: {body[:300]!r}")
            if i < WARMUP:
                continue
            timing = server_timing(headers.get("server-timing", ""))
            data = json.loads(body)
            out.add(server=timing["queue"] + timing["run"], run=timing["run"],
                    queue=timing["queue"], trip=trip)
            out.extra["cached"] += bool(data.get("cached"))
            out.extra["bytes"].append(len(body))
        browser.close()
    print(f"  (b) server: p50 {seconds(out.p('server', 50) / 1000)}, "
          f"p95 {seconds(out.p('server', 95) / 1000)} (Server-Timing)", flush=True)
    return out


def server_timing(header: str) -> dict[str, float]:
    """``queue;dur=1.0, run;dur=2.5`` -> {"queue": 1.0, "run": 2.5}."""
    out = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        match = re.search(r"dur=([0-9.]+)", rest)
        if name and match:
            out[name] = float(match.group(1))
    return out


class Browser:
    """One keep-alive connection with the cookies and headers the dashboard's fetch() sends."""

    def __init__(self, port: int) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=READY_TIMEOUT)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        for cookie in response.headers.get_all("set-cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def open(self, path: str) -> dict[str, Any]:
        """GET a dashboard: keep its session cookie and CSRF token, return its page data."""
        status, _, body = self.request("GET", path, headers={"Sec-Fetch-Site": "none",
                                                             "Sec-Fetch-Mode": "navigate"})
        html = body.decode("utf-8")
        token = re.search(r'<meta name="csrf-token" content="([^"]*)"', html)
        data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>',
                         html, re.DOTALL)
        if status != 200 or token is None or data is None:
            raise RuntimeError(f"GET {path} answered {status} without the dashboard")
        self.csrf = token.group(1)
        page: dict[str, Any] = json.loads(data.group(1))
        if not page.get("sliders"):
            raise RuntimeError(f"{path}: the dashboard has no sliders")
        return page

    def post_json(self, path: str, payload: Any) -> tuple[int, dict[str, str], bytes]:
        """``crossroads.postJSON`` in static/common.js, as a same-origin fetch."""
        return self.request("POST", path, json.dumps(payload).encode(), {
            "Content-Type": "application/json", "X-CSRF-Token": self.csrf,
            "Origin": self.origin, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors",
            "Accept": "*/*"})

    def close(self) -> None:
        self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _no_token() -> list[str]:
    """``--no-token`` where `crossroads serve` makes a token by default: this measures the
    app on loopback, as a person opening the printed link would use it."""
    import crossroads.cli.serve

    return ["--no-token"] if "--no-token" in Path(crossroads.cli.serve.__file__).read_text() \
        else []


@contextmanager
def serve(folder: Path, db: str, log: IO[str]) -> Iterator[int]:
    """`crossroads serve FOLDER` on 127.0.0.1 and a free port until it answers; stopped after."""
    port = free_port()
    exe = str(Path(sys.executable).with_name("crossroads"))
    proc = subprocess.Popen([exe, "serve", str(folder), "--host", "127.0.0.1",
                             "--port", str(port), "--db", db, *_no_token()],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        _wait_ready(proc, port, Path(log.name))
        yield port
    finally:
        _stop(proc)


def _wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text().strip().splitlines()[-5:]
            raise RuntimeError(f"crossroads serve exited with {proc.returncode}: {tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"crossroads serve did not answer on port {port} in {READY_TIMEOUT} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C (the server stops its workers), then harder if it does not exit."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
        return
    except subprocess.TimeoutExpired:
        pass
    # its own session: this group is the server and the workers it started, nothing else
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(10)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


def _ms(x: float) -> str:
    return seconds(x / 1000)


def _row(what: str, lat: Latencies, key: str) -> tuple[str, ...]:
    values = lat.ms[key]
    return (what, str(len(values)), _ms(lat.p(key, 50)), _ms(lat.p(key, 95)), _ms(max(values)))


def _rows(sec: Section, a: Latencies, b: Latencies) -> None:
    sec.rows += [
        _row("**(a) in process: `run_whatif`, what a worker runs per what-if** (the target)",
             a, "whatif"),
        _row("(a) of which `crossroads.run` (its `run_ms`)", a, "run"),
        _row("(a) CPU time of the process during the run (its `cpu_ms`)", a, "cpu"),
        _row("(b) `crossroads serve`: server time, `Server-Timing` queue + run", b, "server"),
        _row("(b) of which run (`Server-Timing` run: `crossroads.run` in the worker)", b,
             "run"),
        _row("(b) of which queue (`Server-Timing` queue: the pool's hand-off both ways and "
             "the worker's JSON, table rows and charts)", b, "queue"),
        _row("(b) client round trip (HTTP, JSON both ways; not server time)", b, "trip"),
    ]


def _notes(sec: Section, a: Latencies, b: Latencies, load: tuple[str, str]) -> None:
    size = float(np.median(b.extra["bytes"])) / 1024
    sec.notes += [
        f"Each what-if pins `{a.extra['slider']}` (the first slider on the page: the param "
        "most correlated with the leaders' value gap) at a different value across its 90% "
        f"interval [{a.extra['lo']:.4g}, {a.extra['hi']:.4g}], on the range input's steps; "
        f"the server's page put `{b.extra['slider']}` first. {WARMUP} warm-up requests "
        "first on each path; then one request at a time.",
        f"Through the server: {b.extra['cached']} of {len(b.ms['server'])} answers came from "
        f"the app's result cache (0 expected); median response {size:,.0f} KiB. The server "
        "ran with its defaults (2 worker processes) and an empty research log in a "
        "temporary folder.",
        "p50 and p95 are `np.percentile` (linear interpolation) over the timed requests.",
        f"Load average at the start of this section: {load[0]}; at its end: {load[1]}. "
        "CPU time beside wall time shows what a run costs when nothing else competes.",
    ]


# ------------------------------------------------- section 8: what-ifs while reports build

REPORT_TARGET_MS = 500.0
REPORT_SAMPLES = 100_000
"""The reports' draws: enough that each builds through many what-ifs."""


def whatif_during_reports(case: Path, requests: int) -> Section:
    """Section 8: what-if latency through the server while two full reports build.

    Two reports of :data:`REPORT_SAMPLES` draws are started (the dashboard's POST), each
    replaced when it ends, then ``requests`` what-ifs are sent one at a time, each a new
    slider position, as in section 7 (b); the report tasks are polled between them, as the
    page does, so they are not cancelled as abandoned. Then the reports are cancelled, a
    draft report (20,000 draws) is built to the end, and the resident memory of the server
    and every process it started is read before it, at its peak and after it.
    """
    sec = Section(8, f"What-ifs while two reports build: {case.name} at {SAMPLES:,} draws",
                  f"p95 at most {REPORT_TARGET_MS:.0f} ms per what-if, client round trip",
                  header=("what", "requests", "p50", "p95", "max"))
    load_start = machine.load()
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-") as tmp:
        db = str(Path(tmp) / "research.sqlite3")
        with open(Path(tmp) / "serve.log", "w") as log, serve(case.resolve().parent, db,
                                                              log) as port:
            lat, states, memory = _under_reports(port, case.name, requests)
    trip = lat.p("trip", 95)
    sec.met = trip <= REPORT_TARGET_MS
    sec.rows += [_row("**client round trip of a what-if** (the target)", lat, "trip"),
                 _row("the same what-ifs with no report (just before)", lat.extra["alone"],
                      "trip"),
                 _row("CPU time of the what-if's worker, alone (`Server-Timing` cpu)",
                      lat.extra["alone"], "cpu"),
                 _row("CPU time of the what-if's worker, beside two reports", lat, "cpu"),
                 _row("server time (`Server-Timing` queue + run)", lat, "server"),
                 _row("of which queue", lat, "queue")]
    running = sum(1 for n in states if n == 2)
    sec.notes += [
        f"Report tasks building during the timed what-ifs (reports of "
        f"{REPORT_SAMPLES:,} draws, each replaced when it ends): both in {running} of "
        f"{len(states)} requests, read just after each answer (the others: one building, "
        "one queued or starting).",
        "Memory (resident, MiB) of the server and every process it started: "
        + ", ".join(f"{k} {v:,.0f}" for k, v in memory.items()) + ".",
        f"Load average at the start: {load_start}; at the end: {machine.load()}.",
    ]
    print(f"  what-if during two reports: p50 {_ms(lat.p('trip', 50))}, "
          f"p95 {_ms(trip)} (client round trip)", flush=True)
    return sec


def _under_reports(port: int, name: str, requests: int
                   ) -> tuple[Latencies, list[int], dict[str, float]]:
    browser = Browser(port)
    page = browser.open(f"/d/0/{quote(name)}")
    top = page["sliders"][0]
    values = slider_values(top["lo"], top["hi"], WARMUP + requests)
    for value in values[:WARMUP]:
        browser.post_json(page["whatif"], {"overrides": {top["name"]: value}})
    # the same positions shifted by half a step: no report, same machine, no cache hits
    step = (top["hi"] - top["lo"]) / STEPS / 2
    alone = Latencies()
    for value in values[WARMUP:]:
        begin = time.perf_counter()
        _, headers, _ = browser.post_json(page["whatif"],
                                          {"overrides": {top["name"]: value + step}})
        alone.add(trip=1000 * (time.perf_counter() - begin),
                  cpu=server_timing(headers.get("server-timing", "")).get("cpu", float("nan")))
    memory = {"before the reports": _family_mib(port)}
    start = page["whatif"].replace("/api/whatif/", "/api/report/")
    # Reports of REPORT_SAMPLES draws (about 10-15 s each here): a report at the file's
    # `samples: auto` now builds in about 3 s, over before the what-ifs would begin. A
    # report that ends is replaced, so two build through every timed what-if.
    tasks = [json.loads(browser.post_json(start, {"samples": REPORT_SAMPLES})[2])
             for _ in range(2)]
    time.sleep(3.0)  # both report processes started and importing
    out = Latencies()
    states: list[int] = []
    for value in values[WARMUP:]:
        begin = time.perf_counter()
        status, headers, body = browser.post_json(page["whatif"],
                                                  {"overrides": {top["name"]: value}})
        trip = 1000 * (time.perf_counter() - begin)
        if status != 200:
            raise RuntimeError(f"what-if answered {status}: {body[:300]!r}")
        timing = server_timing(headers.get("server-timing", ""))
        out.add(trip=trip, server=timing["queue"] + timing["run"], queue=timing["queue"],
                cpu=timing.get("cpu", float("nan")))
        polled = [json.loads(browser.request("GET", t["poll"])[2]) for t in tasks]
        states.append(sum(t["state"] == "running" for t in polled))
        for i, got in enumerate(polled):
            if got["state"] not in ("queued", "running"):
                tasks[i] = json.loads(browser.post_json(start, {"samples": REPORT_SAMPLES})[2])
    memory["during two reports"] = _family_mib(port)
    for t in tasks:
        browser.post_json(f"/api/report-task/{t['id']}/cancel", {})
    time.sleep(1.0)
    memory["before a 20,000-draw report (after the what-ifs)"] = _family_mib(port)
    draft = json.loads(browser.post_json(start, {"samples": SAMPLES})[2])
    peak = 0.0
    while True:
        peak = max(peak, _family_mib(port))
        state = json.loads(browser.request("GET", draft["poll"])[2])
        if state["state"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    memory["peak while a 20,000-draw report builds"] = peak
    time.sleep(1.0)
    memory["after it"] = _family_mib(port)
    browser.close()
    out.extra["alone"] = alone
    return out, states, memory


def _family_mib(port: int) -> float:
    """Resident memory of the process listening on ``port`` and its descendants, in MiB."""
    server = _listener(port)
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    total, todo = 0, [server]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
        total += int(found.group(1)) if found else 0
    return total / 1024


def _listener(port: int) -> int:
    """The pid of the `crossroads serve` started by :func:`serve` for ``port``."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and str(port).encode() in args:
            return int(cmdline.parent.name)
    raise RuntimeError(f"no crossroads serve on port {port}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="what-ifs while two reports build")
    parser.add_argument("case", type=Path, nargs="?",
                        default=Path(__file__).resolve().parents[1] / "examples"
                        / "why-i-quit-data-science.yaml")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    print(whatif_during_reports(args.case, args.requests).markdown())
