"""What every command's signature and output share: the options, the JSON writer, progress.

Each shared option is written once here, with one help text, so `crossroads run --help`
and `crossroads journal record --help` say the same thing about ``--samples``:

* ``FILE``: a decision file;
* ``--samples N``: at least 1, for every command (``20k`` works too); `run` also takes
  ``auto``. The library's own rule (any whole number of draws from 1), which docs/cli.md
  states;
* ``--seed S``: a whole number from 0;
* ``--db URL``: the database (the research log and the journal);
* ``--json``: print JSON instead of tables and text, through :func:`print_json`.

:class:`progress` is the one progress idiom: a transient Rich bar that shows up only once
the work has taken a second, on a terminal, and never with ``--json``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from crossroads.cli import common

__all__ = ["DbOpt", "FileArg", "JsonOpt", "RunSamplesOpt", "SamplesOpt", "SeedOpt",
           "print_json", "progress", "run_samples", "samples"]


def samples(text: str) -> int:
    """``--samples``: a whole number of at least 1 (``20k`` too).

    >>> samples("20k"), samples("1")
    (20000, 1)
    """
    from crossroads.model.schema import _as_number

    number = _as_number(text)
    if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
        return number
    raise typer.BadParameter(f"{text!r} is not a whole number of at least 1")


def run_samples(text: str) -> int | str:
    """`run`'s ``--samples``: as :func:`samples`, or ``auto``."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return samples(text)
    except typer.BadParameter:
        raise typer.BadParameter(
            f"{text!r} is not a whole number of at least 1, nor `auto`") from None


FileArg = Annotated[Path, typer.Argument(help="A decision file (YAML).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables and text.")]
SamplesOpt = Annotated[Any, typer.Option(
    help="Monte Carlo draws, at least 1 [default: the file's `samples`].", metavar="N",
    parser=samples, show_default=False)]
RunSamplesOpt = Annotated[Any, typer.Option(
    help="Monte Carlo draws, at least 1, or `auto`: until the answer is as precise as "
    "docs/performance.md states [default: the file's `samples`].", metavar="N|auto",
    parser=run_samples, show_default=False)]
SeedOpt = Annotated[int | None, typer.Option(
    help="Random seed [default: the file's `seed`].", min=0, show_default=False)]
DbOpt = Annotated[str | None, typer.Option(
    "--db", help="The database: a SQLAlchemy URL or a SQLite file [default: "
    "$CROSSROADS_DB, else crossroads.sqlite3 in the user data directory].",
    show_default=False)]


def print_json(data: object) -> None:
    """The one JSON writer of ``--json``: indented, plain floats (NumPy scalars too), and
    never NaN or infinity, which JSON has no word for (a ValueError: a bug to fix)."""
    sys.stdout.write(json.dumps(data, indent=2, allow_nan=False, default=_plain) + "\n")


def _plain(x: Any) -> Any:
    return float(x) if hasattr(x, "__float__") else str(x)


class progress:
    """A transient Rich progress bar that appears once the work has taken :attr:`DELAY`
    seconds: quick commands print nothing more, and nothing is left on the screen.

    ``with progress("simulating", enabled=not as_json) as update:`` gives ``update``, to
    pass to work that reports how far it is (``update(fraction)`` or
    ``update(fraction, stage)``), or None when disabled (``--json``, or no terminal).
    Work that reports nothing shows a pulsing bar.
    """

    DELAY = 1.0

    def __init__(self, label: str, *, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and common.console.is_terminal
        self._bar: Any = None
        self._task: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._done = False

    def __enter__(self) -> Callable[..., None] | None:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._bar = Progress(console=common.console, transient=True)
        self._task = self._bar.add_task(self.label, total=None)
        self._timer = threading.Timer(self.DELAY, self._show)
        self._timer.daemon = True
        self._timer.start()
        start = time.perf_counter()

        def update(fraction: float, stage: str | None = None) -> None:
            if time.perf_counter() - start > self.DELAY:
                self._show()
            self._bar.update(self._task, total=1.0, completed=fraction,
                             description=stage or self.label)

        return update

    def _show(self) -> None:
        with self._lock:
            if not self._done and not self._bar.live.is_started:
                self._bar.start()

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._bar is None:
            return
        with self._lock:
            self._done = True
            if self._bar.live.is_started:
                self._bar.stop()
