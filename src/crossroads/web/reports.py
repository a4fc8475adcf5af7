"""Reports in their own processes: behind the sliders, with progress, cancelled when abandoned.

A report runs every analysis at the file's sample count: 20 to 40 seconds of CPU and half
a gigabyte of memory. Run on the what-if workers, two reports made a slider wait 17 s and
left each worker at 600 MiB. So each report gets a fresh process of its own:

- started with ``spawn`` at a low CPU priority (``nice`` +19, every thread of it: see
  :func:`lower_priority`): when a what-if and a report want the same core, the what-if
  gets it;
- at most :data:`SLOTS` at once, the others queued (:data:`QUEUE` in all, then ``Busy``);
- telling the server how far it is (``on_progress`` of the report bundle) through a pipe;
- terminated when nobody waits for it any more: the page polls while it waits, and a
  report unpolled for :data:`ABANDON_SECONDS` (a closed tab) is cancelled; a form POST
  whose client disconnects is cancelled at once;
- gone when it is done, so its memory goes back to the system.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from crossroads.web.pool import Busy, ReportJob, run_report

__all__ = ["ABANDON_SECONDS", "QUEUE", "SLOTS", "ReportTask", "Reports"]

SLOTS = 2
"""Reports building at once (one per core of a laptop); more wait their turn."""

QUEUE = 6
"""Reports building or waiting at most; beyond that a request is refused (503)."""

ABANDON_SECONDS = 15.0
"""A report nobody has asked about for this long is cancelled (the page polls every second)."""

KEEP_SECONDS = 300.0
"""A finished report stays downloadable this long."""

NICE = 19
"""The report process's nice value: the lowest priority, so a what-if (nice 0) takes a core
from it at once and it runs on what the what-ifs leave."""


def lower_priority(nice: int = NICE) -> None:
    """Put every thread of this process at ``nice``; nothing where the system cannot.

    On Linux a nice value belongs to a thread, and ``os.nice`` sets only the caller's.
    By the time a report process runs its target it has imported NumPy (unpickling the
    target imports crossroads), and OpenBLAS starts its thread pool at that import: left
    alone, those threads would keep nice 0 and compete with the what-ifs whenever the
    report's analyses call BLAS (measured: one thread of each report process at nice 0).
    Threads started later (the simulator's, one per option) inherit the caller's value.
    """
    with contextlib.suppress(OSError):
        os.nice(max(0, nice - os.nice(0)))
    try:
        threads = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:  # not Linux: the process's value is every thread's
        return
    for tid in threads:
        with contextlib.suppress(OSError):  # a thread that has just exited
            if os.getpriority(os.PRIO_PROCESS, tid) < nice:
                os.setpriority(os.PRIO_PROCESS, tid, nice)


@dataclass
class ReportTask:
    """One report: its job, where it stands, and (once done) its answer."""

    id: str
    job: ReportJob
    label: str = ""  # the file as the page names it (never the server's path)
    state: str = "queued"  # queued, running, done, failed, cancelled
    progress: float = 0.0
    stage: str = "waiting for a free slot"
    created: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)
    finished: float | None = None
    out: dict[str, Any] | None = None
    process: Any = None
    conn: Connection | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def to_dict(self) -> dict[str, Any]:
        """Where the report stands, for the page's progress bar."""
        return {"id": self.id, "state": self.state, "progress": round(self.progress, 3),
                "stage": self.stage,
                "elapsed": round(time.monotonic() - self.created, 1)}


STAGES = {"run": "simulating every option", "voi": "value of information",
          "sensitivity": "sensitivity", "smaa": "weights (SMAA)", "skills": "skills",
          "done": "writing the report"}


def _child(job: ReportJob, conn: Connection) -> None:
    """The report process: low priority, progress up the pipe, then the answer."""
    lower_priority()

    def progress(stage: str, fraction: float) -> None:
        conn.send(("progress", STAGES.get(stage, stage), min(0.98, fraction * 0.95)))

    out = run_report(job, on_progress=progress)
    conn.send(("done", out))
    conn.close()


class Reports:
    """The report processes of one app; started lazily, stopped by :meth:`close`."""

    def __init__(self, slots: int = SLOTS, queue: int = QUEUE,
                 abandon: float = ABANDON_SECONDS) -> None:
        self.slots = slots
        self.limit = queue
        self.abandon = abandon
        self.tasks: OrderedDict[str, ReportTask] = OrderedDict()
        self._ticker: asyncio.Task[None] | None = None
        self._context = multiprocessing.get_context("spawn")

    def active(self) -> list[ReportTask]:
        """The reports queued or building."""
        return [t for t in self.tasks.values() if t.state in ("queued", "running")]

    def submit(self, job: ReportJob, label: str = "") -> ReportTask:
        """Queue a report; :class:`Busy` when :data:`QUEUE` are already queued or building."""
        active = self.active()
        if len(active) >= self.limit:
            raise Busy(max(1, round(30 * len(active) / self.slots)))
        task = ReportTask(secrets.token_urlsafe(12), job, label)
        self.tasks[task.id] = task
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick_forever())
        self._tick()
        return task

    def get(self, task_id: str) -> ReportTask | None:
        """The task, marked as still wanted (the page asked about it)."""
        task = self.tasks.get(task_id)
        if task is not None:
            task.seen = time.monotonic()
        return task

    def cancel(self, task: ReportTask, why: str = "cancelled") -> None:
        """Stop a queued or running report; its process is terminated."""
        if task.state not in ("queued", "running"):
            return
        self._stop(task)
        task.state, task.stage = "cancelled", why
        self._finish(task)

    async def wait(self, task: ReportTask, gone: Any = None) -> ReportTask:
        """Until the task ends; ``gone()`` (an awaitable test) cancels it when true."""
        while not task.done.is_set():
            task.seen = time.monotonic()
            if gone is not None and await gone():
                self.cancel(task, "the client went away")
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(task.done.wait(), 0.5)
        return task

    async def _tick_forever(self) -> None:
        while self.active():
            self._tick()
            await asyncio.sleep(0.2)
        self._tick()

    def _tick(self) -> None:
        now = time.monotonic()
        for task in list(self.tasks.values()):
            if task.state == "running":
                self._read(task)
            if task.state in ("queued", "running") and now - task.seen > self.abandon:
                self.cancel(task, "nobody was waiting for it")
            if task.finished is not None and now - task.finished > KEEP_SECONDS:
                del self.tasks[task.id]
        free = self.slots - sum(t.state == "running" for t in self.tasks.values())
        for task in [t for t in self.tasks.values() if t.state == "queued"][:max(0, free)]:
            self._start(task)

    def _start(self, task: ReportTask) -> None:
        parent, child = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_child, args=(task.job, child), daemon=True,
                                        name=f"crossroads-report-{task.id}")
        process.start()
        child.close()
        task.process, task.conn = process, parent
        task.state, task.stage = "running", "starting"

    def _read(self, task: ReportTask) -> None:
        conn = task.conn
        try:
            while conn is not None and conn.poll():
                message = conn.recv()
                if message[0] == "progress":
                    task.stage, task.progress = message[1], message[2]
                else:
                    task.out, task.progress, task.stage = message[1], 1.0, "done"
                    task.state = "done" if "html" in message[1] else "failed"
                    self._stop(task)
                    self._finish(task)
                    return
        except (EOFError, OSError):
            pass
        if task.process is not None and not task.process.is_alive() and task.out is None:
            self._stop(task)
            task.state, task.stage = "failed", "the report process stopped unexpectedly"
            self._finish(task)

    @staticmethod
    def _stop(task: ReportTask) -> None:
        process, task.process = task.process, None
        if process is not None:
            if process.is_alive():
                process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
            process.close()
        if task.conn is not None:
            task.conn.close()
            task.conn = None

    @staticmethod
    def _finish(task: ReportTask) -> None:
        task.finished = time.monotonic()
        task.done.set()

    def close(self) -> None:
        """Terminate every report process (the server is stopping)."""
        if self._ticker is not None:
            self._ticker.cancel()
        for task in self.active():
            self.cancel(task, "the server stopped")
