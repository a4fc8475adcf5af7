"""Regret, CVaR, first-order stochastic dominance and P(a beats b) against known answers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from crossroads.analysis.risk import (
    cvar,
    first_order_dominance,
    p_beats,
    p_behind,
    p_regret_above,
    regret,
    risk_profile,
)


def test_cvar_of_a_normal_is_mu_minus_sigma_phi_of_the_quantile_over_alpha() -> None:
    mu, sigma, alpha, n = 100.0, 30.0, 0.1, 400_000
    x = np.random.default_rng(1).normal(mu, sigma, n)
    truth = mu - sigma * norm.pdf(norm.ppf(alpha)) / alpha          # 100 - 30 * 1.7550
    q = np.quantile(x, alpha)
    se = np.std(np.minimum(x - q, 0.0)) / (alpha * np.sqrt(n))      # tail-mean estimator SE
    assert cvar(x[None, :], alpha)[0] == pytest.approx(truth, abs=4 * se)


def test_cvar_counts_the_boundary_draw_fractionally() -> None:
    values = np.array([[5.0, 1.0, 3.0, 2.0, 4.0], [0.0, 0.0, 0.0, 0.0, 10.0]])
    # alpha n = 1.5: (1 + 0.5 * 2) / 1.5 and (0 + 0.5 * 0) / 1.5
    np.testing.assert_allclose(cvar(values, 0.3), [4.0 / 3.0, 0.0])
    np.testing.assert_allclose(cvar(values, 1.0), values.mean(axis=1))
    with pytest.raises(ValueError, match="alpha"):
        cvar(values, 0.0)


def test_regret_and_its_probabilities_by_hand() -> None:
    values = np.array([[10.0, 0.0, 5.0, 5.0],
                       [8.0, 4.0, 5.0, 1.0],
                       [0.0, 9.0, 6.0, 2.0]])
    np.testing.assert_array_equal(regret(values), [[0, 9, 1, 0], [2, 5, 1, 4], [10, 0, 0, 3]])
    np.testing.assert_array_equal(p_regret_above(values, 2.0), [0.25, 0.5, 0.5])
    np.testing.assert_array_equal(p_behind(values, 0, 2.0), [0.0, 0.25, 0.5])


def test_p_beats_compares_the_same_draw() -> None:
    a = np.random.default_rng(2).normal(size=10_000)
    values = np.stack([a, a + 0.01, a[::-1]])
    p = p_beats(values)
    assert p[1, 0] == 1.0 and p[0, 1] == 0.0      # common random numbers: b > a every time
    assert p[0, 2] == pytest.approx(0.5, abs=0.02)
    np.testing.assert_array_equal(np.diag(p), 0.0)


def test_first_order_dominance_on_constructed_distributions() -> None:
    rng = np.random.default_rng(3)
    n = 50_000
    a = rng.normal(0.0, 1.0, n)
    values = np.stack([a,                               # A
                       rng.normal(0.5, 1.0, n),         # B: A shifted right, dominates A
                       rng.normal(0.25, 3.0, n),        # C: wider, CDFs cross A's and B's
                       a + 2.0])                        # D: dominates all of them? not C
    d = first_order_dominance(values)
    assert d.tol == pytest.approx(1.358 * np.sqrt(2 / n))
    expected = np.zeros((4, 4), dtype=bool)
    expected[1, 0] = expected[3, 0] = expected[3, 1] = True
    np.testing.assert_array_equal(d.dominates, expected)
    # C's CDF rises above A's left of the crossing by about Phi(-x/3) - Phi(-x) maxima
    assert d.gap[2, 0] > 0.1 and d.gap[0, 2] > 0.1


def test_identical_distributions_do_not_dominate_each_other() -> None:
    rng = np.random.default_rng(4)
    values = rng.normal(size=(2, 20_000))
    d = first_order_dominance(values)
    assert not d.dominates.any()
    assert d.gap.max() < d.margin


def test_risk_profile_to_dict() -> None:
    values = np.stack([np.zeros(1000), np.linspace(-1.0, 3.0, 1000)])
    d = risk_profile(values, ["stay", "go"], baseline=0, threshold=0.5).to_dict()
    assert d["baseline"] == "stay" and d["threshold"] == 0.5
    go = d["options"]["go"]
    assert go["p_behind_baseline"] == pytest.approx(0.125, abs=0.002)   # go < -0.5
    assert go["p_beats"] == {"stay": pytest.approx(0.75, abs=0.002)}
    assert go["dominates"] == [] and d["options"]["stay"]["dominates"] == []
    assert go["cvar"] == pytest.approx(-0.8, abs=0.01)                  # mean of U(-1, -0.6)
    with pytest.raises(ValueError, match="option ids"):
        risk_profile(values, ["only one"])
