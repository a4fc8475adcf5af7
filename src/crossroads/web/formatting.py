"""Numbers as the pages show them (the same rules as the CLI and the report)."""

from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

from crossroads.verdict import money as _money

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
    """A probability as a percentage: ``0.837 -> '84%'``.

    >>> pct(0.837), pct(0.0412, 1)
    ('84%', '4.1%')
    """
    if p is None or not math.isfinite(p):
        return "—"
    return f"{100 * p:.{digits}f}%"


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
