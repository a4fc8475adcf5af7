"""Implied prices: what you pay, in money, for what you value besides money.

Usage::

    result = implied_prices(npv, points, worths, option_ids, baseline=0, currency="USD")
    result.to_dict(); result.criteria["enjoyment"].sentence

Inputs, per Monte Carlo draw: ``npv`` (n_options, n); ``points[c]`` (n_options, n), the
discounted sum over years of criterion c's yearly score ("point-years"); ``worths[c]``
(n,) or a number, money per point-year, for the criteria that have a worth.

The value model (docs/simulation.md) with criterion c's worth replaced by a number w is

    value_i(w) = npv_i + sum_{c' != c} worth_c' points_c',i + w points_c,i,

so E[value_i(w)] = a_i + w b_i with a_i = E[npv_i + sum_{c' != c} worth_c' points_c',i]
and b_i = E[points_c,i]: a line in w per option. The best option at w is the upper
envelope of the lines, so the worths at which it changes are solved exactly (no search):

* ``switch_below`` / ``switch_above``: the nearest worths, below and above your mean worth,
  where another option's line crosses the current best's;
* per option against the baseline: the NPV you give up (mean and 90% interval over draws),
  the point-years you gain, and the break-even worth where the two lines cross, counting
  your worths for the other criteria.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from crossroads._types import FloatArray
from crossroads.format import money_exact as money  # whole amounts: "$12,000"


@dataclass(frozen=True)
class Switch:
    """At ``worth`` per point-year, option ``to`` takes over as the best."""

    worth: float
    to: str


@dataclass(frozen=True)
class PairPrice:
    """Choosing ``option`` over ``versus``, seen through one criterion.

    ``npv_paid`` = NPV(versus) - NPV(option) per draw (positive: you pay); ``points_gained``
    = E[points(option) - points(versus)]; ``break_even_worth``: the worth per point-year at
    which their mean values are equal (None when the criterion cannot separate them);
    ``better_above``: whether ``option`` is the better one above that worth.
    """

    criterion: str
    option: str
    versus: str
    npv_paid_mean: float
    npv_paid_p5: float
    npv_paid_p95: float
    points_gained: float
    break_even_worth: float | None
    better_above: bool | None
    sentence: str
    lower: bool = False  # `better: lower`: points count fewer of the criterion


@dataclass(frozen=True)
class CriterionPrices:
    """One criterion: the best option at your mean worth, where that changes, and pairs."""

    criterion: str
    mean_worth: float
    best: str
    switch_below: Switch | None
    switch_above: Switch | None
    pairs: tuple[PairPrice, ...]
    sentence: str
    lower: bool = False  # `better: lower`: a worth is per point less of the criterion


@dataclass(frozen=True)
class PricesResult:
    """Implied prices for every criterion that has a worth."""

    currency: str
    criteria: Mapping[str, CriterionPrices]

    def to_dict(self) -> dict[str, object]:
        def switch(s: Switch | None) -> dict[str, object] | None:
            return None if s is None else {"worth": s.worth, "to": s.to}

        return {"currency": self.currency, "criteria": {
            c: {"mean_worth": p.mean_worth, "best": p.best,
                "switch_below": switch(p.switch_below), "switch_above": switch(p.switch_above),
                "sentence": p.sentence,
                "pairs": {q.option: {
                    "versus": q.versus, "npv_paid": {"mean": q.npv_paid_mean,
                                                     "p5": q.npv_paid_p5,
                                                     "p95": q.npv_paid_p95},
                    "points_gained": q.points_gained,
                    "break_even_worth": q.break_even_worth, "better_above": q.better_above,
                    "sentence": q.sentence} for q in p.pairs}}
            for c, p in self.criteria.items()}}


def value_lines(npv: FloatArray, points: Mapping[str, FloatArray],
                worths: Mapping[str, FloatArray], criterion: str) -> tuple[FloatArray,
                                                                         FloatArray]:
    """Intercepts a_i and slopes b_i of E[value_i(w)] = a_i + w b_i for one criterion.

    >>> a, b = value_lines(np.array([[10.0], [0.0]]), {"fun": np.array([[1.0], [3.0]])},
    ...                    {"fun": np.array([2.0])}, "fun")
    >>> a.tolist(), b.tolist()
    ([10.0, 0.0], [1.0, 3.0])
    """
    rest = np.asarray(npv, dtype=np.float64).copy()
    for c, w in worths.items():
        if c != criterion:
            rest += np.asarray(w, dtype=np.float64) * points[c]
    return rest.mean(axis=1), np.asarray(points[criterion], dtype=np.float64).mean(axis=1)


def _crossing(a: FloatArray, b: FloatArray, i: int, j: int) -> float | None:
    """The w where lines i and j meet, or None when they are parallel."""
    if b[i] == b[j]:
        return None
    return float((a[i] - a[j]) / (b[j] - b[i]))


def _switches(a: FloatArray, b: FloatArray, best: int, w0: float,
              ids: Sequence[str]) -> tuple[Switch | None, Switch | None]:
    """Nearest worths below and above w0 where another option overtakes the best."""
    below: Switch | None = None
    above: Switch | None = None
    for j in range(len(ids)):
        w = None if j == best else _crossing(a, b, best, j)
        if w is None:
            continue
        if b[j] > b[best] and (above is None or w < above.worth):
            above = Switch(w, ids[j])
        elif b[j] < b[best] and (below is None or w > below.worth):
            below = Switch(w, ids[j])
    return below, above


def _pair_sentence(q: PairPrice, currency: str, in_money: str = "in NPV") -> str:
    """E.g. "Choosing platform over ml_lead, you pay $412,000 (90%: ...) in NPV for 14.2
    more enjoyment point-years; it is worth it if a point-year is worth at least $29,000"."""
    c, paid, gained = q.criterion, q.npv_paid_mean, q.points_gained
    interval = f"(90%: {money(q.npv_paid_p5, currency)} to {money(q.npv_paid_p95, currency)})"
    cost = (f"you pay {money(paid, currency)} {interval} {in_money}" if paid >= 0 else
            f"you gain {money(-paid, currency)} {interval} {in_money}")
    more, fewer = ("fewer", "more") if q.lower else ("more", "fewer")
    amount = (f"{gained:.1f} {more}" if gained >= 0 else f"{-gained:.1f} {fewer}")
    head = f"Choosing {q.option} over {q.versus}, {cost} for {amount} {c} point-years"
    if q.break_even_worth is None:
        return f"{head}; {c} does not separate them, so its worth does not matter"
    bound = "at least" if q.better_above else "at most"
    return (f"{head}; counting your other worths, it is worth it if a point-year "
            f"{_of(c, q.lower)} is worth {bound} {money(q.break_even_worth, currency)}")


def _of(criterion: str, lower: bool) -> str:
    """"of fun", or "less of stress": a worth is per point of better."""
    return f"less of {criterion}" if lower else f"of {criterion}"


def pair_price(npv: FloatArray, points: Mapping[str, FloatArray],
               worths: Mapping[str, FloatArray], criterion: str, option: int, versus: int,
               ids: Sequence[str], currency: str = "USD", lower: bool = False,
               in_money: str = "in NPV") -> PairPrice:
    """What choosing ``option`` over ``versus`` costs in NPV for the points of one criterion.

    ``npv`` is the money value counts (with a value past the horizon, NPV plus it, and
    ``in_money`` says so in the sentence).

    >>> q = pair_price(np.array([[0.0, 0.0], [100.0, 120.0]]),
    ...                {"fun": np.array([[10.0, 10.0], [0.0, 0.0]])},
    ...                {"fun": np.array([5.0, 5.0])}, "fun", 0, 1, ["art", "bank"])
    >>> q.npv_paid_mean, q.points_gained, q.break_even_worth, q.better_above
    (110.0, 10.0, 11.0, True)
    """
    a, b = value_lines(npv, points, worths, criterion)
    paid = np.asarray(npv[versus] - npv[option], dtype=np.float64)
    lo, hi = np.percentile(paid, [5.0, 95.0])
    w = _crossing(a, b, option, versus)
    q = PairPrice(criterion, ids[option], ids[versus], float(paid.mean()), float(lo),
                  float(hi), float(b[option] - b[versus]), w,
                  None if w is None else bool(b[option] > b[versus]), "", lower)
    return replace(q, sentence=_pair_sentence(q, currency, in_money))


def _best_sentence(p: CriterionPrices, currency: str) -> str:
    c = p.criterion
    text = (f"At your average worth of {money(p.mean_worth, currency)} per point-year "
            f"{_of(c, p.lower)}, {p.best} has the highest mean value")
    if p.switch_below is not None:
        if p.switch_below.worth <= 0:
            text += f"; it stays best even if {c} were worth nothing"
        else:
            text += (f"; {p.switch_below.to} takes over below "
                     f"{money(p.switch_below.worth, currency)}")
    if p.switch_above is not None:
        text += (f"; {p.switch_above.to} takes over above "
                 f"{money(p.switch_above.worth, currency)}")
    if p.switch_below is None and p.switch_above is None:
        text += f", whatever {c} is worth"
    return text


def implied_prices(npv: FloatArray, points: Mapping[str, FloatArray],
                   worths: Mapping[str, FloatArray | float], option_ids: Sequence[str], *,
                   baseline: int = 0, currency: str = "USD",
                   lower: frozenset[str] = frozenset(), in_money: str = "in NPV"
                   ) -> PricesResult:
    """Implied prices for every criterion in ``worths`` (see the module docstring).

    Criteria in ``lower`` are `better: lower`: their ``points`` and ``worths`` are given in
    the better direction (points less, money per point less), and the sentences say
    "fewer stress point-years" and "a point-year less of stress".

    >>> r = implied_prices(np.array([[100.0], [0.0]]), {"fun": np.array([[0.0], [10.0]])},
    ...                    {"fun": 5.0}, ["bank", "art"])
    >>> r.criteria["fun"].best, r.criteria["fun"].switch_above
    ('bank', Switch(worth=10.0, to='art'))
    >>> print(r.criteria["fun"].sentence)  # doctest: +NORMALIZE_WHITESPACE
    At your average worth of $5 per point-year of fun, bank has the highest mean value;
    art takes over above $10
    """
    n = np.asarray(npv).shape[1]
    per_draw = {c: np.broadcast_to(np.asarray(w, dtype=np.float64), (n,))
                for c, w in worths.items()}
    out: dict[str, CriterionPrices] = {}
    for c, w in per_draw.items():
        a, b = value_lines(npv, points, per_draw, c)
        w0 = float(w.mean())
        best = int(np.argmax(a + w0 * b))
        below, above = _switches(a, b, best, w0, option_ids)
        pairs = tuple(pair_price(npv, points, per_draw, c, i, baseline, option_ids, currency,
                                 c in lower, in_money)
                      for i in range(len(option_ids)) if i != baseline)
        p = CriterionPrices(c, w0, option_ids[best], below, above, pairs, "", c in lower)
        out[c] = replace(p, sentence=_best_sentence(p, currency))
    return PricesResult(currency, out)
