"""Simulations off the event loop: a fixed set of workers behind a bounded queue.

A what-if at 20,000 draws is a second of CPU; fifty people (or one person dragging fifty
sliders) must not start fifty simulations at once nor queue without limit. :class:`SimPool`
owns a ``concurrent.futures`` executor with ``workers`` workers (processes by default, so
two simulations really use two cores; threads for in-process tests) and admits at most
``queue`` jobs at a time, running or waiting. Beyond that it raises :class:`Busy`, which
the routes turn into ``503 Service Unavailable`` with ``Retry-After``: the queued jobs times
the measured time of a recent job, shared among the workers.

What-ifs have these workers to themselves: reports run in their own processes
(:mod:`crossroads.web.reports`), so a slider never waits behind a report.

Jobs are plain functions of picklable arguments. A worker compiles the decision file
itself (compiled models do not pickle) and keeps it in its own :class:`ModelCache`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from crossroads.errors import CrossroadsError, DecisionError, TooManySamples
from crossroads.simulate.sampling import StreamPool
from crossroads.web.compiled import MODELS, internal_problems, problems_of
from crossroads.web.dashboard import dashboard_charts, option_rows, sliders

__all__ = ["Busy", "ReportJob", "SimPool", "WhatIfJob", "WorkerLost", "run_report",
           "run_whatif"]

log = logging.getLogger("crossroads.web")

T = TypeVar("T")

class Busy(CrossroadsError):
    """The queue is full; try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the simulation queue is full; retry in {retry_after} s")
        self.retry_after = retry_after


class WorkerLost(Busy):
    """The worker running this job died; the pool has new workers, so try again."""

    def __init__(self) -> None:
        Exception.__init__(self, "a simulation worker stopped unexpectedly; new workers "
                           "are starting, retry in a few seconds")
        self.retry_after = 3


@dataclass(frozen=True)
class WhatIfJob:
    """One what-if run: which file, how many draws, which params pinned at which value."""

    path: str
    db: str | None
    research_version: int
    samples: int
    seed: int | None
    overrides: tuple[tuple[str, float], ...]


#: This worker's random numbers from its last what-if: the next one moves a slider on the
#: same file and seed, so it reuses them (common random numbers make that exact).
STREAMS = StreamPool()


def run_whatif(job: WhatIfJob) -> dict[str, Any]:
    """Run ``crossroads.run`` for a job; return ``to_dict()``, table rows, charts and timing.

    Nothing raises out of a job: an invalid file (found when compiling or only when running,
    like correlations no set of draws can have) gives ``{"problems": [...]}``, a bug in the
    core an internal-error problem, and a run whose numbers overflow with the pinned values
    ``{"error": ...}``. An exception that fails to unpickle in the server breaks the whole
    process pool, and a NaN would fail the JSON answer.

    A run with params pinned is lean (``crossroads.run(..., extras=False)``): the dashboard
    redraws each option's numbers, their changes, the charts and the verdict after a slider
    moves, and nothing else, so the run skips ``p_best_expected``, the quick SMAA and the
    input screen (:data:`crossroads.engine.loop.EXTRAS`, about a quarter of its CPU time); its
    ``result`` lists them under ``skipped``, and its verdict goes without the sentences on
    them. The unpinned run is complete: it is the page's first view (its screen orders the
    sliders) and the base every change is measured from.

    ``run_ms`` is the wall time of ``crossroads.run`` inside the worker; ``cpu_ms`` the CPU
    time the worker process spent meanwhile (the simulator may use a thread per core), which
    is what the run costs when nothing else competes for the CPU. In a thread pool it
    counts the whole process, so it is only an upper bound there.
    """
    try:
        return _whatif(job)
    except DecisionError as exc:
        return {"problems": problems_of(exc)}
    except Exception as exc:
        return {"problems": internal_problems(exc, "run")}


def _whatif(job: WhatIfJob) -> dict[str, Any]:
    from crossroads.api import run
    from crossroads.engine.loop import EXTRAS

    model = MODELS.get(Path(job.path), db=job.db, version=job.research_version)
    lean = bool(job.overrides)
    wall, cpu = time.perf_counter(), time.process_time()
    result = run(model, samples=job.samples, seed=job.seed, overrides=dict(job.overrides),
                 streams=STREAMS, extras=not lean)
    run_ms, cpu_ms = 1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)
    data = result.to_dict()
    if lean:
        data["skipped"] = list(EXTRAS)
    if not _finite(data):
        pinned = ", ".join(f"{name} = {value:g}" for name, value in job.overrides)
        return {"error": f"the numbers overflow with {pinned} pinned: pin values nearer "
                "the ranges in the file" if pinned else
                "the numbers of this file overflow: check its largest values"}
    out = {"result": data, "rows": option_rows(data), "charts": dashboard_charts(data),
           "run_ms": run_ms, "cpu_ms": cpu_ms}
    if not job.overrides:  # the dashboard's first run: its slider ranges, here in the worker
        text = Path(job.path).read_text(encoding="utf-8", errors="replace")
        out["sliders"] = [s.to_dict() for s in sliders(model, data.get("screen"), text)]
    return out


def _finite(data: Any) -> bool:
    """True when no float anywhere in ``data`` (dicts, lists) is NaN or infinite."""
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, dict):
        return all(_finite(v) for v in data.values())
    if isinstance(data, list | tuple):
        return all(_finite(v) for v in data)
    return True


@dataclass(frozen=True)
class ReportJob:
    """One HTML report of a decision file, at the file's sample count unless ``samples``."""

    path: str
    db: str | None
    research_version: int
    samples: int | None = None


def run_report(job: ReportJob, on_progress: Callable[[str, float], None] | None = None
               ) -> dict[str, Any]:
    """``{"html": the self-contained report}`` of a decision file, or ``{"problems": ...}``.

    A ``samples`` the memory budget refuses gives ``{"too_many": the largest count that
    fits}`` (the file is fine; the request asked too much). Like :func:`run_whatif`,
    nothing raises out of the job. ``on_progress(stage, fraction)`` hears how far it is.
    """
    try:
        return _report(job, on_progress)
    except DecisionError as exc:
        return {"problems": problems_of(exc)}
    except Exception as exc:
        return {"problems": internal_problems(exc, "report on")}


def _report(job: ReportJob, on_progress: Callable[[str, float], None] | None
            ) -> dict[str, Any]:
    import inspect

    from crossroads.report import render_report
    from crossroads.report.bundle import build_bundle

    model = MODELS.get(Path(job.path), db=job.db, version=job.research_version)
    hear: dict[str, Any] = ({"on_progress": on_progress} if on_progress is not None
                            and "on_progress" in inspect.signature(build_bundle).parameters
                            else {})
    try:
        bundle = build_bundle(model, samples=job.samples, **hear)
    except TooManySamples as exc:
        if job.samples is not None:  # with ?samples= the request, not the file, is at fault
            return {"too_many": exc.most}
        raise
    return {"html": render_report(bundle, inline_js=True)}


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the server, not each worker, shuts down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _join_or_terminate(processes: list[Any], grace: float) -> None:
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(5)


TRIM_AFTER = 0.5
"""Seconds a worker process must be idle before it hands freed memory back (:func:`_timed`)."""

_running = threading.Lock()  # held while a job runs in this worker process
_trimmer: threading.Timer | None = None


def _timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Run ``fn(*args)`` in a worker and return (its wall time in seconds, its answer).

    In a worker process, the memory the job freed is handed back to the system once the
    worker has been idle for :data:`TRIM_AFTER` seconds (glibc keeps freed heap pages
    otherwise: workers grew to twice their start-up size). Not before answering: a trim
    takes 10 to 30 ms after a 20,000-draw what-if, time a slider would wait for nothing.
    """
    global _trimmer
    if multiprocessing.parent_process() is None:  # a thread pool: jobs side by side
        start = time.perf_counter()
        out = fn(*args)
        return time.perf_counter() - start, out
    if _trimmer is not None:
        _trimmer.cancel()  # another job came: the trim waits until the worker is idle
    with _running:  # a worker process runs one job at a time; this keeps the trim out
        start = time.perf_counter()
        out = fn(*args)
        took = time.perf_counter() - start
    _trimmer = threading.Timer(TRIM_AFTER, _trim_if_idle)
    _trimmer.daemon = True
    _trimmer.start()
    return took, out


def _trim_if_idle() -> None:
    """:func:`_trim`, unless a job has started meanwhile (it trims when it is done)."""
    if _running.acquire(blocking=False):
        try:
            _trim()
        finally:
            _running.release()


@functools.cache
def _libc() -> Any:
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _trim() -> None:
    """``malloc_trim(0)`` where the C library has it (glibc); nothing elsewhere."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def _warm() -> None:
    import crossroads.api  # noqa: F401  # import numpy, scipy and the core before a user waits


class SimPool:
    """A fixed-size executor plus an admission counter bounding running + waiting jobs."""

    def __init__(self, workers: int, queue: int, kind: str = "process") -> None:
        self.workers = workers
        self.limit = queue
        self.kind = kind
        self.pending = 0
        self.peak = 0
        self.job_seconds = 1.0  # until a job has been timed: a what-if is about a second
        self._executor: Executor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Create the executor (and start warming the workers up)."""
        self._loop = asyncio.get_running_loop()
        self._executor = self._new_executor()

    def _new_executor(self) -> Executor:
        if self.kind != "process":
            return ThreadPoolExecutor(self.workers, thread_name_prefix="crossroads-sim")
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                       initializer=_worker_init)
        for _ in range(self.workers):
            executor.submit(_warm)
        return executor

    def _replace(self, broken: Executor) -> Executor:
        """Swap a broken executor (a worker died) for a fresh one, once per breakage.

        Never called once :meth:`aclose` has begun (``run`` checks), so it cannot restart
        workers of a server that is stopping.
        """
        current = self._executor
        if current is not None and current is not broken:
            return current  # another job of the broken pool has replaced it already
        log.warning("a simulation worker stopped unexpectedly; starting new workers")
        broken.shutdown(wait=False, cancel_futures=True)
        fresh = self._executor = self._new_executor()
        return fresh

    async def aclose(self, grace: float = 2.0) -> None:
        """Stop the workers: cancel queued jobs, give running ones ``grace`` seconds.

        A worker still busy after that (a report at a million draws) is terminated, so
        Ctrl-C stops the server promptly; the event loop is never blocked meanwhile.
        """
        executor, self._executor = self._executor, None
        if executor is None:
            return
        # The executor has no public handle on its processes (``_processes`` has been there
        # since 3.2); take them before shutdown() forgets them.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        if processes:
            await asyncio.to_thread(_join_or_terminate, processes, grace)
        await asyncio.to_thread(executor.shutdown, wait=True)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on a worker; raise :class:`Busy` when the queue is full.

        A worker that dies (killed, out of memory, an answer that does not unpickle)
        breaks a process pool for good; the pool is then replaced, so only the jobs it
        held fail, with :class:`WorkerLost`, and later ones run on new workers.
        """
        executor = self._executor
        if executor is None or self._loop is None:
            raise RuntimeError("the simulation pool is not started")
        if self.pending >= self.limit:
            raise Busy(self.retry_after())
        try:
            future: Future[tuple[float, T]] = executor.submit(_timed, fn, *args)
        except BrokenExecutor:  # broke while idle: nobody has replaced it yet
            executor = self._replace(executor)
            future = executor.submit(_timed, fn, *args)
        self.pending += 1
        self.peak = max(self.peak, self.pending)
        future.add_done_callback(self._release)
        try:
            # If the client goes away, wrap_future cancels a job that has not started yet.
            took, out = await asyncio.wrap_future(future)
        except BrokenExecutor:
            if self._executor is None:  # aclose() stopped the workers on purpose
                raise
            self._replace(executor)
            raise WorkerLost() from None
        self.job_seconds = 0.7 * self.job_seconds + 0.3 * took
        return out

    def _release(self, _future: Future[Any]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._done)
        except RuntimeError:  # the loop closed between the check and the call
            pass

    def _done(self) -> None:
        self.pending -= 1

    def retry_after(self) -> int:
        """Seconds until the queue has likely cleared, from the pool's real state.

        The jobs running or waiting, times the measured time of a job (an exponential
        average of the last few: a what-if of the file at hand, not a guess), shared among
        the workers; at least one second. 64 queued what-ifs of 0.4 s on 2 workers: 13 s.

        >>> pool = SimPool(workers=2, queue=64)
        >>> pool.pending, pool.job_seconds = 64, 0.4
        >>> pool.retry_after()
        13
        """
        return max(1, math.ceil(self.pending * self.job_seconds / self.workers))
