"""What every command shares: the console, failing cleanly, loading a decision file.

``console`` and ``err_console`` are made on first use (PEP 562): importing Rich costs about
30 ms, and `crossroads run --json` prints without it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from crossroads.model.compile import Model

    console: Console
    err_console: Console

_CONSOLES: dict[str, dict[str, Any]] = {
    "console": {"highlight": False},
    "err_console": {"stderr": True, "highlight": False},
}


def __getattr__(name: str) -> Any:
    if name not in _CONSOLES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    made = Console(**_CONSOLES[name])
    globals()[name] = made
    return made


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """User text made safe for a terminal: control characters (escape sequences that could
    recolour, retitle or rewrite the screen, bidi overrides) shown as ``?``; newlines and
    tabs kept.

    >>> printable("ana\\x1b]0;pwned\\x07 (\\x1b[31mred\\x1b[0m)")
    'ana?]0;pwned? (?[31mred?[0m)'
    """
    return _CONTROL.sub("?", str(text))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error to stderr and exit; never a traceback."""
    print_error(message)
    raise typer.Exit(code)


def print_error(message: str) -> None:
    """The error line of :func:`fail`, for callers outside a Typer command."""
    err: Console = globals().get("err_console") or __getattr__("err_console")
    err.print(message, markup=False, soft_wrap=True)


def load_or_exit(path: Path, *, all_problems: bool = False, db: str | None = None) -> Model:
    """Read, parse and compile a decision file, or print ``FILE:LINE:COL: message`` and exit 1."""
    from crossroads.api import load
    from crossroads.errors import DecisionError

    try:
        return load(path, db=db)
    except DecisionError as exc:
        fail(exc.format_all() if all_problems else exc.format())
