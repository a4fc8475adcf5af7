"""Money as it reaches you: inflation, tax, currencies, retirement and terminal values,
on paths small enough to work out by hand."""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.errors import DecisionError
from crossroads.money.settle import deflator, terminal_value
from crossroads.money.tax import shipped, tax_due
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import decision_text


def outcomes_of(text: str, n: int = 2000, seed: int = 1):
    model = crossroads.load(text)
    return model, simulate(model, draw(model, n, Streams(seed)))


def test_a_nominal_raise_equal_to_inflation_is_flat_in_todays_money() -> None:
    _, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100k, raise: 3%}}}", horizon=6,
                                       extra="inflation: 3%\n"))
    assert np.allclose(out.cash[0], 100_000.0, rtol=1e-12)


def test_real_raises_are_not_deflated() -> None:
    _, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100, raise: 3%}}}",
                                       extra="inflation: 3%\nraises: real\n"))
    assert out.cash[0, 0].tolist() == pytest.approx([100.0, 103.0, 106.09])


def test_uncertain_inflation_deflates_each_draw_by_its_own_rate() -> None:
    _, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100}}}",
                                       extra="inflation: 1% to 5%\n"))
    year2 = out.cash[0, :, 2]          # 100 / (1 + i)^2, i drawn once per draw
    growth = out.cash[0, :, 1] / out.cash[0, :, 2]
    assert np.allclose(growth ** 2, 100.0 / year2)   # same rate both years
    assert 0.005 < np.mean(growth - 1) < 0.06 and np.ptp(growth) > 0.01


def test_deflator_compounds_yearly_rates() -> None:
    yearly = np.array([[0.0, 0.0], [0.1, 0.2], [0.1, 0.0]])   # (horizon, n)
    assert np.allclose(deflator(yearly, 3),
                       [[1.0, 1.0], [1 / 1.1, 1 / 1.2], [1 / 1.21, 1 / 1.2]], rtol=1e-15)


def test_a_shipped_table_taxes_each_years_pay_and_pre_tax_is_kept() -> None:
    model, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100k, tax: SG}}}",
                                           extra="currency: SGD\n"))
    assert out.cash[0, 0].tolist() == pytest.approx([94_350.0] * 3)
    assert out.pre_tax is not None and out.pre_tax[0, 0].tolist() == pytest.approx([1e5] * 3)


def test_flat_uncertain_rate_and_own_brackets() -> None:
    _, out = outcomes_of(decision_text("""
        a: {roles: {r: {cash: 100, tax: 20% to 40%}}}
        b: {tax: {brackets: [[0, 0%], [50, 50%]], deduction: 10}, roles: {r: {cash: 100}}}
    """))
    kept = out.cash[0, :, 0] / 100.0    # `20% to 40%` is a 90% interval of the rate
    assert np.quantile(kept, [0.05, 0.95]) == pytest.approx([0.6, 0.8], abs=0.015)
    assert out.cash[1, 0].tolist() == pytest.approx([80.0] * 3)   # 50% of (100 - 10 - 50)


def test_role_tax_wins_over_option_and_decision() -> None:
    _, out = outcomes_of(decision_text("""
        a:
          tax: 10%
          roles:
            r: {cash: 100, tax: 50%, next: [{to: s, after: 1}]}
            s: {cash: 100}
        b: {roles: {r: {cash: 100}}}
    """, extra="tax: 30%\n"))
    assert out.cash[0, 0].tolist() == pytest.approx([50.0, 90.0, 90.0])
    assert out.cash[1, 0].tolist() == pytest.approx([70.0] * 3)


def test_equity_taxed_as_income_or_at_its_own_rate() -> None:
    body = """
        a:
          companies: {r: {shares: public}}
          roles:
            r: {cash: 0, tax: {rate: 10%, equity: 30%},
                equity: {grant: 300, vest_years: 3}}
    """
    model, out = outcomes_of(decision_text(body))
    paid = out.pre_tax[0] if out.pre_tax is not None else None
    assert paid is not None and paid.sum() > 0
    # the equity's own 30%: whatever equity pays, 70% reaches you
    assert np.allclose(out.cash[0], 0.7 * paid)


def test_an_uncertain_fx_rate_converts_each_draw() -> None:
    _, out = outcomes_of(decision_text("""
        a: {currency: SGD, roles: {r: {cash: 100k}}}
        b: {roles: {r: {cash: 70k}}}
    """, extra="fx: {SGD: 0.70 to 0.80}\n"))
    rate = out.cash[0, :, 0] / 100_000.0
    assert np.allclose(out.cash[0, :, 1:], out.cash[0, :, :1])   # one rate per draw
    assert np.quantile(rate, [0.05, 0.95]) == pytest.approx([0.70, 0.80], abs=0.006)
    assert np.mean(rate) == pytest.approx(0.75, abs=0.005)
    assert out.cash[1, 0].tolist() == pytest.approx([70_000.0] * 3)


def test_reference_fx_rate_by_default_and_tax_thresholds_in_their_currency() -> None:
    model, out = outcomes_of(decision_text("a: {currency: SGD, roles: {r: {cash: 100k, tax: SG}}}"))
    rate = 1 / 1.3428            # Fed G.5A, 2023 average: 1.3428 SGD per USD
    assert out.cash[0, 0, 0] == pytest.approx(94_350.0 * rate, rel=1e-9)
    # taxed in SGD, reported in USD: a USD-paid role under SG tax converts its thresholds
    _, usd = outcomes_of(decision_text("a: {roles: {r: {cash: 74469.76, tax: SG}}}"))
    assert usd.cash[0, 0, 0] == pytest.approx(
        74_469.76 - float(tax_due(74_469.76 / rate, shipped("SG"))) * rate, rel=1e-9)


def test_retirement_contribution_is_a_capped_share_of_pay_and_untaxed() -> None:
    _, out = outcomes_of(decision_text("""
        a: {roles: {r: {cash: 100k, retirement: {share: 5%, cap: 4k}, tax: 20%}}}
        b: {roles: {r: {cash: 50k, retirement: 5%}}}
    """))
    assert out.cash[0, 0].tolist() == pytest.approx([84_000.0] * 3)
    assert out.cash[1, 0].tolist() == pytest.approx([52_500.0] * 3)


def test_terminal_value_against_its_closed_form() -> None:
    # last year's net pay L = 100 continuing N = 5 years, growing 2%, 3% inflation, 5%
    # discount: L v^(h-1) x (1 - x^N) / (1 - x), x = 1.02 / (1.03 x 1.05)
    h, r, g, i, years = 4, 0.05, 0.02, 0.03, 5
    _, out = outcomes_of(decision_text(
        "a: {roles: {r: {cash: 100, raise: 3%}}}", horizon=h, discount="5%",
        extra=f"inflation: 3%\nterminal: {{years: {years}, growth: 2%}}\n"))
    x = (1 + g) / ((1 + i) * (1 + r))
    closed = 100.0 * (1 + r) ** -(h - 1) * x * (1 - x**years) / (1 - x)
    assert out.terminal is not None
    assert out.terminal[0, 0] == pytest.approx(closed, rel=1e-12)
    assert float(terminal_value(np.asarray(100.0), h, r, years, g, i)) == pytest.approx(closed)


def test_a_roles_own_terminal_value_where_the_path_ends() -> None:
    _, out = outcomes_of(decision_text("""
        a:
          roles:
            r: {cash: 100, next: [{to: top, after: 1}]}
            top: {cash: 200, terminal: 1000}
    """, horizon=3, discount="10%"))
    assert out.terminal is not None
    assert out.terminal[0, 0] == pytest.approx(1000.0 / 1.1**3)


def test_a_file_without_money_keys_is_untouched() -> None:
    model, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100, raise: 10%}}}"))
    assert model.money is not None and not model.money.active
    assert out.pre_tax is None and out.terminal is None
    assert out.cash[0, 0].tolist() == pytest.approx([100.0, 110.0, 121.0], rel=1e-12)


@pytest.mark.parametrize(("extra", "body", "message"), [
    ("", "a: {roles: {r: {cash: 1, tax: XX}}}", "unknown name `XX`"),
    ("", "a: {roles: {r: {cash: 1, tax: {table: FR}}}}", "unknown tax table `FR`"),
    ("", "a: {roles: {r: {cash: 1, tax: {rate: 1%, table: US}}}}", "exactly one"),
    ("", "a: {currency: XYZ, roles: {r: {cash: 1}}}", "no exchange rate from XYZ"),
    ("fx: {EUR: 1.1}\n", "a: {roles: {r: {cash: 1}}}", "no role or option is paid in `EUR`"),
    ("", "a: {roles: {r: {cash: 1, tax: {brackets: [[5, 10%]]}}}}", "brackets must start"),
    ("inflation: {USD: 2%, EUR: 2%}\n", "a: {roles: {r: {cash: 1}}}", "no pay is in `EUR`"),
    ("inflation: -100%\n", "a: {roles: {r: {cash: 1}}}", "above -100%, got -100%"),
    ("fx: {SGD: 0}\n", "a: {currency: SGD, roles: {r: {cash: 1}}}", "must be above 0, got 0"),
    ("", "a: {roles: {r: {cash: 1, tax: true}}}", "yes/no value"),
    ("", "a: {roles: {r: {cash: 1, retirement: {cap: 1k}}}}", "share"),
    ("terminal: {years: 0}\n", "a: {roles: {r: {cash: 1}}}", "years"),
])
def test_bad_money_keys_are_located_errors(extra: str, body: str, message: str) -> None:
    with pytest.raises(DecisionError, match=message) as caught:
        crossroads.load(decision_text(body, extra=extra))
    assert caught.value.line > 1


def test_a_currency_code_before_an_amount_sets_the_roles_currency() -> None:
    model = crossroads.load(decision_text("""
        a: {roles: {r: {cash: SGD 100k to SGD 120k}, s: {cash: 'INR 40L', currency: INR}}}
    """))
    roles = model.money.options[0].roles
    assert [r.currency for r in roles] == ["SGD", "INR"]
    assert model.options[0].roles[0].cash.expr.as_dist().ppf(0.5) == pytest.approx(
        np.sqrt(100e3 * 120e3), rel=1e-6)


def test_disagreeing_currency_codes_are_a_located_error() -> None:
    with pytest.raises(DecisionError, match="must share its currency: INR, SGD"):
        crossroads.load(decision_text("a: {roles: {r: {cash: SGD 100k, currency: INR}}}"))
    with pytest.raises(DecisionError, match=r":7:30: unexpected `x`"):
        crossroads.load(decision_text("a: {roles: {r: {cash: SGD 1x0k}}}"))


def test_previous_is_carried_into_the_new_roles_currency() -> None:
    _, out = outcomes_of(decision_text("""
        a:
          roles:
            blr: {cash: INR 40L, next: [{to: sg, after: 1}]}
            sg: {cash: previous * 1.5, currency: SGD}
    """, extra="fx: {INR: 0.012, SGD: 0.70 to 0.80}\n"))
    assert np.allclose(out.cash[0, :, 0], 48_000.0)
    assert np.allclose(out.cash[0, :, 1:], 72_000.0)   # 1.5 times the same pay, any rate


def test_each_currency_is_deflated_by_its_own_inflation() -> None:
    _, out = outcomes_of(decision_text("""
        blr: {currency: INR, roles: {r: {cash: 40L, raise: 5%}}}
        sg: {currency: SGD, roles: {r: {cash: 100k}}}
    """, extra="currency: INR\ninflation: {INR: 5%, SGD: 2%}\nfx: {SGD: 62}\n"))
    assert np.allclose(out.cash[0, 0], 4_000_000.0)                    # flat: raise = inflation
    assert np.allclose(out.cash[1, 0], [6.2e6, 6.2e6 / 1.02, 6.2e6 / 1.02**2])


def test_per_currency_inflation_must_cover_every_currency_in_use() -> None:
    with pytest.raises(DecisionError, match="inflation gives INR but pay is also in SGD"):
        crossroads.load(decision_text("a: {currency: SGD, roles: {r: {cash: 1}}}",
                                      extra="currency: INR\ninflation: {INR: 5%}\n"))


def test_a_flat_state_rate_adds_to_the_us_table() -> None:
    _, out = outcomes_of(decision_text("a: {roles: {r: {cash: 80k, tax: {table: US, state: 5%}}}}"))
    # Rev. Proc. 2024-40 schedule: 9,049 federal; FICA 4,960 + 1,160; 5% state on gross
    assert out.cash[0, 0].tolist() == pytest.approx([80_000 - 9_049 - 4_960 - 1_160 - 4_000] * 3)


def test_equity_without_its_own_rate_is_income_stacked_on_pay() -> None:
    body = """
        a:
          companies: {r: {shares: public}}
          roles:
            r: {cash: 100, tax: {brackets: [[0, 0%], [100, 50%]]},
                equity: {grant: 300, vest_years: 3}}
    """
    _, out = outcomes_of(decision_text(body))
    assert out.pre_tax is not None
    equity = out.pre_tax[0] - 100.0
    assert equity.sum() > 0
    assert np.allclose(out.cash[0], 100.0 + 0.5 * equity)   # all of it in the 50% bracket


def test_real_raises_keep_terminal_growth_real() -> None:
    _, out = outcomes_of(decision_text(
        "a: {roles: {r: {cash: 100}}}", horizon=2,
        extra="inflation: 10%\nraises: real\nterminal: {years: 2, growth: 10%}\n"))
    assert out.terminal is not None
    assert out.terminal[0, 0] == pytest.approx(100 * (1.1 + 1.1**2))


def test_a_yearly_fx_rate_converts_each_year_at_its_own_rate() -> None:
    _, out = outcomes_of(decision_text("a: {currency: SGD, roles: {r: {cash: 100}}}",
                                       extra="fx: {SGD: each_year(0.70 to 0.80)}\n"))
    rates = out.cash[0] / 100.0
    assert np.ptp(rates[:, 0] - rates[:, 1]) > 0.01          # years differ within a draw
    assert np.allclose(out.first_salary[0], 100.0 * rates[:, 0])


def test_a_ppp_view_takes_your_rates_and_says_so() -> None:
    text = decision_text("a: {currency: INR, roles: {r: {cash: 40L}}}",
                         extra="fx_view: ppp\nfx: {INR: 0.05}\n")   # any factor
    model, out = outcomes_of(text)
    assert np.allclose(out.cash[0], 4e6 * 0.05)
    money = crossroads.run(model, samples=100).to_dict()["money"]
    assert money["fx"]["view"] == "ppp" and "converted at purchasing-power parities" in (
        money["sentence"])
    assert money["fx"]["rates"]["INR"]["source"] == "yours"
    assert money["fx"]["ppp_reference"] is None      # the file's rate won: nothing shipped
    with pytest.raises(DecisionError, match="no purchasing-power parity from ISK to USD"):
        crossroads.load(decision_text("a: {currency: ISK, roles: {r: {cash: 40k}}}",
                                      extra="fx_view: ppp\n"))   # not in the shipped table
