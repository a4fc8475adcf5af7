"""Sampling against closed forms: the PERT's mean, the copula's normal-score matrix.

Tolerances are a few standard errors of the statistic at the draws used, computed, so a
formula off by a little (rho for 2 sin(pi rho / 6) moves a rank correlation by under 0.02)
still fails (docs/testing.md).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import crossroads
from crossroads.estimate.dists import Pert
from crossroads.model.compile import normal_score_correlation
from crossroads.simulate.sampling import Streams, draw, sample_dist

N = 200_000


@pytest.mark.parametrize(("lo", "mode", "hi"), [(1, 2, 9), (0, 8, 10), (10, 11, 30)])
def test_a_pert_param_has_the_pert_mean(lo: float, mode: float, hi: float) -> None:
    # PERT mean (lo + 4 mode + hi) / 6: pert(1, 2, 9) has mean 3 (its two beta shapes
    # swapped would give 7)
    model = crossroads.load(f"decision: t\noptions:\n  a: {{roles: {{r: {{cash: x}}}}}}\n"
                            f"params:\n  x: pert({lo}, {mode}, {hi})\n")
    x = draw(model, N, Streams(5)).params["x"]
    mean = (lo + 4 * mode + hi) / 6
    assert x.mean() == pytest.approx(mean, abs=4 * x.std() / math.sqrt(N))
    assert np.median(x) == pytest.approx(Pert(lo, mode, hi).ppf(np.array(0.5)), abs=0.02)


def test_sample_dist_of_a_skewed_pert_has_its_mean_and_skew() -> None:
    x = sample_dist(Pert(1.0, 2.0, 9.0), "k#0", Streams(3), N)
    assert x.mean() == pytest.approx(3.0, abs=4 * x.std() / math.sqrt(N))
    assert stats.skew(x) > 0.3  # the long tail is on the right


@pytest.mark.parametrize("rho", [-0.8, -0.3, 0.2, 0.5, 0.9])
def test_the_normal_score_matrix_is_2_sin_pi_rho_over_6(rho: float) -> None:
    names, m = normal_score_correlation((("b", "a", rho),), ("a", "b", "c"))
    assert names == ["a", "b"]
    assert m[0, 1] == m[1, 0] == pytest.approx(2 * math.sin(math.pi * rho / 6), abs=1e-15)
    assert np.array_equal(np.diag(m), [1.0, 1.0])


def test_the_copula_reaches_the_rank_correlation_within_its_standard_error() -> None:
    # The rank correlation of a normal pair with Pearson r is (6 / pi) asin(r / 2); with
    # r = rho (no correction) rho = 0.5 would give 0.4826, off by 0.017. The standard
    # error of Spearman's rho at N draws is about (1 - rho^2) / sqrt(N) = 0.0017.
    rho = 0.5
    text = ("decision: t\noptions:\n  a: {roles: {r: {cash: x + y}}}\n"
            f"params:\n  x: 3 to 4\n  y: pert(1, 2, 9)\ncorrelations:\n  - [x, y, {rho}]\n")
    d = draw(crossroads.load(text), N, Streams(8)).params
    got = stats.spearmanr(d["x"], d["y"]).statistic
    se = (1 - rho**2) / math.sqrt(N)
    assert got == pytest.approx(rho, abs=4 * se)
    assert 4 * se < 0.01
