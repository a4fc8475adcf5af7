"""What research can buy apart from luck: evpi_params and p_best_expected."""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.analysis.expected import p_best_expected
from crossroads.analysis.voi import evpi, expected_given_params
from crossroads.engine.collect import collect
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import decision_text


def test_evpi_params_is_zero_when_all_uncertainty_is_luck() -> None:
    """A 50% yearly hazard and no params: EVPI is large, research buys nothing."""
    text = decision_text("""
    risky: {roles: {up: {cash: 200k, next: [{to: down, per_year: 50%}]}, down: {cash: 0}}}
    safe: {roles: {job: {cash: 90k}}}
    """, horizon=4)
    report = crossroads.voi(crossroads.load(text), samples=20_000)
    data = report.to_dict()
    assert data["evpi"] > 50_000
    assert data["evpi_params"] == report.evpi_params == 0.0


def test_evpi_params_is_about_zero_when_a_param_barely_matters() -> None:
    """A param that moves the value a little, a hazard that moves it a lot."""
    text = decision_text("""
    risky: {roles: {up: {cash: 200k * g, next: [{to: down, per_year: 50%}]}, down: {cash: 0}}}
    safe: {roles: {job: {cash: 90k}}}
    """, horizon=4, extra="params: {g: 0.99 to 1.01}\n")
    report = crossroads.voi(crossroads.load(text), samples=50_000)
    assert report.evpi_params < 0.01 * report.to_dict()["evpi"]


def test_evpi_params_equals_evpi_when_all_uncertainty_is_in_params() -> None:
    text = decision_text("""
    a: {roles: {job: {cash: x, raise: g}}}
    b: {roles: {job: {cash: 100k, raise: 3%}}}
    """, horizon=5, extra="params: {x: 60k to 150k, g: 0% to 6%}\n")
    data = crossroads.voi(crossroads.load(text), samples=20_000).to_dict()
    assert data["evpi_params"] == pytest.approx(data["evpi"], rel=0.02)


def test_expected_given_params_on_a_closed_form() -> None:
    """V_b - V_a = theta + noise: EVPPI(theta) = E[max(theta, 0)] = phi(0) for theta ~ N(0, 1),
    and b is best given theta half the time."""
    rng = np.random.default_rng(3)
    theta = rng.normal(size=40_000)
    values = np.stack([np.zeros(40_000), theta + 2.0 * rng.normal(size=40_000)])
    e = expected_given_params(values, {"theta": theta, "flat": np.ones(40_000)})
    assert e.evppi.value == pytest.approx(1 / np.sqrt(2 * np.pi), abs=0.02)
    assert e.p_best.tolist() == pytest.approx([0.5, 0.5], abs=0.01)
    assert p_best_expected(values, {"theta": theta}).tolist() == pytest.approx([0.5, 0.5],
                                                                                abs=0.01)


NESTED = decision_text("""
a:
  roles:
    r: {cash: th, next: [{to: s, per_year: p}]}
    s: {cash: previous * (1.2 to 2.0)}
b: {roles: {r: {cash: 110k, raise: 0% to 10%}}}
""", horizon=3, extra="params: {th: 70k to 150k, p: 10% to 60%}\n")


def test_p_best_expected_agrees_with_a_nested_monte_carlo() -> None:
    """Outer draws of the params, each with 2,000 inner paths: the option with the higher
    inner mean is best given the params. The run's regression must give the same shares."""
    model = crossroads.load(NESTED)
    outer = draw(model, 400, Streams(99)).params
    wins = 0
    for th, p in zip(np.asarray(outer["th"]), np.asarray(outer["p"]), strict=True):
        inner = collect(model, 2000, seed=5, overrides={"th": float(th), "p": float(p)})
        wins += int(inner.value[0].mean() > inner.value[1].mean())
    nested = wins / 400
    result = crossroads.run(model, samples=20_000).to_dict()["options"]
    # 0.535 nested, 0.551 the regression when written; 0.06 is 2.4 SEs of 400 outer draws
    assert result["a"]["p_best_expected"] == pytest.approx(nested, abs=0.06)
    assert result["a"]["p_best_expected"] + result["b"]["p_best_expected"] == pytest.approx(1.0)


def test_p_best_expected_without_params_is_the_best_mean() -> None:
    values = np.array([[1.0, 3.0], [2.0, 2.5], [0.0, 0.0]])
    assert p_best_expected(values, {}).tolist() == [0.0, 1.0, 0.0]
    assert evpi(values) == pytest.approx(0.25)


def test_evpi_params_fits_fewer_draws_when_many_params_make_the_basis_large() -> None:
    """40 params: about 1,381 columns, so at most FIT_CELLS / 1,381 draws (128 MB)."""
    from crossroads.analysis.voi import FIT_CELLS, FIT_DRAWS, _columns

    assert _columns(14) == 1 + 15 * 14 + 91          # the founding case: pairs, linear
    assert min(FIT_DRAWS, FIT_CELLS // _columns(14)) == FIT_DRAWS
    assert FIT_CELLS // _columns(40) == 11_585
