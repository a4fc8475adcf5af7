"""The journal's two pictures as plain SVG text: the pay fan with the actuals, the PIT bars.

SVG drawn here, not plotly: the web page and the report show it without a script, it
prints, and it obeys any content security policy (presentation attributes, no inline
style). Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import numpy as np

from crossroads.journal.prediction import Prediction
from crossroads.journal.sentences import ordinal

__all__ = ["fan_basis", "fan_svg", "nice_ticks", "pit_svg"]

W, H = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 36
#: Stored-grid indices (levels 0, 0.5, ..., 100) of the fan's bands and median.
BANDS = ((10, 190, "#cfe3f1"), (50, 150, "#8fbfe0"))   # 5-95%, 25-75%
MEDIAN = 100
ACCENT, POINT = "#0072B2", "#D55E00"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi (1, 2, 2.5 or 5 times a power of ten apart).

    >>> nice_ticks(0, 97_000)
    [0.0, 20000.0, 40000.0, 60000.0, 80000.0, 100000.0]
    """
    if not hi > lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    return [float(first + k * step) for k in range(int(math.ceil((hi - first) / step)) + 1)]


def _short(x: float) -> str:
    if abs(x) >= 1e6:
        return f"{x / 1e6:g}M"
    if abs(x) >= 1e3:
        return f"{x / 1e3:g}k"
    return f"{x:g}"


def fan_basis(pred: Prediction, checkins: Sequence[Mapping[str, Any]]) -> bool:
    """Draw the fan before tax? When the file taxes pay and most check-ins give pay
    before tax."""
    cash = [bool(c.get("pre_tax")) for c in checkins if c.get("cash") is not None]
    return pred.years[0].pay_pre_tax is not None and 2 * sum(cash) > len(cash)


def fan_svg(pred: Prediction, checkins: Sequence[Mapping[str, Any]], currency: str) -> str:
    """The predicted pay year by year (median, 25-75% and 5-95% bands) and each
    check-in's pay as a point labelled with its percentile.

    The fan is the run's pay, or pay before tax (:func:`fan_basis`); a check-in given on
    the other basis is drawn at its percentile of the fan shown."""
    pre = fan_basis(pred, checkins)
    fan = [r.pay_pre_tax if pre and r.pay_pre_tax else r.pay for r in pred.years]
    years = [y.year for y in pred.years]
    points = [(c["year"], c["cash"] if bool(c.get("pre_tax")) == pre else
               float(np.interp(c["cash_percentile"], pred.levels, fan[c["year"]])),
               c["cash_percentile"]) for c in checkins if c.get("cash") is not None]
    values = [v for q in fan for v in (q[BANDS[0][0]], q[BANDS[0][1]])]
    values += [p[1] for p in points]
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    lo, hi = ticks[0], ticks[-1]
    span_x = max(1, years[-1] - years[0])

    def x(t: float) -> float:
        return LEFT + (t - years[0]) / span_x * (W - LEFT - RIGHT)

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo) * (H - TOP - BOTTOM)

    parts = [f'<svg class="journal-fan" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg"><title>{escape(pred.label)}: '
             f'predicted pay by year ({escape(currency)}), and what happened</title>']
    for v in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#d8dee4" stroke-width="1"/><text x="{LEFT - 6}" '
                     f'y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#59636e">{_short(v)}</text>')
    for t in years:
        parts.append(f'<text x="{x(t):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11" fill="#59636e">{t}</text>')
    parts.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 4}" text-anchor="middle" '
                 f'font-size="11" fill="#59636e">year (0 is the first)</text>')
    for a, b, colour in BANDS:
        upper = [f"{x(t):.1f},{y(q[b]):.1f}" for t, q in zip(years, fan, strict=True)]
        lower = [f"{x(t):.1f},{y(q[a]):.1f}" for t, q in reversed(list(zip(years, fan,
                                                                           strict=True)))]
        parts.append(f'<polygon class="band" points="{" ".join(upper + lower)}" '
                     f'fill="{colour}" stroke="none"/>')
    median = " ".join(f"{x(t):.1f},{y(q[MEDIAN]):.1f}" for t, q in zip(years, fan, strict=True))
    parts.append(f'<polyline class="median" points="{median}" fill="none" '
                 f'stroke="{ACCENT}" stroke-width="2"/>')
    for t, cash, pct in points:
        label = "" if pct is None else ordinal(min(100, max(0, round(pct))))
        parts.append(f'<circle class="actual" cx="{x(t):.1f}" cy="{y(cash):.1f}" r="5" '
                     f'fill="{POINT}" stroke="#fff" stroke-width="1.5"><title>year {t}: '
                     f'{escape(_short(cash))} {escape(currency)}, percentile {label}</title>'
                     f'</circle><text x="{x(t) + 8:.1f}" y="{y(cash) - 6:.1f}" '
                     f'font-size="11" fill="{POINT}" stroke="#fff" stroke-width="3" '
                     f'paint-order="stroke">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def pit_svg(counts: Sequence[int]) -> str:
    """The PIT histogram: one bar per tenth of 0..1; flat bars are calibration."""
    w, h, pad = 320, 140, 24
    top = max([1, *counts])
    bar = (w - 2 * pad) / max(1, len(counts))
    parts = [f'<svg class="journal-pit" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg"><title>PIT histogram: where '
             f'each actual pay fell in its prediction</title>']
    for k, c in enumerate(counts):
        bh = c / top * (h - 2 * pad)
        parts.append(f'<rect x="{pad + k * bar + 1:.1f}" y="{h - pad - bh:.1f}" '
                     f'width="{bar - 2:.1f}" height="{bh:.1f}" fill="{ACCENT}"><title>'
                     f'{k / len(counts):.1f}-{(k + 1) / len(counts):.1f}: {c}</title></rect>')
    for k, label in ((0, "0"), (len(counts) // 2, "0.5"), (len(counts), "1")):
        parts.append(f'<text x="{pad + k * bar:.1f}" y="{h - 6}" text-anchor="middle" '
                     f'font-size="11" fill="#59636e">{label}</text>')
    parts.append(f'<line x1="{pad}" x2="{w - pad}" y1="{h - pad}" y2="{h - pad}" '
                 f'stroke="#59636e" stroke-width="1"/></svg>')
    return "".join(parts)
