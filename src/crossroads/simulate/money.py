"""Money: discounting, NPV and equity that is worth something only when it can be sold.

Equity model (docs/simulation.md, "Equity"). Every grant at a company vests on its own
schedule from the year it is granted; what vested is paid when the company's shares can be
sold. Each employment at a company has one fate per draw, drawn when it begins: an exit in a
given year (or never), or a failure (the walker ends the job and calls :meth:`forfeit`). At
the exit, shares vested so far are paid at the ``multiple``, and shares not yet vested are
accelerated, kept vesting, or forfeited; after it, shares pay at the multiple as they vest.
A public company exits in the year it is joined, so its shares pay as they vest. Leaving
the company forfeits what has not been paid: unvested shares, and vested options of a
private company (the exercise window is taken as passed up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossroads._types import FloatArray


def discount_factors(rate: float, horizon: int) -> FloatArray:
    """Weights 1/(1+r)^t for years t = 0..horizon-1 (year 0 is not discounted).

    >>> discount_factors(0.10, 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    return np.asarray((1.0 + rate) ** -np.arange(horizon, dtype=np.float64))


def npv(cash: FloatArray, factors: FloatArray) -> FloatArray:
    """Net present value over the last axis (years).

    >>> float(npv(np.array([100.0, 110.0]), discount_factors(0.10, 2)))
    200.0
    """
    # einsum walks any memory layout without copying (outcomes are year-major views).
    return np.asarray(np.einsum("...t,t->...", cash, factors))


#: The exit year of an employment that does not exit.
NEVER = np.iinfo(np.int32).max


@dataclass
class EquityState:
    """One company's shares held by each draw in its current employment there.

    ``vesting[t]`` is the grant value vesting at the end of year t, summed over every grant
    of the employment; ``pool`` what has vested and not been paid; ``exit_year`` the year
    of this employment's exit (:data:`NEVER` for none).

    >>> s = EquityState.empty(n=1, rows=6, multiple=np.array([3.0]), unvested="keep")
    >>> s.exit_year[:] = 2
    >>> s.grant(0, np.array([0]), np.array([400.0]), (0.25, 0.25, 0.25, 0.25))
    >>> [float(s.pay(t)[0]) for t in range(5)]
    [0.0, 0.0, 900.0, 300.0, 0.0]
    """

    vesting: FloatArray       # (years + longest schedule, n), year-major
    pool: FloatArray          # (n,) vested, not yet paid, at grant value
    exit_year: np.ndarray     # (n,) int64
    multiple: FloatArray      # (n,)
    unvested: str             # accelerate | keep | forfeit, at the exit

    @classmethod
    def empty(cls, n: int, rows: int, multiple: FloatArray, unvested: str) -> EquityState:
        return cls(np.zeros((rows, n)), np.zeros(n), np.full(n, NEVER, dtype=np.int64),
                   multiple, unvested)

    def grant(self, t: int, rows: np.ndarray, amount: FloatArray,
              schedule: tuple[float, ...]) -> None:
        """Add a grant made in year ``t`` to ``rows``: ``schedule[j]`` vests in year t + j."""
        for j, share in enumerate(schedule):
            if share:
                self.vesting[t + j, rows] += amount * share

    def forfeit(self, rows: np.ndarray) -> None:
        """The employment of ``rows`` ended (they left, or the company failed)."""
        self.vesting[:, rows] = 0.0
        self.pool[rows] = 0.0

    def pay(self, t: int) -> FloatArray:
        """Equity cash realised in year ``t``; the pool and later vesting are updated."""
        vested = self.vesting[t]
        at_exit = self.exit_year == t
        liquid = self.exit_year <= t
        paid = np.where(liquid, vested, 0.0)
        rows = np.flatnonzero(at_exit)
        if rows.size:
            paid[rows] += self.pool[rows]
            if self.unvested != "keep":
                later = self.vesting[t + 1:, rows]
                if self.unvested == "accelerate":
                    paid[rows] += later.sum(axis=0)
                self.vesting[t + 1:, rows] = 0.0
        self.pool = np.where(liquid, 0.0, self.pool + vested)
        return np.asarray(paid * self.multiple)
