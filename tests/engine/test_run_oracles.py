"""`run`'s summaries against independent NumPy on the same per-draw values.

The per-draw values come from :func:`crossroads.engine.collect.collect` (the analyses' sample) or
from the drawn params on a hand-made case where value is a closed form of them; the run's
mean, MCSE, P(best), regret and `vs_baseline` must be what a few lines of NumPy say.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import crossroads
from crossroads.engine.collect import collect
from crossroads.simulate.sampling import CHUNK
from tests.conftest import EXAMPLES, decision_text

#: a, b, c pay x, y and 150 a year for 3 years (no discount): value = 3 x cash
HAND = decision_text("""
a: {roles: {r: {cash: x}}}
b: {roles: {r: {cash: y}}}
c: {roles: {r: {cash: 150}}}
""", extra="params:\n  x: uniform(100, 200)\n  y: uniform(50, 250)\n")
N = 4000


@pytest.fixture(scope="module")
def hand() -> tuple[dict, np.ndarray]:
    model = crossroads.load(HAND)
    result = crossroads.run(model, samples=N, seed=7).to_dict()
    p = collect(model, N, 7).params
    values = np.stack([3 * p["x"], 3 * p["y"], np.full(N, 450.0)])
    return result, values


def test_the_values_are_three_years_of_the_drawn_cash(hand) -> None:
    result, v = hand
    for i, o in enumerate("abc"):
        assert result["options"][o]["value"]["mean"] == pytest.approx(v[i].mean(), rel=1e-12)


def test_mcse_is_sd_over_root_n_against_the_closed_form(hand) -> None:
    result, v = hand
    # a's value is 3 x uniform(100, 200): sd 300 / sqrt(12) = 86.6; MCSE = sd / sqrt(4000)
    # = 1.37 (sd / n would be 0.022). The sample sd is within 5% of the true one here.
    se_a = result["options"]["a"]["mcse"]["value_mean"]
    assert se_a == pytest.approx(300 / math.sqrt(12) / math.sqrt(N), rel=0.05)
    for i, o in enumerate("abc"):
        mcse = result["options"][o]["mcse"]
        assert mcse["value_mean"] == pytest.approx(v[i].std(ddof=1) / math.sqrt(N), rel=1e-9,
                                                   abs=1e-12)
        assert mcse["npv_mean"] == pytest.approx(mcse["value_mean"], rel=1e-9, abs=1e-12)
        pb = result["options"][o]["p_best"]
        assert mcse["p_best"] == pytest.approx(math.sqrt(pb * (1 - pb) / N), rel=1e-9)


def test_p_best_regret_and_vs_baseline_are_numpy_on_the_same_draws(hand) -> None:
    result, v = hand
    base = list("abc").index(result["baseline"])
    best = v.max(axis=0)
    for i, o in enumerate("abc"):
        got = result["options"][o]
        assert got["p_best"] == pytest.approx(np.mean(v[i] == best), abs=1e-12)  # no ties
        assert got["regret"]["mean"] == pytest.approx(np.mean(best - v[i]), rel=1e-9)
        assert got["regret"]["p_positive"] == pytest.approx(np.mean(best > v[i]), abs=1e-12)
        gap = v[i] - v[base]
        assert got["vs_baseline"]["value_mean"] == pytest.approx(gap.mean(), rel=1e-9,
                                                                 abs=1e-9)
        assert got["vs_baseline"]["p_better"] == pytest.approx(np.mean(gap > 0), abs=1e-12)
    # closed forms, to the sampling error: P(a > c) = P(x > 150) = 1/2,
    # E[max(3x, 450) - 3x] = 3 E[(150 - x)+] = 3 x 12.5
    a = result["options"]["a"]
    assert a["regret"]["mean"] > 3 * 12.5  # b can beat a too
    assert np.mean(v[0] > v[2]) == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / N))


def test_p_best_splits_ties_evenly() -> None:
    model = crossroads.load(decision_text("a: {roles: {r: {cash: 100}}}\n"
                                          "b: {roles: {r: {cash: 100}}}\n"
                                          "c: {roles: {r: {cash: 90}}}\n"))
    result = crossroads.run(model, samples=500, seed=1).to_dict()
    assert [result["options"][o]["p_best"] for o in "abc"] == [0.5, 0.5, 0.0]
    assert result["options"]["a"]["regret"] == {"mean": 0.0, "p_positive": 0.0}
    assert result["options"]["c"]["regret"] == {"mean": 30.0, "p_positive": 1.0}


def test_run_and_the_analyses_agree_on_the_same_draws_across_chunks() -> None:
    """One sample, two readers: `run`'s summaries are those of `collect`'s per-draw values
    (means to the last bits, P(best) exactly, percentiles of the float32 copy run keeps)."""
    model = crossroads.load((EXAMPLES / "two-offers.yaml").read_text())
    n = CHUNK + 3000
    result = crossroads.run(model, samples=n, seed=3).to_dict()
    s = collect(model, n, 3)
    best = s.value.max(axis=0)
    share = (s.value == best).sum(axis=0)
    for i, o in enumerate(s.option_ids):
        got = result["options"][o]
        assert got["value"]["mean"] == pytest.approx(s.value[i].mean(), rel=1e-12)
        assert got["npv"]["mean"] == pytest.approx(s.npv[i].mean(), rel=1e-12)
        assert got["p_best"] == pytest.approx(np.sum((s.value[i] == best) / share) / n,
                                              abs=1e-15)
        compact = s.value[i].astype(np.float32)
        for q in (5, 50, 95):
            assert got["value"][f"p{q}"] == pytest.approx(
                float(np.percentile(compact, q)), rel=1e-6)
