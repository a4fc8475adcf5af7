"""Roles year by year: the path simulator, vectorised over draws, looping over years.

Each option is a small state machine. In every year each draw sits in one role; it is paid
the role's cash (grown by its raise since the role started, plus bonus), scores the role's
criteria, practises skills, vests equity; at the end of the year the role's moves are tried
in listed order and the first that fires moves the draw from the next year on:

* ``after: T`` fires when tenure reaches max(1, round(T)) and the draw's ``chance`` succeeds;
* ``per_year: p`` fires with probability p at the end of every year spent in the role.

Cash when a role starts may use ``previous`` (the base cash paid in the year before the
move) and ``year`` (the year the role starts). All options are walked on the same draws.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from crossroads._types import FloatArray
from crossroads.model.companies import one_shot_only
from crossroads.model.compile import Model, OptionSpec, RoleSpec, TransitionSpec
from crossroads.model.fields import Field
from crossroads.money.settle import role_rates, settle
from crossroads.simulate.employers import Employers
from crossroads.simulate.money import discount_factors
from crossroads.simulate.sampling import Draws
from crossroads.simulate.skilltrack import SkillTracker, skill_draws

Value = FloatArray | float

#: Threads walking options side by side (the machines this targets have two cores).
THREADS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class Outcomes:
    """Everything simulated for one chunk of draws; arrays are (n_options, n, horizon)."""

    option_ids: tuple[str, ...]
    labels: tuple[str, ...]
    cash: FloatArray                  # all cash: salary, bonus, equity, one-offs
    equity: FloatArray                # the equity part of cash
    roles: np.ndarray                 # role index held each year (int16)
    criteria: Mapping[str, FloatArray]
    skills: Mapping[str, FloatArray]  # percentiles as fractions
    intersection: FloatArray | None   # P(a peer is at or above you on every skill)
    worth: Mapping[str, FloatArray]   # (n,) money per point-year, per criterion with worth
    first_salary: FloatArray          # (n_options, n): base cash in year 0
    params: Mapping[str, Value]
    discount: FloatArray              # (horizon,)
    #: (n_options, n) int16: the role a draw ends the horizon stuck in (one-shot chances all
    #: failed, or a role option-value closed), -1 for none
    stuck: np.ndarray | None = None
    #: money keys (docs/money.md): cash is then after tax in today's money of the decision's
    #: currency; ``pre_tax`` is the same before tax (None: nothing taxed, it equals cash) and
    #: ``terminal`` (n_options, n) the discounted value past the horizon (None: off)
    pre_tax: FloatArray | None = None
    terminal: FloatArray | None = None

    @property
    def n(self) -> int:
        return int(self.cash.shape[1])


def at_year(value: Value, t: int) -> Value:
    """A field's value in year t: yearly fields carry a column per year."""
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return value[:, t]
    return value


def simulate(model: Model, draws: Draws, *, keep_skills: bool = False,
             on_progress: Callable[[float], None] | None = None) -> Outcomes:
    """Walk every option's roles for every draw and year.

    The walkers write year-major arrays (a year's draws are contiguous, which is what the
    year loop touches); the Outcomes expose them as (n_options, n, horizon) views. Skill
    percentiles and the intersection rank are kept year by year only with ``keep_skills``
    (the skills analysis wants them; `run` does not, and they would cost a fifth of the
    memory): expressions that use them get their values either way.
    """
    keep_freed_memory()
    n, horizon = draws.n, model.horizon
    shape = (len(model.options), horizon, n)
    cash, equity = np.zeros(shape), np.zeros(shape)
    roles = np.zeros(shape, dtype=np.int16)
    criteria = {c: np.zeros(shape) for c in model.criteria}
    skills = {s: np.zeros(shape) for s in model.skills} if keep_skills else {}
    inter = np.zeros(shape) if model.intersection and keep_skills else None
    first_salary = np.zeros((len(model.options), n))
    stuck = np.full((len(model.options), n), -1, dtype=np.int16)

    def walk(i: int) -> None:
        # overflow is refused once the years are summed (crossroads.engine.loop.check_finite), and
        # NumPy's error state is per thread: quiet its warnings here, where the work runs
        with np.errstate(over="ignore", invalid="ignore"):
            _walk(i)

    def _walk(i: int) -> None:
        sink = _Sink(cash[i], equity[i], roles[i], {c: a[i] for c, a in criteria.items()},
                     {s: a[i] for s, a in skills.items()},
                     inter[i] if inter is not None else None)
        walker = _Walker(model, option=model.options[i], draws=draws, sink=sink)
        try:
            walker.run()
            first_salary[i] = walker.first_salary
            stuck[i] = walker.stuck()
        finally:
            walker.close()

    if model.skills:
        skill_draws(model, draws)  # derived once, before the threads share them
    each_option(walk, len(model.options), on_progress)
    # a worth is money per point of better: a point more of a `better: lower` criterion
    # is a point less of better, so it costs the worth
    worth = {
        c: np.broadcast_to((-1.0 if spec.better == "lower" else 1.0)
                           * np.asarray(draws.evaluate(spec.worth), dtype=np.float64), (n,))
        for c, spec in model.criteria.items() if spec.worth is not None
    }

    def view(a: np.ndarray) -> np.ndarray:
        return np.moveaxis(a, 1, 2)

    walked = Outcomes(
        option_ids=model.option_ids, labels=tuple(o.label for o in model.options),
        cash=view(cash), equity=view(equity), roles=view(roles),
        criteria={c: view(a) for c, a in criteria.items()},
        skills={s: view(a) for s, a in skills.items()},
        intersection=view(inter) if inter is not None else None, worth=worth,
        first_salary=first_salary,
        params=draws.params, discount=discount_factors(model.discount, horizon), stuck=stuck,
    )
    return settle(model, draws, walked, each_option)  # tax, inflation, currencies (docs/money.md)


#: glibc malloc settings (bytes): blocks below the first come from the heap, and up to the
#: second of free memory stays there instead of going back to the kernel.
MMAP_THRESHOLD, TRIM_THRESHOLD = 32 << 20, 256 << 20
_malloc_tuned = False


def keep_freed_memory() -> None:
    """Ask glibc to keep freed blocks for reuse rather than hand them back to the kernel.

    The year loop makes and drops many arrays of a chunk's size (400 kB at 50,000 draws).
    By default glibc returns such blocks to the kernel, and every new one then costs a page
    fault per 4 kB page: measured here, two thirds of the page faults of a founding-case run
    and about a tenth of its time. Called once per process; a no-op off glibc, or when the
    user has set ``MALLOC_MMAP_THRESHOLD_`` or ``MALLOC_TRIM_THRESHOLD_`` themselves.
    """
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    if not sys.platform.startswith("linux") or any(
            k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    mallopt(m_mmap_threshold, MMAP_THRESHOLD)
    mallopt(m_trim_threshold, TRIM_THRESHOLD)


def each_option(walk: Callable[[int], None], count: int,
                on_progress: Callable[[float], None] | None = None) -> None:
    """Walk every option, on a thread per core when there are several.

    Options are independent given the draws, and NumPy releases the GIL on whole-array
    work, so threads walk them side by side. Every random number is a pure function of its
    key, so the result does not depend on which thread draws it first.
    """
    if THREADS > 1 and count > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            for done, _ in enumerate(pool.map(walk, range(count)), start=1):
                if on_progress is not None:
                    on_progress(done / count)
        return
    for i in range(count):
        walk(i)
        if on_progress is not None:
            on_progress((i + 1) / count)


@dataclass(frozen=True)
class _Sink:
    """Where one option's walker writes: year-major (horizon, n) arrays."""

    cash: FloatArray
    equity: FloatArray
    roles: np.ndarray
    criteria: Mapping[str, FloatArray]
    skills: Mapping[str, FloatArray]
    intersection: FloatArray | None


class _Walker:
    """One option over one chunk of draws: the state that moves from year to year.

    Role-dependent fields are looked up with one gather per field and year: every role's
    value sits in a flat ``(draw, role)`` table, and ``table[draw, role]`` picks each draw's.
    Only fields that depend on the path (previous cash, year, skills) are evaluated year by
    year, and a role's starting cash only for the draws arriving in it.
    """

    def __init__(self, model: Model, option: OptionSpec, draws: Draws, sink: _Sink) -> None:
        self.model, self.option, self.draws = model, option, draws
        n, horizon = draws.n, model.horizon
        self.n, self.horizon = n, horizon
        self.rows_base = np.arange(n) * len(option.roles)  # draw d's row in a flat table
        self.cash, self.equity_cash, self.roles = sink.cash, sink.equity, sink.roles
        self.criteria = sink.criteria
        self.tracker = SkillTracker(model, draws, sink.skills, sink.intersection)
        self.role = np.full(n, option.start, dtype=np.int16)
        self.index = self.rows_base + self.role
        self.entry = np.zeros(n, dtype=np.int16)  # the year the current role began
        self.slots = self._slots()
        self.rates = role_rates(model, option, draws)  # per role, when currencies differ
        self.static = {k: v for r in option.roles for k, v in self._static(r).items()}
        self.moves: dict[str, tuple[np.ndarray, ...]] = {}  # static move thresholds
        self.fixed_skills = bool(model.skills) and self._fix_skills()
        self.base = np.zeros(n)
        start = option.roles[option.start]
        self.base = self._broadcast(self._value(start.cash, 0, previous=self.base, year=0))
        self.employers = Employers(option, draws, horizon, self._value)
        self.employers.start(self.role)

    def close(self) -> None:
        """Drop everything the walker holds. Its employers keep a bound method of it (and so
        the walker), a reference cycle that only the garbage collector's next full pass
        frees: until then a chunk's arrays stay alive, and a long run grew by about 200 MB a
        chunk (4.4 GB at a million draws of the founding case)."""
        self.__dict__.clear()

    def _slots(self) -> dict[str, _Slot]:
        roles = self.option.roles
        slots: dict[str, list[Field | None]] = {
            "bonus": [r.bonus for r in roles], "raise": [r.raise_ for r in roles],
            "mentor": [r.mentor for r in roles],
            **{f"criteria.{c}": [r.criteria.get(c) for r in roles] for c in self.model.criteria},
            **{f"practice.{s}": [r.practice.get(s) for r in roles] for s in self.model.skills},
        }
        return {name: _Slot(fields, self.draws, self.horizon) for name, fields in slots.items()}

    def _fix_skills(self) -> bool:
        """Hand the tracker per-role practice and mentorship when no year or path changes them."""
        names = ["mentor", *(f"practice.{s}" for s in self.model.skills)]
        if any(self.slots[k].flat.ndim != 1 or self.slots[k].dynamic for k in names):
            return False
        roles = len(self.option.roles)

        def table(slot: str) -> FloatArray:
            return self.slots[slot].flat.reshape(self.n, roles)

        self.tracker.fix_roles({s: table(f"practice.{s}") for s in self.model.skills},
                               table("mentor"))
        return True

    def run(self) -> None:
        for t in range(self.horizon):
            self._year(t)
            if t + 1 < self.horizon:
                self._move(t)
        for year, f in self.option.cash_flows:
            self.cash[year] += at_year(self.draws.evaluate(f), year)

    def stuck(self) -> np.ndarray:
        """The role each draw ends the horizon stuck in, or -1.

        Stuck: in a role that only one-shot chances lead out of, every one of them tried
        (its tenure passed each ``after`` before the last year's end) and failed; or in a
        role whose moves option-value took away (``closed``).
        """
        out = np.full(self.n, -1, dtype=np.int16)
        tenure = np.int16(self.horizon - 1) - self.entry  # whole years before the last
        for k, spec in enumerate(self.option.roles):
            if not (spec.closed or one_shot_only(self.option, spec)):
                continue
            here = self.role == k
            for move in () if spec.closed else spec.next:
                years, _ = self._thresholds(move, self.horizon - 1)
                here &= tenure >= years
            out[here] = k
        return out

    def lookup(self, slot: str, t: int, out: FloatArray | None = None) -> FloatArray:
        """Each draw's value of a role field in year t, for the role it holds.

        ``self.index`` = draw x n_roles + role addresses a slot's flat (draw, role) table,
        so one ``take`` serves every role at once; it changes only when draws move. With
        ``out`` the values are written there (the year's row of an output, or a buffer the
        caller may change), else a fresh array or one the caller must not change.
        """
        s = self.slots[slot]
        if s.same is not None:
            same = s.same if s.same.ndim == 1 else s.same[t]
            if out is None:
                return same
            out[...] = same
            return out
        # every index is in range: "clip" spares take's checking copy of ``out``
        out = (s.flat if s.flat.ndim == 1 else s.flat[t]).take(self.index, out=out,
                                                              mode="clip")
        for roles, member in zip(s.dynamic, s.members, strict=True):
            f = s.fields[roles[0]]
            assert f is not None
            # a gather from a per-role table: np.isin's sort costs ten times more
            mask = member.take(self.role) if len(roles) > 1 else self.role == roles[0]
            if mask.all():
                out[...] = self._value(f, t)
                return out
            rows = np.flatnonzero(mask)
            if rows.size:
                out[rows] = self._value(f, t, rows=rows)
        return out

    def _year(self, t: int) -> None:
        self.roles[t] = self.role
        cash = self.cash[t]
        if self.slots["bonus"].zero:
            cash[...] = self.base
        else:  # base x (1 + bonus), written in place: the same products
            self.lookup("bonus", t, out=cash)
            cash += 1.0
            cash *= self.base
        if t == 0:
            self.first_salary = self.base.copy()  # base only: salary data exclude bonus
        for c in self.model.criteria:
            self.lookup(f"criteria.{c}", t, out=self.criteria[c][t])
        practice = ({} if self.fixed_skills else
                    {s: self.lookup(f"practice.{s}", t) for s in self.model.skills})
        paid = self.employers.pay(t, self.role, self.entry)
        if paid is not None:
            self.equity_cash[t] = paid
            cash += paid   # salary + equity
        if self.model.skills:
            self.tracker.record(t)
            if self.fixed_skills:
                self.tracker.step_fixed(self.index)
            else:
                self.tracker.step(practice, np.clip(self.lookup("mentor", t), 0.0, 1.0))

    def _move(self, t: int) -> None:
        """End of year t: a company that fails moves its draws first; otherwise each
        role's moves are tried in the listed order, and the first that fires wins."""
        failed = self.employers.failures(t, self.role)
        if failed is None:  # no company of this option can fail
            moved, new_role = np.zeros(self.n, dtype=bool), self.role.copy()
        else:
            moved, to = failed
            new_role = np.where(moved, to, self.role).astype(np.int16)
        tenure = np.int16(t + 1) - self.entry
        for k, spec in enumerate(self.option.roles):
            if not spec.next:
                continue
            in_role = self.role == k
            if not in_role.any():
                continue
            for move, fires in zip(spec.next, self._fires(spec, t, tenure), strict=True):
                fires &= in_role
                fires &= ~moved
                np.putmask(new_role, fires, move.to)
                moved |= fires
        previous = self.base
        grown = self.lookup("raise", t + 1, out=np.empty(self.n))
        grown += 1.0
        grown *= self.base   # base x (1 + raise): the same product
        arrived = np.flatnonzero(moved)
        to = new_role[arrived]
        for k in np.unique(to).tolist():
            spec = self.option.roles[k]
            rows = arrived[to == k]  # a role's starting cash is evaluated for arrivals only
            if rows.size:
                grown[rows] = self._value(spec.cash, t + 1, rows=rows, year=t + 1,
                                          previous=self._in_currency(previous, k))
        self.employers.moved(t, self.role, new_role, arrived, previous)
        self.base = grown
        self.entry[arrived] = t + 1
        self.role = new_role
        np.add(self.rows_base, new_role, out=self.index)

    def _in_currency(self, previous: FloatArray, k: int) -> FloatArray:
        """``previous`` in role k's currency: a move may change currency (docs/money.md)."""
        if self.rates is None:
            return previous
        return np.asarray(previous * self.rates[np.arange(self.n), self.role]
                          / self.rates[:, k])

    def _fires(self, spec: RoleSpec, t: int, tenure: np.ndarray) -> list[np.ndarray]:
        out = []
        for move in spec.next:
            u = self.draws.streams.uniform(move.key, (self.horizon, self.n))[t]
            if move.after is not None:
                years, chance = self._thresholds(move, t)
                # one shot at tenure T, or (with per_year) a try every year from T on
                fires = tenure == years if move.per_year is None else tenure >= years
                fires &= u < chance
                out.append(fires)
            else:
                (p,) = self._thresholds(move, t)
                out.append(u < p)
        return out

    def _thresholds(self, move: TransitionSpec, t: int) -> tuple[np.ndarray, ...]:
        """(whole years, chance) of an ``after`` move, (whole years, p) of one that retries
        (``after`` and ``per_year``), or (p,) of a ``per_year`` one.

        Kept for the chunk when no field of the move depends on the path or the year.
        """
        kept = self.moves.get(move.key)
        if kept is not None:
            return kept
        fields = ([move.per_year] if move.after is None else
                  [move.after, move.chance if move.per_year is None else move.per_year])
        values = [self._value(f, t) for f in fields if f is not None]
        if move.after is not None:
            # whole years, compared with tenure in int16 (beyond the horizon never fires)
            whole = np.clip(np.rint(values[0]), 1, self.horizon + 1)
            years = np.asarray(np.where(np.isnan(whole), self.horizon + 1, whole),
                               dtype=np.int16)
            out: tuple[np.ndarray, ...] = (years, np.clip(values[1], 0.0, 1.0))
        else:
            out = (np.asarray(np.clip(values[0], 0.0, 1.0), dtype=np.float64),)
        fixed = all(f is not None and not f.dynamic and
                    not (isinstance(v, np.ndarray) and v.ndim == 2)
                    for f, v in zip(fields, values, strict=True))
        if fixed:
            self.moves[move.key] = out
        return out

    # -- evaluating fields -------------------------------------------------------------

    def _static(self, spec: RoleSpec) -> dict[str, Value]:
        """A role's move fields that do not depend on the path, evaluated once per chunk."""
        fields = [f for move in spec.next for f in (move.after, move.chance, move.per_year)
                  if f is not None]
        return {f.key: self.draws.evaluate(f) for f in fields if not f.dynamic}

    def _value(self, f: Field, t: int, rows: np.ndarray | None = None,
               **extra: Value) -> Value:
        """A field's value in year t, for every draw or only for ``rows``."""
        if f.key in self.static and not extra and rows is None:
            return at_year(self.static[f.key], t)
        env: dict[str, Value] = {"year": float(t), "previous": self.base,
                                 **self.tracker.values(f.expr.names), **extra}
        if rows is None:
            return at_year(self.draws.evaluate(f, env), t)
        return at_year(self.draws.evaluate_rows(f, rows, env), t)

    def _broadcast(self, value: Value) -> FloatArray:
        return np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), (self.n,)))


class _Slot:
    """One role field across an option's roles, laid out for a one-``take`` lookup.

    ``flat[d * n_roles + k]`` is role k's value for draw d; a field that changes by year
    has one such row per year (``flat[t]``). A role that does not set the field contributes
    0; rows of path-dependent roles are 0 and are filled in year by year.
    """

    def __init__(self, fields: list[Field | None], draws: Draws, horizon: int) -> None:
        self.fields = fields
        self.dynamic = _same_field_groups(fields)
        #: per group of :attr:`dynamic`, which roles are in it: a table indexed by role
        self.members = [np.isin(np.arange(len(fields)), roles) for roles in self.dynamic]
        values = [draws.evaluate(f) if f is not None and not f.dynamic else 0.0 for f in fields]
        #: the value when every role gives every draw the same (no field, or one param):
        #: a lookup then needs no gather
        self.same: FloatArray | None = None
        self.zero = all(f is None for f in fields)  # no role sets it: 0 everywhere
        if not self.dynamic and all(np.array_equal(v, values[0]) for v in values[1:]):
            self.same = np.array(np.broadcast_to(np.asarray(values[0], dtype=np.float64).T,
                                                 (draws.n,) if np.ndim(values[0]) < 2 else
                                                 (horizon, draws.n)))
        yearly = any(isinstance(v, np.ndarray) and v.ndim == 2 for v in values)
        n, roles = draws.n, len(fields)
        if yearly:
            by_year = np.zeros((horizon, n, roles))
            for k, v in enumerate(values):
                arr = np.asarray(v, dtype=np.float64)
                by_year[:, :, k] = arr.T if arr.ndim == 2 else arr
            self.flat: FloatArray = by_year.reshape(horizon, n * roles)
        else:
            table = np.zeros((n, roles))
            for k, v in enumerate(values):
                table[:, k] = v
            self.flat = table.reshape(n * roles)


def _same_field_groups(fields: list[Field | None]) -> list[list[int]]:
    """Path-dependent roles grouped by identical fields, so each group is evaluated once.

    A criterion's default is one text given to every role that does not set it; without
    random nodes its value does not depend on the role's key, only on the path.
    """
    groups: dict[str, list[int]] = {}
    for k, f in enumerate(fields):
        if f is not None and f.dynamic:
            same = f.expr.source if not f.expr.random_nodes else f"{f.key}\0{f.expr.source}"
            groups.setdefault(same, []).append(k)
    return list(groups.values())
