"""Charts of skills and evidence: skill bands, the intersection rank, research coverage and
the market reference. Re-exported by :mod:`crossroads.report.charts`; same rules: pure,
figure dicts, user text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crossroads.evidence.reference import ordinal
from crossroads.format import money
from crossroads.report.figure import (
    Chart,
    Fig,
    base_layout,
    colour,
    esc,
    figure,
    finite,
    labels,
    money_axis,
    year_list,
)

__all__ = ["coverage_chart", "first_pay", "intersection_chart", "market_chart",
           "skills_chart"]


def skills_chart(skills: Mapping[str, Any], run: Mapping[str, Any]) -> Chart | None:
    """Each skill's percentile per year, one panel per skill, a line (or band) per option."""
    opts = skills.get("options") or {}
    names = labels(run)
    skill_names = list(dict.fromkeys(s for o in opts.values() for s in o.get("skills", {})))
    if not skill_names:
        return None
    data: list[dict[str, Any]] = []
    layout = base_layout(320, yaxis={"title": {"text": "percentile"}, "range": [0, 100]})
    gap = 0.06
    width = (1 - gap * (len(skill_names) - 1)) / len(skill_names)
    for j, skill in enumerate(skill_names):
        ax = "" if j == 0 else str(j + 1)
        layout[f"xaxis{ax}"] = {"domain": [j * (width + gap), j * (width + gap) + width],
                                "anchor": f"y{ax}", "title": {"text": esc(skill)}, "dtick": 2}
        if j:
            layout[f"yaxis{ax}"] = {"anchor": f"x{ax}", "range": [0, 100], "matches": "y",
                                    "showticklabels": False}
        for i, (k, o) in enumerate(opts.items()):
            track = o.get("skills", {}).get(skill)
            if track:
                data += _skill_traces(track, i, esc(names.get(k, k)), ax, first=j == 0)
    return Chart("skills", "Where each skill stands, year by year",
                 figure(data, layout), _skills_reading(opts, skill_names, names))


def _factor(*series: Sequence[float]) -> float:
    """100 when the analysis gives percentiles as fractions (0..1), else 1."""
    top = max((float(x) for xs in series for x in xs), default=0.0)
    return 100.0 if top <= 1.0 else 1.0


def _scale(xs: Sequence[float]) -> list[float]:
    """Percentiles as 0-100 whether the analysis gives fractions or percents."""
    k = _factor(xs)
    return [k * float(x) for x in xs]


def _skill_traces(track: Mapping[str, Any], i: int, name: str, ax: str,
                  *, first: bool) -> list[dict[str, Any]]:
    common = {"xaxis": f"x{ax}", "yaxis": f"y{ax}", "showlegend": first}
    k = _factor(track["percentile"], track.get("p95") or [])
    lo, hi = ([k * x for x in track[q]] if track.get(q) else None for q in ("p5", "p95"))
    return _line_and_band([k * x for x in track["percentile"]], lo, hi, i, name,
                          "year %{x}: %{y:.0f}th percentile", common)


def _line_and_band(mid: Sequence[float], lo: Sequence[float] | None,
                   hi: Sequence[float] | None, i: int, name: str, hover: str,
                   extra: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A median line in the option's colour, over its 5th-95th band when there is one."""
    years = year_list(len(mid))
    common = {"legendgroup": f"o{i}", **{k: v for k, v in extra.items() if k != "showlegend"}}
    out: list[dict[str, Any]] = []
    if lo and hi:
        out += [{"type": "scatter", "x": years, "y": list(hi), "mode": "lines",
                 "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip", **common},
                {"type": "scatter", "x": years, "y": list(lo), "mode": "lines",
                 "fill": "tonexty", "fillcolor": colour(i, 0.15), "line": {"width": 0},
                 "showlegend": False, "hoverinfo": "skip", **common}]
    out.append({"type": "scatter", "x": years, "y": list(mid), "mode": "lines", "name": name,
                "line": {"color": colour(i), "width": 2},
                "showlegend": extra.get("showlegend", True),
                "hovertemplate": f"{hover}<extra>%{{fullData.name}}</extra>", **common})
    return out


def _skills_reading(opts: Mapping[str, Any], skill_names: Sequence[str],
                    names: Mapping[str, str]) -> str:
    parts = []
    for skill in skill_names:
        ends = {k: _scale(o["skills"][skill]["percentile"])[-1] for k, o in opts.items()
                if skill in o.get("skills", {})}
        best = max(ends, key=lambda k: ends[k])
        parts.append(f"{skill}: {names.get(best, best)} ({ends[best]:.0f}th percentile)")
    return "Highest by the last year: " + "; ".join(parts) + "."


def intersection_chart(skills: Mapping[str, Any], run: Mapping[str, Any]) -> Chart | None:
    """Your rank at the intersection of skills: "top X%" per year (up is better)."""
    opts = {k: o for k, o in (skills.get("options") or {}).items()
            if o.get("intersection_top_pct")}
    if not opts:
        return None
    names, ids = labels(run), list(run["options"])
    data = []
    for i, (k, o) in enumerate(opts.items()):
        index = ids.index(k) if k in ids else i
        data += _line_and_band(o["intersection_top_pct"], o.get("intersection_p5"),
                               o.get("intersection_p95"), index, esc(names.get(k, k)),
                               "year %{x}: top %{y:.0f}%", {})
    layout = base_layout(320, xaxis={"title": {"text": "year"}, "dtick": 1},
                     yaxis={"title": {"text": "top % of peers"},
                            "autorange": "reversed", "ticksuffix": "%", "rangemode": "tozero"})
    last = {k: o["intersection_top_pct"][-1] for k, o in opts.items()}
    order = sorted(last, key=lambda k: last[k])  # the rarest (best) rank first
    of = skills.get("intersection")
    what = f" ({', '.join(map(str, of))})" if isinstance(of, list) and of else ""
    reading = (f"In the last year {names.get(order[0], order[0])} puts you in the top "
               f"{last[order[0]]:.0f}% at the intersection of your skills{what}"
               + "".join(f"; {names.get(k, k)}: top {last[k]:.0f}%" for k in order[1:3]) + ".")
    return Chart("intersection", "Where you rank at the intersection",
                 figure(data, layout), reading)


# ------------------------------------------------------------------ evidence -----------

def coverage_chart(coverage: Mapping[str, Any]) -> Chart | None:
    """Conversations per market x company stage (all experience bands), as a heatmap."""
    cells = coverage.get("cells") or []
    markets = list(dict.fromkeys([*coverage.get("markets", []), *(c["market"] for c in cells)]))
    stages = list(dict.fromkeys([*coverage.get("stages", []), *(c["stage"] for c in cells)]))
    if not markets or not stages:
        return None
    count = {(m, s): 0 for m in markets for s in stages}
    for c in cells:
        count[(c["market"], c["stage"])] += int(c["conversations"])
    z = [[count[(m, s)] for s in stages] for m in markets]
    data = [{"type": "heatmap", "z": z, "x": [esc(s) for s in stages],
             "y": [esc(m) for m in markets], "text": [[str(v) if v else "" for v in row]
                                                      for row in z],
             "texttemplate": "%{text}", "showscale": False, "xgap": 2, "ygap": 2,
             "colorscale": [[0, "#fbeee6"], [1e-9, "#eef4fa"], [1, "#2f6ea6"]],
             "hovertemplate": "%{y}, %{x}: %{z} conversations<extra></extra>"}]
    layout = base_layout(70 + 40 * len(markets), xaxis={"side": "top"},
                         yaxis={"autorange": "reversed"})
    layout["margin"] = {"l": 20, "r": 20, "t": 40, "b": 10}
    total = sum(map(sum, z))
    return Chart("coverage", "Conversations by market and company stage",
                 figure(data, layout), _coverage_reading(coverage, total, markets))


def _coverage_reading(coverage: Mapping[str, Any], total: int, markets: Sequence[str]) -> str:
    seen = list(dict.fromkeys((g["market"], g["stage"]) for g in coverage.get("gaps", [])))
    head = f"{total} conversations across {len(markets)} markets"
    if not seen:
        return head + "; every market and stage has been heard from on every param."
    cells = ", ".join(f"{m} at {s}" for m, s in seen[:3])
    more = f" and {len(seen) - 3} more" if len(seen) > 3 else ""
    return head + f"; nobody yet from {cells}{more} on at least one param."


def market_chart(market: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                 run: Mapping[str, Any]) -> Chart | None:
    """The market's 10th-90th percentile and median beside each option's first-year pay.

    ``market`` is one ``market --json`` object or a list of them; a row with an ``option``
    key (an option's ``reference``) is set against that option's pay only.
    """
    refs = [market] if isinstance(market, Mapping) else list(market)
    refs = [m for m in refs if m.get("n")]
    if not refs:
        return None
    rows = [esc(_market_name(m)) for m in refs]
    data: list[dict[str, Any]] = [{
        "type": "bar", "orientation": "h", "y": rows, "base": [m["p10"] for m in refs],
        "x": [m["p90"] - m["p10"] for m in refs], "name": "market, 10th to 90th percentile",
        "marker": {"color": "rgba(0,114,178,0.25)"}, "hoverinfo": "skip"}, {
        "type": "scatter", "mode": "markers", "y": rows, "x": [m["median"] for m in refs],
        "name": "market median", "marker": {"symbol": "line-ns-open", "size": 22,
                                            "color": "#0072B2", "line": {"width": 3}},
        "hovertemplate": "median $%{x:,.0f}<extra></extra>"}]
    data += _pay_markers(run, refs, rows)
    cur = refs[0].get("currency") or "USD"
    layout = base_layout(150 + 40 * len(rows), xaxis=money_axis(cur, "a year, before tax"))
    return Chart("market", "Salaries for the role",
                 figure(data, layout), _market_reading(refs, run))


def first_pay(option: Mapping[str, Any]) -> float | None:
    """An option's median first-year pay: base pay when the run gives it, else year-0 cash."""
    base = option.get("first_year_base") or {}
    if finite(base.get("p50")):
        return float(base["p50"])
    fan = option.get("cumulative_cash") or {}
    return float(fan["p50"][0]) if fan.get("p50") else None


def _market_name(m: Mapping[str, Any]) -> str:
    q = m.get("query") or {}
    parts = [str(v) for v in q.values()] if isinstance(q, Mapping) else []
    what = " / ".join(parts) if parts else "market"
    name = f"{m['label']}: {what}" if m.get("label") else what
    return f"{name} (n={m['n']})"


def _pays(run: Mapping[str, Any], m: Mapping[str, Any]) -> dict[str, float]:
    """Option id -> the pay to mark on market row ``m`` (only positive, known pay)."""
    out = {}
    for k, o in run["options"].items():
        if m.get("option") not in (None, k):
            continue
        pay = m.get("pay") if m.get("option") == k and finite(m.get("pay")) else first_pay(o)
        if pay is not None and pay > 0:
            out[k] = float(pay)
    return out


def _pay_markers(run: Mapping[str, Any], refs: Sequence[Mapping[str, Any]],
                 rows: Sequence[str]) -> list[Fig]:
    if run["currency"] != (refs[0].get("currency") or "USD"):
        return []  # different money: no honest overlay
    names = labels(run)
    pays = [_pays(run, m) for m in refs]
    out = []
    for i, k in enumerate(run["options"]):
        marks = [(row, p[k]) for row, p in zip(rows, pays, strict=True) if k in p]
        if marks:
            out.append({"type": "scatter", "mode": "markers", "name": esc(names[k]),
                        "y": [r for r, _ in marks], "x": [x for _, x in marks],
                        "marker": {"color": colour(i), "size": 11, "symbol": "diamond"},
                        "hovertemplate": "first-year pay $%{x:,.0f}<extra>%{fullData.name}"
                                         "</extra>"})
    return out


def _market_reading(refs: Sequence[Mapping[str, Any]], run: Mapping[str, Any]) -> str:
    names = labels(run)
    placed = [m for m in refs if m.get("option") in names and finite(m.get("percentile"))]
    if placed:
        return "; ".join(f"{names[m['option']]}'s first-year pay sits at the "
                         f"{ordinal(round(m['percentile']))} percentile of its market"
                         for m in placed[:3]) + "."
    m = refs[0]
    cur = m.get("currency") or "USD"
    text = (f"The market median for {_market_name(m)} is {money(m['median'], cur)} "
            f"(10th-90th percentile {money(m['p10'], cur)} to {money(m['p90'], cur)})")
    if run["currency"] != cur:
        return text + f"; your options are in {run['currency']}, so they are not drawn on it."
    where = []
    for k, x in _pays(run, m).items():
        pos = ("below the 10th percentile" if x < m["p10"] else "above the 90th percentile"
               if x > m["p90"] else "below the median" if x < m["median"] else
               "above the median")
        where.append(f"{names[k]}'s first-year pay is {pos}")
    return text + ("; " + "; ".join(where[:3]) if where else "") + "."
