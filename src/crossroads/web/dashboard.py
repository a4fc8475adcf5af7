"""What the results dashboard shows: sliders from the params, charts and table rows from a run.

Pure functions of a compiled model and of ``RunResult.to_dict()``; the routes render them
and the browser redraws them after each what-if.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from crossroads.format import money
from crossroads.format import pct as chance_pct
from crossroads.web.params import label_of, param_notes, sketch, unit_of

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = ["CHARTS", "Slider", "dashboard_charts", "option_rows", "sliders"]

CHARTS = ("value_chart", "npv_chart", "cash_chart", "criteria_chart")
"""The report's charts the dashboard redraws after each what-if (see crossroads.report)."""


@dataclass(frozen=True)
class Slider:
    """A what-if slider for one uncertain param: its 90% interval, mean, unit and words.

    ``kind`` is the unit (``percent``, ``multiple``, ``money``, ``number``; see
    :mod:`crossroads.web.params`), ``label`` the name in words, ``note`` the file's comment
    beside the param, ``sketch`` its distribution as SVG, ``estimate`` what the file says
    (``30% to 50%``) in place of the distribution's name.
    """

    name: str
    lo: float
    hi: float
    mean: float
    step: float
    kind: str
    dist: str
    label: str = ""
    note: str = ""
    estimate: str = ""
    sketch: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the page's script."""
        return asdict(self)


def sliders(model: Model, order: dict[str, float] | None = None,
            text: str | None = None) -> list[Slider]:
    """A slider per param that is a continuous distribution, the most influential first.

    The range is the 5th to 95th percentile (what the person said is 90% likely); ``order``
    (the run's rank correlations with the leaders' gap, ``screen``) sorts them by absolute
    influence, so the sliders that can change the answer come first. ``text`` (the file)
    supplies each param's comment.
    """
    notes = param_notes(text, model) if text else {}
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
        out.append(Slider(name, lo, hi, mean, (hi - lo) / 200, unit_of(name, lo, hi), kind,
                          label_of(name), notes.get(name, ""), _estimate(field, dist),
                          sketch(dist, lo, hi)))
    weight = order or {}
    return sorted(out, key=lambda s: -abs(weight.get(s.name, 0.0)))


def _estimate(field: Any, dist: Any) -> str:
    """What the file wrote for the param (``3 to 4``), else the distribution in words."""
    source = getattr(field.expr, "source", None) or getattr(field, "text", None)
    if isinstance(source, str) and source.strip():
        return source.strip()
    describe = getattr(dist, "describe", None)
    return str(describe()) if callable(describe) else ""


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
    """A chance in the table, by the terminal's rule: "under 1%", never "0%" (words.pct)."""
    return "n/a" if p is None or not math.isfinite(p) else chance_pct(p)


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


def _money_delta(diff: float, currency: str) -> str:
    """``+$120k``, ``-$3.4k``, or ``±0`` when it rounds to nothing."""
    text = money(abs(diff), currency)
    if text.lstrip("$").split(" ")[0] in ("0", "-0"):
        return "±0"
    return ("+" if diff > 0 else "-") + text


def _pts(diff: float | None) -> str:
    """A change of a probability in percentage points: ``+12 pts``."""
    if diff is None or not math.isfinite(diff) or round(100 * diff) == 0:
        return "±0 pts"
    return f"{100 * diff:+.0f} pts"


def _option_delta(o: dict[str, Any], b: dict[str, Any], cur: str) -> dict[str, str]:
    out = {}
    for key in ("value", "npv"):
        out[key] = _money_delta(o[key]["mean"] - b[key]["mean"], cur)
        out[f"{key}_span"] = (f"{_money_delta(o[key]['p5'] - b[key]['p5'], cur)} / "
                              f"{_money_delta(o[key]['p95'] - b[key]['p95'], cur)}")
    out["p_best"] = _pts(o["p_best"] - b["p_best"])
    be, be0 = o.get("break_even"), b.get("break_even")
    if be and be0:
        out["break_even"] = _pts(be["p_within_horizon"] - be0["p_within_horizon"])
    for name, stats in o.get("criteria", {}).items():
        base = b.get("criteria", {}).get(name)
        if base is not None:
            diff = stats["mean"] - base["mean"]
            out[f"criterion:{name}"] = "±0" if abs(diff) < 0.05 else f"{diff:+.1f}"
    return out


def option_deltas(run: dict[str, Any], base: dict[str, Any] | None
                  ) -> dict[str, dict[str, str]]:
    """Each table cell's change from the unpinned run ``base``, as text, per option.

    Money as ``+$120k`` (the 90% ranges as the change of each end), probabilities in
    percentage points, criteria in points; ``{}`` without a base.

    >>> o = {"p_best": 0.6, "value": {"mean": 2e6, "p5": 1e6, "p95": 3e6},
    ...      "npv": {"mean": 1e6, "p5": 5e5, "p95": 1.5e6}}
    >>> b = {**o, "p_best": 0.5, "value": {"mean": 1.88e6, "p5": 1e6, "p95": 2.9e6}}
    >>> d = option_deltas({"currency": "USD", "options": {"a": o}},
    ...                   {"options": {"a": b}})["a"]
    >>> d["value"], d["value_span"], d["npv"], d["p_best"]
    ('+$120k', '±0 / +$100k', '±0', '+10 pts')
    """
    if not base:
        return {}
    cur = run["currency"]
    return {key: _option_delta(o, base["options"][key], cur)
            for key, o in run["options"].items() if key in base.get("options", {})}


def scenario_table(base: dict[str, Any], runs: list[tuple[str, str, dict[str, Any]]]
                   ) -> dict[str, Any]:
    """Scenarios side by side: one column per scenario, the unpinned run first.

    ``runs`` holds (name, its pins as text, its run). Rows: the pins, then per option its
    value (mean) and P(best), each cell with its change from the unpinned run.
    """
    cur = base["currency"]
    columns = ["Nothing pinned", *(name for name, _, _ in runs)]
    rows: list[dict[str, Any]] = [{"label": "Pinned", "cells": ["—", *(p for _, p, _ in runs)]}]
    for key, o in base["options"].items():
        label = str(o.get("label") or key)
        value = [money(o["value"]["mean"], cur)]
        best = [_pct(o["p_best"])]
        for _, _, run in runs:
            r = run["options"][key]
            value.append(f"{money(r['value']['mean'], cur)} "
                         f"({_money_delta(r['value']['mean'] - o['value']['mean'], cur)})")
            best.append(f"{_pct(r['p_best'])} ({_pts(r['p_best'] - o['p_best'])})")
        rows += [{"label": f"{label}: value (mean)", "cells": value},
                 {"label": f"{label}: P(best)", "cells": best}]
    return {"columns": columns, "rows": rows}
