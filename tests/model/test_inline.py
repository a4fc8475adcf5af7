"""Inline estimates are inputs too: named like `a.job.cash` beside the params."""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.engine.collect import collect
from crossroads.model.inline import inert_inputs, inline_inputs
from tests.conftest import decision_text

TEXT = decision_text("""
a: {roles: {job: {cash: 50k to 150k, criteria: {fun: 1 to 9}, next: [{to: b2, after: 1 to 3}]},
            b2: {cash: previous * (1 to 2)}}}
b: {roles: {job: {cash: 100k, criteria: {fun: 5}}}}
""", horizon=4, extra="criteria: {fun: {default: 5}}\n")


def test_inline_ranges_are_named_by_option_role_and_field() -> None:
    model = crossroads.load(TEXT)
    assert list(inline_inputs(model)) == ["a.job.cash", "a.job.criteria.fun",
                                          "a.job.move->b2.after", "a.b2.cash"]
    assert inert_inputs(model) == {"a.job.criteria.fun"}   # `fun` has no worth


def test_voi_names_inline_ranges_beside_params() -> None:
    data = crossroads.voi(crossroads.load(TEXT), samples=20_000).to_dict()
    assert set(data["evppi"]) == {"a.job.cash", "a.job.criteria.fun", "a.job.move->b2.after",
                                  "a.b2.cash"}
    assert data["evppi"]["a.job.criteria.fun"] == 0.0
    assert data["evppi"]["a.job.cash"] > 0.3 * data["evpi"]
    assert data["evpi_params"] == 0.0       # no params: inline ranges are not params


def test_an_inline_range_can_be_pinned_like_a_param() -> None:
    model = crossroads.load(TEXT)
    got = collect(model, 2000, overrides={"a.job.cash": 80_000.0, "a.b2.cash": 1.5})
    year0 = got.npv[0]
    assert np.ptp(year0) > 0   # the move's timing still varies
    pinned = collect(model, 2000, overrides={"a.job.cash": 80_000.0, "a.b2.cash": 1.5,
                                             "a.job.move->b2.after": 2.0})
    assert np.ptp(pinned.npv[0]) == pytest.approx(0.0, abs=1e-6)
    assert pinned.npv[0][0] == pytest.approx(80_000 * 2 + 80_000 * 1.5 * 2, rel=1e-9)
    with pytest.raises(KeyError, match="no param or inline range is named a.nope"):
        collect(model, 10, overrides={"a.nope": 1.0})


def test_tornado_and_sobol_swing_inline_ranges_and_list_the_inert_ones() -> None:
    model = crossroads.load(TEXT)
    tornado = crossroads.sensitivity(model, "tornado", samples=2000).to_dict()
    assert [b["param"] for b in tornado["bars"]][0] == "a.job.cash"
    assert {b["param"] for b in tornado["bars"]} == {"a.job.cash", "a.b2.cash",
                                                     "a.job.move->b2.after"}
    assert tornado["inert"] == ["a.job.criteria.fun"]
    cash = tornado["bars"][0]
    assert (cash["low_input"], cash["high_input"]) == pytest.approx((50_000, 150_000))
    sobol = crossroads.sensitivity(model, "sobol", samples=2000).to_dict()
    assert set(sobol["indices"]) == {"a.job.cash", "a.b2.cash", "a.job.move->b2.after"}
    assert sobol["inert"] == ["a.job.criteria.fun"]


def test_the_runs_screen_ranks_inline_ranges_beside_params() -> None:
    """The screen's inline correlation uses Phi(z), the range's exact rank: it matches the
    Spearman correlation of the drawn values with the gap."""
    from scipy import stats

    text = TEXT.replace("samples: 2000", "samples: 20000")
    result = crossroads.run(crossroads.load(text)).to_dict()
    screen = result["screen"]
    assert list(screen)[0] == "a.job.cash"
    assert "a.job.criteria.fun" not in screen             # inert: the value never reads it
    got = collect(crossroads.load(text), 20_000)
    gap = got.value[0] - got.value[1]
    rho = stats.spearmanr(got.inline["a.job.cash"], gap).statistic
    assert screen["a.job.cash"] == pytest.approx(rho, abs=0.01)
    assert sum(o["p_best_expected"] for o in result["options"].values()) == pytest.approx(1.0)
