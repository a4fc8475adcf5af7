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
    assert money["fx"]["rates"] == {"SGD": {"rate": "0.74", "source": "yours", "for": "pay"}}
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
    words = " ".join(out.output.split())  # the title wraps at the table's width
    assert "after tax (SG, US)" in words and "before tax" in words
    assert "past the horizon" in words


def test_same_file_same_seed_same_bytes_with_money_keys() -> None:
    text = decision_text(BODY, extra="tax: 25% to 35%\ninflation: 1% to 4%\n"
                         "fx: {SGD: 0.72 to 0.78}\n")
    runs = [crossroads.run(crossroads.load(text), samples=3000).to_dict() for _ in range(2)]
    assert json.dumps(runs[0]) == json.dumps(runs[1])
    assert np.isfinite(runs[0]["options"]["move"]["npv"]["mean"])


WORKED = """\
decision: Stay in New York or move to Singapore?
currency: USD
horizon: 3
discount: 5%
samples: 1000
inflation: 3%
tax: US
terminal: {years: 5}
options:
  stay:
    roles:
      engineer: {cash: 100k, raise: 3%, retirement: {share: 4%, cap: 3k}}
  move:
    currency: SGD
    roles:
      engineer: {cash: 150k, raise: 3%, tax: SG}
"""


def test_the_worked_example_of_docs_money_md() -> None:
    """The figures docs/money.md works out by hand."""
    result = crossroads.run(crossroads.load(WORKED)).to_dict()
    stay, move = result["options"]["stay"], result["options"]["move"]
    years = 1 + 1 / 1.05 + 1 / 1.05**2
    net = 100_000 - (5_578.50 + 0.22 * (84_250 - 48_475)) - 6_200 - 1_450 + 3_000
    assert net == pytest.approx(81_901.0)
    assert stay["npv"]["mean"] == pytest.approx(net * years)
    assert stay["npv_pre_tax"]["mean"] == pytest.approx(103_000 * years)
    x = 1 / (1.03 * 1.05)
    assert stay["terminal"]["mean"] == pytest.approx(net / 1.05**2 * x * (1 - x**5) / (1 - x))
    assert move["npv"]["mean"] == pytest.approx(137_550 / 1.3428 * years)
    for o, shown in ((stay, (234_189, 294_519, 295_436)), (move, (292_904, 319_416, None))):
        assert round(o["npv"]["mean"]) == shown[0]
        assert round(o["npv_pre_tax"]["mean"]) == shown[1]
    assert round(stay["terminal"]["mean"]) == 295_436


def test_the_bangalore_or_singapore_example(examples) -> None:
    model = crossroads.load(examples / "bangalore-or-singapore.yaml")
    money = crossroads.run(model, samples=2000).to_dict()["money"]
    assert money["tax"] == {"bangalore": "IN", "singapore": "SG"}
    assert money["fx"]["rates"] == {"SGD": {"rate": "56 to 66", "source": "yours", "for": "pay"}}
    assert money["inflation"] == "INR 4% to 6%, SGD 1.5% to 3%"
    senior = model.money.options[1].roles[0]
    assert senior.currency == "SGD" and senior.tax is not None and senior.tax.label == "SG"


def test_the_report_says_what_the_money_is() -> None:
    from crossroads.report import sections

    run = crossroads.run(crossroads.load(decision_text(BODY, extra="tax: US\n")),
                         samples=200).to_dict()
    lede = sections._worth(run).lede
    assert lede.endswith("Money here is today's USD, after tax (SG, US), no inflation assumed "
                         "(no `inflation:`), converted at 1 SGD = 0.744713 USD (reference rate).")


def test_the_web_page_says_what_the_money_is(tmp_path) -> None:
    import asyncio

    from crossroads.web import Settings
    from tests.web.conftest import running

    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "d.yaml").write_text(decision_text(BODY, extra="tax: US\n"))
    settings = Settings(folders=(folder,), db=f"sqlite:///{tmp_path / 'log.sqlite3'}",
                        pool="thread", whatif_samples=300)

    async def page() -> str:
        async with running(settings) as (_app, client):
            return (await client.get("/d/0/d.yaml")).text

    assert "Money in today&#39;s USD, after tax (SG, US)" in asyncio.run(page())


def test_a_rate_used_only_for_a_tables_thresholds_is_named_as_such() -> None:
    text = decision_text("a: {roles: {r: {cash: 50k, tax: IN}}}")
    money = crossroads.run(crossroads.load(text), samples=100).to_dict()["money"]
    assert money["fx"]["rates"]["INR"] == {"rate": "0.0121108", "source": "reference",
                                           "for": "tax thresholds"}
    assert money["sentence"].endswith(
        "tax brackets read in INR at 1 INR = 0.0121108 USD (reference rate)")
    assert "converted at" not in money["sentence"]
