"""From simulated outcomes to the numbers `run` reports: values, p_best, break-even.

Definitions (docs/simulation.md and docs/cli.md, the contract):

* NPV = sum over years of cash_t / (1+r)^t;
* value = NPV + for each criterion with a worth: worth x sum_t score_t / (1+r)^t, plus the
  terminal value when the file asks for one (docs/money.md); NPV is after tax;
* a criterion's reported score is its discounted average, sum_t d_t score_t / sum_t d_t;
* break-even of an option against the baseline, per draw: the first year t from which the
  option's cumulative discounted cash stays at or above the baseline's through the horizon;
  none if it ends behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from crossroads._types import FloatArray
from crossroads.simulate.paths import Outcomes


@dataclass(frozen=True)
class Reduced:
    """Per-draw results of one chunk; arrays are (n_options, n) unless noted."""

    npv: FloatArray
    value: FloatArray
    points: dict[str, FloatArray]   # discounted sum of yearly scores
    scores: dict[str, FloatArray]   # discounted average score
    break_even: np.ndarray          # int16 year, horizon meaning "never"
    cumulative: FloatArray          # (n_options, n, horizon) cumulative discounted cash
    views: dict[int, FloatArray]    # value counting only the first V years
    first_salary: FloatArray        # base cash in year 0
    #: NPV before tax (docs/money.md); None when nothing is taxed (it equals ``npv``)
    npv_pre_tax: FloatArray | None = None
    #: discounted value past the horizon, counted in ``value`` beside ``npv``; None when off
    terminal: FloatArray | None = None


def reduce(outcomes: Outcomes, baseline: int, views: tuple[int, ...] = (), *,
           keep_cumulative: bool = True) -> Reduced:
    """Collapse the years: what each option is worth in each draw.

    ``views`` are shorter horizons (say 4 of 10 years) whose value is also reported. The
    work is done on year-major (n_options, horizon, n) memory, where a year's draws are
    contiguous, as the simulator wrote them. Without ``keep_cumulative`` the cumulative
    cash is walked through two rows and ``Reduced.cumulative`` is empty (0 draws).
    """
    d = outcomes.discount
    criteria = {c: year_major(x) for c, x in outcomes.criteria.items()}
    points = {c: np.einsum("ohn,h->on", x, d) for c, x in criteria.items()}
    scores = {c: p / d.sum() for c, p in points.items()}
    walk = _walk_cash(year_major(outcomes.cash), d, baseline, views, keep_cumulative)
    money = walk.at[len(d)]   # the sum over all years: NPV
    pre_tax = (np.einsum("ont,t->on", outcomes.pre_tax, d)
               if outcomes.pre_tax is not None else None)
    valued = money if outcomes.terminal is None else money + outcomes.terminal
    partial = {
        v: value_of(walk.at[v],
                    {c: np.einsum("ohn,h->on", x[:, :v], d[:v]) for c, x in criteria.items()},
                    outcomes.worth)
        for v in views
    }
    return Reduced(money, value_of(valued, points, outcomes.worth), points, scores,
                   walk.break_even, np.moveaxis(walk.cumulative, 1, 2), partial,
                   outcomes.first_salary, pre_tax, outcomes.terminal)


@dataclass(frozen=True)
class _CashWalk:
    cumulative: FloatArray       # (n_options, horizon, n), or (n_options, horizon, 0)
    at: dict[int, FloatArray]    # cumulative discounted cash of the first v years
    break_even: np.ndarray       # (n_options, n) int16


def _walk_cash(cash: FloatArray, d: FloatArray, baseline: int, stops: tuple[int, ...],
               keep: bool) -> _CashWalk:
    """Cumulative discounted cash and break-even in one pass over the years.

    A running sum, ``c[t] = c[t-1] + cash[t] d[t]``: the additions of ``np.cumsum`` in
    the same order, so the same bits, without the ``cash * d`` temporary. Without
    ``keep`` only two years are held. Break-even is one plus the last year the option is
    behind: ``horizon`` ("never") when it ends behind, 0 when it is never behind.
    """
    o, h, n = cash.shape
    cumulative = np.empty((o, h, n if keep else 0))
    rolling = np.empty((2, o, n))

    def row(t: int) -> FloatArray:
        return cumulative[:, t] if keep else rolling[t % 2]

    first = np.zeros((o, n), np.int16)
    behind = np.empty((o, n), np.bool_)
    at: dict[int, FloatArray] = {}
    for t in range(h):
        now = row(t)
        np.multiply(cash[:, t], d[t], out=now)
        if t:
            np.add(now, row(t - 1), out=now)
        _mark_behind(now, baseline, t, first, behind)
        if t + 1 in stops or t + 1 == h:
            at[t + 1] = now.copy()   # a view would keep the whole walk alive
    return _CashWalk(cumulative, at, first)


def year_major(a: np.ndarray) -> np.ndarray:
    """An (n_options, n, horizon) array as an (n_options, horizon, n) view."""
    return np.moveaxis(a, 2, 1)


def value_of(money: FloatArray, points: Mapping[str, FloatArray],
             worth: Mapping[str, FloatArray]) -> FloatArray:
    """The value model: NPV + sum over criteria with a worth of worth x discounted points."""
    value = money.copy()
    for c, w in worth.items():
        value += w[np.newaxis, :] * points[c]
    return value


def break_even_years(cumulative: FloatArray, baseline: int) -> np.ndarray:
    """Per option and draw: the first year from which cumulative cash stays >= the baseline's.

    ``cumulative`` is (n_options, n, horizon); the result is (n_options, n) with ``horizon``
    meaning "never" (behind at the end).

    >>> c = np.array([[[0.0, 0.0, 0.0]], [[-5.0, 1.0, 2.0]]])   # baseline 0, option 1
    >>> break_even_years(c, 0)[1].tolist()
    [1]
    """
    by_year = year_major(cumulative)
    first = np.zeros(by_year[:, 0].shape, np.int16)
    behind = np.empty(first.shape, np.bool_)
    for t in range(by_year.shape[1]):
        _mark_behind(by_year[:, t], baseline, t, first, behind)
    return first


def _mark_behind(now: FloatArray, baseline: int, t: int, first: np.ndarray,
                 behind: np.ndarray) -> None:
    """Year ``t`` of the walk: where an option is behind, break-even is ``t + 1`` at the
    earliest. ``first`` is the running maximum of ``(t + 1) x behind``, so the last year
    behind wins (a masked copy would be ten times slower)."""
    np.greater_equal(now, now[baseline], out=behind)
    np.logical_not(behind, out=behind)   # not "ahead", so a NaN counts as behind
    np.maximum(first, np.multiply(behind, np.int16(t + 1)), out=first)


def stats(x: FloatArray) -> dict[str, float]:
    """Mean and the 5th, 50th and 95th percentiles over the last axis.

    >>> stats(np.arange(101.0))
    {'mean': 50.0, 'p5': 5.0, 'p50': 50.0, 'p95': 95.0}
    """
    p5, p50, p95 = np.percentile(x, [5, 50, 95])
    return {"mean": float(np.mean(x)), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def p_best(value: FloatArray, best: FloatArray | None = None) -> FloatArray:
    """P(each option has the highest value); ties are split evenly. ``best`` is
    ``value.max(axis=0)`` when the caller has it already.

    >>> p_best(np.array([[1.0, 2.0], [1.0, 0.0]])).tolist()
    [0.75, 0.25]
    """
    top = value == (value.max(axis=0) if best is None else best)
    shared = top.sum(axis=0, keepdims=True)
    if np.all(shared == 1):  # no ties: the mean of 0/1 shares is the count over n, exactly
        return np.asarray(np.count_nonzero(top, axis=1) / value.shape[1])
    return np.asarray((top / shared).mean(axis=1))


def break_even_summary(years: np.ndarray, horizon: int) -> dict[str, object]:
    """`p_by_year[t]` = P(break-even year <= t); the median treats "never" as infinity.

    The median is the first year t with P(year <= t) >= 1/2, null when that never happens.

    >>> break_even_summary(np.array([0, 2, 3, 3]), 3)["median_year"]
    2
    """
    counts = np.bincount(years.astype(np.int64), minlength=horizon + 1)
    return break_even_counts_summary(counts, years.size)


def break_even_counts_summary(counts: np.ndarray, n: int) -> dict[str, object]:
    """The same from counts per break-even year (the last slot counting "never").

    >>> break_even_counts_summary(np.array([1, 0, 1, 2]), 4)["p_by_year"]
    [0.25, 0.25, 0.5]
    """
    p_by_year = np.cumsum(counts[:-1]) / n
    reached = np.nonzero(p_by_year >= 0.5)[0]
    return {
        "p_within_horizon": float(p_by_year[-1]),
        "median_year": int(reached[0]) if reached.size else None,
        "p_by_year": [float(p) for p in p_by_year],
    }


def mcse_p(p: float, n: int) -> float:
    """Monte Carlo standard error of a probability: sqrt(p (1 - p) / n).

    >>> mcse_p(0.5, 100)
    0.05
    """
    return float(np.sqrt(p * (1.0 - p) / n))


def fan(cumulative: FloatArray) -> dict[str, list[float]]:
    """The p5-p50-p95 band of cumulative discounted cash per year, over draws.

    ``cumulative`` is (n, horizon); the numbers are ``np.percentile(cumulative, q, axis=0)``.

    >>> fan(np.array([[0.0, 1.0], [10.0, 3.0]]))["p50"]
    [5.0, 2.0]
    """
    q = percentile(cumulative.T, (5, 50, 95))
    return {k: [float(v) for v in row] for k, row in zip(("p5", "p50", "p95"), q, strict=True)}


def percentile(a: np.ndarray, q: Sequence[float], *, overwrite_input: bool = False) -> FloatArray:
    """``np.percentile(a, q, axis=-1)`` (linear interpolation), bit for bit, by partitioning.

    Shape ``(len(q),) + a.shape[:-1]``. Only the order statistics on either side of each
    percentile are placed, so the cost is O(n) rather than a sort's O(n log n). With
    ``overwrite_input`` the rows of ``a`` are partitioned in place instead of a copy.

    >>> percentile(np.array([[4.0, 1.0, 3.0, 2.0]]), [5, 50]).tolist()
    [[1.15], [2.5]]
    """
    n = a.shape[-1]
    virtual = (n - 1) * (np.asarray(q, dtype=np.float64) / 100)
    lo = np.minimum(np.floor(virtual), n - 1)
    hi = np.minimum(lo + 1, n - 1)
    values = order_statistics(a if overwrite_input else a.copy(),
                              [int(k) for k in (*lo, *hi, n - 1)])
    below, above, top = values[:len(lo)], values[len(lo):-1], values[-1]
    gamma = (virtual - lo).reshape((-1,) + (1,) * (a.ndim - 1))
    # numpy's _lerp: from the nearer side, so the ends are exact
    diff = above - below
    out = np.asarray(below + diff * gamma)
    np.subtract(above, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe",
                dtype=out.dtype)
    out[..., np.isnan(top)] = np.nan   # as numpy: a row holding a NaN has NaN percentiles
    return out


def order_statistics(a: np.ndarray, ranks: Sequence[int]) -> np.ndarray:
    """``np.sort(a, axis=-1)[..., ranks]`` (moved to the front) without sorting.

    ``a`` is partitioned in place, once per needed rank and only within the stretch where
    that rank can be; a rank at the end of a stretch is its minimum or maximum. Like
    ``np.sort``, NaN counts as the largest value.

    >>> order_statistics(np.array([5.0, 1.0, 4.0, 2.0, 3.0]), [0, 2, 4]).tolist()
    [1.0, 3.0, 5.0]
    """
    found: dict[int, np.ndarray] = {}
    _select(a, sorted(set(ranks)), 0, found)
    return np.stack([found[k] for k in ranks])


def _select(a: np.ndarray, ranks: list[int], offset: int, found: dict[int, np.ndarray]) -> None:
    n = a.shape[-1]
    if ranks == [0]:
        found[offset] = np.fmin.reduce(a, axis=-1)   # fmin skips NaN, which sorts last
    elif ranks == [n - 1]:
        found[offset + n - 1] = np.max(a, axis=-1)   # max keeps NaN, which sorts last
    elif ranks:
        mid = ranks[len(ranks) // 2]
        a.partition(mid, axis=-1)
        found[offset + mid] = a[..., mid].copy()
        _select(a[..., :mid], [k for k in ranks if k < mid], offset, found)
        _select(a[..., mid + 1:], [k - mid - 1 for k in ranks if k > mid], offset + mid + 1,
                found)
