"""Value, p_best and break-even against hand-worked numbers."""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.analysis.summary import (
    break_even_summary,
    break_even_years,
    p_best,
    stats,
)
from crossroads.simulate.money import discount_factors, npv
from tests.conftest import decision_text


def test_npv_discounts_year_t_by_one_plus_r_to_the_t() -> None:
    d = discount_factors(0.10, 3)
    assert npv(np.array([100.0, 100.0, 100.0]), d) == pytest.approx(100 + 100 / 1.1 + 100 / 1.21)


def test_break_even_worked_example() -> None:
    # baseline: 100 a year; switch: 0 then 150 a year. Cumulative gap -100, -50, 0, +50.
    text = decision_text("""
    stay: {roles: {r: {cash: 100}}}
    switch:
      roles:
        s: {cash: 0, next: [{to: t, after: 1}]}
        t: {cash: 150}
    """, horizon=4)
    result = crossroads.run(crossroads.load(text), samples=100).to_dict()
    be = result["options"]["switch"]["break_even"]
    assert be == {"p_within_horizon": 1.0, "median_year": 2, "p_by_year": [0.0, 0.0, 1.0, 1.0]}
    assert result["options"]["stay"]["break_even"] is None


def test_break_even_must_stay_ahead_through_the_horizon() -> None:
    cumulative = np.array([[[0.0, 0.0, 0.0, 0.0]], [[1.0, -1.0, 1.0, 2.0]]])
    assert break_even_years(cumulative, 0)[1].tolist() == [2]
    behind = np.array([[[0.0, 0.0, 0.0]], [[1.0, 2.0, -1.0]]])
    assert break_even_years(behind, 0)[1].tolist() == [3]  # never: horizon


def test_break_even_summary_median_counts_never_as_infinity() -> None:
    years = np.array([1, 3, 3, 3])  # horizon 3: three of four never break even
    summary = break_even_summary(years, 3)
    assert summary == {"p_within_horizon": 0.25, "median_year": None,
                       "p_by_year": [0.0, 0.25, 0.25]}


def test_p_best_splits_ties_evenly() -> None:
    values = np.array([[1.0, 5.0, 2.0], [1.0, 0.0, 2.0], [0.0, 0.0, 2.0]])
    assert p_best(values).tolist() == pytest.approx([(0.5 + 1 + 1 / 3) / 3,
                                                      (0.5 + 1 / 3) / 3, (1 / 3) / 3])


def test_value_model_adds_worth_times_discounted_points() -> None:
    text = decision_text("""
    a: {roles: {r: {cash: 100, criteria: {fun: 2}}}}
    """, horizon=2, discount="10%", extra="criteria:\n  fun: {worth: 50}\n")
    o = crossroads.run(crossroads.load(text), samples=10).to_dict()["options"]["a"]
    money = 100 + 100 / 1.1
    assert o["npv"]["mean"] == pytest.approx(money)
    assert o["value"]["mean"] == pytest.approx(money + 50 * (2 + 2 / 1.1))
    assert o["criteria"]["fun"]["mean"] == pytest.approx(2.0)  # a discounted average


def test_stats_are_mean_and_percentiles() -> None:
    assert stats(np.arange(1.0, 21.0))["p50"] == pytest.approx(10.5)


def test_run_json_has_the_contract_shape() -> None:
    text = decision_text("""
    a: {roles: {r: {cash: 50 to 70, criteria: {fun: 1 to 3}}}}
    b: {roles: {r: {cash: 40 to 90, criteria: {fun: 2}}}}
    """, extra="criteria:\n  fun: {worth: 5}\n")
    d = crossroads.run(crossroads.load(text), samples=500).to_dict()
    assert {"decision", "samples", "seed", "horizon", "currency", "baseline", "options"} <= set(d)
    assert d["baseline"] == "a" and d["samples"] == 500 and d["currency"] == "USD"
    for o in d["options"].values():
        assert {"label", "npv", "value", "criteria", "p_best", "break_even"} <= set(o)
        assert set(o["npv"]) == {"mean", "p5", "p50", "p95"}
        assert set(o["criteria"]["fun"]) == {"mean", "p5", "p50", "p95"}
    be = d["options"]["b"]["break_even"]
    assert len(be["p_by_year"]) == d["horizon"]
    assert sum(o["p_best"] for o in d["options"].values()) == pytest.approx(1.0)


def test_verdict_says_when_weights_disagree_with_worths() -> None:
    text = decision_text("""
    a: {roles: {r: {cash: 100, criteria: {fun: 0, joy: 0}}}}
    b: {roles: {r: {cash: 99, criteria: {fun: 10, joy: 10}}}}
    """, extra="criteria:\n  fun: {}\n  joy: {}\n")
    result = crossroads.run(crossroads.load(text), samples=500)
    assert result.leader() == "a"
    assert result.weighted is not None and result.weighted["first"] == "b"
    # b wins when w_money < 1/2: P = 1 - (1 - 1/2)^2 = 3/4 on the uniform 3-simplex
    assert result.weighted["share"] == pytest.approx(0.75, abs=0.03)
    assert any(f"comes first for {result.weighted['share']:.0%} of weightings" in s
               for s in result.verdict)


def test_a_baseline_that_is_not_listed_first() -> None:
    text = decision_text("""
    switch:
      roles:
        s: {cash: 0, next: [{to: t, after: 1}]}
        t: {cash: 150}
    stay: {roles: {r: {cash: 100}}}
    """, horizon=4, extra="baseline: stay\n")
    d = crossroads.run(crossroads.load(text), samples=100).to_dict()
    assert d["baseline"] == "stay" and d["options"]["stay"]["break_even"] is None
    assert d["options"]["switch"]["break_even"]["median_year"] == 2
    assert d["options"]["switch"]["vs_baseline"]["value_mean"] == pytest.approx(50.0)
