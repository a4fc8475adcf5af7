"""Money: discounting, NPV and equity that is worth something only when it can be sold.

Equity model (docs/equity.md). A role with equity grants shares worth ``grant`` at entry;
a share ``vesting[k]`` of the grant vests at the end of the k-th year of tenure while the
person stays. The company has one liquidity event per draw: it happens with probability
``liquidity``, in year ``exit`` (default: a uniform year over the horizon). Shares vested
before the event are paid out at the event, times ``multiple``; shares vesting after it are
paid as they vest, times ``multiple``. Without an event, equity is worth nothing within the
horizon. Leaving the role stops vesting but keeps what has vested.
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


@dataclass
class EquityState:
    """One equity role's running state for one option and one chunk of draws."""

    grant: FloatArray         # (n,) value at grant price of the current grant
    multiple: FloatArray      # (n,)
    event: np.ndarray         # (n,) bool: a liquidity event happens
    exit_year: np.ndarray     # (n,) int: the year it happens
    vesting: tuple[float, ...]
    pool: FloatArray          # (n,) vested, not yet sold, at grant value

    def pay(self, t: int, in_role: np.ndarray, tenure: np.ndarray) -> FloatArray:
        """Equity cash realised in year ``t`` (and the pool updated)."""
        schedule = np.asarray((*self.vesting, 0.0))
        vested = np.where(in_role, self.grant * schedule[np.minimum(tenure, len(self.vesting))],
                          0.0)
        at_exit = self.event & (self.exit_year == t)
        after_exit = self.event & (self.exit_year < t)
        paid = np.where(at_exit, (self.pool + vested) * self.multiple, 0.0)
        paid = np.where(after_exit, vested * self.multiple, paid)
        self.pool = np.where(at_exit | after_exit, 0.0, self.pool + vested)
        return np.asarray(paid)
