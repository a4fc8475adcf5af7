"""What every command shares: the console, failing cleanly, loading a decision file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from crossroads.model.compile import Model

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error to stderr and exit; never a traceback."""
    err_console.print(message, markup=False, soft_wrap=True)
    raise typer.Exit(code)


def load_or_exit(path: Path, *, all_problems: bool = False, db: str | None = None) -> Model:
    """Read, parse and compile a decision file, or print ``FILE:LINE:COL: message`` and exit 1."""
    from crossroads.api import load
    from crossroads.model.errors import DecisionError

    try:
        return load(path, db=db)
    except DecisionError as exc:
        fail(exc.format_all() if all_problems else exc.format())
