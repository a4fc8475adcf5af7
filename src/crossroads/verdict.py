"""The plain-language verdict: a handful of sentences a person can act on.

Pure: it reads a finished run and returns text. Words mean what they say
(docs/glossary.md): the sampling error is called the sampling error and the spread of
futures the 90% range; a chance below 1% reads "under 1%"; a chance in words comes from
the one table in :data:`crossroads.format.CHANCE_WORDS`; an input is named only when it
explains at least :data:`MATTERS` of the variance of the gap between the two leaders.

Sentences, in order (each a function below, each tested with a decision where it must
appear with its number and one where it must not):

1. the leader, its mean value, its 90% range and the sampling error of the mean;
2. how often it is best, and the runner-up;
3. what research can settle and what stays luck (when the run has ``p_best_expected``);
4. the worth at which the runner-up would take over (the `prices` break-even), for a
   `better: lower` criterion per point-year less of it ("a point-year less of stress");
5. when SMAA's weighing disagrees with the pricing: which unpriced criteria carry it and
   at what worth the priced answer would flip;
6. cash alone, break-even, shorter horizons, the input that matters.

The analyses' sentences are here too (:func:`skill_sentences`, :func:`voi_sentences`,
:func:`coverage_sentences`, :func:`stuck_sentences`, :func:`stranded_sentence`), beside
the run's: one place for what crossroads says.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from crossroads.format import chance_word, money, pct

if TYPE_CHECKING:
    from crossroads.model.compile import Model
    from crossroads.results import RunResult

__all__ = ["MATTERS", "coverage_sentences", "money", "skill_sentences", "stranded_sentence",
           "stuck_sentences", "voi_sentences", "write_verdict"]

#: An input is named when its first-order share of the leaders' gap variance is this much.
MATTERS = 0.10
#: At most this many sentences.
LONGEST = 8


def write_verdict(model: Model, result: RunResult) -> list[str]:
    """Which option leads and how robustly, what would change it, what matters most."""
    opts = result.options
    ranked = sorted(opts, key=lambda k: -opts[k]["value"]["mean"])
    out = [_lead(result, ranked[0])]
    if len(ranked) > 1:
        out.append(_runner_up(result, ranked))
    parts = [_research(result, ranked[0]),
             _price(model, result, ranked[0], ranked[1]) if len(ranked) > 1 else None,
             _weighing(model, result, ranked[0]), _cash(result, ranked[0]),
             _break_even_all(result), *_views(result), _input(result, ranked)]
    out += [p for p in parts if p]
    return out[:LONGEST]


def _lead(result: RunResult, lead: str) -> str:
    o, cur = result.options[lead], result.currency
    v = o["value"]
    return (f"Over {result.horizon} years, {o['label']} leads on expected value: "
            f"{money(v['mean'], cur)}, counting what you value besides money (90% range "
            f"of futures {money(v['p5'], cur)} to {money(v['p95'], cur)}; sampling error "
            f"of the mean ± {money(o['mcse']['value_mean'], cur)}).")


def _runner_up(result: RunResult, ranked: list[str]) -> str:
    opts, cur = result.options, result.currency
    lead, second = opts[ranked[0]], opts[ranked[1]]
    gap = lead["value"]["mean"] - second["value"]["mean"]
    return (f"It is the best option in {pct(lead['p_best'])} of {result.samples:,} simulated "
            f"futures ({chance_word(lead['p_best'])}; sampling error ± "
            f"{pct(lead['mcse']['p_best'], 1)}); the runner-up, {second['label']}, is best "
            f"in {pct(second['p_best'])} and trails by {money(gap, cur)} on average.")


def _research(result: RunResult, lead: str) -> str | None:
    """What research can settle (``p_best_expected``: best given every input) vs luck."""
    o = result.options[lead]
    pbe = o.get("p_best_expected")
    if pbe is None or not math.isfinite(pbe) or o["p_best"] >= 0.99:
        return None
    return (f"If research pinned down every uncertain input, {o['label']} would be the better "
            f"bet in {pct(pbe)} of cases ({chance_word(pbe)}); whether it then turns out best "
            f"(in {pct(o['p_best'])} of futures) is also luck, which no research removes.")


def _lower(result: RunResult, c: str) -> bool:
    """A `better: lower` criterion: the verdict speaks of its points less and its worth per
    point less, as `prices` does (the run keeps raw points and a negative worth)."""
    return ((result.criteria_points or {}).get(c) or {}).get("better") == "lower"


def _points(result: RunResult, c: str) -> dict[str, float]:
    """Mean point-years of c per option, in the better direction (points less if lower)."""
    sign = -1.0 if _lower(result, c) else 1.0
    points = result.criteria_points[c]["points"]  # type: ignore[index]
    return {o: sign * p for o, p in points.items()}


def _worth(result: RunResult, c: str) -> float | None:
    """c's mean worth per point-year of better, None when the file gives it no worth."""
    w = result.criteria_points[c]["worth"]  # type: ignore[index]
    return None if w is None else (-w if _lower(result, c) else w)


def _of(model: Model, result: RunResult, c: str) -> str:
    """"of fun", or "less of stress": a worth is money per point of better."""
    return f"{'less of' if _lower(result, c) else 'of'} {_label(model, c)}"


def _lines(result: RunResult, c: str) -> tuple[dict[str, float], dict[str, float]] | None:
    """Intercepts a_i and slopes b_i of E[value_i(w)] = a_i + w b_i for criterion c, with w
    per point-year of better and b_i in points of better (worth x points is the same)."""
    info = (result.criteria_points or {}).get(c)
    if not info:
        return None
    b = _points(result, c)
    wp = info["worth_points"] or dict.fromkeys(b, 0.0)
    a = {o: result.options[o]["value"]["mean"] - wp[o] for o in b}
    return a, b


def _flip(result: RunResult, c: str, winner: str, other: str) -> float | None:
    """The worth per point-year of c at which ``other``'s mean value meets ``winner``'s."""
    lines = _lines(result, c)
    if lines is None:
        return None
    a, b = lines
    if abs(b[other] - b[winner]) < 1e-9 * max(1.0, abs(b[winner])):
        return None
    return (a[winner] - a[other]) / (b[other] - b[winner])


def _price(model: Model, result: RunResult, lead: str, second: str) -> str | None:
    """The priced criterion whose break-even worth between the two leaders lies nearest
    the worth you gave: the `prices` sentence for the leader against the runner-up."""
    best: tuple[float, str, float] | None = None
    for c in result.criteria_points or {}:
        w0, w = _worth(result, c), _flip(result, c, lead, second)
        if w0 is None or w is None or w <= 0 or w0 <= 0:
            continue
        distance = abs(math.log(w / w0))
        if best is None or distance < best[0]:
            best = (distance, c, w)
    if best is None:
        return _stays(model, result, lead, second)
    _, c, w = best
    opts, cur = result.options, result.currency
    name, said = _of(model, result, c), _stated(model, c, cur)
    points = _points(result, c)
    if points[second] > points[lead]:
        return (f"{opts[second]['label']} would lead only if a point-year {name} were "
                f"worth at least {money(w, cur)}; you said {said}.")
    return (f"{opts[lead]['label']} leads only while a point-year {name} is worth at "
            f"least {money(w, cur)} (you said {said}); below that, {opts[second]['label']} "
            "would.")


def _stays(model: Model, result: RunResult, lead: str, second: str) -> str | None:
    """The leader stays ahead even at a worth of zero for the priced criteria it leads on."""
    held = [c for c in result.criteria_points or {} if _worth(result, c) is not None
            and (p := _points(result, c))[lead] > p[second]
            and (f := _flip(result, c, lead, second)) is not None and f <= 0]
    if not held:
        return None
    names = " or ".join(_label(model, c) for c in held)
    each = " (each on its own, your other worths kept)" if len(held) > 1 else ""
    return (f"{result.options[lead]['label']} would stay ahead of "
            f"{result.options[second]['label']} even if {names} were worth nothing{each}.")


def _weighing(model: Model, result: RunResult, lead: str) -> str | None:
    """When SMAA's first differs from the value leader: what carries it, what would flip."""
    w = result.weighted
    if w is None or w["first"] == lead:
        return None
    opts, cur, first = result.options, result.currency, w["first"]
    shares = w.get("shares") or {}
    head = (f"Weighing money against your criteria instead of pricing them (SMAA), "
            f"{opts[first]['label']} comes first for {pct(w['share'])} of weightings"
            + (f", {opts[lead]['label']} for {pct(shares[lead])}" if lead in shares else ""))
    better = {c: _points(result, c) for c in result.criteria_points or {}}
    unpriced = sorted(
        ((f, c) for c, p in better.items() if _worth(result, c) is None
         and p[first] > p[lead]
         and (f := _flip(result, c, lead, first)) is not None and f > 0), key=lambda x: x[0])
    if unpriced:
        names = " and ".join(f"`{_label(model, c)}`" for _, c in unpriced[:2])
        f, c = unpriced[0]
        return (f"{head}. The difference is carried by {names}, which "
                f"{'has' if len(unpriced[:2]) == 1 else 'have'} no worth in the file: "
                f"{opts[first]['label']} would lead on value if a point-year "
                f"{_of(model, result, c)} were worth at least {money(f, cur)}.")
    priced = [(f, c) for c, p in better.items() if _worth(result, c) is not None
              and (f := _flip(result, c, lead, first)) is not None and f > 0
              and p[first] > p[lead]]
    if not priced:
        return f"{head}; no single worth you gave would hand it the lead on value."
    f, c = min(priced)
    return (f"{head}, but your worths disagree: it would lead on value only if a point-year "
            f"{_of(model, result, c)} were worth at least {money(f, cur)}; you said "
            f"{_stated(model, c, cur)}.")


def _cash(result: RunResult, lead: str) -> str | None:
    opts, cur = result.options, result.currency
    cash_lead = max(opts, key=lambda k: opts[k]["npv"]["mean"])
    a, b = opts[cash_lead], opts[lead]
    noise = 2 * math.hypot(a["mcse"]["npv_mean"], b["mcse"]["npv_mean"])
    if cash_lead == lead or a["npv"]["mean"] - b["npv"]["mean"] <= noise:
        return None  # a cash lead within twice its sampling error is no lead
    return (f"On cash alone {opts[cash_lead]['label']} is ahead "
            f"({money(opts[cash_lead]['npv']['mean'], cur)} against "
            f"{money(opts[lead]['npv']['mean'], cur)} in today's money): "
            f"{opts[lead]['label']} leads because of what you said you value.")


def _break_even_all(result: RunResult) -> str | None:
    """One sentence on when each alternative catches up with the baseline on cash."""
    base = result.options[result.baseline]["label"]
    parts = []
    for oid, o in result.options.items():
        be = o["break_even"]
        if oid == result.baseline or be is None:
            continue
        p = be["p_within_horizon"]
        word = chance_word(p)  # "rarely breaks even", but "breaks even about half the time"
        when = (f"{_by_year(be['median_year'])} in half of futures"
                if be["median_year"] is not None else
                f"breaks even {word}" if word.startswith("about") else f"{word} breaks even")
        parts.append(f"{o['label']} {when} ({pct(p)} within {result.horizon} years)")
    if not parts:
        return None
    return f"On cash against {base}: " + "; ".join(parts) + "."


def _by_year(year: int) -> str:
    """Year 0 is the first year (as in the file and the charts): ahead from the start is
    not "breaking even by year 0"."""
    return "is ahead from the first year" if year == 0 else f"breaks even by year {year}"


def _views(result: RunResult) -> list[str]:
    opts, cur = result.options, result.currency
    out = []
    for years, stats in result.views.items():
        short = max(stats, key=lambda k: stats[k]["mean"])
        out.append(f"Over the first {years} years {opts[short]['label']} leads "
                   f"({money(stats[short]['mean'], cur)} expected value).")
    return out


def _input(result: RunResult, ranked: list[str]) -> str | None:
    """The input that explains most of the leaders' gap, when it explains enough."""
    shares = result.screen_share or {}
    if len(ranked) < 2 or not shares:
        return None
    name = max(shares, key=lambda k: shares[k])
    if shares[name] < MATTERS:
        return None
    opts = result.options
    return (f"`{name}` alone explains {pct(shares[name])} of the variance of the gap between "
            f"{opts[ranked[0]]['label']} and {opts[ranked[1]]['label']}; `crossroads voi` "
            "says what pinning it down is worth.")


def _label(model: Model, c: str) -> str:
    spec = model.criteria.get(c)
    return spec.label if spec is not None and spec.label else c


_RANGE = re.compile(r"^\s*(-?[\d_,.]+)\s*([kM]?)\s+to\s+(-?[\d_,.]+)\s*([kM]?)\s*$")


def _stated(model: Model, c: str, cur: str) -> str:
    """The worth as the file states it: "$5k to $15k", "$3k", or the estimate's text."""
    worth = model.decision.criteria[c].worth
    if isinstance(worth, int | float):
        return money(float(worth), cur)
    text = str(worth)
    m = _RANGE.match(text)
    if m is None:
        return f"`{text}`"
    try:
        lo, hi = (float(m.group(i).replace("_", "").replace(",", ""))
                  * {"k": 1e3, "M": 1e6, "": 1.0}[m.group(i + 1)] for i in (1, 3))
    except ValueError:
        return f"`{text}`"
    return f"{money(lo, cur)} to {money(hi, cur)}"


# -- the analyses' sentences ------------------------------------------------------------


def skill_sentences(model: Model, options: dict[str, dict[str, Any]]) -> list[str]:
    """What `skills` says: per option, the intersection rank by year 4 (against the
    baseline's) or the strongest skill."""
    year = min(4, model.horizon - 1)
    base = model.options[model.baseline].id
    names = " x ".join(model.intersection)
    out = []
    for oid, o in options.items():
        if "intersection_top_pct" in o:
            mine = o["intersection_top_pct"][year]
            text = f"{o['label']}: by year {year} you are in the top {mine:.1f}% at {names}"
            if oid != base:
                theirs = options[base]["intersection_top_pct"][year]
                text += f", against the top {theirs:.1f}% on {options[base]['label']}"
            out.append(text + ".")
        else:
            best = max(o["skills"], key=lambda k: o["skills"][k]["percentile"][year])
            out.append(f"{o['label']}: by year {year} your strongest skill is {best} "
                       f"(percentile {o['skills'][best]['percentile'][year]:.0f}).")
    return out


def coverage_sentences(result: Any, research: dict[str, dict[str, Any]]) -> list[str]:
    """What `voi` says of the research log: whom you heard from about its top params."""
    out = []
    for r in result.ranking[:3]:
        cov = research.get(r.param)
        if cov is None:
            continue
        gaps = [*cov["missing_markets"], *cov["missing_stages"]]
        text = f"You heard from {cov['people']} people about `{r.param}`"
        out.append(text + (f"; nobody from {', '.join(gaps)}." if gaps else "."))
    return out


def voi_sentences(model: Model, result: Any, ask: float | None) -> list[str]:
    """What `voi` says: what learning the params is worth, what stays luck, what to find
    out next and what ``ask`` more conversations are worth."""
    cur = model.currency
    luck = max(result.evpi - result.evpi_params, 0.0)
    out = [f"Learning every param at once would be worth {money(result.evpi_params, cur)}: "
           "research on the params can buy no more than that.",
           f"Foresight of everything would be worth {money(result.evpi, cur)} (EVPI); the "
           f"{money(luck, cur)} beyond the params is the luck of the path (moves, failures, "
           "exits) and the estimates written inline, which no conversation about a param "
           "resolves."]
    top = [r for r in result.ranking if r.evppi > 0.005 * max(result.evpi, 1e-9)][:3]
    if top:
        out.append("What to find out next: " + "; ".join(
            f"`{r.param}` ({money(r.evppi, cur)}, {r.share:.0%} of EVPI)" for r in top) + ".")
    else:
        out.append("No single param is worth finding out: what is left is the luck of the "
                   "path (moves, failures, exits), which no conversation resolves.")
    if ask is not None and result.evsi:
        best = max(result.evsi, key=lambda k: result.evsi[k])
        floor = 0.005 * max(result.evpi, 1e-9)
        if result.evsi[best] <= floor:
            out.append(f"{ask:g} more conversations about any one param would not change "
                       "the choice (EVSI about $0).")
        else:
            worthless = [k for k, v in result.evsi.items() if v <= floor]
            line = (f"{ask:g} more conversations about `{best}` are worth about "
                    f"{money(result.evsi[best], cur)}")
            if worthless:
                line += f"; none about `{worthless[0]}` is worth having"
            out.append(line + ".")
    return out


def stuck_sentences(model: Model, shares: dict[str, dict[str, float]]) -> list[str]:
    """What ``run`` says: e.g. "35% of draws of Keep working stay `job` to the horizon..."."""
    labels = {o.id: o.label for o in model.options}
    out = []
    for oid, roles in shares.items():
        for rid, share in roles.items():
            out.append(f"{_share(share)} of draws of {labels[oid]} stay `{rid}` to the horizon: "
                       "its only ways out are one-shot chances, all of which failed "
                       "(`after: T, per_year: p` retries every year).")
    return out


def stranded_sentence(label: str, roles: dict[str, float], without: tuple[str, ...]) -> str:
    """What ``option-value`` says of the draws ``--without`` leaves with no way out."""
    head = f"Without {' / '.join(without)}"
    if len(roles) == 1:
        ((rid, share),) = roles.items()
        where = f"{_share(share)} of the draws of {label} end the horizon in `{rid}`"
    else:
        where = (f"the draws of {label} end the horizon in roles "
                 + " and ".join(f"`{rid}` ({_share(share)})" for rid, share in roles.items()))
    return f"{head}, {where}, left with no move out: the figure values those years at its pay."


def _share(share: float) -> str:
    """A share of draws to 0.1%, never rounded to 0% or 100% (:func:`crossroads.format.pct`)."""
    return pct(share, 1)
