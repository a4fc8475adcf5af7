"""Hold what happened against what was predicted: percentiles, PIT, Brier, sentences.

For a check-in in year t with pay x, the pay's percentile is where x falls in the stored
quantiles of year t (:func:`percentile_of`); divided by 100 it is the check-in's PIT
(probability integral transform) value. Were the predictions calibrated, PIT values
would be spread evenly over 0..1: too many near 0 or 1 mean the fan was too narrow, a
pile in the middle that it was too wide, a lean to one side that it was biased.

The role probabilities are scored with the Brier score (Brier 1950, the multi-category
form): for each check-in that names a role, ``sum_k (p_k - o_k)^2`` over the option's
roles, with ``p_k`` the predicted share of draws holding role k that year and ``o_k`` 1
for the role held and 0 otherwise; the summary is the mean over check-ins. 0 is a
certain, right forecast; 2 a certain, wrong one; a forecast that spreads evenly over K
roles scores ``1 - 1/K`` whatever happens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crossroads.journal.prediction import Prediction, YearPrediction

__all__ = ["Checkin", "Entry", "assess", "brier", "check_checkin", "latest_per_year",
           "percentile_of", "pit_histogram", "review"]

#: Bins of the PIT histogram: tenths of 0..1.
PIT_BINS = 10


@dataclass(frozen=True)
class Checkin:
    """What happened in one year of a recorded decision."""

    year: int
    cash: float | None = None
    role: str | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    note: str = ""
    date: str | None = None   # ISO date of the check-in, when one was given
    id: int | None = None
    pre_tax: bool = False     # the cash is before tax (set against ``pay_pre_tax``)


@dataclass(frozen=True)
class Entry:
    """A recorded decision and its check-ins, as the journal keeps them."""

    id: int
    recorded: str                  # ISO date
    prediction: Prediction
    checkins: tuple[Checkin, ...] = ()
    note: str = ""
    title: str = ""
    currency: str = ""


def check_checkin(pred: Prediction, checkin: Checkin) -> str | None:
    """What is wrong with a check-in for this prediction, or None: a year beyond the
    horizon, a role the option does not have, a criterion it did not score, a number
    that is not finite.

    >>> from crossroads.journal.prediction import YearPrediction
    >>> pred = Prediction("a", "A", {"r": "R"}, "r", (0.0, 100.0),
    ...                   (YearPrediction(0, (1.0, 2.0), {"r": 1.0}, {"r": 1.0}),))
    >>> check_checkin(pred, Checkin(1, cash=5.0))
    'year 1 is beyond the horizon: option `a` was predicted for years 0 to 0'
    """
    last = pred.horizon - 1
    if not 0 <= checkin.year <= last:
        return (f"year {checkin.year} is beyond the horizon: option `{pred.option}` was "
                f"predicted for years 0 to {last}")
    if checkin.role is not None and checkin.role not in pred.roles:
        return (f"option `{pred.option}` has no role `{checkin.role}`; its roles are "
                f"{', '.join(pred.roles)}")
    known = pred.years[checkin.year].scores
    for c, v in checkin.scores.items():
        if c not in known:
            return (f"no criterion `{c}` was predicted"
                    + (f"; the criteria are {', '.join(known)}" if known else ""))
        if not math.isfinite(v):
            return f"the score of `{c}` must be a finite number"
    if checkin.cash is not None and not math.isfinite(checkin.cash):
        return "the cash must be a finite number"
    if checkin.pre_tax and pred.years[checkin.year].pay_pre_tax is None:
        return ("the cash is marked as before tax, but the decision file taxes no pay, so "
                "its pay is already before tax")
    return None


def percentile_of(x: float, quantiles: Sequence[float],
                  levels: Sequence[float]) -> float:
    """Where ``x`` falls, in percent, in a distribution stored as quantiles at ``levels``.

    Between two stored quantiles the percentile is interpolated linearly; where several
    stored quantiles equal ``x`` (a pay every draw agrees on) it is the middle of their
    levels (the mid-distribution PIT); below the least draw 0, above the greatest 100.

    >>> percentile_of(15.0, [10.0, 20.0, 30.0], [0.0, 50.0, 100.0])
    25.0
    >>> percentile_of(40.0, [40.0, 40.0, 40.0], [0.0, 50.0, 100.0])
    50.0
    """
    q = np.asarray(quantiles, dtype=np.float64)
    lv = np.asarray(levels, dtype=np.float64)
    same = np.flatnonzero(q == x)
    if same.size:
        return float((lv[same[0]] + lv[same[-1]]) / 2)
    k = int(np.searchsorted(q, x, side="left"))     # q[k-1] < x < q[k]
    if k == 0:
        return 0.0
    if k == q.size:
        return 100.0
    w = (x - q[k - 1]) / (q[k] - q[k - 1])
    return float(lv[k - 1] + w * (lv[k] - lv[k - 1]))


def brier(forecasts: Iterable[tuple[Mapping[str, float], str]]) -> float | None:
    """Mean multi-category Brier score of ``(p by role, role held)`` pairs; None if none.

    >>> round(brier([({"a": 0.7, "b": 0.3}, "a")]), 6)
    0.18
    """
    scores = [sum((p - (role == held)) ** 2 for role, p in probs.items())
              for probs, held in forecasts]
    return math.fsum(scores) / len(scores) if scores else None


def pit_histogram(pits: Sequence[float], bins: int = PIT_BINS) -> dict[str, Any]:
    """Counts of PIT values in ``bins`` equal bins of 0..1 (1.0 falls in the last).

    >>> pit_histogram([0.05, 0.5, 1.0], bins=2)["counts"]
    [1, 2]
    """
    edges = [k / bins for k in range(bins + 1)]
    counts = [0] * bins
    for p in pits:
        counts[min(int(p * bins), bins - 1)] += 1
    return {"edges": edges, "counts": counts}


def assess(checkin: Checkin, year: YearPrediction, levels: Sequence[float],
           reached: set[str]) -> dict[str, Any]:
    """One check-in against its year's prediction: the JSON row of `journal review`."""
    out: dict[str, Any] = {"year": checkin.year, "date": checkin.date, "cash": checkin.cash,
                           "cash_percentile": None, "pre_tax": checkin.pre_tax,
                           "role": checkin.role, "p_role": None,
                           "p_reached": None, "scores": {}, "note": checkin.note}
    if checkin.cash is not None:
        pay = year.pay_pre_tax if checkin.pre_tax and year.pay_pre_tax else year.pay
        out["cash_percentile"] = percentile_of(checkin.cash, pay, levels)
    if checkin.role is not None:
        out["p_role"] = year.p_hold.get(checkin.role, 0.0)
        out["p_reached"] = {r: {"p": p, "reached": r in reached}
                            for r, p in year.p_reached.items()}
    for c, v in checkin.scores.items():
        q = year.scores.get(c)
        out["scores"][c] = {"value": v, "percentile": None if q is None else
                            percentile_of(v, q, levels)}
    return out


def latest_per_year(checkins: Iterable[Checkin]) -> list[Checkin]:
    """One check-in per year, the last recorded (a correction replaces a mistake), in
    year order.

    >>> [c.cash for c in latest_per_year([Checkin(2, 5.0), Checkin(0, 1.0), Checkin(2, 6.0)])]
    [1.0, 6.0]
    """
    last: dict[int, Checkin] = {}
    for c in checkins:
        last[c.year] = c
    return [last[year] for year in sorted(last)]


def review(entries: Sequence[Entry]) -> dict[str, Any]:
    """Every check-in against its prediction, and the calibration over all of them.

    The shape is the `journal review --json` contract: ``{"entries": [{"id", "option",
    "recorded", "checkins": [{"year", "cash", "cash_percentile", "role", "p_role"}]}],
    "calibration": {"pit", "brier"}}``, with more keys beside those.
    """
    from crossroads.journal.sentences import entry_sentences

    rows, pits, forecasts, sentences = [], [], [], []
    score_pits: dict[str, list[float]] = {}
    for entry in entries:
        pred, checks, reached = entry.prediction, [], {entry.prediction.start}
        for c in latest_per_year(entry.checkins):
            if c.role is not None:
                reached.add(c.role)
            row = assess(c, pred.years[c.year], pred.levels, set(reached))
            checks.append(row)
            if row["cash_percentile"] is not None:
                pits.append(row["cash_percentile"] / 100)
            if c.role is not None:
                forecasts.append((pred.years[c.year].p_hold, c.role))
            for name, score in row["scores"].items():
                if score["percentile"] is not None:
                    score_pits.setdefault(name, []).append(score["percentile"] / 100)
        sentences += entry_sentences(entry, checks)
        rows.append({"id": entry.id, "option": pred.option, "label": pred.label,
                     "money": pred.money,
                     "recorded": entry.recorded, "title": entry.title,
                     "currency": entry.currency, "note": entry.note, "checkins": checks})
    calibration = {"pit": pits, "pit_histogram": pit_histogram(pits),
                   "brier": brier(forecasts), "brier_checkins": len(forecasts),
                   "score_pit": score_pits, "sentences": sentences}
    return {"entries": rows, "calibration": calibration}
