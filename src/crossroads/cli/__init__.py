"""The `crossroads` command line: parse arguments, call the core, print with Rich.

Exit codes are a contract: 0 success, 1 invalid input (a clear message, never a
traceback), 2 usage error. Heavy modules are imported inside commands so that `crossroads
run` starts fast, and :func:`main` builds the app of the one command it runs: Typer
inspects the signature of every command it registers (about 40 ms for all of them) and
each command module imports its own libraries (Rich tables, the questionnaire...).
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crossroads.cli import common
from crossroads.cli.common import load_or_exit

if TYPE_CHECKING:
    app: typer.Typer

#: Every command, in the order of `--help`: its name and ``module:attribute``, a function or,
#: for `research`, a Typer group. Modules are imported only when their command is built.
COMMANDS: dict[str, str] = {
    "check": "crossroads.cli:check",
    "schema": "crossroads.cli:schema",
    "run": "crossroads.cli:run",
    "voi": "crossroads.cli.analysis:voi_command",
    "sensitivity": "crossroads.cli.analysis:sensitivity_command",
    "smaa": "crossroads.cli.analysis:smaa_command",
    "skills": "crossroads.cli.analysis:skills_command",
    "prices": "crossroads.cli.analysis:prices_command",
    "risk": "crossroads.cli.analysis:risk_command",
    "option-value": "crossroads.cli.analysis:option_value_command",
    "research": "crossroads.cli.research:research_app",
    "journal": "crossroads.cli.journal:journal_app",
    "market": "crossroads.cli.market:market_command",
    "report": "crossroads.cli.report:report_command",
    "init": "crossroads.cli.init:init_command",
    "serve": "crossroads.cli.serve:serve_command",
}

FileArg = Annotated[Path, typer.Argument(help="A decision file (YAML).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def check(file: FileArg) -> None:
    """Validate a decision file without running it: exit 0 when valid."""
    model = load_or_exit(file, all_problems=True)
    from crossroads.model.warn import file_warnings

    for warning in file_warnings(model):  # valid, but worth a second look (exit 0)
        common.print_error(warning.format())
    common.console.print(f"[green]ok[/green] {file}: {len(model.options)} options, "
                         f"{len(model.params)} params, horizon {model.horizon} years")
    from crossroads.model.sharing import shared_lines

    shared = shared_lines(model)  # docs/simulation.md: what options share, said out loud
    if shared:
        common.console.print("shared between options (the same random numbers):",
                             markup=False)
        for line in shared:
            common.console.print(f"  {line}", markup=False, highlight=False)
    if len(model.options) > 1:
        common.console.print("everything else written in an option is drawn for it alone",
                             markup=False, highlight=False)


def schema() -> None:
    """Print the decision file's JSON Schema (for editors; see docs/editors.md)."""
    from crossroads.model.schema import Decision

    sys.stdout.write(json.dumps(Decision.model_json_schema(by_alias=True), indent=2) + "\n")


def run(
    file: FileArg,
    samples: Annotated[Any, typer.Option(
        help="Monte Carlo draws, or `auto`: until the answer is as precise as "
        "docs/performance.md states.", metavar="N|auto", parser=run_samples)] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.", min=0)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate every option and say which leads, how robustly and when it breaks even."""
    from crossroads.api import run as run_model

    model = load_or_exit(file)
    with _progress(enabled=not as_json) as on_progress:
        result = run_model(model, samples=samples, seed=seed, on_progress=on_progress)
    if as_json:
        _print_json(result.to_dict())
    else:
        from crossroads.cli.output import print_run  # Rich tables, not needed for --json

        print_run(result)


def run_samples(text: str) -> int | str:
    """`--samples`: a whole number of at least 1 (``20k`` too), or ``auto``."""
    from crossroads.model.schema import _as_number

    if text.strip().lower() == "auto":
        return "auto"
    number = _as_number(text)
    if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
        return number
    raise typer.BadParameter(f"{text!r} is not a whole number of at least 1, nor `auto`")


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, allow_nan=False) + "\n")


class _progress:
    """A Rich progress bar that only appears when the work takes over a second."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and common.console.is_terminal
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._bar = Progress(console=common.console, transient=True)
        task = self._bar.add_task("simulating", total=1.0, visible=False)
        import time

        start = time.perf_counter()

        def on_progress(fraction: float) -> None:
            if time.perf_counter() - start > 1.0 and not self._bar.live.is_started:
                self._bar.start()
                self._bar.update(task, visible=True)
            self._bar.update(task, completed=fraction)

        return on_progress

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None and self._bar.live.is_started:
            self._bar.stop()


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The Typer app with the commands ``names`` (all by default), importing only their modules.

    >>> sorted(typer.main.get_command(build_app(["check"])).commands)
    ['check']
    """
    names = list(names)
    built = typer.Typer(
        name="crossroads",
        help="Simulate career paths with honest uncertainty and see what each is worth.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        cls=common.Guarded,
    )
    for name in names:
        module, attribute = COMMANDS[name].split(":")
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    if len(names) == 1:
        built.callback()(_group)
    return built


def _group() -> None:
    """Simulate career paths with honest uncertainty and see what each is worth."""
    # A callback keeps an app of one command a group, so `crossroads NAME ...` parses as
    # it does in the full app (Typer runs a lone command without its name otherwise).


def __getattr__(name: str) -> Any:
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    full = build_app()
    globals()["app"] = full
    return full


def main() -> None:
    """Console-script entry point.

    `crossroads NAME ...` runs an app of that one command; anything else (`--help`, no
    arguments, a mistyped command) runs the full app, which lists or suggests commands.
    Errors of crossroads' own become one line and exit 1 inside the app
    (:class:`crossroads.cli.common.Guarded`); here only Ctrl-C is caught.
    """
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        build_app([name] if name in COMMANDS else COMMANDS)()
    except KeyboardInterrupt:  # outside the app: typer.Exit would not be caught here
        common.print_error("interrupted")
        sys.exit(130)


__all__ = ["COMMANDS", "app", "build_app", "main"]
