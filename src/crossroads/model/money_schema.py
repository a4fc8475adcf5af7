"""The decision file's money keys: tax, retirement contributions, terminal values.

Kept beside :mod:`crossroads.model.schema` (which imports them) so the money layer's file
boundary reads in one place; docs/money.md is their contract. A ``tax:`` may be written
short: ``tax: US`` (a shipped table), ``tax: 30%`` or ``tax: 25% to 35%`` (a flat rate).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

#: The same estimate text as crossroads.model.schema.Estimate (a number, `a to b`, ...).
MoneyEstimate = Annotated[str | float | int, Field(description="An estimate (docs/estimates.md).")]

#: Shipped tax tables, by the code a file writes (crossroads/data/tax/<CODE>.toml).
TAX_TABLES = ("IN", "SG", "UK", "US")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Tax(_Strict):
    """How a role's yearly pay is taxed: a shipped table, the file's brackets or a flat rate."""

    table: str | None = Field(None, description=f"A shipped table: {', '.join(TAX_TABLES)}.")
    rate: MoneyEstimate | None = Field(None, description="A flat rate on gross pay.")
    brackets: list[tuple[float, float]] | None = Field(
        None, description="[[from, rate], ...] on gross pay less `deduction`, from 0 up.")
    deduction: float = Field(0.0, ge=0, description="Subtracted from gross before `brackets`.")
    state: MoneyEstimate | None = Field(
        None, description="A further flat rate on gross pay (a US state's, a city's).")
    equity: MoneyEstimate | None = Field(
        None, description="A flat rate on equity when it pays; without it equity is income.")

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("table"), str):
                data["table"] = data["table"].strip().upper()
            if isinstance(data.get("brackets"), list):
                data["brackets"] = [[_amount(x) for x in b] if isinstance(b, list) else b
                                    for b in data["brackets"]]
            if "deduction" in data:
                data["deduction"] = _amount(data["deduction"])
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> Tax:
        given = [k for k in ("table", "rate", "brackets") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a tax needs exactly one of `table`, `rate` or `brackets`"
                             + (f", got {', '.join(given)}" if given else ""))
        if self.table is not None and self.table not in TAX_TABLES:
            raise ValueError(f"unknown tax table `{self.table}`; shipped: "
                             f"{', '.join(TAX_TABLES)}")
        if self.brackets is not None:
            starts = [b[0] for b in self.brackets]
            if not starts or starts[0] != 0 or starts != sorted(set(starts)):
                raise ValueError("brackets must start at 0 and rise: [[0, 0%], [20k, 10%], ...]")
            if any(not 0 <= r <= 1 for _, r in self.brackets):
                raise ValueError("a bracket's rate must be from 0% to 100%")
        return self


def _tax_shorthand(v: Any) -> Any:
    """`US` is a shipped table; any other scalar is a flat rate."""
    if isinstance(v, str) and v.strip().upper() in TAX_TABLES:
        return {"table": v.strip().upper()}
    if isinstance(v, str | int | float) and not isinstance(v, bool):
        return {"rate": v}
    return v


#: A `tax:` as written at the decision, an option or a role. The scalars are listed for
#: editors (JSON Schema); the validator has made every value a Tax before they are tried.
TaxField = Annotated[Tax | str | float | None, BeforeValidator(_tax_shorthand)]


class Retirement(_Strict):
    """An employer's retirement contribution or match: a share of pay, up to a yearly cap."""

    share: MoneyEstimate = Field(description="Share of yearly pay (base and bonus) paid in.")
    cap: MoneyEstimate | None = Field(None, description="Most paid in a year, in today's money.")


def _retirement_shorthand(v: Any) -> Any:
    if isinstance(v, str | int | float) and not isinstance(v, bool):
        return {"share": v}
    return v


RetirementField = Annotated[Retirement | str | float | None,
                            BeforeValidator(_retirement_shorthand)]


class Terminal(_Strict):
    """What a path is worth past the horizon: the last year's net pay for `years` more years."""

    years: int = Field(ge=1, le=60, description="Years the last year's net pay continues.")
    growth: MoneyEstimate = Field(0, description="Yearly growth of that pay (nominal unless "
                                  "`raises: real`).")


def _amount(v: Any) -> Any:
    """`20k`, `1.2M`, `10%` in a bracket or deduction, as plain numbers."""
    if not isinstance(v, str):
        return v
    text = v.strip().replace("_", "").replace(",", "")
    if text.endswith("%"):
        scale, text = 0.01, text[:-1]
    else:
        scale = {"k": 1e3, "M": 1e6}.get(text[-1:], 1.0)
        text = text[:-1] if scale != 1.0 else text
    try:
        return float(text) * scale
    except ValueError:
        return v


#: A currency code written before an amount: `SGD 250k`, `INR 45L to 55L`.
_CODE = re.compile(r"(?<![A-Za-z0-9_.])([A-Z]{3})[ \t]+(?=[-+]?[0-9.(])")


def currency_in_amounts(data: Any) -> Any:
    """A role's ``cash`` and equity ``grant`` may name their currency: ``cash: SGD 250k``.

    The code becomes the role's ``currency`` and is blanked out of the text (spaces, so an
    error in the rest still points at its column). Codes that disagree with each other or
    with the role's ``currency:`` are an error.

    >>> currency_in_amounts({"cash": "SGD 250k to SGD 300k"})
    {'cash': '    250k to     300k', 'currency': 'SGD'}
    """
    if not isinstance(data, dict):
        return data
    out, codes = dict(data), set()
    if isinstance(out.get("cash"), str):
        out["cash"], found = _blank_codes(out["cash"])
        codes |= found
    equity = out.get("equity")
    if isinstance(equity, dict) and isinstance(equity.get("grant"), str):
        grant, found = _blank_codes(equity["grant"])
        out["equity"], codes = {**equity, "grant": grant}, codes | found
    if not codes:
        return data
    given = out.get("currency")
    if len(codes) > 1 or (given is not None and given not in codes):
        named = codes | ({str(given)} if given is not None else set())
        raise ValueError(f"amounts in one role must share its currency: {', '.join(sorted(named))}")
    out["currency"] = codes.pop()
    return out


def _blank_codes(text: str) -> tuple[str, set[str]]:
    codes = {m.group(1) for m in _CODE.finditer(text)}
    return _CODE.sub(lambda m: " " * (m.end() - m.start()), text), codes
