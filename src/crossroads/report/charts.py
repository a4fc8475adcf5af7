"""One function per chart: a Plotly figure *dict* and the one line that says how to read it.

    from crossroads.report import charts
    chart = charts.value_chart(bundle["run"])
    chart.figure        # {"data": [...], "layout": {...}}: Plotly.newPlot(div, data, layout)
    chart.reading       # "ML lead's value is above platform's in 84% of futures."

Figures are plain dicts (no ``plotly.graph_objects``) so that building a report stays light
and the web app can send them as JSON. Every function reads the JSON shapes of docs/cli.md
(``run``, ``voi``, ``sensitivity``, ``smaa``, ``skills``, ``coverage``, ``market``) and
returns ``None`` when there is nothing to draw. Pure: no I/O, no randomness.

User text (option labels, param names) is HTML-escaped inside figures because Plotly
renders a subset of HTML in its labels; the readings are plain text for the template to
escape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crossroads.format import chance_word, money
from crossroads.report.evidence_charts import (
    coverage_chart,
    first_pay,
    intersection_chart,
    market_chart,
    skills_chart,
)
from crossroads.report.figure import (
    PALETTE,
    TOP,
    Chart,
    base_layout,
    by_value,
    colour,
    esc,
    figure,
    finite,
    labels,
    money_axis,
    money_hover,
    pct,
    year_list,
)

__all__ = [
    "Chart",
    "cash_chart",
    "coverage_chart",
    "criteria_chart",
    "first_pay",
    "intersection_chart",
    "market_chart",
    "npv_chart",
    "rank_chart",
    "skills_chart",
    "tornado_chart",
    "value_chart",
    "voi_chart",
    "voi_params",
]


# ------------------------------------------------------------------ run charts ---------

def value_chart(run: Mapping[str, Any]) -> Chart | None:
    """Histogram of each option's value (cash plus priced criteria) over the futures.

    Drawn as outlined steps over the run's shared bins, so every option's shape is visible
    even where they overlap; nothing is smoothed.
    """
    opts = run["options"]
    if not all("value_hist" in o for o in opts.values()):
        return None
    names = labels(run)
    data = []
    for i, (k, o) in enumerate(opts.items()):
        edges, counts = o["value_hist"]["edges"], o["value_hist"]["counts"]
        total = sum(counts) or 1.0
        share = [c / total for c in counts]
        data.append({
            "type": "scatter", "mode": "lines", "name": esc(names[k]),
            "x": edges, "y": [*share, share[-1] if share else 0.0], "line": {
                "shape": "hv", "color": colour(i), "width": 2},
            "fill": "tozeroy", "fillcolor": colour(i, 0.12),
            "hovertemplate": f"from {money_hover(run['currency'])}: %{{y:.1%}} of futures"
                             "<extra>%{fullData.name}</extra>",
        })
    layout = base_layout(340, xaxis=money_axis(run["currency"], "value over the horizon"),
                     yaxis={"title": {"text": "share of futures"}, "tickformat": ".0%",
                            "gridcolor": "#e6e6e6", "rangemode": "tozero"})
    return Chart("value", "What each path is worth, futures by futures",
                 figure(data, layout), _value_reading(run))


def _value_reading(run: Mapping[str, Any]) -> str:
    opts, names, base = run["options"], labels(run), run["baseline"]
    ranked = by_value(opts)
    lead = ranked[0]
    if len(ranked) == 1:
        return f"{names[lead]}'s value spans {_span(opts[lead]['value'], run['currency'])}."
    second = ranked[1]
    vs = {k: opts[k].get("vs_baseline", {}).get("p_better") for k in opts}
    if lead == base and finite(vs[second]):
        p = 1.0 - vs[second]
    elif second == base and finite(vs[lead]):
        p = vs[lead]
    else:
        return (f"{names[lead]} has the highest value in {pct(opts[lead]['p_best'])} of "
                f"futures; {names[second]} in {pct(opts[second]['p_best'])}.")
    return f"{names[lead]}'s value is above {names[second]}'s in {pct(p)} of futures."


def _span(stats: Mapping[str, float], currency: str) -> str:
    return f"{money(stats['p5'], currency)} to {money(stats['p95'], currency)} (90% of futures)"


def npv_chart(run: Mapping[str, Any]) -> Chart:
    """Cash (NPV) beside value per option: the median, and the 5th-95th percentile whiskers.

    The gap between the two rows of an option is what its criteria add in money.
    """
    opts, names, cur = run["options"], labels(run), run["currency"]
    order = list(opts)[::-1]  # first option on top
    data = []
    for key, name, sym, col in (("npv", "cash (NPV)", "circle", "#444"),
                                ("value", "value (cash + what you value)", "diamond",
                                 PALETTE[0])):
        stats = [opts[k][key] for k in order]
        data.append({
            "type": "scatter", "mode": "markers", "name": name, "orientation": "h",
            "y": [esc(names[k]) for k in order], "x": [s["p50"] for s in stats],
            "marker": {"symbol": sym, "size": 10, "color": col},
            "error_x": {"type": "data", "symmetric": False, "color": col, "thickness": 2,
                        "array": [s["p95"] - s["p50"] for s in stats],
                        "arrayminus": [s["p50"] - s["p5"] for s in stats]},
            "customdata": [[s["p5"], s["p95"], s["mean"]] for s in stats],
            "hovertemplate": f"median {money_hover(cur)}, 90%: "
                             f"{money_hover(cur, 'customdata[0]')} to "
                             f"{money_hover(cur, 'customdata[1]')}"
                             "<extra>%{fullData.name}</extra>",
        })
    layout = base_layout(100 + 56 * len(order), scattermode="group",
                         xaxis=money_axis(cur, "over the horizon, in today's money"))
    return Chart("npv", "Cash and value: medians and 90% ranges",
                 figure(data, layout), _npv_reading(run))


def _npv_reading(run: Mapping[str, Any]) -> str:
    opts, names, cur = run["options"], labels(run), run["currency"]
    lead = by_value(opts)[0]
    cash = max(opts, key=lambda k: opts[k]["npv"]["mean"])
    extra = opts[lead]["value"]["mean"] - opts[lead]["npv"]["mean"]
    if cash == lead:
        return (f"{names[lead]} leads on cash alone ({money(opts[lead]['npv']['mean'], cur)} in "
                f"today's money) and on value; what you value adds {money(extra, cur)} to it.")
    return (f"On cash alone {names[cash]} leads ({money(opts[cash]['npv']['mean'], cur)}); "
            f"{names[lead]} leads on value because what you value adds {money(extra, cur)}.")


def cash_chart(run: Mapping[str, Any]) -> Chart | None:
    """Cumulative discounted cash, a p5-p50-p95 fan per option, over P(broken even by year t).

    The lower panel is each option's break-even curve against the baseline (``p_by_year``).
    """
    opts, names, cur = run["options"], labels(run), run["currency"]
    if not all(o.get("cumulative_cash") for o in opts.values()):
        return None
    years = year_list(run["horizon"])
    data: list[dict[str, Any]] = []
    for i, (k, o) in enumerate(opts.items()):
        fan = o["cumulative_cash"]
        group = f"o{i}"
        data += [
            {"type": "scatter", "x": years, "y": fan["p95"], "mode": "lines",
             "line": {"width": 0, "color": colour(i)}, "legendgroup": group,
             "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "x": years, "y": fan["p5"], "mode": "lines", "fill": "tonexty",
             "fillcolor": colour(i, 0.15), "line": {"width": 0, "color": colour(i)},
             "legendgroup": group, "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "x": years, "y": fan["p50"], "mode": "lines+markers",
             "name": esc(names[k]), "legendgroup": group,
             "line": {"color": colour(i), "width": 2}, "marker": {"size": 5},
             "hovertemplate": f"year %{{x}}: median {money_hover(cur, 'y')}"
                              "<extra>%{fullData.name}</extra>"},
        ]
    curves = _break_even_traces(run, years)
    layout = base_layout(460 if curves else 360, xaxis={
        "title": {"text": "year"}, "dtick": 1, "anchor": "y2" if curves else "y"},
        yaxis=money_axis(cur, "cumulative cash", domain=[0.40, 1] if curves else [0, 1]))
    if curves:
        layout["yaxis2"] = {"domain": [0, 0.28], "range": [0, 1.02], "tickformat": ".0%",
                            "title": {"text": "P(broken even)"}, "gridcolor": "#e6e6e6"}
    return Chart("cash", "Cumulative cash and when a switch breaks even",
                 figure(data + curves, layout), _cash_reading(run))


def _break_even_traces(run: Mapping[str, Any], years: list[int]) -> list[dict[str, Any]]:
    names = labels(run)
    out = []
    for i, (k, o) in enumerate(run["options"].items()):
        be = o.get("break_even")
        if not be or not be.get("p_by_year"):
            continue
        out.append({"type": "scatter", "x": years, "y": be["p_by_year"], "yaxis": "y2",
                    "mode": "lines", "line": {"color": colour(i), "dash": "dot", "width": 2},
                    "legendgroup": f"o{i}", "showlegend": False, "name": esc(names[k]),
                    "hovertemplate": "by year %{x}: %{y:.0%} have broken even"
                                     "<extra>%{fullData.name}</extra>"})
    return out


def _cash_reading(run: Mapping[str, Any]) -> str:
    opts, names = run["options"], labels(run)
    base = names[run["baseline"]]
    rows = sorted(((k, o["break_even"]) for k, o in opts.items() if o.get("break_even")),
                  key=lambda kv: -kv[1]["p_within_horizon"])
    if not rows:
        return "The shaded bands hold 90% of futures; the line is the median."
    parts = []
    for k, be in rows[:3]:
        when = (("ahead from the first year" if be["median_year"] == 0 else
                 f"by year {be['median_year']}") + " in half the futures"
                if be.get("median_year") is not None
                else chance_word(be['p_within_horizon']))
        parts.append(f"{names[k]} {when} ({pct(be['p_within_horizon'])} within "
                     f"{run['horizon']} years)")
    return f"Catching up with {base} on cash: " + "; ".join(parts) + "."


def criteria_chart(run: Mapping[str, Any]) -> Chart | None:
    """The criteria profile: each option's mean score per criterion, as a shaded table.

    Shading runs from the lowest to the highest mean within each row, so criteria on
    different scales read alike; the number is the mean on the criterion's own scale.
    """
    opts, names = run["options"], labels(run)
    crits = list(next(iter(opts.values())).get("criteria", {}))
    if not crits:
        return None
    span = {c: (min(o["criteria"][c]["mean"] for o in opts.values()),
                max(o["criteria"][c]["mean"] for o in opts.values())) for c in crits}
    rows = list(opts)[::-1]  # first option on top
    stats = [[opts[k]["criteria"][c] for c in crits] for k in rows]
    data = [{"type": "heatmap", "x": [esc(c.replace("_", " ")) for c in crits],
             "y": [esc(names[k]) for k in rows],
             "z": [[_shade(s["mean"], *span[c]) for s, c in zip(row, crits, strict=True)]
                   for row in stats],
             "text": [[f"{s['mean']:.1f}" for s in row] for row in stats],
             "customdata": [[f"{s['p5']:.1f} to {s['p95']:.1f}" for s in row] for row in stats],
             "texttemplate": "%{text}", "showscale": False, "xgap": 2, "ygap": 2,
             "colorscale": [[0, "#f2f6fb"], [1, "#4a7fb5"]], "zmin": 0, "zmax": 1,
             "hovertemplate": "%{y}, %{x}: mean %{text}, 90%: %{customdata}<extra></extra>"}]
    layout = base_layout(70 + 46 * len(rows), xaxis={"side": "top"})
    layout["margin"] = {"l": 20, "r": 20, "t": 30, "b": 10}
    return Chart("criteria", "Mean score per criterion",
                 figure(data, layout), _criteria_reading(run, crits))


def _shade(x: float, lo: float, hi: float) -> float:
    """Position of ``x`` between the lowest and highest option (0.5 when all are equal)."""
    return (x - lo) / (hi - lo) if hi > lo else 0.5


def _criteria_reading(run: Mapping[str, Any], crits: Sequence[str]) -> str:
    opts, names = run["options"], labels(run)
    tops: dict[str, list[str]] = {}
    for c in crits:
        best = max(opts, key=lambda k: opts[k]["criteria"][c]["mean"])
        tops.setdefault(best, []).append(c.replace("_", " "))
    parts = [f"{names[k]} on {', '.join(cs)}" for k, cs in tops.items()]
    return "Highest mean score: " + "; ".join(parts) + "."


# ------------------------------------------------------------------ analyses -----------

def rank_chart(smaa: Mapping[str, Any], run: Mapping[str, Any]) -> Chart | None:
    """SMAA rank acceptability: for each option, the share of weights giving each rank."""
    acc = smaa.get("rank_acceptability") or {}
    if not acc:
        return None
    names = labels(run)
    n = max(len(v) for v in acc.values())
    rows = list(acc)[::-1]  # first option on top
    data = []
    for r in range(n):
        shade = 0.25 + 0.75 * (1 - r / max(n - 1, 1))
        data.append({"type": "bar", "orientation": "h", "name": f"rank {r + 1}",
                     "y": [esc(names.get(k, k)) for k in rows],
                     "x": [acc[k][r] if r < len(acc[k]) else 0.0 for k in rows],
                     "marker": {"color": f"rgba(0,114,178,{shade:.2f})",
                                "line": {"color": "#fff", "width": 1}},
                     "hovertemplate": f"%{{y}}: rank {r + 1} for %{{x:.0%}} of weights"
                                      "<extra></extra>"})
    layout = base_layout(100 + 44 * len(rows), barmode="stack",
                         xaxis={"tickformat": ".0%", "range": [0, 1],
                                "title": {"text": "share of the weights you allow"}},
                         legend={"traceorder": "normal", "orientation": "h", "x": 0,
                                 "y": 1.02, "yanchor": "bottom"})
    return Chart("ranks", "Rank acceptability",
                 figure(data, layout), _rank_reading(smaa, names))


def _rank_reading(smaa: Mapping[str, Any], names: Mapping[str, str]) -> str:
    acc = smaa["rank_acceptability"]
    first = sorted(acc, key=lambda k: -acc[k][0])
    parts = [f"{names.get(k, k)} for {pct(acc[k][0])}" for k in first[:3] if acc[k][0] > 0]
    conf = smaa.get("confidence", {}).get(first[0])
    tail = (f" At its central weights {names.get(first[0], first[0])} is first in "
            f"{pct(conf)} of futures." if finite(conf) else "")
    return "Ranked first, across the weights you allow: " + "; ".join(parts) + "." + tail


def tornado_chart(sensitivity: Mapping[str, Any], run: Mapping[str, Any]) -> Chart | None:
    """The tornado (bars from ``base`` to the gap at each end of a param's range).

    A Sobol result (``indices``) is drawn as ranked first-order and total indices instead.
    """
    if sensitivity.get("indices"):
        return _sobol_chart(sensitivity)
    bars = sorted(sensitivity.get("bars") or [],
                  key=lambda b: -abs(b["high"] - b["low"]))[:TOP]
    if not bars:
        return None
    cur, base = run["currency"], _gap_base(sensitivity, run)
    params = [esc(b["param"]) for b in bars][::-1]
    data = []
    for end, col in (("low", "#D55E00"), ("high", "#0072B2")):
        inputs = [f" = {b[end + '_input']:.3g}" if finite(b.get(end + "_input")) else ""
                  for b in bars][::-1]
        data.append({"type": "bar", "orientation": "h", "name": f"input at its {end} end",
                     "y": params, "x": [b[end] - base for b in bars][::-1], "base": base,
                     "marker": {"color": col},
                     "customdata": [[b[end], x] for b, x in zip(bars[::-1], inputs, strict=True)],
                     "hovertemplate": f"%{{y}}%{{customdata[1]}}: gap "
                                      f"{money_hover(cur, 'customdata[0]')}<extra></extra>"})
    layout = base_layout(110 + 28 * len(bars), barmode="overlay",
                     xaxis=money_axis(cur, esc(sensitivity.get("target") or "value gap")),
                     yaxis={"automargin": True},
                     shapes=[{"type": "line", "x0": base, "x1": base, "y0": 0, "y1": 1,
                              "yref": "paper", "line": {"color": "#222", "width": 1}}])
    return Chart("tornado", "The gap at each end of an input's range",
                 figure(data, layout), _tornado_reading(bars, base, run))


def _gap_base(sensitivity: Mapping[str, Any], run: Mapping[str, Any]) -> float:
    """The gap at everyone's central values: the analysis's ``base``, else the run's means."""
    if finite(sensitivity.get("base")):
        return float(sensitivity["base"])
    ranked = by_value(run["options"])
    if len(ranked) < 2:
        return 0.0
    o = run["options"]
    return float(o[ranked[0]]["value"]["mean"] - o[ranked[1]]["value"]["mean"])


def _tornado_reading(bars: Sequence[Mapping[str, Any]], base: float,
                     run: Mapping[str, Any]) -> str:
    top, cur = bars[0], run["currency"]
    lo, hi = sorted((top["low"], top["high"]))
    text = (f"`{top['param']}` moves the gap most: from {money(lo, cur)} to "
            f"{money(hi, cur)} across its range")
    flips = [b["param"] for b in bars if min(b["low"], b["high"]) < 0 < max(b["low"], b["high"])]
    if flips:
        return text + f"; at one end of {_names(flips)} the other option would lead."
    return text + "; no single input flips the leader on its own."


def _names(params: Sequence[str]) -> str:
    quoted = [f"`{p}`" for p in params[:3]]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _sobol_chart(sensitivity: Mapping[str, Any]) -> Chart:
    idx = sensitivity["indices"]
    ranked = sorted(idx, key=lambda p: -(idx[p].get("ST") or 0.0))[:TOP][::-1]
    data = [{"type": "bar", "orientation": "h", "name": name, "y": [esc(p) for p in ranked],
             "x": [idx[p].get(key) or 0.0 for p in ranked], "marker": {"color": col},
             "hovertemplate": f"%{{y}}: {key} %{{x:.2f}}<extra></extra>"}
            for key, name, col in (("ST", "total (with interactions)", "#9ecae1"),
                                   ("S1", "on its own", "#0072B2"))]
    layout = base_layout(110 + 28 * len(ranked), barmode="overlay", yaxis={"automargin": True},
                     xaxis={"title": {"text": "share of the variance of the gap"},
                            "tickformat": ".0%", "rangemode": "tozero"})
    top = ranked[-1]
    reading = (f"`{top}` explains {pct(idx[top].get('S1') or 0.0)} of the variance of the "
               f"gap on its own and {pct(idx[top].get('ST') or 0.0)} with its interactions.")
    return Chart("tornado", "Sobol indices of the value gap",
                 figure(data, layout), reading)


def voi_chart(voi: Mapping[str, Any], run: Mapping[str, Any]) -> Chart | None:
    """What to find out next: EVPPI per param (and EVSI, groups) against the EVPI line."""
    cur = voi.get("currency") or run["currency"]
    evppi: Mapping[str, float] = voi.get("evppi") or {}
    ranked = voi_params(voi)[::-1]
    if not ranked:
        return None
    data = [_voi_bars("knowing it exactly (EVPPI)", ranked, evppi, "#0072B2", cur)]
    evsi: Mapping[str, float] = voi.get("evsi") or {}
    if evsi:
        data.append(_voi_bars("asking more people (EVSI)", ranked, evsi, "#E69F00", cur))
    groups: Mapping[str, float] = voi.get("groups") or {}
    if groups:
        data.append(_voi_bars("knowing the group (EVPPI)", list(groups), groups, "#009E73",
                              cur))
    evpi = float(voi.get("evpi") or 0.0)
    top = max((max(t["x"], default=0.0) for t in data), default=0.0)
    on_scale = evpi > 0 and top >= EVPI_ON_SCALE * evpi
    xmax = max(top * 1.15, evpi * 1.05 if on_scale else 0.0) or 1.0
    layout = base_layout(120 + 28 * (len(ranked) + len(groups)), barmode="group",
                         xaxis=money_axis(cur, "expected gain from finding out",
                                          range=[0.0, xmax]),
                         yaxis={"automargin": True})
    if on_scale:
        layout["shapes"] = [{"type": "line", "x0": evpi, "x1": evpi, "y0": 0, "y1": 1,
                             "yref": "paper", "line": {"color": "#222", "dash": "dash"}}]
    layout["annotations"] = [{
        "x": evpi if on_scale else 1.0, "xref": "x" if on_scale else "paper", "y": 1,
        "yref": "paper", "showarrow": False, "xanchor": "right", "yanchor": "bottom",
        "font": {"size": 11},
        "text": "everything (EVPI)" if on_scale else
        f"everything (EVPI): {money(evpi, cur)}, off this scale"}]
    layout["margin"]["t"] = 56
    reading = _voi_reading(evpi, evppi, cur)
    research = voi.get("evpi_params")
    if evpi > 0 and research is not None and finite(research):
        reading += (f" Of the {money(evpi, cur)} EVPI, learning every input at once would be "
                    f"worth {money(research, cur)}; the rest, "
                    f"{money(max(evpi - research, 0.0), cur)}, is luck no research resolves.")
    return Chart("voi", "The value of finding out, per input", figure(data, layout), reading)


#: The EVPI line is drawn when the largest bar is at least this share of it; otherwise the
#: axis is scaled to the bars (a $4 bar on a $19k axis does not show) and EVPI is written.
EVPI_ON_SCALE = 0.2


def _voi_bars(name: str, keys: Sequence[str], values: Mapping[str, float], col: str,
              cur: str) -> dict[str, Any]:
    return {"type": "bar", "orientation": "h", "name": name, "y": [esc(k) for k in keys],
            "x": [values.get(k, 0.0) for k in keys], "marker": {"color": col},
            "hovertemplate": f"%{{y}}: {money_hover(cur)}<extra>{name}</extra>"}


def voi_params(voi: Mapping[str, Any]) -> list[str]:
    """The inputs worth showing, highest EVPPI first: those worth anything (at most
    :data:`TOP`), or the first five when none is."""
    evppi: Mapping[str, float] = voi.get("evppi") or {}
    ranked = sorted(evppi, key=lambda p: -evppi[p])
    return [p for p in ranked if evppi[p] > 0][:TOP] or ranked[:5]


#: Below this share of EVPI the best single input is "not worth much" to pin down.
SMALL_SHARE = 0.05


def _voi_reading(evpi: float, evppi: Mapping[str, float], cur: str) -> str:
    best = max(evppi, key=lambda p: evppi[p])
    if evpi <= 0:
        return (f"Perfect information is worth {money(evpi, cur)}: nothing you could find out "
                "would change which option is best.")
    if evppi[best] < SMALL_SHARE * evpi:
        return (f"Knowing everything would be worth {money(evpi, cur)}, but no single input is "
                f"worth much to pin down (at most {money(max(evppi[best], 0.0), cur)}, "
                f"`{best}`): what could change your choice is spread over many inputs, or is "
                "chance nobody can tell you in advance.")
    return (f"Knowing everything would be worth {money(evpi, cur)}; of single inputs, pinning "
            f"down `{best}` is worth most ({money(evppi[best], cur)}): find that out first.")
