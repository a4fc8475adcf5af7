"""`run` reports money as it reaches you: after-tax NPV, pre-tax NPV, terminal values and
what the numbers are, in the JSON and the table."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from tests.conftest import decision_text

BODY = """
    stay: {roles: {r: {cash: 100k, raise: 3%}}}
    move: {currency: SGD, roles: {r: {cash: 150k, raise: 3%, tax: SG}}}
"""


def test_json_keeps_pre_tax_npv_beside_after_tax_and_says_what_money_is() -> None:
    text = decision_text(BODY, horizon=4, extra="tax: 30%\ninflation: 3%\n"
                         "fx: {SGD: 0.74}\n")
    result = crossroads.run(crossroads.load(text), samples=2000).to_dict()
    stay, move = result["options"]["stay"], result["options"]["move"]
    assert stay["npv"]["mean"] == pytest.approx(4 * 70_000.0)        # flat in today's money
    assert stay["npv_pre_tax"]["mean"] == pytest.approx(4 * 100_000.0)
    # SG on 150,000: 200 + 350 + 2,800 + 4,600 + 15% x 30,000 = 12,450
    assert move["npv"]["mean"] == pytest.approx(4 * (150_000 - 12_450) * 0.74)
    assert move["npv_pre_tax"]["mean"] == pytest.approx(4 * 150_000 * 0.74)
    assert stay["terminal"] is None
    money = result["money"]
    assert money["after_tax"] and money["inflation"] == "3%" and money["raises"] == "nominal"
    assert money["tax"] == {"stay": "flat 30%", "move": "SG"}
    assert money["fx"]["rates"] == {"SGD": {"rate": "0.74", "source": "yours"}}
    assert "after tax (SG, flat 30%)" in money["sentence"]
    assert json.dumps(result)   # plain JSON


def test_defaults_say_before_tax_and_no_inflation() -> None:
    result = crossroads.run(crossroads.load(decision_text(
        "a: {roles: {r: {cash: 1}}}")), samples=100).to_dict()
    money = result["money"]
    assert money["after_tax"] is False and money["inflation"] is None and money["fx"] is None
    assert money["sentence"] == ("today's USD, before tax (no `tax:`), no inflation assumed "
                                 "(no `inflation:`)")
    option = result["options"]["a"]
    assert option["npv_pre_tax"] == option["npv"] and option["terminal"] is None


def test_terminal_value_is_shown_apart_and_counted_in_value() -> None:
    text = decision_text("""
        a: {roles: {r: {cash: 100}}}
        b: {roles: {r: {cash: 90}}}
    """, horizon=2, extra="terminal: {years: 10}\n")
    result = crossroads.run(crossroads.load(text), samples=500).to_dict()
    a = result["options"]["a"]
    assert a["npv"]["mean"] == pytest.approx(200.0)
    assert a["terminal"]["mean"] == pytest.approx(1000.0)
    assert a["value"]["mean"] == pytest.approx(1200.0)
    assert result["money"]["terminal"] == {"years": 10, "growth": "0", "per_role": False}


def test_the_table_names_the_money_and_shows_before_tax_and_past_horizon(tmp_path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(decision_text(BODY, extra="tax: US\nfx: {SGD: 0.74}\n"
                                  "terminal: {years: 5}\n"))
    out = CliRunner().invoke(app, ["run", str(path), "--samples", "300"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "after tax (SG, US)" in out.output and "before tax" in out.output
    assert "past horizon" in out.output


def test_same_file_same_seed_same_bytes_with_money_keys() -> None:
    text = decision_text(BODY, extra="tax: 25% to 35%\ninflation: 1% to 4%\n"
                         "fx: {SGD: 0.72 to 0.78}\n")
    runs = [crossroads.run(crossroads.load(text), samples=3000).to_dict() for _ in range(2)]
    assert json.dumps(runs[0]) == json.dumps(runs[1])
    assert np.isfinite(runs[0]["options"]["move"]["npv"]["mean"])
