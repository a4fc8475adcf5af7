"""Employers as a path walks them: one fate per employment, and the shares held there.

An *employment* is a spell of consecutive years in roles of one company (docs/simulation.md,
"Equity"). When it begins, its fate is drawn from the company's streams, using the row of
the year it began of a ``(horizon, n)`` table, so joining again (after a failure, or after
working elsewhere) is a new fate, independent of the first:

* an exit happens with the company's ``exit`` chance, in the year it began plus
  ``exit_after`` (default: a uniform whole number of years below the horizon's length);
* while it has not exited, the company fails at the end of each year with ``fails``; a
  failure moves the draw to ``on_failure`` and forfeits every share not paid out.

Streams (keys under ``opt.<option>.company.<name>``): ``.exit.event`` and ``.exit.year``
(whether and when an employment exits), ``.fails.event`` (the yearly failure uniforms).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from crossroads._types import FloatArray
from crossroads.model.compile import OptionSpec
from crossroads.model.fields import Field
from crossroads.simulate.money import NEVER, EquityState
from crossroads.simulate.sampling import Draws

#: ``value(field, year, rows, **names)``: the walker's evaluation of a field.
Evaluate = Callable[..., object]


class Employers:
    """Every company of one option with a fate or shares, for one chunk of draws."""

    def __init__(self, option: OptionSpec, draws: Draws, horizon: int,
                 value: Evaluate) -> None:
        self.option, self.draws, self.horizon, self.value = option, draws, horizon, value
        n = self.n = draws.n
        self.company_of = np.array([r.company for r in option.roles], dtype=np.int16)
        paying = {r.company for r in option.roles if r.equity is not None}
        longest = max([len(s) for r in option.roles if r.equity is not None
                       for s in (r.equity.vesting, r.equity.refresh_vesting)] or [1])
        self.states: dict[int, EquityState] = {}
        self.hazard: dict[int, FloatArray] = {}
        for k, spec in enumerate(option.companies):
            if not spec.has_fate:
                continue
            multiple = (self._per_draw(spec.multiple) if spec.multiple is not None
                        else np.ones(n))
            rows = horizon + longest if k in paying else 1
            self.states[k] = EquityState.empty(n, rows, multiple, spec.unvested)
            if spec.fails is not None:
                self.hazard[k] = np.clip(self._per_draw(spec.fails), 0.0, 1.0)
        self.paying = sorted(paying & set(self.states))
        self.refresh = {k: r for k, r in enumerate(option.roles)
                        if r.equity is not None and r.equity.refresh is not None}
        #: roles whose arrivals are granted shares (a company with a fate holds them)
        self.granting = [k for k, r in enumerate(option.roles)
                         if r.equity is not None and r.company in self.states]

    def _per_draw(self, f: Field, t: int = 0) -> FloatArray:
        """A fate field's value per draw in year ``t`` (drawn once per chunk, like every
        estimate; ``each_year(...)`` and ``year`` give that year's value)."""
        out = np.asarray(self.value(f, t), dtype=np.float64)
        return np.array(np.broadcast_to(out, (self.n,)))

    def start(self, role: np.ndarray) -> None:
        """Year 0: every draw begins an employment at its start role's company."""
        if not self.states:  # no company has a fate: nothing to draw or grant
            return
        everyone = np.arange(self.n)
        self._join(0, everyone, self.company_of[role])
        self._grant(0, everyone, role, np.zeros(self.n))

    def pay(self, t: int, role: np.ndarray, entry: np.ndarray) -> FloatArray | None:
        """Refresh grants due in year ``t``, then every company's equity cash that year."""
        for k, spec in self.refresh.items():
            rows = np.flatnonzero((role == k) & (entry < t))
            if rows.size:
                eq = spec.equity
                assert eq is not None and eq.refresh is not None
                amount = self._rows(eq.refresh, t, rows)
                self.states[spec.company].grant(t, rows, amount, eq.refresh_vesting)
        if not self.paying:
            return None
        paid = self.states[self.paying[0]].pay(t)
        for k in self.paying[1:]:
            paid = paid + self.states[k].pay(t)
        return paid

    def failures(self, t: int, role: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Draws whose company fails at the end of year ``t``, and the role each goes to;
        None when no company of the option can fail (nothing to draw or to mask)."""
        if not self.hazard:
            return None
        failed = np.zeros(self.n, dtype=bool)
        to = np.zeros(self.n, dtype=np.int16)
        employer = self.company_of[role]
        for k, h in self.hazard.items():
            fails = self.option.companies[k].fails
            assert fails is not None
            if fails.dynamic:  # a hazard that changes with the year
                h = np.clip(self._per_draw(fails, t), 0.0, 1.0)
            u = self.draws.streams.uniform(f"{self.option.companies[k].key}.fails.event",
                                           (self.horizon, self.n))[t]
            fails = (employer == k) & (self.states[k].exit_year > t) & (u < h)
            failed |= fails
            to[fails] = self.option.companies[k].on_failure
        return failed, to

    def moved(self, t: int, old: np.ndarray, new: np.ndarray, arrived: np.ndarray,
              previous: FloatArray) -> None:
        """After the moves at the end of year ``t``: end, begin and grant (from year t+1).

        A move to a role of another company ends the employment (what was not paid out is
        forfeited) and begins one there; every arrival in a role with equity is granted it,
        on top of what it holds when the move stays inside the company.
        """
        if not self.states:  # no fate to end or begin, no shares to grant
            return
        before, after = self.company_of[old[arrived]], self.company_of[new[arrived]]
        changed = arrived[before != after]
        for k, state in self.states.items():
            left = changed[before[before != after] == k]
            if left.size:
                state.forfeit(left)
        self._join(t + 1, changed, self.company_of[new[changed]])
        self._grant(t + 1, arrived, new, previous)

    def _join(self, t: int, rows: np.ndarray, company: np.ndarray) -> None:
        """Draw the fate of the employments ``rows`` begin in year ``t``."""
        for k, state in self.states.items():
            mine = rows[company == k]
            if not mine.size:
                continue
            spec = self.option.companies[k]
            if spec.public:
                state.exit_year[mine] = t
                continue
            assert spec.exit is not None
            table = (self.horizon, self.n)
            p = np.clip(self._rows(spec.exit, t, mine), 0.0, 1.0)
            happens = self.draws.streams.uniform(f"{spec.key}.exit.event", table)[t, mine] < p
            if spec.exit_after is not None:
                after = np.rint(self._rows(spec.exit_after, t, mine))
                after = np.where(np.isfinite(after), np.clip(after, 0, self.horizon), NEVER)
            else:
                u = self.draws.streams.uniform(f"{spec.key}.exit.year", table)[t, mine]
                after = np.floor(u * self.horizon)
            state.exit_year[mine] = np.where(happens, t + after, NEVER).astype(np.int64)

    def _grant(self, t: int, rows: np.ndarray, role: np.ndarray,
               previous: FloatArray) -> None:
        """Grants of the roles ``rows`` enter in year ``t`` (a grant may use `previous`)."""
        entered = role[rows]
        for k in self.granting:  # ascending, as np.unique(entered) would visit them
            spec = self.option.roles[k]
            assert spec.equity is not None
            mine = rows[entered == k]
            if not mine.size:
                continue
            amount = self._rows(spec.equity.grant, t, mine, previous=previous, year=t)
            self.states[spec.company].grant(t, mine, amount, spec.equity.vesting)

    def _rows(self, f: Field, t: int, rows: np.ndarray, **extra: object) -> FloatArray:
        value = np.asarray(self.value(f, t, rows=rows, **extra), dtype=np.float64)
        return np.array(np.broadcast_to(value, rows.shape))
