"""What a run predicted for the chosen option, year by year: the run and its collector.

The prediction's data (:class:`~crossroads.journal.prediction.Prediction`, one
:class:`~crossroads.journal.prediction.YearPrediction` per year, quantiles on
:data:`~crossroads.journal.prediction.LEVELS`) is described in
:mod:`crossroads.journal.prediction`.

Quantiles interpolate linearly between order statistics, as ``np.percentile`` does, over
every draw of the run: :class:`Collector` receives each chunk's outcomes from
:func:`crossroads.engine.loop.run_model` (``on_chunk``), so the prediction and the run's
summary come from the same draws.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.engine.loop import run_model
from crossroads.journal.prediction import LEVELS, Prediction, YearPrediction
from crossroads.model.compile import Model
from crossroads.results import RunResult
from crossroads.simulate.paths import Outcomes

__all__ = ["Collector", "bytes_per_draw", "predict"]

def bytes_per_draw(model: Model) -> int:
    """What the collector keeps per draw until the end: a float64 per year for the pay,
    the pay before tax and each criterion's score (the run's memory budget counts it).

    >>> from crossroads.api import load
    >>> bytes_per_draw(load("decision: x\\nhorizon: 4\\noptions: {a: {roles: {r: {cash: 1}}}}"))
    64
    """
    return 8 * model.horizon * (2 + len(model.criteria))


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
