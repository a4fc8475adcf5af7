"""Every CrossroadsError a command lets out becomes one line on stderr and exit 1, in one
place (cli/common.py's Guarded), for the full app and for the journal and research groups
on their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossroads.cli import app, build_app
from crossroads.cli.common import error_line, flag
from crossroads.cli.journal import journal_app
from crossroads.cli.research import research_app
from crossroads.errors import StoreError, UsageError
from tests.cli.test_cli import SMALL, write
from tests.engine.test_budget import wide_file

runner = CliRunner()


def one_line(result: object) -> str:
    out = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    assert "Traceback" not in result.output and out.count("\n") == 1  # type: ignore[attr-defined]
    return str(out.strip())


def test_samples_over_the_budget_keep_the_place_and_name_the_flag(tmp_path: Path) -> None:
    path = write(tmp_path, wide_file(20, 60, 100))
    line = one_line(runner.invoke(app, ["run", str(path), "--samples", "50000"]))
    assert line.startswith(f"{path}:4:10: 50,000 samples would need about")
    assert line.endswith("(use at most 18,531 samples (set `samples:` or pass --samples))")


@pytest.mark.parametrize("args, expected", [
    (["voi", "--group", "nope"], "--group: a group names an unknown param `nope`"),
    (["option-value", "--without", "ceo"], "--without: no role named `ceo`; roles: r, s, t"),
])
def test_an_unknown_name_is_prefixed_with_its_option(tmp_path: Path, args: list[str],
                                                     expected: str) -> None:
    path = write(tmp_path, SMALL)
    assert one_line(runner.invoke(app, [args[0], str(path), *args[1:], "--samples",
                                        "200"])) == expected


def test_the_app_of_one_command_is_guarded_too(tmp_path: Path) -> None:
    """`crossroads NAME` runs an app of that one command (cli/__init__.main)."""
    path = write(tmp_path, SMALL)
    result = runner.invoke(build_app(["voi"]), ["voi", str(path), "--group", "nope"])
    assert one_line(result) == "--group: a group names an unknown param `nope`"


def test_a_database_that_cannot_be_opened_is_one_line_without_its_password() -> None:
    url = "postgresql://me:SECRET@127.0.0.1:1/cr"
    for group, args in ((research_app, ["list"]), (journal_app, ["review"])):
        line = one_line(runner.invoke(group, [*args, "--db", url]))
        assert line.startswith("database postgresql+psycopg://me:***@127.0.0.1:1/cr: ")
        assert "SECRET" not in line


def test_error_line_and_flag() -> None:
    assert flag("estimate:p_em") == "--estimate p_em" and flag("notes") == "--note"
    assert flag("overrides") is None
    assert error_line(UsageError("must be a whole number", argument="seed")) == \
        "--seed: must be a whole number"
    assert error_line(UsageError("no option `x` any more")) == "no option `x` any more"
    assert error_line(StoreError("cannot open postgresql://a:PW@h/db")) == \
        "cannot open postgresql://a:***@h/db"
