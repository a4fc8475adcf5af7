"""The `crossroads` command line: parse arguments, call the core, print with Rich.

Exit codes are a contract: 0 success, 1 invalid input (a clear message, never a
traceback), 2 usage error. Heavy modules are imported inside commands so that `crossroads
run` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from crossroads.cli.analysis import COMMANDS as ANALYSIS_COMMANDS
from crossroads.cli.common import console, fail, load_or_exit
from crossroads.cli.init import init_command
from crossroads.cli.market import market_command
from crossroads.cli.report import report_command
from crossroads.cli.research import research_app
from crossroads.cli.serve import serve_command

app = typer.Typer(
    name="crossroads",
    help="Simulate career paths with honest uncertainty and see what each is worth.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FileArg = Annotated[Path, typer.Argument(help="A decision file (YAML).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@app.command()
def check(file: FileArg) -> None:
    """Validate a decision file without running it: exit 0 when valid."""
    model = load_or_exit(file, all_problems=True)
    console.print(f"[green]ok[/green] {file}: {len(model.options)} options, "
                  f"{len(model.params)} params, horizon {model.horizon} years")


@app.command()
def schema() -> None:
    """Print the decision file's JSON Schema (for editors; see docs/editors.md)."""
    from crossroads.model.schema import Decision

    sys.stdout.write(json.dumps(Decision.model_json_schema(by_alias=True), indent=2) + "\n")


@app.command()
def run(
    file: FileArg,
    samples: Annotated[int | None, typer.Option(help="Monte Carlo draws.", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.", min=0)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate every option and say which leads, how robustly and when it breaks even."""
    from crossroads.api import run as run_model
    from crossroads.cli.output import print_run

    model = load_or_exit(file)
    with _progress(enabled=not as_json) as on_progress:
        result = run_model(model, samples=samples, seed=seed, on_progress=on_progress)
    if as_json:
        _print_json(result.to_dict())
    else:
        print_run(result)


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, allow_nan=False) + "\n")


class _progress:
    """A Rich progress bar that only appears when the work takes over a second."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and console.is_terminal
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._bar = Progress(console=console, transient=True)
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


for _name, _command in ANALYSIS_COMMANDS.items():
    app.command(_name)(_command)  # type: ignore[type-var]  # plain functions, as typer takes
app.add_typer(research_app, name="research")
app.command("market")(market_command)
app.command("report")(report_command)
app.command("init")(init_command)
app.command("serve")(serve_command)


def main() -> None:
    """Console-script entry point; turns stray input errors into exit code 1."""
    try:
        app()
    except KeyboardInterrupt:
        fail("interrupted", code=130)


__all__ = ["app", "main"]
