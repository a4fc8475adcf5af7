"""The command line's contract: exit codes, FILE:LINE:COL errors, JSON on stdout."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossroads.cli import app
from tests.conftest import decision_text

runner = CliRunner()

SMALL = decision_text("""
stay: {roles: {r: {cash: 100k, raise: 2% to 4%}}}
move:
  roles:
    s: {cash: 60k, next: [{to: t, after: 2, chance: 60%}]}
    t: {cash: previous * 2.5}
""", horizon=6, discount="5%")


def write(tmp_path: Path, text: str, name: str = "d.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_check_ok(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(write(tmp_path, SMALL))])
    assert result.exit_code == 0, result.output
    assert "2 options" in result.output


def test_check_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    bad = SMALL.replace("cash: 60k", "cash: 60kk").replace("to: t,", "to: tt,")
    path = write(tmp_path, bad)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:11:") and "suffix" in lines[0]
    assert lines[1].startswith(f"{path}:11:") and "unknown role `tt`" in lines[1]
    assert "Traceback" not in result.output


def test_schema_problems_come_first(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL.replace("horizon: 6", "horizon: 600"))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2:10: horizon: must be less than or equal to 60")


def test_missing_file_is_exit_1_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{tmp_path / 'none.yaml'}:1:1: no such file"


def test_usage_error_is_exit_2() -> None:
    assert runner.invoke(app, ["run"]).exit_code == 2
    assert runner.invoke(app, ["run", "x.yaml", "--samples", "zero"]).exit_code == 2


def test_run_json_follows_the_contract(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(write(tmp_path, SMALL)), "--json",
                                 "--samples", "3000", "--seed", "9"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["samples"] == 3000 and data["seed"] == 9 and data["baseline"] == "stay"
    assert data["options"]["stay"]["break_even"] is None
    assert len(data["options"]["move"]["break_even"]["p_by_year"]) == 6


def test_run_prints_a_table_and_a_verdict(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(write(tmp_path, SMALL)), "--samples", "2000"])
    assert result.exit_code == 0, result.output
    assert "P(best)" in result.stdout
    assert "leads on expected value" in result.stdout


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"decision", "options", "horizon"} <= set(schema["properties"])
    assert "raise" in json.dumps(schema)  # aliases, as written in files


def test_json_is_identical_for_the_same_seed(tmp_path: Path) -> None:
    path = str(write(tmp_path, SMALL))
    one = runner.invoke(app, ["run", path, "--json", "--samples", "2000"]).stdout
    two = runner.invoke(app, ["run", path, "--json", "--samples", "2000"]).stdout
    assert one == two


@pytest.mark.parametrize("command", [
    ["run"], ["voi"], ["smaa"], ["prices"], ["risk"], ["option-value", "--without", "lead"],
])
def test_samples_beyond_the_memory_budget_is_exit_1_without_traceback(
        tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Refused before any draw, through the console script's own entry point."""
    from crossroads.cli import main

    path = tmp_path / "d.yaml"
    path.write_text(decision_text("""
stay: {roles: {r: {cash: 100k}}}
move: {roles: {s: {cash: 60k, next: [{to: lead, after: 2}]}, lead: {cash: 150k}}}
"""))
    monkeypatch.setattr(sys, "argv", ["crossroads", command[0], str(path), *command[1:],
                                      "--samples", str(10**9), "--json"])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 1, err
    assert err.startswith(f"{path}:") and "over the 2 GiB budget" in err
    assert "use at most" in err and "Traceback" not in err
