"""What every chart shares: the :class:`Chart` record, colours, fonts, axes and escaping."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Fig = dict[str, Any]

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies and in greyscale.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F",
           "#000000")
FONT = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif")
#: How many bars a ranked chart shows; the rest are in the JSON.
TOP = 12


@dataclass(frozen=True)
class Chart:
    """A figure and its reading; ``id`` names the chart's div (``data-chart``)."""

    id: str
    title: str
    figure: Fig
    reading: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the web app sends this to the browser as is."""
        return {"id": self.id, "title": self.title, "figure": self.figure,
                "reading": self.reading}


def esc(text: object) -> str:
    """User text made inert for Plotly's pseudo-HTML labels (it decodes the entities)."""
    return html.escape(str(text), quote=False)


def colour(index: int, alpha: float | None = None) -> str:
    """The option colour for ``index``; ``alpha`` gives an rgba fill."""
    hex_ = PALETTE[index % len(PALETTE)]
    if alpha is None:
        return hex_
    r, g, b = (int(hex_[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def labels(run: Mapping[str, Any]) -> dict[str, str]:
    """Option id -> label, in the run's order."""
    return {k: str(o.get("label") or k) for k, o in run["options"].items()}


def base_layout(height: int = 360, **extra: Any) -> dict[str, Any]:
    """The house layout (white, system fonts, legend below); ``extra`` overrides keys."""
    base: dict[str, Any] = {
        "height": height, "autosize": True,
        "margin": {"l": 20, "r": 20, "t": 36, "b": 20},
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"namelength": -1},
    }
    base.update(extra)
    return base


def money_axis(currency: str, title: str = "", **extra: Any) -> dict[str, Any]:
    """An axis with short money ticks ($1.2M, 340k EUR), like :func:`~crossroads.verdict.money`."""
    axis: dict[str, Any] = {"title": {"text": title}, "tickformat": ".3~s",
                            "gridcolor": "#e6e6e6", "zerolinecolor": "#999"}
    if currency == "USD":
        axis["tickprefix"] = "$"
    else:
        axis["ticksuffix"] = f" {currency}"
    axis.update(extra)
    return axis


def money_hover(currency: str, field: str = "x") -> str:
    """A hovertemplate fragment printing ``field`` as whole money."""
    return (f"$%{{{field}:,.0f}}" if currency == "USD" else f"%{{{field}:,.0f}} {currency}")


def pct(p: float) -> str:
    """0.837 -> '84%'; a chance below 1% is 'under 1%' (:func:`crossroads.format.pct`)."""
    from crossroads.format import pct as words_pct

    return words_pct(p)


def finite(x: Any) -> bool:
    """A real, finite number (analyses may leave ``None`` or NaN where undefined)."""
    return isinstance(x, int | float) and math.isfinite(x)


def year_list(n: int) -> list[int]:
    """Years 0..n-1: year 0 is the first year, as in the decision file."""
    return list(range(n))


def by_value(options: Mapping[str, Any]) -> list[str]:
    """Option ids from the highest mean value down."""
    return sorted(options, key=lambda k: -options[k]["value"]["mean"])


def figure(data: list[Fig], layout: dict[str, Any]) -> Fig:
    """The figure dict; every axis gets ``automargin`` so long labels are never cut off."""
    layout.setdefault("xaxis", {})
    layout.setdefault("yaxis", {})
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("automargin", True)
    return {"data": data, "layout": layout}
