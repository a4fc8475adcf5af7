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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

HORIZON = 10
DISCOUNT = 0.05
Z95 = 1.6448536269514722  # the standard normal 95th percentile: a 90% interval is +- Z95 sd


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
