"""`crossroads market` through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crossroads.cli import build_app

app = build_app(["market"])  # the command as `crossroads market` runs it, errors and all
runner = CliRunner()


def test_json_has_the_contract_keys() -> None:
    result = runner.invoke(app, ["market", "--title", "Data Scientist", "--level", "SE",
                                 "--country", "US", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("n", "median", "p10", "p90", "currency")} == {
        "n": 6786, "median": 165000.0, "p10": 109100.0, "p90": 250200.0, "currency": "USD"}
    assert data["warnings"] == []
    assert data["query"] == {"title": "Data Scientist", "level": "SE", "country": "US"}


def test_table_and_thin_market_warning() -> None:
    result = runner.invoke(app, ["market", "--country", "sg"])
    assert result.exit_code == 0
    assert "$119,059" in result.stdout
    assert "SG is a thin market" in result.stdout and "only 21 salaries" in result.stdout


def test_since_and_family() -> None:
    data = json.loads(runner.invoke(app, ["market", "--family", "ml-engineer", "--since", "2024",
                                          "--json"]).stdout)
    assert data["n"] > 1000 and data["query"] == {"family": "ml-engineer", "since": 2024}


@pytest.mark.parametrize("args, code, message", [
    (["--level", "XX"], 2, "level must be one of EN, MI, SE, EX"),
    (["--country", "USA"], 2, "two-letter ISO code"),
    (["--family", "wizards"], 2, "family must be one of"),
    (["--since", "soon"], 2, "--since"),
    (["--title", "Data Scienist"], 1, "did you mean 'Data Scientist'?"),
    (["--title", "Data Scientist", "--country", "SG", "--level", "EX"], 1,
     "none of them with country=SG"),
])
def test_errors(args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["market", *args])
    assert result.exit_code == code
    assert message in " ".join(result.output.split()).replace("│ ", "")
    assert "Traceback" not in result.output
