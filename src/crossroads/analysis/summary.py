"""From simulated outcomes to the numbers `run` reports: values, p_best, break-even.

Definitions (PRODUCT.md, the contract):

* NPV = sum over years of cash_t / (1+r)^t;
* value = NPV + for each criterion with a worth: worth x sum_t score_t / (1+r)^t;
* a criterion's reported score is its discounted average, sum_t d_t score_t / sum_t d_t;
* break-even of an option against the baseline, per draw: the first year t from which the
  option's cumulative discounted cash stays at or above the baseline's through the horizon;
  none if it ends behind.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def reduce(outcomes: Outcomes, baseline: int, views: tuple[int, ...] = ()) -> Reduced:
    """Collapse the years: what each option is worth in each draw.

    ``views`` are shorter horizons (say 4 of 10 years) whose value is also reported. The
    work is done on year-major (n_options, horizon, n) memory, where a year's draws are
    contiguous, as the simulator wrote them.
    """
    d = outcomes.discount
    cash = year_major(outcomes.cash)
    criteria = {c: year_major(x) for c, x in outcomes.criteria.items()}
    money = np.einsum("ohn,h->on", cash, d)
    points = {c: np.einsum("ohn,h->on", x, d) for c, x in criteria.items()}
    value = value_of(money, points, outcomes.worth)
    scores = {c: p / d.sum() for c, p in points.items()}
    cumulative = np.cumsum(cash * d[np.newaxis, :, np.newaxis], axis=1)
    partial = {
        v: value_of(cumulative[:, v - 1, :],
                    {c: np.einsum("ohn,h->on", x[:, :v], d[:v]) for c, x in criteria.items()},
                    outcomes.worth)
        for v in views
    }
    return Reduced(money, value, points, scores, _break_even_year_major(cumulative, baseline),
                   np.moveaxis(cumulative, 1, 2), partial, outcomes.first_salary)


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
    return _break_even_year_major(year_major(cumulative), baseline)


def _break_even_year_major(cumulative: FloatArray, baseline: int) -> np.ndarray:
    horizon = cumulative.shape[1]
    ahead = cumulative >= cumulative[baseline][np.newaxis]
    # "stays ahead from t on" is a logical AND over the suffix t..horizon-1.
    stays = np.flip(np.logical_and.accumulate(np.flip(ahead, axis=1), axis=1), axis=1)
    first = np.where(stays.any(axis=1), stays.argmax(axis=1), horizon)
    return np.asarray(first, dtype=np.int16)


def stats(x: FloatArray) -> dict[str, float]:
    """Mean and the 5th, 50th and 95th percentiles over the last axis.

    >>> stats(np.arange(101.0))
    {'mean': 50.0, 'p5': 5.0, 'p50': 50.0, 'p95': 95.0}
    """
    p5, p50, p95 = np.percentile(x, [5, 50, 95])
    return {"mean": float(np.mean(x)), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def p_best(value: FloatArray) -> FloatArray:
    """P(each option has the highest value); ties are split evenly.

    >>> p_best(np.array([[1.0, 2.0], [1.0, 0.0]])).tolist()
    [0.75, 0.25]
    """
    top = value == value.max(axis=0, keepdims=True)
    return np.asarray((top / top.sum(axis=0, keepdims=True)).mean(axis=1))


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
    """The p5-p50-p95 band of cumulative discounted cash per year, over draws."""
    q = np.percentile(cumulative, [5, 50, 95], axis=0)
    return {k: [float(v) for v in row] for k, row in zip(("p5", "p50", "p95"), q, strict=True)}
