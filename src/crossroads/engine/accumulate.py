"""What a `run` keeps as its chunks stream past: exact sums and compact per-draw copies.

What can be counted as it streams is counted exactly in float64: every mean, its standard
error, P(best), regret, the comparison with the baseline and the break-even distribution.
Only percentiles need every draw: money is kept per draw in float32 (7 significant
digits) and criterion scores in float16 (3 significant digits, ample for a score; float32
when a criterion's scale reaches beyond 1,000). The cash fan, the quick SMAA and the
screen of which input matters most use the first :data:`SCREEN_DRAWS` draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.analysis import summary as s
from crossroads.analysis.stuck import StuckCounts
from crossroads.engine.budget import SCREEN_DRAWS, score_dtype
from crossroads.model.compile import Model
from crossroads.simulate.sampling import Draws


class Accumulator:
    """Streaming sums for exact means and probabilities; compact storage for percentiles."""

    def __init__(self, model: Model, n: int, extras: bool = True) -> None:
        o, h = len(model.options), model.horizon
        self.model, self.n, self.filled = model, n, 0
        self.extras = extras  # False: keep nothing for the EXTRAS (a what-if's lean run)
        self.npv = np.empty((o, n), np.float32)
        self.value = np.empty((o, n), np.float32)
        self.salary = np.empty((o, n), np.float32)
        self.scores = {c: np.empty((o, n), score_dtype(model, c)) for c in model.criteria}
        self.views = {v: np.empty((o, n), np.float32) for v in model.views}
        kept = model.money.kept if model.money is not None else ()
        self.money = {k: np.empty((o, n), np.float32) for k in kept}   # docs/money.md
        self.money_sums = {k: np.zeros(o) for k in kept}
        self.sums = {k: np.zeros(o) for k in ("npv", "npv2", "value", "value2", "best",
                                              "regret", "regretted", "gap", "better", "salary")}
        self.score_sums = {c: np.zeros(o) for c in model.criteria}
        self.view_sums = {v: np.zeros(o) for v in model.views}
        self.shift: FloatArray | None = None  # first chunk's means: stable variance sums
        self.chunk_best = np.zeros(o)  # the last chunk's best counts (an auto run reads them)
        self.break_even = np.zeros((o, h + 1), np.int64)
        self.cumulative: list[FloatArray] = []
        self.params: dict[str, list[FloatArray]] = {}
        self.inline: dict[str, list[FloatArray]] = {}  # inline ranges' Phi(z), for the screen
        self.inline_keys: list[tuple[str, str]] | None = None  # (name, stream key) screened
        self.stuck = StuckCounts(model)  # draws left in a role by failed one-shot chances
        # E[points] and E[worth x points] per criterion and option: the verdict's prices
        self.point_sums = {c: np.zeros(o) for c in model.criteria}
        self.worth_point_sums: dict[str, FloatArray] = {}
        self.worth_sums: dict[str, float] = {}

    def add(self, r: s.Reduced, params: Mapping[str, Any]) -> None:
        size = r.value.shape[1]
        part = slice(self.filled, self.filled + size)
        self._exact(r)
        self.npv[:, part], self.value[:, part] = r.npv, r.value
        self.salary[:, part] = r.first_salary
        for c, x in r.scores.items():
            self.scores[c][:, part] = x
            self.score_sums[c] += x.sum(axis=1)
        for v, x in r.views.items():
            self.views[v][:, part] = x
            self.view_sums[v] += x.sum(axis=1)
        for k, got in (("npv_pre_tax", r.npv_pre_tax), ("terminal", r.terminal)):
            if k in self.money and got is not None:
                self.money[k][:, part] = got
                self.money_sums[k] += got.sum(axis=1)
        for i, years in enumerate(r.break_even):
            self.break_even[i] += np.bincount(years, minlength=self.model.horizon + 1)
        if self.filled < SCREEN_DRAWS:
            self.cumulative.append(r.cumulative)
            for name, x in params.items() if self.extras else ():
                if np.ndim(x) == 1:
                    self.params.setdefault(name, []).append(np.asarray(x, dtype=np.float64))
        self.filled += size

    def trim(self) -> None:
        """Keep only the draws made: an auto run allocates for its cap (untouched pages
        cost no memory) and stops earlier."""
        self.n = f = self.filled
        self.npv, self.value, self.salary = (x[:, :f] for x in (self.npv, self.value,
                                                                 self.salary))
        self.scores = {k: x[:, :f] for k, x in self.scores.items()}
        self.views = {k: x[:, :f] for k, x in self.views.items()}
        self.money = {k: x[:, :f] for k, x in self.money.items()}

    def add_points(self, r: s.Reduced, worth: Mapping[str, Any]) -> None:
        """Sums of point-years, of worth x point-years and of worths: each criterion's value
        line E[value_i(w)] = E[value_i] - E[worth points_i] + w E[points_i] (prices.py)."""
        for c, x in r.points.items():
            self.point_sums[c] += x.sum(axis=1)
        for c, w in worth.items():
            w = np.broadcast_to(np.asarray(w, dtype=np.float64), (r.points[c].shape[1],))
            self.worth_point_sums[c] = self.worth_point_sums.get(c, 0.0) + r.points[c] @ w
            self.worth_sums[c] = self.worth_sums.get(c, 0.0) + float(w.sum())

    def _exact(self, r: s.Reduced) -> None:
        if self.shift is None:
            self.shift = np.stack([r.npv.mean(axis=1), r.value.mean(axis=1)])
        sums = self.sums
        # value is NPV when no criterion is priced and nothing lies past the horizon: then
        # its sums are NPV's, not computed twice
        same = (np.array_equal(self.shift[0], self.shift[1])
                and np.array_equal(r.npv, r.value))
        npv = _centred_sums(r.npv, self.shift[0])
        value = npv if same else _centred_sums(r.value, self.shift[1])
        for key, (total, squares) in (("npv", npv), ("value", value)):
            sums[key] += total
            sums[key + "2"] += squares
        best = r.value.max(axis=0)
        for key, x in (("regret", best - r.value),
                       ("gap", r.value - r.value[self.model.baseline])):
            sums[key] += x.sum(axis=1)
            sums["regretted" if key == "regret" else "better"] += np.count_nonzero(x > 0, axis=1)
        # the chunk's count of draws each option is best in (ties split evenly)
        self.chunk_best = s.p_best(r.value, best) * r.value.shape[1]
        sums["best"] += self.chunk_best
        sums["salary"] += r.first_salary.sum(axis=1)

    def mean(self, key: str) -> FloatArray:
        shift = {"npv": 0, "value": 1}
        out = self.sums[key] / self.n
        if key in shift and self.shift is not None:
            out = out + self.shift[shift[key]]
        return np.asarray(out)

    def mcse(self, key: str) -> FloatArray:
        """sd / sqrt(n) from shifted sums of values and squares."""
        m = self.sums[key] / self.n
        var = (self.sums[key + "2"] / self.n - m**2) * self.n / max(self.n - 1, 1)
        return np.asarray(np.sqrt(np.clip(var, 0.0, None) / self.n))


def _centred_sums(x: FloatArray, shift: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per row, the sum of ``x - shift`` and of its squares."""
    centred = x - shift[:, np.newaxis]
    return centred.sum(axis=1), np.square(centred, out=centred).sum(axis=1)


def add_inline(acc: Accumulator, draws: Draws) -> None:
    """Keep each inline range's uniform score Phi(z) for the first :data:`INLINE_DRAWS`
    draws: its value is a monotone function of z, so Phi(z) is its exact rank."""
    start = acc.filled - draws.n  # acc.add has counted this chunk
    if start >= INLINE_DRAWS or len(acc.model.options) < 2 or not acc.extras:
        return
    from crossroads.estimate.normal import ndtr

    if acc.inline_keys is None:  # the same for every chunk: found once per run
        from crossroads.model.inline import inert_inputs, inline_inputs

        inert = inert_inputs(acc.model)
        acc.inline_keys = [(name, inline.key) for name, inline
                           in inline_inputs(acc.model).items() if name not in inert]
    for name, key in acc.inline_keys:
        z = draws.streams.normal(key, (draws.n,))
        acc.inline.setdefault(name, []).append(ndtr(z[:INLINE_DRAWS - start]))


#: Draws on which the screen ranks inline ranges (the params use SCREEN_DRAWS).
INLINE_DRAWS = 20_000
