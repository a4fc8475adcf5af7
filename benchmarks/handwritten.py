"""The two-option model of ``models/two_options.yaml``, written by hand in NumPy.

The same distributions and the same semantics as the engine (docs/simulation.md):

* ``salary`` lognormal with 90% in [90k, 110k], ``raise_rate`` lognormal with 90% in
  [2%, 5%], both drawn once per draw and shared by the two options;
* stay: cash grows by the raise every year; at the end of each year t (t + 1 < horizon)
  spent in the job a 10% hazard moves the draw to a role paying ``previous * 0.8`` from
  year t + 1 on (``previous`` = the base cash paid in year t), which then grows by the raise;
* switch: a 20% pay cut; the promotion fires when tenure reaches max(1, round(T)),
  T lognormal with 90% in [2, 4], and a fresh uniform for that year is below 50%; the
  promoted role pays ``previous * 1.5`` and grows by the raise;
* NPV = sum_t cash_t / 1.05^t over years 0..9; the value of an option is its NPV.

It is the code a careful person would write: vectorised over draws, a loop over the years,
float64 throughout, one PCG64 generator, NPV accumulated year by year.

Two versions: :func:`simulate` computes the per-draw NPVs only (their means are all the
benchmark then takes); :func:`report` computes everything `crossroads run` reports for this
model (the `run --json` of docs/cli.md), so that the engine can be timed against the same work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

HORIZON = 10
DISCOUNT = 0.05
Z95 = 1.6448536269514722  # the standard normal 95th percentile: a 90% interval is +- Z95 sd
OPTIONS = ("stay", "switch")   # stay is the baseline
SCREEN_DRAWS = 200_000         # the cash fan and the input screen use the first draws only
HIST_BINS = 40


@dataclass(frozen=True)
class TwoOptions:
    """Per-draw NPVs of the two options."""

    stay: FloatArray
    switch: FloatArray

    @property
    def difference(self) -> FloatArray:
        """Value of switching minus value of staying, per draw."""
        return self.switch - self.stay


def lognormal_90(rng: np.random.Generator, lo: float, hi: float, n: int) -> FloatArray:
    """Lognormal draws whose 5th and 95th percentiles are ``lo`` and ``hi``."""
    mu = (math.log(lo) + math.log(hi)) / 2.0
    sigma = (math.log(hi) - math.log(lo)) / (2.0 * Z95)
    return np.exp(mu + sigma * rng.standard_normal(n))


def stay_npv(rng: np.random.Generator, salary: FloatArray, growth: FloatArray) -> FloatArray:
    """Stay: a yearly 10% layoff hazard to a role paying 0.8 x the previous base cash."""
    base = salary.copy()
    in_job = np.ones(salary.size, dtype=bool)
    npv = base.copy()
    for t in range(HORIZON - 1):
        laid_off = in_job & (rng.random(salary.size) < 0.10)
        in_job &= ~laid_off
        base = np.where(laid_off, base * 0.8, base * growth)
        npv += base * (1.0 + DISCOUNT) ** -(t + 1)
    return npv


def switch_npv(rng: np.random.Generator, salary: FloatArray, growth: FloatArray,
               after: FloatArray) -> FloatArray:
    """Switch: a 20% cut, then a 50% chance of a promotion to 1.5 x the previous cash."""
    base = salary * 0.8
    years = np.maximum(1.0, np.rint(after))
    junior = np.ones(salary.size, dtype=bool)
    npv = base.copy()
    for t in range(HORIZON - 1):
        promoted = junior & (years == t + 1) & (rng.random(salary.size) < 0.5)
        junior &= ~promoted
        base = np.where(promoted, base * 1.5, base * growth)
        npv += base * (1.0 + DISCOUNT) ** -(t + 1)
    return npv


def simulate(n: int, seed: int) -> TwoOptions:
    """Both options on ``n`` common draws of salary and raise."""
    rng = np.random.default_rng(seed)
    salary = lognormal_90(rng, 90e3, 110e3, n)
    growth = 1.0 + lognormal_90(rng, 0.02, 0.05, n)
    after = lognormal_90(rng, 2.0, 4.0, n)
    return TwoOptions(stay_npv(rng, salary, growth), switch_npv(rng, salary, growth, after))


def random_count(n: int) -> tuple[int, int]:
    """(normals, uniforms) this version draws for ``n`` draws."""
    return 3 * n, 2 * (HORIZON - 1) * n


# --- the whole report -------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    """What one walk over the years leaves; option arrays are (2, n), stay first."""

    npv: FloatArray          # cumulative discounted cash at the end: the NPV
    first: FloatArray        # base cash in year 0
    break_even: np.ndarray   # (n,) switch against stay: last year behind + 1 (HORIZON: never)
    fan: FloatArray          # (2, HORIZON, m) cumulative discounted cash of the first m draws
    params: dict[str, FloatArray]


def walk(n: int, seed: int) -> Paths:
    """Both options in one loop over the years, so break-even is tracked as it goes."""
    rng = np.random.default_rng(seed)
    salary = lognormal_90(rng, 90e3, 110e3, n)
    raise_rate = lognormal_90(rng, 0.02, 0.05, n)
    growth = 1.0 + raise_rate
    promote_at = np.maximum(1.0, np.rint(lognormal_90(rng, 2.0, 4.0, n)))
    cash = np.stack([salary, salary * 0.8])   # this year's base cash: stay, switch
    first, cumulative = cash.copy(), cash.copy()
    m = min(n, SCREEN_DRAWS)
    fan = np.empty((2, HORIZON, m))
    fan[:, 0] = cumulative[:, :m]
    break_even = np.zeros(n, np.int64)
    break_even[cumulative[1] < cumulative[0]] = 1
    in_job, junior = np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    for t in range(1, HORIZON):
        laid_off = in_job & (rng.random(n) < 0.10)
        in_job &= ~laid_off
        cash[0] = np.where(laid_off, cash[0] * 0.8, cash[0] * growth)
        promoted = junior & (promote_at == t) & (rng.random(n) < 0.5)
        junior &= ~promoted
        cash[1] = np.where(promoted, cash[1] * 1.5, cash[1] * growth)
        cumulative += cash * (1.0 + DISCOUNT) ** -t
        fan[:, t] = cumulative[:, :m]
        break_even[cumulative[1] < cumulative[0]] = t + 1
    return Paths(cumulative, first, break_even, fan,
                 {"salary": salary, "raise_rate": raise_rate})


def report(n: int, seed: int) -> dict[str, Any]:
    """What `crossroads run --json` reports for this model, computed directly; plain data.

    Value is NPV here (the model has no criteria), so its statistics are computed once.
    """
    paths = walk(n, seed)
    value = paths.npv
    stats, first = _stats(value), _stats(paths.first)
    se = value.std(axis=1, ddof=1) / math.sqrt(n)
    best = p_best(value)
    regret = value.max(axis=0) - value
    gap = value - value[0]
    lo, hi = np.percentile(value, [0.5, 99.5])
    edges = np.linspace(lo, hi, HIST_BINS + 1).tolist()
    fan = np.percentile(paths.fan, [5, 50, 95], axis=2)   # (3, 2, HORIZON)
    options = {}
    for i, name in enumerate(OPTIONS):
        counts, _ = np.histogram(np.clip(value[i], lo, hi), bins=HIST_BINS, range=(lo, hi))
        options[name] = {
            "npv": stats[i], "value": stats[i], "first_year_base": first[i],
            "p_best": float(best[i]),
            "mcse": {"npv_mean": float(se[i]), "value_mean": float(se[i]),
                     "p_best": math.sqrt(best[i] * (1.0 - best[i]) / n)},
            "regret": {"mean": float(regret[i].mean()),
                       "p_positive": float((regret[i] > 0).mean())},
            "vs_baseline": {"value_mean": float(gap[i].mean()),
                            "p_better": float((gap[i] > 0).mean())},
            "break_even": None if i == 0 else break_even_summary(paths.break_even),
            "value_hist": {"edges": edges, "counts": counts.astype(float).tolist()},
            "cumulative_cash": {k: fan[j, i].tolist() for j, k in enumerate(("p5", "p50", "p95"))},
        }
    return {"samples": n, "horizon": HORIZON, "baseline": OPTIONS[0], "options": options,
            "screen": screen(value, paths.params)}


def _stats(x: FloatArray) -> list[dict[str, float]]:
    """Per row: mean, 5th, 50th and 95th percentiles."""
    mean = x.mean(axis=1)
    p5, p50, p95 = np.percentile(x, [5, 50, 95], axis=1)
    return [{"mean": float(mean[i]), "p5": float(p5[i]), "p50": float(p50[i]),
             "p95": float(p95[i])} for i in range(x.shape[0])]


def p_best(value: FloatArray) -> FloatArray:
    """P(each option has the highest value), ties split evenly."""
    top = value == value.max(axis=0)
    return np.asarray((top / top.sum(axis=0)).mean(axis=1))


def break_even_summary(years: np.ndarray) -> dict[str, Any]:
    """P(break-even year <= t) for each year, P(within the horizon), the median year."""
    counts = np.bincount(years, minlength=HORIZON + 1)
    p_by_year = np.cumsum(counts[:HORIZON]) / years.size
    reached = np.flatnonzero(p_by_year >= 0.5)
    return {"p_within_horizon": float(p_by_year[-1]),
            "median_year": int(reached[0]) if reached.size else None,
            "p_by_year": p_by_year.tolist()}


def screen(value: FloatArray, params: dict[str, FloatArray]) -> dict[str, float]:
    """Spearman correlation of each param with the value gap of the two leading options."""
    m = min(value.shape[1], SCREEN_DRAWS)
    lead, second = np.argsort(value.mean(axis=1))[::-1][:2]
    gap_rank = ranks(value[lead, :m] - value[second, :m])
    out = {name: float(np.corrcoef(ranks(x[:m]), gap_rank)[0, 1]) for name, x in params.items()}
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


def ranks(x: FloatArray) -> FloatArray:
    """Ranks 1..n by argsort (continuous draws: no ties)."""
    r = np.empty(x.size)
    r[np.argsort(x)] = np.arange(1.0, x.size + 1.0)
    return r
