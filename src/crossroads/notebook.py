"""Results in Jupyter: each result type as an HTML table with its sentences.

A result object left at the end of a notebook cell shows itself through
``_repr_html_``; every result type (``run``, ``voi``, ``sensitivity``, ``smaa``,
``skills``, ``prices``, ``risk``, ``option_value``) hooks this module with two lines::

    _repr_html_ = notebook.html
    __repr__ = notebook.text

so the rendering lives here, read from the same ``to_dict()`` JSON the CLI prints
(docs/cli.md): a notebook shows what ``--json`` says, and a new key there needs no change
here. The run and VoI also draw the report's charts (:mod:`crossroads.report.charts`) with
Plotly. No CDN: the first chart of a Python process carries plotly.js inline (about 4.6 MB,
once); later outputs use it from the page. A notebook reopened untrusted, or rendered
without JavaScript, still shows every table and sentence, and each chart's place says why
it is empty. The journal's review (a plain dict) renders with :func:`review_html`.
"""

from __future__ import annotations

import hashlib
import html as _html
import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from crossroads.format import money, pct

__all__ = ["html", "review_html", "text"]

#: Whether plotly.js has been sent to the page in this process (see the module docstring).
_plotly_sent = False
#: Charts drawn in this process: a result shown twice on one page gets two distinct ids.
_drawn = itertools.count()


def html(result: Any) -> str:
    """The result as HTML: a heading, its table(s), its sentences, and charts for the
    run and VoI. Works from ``result.to_dict()``; an unknown shape shows its sentences."""
    data = result.to_dict()
    kind = kind_of(data)
    body = _RENDER.get(kind, _sentences_only)(data)
    return f'<div class="crossroads-result" data-kind="{kind}">{body}</div>'


def text(result: Any) -> str:
    """A short ``repr``: the type, the kind of analysis and its first sentence, instead of
    a dump of every field (a run's is tens of kilobytes)."""
    data = result.to_dict()
    said = _said(data)
    first = said[0] if said else ""
    if len(first) > 160:
        first = first[:157] + "..."
    return f"<{type(result).__name__} {kind_of(data)}: {first}>" if first else \
        f"<{type(result).__name__} {kind_of(data)}>"


def kind_of(data: Mapping[str, Any]) -> str:
    """Which analysis a JSON object is, from the keys docs/cli.md gives it."""
    for kind, key in (("run", "verdict"), ("voi", "evpi"), ("sensitivity", "method"),
                      ("smaa", "rank_acceptability"), ("option_value", "without"),
                      ("risk", "alpha"), ("skills", "intersection"), ("review", "calibration")):
        if key in data:
            return kind
    return "prices" if "criteria" in data and "currency" in data else "result"


def _said(data: Mapping[str, Any]) -> list[str]:
    """The result's own sentences, as the CLI prints them."""
    kind = kind_of(data)
    if kind == "run":
        return [*data.get("verdict", ()), *data.get("notes", ())]
    if kind == "prices":
        crits = data.get("criteria", {}).values()
        return [c["sentence"] for c in crits] + [
            p["sentence"] for c in crits for p in c.get("pairs", {}).values()] + (
            [data["note"]] if data.get("note") else [])
    if kind == "risk":
        return _risk_sentences(data)
    if kind == "sensitivity":
        return _sensitivity_sentences(data)
    return list(data.get("sentences", ()))


# -- building blocks ----------------------------------------------------------------------

_TICKS = re.compile(r"`([^`\n]+)`")


def _esc(value: object) -> str:
    """Escaped text with `backticked` names shown as code."""
    return _TICKS.sub(r"<code>\1</code>", _html.escape(str(value)))


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    """A plain table: the first column left, the rest right-aligned (numbers)."""
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{"left" if i == 0 else "right"}">{_esc(c)}'
                         "</td>" for i, c in enumerate(row)) + "</tr>" for row in rows)
    cap = f'<caption style="caption-side:bottom;text-align:left">{_esc(caption)}</caption>' \
        if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _list(sentences: Sequence[str]) -> str:
    return "".join(f"<p>{_esc(s)}</p>" for s in sentences)


def _heading(title: str, sub: str = "") -> str:
    return f"<h3>{_esc(title)}</h3>" + (f"<p><small>{_esc(sub)}</small></p>" if sub else "")


def _sentences_only(data: Mapping[str, Any]) -> str:
    return _list(_said(data))


def _labels(data: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(o.get("label") or k) for k, o in data.get("options", {}).items()}


# -- charts ---------------------------------------------------------------------------------


def _charts(charts: Sequence[Any]) -> str:
    """The report's charts, drawn by plotly.js (inline with the first chart of the process)."""
    global _plotly_sent
    drawn = [c for c in charts if c is not None]
    if not drawn:
        return ""
    out = "" if _plotly_sent else _plotly_script()
    _plotly_sent = True
    return out + "".join(_chart(c) for c in drawn)


def _plotly_script() -> str:
    from plotly.offline import get_plotlyjs

    # Hide an AMD loader (classic Notebook's require.js) so Plotly sets window.Plotly;
    # a literal "</script" would end the inline script early: "<\/" is the same in JS.
    js = str(get_plotlyjs()).replace("</script", "<\\/script")
    return ("<script>(function(){if(window.Plotly){return;}var d=window.define;"
            f"window.define=undefined;try{{{js}\n}}finally{{window.define=d;}}}})();</script>")


def _chart(chart: Any) -> str:
    from crossroads.report.render import finite_json

    figure = json.dumps(finite_json(chart.figure), separators=(",", ":"), allow_nan=False)
    digest = hashlib.blake2b(figure.encode(), digest_size=6).hexdigest()
    cid = f"cr-nb-{digest}-{next(_drawn)}"
    safe = figure.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (f'<figure><figcaption><b>{_esc(chart.title)}</b></figcaption>'
            f'<div id="{cid}">(chart not drawn: plotly.js comes with the first chart a kernel '
            "shows; run the notebook again from the top to see it)</div>"
            f'<script type="application/json" id="{cid}-data">{safe}</script>'
            f'<script>(function(){{var d=document.getElementById("{cid}");if(!window.Plotly)'
            f'{{return;}}var f=JSON.parse(document.getElementById("{cid}-data").textContent);'
            'd.textContent="";window.Plotly.newPlot(d,f.data,f.layout,{displaylogo:false,'
            'responsive:true});})();</script>'
            f"<p><small>{_esc(chart.reading)}</small></p></figure>")


# -- one renderer per analysis ----------------------------------------------------------


def _run(data: Mapping[str, Any]) -> str:
    from crossroads.report import charts

    cur = data["currency"]
    what = (data.get("money") or {}).get("sentence") or f"today's {cur}"
    sub = f"{data['horizon']} years, {data['samples']:,} draws, seed {data['seed']}; " \
          f"money in {what}"
    rows = []
    for oid, o in data["options"].items():
        v, be = o["value"], o.get("break_even")
        se = (o.get("mcse") or {}).get("value_mean")
        rows.append([o["label"], money(v["mean"], cur),
                     "-" if se is None else f"± {money(se, cur)}",
                     f"{money(v['p5'], cur)} to {money(v['p95'], cur)}",
                     money(o["npv"]["mean"], cur), pct(o["p_best"]),
                     "baseline" if oid == data["baseline"] else
                     "-" if be is None else pct(be["p_within_horizon"])])
    table = _table(["option", "value", "sampling error", "90% range", "NPV cash", "P(best)",
                    "breaks even"], rows, "value and NPV: means; 90% range: the middle 90% of "
                   "futures; breaks even: the chance of catching up with the baseline's cash")
    return (_heading(data["decision"], sub) + table + _criteria(data) + _list(_said(data))
            + _charts([charts.value_chart(data), charts.npv_chart(data),
                       charts.cash_chart(data), charts.criteria_chart(data)]))


def _criteria(data: Mapping[str, Any]) -> str:
    first: Mapping[str, Any] = next(iter(data["options"].values()), {})
    names = list(first.get("criteria", {}))
    if not names:
        return ""
    rows = [[c, *(f"{o['criteria'][c]['mean']:.1f}" for o in data["options"].values())]
            for c in names]
    return _table(["criterion", *_labels(data).values()], rows,
                  "each criterion's discounted average score, mean over futures")


def _voi(data: Mapping[str, Any]) -> str:
    from crossroads.report import charts

    cur = data["currency"]
    ask = data.get("ask")
    rows = []
    for r in data.get("ranking", ()):
        se = data.get("evppi_se", {}).get(r["param"])
        rows.append([r["param"], money(r["evppi"], cur), pct(r["share"]),
                     "-" if se is None else f"± {money(se, cur)}",
                     *([money(data.get("evsi", {}).get(r["param"], 0.0), cur)] if ask else [])])
    head = ["input", "EVPPI", "share of EVPI", "sampling error",
            *([f"EVSI ({ask} more)"] if ask else [])]
    title = f"What to find out next (EVPI {money(data['evpi'], cur)})"
    chart = charts.voi_chart(data, {"currency": cur, "options": {}})
    return _heading(title) + _table(head, rows) + _list(_said(data)) + _charts([chart])


def _sensitivity(data: Mapping[str, Any]) -> str:
    title = f"Sensitivity ({data['method']}) of the {data.get('target', 'value')}"
    if data["method"] == "tornado":
        rows = [[b["param"], f"{b['low']:,.0f}", f"{b['high']:,.0f}",
                 f"{abs(b['high'] - b['low']):,.0f}"] for b in data.get("bars", ())]
        table = _table(["input", "gap at its 5th pct", "gap at its 95th pct", "swing"], rows,
                       f"the gap is {data.get('base', 0.0):,.0f} with every input at its "
                       "draws; each row pins one input")
    else:
        ix = sorted(data.get("indices", {}).items(), key=lambda kv: -kv[1]["ST"])
        table = _table(["input", "S1", "ST", "ST 95% ±"],
                       [[k, f"{v['S1']:.3f}", f"{v['ST']:.3f}", f"{v.get('ST_conf', 0):.3f}"]
                        for k, v in ix])
    inert = data.get("inert") or ()
    note = [f"{len(inert)} inline ranges cannot move the value (scores of criteria without "
            "a worth)."] if inert else []
    return _heading(title) + table + _list([*_said(data), *note])


def _sensitivity_sentences(data: Mapping[str, Any]) -> list[str]:
    """The input that moves the gap most, in words (the CLI's table has none)."""
    if data["method"] == "tornado":
        bars = sorted(data.get("bars", ()), key=lambda b: -abs(b["high"] - b["low"]))
        if not bars:
            return ["No input moves the gap."]
        b = bars[0]
        return [f"`{b['param']}` moves the gap most: from {b['low']:,.0f} at its 5th "
                f"percentile to {b['high']:,.0f} at its 95th."]
    ix = sorted(data.get("indices", {}).items(), key=lambda kv: -kv[1]["ST"])
    if not ix:
        return ["No input moves the gap."]
    name, v = ix[0]
    return [f"`{name}` explains {v['S1']:.0%} of the gap's variance alone and {v['ST']:.0%} "
            "with its interactions."]


def _smaa(data: Mapping[str, Any]) -> str:
    ranks = data["rank_acceptability"]
    n = len(next(iter(ranks.values()), []))
    rows = [[oid, *(pct(b) for b in r), pct(data["confidence"][oid])] for oid, r in ranks.items()]
    table = _table(["option", *(f"rank {i + 1}" for i in range(n)), "confidence"], rows,
                   "share of weightings and futures in which the option takes each rank")
    return _heading("Rank acceptability (SMAA-2)") + table + _list(_said(data))


def _skills(data: Mapping[str, Any]) -> str:
    horizon = int(data.get("horizon", 0))
    years = list(range(0, horizon, max(1, horizon // 5)))
    rows = []
    for o in data.get("options", {}).values():
        for sid, sk in o["skills"].items():
            rows.append([o["label"], sid, *(f"{sk['percentile'][y]:.0f}" for y in years)])
        if "intersection_top_pct" in o:
            rows.append([o["label"], "top % at all",
                         *(f"{o['intersection_top_pct'][y]:.1f}" for y in years)])
    table = _table(["option", "skill", *(f"year {y}" for y in years)], rows,
                   "median percentile among peers; the intersection row: the top % of peers "
                   "at or above you on every skill") if rows else ""
    return _heading("Skills by year") + table + _list(_said(data))


def _prices(data: Mapping[str, Any]) -> str:
    cur = data.get("currency", "USD")
    rows = []
    for c, p in data.get("criteria", {}).items():
        below, above = p.get("switch_below"), p.get("switch_above")
        rows.append([c, money(p["mean_worth"], cur), p.get("best", "-"),
                     "-" if not below else f"{p['best']} -> {below['to']} below "
                     f"{money(below['worth'], cur)}",
                     "-" if not above else f"-> {above['to']} above "
                     f"{money(above['worth'], cur)}"])
    table = _table(["criterion", "your worth per point-year", "leads at it",
                    "switches below", "switches above"], rows) if rows else ""
    return _heading("Implied prices") + table + _list(_said(data))


def _risk(data: Mapping[str, Any]) -> str:
    cur = data.get("currency", "")
    rows = [[oid, money(o["cvar"], cur) if cur else f"{o['cvar']:,.0f}", pct(o["p_regret"]),
             pct(o["p_behind_baseline"]), ", ".join(o["dominates"]) or "-"]
            for oid, o in data["options"].items()]
    table = _table(["option", f"worst {data['alpha']:.0%} (CVaR)", "P(regret)",
                    f"P(behind {data['baseline']})", "dominates"], rows,
                   "CVaR: the mean value of the worst futures; dominates: first-order "
                   "stochastic dominance")
    return _heading("Risk") + table + _list(_said(data))


def _risk_sentences(data: Mapping[str, Any]) -> list[str]:
    out = []
    for oid, o in data["options"].items():
        if o["dominates"]:
            out.append(f"`{oid}` dominates {', '.join(f'`{d}`' for d in o['dominates'])}: "
                       "at every share of futures its value is at least as high.")
    safest = max(data["options"], key=lambda k: data["options"][k]["cvar"], default=None)
    if safest is not None:
        out.append(f"`{safest}` has the best worst {data['alpha']:.0%} of futures (CVaR).")
    return out


def _option_value(data: Mapping[str, Any]) -> str:
    cur = data["currency"]
    rows = [[oid, money(o["mean"], cur), f"{money(o['p5'], cur)} to {money(o['p95'], cur)}",
             pct(o["p_positive"])] for oid, o in data["options"].items()]
    table = _table(["option", "worth of the option (mean)", "90% range", "P(it adds value)"],
                   rows)
    return _heading(f"Option value of {', '.join(data['without'])}") + table + \
        _list(_said(data))


def review_html(data: Mapping[str, Any]) -> str:
    """The journal's review (``journal review --json``) as a table of check-ins and the
    calibration: ``IPython.display.HTML(review_html(data))``."""
    from crossroads.journal.report import COLUMNS, report_rows

    cal = data.get("calibration") or {}
    n = len(cal.get("pit") or [])
    sentences = [f"Calibration over {n} check-in{'' if n == 1 else 's'}: Brier score "
                 f"{cal['brier']:.3f}."] if cal.get("brier") is not None else []
    return (_heading("Decision journal") + _table(COLUMNS, report_rows(data))
            + _list([*sentences, *data.get("sentences", ())]))


_RENDER: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "run": _run, "voi": _voi, "sensitivity": _sensitivity, "smaa": _smaa, "skills": _skills,
    "prices": _prices, "risk": _risk, "option_value": _option_value, "review": review_html,
}
