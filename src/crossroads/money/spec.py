"""The money keys of a decision compiled: who pays in what currency, how it is taxed.

:func:`compile_money` runs inside :func:`crossroads.model.compile.compile_model` with its
compiler, so estimates get stream keys and located errors like every other field. The
result, :class:`MoneySpec`, is what :mod:`crossroads.money.settle` reads after the walk.
Resolution is nearest first: a role's own ``currency``/``tax`` wins over its option's, which
wins over the decision's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crossroads.estimate.dists import Constant
from crossroads.estimate.expr import compile_estimate
from crossroads.model.fields import Field
from crossroads.model.money_schema import Retirement, Tax
from crossroads.money.fx import ppp_rate, reference_rate
from crossroads.money.tax import Part, Table, shipped

if TYPE_CHECKING:
    from crossroads.model.compile import _DecisionCompiler
    from crossroads.model.parse import Path
    from crossroads.model.schema import Option


@dataclass(frozen=True)
class TaxSpec:
    """A compiled ``tax:``: a table (shipped or the file's brackets) or a flat rate."""

    label: str
    table: Table | None
    rate: Field | None
    state: Field | None
    equity: Field | None


@dataclass(frozen=True)
class RoleMoney:
    currency: str
    tax: TaxSpec | None
    share: Field | None        # retirement contribution, a share of pay
    cap: Field | None          # its yearly cap, in today's money of the role's currency
    terminal: Field | None     # value of standing in the role at the horizon


@dataclass(frozen=True)
class OptionMoney:
    currency: str              # of its one-off cash flows
    roles: tuple[RoleMoney, ...]


@dataclass(frozen=True)
class MoneySpec:
    """Everything that turns walked cash into after-tax money of today in one currency."""

    currency: str
    inflation: Mapping[str, Field]       # by currency; "*" for every currency
    inflation_text: str | None
    real: bool                           # raises and amounts are already in today's money
    fx: Mapping[str, Field]              # one unit of a currency, in the decision's
    fx_text: Mapping[str, str]           # the rate as written, or the reference rate
    fx_source: Mapping[str, str]         # "yours", "reference" or "ppp-reference"
    fx_view: str                         # "market" or "ppp" (purchasing-power parities)
    options: tuple[OptionMoney, ...]
    terminal_years: int | None
    terminal_growth: Field | None
    paid_in: frozenset[str] = frozenset()   # currencies pay is written in (not only tax's)

    @property
    def taxed(self) -> bool:
        return any(r.tax is not None for o in self.options for r in o.roles)

    @property
    def has_terminal(self) -> bool:
        return (self.terminal_years is not None
                or any(r.terminal is not None for o in self.options for r in o.roles))

    @property
    def kept(self) -> tuple[str, ...]:
        """Per-draw money a run keeps beside NPV: pre-tax NPV when anything is taxed, the
        terminal value when asked for; nothing for a file without money keys."""
        return (("npv_pre_tax",) if self.taxed else ()) + (
            ("terminal",) if self.has_terminal else ())

    @property
    def active(self) -> bool:
        """False when the walked cash is already the money reported (every old file)."""
        return (bool(self.inflation) and not self.real) or self.taxed or bool(self.fx) \
            or self.has_terminal \
            or any(r.share is not None for o in self.options for r in o.roles)


def compile_money(c: _DecisionCompiler) -> MoneySpec:
    """Compile the decision's money keys; problems go to the compiler's list."""
    d = c.decision
    used: dict[str, Path] = {}   # every currency needing a rate, and where it first appears
    d_tax = _tax(c, d.tax, ("tax",), "money.tax") if d.tax else None
    options = tuple(_option(c, oid, opt, d_tax, used) for oid, opt in d.options.items())
    paid_in = {o.currency for o in options} | {r.currency for o in options for r in o.roles}
    inflation = _inflation(c, paid_in)
    fx, text, source = _fx(c, used)
    term = d.terminal
    return MoneySpec(
        currency=d.currency, inflation=inflation,
        inflation_text=None if d.inflation is None else
        str(d.inflation) if not isinstance(d.inflation, dict) else
        ", ".join(f"{k} {v}" for k, v in d.inflation.items()),
        real=d.raises == "real", fx=fx, fx_text=text, fx_source=source, fx_view=d.fx_view,
        options=options, terminal_years=term.years if term else None,
        terminal_growth=c.field(term.growth, ("terminal", "growth"), "money.terminal.growth")
        if term else None, paid_in=frozenset(paid_in),
    )


def _option(c: _DecisionCompiler, oid: str, opt: Option, d_tax: TaxSpec | None,
            used: dict[str, Path]) -> OptionMoney:
    """One option's currency and each role's currency, tax, retirement and terminal value."""
    o_cur = opt.currency or c.decision.currency
    if opt.currency:
        used.setdefault(opt.currency, ("options", oid, "currency"))
    o_tax = _tax(c, opt.tax, ("options", oid, "tax"), f"opt.{oid}.tax") if opt.tax else None
    roles = []
    for rid, role in opt.roles.items():
        base: Path = ("options", oid, "roles", rid)
        if role.currency:
            used.setdefault(role.currency, (*base, "currency"))
        key = f"opt.{oid}.role.{rid}"
        r_tax = _tax(c, role.tax, (*base, "tax"), f"{key}.tax") if role.tax else None
        tax = r_tax or o_tax or d_tax
        if tax is not None and tax.table is not None and tax.table.currency:
            used.setdefault(tax.table.currency, (*base, "tax"))  # its thresholds' currency
        ret = role.retirement
        assert ret is None or isinstance(ret, Retirement)  # made one by the validator
        roles.append(RoleMoney(
            currency=role.currency or o_cur, tax=tax,
            share=c.field(ret.share, (*base, "retirement", "share"),
                          f"{key}.retirement.share") if ret else None,
            cap=c.field(ret.cap, (*base, "retirement", "cap"), f"{key}.retirement.cap")
            if ret and ret.cap is not None else None,
            terminal=c.field(role.terminal, (*base, "terminal"), f"{key}.terminal")
            if role.terminal is not None else None,
        ))
    return OptionMoney(o_cur, tuple(roles))


def _inflation(c: _DecisionCompiler, paid_in: set[str]) -> dict[str, Field]:
    """One inflation for every currency, or one per currency (each currency in use)."""
    given = c.decision.inflation
    if given is None:
        return {}
    if not isinstance(given, dict):
        return _above_minus_one(c, {"*": c.field(given, ("inflation",), "money.inflation")})
    for cur in given:
        if cur not in paid_in:
            c.error(("inflation", cur), f"no pay is in `{cur}`",
                    f"currencies in use: {', '.join(sorted(paid_in))}", key=True)
    missing = sorted(paid_in - set(given))
    if missing:
        c.error(("inflation",), f"inflation gives {', '.join(given)} but pay is also in "
                f"{', '.join(missing)}", "give every currency in use its inflation, or one "
                "rate for all: `inflation: 3%`")
    return _above_minus_one(c, {cur: c.field(v, ("inflation", cur), f"money.inflation.{cur}")
                                for cur, v in given.items()})


def _above_minus_one(c: _DecisionCompiler, rates: dict[str, Field]) -> dict[str, Field]:
    """Refuse an inflation of -100% or below, which no money survives (a division by 0)."""
    for f in rates.values():
        fixed = f.expr.as_dist()
        if isinstance(fixed, Constant) and not fixed.value > -1.0:
            c.error(f.path, f"inflation must be above -100%, got {fixed.value:.0%}")
    return rates


def _fx(c: _DecisionCompiler, used: Mapping[str, Path]
        ) -> tuple[dict[str, Field], dict[str, str], dict[str, str]]:
    """A rate for every other currency in use: the file's, else the shipped reference."""
    d = c.decision
    fx: dict[str, Field] = {}
    text: dict[str, str] = {}
    source: dict[str, str] = {}
    for cur in d.fx:
        if cur not in used:
            c.error(("fx", cur), f"no role or option is paid in `{cur}`",
                    f"currencies in use: {', '.join(sorted(used)) or d.currency}", key=True)
    for cur, path in used.items():
        if cur == d.currency:
            continue
        if cur in d.fx:
            fx[cur] = c.field(d.fx[cur], ("fx", cur), f"money.fx.{cur}")
            fixed = fx[cur].expr.as_dist()
            if isinstance(fixed, Constant) and not fixed.value > 0:
                c.error(("fx", cur), f"an exchange rate must be above 0, got {fixed.value:g}",
                        f"one {cur} in {d.currency}, such as 0.75")
            text[cur], source[cur] = str(d.fx[cur]), "yours"
            continue
        shipped = _shipped_rate(c, cur, path)
        if shipped is None:
            continue
        rate, source[cur] = shipped
        fx[cur] = Field(f"money.fx.{cur}", compile_estimate(rate), ("fx",))
        text[cur] = f"{rate:.6g}"
    return fx, text, source


def _shipped_rate(c: _DecisionCompiler, cur: str, path: Path) -> tuple[float, str] | None:
    """The shipped default for ``cur``: the World Bank parity under ``fx_view: ppp``, else
    the market reference rate; None (and an error) when crossroads ships none."""
    d = c.decision
    if d.fx_view == "ppp":
        rate = ppp_rate(cur, d.currency)
        if rate is None:
            c.error(path, f"no purchasing-power parity from {cur} to {d.currency}: the "
                    "shipped World Bank table (2023) has none", f"give `fx: {{{cur}: "
                    f"<{d.currency} per {cur} at PPP>}}` (World Bank, PPP conversion factor)")
            return None
        return rate, "ppp-reference"
    rate = reference_rate(cur, d.currency)
    if rate is None:
        c.error(path, f"no exchange rate from {cur} to {d.currency}",
                f"give one: `fx: {{{cur}: <{d.currency} per {cur}>}}` at the top level")
        return None
    return rate, "reference"


def _tax(c: _DecisionCompiler, tax: Tax | str | float, path: Path, key: str) -> TaxSpec:
    assert isinstance(tax, Tax)  # the schema's validator made every `tax:` a Tax
    def f(name: str) -> Field | None:
        value = getattr(tax, name)
        return c.field(value, (*path, name), f"{key}.{name}") if value is not None else None

    if tax.table is not None:
        table: Table | None = shipped(tax.table)
        label = tax.table
    elif tax.brackets is not None:
        part = Part("your brackets", tuple(tax.brackets), deduction=tax.deduction)
        table, label = Table("brackets", "your brackets", "", (part,)), "your brackets"
    else:
        table, label = None, f"flat {tax.rate}"
    if tax.state is not None:
        label += f" + {tax.state} state"
    return TaxSpec(label, table, f("rate"), f("state"), f("equity"))
