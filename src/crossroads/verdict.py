"""The plain-language verdict: three to six sentences a person can act on.

Pure: it reads a finished run and returns text. Every number it quotes comes with its
Monte Carlo error where that error could change the reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crossroads.model.compile import Model
    from crossroads.run import RunResult


def money(x: float, currency: str = "USD") -> str:
    """Short money text: $1.2M, $340k, -$45k.

    >>> money(1_234_567.0), money(-45_300.0), money(999.0, "EUR")
    ('$1.23M', '-$45.3k', '999 EUR')
    """
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x >= 1e6:
        body = f"{x / 1e6:.3g}M"
    elif x >= 1e3:
        body = f"{x / 1e3:.3g}k"
    else:
        body = f"{x:.0f}"
    return f"{sign}${body}" if currency == "USD" else f"{sign}{body} {currency}"


def write_verdict(model: Model, result: RunResult) -> list[str]:
    """Which option leads and how robustly, when the switch breaks even, what matters most."""
    opts, cur = result.options, result.currency
    ranked = sorted(opts, key=lambda k: -opts[k]["value"]["mean"])
    lead = ranked[0]
    lo = opts[lead]
    out = [
        f"Over {result.horizon} years, {lo['label']} leads on expected value "
        f"({money(lo['value']['mean'], cur)} ± {money(lo['mcse']['value_mean'], cur)}, "
        f"counting what you value besides money) and is the best option in "
        f"{_pct(lo['p_best'])} of {result.samples:,} simulated futures "
        f"(± {_pct(lo['mcse']['p_best'], 1)})."
    ]
    if len(ranked) > 1:
        out.append(_runner_up(opts, ranked, cur))
    cash_lead = max(opts, key=lambda k: opts[k]["npv"]["mean"])
    if cash_lead != lead:
        out.append(
            f"On cash alone {opts[cash_lead]['label']} is ahead "
            f"({money(opts[cash_lead]['npv']['mean'], cur)} against "
            f"{money(lo['npv']['mean'], cur)} in today's money): "
            f"{lo['label']} leads because of what you said you value."
        )
    be = _break_even_all(result)
    if be:
        out.append(be)
    if result.weighted is not None and result.weighted["first"] != lead:
        w = result.weighted
        out.append(
            f"Weighing what matters instead of pricing it (SMAA, every weighting of money "
            f"and your criteria), {opts[w['first']]['label']} ranks first for "
            f"{_pct(w['share'])} of weightings: the lead rests on the worths you gave."
        )
    for years, stats in result.views.items():
        short = max(stats, key=lambda k: stats[k]["mean"])
        out.append(f"Over the first {years} years {opts[short]['label']} leads "
                   f"({money(stats[short]['mean'], cur)} expected value).")
    if result.screen:
        name, rho = next(iter(result.screen.items()))
        out.append(
            f"The input that moves the gap between the two leaders most is `{name}` "
            f"(rank correlation {rho:+.2f}); `crossroads voi` says what pinning it down is worth."
        )
    return out[:6]


def _runner_up(opts: dict[str, Any], ranked: list[str], cur: str) -> str:
    lead, second = opts[ranked[0]], opts[ranked[1]]
    gap = lead["value"]["mean"] - second["value"]["mean"]
    robust = ("a clear lead" if lead["p_best"] >= 0.7
              else "a lead, but not a safe one" if lead["p_best"] >= 0.5
              else "a narrow lead: the futures split")
    return (f"That is {robust}: the runner-up, {second['label']}, is best in "
            f"{_pct(second['p_best'])} of futures and trails by {money(gap, cur)} on average.")


def _break_even_all(result: RunResult) -> str | None:
    """One sentence on when each alternative catches up with the baseline on cash."""
    base = result.options[result.baseline]["label"]
    parts = []
    for oid, o in result.options.items():
        be = o["break_even"]
        if oid == result.baseline or be is None:
            continue
        p = be["p_within_horizon"]
        when = (f"breaks even by year {be['median_year']} in half of futures"
                if be["median_year"] is not None else "rarely breaks even" if p < 0.1
                else "breaks even in fewer than half of futures")
        parts.append(f"{o['label']} {when} ({_pct(p)} within {result.horizon} years)")
    if not parts:
        return None
    return f"On cash against {base}: " + "; ".join(parts) + "."


def _pct(p: float, digits: int = 0) -> str:
    return f"{100 * p:.{digits}f}%"


def html_table(result: RunResult) -> str:
    """The run as an HTML table, for notebooks."""
    import html  # here: every run writes a verdict, few show it in a notebook

    rows = "".join(
        f"<tr><td>{html.escape(o['label'])}</td><td>{money(o['value']['mean'], result.currency)}"
        f"</td><td>{money(o['npv']['mean'], result.currency)}</td><td>{_pct(o['p_best'])}</td>"
        "</tr>" for o in result.options.values()
    )
    verdict = "".join(f"<p>{html.escape(s)}</p>" for s in result.verdict)
    return (f"<h3>{html.escape(result.title)}</h3><table><tr><th>option</th><th>value</th>"
            f"<th>NPV</th><th>P(best)</th></tr>{rows}</table>{verdict}")
