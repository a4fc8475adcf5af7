"""What every command shares: the console, failing cleanly, loading a decision file.

Every :class:`~crossroads.errors.CrossroadsError` a command lets out is printed here, in
one place (:class:`Guarded`, the click group of every Typer app), as one line on stderr
with exit code 1: never a traceback. A decision file's problem keeps its
``FILE:LINE:COL``; a bad argument is prefixed with the option that carried it
(:func:`flag`), since the library's messages never name a command-line flag.

``console`` and ``err_console`` are made on first use (PEP 562): importing Rich costs about
30 ms, and `crossroads run --json` prints without it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from rich.console import Console

    from crossroads.errors import CrossroadsError
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
    """Read, parse and compile a decision file; a problem is printed as
    ``FILE:LINE:COL: message`` with exit 1 (every problem, one a line, with
    ``all_problems``; else the first, by :class:`Guarded`)."""
    from crossroads.api import load
    from crossroads.errors import DecisionError

    try:
        return load(path, db=db)
    except DecisionError as exc:
        if not all_problems:
            raise
        fail(exc.format_all())


#: The option that carries a library argument, where it is not ``--`` + the argument.
FLAGS = {"groups": "--group", "roles": "--without", "notes": "--note",
         "estimates": "--estimate", "stances": "--stance"}
#: Library arguments no command line option carries (a message names them itself).
NO_FLAG = frozenset({"overrides", "weighting", "cap"})


def flag(argument: str | None) -> str | None:
    """The command-line option for a library argument, or None.

    >>> [flag(a) for a in ("groups", "samples", "estimate:p_em", "overrides", None)]
    ['--group', '--samples', '--estimate p_em', None, None]
    """
    if argument is None or argument in NO_FLAG:
        return None
    if ":" in argument:  # a research field of one name: ``estimate:p_em``
        kind, name = argument.split(":", 1)
        return f"--{kind} {name}"
    return FLAGS.get(argument, "--" + argument.replace("_", "-"))


def error_line(exc: CrossroadsError) -> str:
    """The one line (or one line per problem, for an import file) printed for ``exc``.

    >>> from crossroads.errors import TooManySamples, UnknownName
    >>> error_line(UnknownName("a group names an unknown param `x`", argument="groups"))
    '--group: a group names an unknown param `x`'
    >>> error_line(TooManySamples("d.yaml", 2, 10, "too many", samples=9, most=5))
    'd.yaml:2:10: too many (use at most 5 samples (set `samples:` or pass --samples))'
    """
    from crossroads.errors import DecisionError, TooManySamples, UsageError

    if isinstance(exc, TooManySamples):
        return DecisionError(exc.source, exc.line, exc.column, exc.message,
                             exc.advice("pass --samples")).format()
    if isinstance(exc, DecisionError):
        return exc.format()
    format_all = getattr(exc, "format_all", None)
    if callable(format_all):  # an import file's problems, one per line
        return str(format_all())
    if isinstance(exc, UsageError):
        option = flag(exc.argument)
        if option is not None:
            return f"{option}: {exc.message}"
    return str(exc)


class Guarded(TyperGroup):
    """The click group of every crossroads Typer app: the one place a CrossroadsError
    becomes one line on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:  # Typer's own (vendored) click Context
        """Run the command; print a CrossroadsError it raises as :func:`error_line`."""
        from crossroads.errors import CrossroadsError

        try:
            return super().invoke(ctx)
        except CrossroadsError as exc:
            fail(error_line(exc))
