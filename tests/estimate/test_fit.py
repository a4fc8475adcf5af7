"""``a to b`` as a 90% interval: 5% of draws below a and 5% above b, whatever the family."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crossroads.estimate.dists import (
    PROBABILITY_NUDGE,
    Z95,
    Beta,
    Constant,
    FlooredNormal,
    LogNormal,
    Normal,
    _fit_beta,
    fit_range,
)

N = 200_000
TAIL_SE = math.sqrt(0.05 * 0.95 / N)


def test_z95() -> None:
    assert Z95 == pytest.approx(1.6448536269514722, rel=1e-15)


@pytest.mark.parametrize(("lo", "hi", "probability", "family"), [
    (3.0, 4.0, False, LogNormal),
    (100_000.0, 150_000.0, False, LogNormal),
    (0.3, 0.5, False, LogNormal),
    (-10.0, 10.0, False, Normal),
    (-0.02, 0.02, False, Normal),
    (0.3, 0.5, True, Beta),
    (0.01, 0.99, True, Beta),
    (0.9, 0.999, True, Beta),
    (0.05, 0.08, True, Beta),
    (0.5, 3.0, True, LogNormal),    # not a probability range: bounds outside [0, 1]
    (-0.1, 0.2, True, Normal),
])
def test_five_percent_in_each_tail(lo: float, hi: float, probability: bool, family) -> None:
    dist = fit_range(lo, hi, probability=probability)
    assert type(dist) is family
    assert dist.interval(0.9) == pytest.approx((lo, hi), rel=1e-7, abs=1e-12)
    x = dist.ppf(np.random.default_rng(99).random(N))
    assert abs(np.mean(x < lo) - 0.05) <= 4 * TAIL_SE
    assert abs(np.mean(x > hi) - 0.05) <= 4 * TAIL_SE


@pytest.mark.parametrize("hi", [5.0, 8000.0, 0.06])
def test_a_range_from_zero_never_goes_below_it(hi: float) -> None:
    """`0 to b`: the normal of the bounds with its lower 5% at exactly 0, never below."""
    dist = fit_range(0.0, hi)
    assert dist == FlooredNormal(hi / 2, hi / (2 * Z95))
    assert dist.interval(0.9) == pytest.approx((0.0, hi), rel=1e-7, abs=1e-12)
    x = dist.ppf(np.random.default_rng(99).random(N))
    assert x.min() == 0.0
    assert abs(np.mean(x == 0.0) - 0.05) <= 4 * TAIL_SE
    assert abs(np.mean(x > hi) - 0.05) <= 4 * TAIL_SE
    # the mean against max(0, N(mu, sd)) drawn by NumPy alone
    z = np.random.default_rng(7).standard_normal(2_000_000)
    independent = np.maximum(hi / 2 + hi / (2 * Z95) * z, 0.0)
    se = independent.std() / math.sqrt(z.size)
    assert abs(dist.mean() - independent.mean()) <= 4 * se
    assert np.array_equal(dist.from_normal(z[:1000]), independent[:1000])


def test_lognormal_formula() -> None:
    d = fit_range(3, 4, probability=False)
    assert d == LogNormal((math.log(3) + math.log(4)) / 2, (math.log(4) - math.log(3)) / (2 * Z95))


def test_normal_formula() -> None:
    assert fit_range(-1, 3, probability=False) == Normal(1.0, 4 / (2 * Z95))


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0.0, 0.1, (PROBABILITY_NUDGE, 0.1)),
    (0.9, 1.0, (0.9, 1.0 - PROBABILITY_NUDGE)),
    (0.0, 1.0, (PROBABILITY_NUDGE, 1.0 - PROBABILITY_NUDGE)),
])
def test_probability_bounds_at_zero_or_one_are_nudged(lo, hi, expected) -> None:
    d = fit_range(lo, hi, probability=True)
    assert isinstance(d, Beta)
    assert d.interval(0.9) == pytest.approx(expected, rel=1e-6)


def test_equal_bounds_give_a_constant() -> None:
    assert fit_range(5, 5, probability=False) == Constant(5.0)
    assert fit_range(0.3, 0.3, probability=True) == Constant(0.3)


@pytest.mark.parametrize(("lo", "hi", "message"), [
    (5.0, 3.0, r"range is reversed \(5 to 3\)"),
    (float("nan"), 3.0, "lo must be a finite number"),
    (0.0, float("inf"), "hi must be a finite number"),
])
def test_bad_ranges(lo: float, hi: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fit_range(lo, hi, probability=False)


def test_same_inputs_same_fit() -> None:
    assert fit_range(0.3, 0.5, probability=True) == fit_range(0.3, 0.5, probability=True)


@pytest.mark.parametrize("lo", np.linspace(0.0, 0.95, 12).tolist())
def test_beta_fit_converges_across_the_unit_interval(lo: float) -> None:
    for width in (0.001, 0.02, 0.3):
        hi = min(lo + width, 1.0)
        d = fit_range(lo, hi, probability=True)
        q = d.interval(0.9)
        assert q == pytest.approx((max(lo, PROBABILITY_NUDGE), min(hi, 1 - PROBABILITY_NUDGE)),
                                  rel=1e-6)


def test_z95_is_scipys_to_the_last_bit() -> None:
    from scipy import special

    assert float(special.ndtri(0.95)) == Z95


def _least_squares_beta(lo: float, hi: float) -> tuple[float, float] | None:
    """The fit used before the Newton solver (scipy.optimize.least_squares), as reference."""
    from scipy import optimize, special

    target = special.logit(np.array([lo, hi]))
    m, sd = (lo + hi) / 2.0, (hi - lo) / (2.0 * Z95)
    k = max(m * (1.0 - m) / sd**2 - 1.0, 0.5)
    start = np.log([max(m * k, 0.05), max((1.0 - m) * k, 0.05)])

    def residual(theta):
        a, b = np.exp(np.clip(theta, -30.0, 30.0))
        q = special.betaincinv(a, b, np.array([0.05, 0.95]))
        return special.logit(np.clip(q, 1e-300, 1.0 - 1e-16)) - target

    sol = optimize.least_squares(residual, start, xtol=1e-14, ftol=1e-14, gtol=1e-14)
    if not np.all(np.abs(residual(sol.x)) < 1e-6):
        return None
    a, b = np.exp(sol.x)
    return float(a), float(b)


_EDGES = [1e-6, 1e-4, 0.01, 0.99, 1 - 1e-4, 1 - 1e-6]
_GRID = sorted({*_EDGES, *np.linspace(0.02, 0.98, 17).round(6).tolist()})


@pytest.mark.parametrize("lo", _GRID)
def test_beta_fit_matches_least_squares(lo: float) -> None:
    for hi in [h for h in _GRID if h > lo] + [lo + w for w in (1e-5, 1e-3) if lo + w < 1]:
        reference = _least_squares_beta(lo, hi)
        assert reference is not None, (lo, hi)
        fit = _fit_beta.__wrapped__(lo, hi)
        assert (fit.a, fit.b) == pytest.approx(reference, rel=1e-6), (lo, hi)


@pytest.mark.parametrize(("lo", "hi"), [(0.3, 0.5), (0.08, 0.15), (0.6, 0.85), (0.1, 0.3)])
def test_beta_fit_on_the_examples_matches_least_squares(lo: float, hi: float) -> None:
    fit = fit_range(lo, hi, probability=True)
    assert isinstance(fit, Beta)
    assert (fit.a, fit.b) == pytest.approx(_least_squares_beta(lo, hi), rel=1e-6)


@pytest.mark.parametrize(("lo", "hi"), [(0.3, 0.3 + 1e-9), (1e-4, 1.0001e-4)])
def test_beta_fit_refuses_intervals_too_narrow_for_its_bounds(lo: float, hi: float) -> None:
    # a and b would pass 1e13; least_squares used to return a beta off the interval here
    with pytest.raises(ValueError, match="could not fit a beta"):
        _fit_beta.__wrapped__(lo, hi)


def test_beta_fits_are_cached() -> None:
    assert fit_range(0.3, 0.5, probability=True) is fit_range(0.3, 0.5, probability=True)
