"""The shared options mean the same in every command (cli/options.py, docs/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from crossroads.cli import app
from crossroads.cli.options import print_json, progress
from tests.cli.test_cli import SMALL, write

runner = CliRunner()

SIMULATING = ["run", "voi", "sensitivity", "smaa", "skills", "prices", "risk", "report"]


def _options(path: tuple[str, ...]) -> dict[str, object]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return {opt: param for param in command.params for opt in param.opts}


@pytest.mark.parametrize("option", ["--samples", "--seed", "--db", "--json"])
def test_each_shared_option_has_one_help_text(option: str) -> None:
    paths = [("run",), ("voi",), ("report",), ("journal", "record"), ("journal", "redecide"),
             ("research", "list"), ("journal", "review"), ("serve",), ("market",)]
    helps = {getattr(_options(p)[option], "help", None) for p in paths if option in _options(p)}
    helps.discard(None)
    # run's --samples also takes `auto`, and says so
    assert len({h for h in helps if "`auto`" not in str(h)}) == 1, helps


@pytest.mark.parametrize("command", SIMULATING)
def test_samples_is_at_least_1_for_every_command(command: str, tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    extra = ["-o", str(tmp_path / "r.html")] if command == "report" else ["--json"]
    bad = runner.invoke(app, [command, str(path), "--samples", "0", *extra])
    assert bad.exit_code == 2 and "at least 1" in bad.output
    if command != "report":  # the report is slow: one draw is the same rule
        ok = runner.invoke(app, [command, str(path), "--samples", "1", *extra])
        assert ok.exit_code == 0, ok.output


def test_a_bad_method_is_a_usage_error_on_stderr(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sensitivity", str(write(tmp_path, SMALL)),
                                 "--method", "magic"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--method" in result.stderr and "tornado or sobol" in result.stderr


def test_print_json_writes_plain_floats_and_refuses_nan(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    import numpy as np

    print_json({"x": np.float32(0.5), "n": np.int64(3)})
    assert json.loads(capsys.readouterr().out) == {"x": 0.5, "n": 3.0}
    with pytest.raises(ValueError):
        print_json({"x": float("nan")})


def test_progress_is_silent_off_a_terminal_and_with_json() -> None:
    with progress("simulating", enabled=True) as update:  # the test's console is no tty
        assert update is None
    with progress("simulating", enabled=False) as update:
        assert update is None
