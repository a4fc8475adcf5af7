"""The shipped World Bank PPP conversion factors behind `fx_view: ppp` (docs/money.md).

Spot values are copied from the World Bank's download API_PA.NUS.PPP_DS2_en_csv_v2_13721.csv
(indicator PA.NUS.PPP, "PPP conversion factor, GDP (LCU per international $)", World
Development Indicators, last updated 2025-03-24), column 2023: United States 1,
India 20.2025584710366, Singapore 0.8037836176702, United Kingdom 0.682911, Germany 0.728102.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.money.fx import ppp_factor, ppp_rate, ppp_reference, reference_rate
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import decision_text

US, IN, SG, GB, DE = 1.0, 20.2025584710366, 0.8037836176702, 0.682911, 0.728102


def test_the_shipped_factors_are_the_published_2023_values() -> None:
    assert [ppp_factor(c) for c in ("USD", "INR", "SGD", "GBP", "EUR")] == [US, IN, SG, GB, DE]
    ref = ppp_reference()
    assert (ref["indicator"], ref["year"], ref["source"]) == (
        "PA.NUS.PPP", 2023, "World Bank, World Development Indicators")
    assert "CC BY 4.0" in ref["licence"] and ref["factors"]["EUR"]["country"] == "DEU"
    assert ref["download"] == "API_PA.NUS.PPP_DS2_en_csv_v2_13721.csv"


def test_a_rate_from_the_table_is_the_ratio_of_published_factors() -> None:
    # 1 SGD buys what 20.2025584710366 / 0.8037836176702 = 25.13432... INR buy in India.
    assert ppp_rate("SGD", "INR") == pytest.approx(IN / SG, rel=1e-15)
    assert ppp_rate("SGD", "INR") == pytest.approx(25.134, abs=5e-4)
    assert ppp_rate("GBP", "EUR") == pytest.approx(0.728102 / 0.682911, rel=1e-15)
    assert ppp_rate("EUR", "EUR") == 1.0 and ppp_rate("ISK", "USD") is None


def test_direction_one_rupee_is_one_over_the_factor_in_international_dollars() -> None:
    # US factor 1: 1 INR = 1/20.2025... international (US) dollars, about 4.95 US cents,
    # and a US dollar is worth 20.2025... rupees at parity.
    assert ppp_rate("INR", "USD") == pytest.approx(1 / IN, rel=1e-15)
    assert ppp_rate("USD", "INR") == pytest.approx(IN, rel=1e-15)
    assert ppp_rate("INR", "USD") * ppp_rate("USD", "INR") == pytest.approx(1.0, rel=1e-15)
    # PPP makes the rupee worth more than the market does (82.5708 INR per USD in 2023).
    assert ppp_rate("INR", "USD") > reference_rate("INR", "USD")


def test_a_ppp_decision_converts_an_inr_option_at_the_shipped_factor() -> None:
    text = decision_text("a: {currency: INR, roles: {r: {cash: 40L}}}\n"
                         "b: {roles: {r: {cash: 100k}}}", extra="fx_view: ppp\n")
    model = crossroads.load(text)
    out = simulate(model, draw(model, 200, Streams(1)))
    assert np.allclose(out.cash[0], 4_000_000 / IN, rtol=1e-12)   # 197,994.7... USD
    assert np.allclose(out.cash[1], 100_000.0)
    money = crossroads.run(model, samples=100).to_dict()["money"]
    assert money["fx"]["view"] == "ppp"
    assert money["fx"]["rates"]["INR"]["source"] == "ppp-reference"
    assert "World Bank" in money["fx"]["ppp_reference"] and money["fx"]["reference"] is None
    assert "purchasing-power parities 1 INR = 0.0494987 USD (World Bank PPP 2023)" in (
        money["sentence"])


def test_your_own_rate_still_wins_under_ppp() -> None:
    text = decision_text("a: {currency: INR, roles: {r: {cash: 40L}}}\n"
                         "b: {currency: SGD, roles: {r: {cash: 100k}}}",
                         extra="fx_view: ppp\nfx: {INR: 0.05}\n")
    model = crossroads.load(text)
    out = simulate(model, draw(model, 200, Streams(1)))
    assert np.allclose(out.cash[0], 4e6 * 0.05) and np.allclose(out.cash[1], 1e5 / SG)
    rates = crossroads.run(model, samples=100).to_dict()["money"]["fx"]["rates"]
    assert (rates["INR"]["source"], rates["SGD"]["source"]) == ("yours", "ppp-reference")


def test_the_market_view_is_unchanged() -> None:
    text = decision_text("a: {currency: INR, roles: {r: {cash: 40L}}}")
    model = crossroads.load(text)
    out = simulate(model, draw(model, 200, Streams(1)))
    assert np.allclose(out.cash[0], 4e6 / 82.5708, rtol=1e-12)   # Fed G.5A 2023 average
    fx = crossroads.run(model, samples=100).to_dict()["money"]["fx"]
    assert fx["view"] == "market" and fx["rates"]["INR"]["source"] == "reference"
    assert fx["ppp_reference"] is None and "Federal Reserve" in fx["reference"]
