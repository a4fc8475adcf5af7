"""What the results dashboard shows: sliders from the params, charts and table rows from a run.

Pure functions of a compiled model and of ``RunResult.to_dict()``; the routes render them
and the browser redraws them after each what-if.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from crossroads.verdict import money

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = ["CHARTS", "Slider", "dashboard_charts", "option_rows", "sliders"]

CHARTS = ("value_chart", "npv_chart", "cash_chart", "criteria_chart")
"""The report's charts the dashboard redraws after each what-if (see crossroads.report)."""


@dataclass(frozen=True)
class Slider:
    """A what-if slider for one uncertain param: its 90% interval, mean and display kind."""

    name: str
    lo: float
    hi: float
    mean: float
    step: float
    kind: str  # "percent" or "number"
    dist: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the page's script."""
        return asdict(self)


def sliders(model: Model, order: dict[str, float] | None = None) -> list[Slider]:
    """A slider per param that is a continuous distribution, the most influential first.

    The range is the 5th to 95th percentile (what the person said is 90% likely); ``order``
    (the run's rank correlations with the leaders' gap, ``screen``) sorts them by absolute
    influence, so the sliders that can change the answer come first.
    """
    out: list[Slider] = []
    for name, field in model.params.items():
        dist = field.expr.as_dist()
        kind = type(dist).__name__ if dist is not None else ""
        if dist is None or kind in ("Constant", "Bernoulli"):
            continue  # a fixed number or a yes/no has nothing to slide over
        lo, hi = (float(x) for x in dist.interval(0.9))
        mean = float(dist.mean())
        if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
            continue
        mean = min(max(mean, lo), hi) if math.isfinite(mean) else (lo + hi) / 2
        share = 0.0 <= lo and hi <= 1.0
        out.append(Slider(name, lo, hi, mean, (hi - lo) / 200,
                          "percent" if share else "number", kind))
    weight = order or {}
    return sorted(out, key=lambda s: -abs(weight.get(s.name, 0.0)))


def dashboard_charts(run: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's run charts for ``run`` as JSON (``Chart.to_dict()``), in page order.

    Empty when the report package is not installed: the numbers still update.
    """
    try:
        from crossroads.report import charts
    except ImportError:
        return []
    out = []
    for name in CHARTS:
        chart = getattr(charts, name, None)
        made = chart(run) if callable(chart) else None
        if made is not None:
            out.append(made.to_dict())
    return out


def _pct(p: float | None) -> str:
    return "n/a" if p is None or not math.isfinite(p) else f"{100 * p:.0f}%"


def _span(stats: dict[str, float], currency: str) -> str:
    return f"{money(stats['p5'], currency)} to {money(stats['p95'], currency)}"


def option_rows(run: dict[str, Any]) -> list[dict[str, str]]:
    """One row of display text per option: the table the sliders update.

    >>> run = {"currency": "USD", "horizon": 2, "baseline": "a", "options": {"a": {
    ...     "label": "A", "p_best": 1.0, "break_even": None, "criteria": {},
    ...     "value": {"mean": 2e6, "p5": 1e6, "p50": 2e6, "p95": 3e6},
    ...     "npv": {"mean": 1e6, "p5": 5e5, "p50": 1e6, "p95": 1.5e6}}}}
    >>> option_rows(run)[0]["value"], option_rows(run)[0]["break_even"]
    ('$2M', 'baseline')
    """
    cur, horizon = run["currency"], run["horizon"]
    rows = []
    for key, o in run["options"].items():
        be = o.get("break_even")
        if key == run["baseline"]:
            be_text = "baseline"
        elif be is None:
            be_text = "n/a"
        else:
            year = be.get("median_year")
            when = f"median year {year}" if year is not None else "median: never"
            be_text = f"{_pct(be['p_within_horizon'])} within {horizon} y ({when})"
        row = {"id": key, "label": str(o.get("label") or key),
               "value": money(o["value"]["mean"], cur), "value_span": _span(o["value"], cur),
               "npv": money(o["npv"]["mean"], cur), "npv_span": _span(o["npv"], cur),
               "p_best": _pct(o["p_best"]), "break_even": be_text}
        for name, stats in o.get("criteria", {}).items():
            row[f"criterion:{name}"] = f"{stats['mean']:.1f}"
        rows.append(row)
    return rows
