"""Numbers as the pages show them (the same rules as the CLI and the report)."""

from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

from crossroads.format import money as _money
from crossroads.format import pct as _chance_pct

__all__ = ["money", "num", "param", "pct", "ticks"]


def money(x: float | None, currency: str = "USD") -> str:
    """Short money: ``$1.82M``; an em dash for a missing number.

    >>> money(1_823_000.0), money(None)
    ('$1.82M', '—')
    """
    if x is None or not math.isfinite(x):
        return "—"
    return _money(float(x), currency)


def pct(p: float | None, digits: int = 0) -> str:
    """A chance as a percentage, by the terminal's rule (:func:`crossroads.format.pct`): a
    real chance never rounds to 0% or 100% but reads "under 1%" or "over 99%", so a page
    never says "0%" where the terminal says "under 1%"; an em dash for a missing number.

    >>> pct(0.837), pct(0.0412, 1), pct(0.0009), pct(0.9996), pct(0.0), pct(None)
    ('84%', '4.1%', 'under 1%', 'over 99%', '0%', '—')
    """
    if p is None or not math.isfinite(p):
        return "—"
    return _chance_pct(float(p), digits)


def num(x: float | None, digits: int = 3) -> str:
    """A plain number with ``digits`` significant digits and thousands separators.

    >>> num(3.4773), num(154_000.0)
    ('3.48', '154,000')
    """
    if x is None or not math.isfinite(x):
        return "—"
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def param(x: float, kind: str = "number", currency: str = "USD") -> str:
    """A slider value in its unit: a share as a percentage, a multiple as ``3.5×``, money
    as money, anything else as :func:`num` (the page's script formats the same way).

    >>> param(0.3, "percent"), param(3.5), param(3.456, "multiple"), param(95e3, "money")
    ('30%', '3.5', '3.46×', '$95k')
    """
    if kind == "percent":
        return f"{100 * x:.3g}%"
    if kind == "multiple":
        return f"{x:.3g}×"
    if kind == "money":
        return money(x, currency)
    return num(x)


_TICKS = re.compile(r"`([^`\n]+)`")


def ticks(text: object) -> Markup:
    """Escape ``text``, then show the core's `backticked` names as code.

    >>> str(ticks("`p_em` <b>"))
    '<code>p_em</code> &lt;b&gt;'
    """
    return Markup(_TICKS.sub(r"<code>\1</code>", str(escape(str(text)))))
