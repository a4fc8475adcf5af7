"""From walked cash to money as it reaches you: today's money, after tax, one currency.

The path walker pays each role in its own currency and in the money of each year (raises
are nominal, as pay surveys publish them). :func:`settle` then, per option, draw and year:

1. deflates: ``x_t / prod_{s=1..t} (1 + i_s)`` (nothing with ``raises: real``);
2. adds the employer's retirement contribution, ``min(share x pay, cap)``, untaxed;
3. taxes pay (base and bonus, plus equity unless the tax gives equity its own flat rate)
   with the role's table, brackets or flat rate, thresholds read in today's money (brackets
   taken to move with inflation);
4. converts into the decision's currency at the currency's rate (one number per draw when
   the rate is uncertain);
5. adds one-off cash flows as written (money that reaches you: deflated and converted, not
   taxed).

With terminal values on it also prices what lies past the horizon (:func:`terminal_value`).
A decision without money keys is returned as it came, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from crossroads._types import FloatArray
from crossroads.money.spec import MoneySpec, OptionMoney, RoleMoney, TaxSpec
from crossroads.money.tax import tax_due

if TYPE_CHECKING:
    from crossroads.model.compile import Model, OptionSpec
    from crossroads.model.fields import Field
    from crossroads.simulate.paths import Outcomes
    from crossroads.simulate.sampling import Draws


def settle(model: Model, draws: Draws, outcomes: Outcomes,
           each: Callable[[Callable[[int], None], int], None] | None = None) -> Outcomes:
    """Outcomes whose ``cash`` is after tax in today's money of the decision's currency,
    with ``pre_tax`` beside it (None when nothing is taxed) and ``terminal`` (None when off).

    ``each(fn, count)`` calls ``fn(i)`` for every option i, in any order or side by side
    (the simulator passes its threads); by default one after the other.
    """
    spec = model.money
    if spec is None or not spec.active:
        return outcomes
    o, n, h = outcomes.cash.shape
    net, pre = np.zeros((o, h, n)), np.zeros((o, h, n))
    terminal = np.zeros((o, n)) if spec.has_terminal else None
    first = outcomes.first_salary.copy()
    book = _Book(spec, draws, model.discount, h)

    def one(i: int) -> None:
        option, money = model.options[i], spec.options[i]
        walked = _Walked(np.moveaxis(outcomes.cash[i], 1, 0),
                         np.moveaxis(outcomes.equity[i], 1, 0),
                         np.moveaxis(outcomes.roles[i], 1, 0), _flows(option, draws, h, n))
        last = book.option(money, walked, net[i], pre[i])
        if terminal is not None:
            terminal[i] = book.terminal(money, walked.roles[h - 1], last)
        start = money.roles[option.start]
        rate = book.rate(start.currency)
        first[i] = first[i] * (rate[0] if rate.ndim == 2 else rate)   # year 0's rate

    if each is None:
        for i in range(o):
            one(i)
    else:
        each(one, o)   # options side by side, as they were walked: each writes its own rows
    return replace(outcomes, cash=np.moveaxis(net, 1, 2),
                   pre_tax=np.moveaxis(pre, 1, 2) if spec.taxed else None,
                   terminal=terminal, first_salary=first)


@dataclass(frozen=True)
class _Walked:
    """One option's walk, year-major (horizon, n): all cash, its equity part, roles, flows."""

    cash: FloatArray
    equity: FloatArray
    roles: np.ndarray
    flows: FloatArray

    @property
    def pay(self) -> FloatArray:
        return np.asarray(self.cash - self.equity - self.flows)


def _flows(option: OptionSpec, draws: Draws, h: int, n: int) -> FloatArray:
    """The option's one-off amounts by year (the walker added them into cash)."""
    out = np.zeros((h, n))
    for year, f in option.cash_flows:
        value = np.asarray(draws.evaluate(f), dtype=np.float64)
        out[year] += value[:, year] if value.ndim == 2 else value
    return out


def by_year(value: FloatArray | float) -> FloatArray:
    """A field's value shaped to broadcast against (horizon, n): yearly fields transposed."""
    v = np.asarray(value, dtype=np.float64)
    return v.T if v.ndim == 2 else v


class _Book:
    """Rates, deflators and taxes for one chunk of draws, evaluated once and shared."""

    def __init__(self, spec: MoneySpec, draws: Draws, discount: float, horizon: int) -> None:
        self.spec, self.draws, self.horizon = spec, draws, horizon
        self.discount = discount
        self.inflation = {} if spec.real else {
            cur: by_year(draws.evaluate(f)) for cur, f in spec.inflation.items()}
        self.deflators = {cur: deflator(i, horizon) for cur, i in self.inflation.items()}
        self.rates = {cur: by_year(draws.evaluate(f)) for cur, f in spec.fx.items()}

    def value(self, f: Field | None) -> FloatArray | None:
        return None if f is None else by_year(self.draws.evaluate(f))

    def inflation_of(self, currency: str) -> FloatArray:
        """The currency's inflation (its own, or the one for all), 0 when none is given."""
        return self.inflation.get(currency, self.inflation.get("*", np.asarray(0.0)))

    def deflator(self, currency: str) -> FloatArray:
        """Year t's today's-money factor for amounts in ``currency``, (horizon, 1|n)."""
        return self.deflators.get(currency, self.deflators.get("*", np.ones((self.horizon, 1))))

    def rate(self, currency: str) -> FloatArray:
        """The decision's currency per unit of ``currency`` (1 for its own)."""
        return self.rates.get(currency, np.asarray(1.0))

    def option(self, money: OptionMoney, walked: _Walked, net: FloatArray,
               pre: FloatArray) -> FloatArray:
        """Fill ``net`` and ``pre`` (horizon, n); return the last year's net pay (n,).

        Each role's years are gathered (a year and draw index per entry held), worked on
        and scattered back: the work is one pass over the years whatever the roles.
        """
        h = walked.cash.shape[0]
        last = np.zeros(walked.cash.shape[1])
        pay_all = walked.pay
        for k, role in enumerate(money.roles):
            at = _At(*np.nonzero(walked.roles == k))
            if not at.t.size:
                continue
            deflate = self.deflator(role.currency)   # each currency by its own inflation
            pay = pay_all[at.t, at.d] * at.take(deflate)
            got, before = self.role(role, pay, walked.equity[at.t, at.d] * at.take(deflate), at)
            net[at.t, at.d], pre[at.t, at.d] = got, before
            ends = np.flatnonzero(walked.roles[-1] == k)
            if self.spec.terminal_years is not None and ends.size:
                end = _At(np.full(ends.size, h - 1), ends)
                last[ends] = self.net_pay(role, pay_all[-1, ends] * end.take(deflate), end)
        flows = walked.flows * self.deflator(money.currency) * self.rate(money.currency)
        net += flows
        pre += flows
        return last

    def role(self, role: RoleMoney, pay: FloatArray, equity: FloatArray, at: _At
             ) -> tuple[FloatArray, FloatArray]:
        """(after tax, before tax) in the decision's currency of the entries ``at``."""
        rate = at.take(self.rate(role.currency))
        before = (pay + equity + self.retirement(role, pay, at)) * rate
        if role.tax is None:
            return before, before
        own_rate = self.value(role.tax.equity)
        if own_rate is None:
            taxed = self.tax(role.tax, pay + equity, role.currency, at)
        else:
            taxed = (self.tax(role.tax, pay, role.currency, at)
                     + at.take(own_rate) * np.maximum(equity, 0.0))
        return before - taxed * rate, before

    def retirement(self, role: RoleMoney, pay: FloatArray, at: _At) -> FloatArray:
        """The employer's contribution: ``min(share x pay, cap)``, nothing on no pay."""
        if role.share is None:
            return np.zeros(pay.shape)
        paid = np.maximum(pay, 0.0) * at.take(self.value(role.share))
        cap = self.value(role.cap)
        return paid if cap is None else np.minimum(paid, at.take(cap))

    def net_pay(self, role: RoleMoney, pay: FloatArray, at: _At) -> FloatArray:
        """Pay after tax with the retirement contribution, without equity."""
        got = pay + self.retirement(role, pay, at)
        if role.tax is not None:
            got = got - self.tax(role.tax, pay, role.currency, at)
        return np.asarray(got * at.take(self.rate(role.currency)))

    def tax(self, tax: TaxSpec, income: FloatArray, currency: str, at: _At) -> FloatArray:
        """Tax on yearly income in ``currency``; a table's thresholds are in its own."""
        positive = np.maximum(income, 0.0)
        if tax.table is not None:
            ratio = np.asarray(1.0)
            if tax.table.currency and tax.table.currency != currency:
                ratio = at.take(self.rate(currency) / self.rate(tax.table.currency))
            due = tax_due(positive * ratio, tax.table) / ratio
        else:
            due = positive * at.take(self.value(tax.rate))
        state = self.value(tax.state)
        return np.asarray(due if state is None else due + at.take(state) * positive)

    def terminal(self, money: OptionMoney, last_role: np.ndarray,
                 last_pay: FloatArray) -> FloatArray:
        """Each draw's value past the horizon, in today's money, discounted to year 0."""
        h, r = self.horizon, self.discount
        out = np.zeros(last_role.shape)
        for k, role in enumerate(money.roles):
            if self.spec.terminal_years is not None and role.terminal is None:
                growth = _like(self.value(self.spec.terminal_growth), last_pay)
                inflation = _like(self.inflation_of(role.currency), last_pay)
                out = np.where(last_role == k, terminal_value(
                    last_pay, h, r, self.spec.terminal_years, growth, inflation), out)
            elif role.terminal is not None:
                own = (_like(self.value(role.terminal), last_pay)
                       * _like(self.rate(role.currency), last_pay) * (1.0 + r) ** -h)
                out = np.where(last_role == k, own, out)
        return np.asarray(out)


@dataclass(frozen=True)
class _At:
    """Entries of a (horizon, n) array: their years ``t`` and draws ``d``."""

    t: np.ndarray
    d: np.ndarray

    def take(self, value: FloatArray | float | None) -> FloatArray:
        """A value that broadcasts against (horizon, n), at these entries."""
        v = np.asarray(value, dtype=np.float64)
        if v.ndim == 0:
            return v
        if v.ndim == 1:
            return np.asarray(v[self.d])
        return np.asarray(v[self.t, self.d] if v.shape[1] > 1 else v[self.t, 0])


def _like(value: FloatArray | None, target: FloatArray) -> FloatArray:
    """A (horizon, n) value taken at the last year when ``target`` is one year (n,)."""
    v = np.asarray(value)
    return v[-1] if v.ndim == 2 and target.ndim == 1 else v


def deflator(inflation: FloatArray | None, horizon: int) -> FloatArray:
    """Year t's today's-money factor, ``1 / prod_{s=1..t} (1 + i_s)``, shape (horizon, 1|n).

    >>> deflator(np.asarray(0.10), 3).ravel().round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    if inflation is None:
        return np.ones((horizon, 1))
    i = np.asarray(inflation, dtype=np.float64)
    yearly = np.broadcast_to(i if i.ndim == 2 else i[np.newaxis], (horizon, *i.shape[-1:]))
    out = np.ones(yearly.shape)
    if horizon > 1:
        out[1:] = np.cumprod(1.0 / (1.0 + yearly[1:]), axis=0)
    return out.reshape(horizon, -1)


def terminal_value(last: FloatArray, horizon: int, discount: float, years: int,
                   growth: FloatArray | float, inflation: FloatArray | float = 0.0
                   ) -> FloatArray:
    """Last year's net pay ``L`` continuing ``years`` more years, grown and discounted:

    ``L v^(h-1) sum_{j=1..N} x^j`` with ``x = (1+g) / ((1+i)(1+r))``, ``v = 1/(1+r)``.

    >>> float(terminal_value(np.asarray(100.0), 1, 0.0, 3, 0.0))
    300.0
    """
    x = (1.0 + np.asarray(growth)) / ((1.0 + np.asarray(inflation)) * (1.0 + discount))
    total = np.zeros(np.broadcast(x, last).shape)
    power = np.ones_like(total)
    for _ in range(years):
        power = power * x
        total += power
    return np.asarray(last * (1.0 + discount) ** -(horizon - 1) * total)


def role_rates(model: Model, option: OptionSpec, draws: Draws) -> FloatArray | None:
    """Each role's currency rate per draw, (n, n_roles), or None when one currency is used.

    The walker uses it to carry ``previous`` into a new role's currency when a move changes
    currency, so ``cash: previous * 1.3`` is 1.3 times the same pay, not the same number.
    """
    spec = model.money
    if spec is None or not spec.fx:
        return None
    roles = spec.options[model.option_ids.index(option.id)].roles
    if len({r.currency for r in roles}) < 2:
        return None
    out = np.ones((draws.n, len(roles)))
    for k, role in enumerate(roles):
        if role.currency in spec.fx:
            out[:, k] = _like(by_year(draws.evaluate(spec.fx[role.currency])), out[:, 0])
    return out
