"""What a run predicted for the chosen option, year by year, in a form that keeps.

A journal entry keeps, for every year t = 0..horizon-1 of the chosen option:

* pay: the quantiles of the year's cash (salary, bonus, equity paid, one-offs; not
  discounted) on the fixed grid :data:`LEVELS` = 0, 0.5, 1, ..., 100 percent: the least
  draw, 199 interior quantiles half a point apart, the greatest draw. The cash is the
  money the run reports (after tax and in today's money when the file says so, see
  docs/money.md); ``pay_pre_tax`` is the same before tax, kept when the file taxes pay;
* ``p_hold[role]``: the share of draws holding the role in year t;
* ``p_reached[role]``: the share of draws that have held the role in some year 0..t;
* ``scores[criterion]``: the quantiles of the criterion's score in year t, same grid.

Why 201 levels half a point apart: an actual placed between two neighbouring stored
quantiles lies between their levels, 0.5 apart, so the stored grid fixes its percentile
within half a point whatever the shape of the distribution (:func:`crossroads.journal.
calibrate.percentile_of` interpolates, which usually does much better). 999 levels would
buy precision nobody can use in a yearly pay and cost five times the storage.

Quantiles interpolate linearly between order statistics, as ``np.percentile`` does, over
every draw of the run: :class:`Collector` receives each chunk's outcomes from
:func:`crossroads.engine.loop.run_model` (``on_chunk``), so the prediction and the run's summary
come from the same draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.engine.loop import run_model
from crossroads.model.compile import Model
from crossroads.results import RunResult
from crossroads.simulate.paths import Outcomes

__all__ = ["LEVELS", "Collector", "Prediction", "YearPrediction", "bytes_per_draw", "predict"]

#: Percent levels of the stored quantiles: 0 (the least draw), 0.5, 1, ..., 100.
LEVELS: tuple[float, ...] = tuple(k / 2 for k in range(201))


def bytes_per_draw(model: Model) -> int:
    """What the collector keeps per draw until the end: a float64 per year for the pay,
    the pay before tax and each criterion's score (the run's memory budget counts it).

    >>> from crossroads.api import load
    >>> bytes_per_draw(load("decision: x\\nhorizon: 4\\noptions: {a: {roles: {r: {cash: 1}}}}"))
    64
    """
    return 8 * model.horizon * (2 + len(model.criteria))


@dataclass(frozen=True)
class YearPrediction:
    """One year's prediction for the chosen option (see the module docstring)."""

    year: int
    pay: tuple[float, ...]
    p_hold: Mapping[str, float]
    p_reached: Mapping[str, float]
    scores: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    pay_pre_tax: tuple[float, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"year": self.year, "pay": list(self.pay), "p_hold": dict(self.p_hold),
               "p_reached": dict(self.p_reached),
               "scores": {c: list(q) for c, q in self.scores.items()}}
        if self.pay_pre_tax is not None:
            out["pay_pre_tax"] = list(self.pay_pre_tax)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> YearPrediction:
        return cls(int(data["year"]), tuple(float(x) for x in data["pay"]),
                   {k: float(v) for k, v in data["p_hold"].items()},
                   {k: float(v) for k, v in data["p_reached"].items()},
                   {c: tuple(float(x) for x in q) for c, q in data.get("scores", {}).items()},
                   None if data.get("pay_pre_tax") is None else
                   tuple(float(x) for x in data["pay_pre_tax"]))


@dataclass(frozen=True)
class Prediction:
    """The chosen option's predictions: its roles (id -> label) and one row per year."""

    option: str
    label: str
    roles: Mapping[str, str]
    start: str
    levels: tuple[float, ...]
    years: tuple[YearPrediction, ...]
    money: str = ""   # the run's money, in words: "today's USD, after tax (IN), ..."

    @property
    def horizon(self) -> int:
        return len(self.years)

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "label": self.label, "roles": dict(self.roles),
                "start": self.start, "levels": list(self.levels),
                "years": [y.to_dict() for y in self.years], "money": self.money}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Prediction:
        return cls(str(data["option"]), str(data["label"]), dict(data["roles"]),
                   str(data["start"]), tuple(float(x) for x in data["levels"]),
                   tuple(YearPrediction.from_dict(y) for y in data["years"]),
                   str(data.get("money", "")))


class Collector:
    """Keeps one option's per-year pay and scores, and counts its roles, chunk by chunk.

    Pass :meth:`add` as ``on_chunk`` to :func:`crossroads.engine.loop.run_model`; then
    :meth:`prediction` turns what it kept into quantiles and shares. Role counts are
    exact integers summed over chunks; pay and scores are kept per draw because quantiles
    need every draw.
    """

    def __init__(self, model: Model, option: str) -> None:
        self.model = model
        self.index = model.option_ids.index(option)
        self.spec = model.options[self.index]
        roles, h = len(self.spec.roles), model.horizon
        self.pay: list[FloatArray] = []                   # (horizon, chunk) per chunk
        self.pre_tax: list[FloatArray] = []
        self.scores: dict[str, list[FloatArray]] = {c: [] for c in model.criteria}
        self.hold = np.zeros((h, roles), np.int64)
        self.reached = np.zeros((h, roles), np.int64)
        self.n = 0

    def add(self, outcomes: Outcomes) -> None:
        """Take one chunk's outcomes (arrays ``(n_options, n, horizon)``)."""
        i = self.index
        self.pay.append(np.ascontiguousarray(outcomes.cash[i].T, dtype=np.float64))
        pre_tax = getattr(outcomes, "pre_tax", None)      # None: nothing taxed
        if pre_tax is not None:
            self.pre_tax.append(np.ascontiguousarray(pre_tax[i].T, dtype=np.float64))
        for c, x in outcomes.criteria.items():
            self.scores[c].append(np.ascontiguousarray(x[i].T, dtype=np.float64))
        roles = np.asarray(outcomes.roles[i]).T            # (horizon, n)
        count = len(self.spec.roles)
        seen = np.zeros((count, roles.shape[1]), np.bool_)
        for t, row in enumerate(roles):
            self.hold[t] += np.bincount(row, minlength=count)[:count]
            seen[row, np.arange(row.size)] = True
            self.reached[t] += seen.sum(axis=1)
        self.n += roles.shape[1]

    def draws(self) -> FloatArray:
        """Every draw's pay, ``(horizon, n)``: what the quantiles are taken of."""
        return np.concatenate(self.pay, axis=1)

    def prediction(self, money: str = "") -> Prediction:
        """Quantiles on :data:`LEVELS` and role shares, one row per year; ``money`` says
        in words which money the pay is in."""
        pay = _quantiles(self.draws())
        pre = _quantiles(np.concatenate(self.pre_tax, axis=1)) if self.pre_tax else None
        scores = {c: _quantiles(np.concatenate(parts, axis=1))
                  for c, parts in self.scores.items()}
        ids = [r.id for r in self.spec.roles]
        years = tuple(
            YearPrediction(t, pay[t], _shares(ids, self.hold[t], self.n),
                           _shares(ids, self.reached[t], self.n),
                           {c: q[t] for c, q in scores.items()},
                           None if pre is None else pre[t])
            for t in range(self.model.horizon))
        return Prediction(self.spec.id, self.spec.label, {r.id: r.label for r in self.spec.roles},
                          self.spec.roles[self.spec.start].id, LEVELS, years, money)


def _quantiles(by_year: FloatArray) -> list[tuple[float, ...]]:
    """Each row's quantiles at :data:`LEVELS` (``np.percentile``'s linear method)."""
    q = np.percentile(by_year, LEVELS, axis=1)             # (levels, horizon)
    return [tuple(float(v) for v in q[:, t]) for t in range(by_year.shape[0])]


def _shares(ids: Sequence[str], counts: np.ndarray, n: int) -> dict[str, float]:
    return {rid: float(c) / n for rid, c in zip(ids, counts.tolist(), strict=True)}


def predict(model: Model, option: str, samples: Any, seed: int) -> tuple[RunResult, Prediction]:
    """Run the decision once and keep ``option``'s predictions from the same draws.

    ``samples`` is a count, or whatever else :func:`crossroads.engine.loop.run_model` takes
    ("auto"). The caller checks the memory budget with :func:`bytes_per_draw` added to the
    run's.
    """
    collector = Collector(model, option)
    result = run_model(model, samples, seed, on_chunk=collector.add)
    money = result.to_dict().get("money") or {}
    return result, collector.prediction(str(money.get("sentence", "")))
