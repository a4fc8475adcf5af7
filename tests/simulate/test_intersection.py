"""The intersection rank against truth: closed forms, scipy's multivariate normal, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from crossroads.simulate.intersection import intersection_top_pct
from crossroads.simulate.skills import intersection_top_pct as reexported

Z75 = special.ndtri(0.75)
# Stated bounds on the tabulated route, percentage points, for correlations up to 0.9 (the
# measured maxima are about half of these; docs/skills.md has the table). scipy's own
# error (abseps 1e-5) adds 0.001.
TOL = {2: 0.01, 3: 0.06, 4: 0.6}
GENERAL = np.array([[1.0, -0.2, 0.5], [-0.2, 1.0, 0.1], [0.5, 0.1, 1.0]])


def equicorr(k: int, rho: float) -> np.ndarray:
    return np.full((k, k), rho) + (1.0 - rho) * np.eye(k)


def points(k: int, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(size=(n, k)), rng.uniform(-3.0, 3.0, size=(n, k))])


def scipy_top_pct(z: np.ndarray, corr: np.ndarray) -> np.ndarray:
    """100 P(Z >= z) = 100 P(-Z <= -z) = 100 F(-z): an independent computation (Genz)."""
    mvn = stats.multivariate_normal(np.zeros(len(corr)), corr)
    return 100.0 * np.atleast_1d(mvn.cdf(-z))


def test_top_quartile_in_three_things_is_one_in_64_when_independent():
    assert intersection_top_pct(np.full(3, Z75), 0.0) == pytest.approx(100 / 64, rel=1e-12)
    assert reexported is intersection_top_pct


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6])
def test_independent_skills_match_the_product_closed_form(k):
    z = points(k, 200)
    expected = 100.0 * np.prod(1.0 - special.ndtr(z), axis=1)
    np.testing.assert_allclose(intersection_top_pct(z, 0.0), expected, rtol=1e-12)
    np.testing.assert_allclose(intersection_top_pct(z, np.eye(k)), expected, rtol=1e-12)


@pytest.mark.parametrize("corr", [0.0, 0.5, 1.0, -0.7])
def test_one_skill_is_the_share_above_you(corr):
    z = np.linspace(-4, 4, 81)[:, None]
    np.testing.assert_allclose(
        intersection_top_pct(z, corr), 100.0 * (1.0 - special.ndtr(z[:, 0])), rtol=1e-12
    )


@pytest.mark.parametrize("k", [2, 3, 5])
def test_perfect_correlation_is_the_share_above_your_best_skill(k):
    z = points(k, 200)
    expected = 100.0 * (1.0 - special.ndtr(z.max(axis=1)))
    np.testing.assert_allclose(intersection_top_pct(z, 1.0), expected, rtol=1e-12)
    np.testing.assert_allclose(intersection_top_pct(z, np.ones((k, k))), expected, rtol=1e-12)


def test_correlation_towards_one_approaches_the_best_skill_limit():
    z = points(3, 20, seed=5)
    limit = 100.0 * (1.0 - special.ndtr(z.max(axis=1)))
    gaps = [np.abs(intersection_top_pct(z, r) - limit).max() for r in (0.6, 0.9, 0.99, 0.999)]
    assert gaps == sorted(gaps, reverse=True)
    # near 1 the grid's resolution of the kink at max(z) sets the error: see docs/skills.md
    truth = scipy_top_pct(z, equicorr(3, 0.999))
    np.testing.assert_allclose(intersection_top_pct(z, 0.999), truth, atol=0.6)


@pytest.mark.parametrize("rho", [0.1, 0.3, 0.6, 0.9])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_equicorrelation_matches_scipy(k, rho):
    z = points(k, 20, seed=k)
    got = intersection_top_pct(z, rho)
    np.testing.assert_allclose(got, scipy_top_pct(z, equicorr(k, rho)), atol=TOL[k] + 0.001)


@pytest.mark.parametrize("corr", [GENERAL, equicorr(3, -0.3)], ids=["general", "negative"])
def test_general_matrix_matches_scipy(corr):
    z = points(3, 25, seed=7)
    np.testing.assert_allclose(intersection_top_pct(z, corr), scipy_top_pct(z, corr), atol=0.061)


def test_negative_number_is_the_same_as_its_matrix():
    z = points(3, 50)
    np.testing.assert_array_equal(
        intersection_top_pct(z, -0.3), intersection_top_pct(z, equicorr(3, -0.3))
    )


def test_equicorrelation_matrix_takes_the_exact_route():
    z = points(3, 50)
    np.testing.assert_array_equal(
        intersection_top_pct(z, 0.3), intersection_top_pct(z, equicorr(3, 0.3))
    )


@pytest.mark.parametrize("corr", [0.3, GENERAL], ids=["rho=0.3", "general"])
def test_against_a_million_simulated_peers(corr):
    rng = np.random.default_rng(2021)
    matrix = equicorr(3, corr) if np.ndim(corr) == 0 else corr
    peers = rng.multivariate_normal(np.zeros(3), matrix, size=1_000_000)
    for z in [np.full(3, Z75), np.array([0.0, -0.5, 1.0]), np.array([-1.0, 0.2, 0.3])]:
        share = 100.0 * (peers >= z).all(axis=1).mean()
        se = 100.0 * np.sqrt(share / 100 * (1 - share / 100) / len(peers))
        assert intersection_top_pct(z, corr) == pytest.approx(share, abs=4 * se + TOL[3])


def test_five_skills_integrate_point_by_point_exactly():
    z = points(5, 10, seed=3)
    corr = equicorr(5, 0.3)
    mvn = stats.multivariate_normal(np.zeros(5), corr, abseps=1e-7, releps=1e-7)
    expected = 100.0 * mvn.cdf(-z)
    np.testing.assert_allclose(intersection_top_pct(z, 0.3), expected, atol=0.001)


def test_shape_is_kept_except_the_skill_axis():
    z = np.random.default_rng(0).normal(size=(50, 10, 4, 3))
    out = intersection_top_pct(z, 0.3)
    assert out.shape == (50, 10, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(out[7, 3], intersection_top_pct(z[7, 3], 0.3))


def test_far_outside_the_grid_is_clipped_harmlessly():
    z = np.array([[-40.0, -40.0, -40.0], [40.0, 0.0, 0.0], [np.inf, 0, 0], [-np.inf, 0, 0]])
    np.testing.assert_allclose(
        intersection_top_pct(z, 0.3),
        [100.0, 0.0, 0.0, intersection_top_pct(np.array([0.0, 0.0]), 0.3)],
        atol=1e-4,
    )


@pytest.mark.parametrize(
    ("corr", "match"),
    [
        (1.5, "must lie in"),
        (-0.6, "must lie in"),  # below -1/(k-1) = -0.5 for three skills
        (np.nan, "must lie in"),
        (np.eye(2), "shape"),
        (np.array([[1, 0.2, 0], [0.3, 1, 0], [0, 0, 1.0]]), "symmetric"),
        (np.array([[2, 0.2, 0], [0.2, 1, 0], [0, 0, 1.0]]), "diagonal"),
        (np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]]), "semi-definite"),
        (np.array([[1, np.inf, 0], [np.inf, 1, 0], [0, 0, 1.0]]), "non-finite"),
    ],
)
def test_invalid_correlations_raise(corr, match):
    with pytest.raises(ValueError, match=match):
        intersection_top_pct(np.zeros(3), corr)


def test_nan_standing_raises():
    with pytest.raises(ValueError, match="NaN"):
        intersection_top_pct(np.array([0.0, np.nan, 1.0]), 0.3)


def test_general_matrix_with_five_skills_raises():
    corr = np.eye(5)
    corr[0, 1] = corr[1, 0] = 0.2
    with pytest.raises(ValueError, match="at most 4"):
        intersection_top_pct(np.zeros(5), corr)


# --- properties ---------------------------------------------------------------------------

standing = st.floats(-8.0, 8.0)
correlations = st.sampled_from([0.0, 0.3, 0.8, 0.99, 1.0, -0.3])


@settings(max_examples=300, deadline=None)
@given(st.lists(standing, min_size=3, max_size=3), correlations)
def test_rank_is_a_percentage(z, corr):
    assert 0.0 <= intersection_top_pct(np.array(z), corr) <= 100.0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(standing, min_size=3, max_size=3), st.integers(0, 2), st.floats(0.0, 3.0), correlations
)
def test_rising_on_any_skill_never_makes_you_less_rare(z, i, up, corr):
    before = np.array(z)
    after = before.copy()
    after[i] += up
    assert intersection_top_pct(after, corr) <= intersection_top_pct(before, corr) * (1 + 1e-12)
