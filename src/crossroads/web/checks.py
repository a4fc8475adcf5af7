"""Checking editor text away from the server: in a worker of the pool, within a time limit.

`/api/validate` and `/api/save` compile whatever text a browser sends. The limits of
:mod:`crossroads.model.limits` bound that work, and this module keeps it off the server
process as well: the check runs as a pool job (a worker process in `crossroads serve`), so
the server's event loop never waits on it and never holds its memory, and a check that
runs past :data:`CHECK_SECONDS` is stopped in the worker (``SIGALRM``) and answered as a
problem at 1:1, so no input can keep a worker busy for long.

    out = await ctx.pool.run(check_job, text, ctx.settings.db)
    out["ok"], out["problems"], out["summary"]
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crossroads.errors import DecisionError
from crossroads.web.compiled import problems_of, validate_text

__all__ = ["CHECK_SECONDS", "CheckTimeout", "check_job", "time_limit"]

#: Wall-clock seconds a worker may spend checking one text.
CHECK_SECONDS = 10.0


class CheckTimeout(BaseException):
    """The time limit passed (a BaseException: the check's own `except Exception` must
    not swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CheckTimeout` in the block after ``seconds``; a no-op outside a
    process's main thread (the in-process tests' thread pool), where no signal arrives."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_job(text: str, db: str | None, seconds: float = CHECK_SECONDS) -> dict[str, Any]:
    """Compile ``text`` as the editor's check does; a picklable answer for the pool.

    >>> check_job("decision: Go?\\noptions: {a: {roles: {r: {cash: 1}}}}", None)["summary"]
    {'title': 'Go?', 'options': 1, 'params': 0, 'horizon': 10}
    """
    try:
        with time_limit(seconds):
            model, problems = validate_text(text, db=db)
    except CheckTimeout:
        late = DecisionError("<editor>", 1, 1, f"checking this text took longer than "
                             f"{seconds:g} s, so it was stopped",
                             "see the limits in docs/decision-file.md")
        return {"ok": False, "problems": problems_of(late), "summary": None}
    summary = None if model is None else {
        "title": model.title, "options": len(model.options), "params": len(model.params),
        "horizon": model.horizon}
    return {"ok": model is not None, "problems": problems, "summary": summary}
