"""Load run: real `crossroads serve` on 127.0.0.1, what-ifs at 20,000 draws, figures printed.

    .venv/bin/python tests/web/load_run.py [--requests 50] [--sequential 30] [--workers 2]

1. Starts ``crossroads serve`` (the console script, process pool) on a free port, serving a
   copy of the founding case, with a throw-away research database.
2. Sequential what-ifs, each with a new value of ``lead_multiple`` (nothing cached): the
   server time per run (``run`` in Server-Timing, measured inside the worker), its CPU time,
   and the client-side latency; p50 and p95.
3. ``--requests`` concurrent what-ifs, all distinct: wall time, status counts, latency, and
   peak memory of the server and its workers (VmHWM of each process, and the largest total
   RSS sampled every 50 ms during the burst).

Not collected by pytest (its name does not start with ``test_``): it takes a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
FOUNDING = ROOT / "examples" / "why-i-quit-data-science.yaml"
WHATIF = "/api/whatif/0/founding.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def no_token() -> list[str]:
    """``--no-token`` where `crossroads serve` makes a token by default: these runs measure
    and test the pages on loopback, as before, without logging in first."""
    import crossroads.cli.serve

    return ["--no-token"] if "--no-token" in Path(crossroads.cli.serve.__file__).read_text() \
        else []


def start_server(folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`crossroads serve FOLDER --port PORT` with a private database; returns when it answers."""
    exe = Path(sys.executable).with_name("crossroads")
    env = {**os.environ, "CROSSROADS_DB": f"sqlite:///{folder.parent / 'log.sqlite3'}"}
    env.pop("CROSSROADS_TOKEN", None)
    log = folder.parent / "server.log"  # a file, not a pipe: nobody drains a pipe
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "serve", str(folder), "--port", str(port),
                                 "--workers", str(workers), *no_token()], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/favicon.svg",
                         timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"server did not start within 60 s: {log.read_text()}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person would (uvicorn shuts the pool down); kill after 20 s."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (the worker processes)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def status_kib(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else 0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def session(client: httpx.AsyncClient) -> str:
    page = await client.get("/d/0/founding.yaml")
    found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


async def whatif(client: httpx.AsyncClient, token: str, value: float) -> dict[str, Any]:
    start = time.perf_counter()
    response = await client.post(WHATIF, json={"overrides": {"lead_multiple": value}},
                                 headers={"X-CSRF-Token": token})
    latency = 1000 * (time.perf_counter() - start)
    out: dict[str, Any] = {"status": response.status_code, "latency_ms": latency}
    if response.status_code == 200:
        body = response.json()
        out.update(run_ms=body["run_ms"], cpu_ms=body["cpu_ms"], queue_ms=body["queue_ms"],
                   cached=body["cached"], samples=body["samples"])
    return out


async def sequential(client: httpx.AsyncClient, token: str, n: int) -> list[dict[str, Any]]:
    return [await whatif(client, token, 3.0 + 0.999 * i / max(1, n - 1) + 0.0001)
            for i in range(n)]


async def burst(client: httpx.AsyncClient, token: str, n: int, pid: int
                ) -> tuple[list[dict[str, Any]], float, int]:
    peak_total = 0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak_total
        while not done.is_set():
            peak_total = max(peak_total, sum(status_kib(p, "VmRSS") for p in family(pid)))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    start = time.perf_counter()
    results = await asyncio.gather(*(whatif(client, token, 3.0 + 0.98 * i / n + 0.00003)
                                     for i in range(n)))
    wall = time.perf_counter() - start
    done.set()
    await sampler
    return list(results), wall, peak_total


def describe(name: str, values: list[float]) -> str:
    return (f"{name}: p50 {statistics.median(values):.0f} ms, p95 {pct(values, 95):.0f} ms, "
            f"max {max(values):.0f} ms")


async def measure(port: int, pid: int, args: argparse.Namespace) -> int:
    limits = httpx.Limits(max_connections=args.requests + 5)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600,
                                 limits=limits) as client:
        token = await session(client)  # also warms the workers up: the page runs once
        seq = await sequential(client, token, args.sequential)
        runs = [r["run_ms"] for r in seq if r["status"] == 200]
        print(f"\nsequential what-ifs ({args.sequential}, {seq[0].get('samples', 0):,} draws, "
              f"none cached):")
        print("  " + describe("server run time", runs))
        print("  " + describe("server CPU time", [r["cpu_ms"] for r in seq if "cpu_ms" in r]))
        print("  " + describe("client latency", [r["latency_ms"] for r in seq]))
        results, wall, peak_total = await burst(client, token, args.requests, pid)
    statuses: dict[int, int] = {}
    for r in results:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    hwm = {p: status_kib(p, "VmHWM") for p in family(pid)}
    ok = [r for r in results if r["status"] == 200]
    print(f"\n{args.requests} concurrent what-ifs, {args.workers} worker processes:")
    print(f"  wall time {wall:.1f} s; statuses {statuses}; failures "
          f"{args.requests - len(ok)}; cached {sum(r['cached'] for r in ok)}")
    print("  " + describe("latency", [r["latency_ms"] for r in results]))
    print("  " + describe("server run time", [r["run_ms"] for r in ok]))
    print("  " + describe("queueing", [r["queue_ms"] for r in ok]))
    print(f"  peak RSS: server + workers sampled together {peak_total / 1024:.0f} MiB; "
          f"per-process peaks {', '.join(f'{v / 1024:.0f}' for v in hwm.values())} MiB "
          f"(sum {sum(hwm.values()) / 1024:.0f} MiB)")
    print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if len(ok) == args.requests else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sequential", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="crossroads-load-"))
    folder = tmp / "decisions"
    folder.mkdir()
    shutil.copy(FOUNDING, folder / "founding.yaml")
    port = free_port()
    proc = start_server(folder, port, args.workers)
    try:
        return asyncio.run(measure(port, proc.pid, args))
    finally:
        stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
