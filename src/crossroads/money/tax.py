"""Income tax from gross pay: one small vectorised function over shipped or written tables.

A table is a list of *parts* (income tax, social security, ...), each a function of the same
yearly gross pay, added together. A part is read in this order:

1. taxable = max(gross - deduction, 0), where a ``taper`` shrinks the deduction by
   ``rate`` for every unit of gross above ``above`` (the UK personal allowance);
2. tax = sum over brackets ``[from, rate]`` of rate x the taxable income between ``from``
   and the next bracket's ``from``;
3. a ``rebate`` of up to ``most`` when taxable income is at most ``up_to``, with marginal
   relief above it: the tax never exceeds the income above ``up_to`` (India's section 87A);
4. a ``surcharge`` ``[from, rate]`` on the tax where taxable income passes ``from``, with
   marginal relief: tax plus surcharge never exceed the tax at ``from`` plus the income
   above it (India's First Schedule);
5. a ``cess``: a share of tax plus surcharge.

Shipped tables live in ``crossroads/data/tax/<CODE>.toml``, each with its source, year and
licence (docs/money.md lists them). Pure: the tables are package data, read once.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from crossroads._types import FloatArray


@dataclass(frozen=True)
class Part:
    """One component of a tax: brackets on gross pay less a deduction, and their riders."""

    name: str
    brackets: tuple[tuple[float, float], ...]   # (from, rate), ascending from 0
    deduction: float = 0.0
    taper: tuple[float, float] | None = None    # (above, rate): the deduction shrinks
    rebate: tuple[float, float] | None = None   # (up_to, most)
    surcharge: tuple[tuple[float, float], ...] = ()
    cess: float = 0.0


@dataclass(frozen=True)
class Table:
    """A whole tax: its parts, the currency its thresholds are in, and where it comes from."""

    code: str
    name: str
    currency: str
    parts: tuple[Part, ...]
    year: str = ""
    source: str = ""
    licence: str = ""
    notes: str = ""


def tax_due(gross: FloatArray | float, table: Table) -> FloatArray:
    """Yearly tax on yearly gross pay, elementwise; nothing is due on pay of 0 or less.

    >>> sg = shipped("SG")
    >>> float(tax_due(100_000.0, sg))
    5650.0
    """
    g = np.asarray(gross, dtype=np.float64)
    total = np.zeros(g.shape)
    for part in table.parts:
        total += part_tax(g, part)
    return total


def part_tax(gross: FloatArray, part: Part) -> FloatArray:
    """One part of a table (steps 1 to 5 of the module docstring)."""
    deduction: FloatArray | float = part.deduction
    if part.taper is not None:
        above, rate = part.taper
        deduction = np.maximum(part.deduction - rate * np.maximum(gross - above, 0.0), 0.0)
    taxable = np.maximum(gross - deduction, 0.0)
    tax = _rebated(_brackets(taxable, part.brackets), taxable, part.rebate)
    if part.surcharge:
        tax = _surcharged(tax, taxable, part)
    return np.asarray(tax * (1.0 + part.cess))


def _brackets(x: FloatArray | float, brackets: tuple[tuple[float, float], ...]) -> FloatArray:
    """Tax of a bracket schedule: piecewise linear, so one ``np.interp`` through the tax at
    each bracket's start, and the top rate beyond the last start."""
    starts, cumulative = _schedule(brackets)
    xs = np.asarray(x, dtype=np.float64)
    tax = np.interp(xs, starts, cumulative)
    top_rate = brackets[-1][1]
    if top_rate:
        tax += top_rate * np.maximum(xs - starts[-1], 0.0)
    return np.asarray(tax)


@functools.lru_cache(maxsize=64)
def _schedule(brackets: tuple[tuple[float, float], ...]) -> tuple[FloatArray, FloatArray]:
    """Each bracket's start and the tax due at it."""
    starts = np.array([b[0] for b in brackets], dtype=np.float64)
    rates = np.array([b[1] for b in brackets], dtype=np.float64)
    cumulative = np.concatenate(([0.0], np.cumsum(rates[:-1] * np.diff(starts))))
    return starts, cumulative


def _rebated(tax: FloatArray, taxable: FloatArray,
             rebate: tuple[float, float] | None) -> FloatArray:
    if rebate is None:
        return tax
    up_to, most = rebate
    within = np.maximum(tax - most, 0.0)
    relieved = np.minimum(tax, np.maximum(taxable - up_to, 0.0))
    return np.where(taxable <= up_to, within, relieved)


def _surcharged(tax: FloatArray, taxable: FloatArray, part: Part) -> FloatArray:
    """Tax plus surcharge, each rate's marginal relief against its own threshold."""
    out = tax.copy()
    below_rate = 0.0
    for low, rate in part.surcharge:
        at_low = float(_rebated(_brackets(low, part.brackets), np.asarray(low),
                                part.rebate)) * (1.0 + below_rate)
        capped = np.minimum(tax * (1.0 + rate), at_low + (taxable - low))
        out = np.where(taxable > low, capped, out)
        below_rate = rate
    return out


#: Codes of the shipped tables (files crossroads/data/tax/<CODE>.toml).
SHIPPED = ("IN", "SG", "UK", "US")


@functools.cache
def shipped(code: str) -> Table:
    """A shipped table by its code (``US``, ``SG``, ``IN``, ``UK``)."""
    if code not in SHIPPED:
        raise KeyError(code)
    text = resources.files("crossroads.data").joinpath("tax", f"{code}.toml").read_text("utf-8")
    return table_from(tomllib.loads(text))


def table_from(data: dict[str, Any]) -> Table:
    """A Table from a parsed TOML file (or any mapping of the same shape)."""
    parts = []
    for raw in data["part"]:
        taper, rebate = raw.get("taper"), raw.get("rebate")
        parts.append(Part(
            name=raw["name"], brackets=tuple((float(a), float(r)) for a, r in raw["brackets"]),
            deduction=float(raw.get("deduction", 0.0)),
            taper=(float(taper["above"]), float(taper["rate"])) if taper else None,
            rebate=(float(rebate["up_to"]), float(rebate["most"])) if rebate else None,
            surcharge=tuple((float(a), float(r)) for a, r in raw.get("surcharge", ())),
            cess=float(raw.get("cess", 0.0)),
        ))
    return Table(code=str(data["code"]), name=str(data["name"]),
                 currency=str(data["currency"]), parts=tuple(parts),
                 year=str(data.get("year", "")), source=str(data.get("source", "")),
                 licence=str(data.get("licence", "")), notes=str(data.get("notes", "")))
