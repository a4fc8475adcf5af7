"""Compiled decisions for the web app: cached by file stamp, validated from editor text.

Compiling the founding case takes a tenth of a second; a what-if slider asks for the same
model dozens of times a minute. :class:`ModelCache` keeps the compiled model (or the
:class:`~crossroads.DecisionError` it raised) keyed by the file's modification time and size,
plus a *research version* the app bumps whenever it writes the research log, because
``research(...)`` params are pooled from the log when the model is compiled.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossroads.errors import DecisionError

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = ["MODELS", "ModelCache", "internal_problems", "problems_of", "stamp", "validate_text"]

log = logging.getLogger("crossroads.web")


def stamp(path: Path) -> tuple[int, int]:
    """(mtime in ns, size): changes whenever the file is saved."""
    st = path.stat()
    return st.st_mtime_ns, st.st_size


class ModelCache:
    """Compiled models by (path, stamp, research version); thread-safe, least-recently-used.

    The same class serves the web process and each simulation worker process.
    """

    def __init__(self, maxsize: int = 32) -> None:
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, int, int, int], Model | DecisionError] = (
            OrderedDict())

    def get(self, path: Path, *, db: str | None = None, version: int = 0) -> Model:
        """The compiled model of ``path``; raises its DecisionError when it is invalid."""
        from crossroads.api import load

        mtime, size = stamp(path)
        key = (str(path), mtime, size, version)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is None:
            try:
                hit = load(path, db=db)
            except DecisionError as exc:
                hit = exc
            with self._lock:
                self._items[key] = hit
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        if isinstance(hit, DecisionError):
            raise hit
        return hit


MODELS = ModelCache()
"""The cache of this process: the web process (and its worker threads) or one worker process."""


def problems_of(exc: DecisionError) -> list[dict[str, Any]]:
    """Every problem of an error as JSON-ready dicts, in file order.

    ``text`` is ``LINE:COL: message (hint)`` without the file's path: the page names the
    file as it is served, and a page never shows where the server keeps it.
    """
    ordered = sorted(exc.problems, key=lambda p: (p.line, p.column))
    return [{"line": p.line, "column": p.column, "message": p.message, "hint": p.hint,
             "text": f"{p.line}:{p.column}: {p.message}" + (f" ({p.hint})" if p.hint else "")}
            for p in ordered]


def validate_text(text: str, *, db: str | None = None) -> tuple[Model | None, list[dict[str, Any]]]:
    """Compile editor text; return the model, or None and its problems.

    ``crossroads.load`` reads a one-line string ending in ``.yaml`` as a *path*; a newline
    is appended so that text from a browser is never taken for a file name.
    """
    from crossroads.api import load

    if not text.endswith("\n"):
        text += "\n"
    try:
        return load(text, db=db), []
    except DecisionError as exc:
        return None, problems_of(exc)
    except Exception as exc:  # a bug in the core must not break the editor
        return None, internal_problems(exc, "check")


def internal_problems(exc: Exception, doing: str) -> list[dict[str, Any]]:
    """A bug in the core as one problem (logged with its traceback), in the shape of
    :func:`problems_of`, so the editor and the dashboard show it like any other.

    >>> internal_problems(ZeroDivisionError(), "run")[0]["message"]
    'crossroads failed to run this file (ZeroDivisionError)'
    """
    log.error("crossroads failed to %s a decision file", doing, exc_info=exc)
    return [{"line": 1, "column": 1, "hint": "please report this as a bug",
             "message": f"crossroads failed to {doing} this file ({type(exc).__name__})",
             "text": f"1:1: internal error {type(exc).__name__}"}]
