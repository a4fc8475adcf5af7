"""What a run predicted for the chosen option, year by year, in a form that keeps: the data.

Made by :mod:`crossroads.journal.predict` (which runs the engine), read by the
calibration, the chart and the store, none of which needs the engine.

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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LEVELS", "Prediction", "YearPrediction"]

#: Percent levels of the stored quantiles: 0 (the least draw), 0.5, 1, ..., 100.
LEVELS: tuple[float, ...] = tuple(k / 2 for k in range(201))



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
