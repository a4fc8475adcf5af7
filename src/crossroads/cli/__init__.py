"""The `crossroads` command line: parse arguments, call the core, print with Rich.

Exit codes are a contract: 0 success, 1 invalid input (a clear message, never a
traceback), 2 usage error. Heavy modules are imported inside commands so that `crossroads
run` starts fast, and :func:`main` builds the app of the one command it runs: Typer
inspects the signature of every command it registers (about 40 ms for all of them) and
each command module imports its own libraries (Rich tables, the questionnaire...).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import typer

from crossroads.cli import common
from crossroads.cli.common import load_or_exit
from crossroads.cli.options import FileArg, JsonOpt, RunSamplesOpt, SeedOpt, print_json, progress

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

    print_json(Decision.model_json_schema(by_alias=True))


def run(file: FileArg, samples: RunSamplesOpt = None, seed: SeedOpt = None,
        as_json: JsonOpt = False) -> None:
    """Simulate every option and say which leads, how robustly and when it breaks even."""
    from crossroads.api import run as run_model

    model = load_or_exit(file)
    with progress("simulating", enabled=not as_json) as on_progress:
        result = run_model(model, samples=samples, seed=seed, on_progress=on_progress)
    if as_json:
        print_json(result.to_dict())
    else:
        from crossroads.cli.output import print_run  # Rich tables, not needed for --json

        print_run(result)


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


def single_threaded_blas() -> None:
    """Ask OpenBLAS, NumPy's linear algebra, for one thread, unless the user chose a number.

    `run` multiplies only small matrices (the copula's factor, the quick SMAA, the expected
    P(best)'s regression) and simulates options in threads of its own; OpenBLAS's worker
    threads, started when NumPy is imported, spin for a while after each call and took
    about 60 ms of CPU of a founding-case run on the 2-core machine (5%; results identical
    bit for bit). OpenBLAS reads the variable once, when NumPy loads it, so this must run
    before anything imports NumPy: `import crossroads.cli` does not.
    """
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    """Console-script entry point.

    `crossroads NAME ...` runs an app of that one command; anything else (`--help`, no
    arguments, a mistyped command) runs the full app, which lists or suggests commands.
    Errors of crossroads' own become one line and exit 1 inside the app
    (:class:`crossroads.cli.common.Guarded`); here only Ctrl-C is caught.
    """
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name == "run":
        single_threaded_blas()
    try:
        build_app([name] if name in COMMANDS else COMMANDS)()
    except KeyboardInterrupt:  # outside the app: typer.Exit would not be caught here
        common.print_error("interrupted")
        sys.exit(130)


__all__ = ["COMMANDS", "app", "build_app", "main", "single_threaded_blas"]
