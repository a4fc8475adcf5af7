"""Downside and dominance: regret, CVaR, stochastic dominance, P(a beats b).

Usage::

    risk_profile(values, option_ids, baseline=0, threshold=50_000).to_dict()
    cvar(values, alpha=0.1)                 # mean of each option's worst 10% of draws
    first_order_dominance(values)           # which option's distribution dominates which

All functions take ``values`` of shape ``(n_options, n_draws)`` drawn with common random
numbers, so per-draw comparisons (regret, P(a beats b)) compare the same future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crossroads._types import BoolArray, FloatArray

KS_95 = 1.358      # two-sample Kolmogorov-Smirnov constants c(alpha) in c sqrt(2 / n):
KS_999 = 1.949     # 95% and 99.9% (c = sqrt(-ln(alpha / 2) / 2))


def _check(values: FloatArray) -> FloatArray:
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] == 0:
        raise ValueError("values must have shape (n_options, n_draws >= 1)")
    return v


def regret(values: FloatArray) -> FloatArray:
    """Per draw, how much each option falls short of the best option in that draw.

    regret[i, j] = max_k values[k, j] - values[i, j] >= 0.

    >>> regret(np.array([[1.0, 5.0], [3.0, 2.0]])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    v = _check(values)
    return np.asarray(v.max(axis=0) - v)


def p_regret_above(values: FloatArray, threshold: float = 0.0) -> FloatArray:
    """P(regret > threshold) per option: how often it leaves more than that on the table.

    >>> p_regret_above(np.array([[1.0, 5.0], [3.0, 2.0]]), 2.5).tolist()
    [0.0, 0.5]
    """
    return np.asarray((regret(values) > threshold).mean(axis=1))


def p_behind(values: FloatArray, baseline: int, threshold: float = 0.0) -> FloatArray:
    """P(baseline - option > threshold): how often choosing it costs more than that
    against staying with the baseline (0 for the baseline itself).

    >>> p_behind(np.array([[0.0, 0.0, 0.0], [-2.0, 1.0, -0.5]]), 0, 1.0).tolist()
    [0.0, 0.3333333333333333]
    """
    v = _check(values)
    return np.asarray((v[baseline] - v > threshold).mean(axis=1))


def cvar(values: FloatArray, alpha: float = 0.1) -> FloatArray:
    """Conditional value at risk: the mean of each option's worst ``alpha`` share of draws.

    With k = alpha * n not an integer, the draw at the boundary counts fractionally, so
    the estimator is the exact lower-tail mean of the empirical distribution.

    >>> cvar(np.array([[1.0, 2.0, 3.0, 4.0]]), alpha=0.5).tolist()
    [1.5]
    """
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha must be in (0, 1]")
    v = _check(values)
    k = alpha * v.shape[1]
    whole = int(np.floor(k))
    head = np.sort(v, axis=1)[:, : whole + 1]
    total = head[:, :whole].sum(axis=1)
    if k > whole:
        total = total + (k - whole) * head[:, whole]
    return np.asarray(total / k)


def p_beats(values: FloatArray) -> FloatArray:
    """P(a beats b) for every ordered pair, in the same draw: ``[a, b] = P(V_a > V_b)``.

    >>> p_beats(np.array([[1.0, 5.0], [3.0, 2.0]])).tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    v = _check(values)
    return np.asarray((v[:, None, :] > v[None, :, :]).mean(axis=2))


@dataclass(frozen=True, eq=False)
class Dominance:
    """First-order stochastic dominance between every pair of options.

    ``gap[a, b] = max_x (F_a(x) - F_b(x))``: how far a's CDF ever rises above b's (0 when
    a's distribution is everywhere at least as far right). ``dominates[a, b]``: a FSD b,
    i.e. gap[a, b] <= tol (no real violation) and gap[b, a] > margin (a real advantage).
    """

    dominates: BoolArray
    gap: FloatArray
    tol: float
    margin: float


def first_order_dominance(values: FloatArray, tol: float | None = None,
                          margin: float | None = None) -> Dominance:
    """Which option's value distribution first-order dominates which (empirical CDFs).

    ``tol`` forgives sampling noise where a's CDF pokes above b's; by default the
    two-sample Kolmogorov-Smirnov 95% distance 1.358 sqrt(2 / n). ``margin`` is the
    advantage needed somewhere, by default the 99.9% distance 1.949 sqrt(2 / n), so two
    draws of the same distribution are called dominant about once in a thousand.

    >>> d = first_order_dominance(np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]), 0.0, 0.0)
    >>> d.dominates.tolist(), d.gap.round(3).tolist()
    ([[False, False], [True, False]], [[0.0, 0.333], [0.0, 0.0]])
    """
    v = _check(values)
    n = v.shape[1]
    tol = KS_95 * float(np.sqrt(2.0 / n)) if tol is None else tol
    margin = KS_999 * float(np.sqrt(2.0 / n)) if margin is None else margin
    grid = np.sort(v, axis=None)
    cdf = np.stack([np.searchsorted(np.sort(row), grid, side="right") / n for row in v])
    m = v.shape[0]
    gap = np.zeros((m, m))
    for a in range(m):
        for b in range(m):
            if a != b:
                gap[a, b] = max(float((cdf[a] - cdf[b]).max()), 0.0)
    dominates = (gap <= tol) & (gap.T > margin)
    np.fill_diagonal(dominates, False)
    return Dominance(dominates, gap, float(tol), float(margin))


@dataclass(frozen=True, eq=False)
class RiskResult:
    """Downside figures per option; ``to_dict()`` keys options by id."""

    option_ids: tuple[str, ...]
    baseline: int
    threshold: float
    alpha: float
    cvar: FloatArray
    p_regret: FloatArray
    p_behind: FloatArray
    p_beats: FloatArray
    dominance: Dominance

    def to_dict(self) -> dict[str, object]:
        ids = self.option_ids
        return {
            "baseline": ids[self.baseline], "threshold": self.threshold, "alpha": self.alpha,
            "options": {o: {"cvar": float(self.cvar[i]), "p_regret": float(self.p_regret[i]),
                            "p_behind_baseline": float(self.p_behind[i]),
                            "p_beats": {p: float(self.p_beats[i, k])
                                        for k, p in enumerate(ids) if k != i},
                            "dominates": [p for k, p in enumerate(ids)
                                          if self.dominance.dominates[i, k]]}
                        for i, o in enumerate(ids)},
            "dominance_tolerance": self.dominance.tol,
            "dominance_margin": self.dominance.margin,
        }


def risk_profile(values: FloatArray, option_ids: Sequence[str], *, baseline: int = 0,
                 threshold: float = 0.0, alpha: float = 0.1) -> RiskResult:
    """CVaR, P(regret > threshold), P(behind baseline by > threshold), P(a beats b), FSD.

    >>> r = risk_profile(np.stack([np.zeros(100), np.linspace(1, 2, 100)]), ["stay", "go"])
    >>> r.to_dict()["options"]["go"]["dominates"]
    ['stay']
    """
    v = _check(values)
    if len(option_ids) != v.shape[0]:
        raise ValueError(f"{len(option_ids)} option ids for {v.shape[0]} options")
    return RiskResult(tuple(option_ids), baseline, threshold, alpha, cvar(v, alpha),
                      p_regret_above(v, threshold), p_behind(v, baseline, threshold),
                      p_beats(v), first_order_dominance(v))
