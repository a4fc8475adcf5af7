"""A bundle as the report's sections: titles, how to read them, charts, tables and notes.

    from crossroads.report.sections import build_sections, options_table
    for section in build_sections(bundle):
        section.title, [c.id for c in section.charts]

Each section appears only when the bundle has what it needs (``voi`` for "What to find out
next", ``skills`` for the skill bands...). Pure: text and figure dicts, no HTML; the
template does the markup and the escaping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crossroads.format import chance_word, money
from crossroads.report import charts as ch
from crossroads.report.figure import finite, labels, pct

__all__ = ["Section", "Table", "build_sections", "options_table", "references"]


@dataclass(frozen=True)
class Table:
    """Rows of text under named columns; ``numeric`` columns are right-aligned."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    """One titled part of the report; ``lede`` says how to read it (plain text)."""

    id: str
    title: str
    lede: str
    charts: tuple[ch.Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    said: tuple[str, ...] = ()


def build_sections(bundle: Mapping[str, Any]) -> list[Section]:
    """The sections to show for ``bundle``, in reading order (see docs/report.md)."""
    run = bundle["run"]
    out = [_worth(run), _cash(run), _criteria(run)]
    makers: dict[str, Callable[[Any], Section]] = {
        "smaa": lambda d: _robustness(d, run),
        "sensitivity": lambda d: _sensitivity(d, run),
        "voi": lambda d: _next(d, run, bundle.get("coverage")),
        "skills": lambda d: _skills(d, run),
        "coverage": _coverage,
        "market": lambda d: _market(d, run),
        "journal": _journal,
    }
    for key, make in makers.items():
        data = bundle.get(key) or (references(run) if key == "market" else None)
        if data:
            out.append(_with_sentences(make(data), data))
    return [s for s in out if s.charts or s.tables]


def _with_sentences(section: Section, data: Any) -> Section:
    """An analysis's own plain-language ``sentences`` (an extra key) go under its section."""
    said = data.get("sentences") if isinstance(data, Mapping) else None
    if not isinstance(said, list) or not said:
        return section
    return replace(section, said=tuple(str(x) for x in said))


def _some(*charts: ch.Chart | None) -> tuple[ch.Chart, ...]:
    return tuple(c for c in charts if c is not None)


def _cell(stats: Mapping[str, float], cur: str) -> str:
    """Mean, then (on a second, smaller line) the 90% range."""
    return f"{money(stats['mean'], cur)}\n{money(stats['p5'], cur)} to {money(stats['p95'], cur)}"


def options_table(run: Mapping[str, Any]) -> Table:
    """One row per option: value, NPV (mean and 90% range), P(best) and break-even."""
    cur, names = run["currency"], labels(run)
    views = run.get("views") or {}
    cols = ("option", "value", "cash (NPV)", "P(best)", "breaks even",
            *(f"value, first {v} years" for v in views))
    rows = []
    for k, o in run["options"].items():
        err = (o.get("mcse") or {}).get("p_best")
        best = pct(o["p_best"]) + (f"\n± {100 * err:.1f}%" if err is not None else "")
        label = names[k] + (" (baseline)" if k == run["baseline"] else "")
        rows.append((label, _cell(o["value"], cur), _cell(o["npv"], cur), best,
                     _break_even(o, k == run["baseline"], run["horizon"]),
                     *(money(v[k]["mean"], cur) if k in v else "-" for v in views.values())))
    caption = (f"Means over {run['samples']:,} simulated futures, with the 5th to 95th "
               f"percentile below; money in {cur}, discounted to today. P(best): the share "
               "of futures where the option has the highest value; the ± under it is its "
               "sampling error, not the uncertainty of your future.")
    return Table(cols, tuple(rows), caption, numeric=(1, 2, 3, *range(5, len(cols))))


def _break_even(o: Mapping[str, Any], baseline: bool, horizon: int) -> str:
    be = o.get("break_even")
    if baseline:
        return "baseline"
    if not be:
        return "-"
    within = f"{pct(be['p_within_horizon'])} within {horizon} years"
    if be.get("median_year") is None:
        return f"{chance_word(be['p_within_horizon'])}\n{within}"
    return f"year {be['median_year']} (median)\n{within}"


def _worth(run: Mapping[str, Any]) -> Section:
    return Section(
        "worth", "What each path is worth",
        "Value is cash in today's money (salary, equity that pays out and one-off amounts, "
        "each year discounted) plus, for each criterion you priced, its worth times its "
        "discounted yearly score. The first chart is a histogram over the simulated futures: "
        "a wide shape is an uncertain path. The second shows medians with 90% ranges; the "
        "distance between an option's cash and its value is what you said you value."
        + _money_line(run),
        _some(ch.value_chart(run), ch.npv_chart(run)))


def _money_line(run: Mapping[str, Any]) -> str:
    """What the money is, as `run` says it: tax, inflation, currency (docs/money.md)."""
    money = run.get("money")
    return f" Money here is {money['sentence']}." if money else ""


def _cash(run: Mapping[str, Any]) -> Section:
    base = labels(run)[run["baseline"]]
    return Section(
        "cash", "Cash over time and break-even",
        "Cumulative discounted cash, year by year: the line is the median future and the "
        "band holds 90% of futures. The dotted curves below are the chance that an option "
        f"has caught up with {base} on cash by that year and stays ahead to the end.",
        _some(ch.cash_chart(run)))


def _criteria(run: Mapping[str, Any]) -> Section:
    return Section(
        "criteria", "What you care about besides money",
        "Each cell is an option's mean score on a criterion (discounted average over the "
        "horizon, on the criterion's scale). Shading compares options within a column: "
        "darker is a higher score, whichever way is better for that criterion.",
        _some(ch.criteria_chart(run)))


def _robustness(smaa: Mapping[str, Any], run: Mapping[str, Any]) -> Section:
    names = labels(run)
    crits = list(smaa.get("criteria") or [])
    central = smaa.get("central_weights") or {}
    conf = smaa.get("confidence") or {}
    rows = tuple((names.get(k, k), *(pct(w.get(c, 0.0)) if w else "-" for c in crits),
                  pct(conf[k]) if finite(conf.get(k)) else "-") for k, w in central.items())
    table = Table(("option", *crits, "confidence"), rows,
                  "Central weights: the typical weights that make each option best; "
                  "confidence: how often it is best at those weights; - : never first.",
                  numeric=tuple(range(1, len(crits) + 2))) if rows else None
    dropped = list(smaa.get("dropped") or [])
    notes: tuple[str, ...] = ((f"Left out because they do not vary: {', '.join(dropped)}.",)
                              if dropped else ())
    scale = smaa.get("money_scale")
    if scale:
        notes += (f"Money counts from {money(scale['lo'], run['currency'])} (0) to "
                  f"{money(scale['hi'], run['currency'])} (1) on the weights' scale: "
                  f"{scale['from']}.",)
    return Section(
        "robustness", "How robust the ranking is to your weights",
        "SMAA tries every set of weights your ordering allows (money and each criterion) and "
        "counts how often each option lands at each rank. A long first-rank bar means the "
        "option wins for most ways of weighing what you care about.",
        _some(ch.rank_chart(smaa, run)), (table,) if table else (), notes)


def _sensitivity(sens: Mapping[str, Any], run: Mapping[str, Any]) -> Section:
    lede = ("Each bar moves one input across its range, all else at central values, and "
            "shows the value gap between the two leading options at each end. The vertical "
            "line is the gap at central values; a bar crossing zero can flip the leader.")
    if sens.get("indices"):
        lede = ("Sobol indices: the share of the variance of the value gap between the two "
                "leading options that each input explains on its own and with interactions.")
    target = sens.get("target")
    return Section("sensitivity", "Which input moves the answer most", lede,
                   _some(ch.tornado_chart(sens, run)),
                   notes=(f"Target: {target}.",) if target else ())


def _next(voi: Mapping[str, Any], run: Mapping[str, Any],
          coverage: Mapping[str, Any] | None) -> Section:
    cur = voi.get("currency") or run["currency"]
    evppi: Mapping[str, float] = voi.get("evppi") or {}
    evsi: Mapping[str, float] = voi.get("evsi") or {}
    people = (coverage or {}).get("params") or {}
    cols = ["input", "knowing it exactly"] + (["asking more people"] if evsi else [])
    if people:
        cols += ["people asked", "not heard from"]
    rows = []
    for p in ch.voi_params(voi):
        row = [f"`{p}`", money(evppi[p], cur)] + ([money(evsi[p], cur)] if evsi and p in evsi
                                                  else ["-"] if evsi else [])
        if people:
            row += _who(people.get(p))
        rows.append(tuple(row))
    table = Table(tuple(cols), tuple(rows),
                  "Expected gain in value from learning each input before deciding.",
                  numeric=(1, 2) if evsi else (1,))
    return Section(
        "next", "What to find out next",
        "The value of information: how much better, on average, your choice would be if you "
        "knew an input before deciding (EVPPI), against knowing everything (EVPI, the dashed "
        "line). Spend your next conversations on the inputs at the top.",
        _some(ch.voi_chart(voi, run)), (table,) if rows else ())


def _who(cov: Mapping[str, Any] | None) -> list[str]:
    if not cov:
        return ["0", "-"]
    missing = [*cov.get("missing_markets", []), *cov.get("missing_stages", [])]
    return [str(cov.get("people", 0)), ", ".join(map(str, missing)) or "-"]


def _skills(skills: Mapping[str, Any], run: Mapping[str, Any]) -> Section:
    return Section(
        "skills", "Where your skills stand",
        "Each skill's percentile among peers, year by year: what you practise grows (faster "
        "with a mentor), what you do not practise decays with its half-life. The second chart "
        "is your rank where your skills meet: the share of peers at or above you on every "
        "one of them at once (lower is rarer, so up is better).",
        _some(ch.skills_chart(skills, run), ch.intersection_chart(skills, run)))


def _journal(data: Mapping[str, Any]) -> Section:
    """The decision journal's check-ins for this decision (docs/journal.md)."""
    from crossroads.journal.report import COLUMNS, NUMERIC, report_rows

    cal = data["calibration"]
    brier = "" if cal["brier"] is None else \
        f" The Brier score of the role probabilities is {cal['brier']:.3f} (0 is perfect)."
    return Section(
        "journal", "What happened since",
        "The decision journal: what you predicted when you recorded the decision, and where "
        "each check-in fell in it (the pay's percentile; the probability you gave to the "
        "role you hold)." + brier,
        tables=(Table(COLUMNS, tuple(report_rows(data)), numeric=NUMERIC),),
        said=tuple(cal["sentences"]))


def _coverage(coverage: Mapping[str, Any]) -> Section:
    params = coverage.get("params") or {}
    rows = tuple((f"`{p}`", str(c.get("people", 0)), f"{c.get('weight', 0):g}",
                  _join(c.get("missing_markets")), _join(c.get("missing_stages")),
                  _join(c.get("missing_seniority"))) for p, c in params.items())
    table = Table(("input", "people", "weight (years)", "markets missing", "stages missing",
                   "experience missing"), rows,
                  "Who has estimated each research input, and whom you have not heard from.",
                  numeric=(1, 2))
    return Section(
        "coverage", "Whom you have heard from",
        "Conversations in your research log by market and company stage. Empty cells are "
        "voices you have not heard yet: an estimate pooled only from one market can be "
        "that market's view, not yours.",
        _some(ch.coverage_chart(coverage)), (table,) if rows else ())


def references(run: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The options' market references (``reference:`` in the decision file) as market rows."""
    names = labels(run)
    return [{**o["reference"], "option": k, "label": names[k]}
            for k, o in run["options"].items() if o.get("reference")]


def _join(xs: Sequence[Any] | None) -> str:
    return ", ".join(map(str, xs or [])) or "-"


def _market(market: Mapping[str, Any] | Sequence[Mapping[str, Any]],
            run: Mapping[str, Any]) -> Section:
    refs = [market] if isinstance(market, Mapping) else list(market)
    notes = tuple(str(w) for m in refs for w in m.get("warnings", []))
    return Section(
        "market", "Your offers against the market",
        "Salaries in the shipped public data set matching the role, level and country: the "
        "bar spans the 10th to the 90th percentile and the tick is the median. Diamonds are "
        "each option's median first-year pay (base pay, where the run gives it).",
        _some(ch.market_chart(market, run)), notes=notes)
