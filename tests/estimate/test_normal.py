"""crossroads.estimate.normal: the project's own ``ndtr`` and ``ndtri`` (Cody 1969, Wichura
AS 241) against SciPy's on dense grids, against a 60-digit reference in the far tail (where
SciPy's own relative error grows to about 2e-13), and by their identities."""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import pytest
from scipy import special

from crossroads.estimate.normal import ndtr, ndtri

_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494")


def _phi_far(x: float) -> float:
    """``Phi(x)`` for ``x <= -3`` to 60 digits: ``phi(x)`` over Laplace's continued fraction
    of the Mills ratio, ``a + 1/(a + 2/(a + 3/(a + ...)))`` with ``a = -x``."""
    getcontext().prec = 60
    a = -Decimal(x)
    f = a
    for n in range(2000, 0, -1):
        f = a + n / f
    return float((-(a * a) / 2).exp() / (2 * _PI).sqrt() / f)


def _rel(ours: np.ndarray, ref: np.ndarray) -> float:
    return float(np.max(np.abs(ours - ref) / np.abs(ref)))


def test_ndtr_matches_scipy_on_a_dense_grid() -> None:
    """Where SciPy is itself accurate (it computes ``erfc(x / sqrt(2))``, whose rounded
    argument costs it ``x^2 eps`` of relative error farther out)."""
    x = np.linspace(-5.0, 9.0, 1_400_001)
    assert _rel(ndtr(x), special.ndtr(x)) <= 1e-14


def test_ndtr_far_tail_matches_a_60_digit_reference_down_to_1e_300() -> None:
    x = np.concatenate([np.linspace(-37.0, -3.0, 341), [-5.0 - 1e-9, -36.98096700000001]])
    ref = np.array([_phi_far(float(v)) for v in x])
    assert ref.min() >= 1e-300
    assert _rel(ndtr(x), ref) <= 1e-14
    # SciPy agrees to its own (coarser) precision there
    assert _rel(ndtr(x), special.ndtr(x)) <= 5e-13


def test_ndtri_matches_scipy_from_1e_300_to_1_minus_1e_16() -> None:
    p = np.concatenate([np.logspace(-300, -1, 600_001), np.linspace(0.05, 0.95, 900_001),
                        1.0 - np.logspace(-16, -1, 300_001)])
    p = p[(p > 1e-300) & (p < 1.0 - 1e-16)]
    ref = special.ndtri(p)
    nonzero = ref != 0.0
    assert _rel(ndtri(p)[nonzero], ref[nonzero]) <= 1e-14


def test_special_values() -> None:
    assert ndtr(0.0) == 0.5 and ndtri(0.5) == 0.0
    assert list(ndtr(np.array([-np.inf, np.inf]))) == [0.0, 1.0]
    assert list(ndtri(np.array([0.0, 1.0]))) == [-np.inf, np.inf]
    assert np.isnan(ndtr(np.nan)) and np.isnan(ndtri(np.nan))
    assert np.isnan(ndtri(np.array([-0.1, 1.1]))).all()
    assert 2.8e-316 < float(ndtr(-38.0)) < 3.0e-316  # subnormal, not flushed to 0
    assert ndtr(-40.0) == 0.0 and ndtr(40.0) == 1.0
    assert ndtr(np.zeros((2, 3))).shape == (2, 3) and ndtri(np.full((4, 1), 0.3)).shape == (4, 1)


def test_symmetry_and_monotonicity() -> None:
    x = np.linspace(-8.0, 8.0, 160_001)
    lo, hi = ndtr(-x), ndtr(x)
    assert np.max(np.abs(lo + hi - 1.0)) <= 2e-16
    assert np.all(np.diff(hi) >= 0.0)
    p = np.arange(1, 2**18) / 2**18  # 1 - p exact
    q = ndtri(p)
    assert np.all(np.diff(q) > 0.0)
    assert np.max(np.abs(q + ndtri(1.0 - p)) / np.abs(q).clip(1e-300)) <= 1e-13


@pytest.mark.parametrize(("lo", "hi"), [(1e-300, 1e-10), (1e-10, 0.2), (0.2, 0.8)])
def test_round_trip(lo: float, hi: float) -> None:
    """``ndtr(ndtri(p))`` is ``p`` within the rounding of ``x = ndtri(p)`` magnified by
    ``d log Phi / d log x``, about ``x^2`` in the tail."""
    p = np.geomspace(lo, hi, 50_001)
    x = ndtri(p)
    assert np.max(np.abs(ndtr(x) - p) / p / (1.0 + x * x)) <= 2e-15
    x = np.linspace(-30.0, 5.0, 50_001)
    assert np.max(np.abs(ndtri(ndtr(x)) - x)) <= 1e-10
