"""Analysis commands: exit codes and JSON shapes of docs/cli.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossroads.cli import app
from tests.conftest import decision_text

runner = CliRunner()

TEXT = decision_text("""
stay: {roles: {r: {cash: 100k, raise: 2% to 4%, criteria: {fun: 4 to 6}}}}
move:
  roles:
    s: {cash: 60k, criteria: {fun: 7}, next: [{to: lead, after: 2, chance: p_lead}]}
    lead: {cash: previous * 2.5, criteria: {fun: 6}}
""", horizon=6, discount="5%", extra="params:\n  p_lead: 30% to 60%\n"
     "criteria:\n  fun: {worth: 1k to 5k}\n")


@pytest.fixture
def path(tmp_path: Path) -> str:
    p = tmp_path / "d.yaml"
    p.write_text(TEXT)
    return str(p)


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json", "--samples", "2000"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_voi(path: str) -> None:
    d = run_json("voi", path, "--ask", "3", "--group", "p_lead")
    assert {"currency", "evpi", "evppi", "groups", "evsi"} <= set(d)
    assert set(d["evsi"]) == set(d["evppi"]) and "p_lead" in d["groups"]


def test_sensitivity_tornado(path: str) -> None:
    d = run_json("sensitivity", path, "--method", "tornado")
    assert d["method"] == "tornado"
    assert all({"param", "low", "high"} <= set(b) for b in d["bars"])


def test_sensitivity_rejects_an_unknown_method(path: str) -> None:
    assert runner.invoke(app, ["sensitivity", path, "--method", "magic"]).exit_code == 2


def test_smaa_prints_the_librarys_rank_acceptabilities(path: str) -> None:
    from crossroads import api as analyses
    from crossroads import load

    d = run_json("smaa", path)
    lib = json.loads(json.dumps(analyses.smaa(load(Path(path)), samples=2000).to_dict()))
    assert d["rank_acceptability"] == lib["rank_acceptability"]
    assert set(d["rank_acceptability"]) == {"stay", "move"}
    for ranks in d["rank_acceptability"].values():  # each option holds some rank
        assert len(ranks) == 2 and sum(ranks) == pytest.approx(1.0)


def test_skills_without_skills_says_so(path: str) -> None:
    d = run_json("skills", path)
    assert d["options"] == {}
    shown = runner.invoke(app, ["skills", path, "--samples", "200"])
    assert shown.exit_code == 0
    assert shown.stdout.strip() == "- The decision file lists no skills."  # no empty table


def test_option_value_and_an_unknown_role(path: str) -> None:
    d = run_json("option-value", path, "--without", "lead")
    assert d["options"]["move"]["mean"] > 0
    bad = runner.invoke(app, ["option-value", path, "--without", "ceo"])
    assert bad.exit_code == 1 and "no role named" in bad.stderr


def test_prices_and_risk_print_the_librarys_numbers(path: str) -> None:
    """The commands add no arithmetic: their JSON is the library's on the same draws."""
    from crossroads import api as analyses
    from crossroads import load

    model = load(Path(path))
    prices = json.loads(json.dumps(analyses.prices(model, samples=2000).to_dict()))
    risk = json.loads(json.dumps(analyses.risk(model, samples=2000).to_dict()))
    assert run_json("prices", path)["criteria"] == prices["criteria"]
    assert run_json("risk", path)["options"] == risk["options"]
    assert set(risk["options"]) == {"stay", "move"}


def test_bad_file_is_exit_1(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("decision: x\n")
    result = runner.invoke(app, ["voi", str(p)])
    assert result.exit_code == 1 and result.stderr.startswith(f"{p}:")


@pytest.mark.parametrize("args", [
    ["risk", "--threshold", "nan"], ["risk", "--threshold", "inf"],
    ["voi", "--group", ","], ["voi", "--group", ""],
    ["option-value", "--without", ""], ["option-value", "--without", " , "],
])
def test_arguments_that_name_nothing_or_no_number_are_usage_errors(
        path: str, args: list[str]) -> None:
    result = runner.invoke(app, [args[0], path, *args[1:], "--json", "--samples", "200"])
    assert result.exit_code == 2, result.output
    assert args[1] in result.output and "Traceback" not in result.output


def test_an_order_the_intervals_cannot_hold_is_located_at_the_weights(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(TEXT + "weights: {order: [fun, money], intervals: {money: [60%, 95%], "
                    "fun: [0%, 30%]}}\n")
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0  # it takes an LP to see
    result = runner.invoke(app, ["smaa", str(path), "--samples", "200"])
    line = TEXT.count("\n") + 1
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"{path}:{line}:10: weights: the order [fun, money] "
                                     "cannot hold within the intervals")
