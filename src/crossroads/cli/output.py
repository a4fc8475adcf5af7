"""Rich tables for the terminal. Formatting is pure (``format_*``); printing is the edge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from crossroads.cli.common import console, printable
from crossroads.format import money, pct, top_share

if TYPE_CHECKING:
    from crossroads.results import RunResult


def _precision(result: RunResult) -> str:
    """`samples: auto`: the standard errors reached, e.g. ' (auto: P(best) +-0.3 pp, gap
    +-$2.6k)', or what was not reached at the cap."""
    p = result.precision
    if not p:
        return ""
    cap = "; stopped at the cap" if p["stopped"] == "cap" else ""
    return (f" (auto: P(best) ±{p['p_best_se'] * 100:.1f} pp, gap ±"
            f"{money(p['gap_se'], result.currency)}{cap})")


def run_table(result: RunResult) -> Table:
    """One row per option: value, NPV, P(best), break-even against the baseline.

    When money is taxed or valued past the horizon, NPV moves to :func:`money_table` with
    its before-tax and past-horizon columns: eight columns do not fit 80 without cutting
    headers and labels.
    """
    cur = result.currency
    what = result.money["sentence"] if result.money else f"today's {cur}"
    split = _money_columns(result) != []
    table = Table(caption=f"value{'' if split else ' and NPV'}: means; 90% range: the middle "
                  "90% of futures; breaks even: against the baseline", caption_justify="left",
                  title=f"{printable(result.title)}\n{result.horizon} years, "
                  f"{result.samples:,} draws{_precision(result)}, seed {result.seed}; "
                  f"money in {what}",
                  title_justify="left")
    table.add_column("option", max_width=24, overflow="fold")
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("90% range", justify="right", no_wrap=True)
    if not split:
        table.add_column("NPV cash", justify="right", no_wrap=True)
    table.add_column("P(best)", justify="right", no_wrap=True)
    table.add_column("breaks even", justify="right", max_width=16)
    for oid, o in result.options.items():
        v = o["value"]
        npv = [] if split else [money(o["npv"]["mean"], cur)]
        table.add_row(
            printable(o["label"]), money(v["mean"], cur),
            f"{money(v['p5'], cur)}–{money(v['p95'], cur)}", *npv, pct(o["p_best"]),
            _break_even_cell(oid, o, result.baseline, result.horizon),
        )
    return table


def _money_columns(result: RunResult) -> list[tuple[str, str]]:
    """(header, JSON key) of the money shown apart: before tax, past the horizon."""
    taxed = bool(result.money and result.money.get("after_tax"))
    ends = any(o.get("terminal") for o in result.options.values())
    return ([("before tax", "npv_pre_tax")] if taxed else []) + (
        [("past the horizon", "terminal")] if ends else [])


def money_table(result: RunResult) -> Table | None:
    """NPV beside what it leaves out: before tax, and the value past the horizon (counted in
    value, not in NPV); None when the file neither taxes nor values past the horizon."""
    columns = _money_columns(result)
    if not columns:
        return None
    cur = result.currency
    table = Table(title="Money: mean NPV of cash within the horizon, and apart from it",
                  title_justify="left")
    table.add_column("option", max_width=30, overflow="fold")
    table.add_column("NPV cash" + (" after tax" if columns[0][1] == "npv_pre_tax" else ""),
                     justify="right", no_wrap=True)
    for header, _ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    for o in result.options.values():
        table.add_row(printable(o["label"]), money(o["npv"]["mean"], cur),
                      *(money(o[key]["mean"], cur) for _, key in columns))
    return table


def _break_even_cell(oid: str, o: dict[str, Any], baseline: str, horizon: int) -> str:
    be = o["break_even"]
    if oid == baseline or be is None:
        return "baseline"
    within = f"{pct(be['p_within_horizon'])} within {horizon} years"
    if be["median_year"] is None:
        return within
    return f"year {be['median_year']} (median); {within}"


#: Columns of a criteria table beside the option's: more go into a second table.
CRITERIA_PER_TABLE = 3


def criteria_tables(result: RunResult) -> list[Table]:
    """Mean discounted-average score of each criterion per option, option labels in the
    rows, each header with its scale ("0-10, higher is better"); a rank criterion reads
    "top x%". Criteria beyond :data:`CRITERIA_PER_TABLE` go into a further table, so no
    header is cut at 80 columns."""
    first = next(iter(result.options.values()))
    names = list(first["criteria"])
    if not names:
        return []
    info = result.criteria_points or {}
    tables = []
    for start in range(0, len(names), CRITERIA_PER_TABLE):
        part = names[start:start + CRITERIA_PER_TABLE]
        title = ("What you value besides money: mean discounted-average score, the "
                 "scale under each name" if start == 0 else None)
        table = Table(title=title, title_justify="left")
        table.add_column("option", max_width=24, overflow="fold")
        for c in part:
            table.add_column(_criterion_header(c, info.get(c)), justify="right",
                             overflow="fold", max_width=18)
        for o in result.options.values():
            table.add_row(printable(o["label"]), *(_score(o["criteria"][c]["mean"], info.get(c))
                                        for c in part))
        tables.append(table)
    return tables


def _criterion_header(c: str, info: dict[str, Any] | None) -> str:
    if not info:
        return c
    label = info.get("label") or c
    if info.get("rank"):
        return f"{label}\n(rank: top % of peers)"
    lo, hi = info["scale"]
    better = ", lower is better" if info.get("better") == "lower" else ""
    return f"{label}\n({lo:g}-{hi:g}{better})"


def _score(mean: float, info: dict[str, Any] | None) -> str:
    if info and info.get("rank"):
        return top_share(mean, tuple(info["scale"]))
    return f"{mean:.1f}"


def print_run(result: RunResult) -> None:
    """The tables, then the verdict."""
    console.print(run_table(result))
    extra = money_table(result)
    for table in ([extra] if extra is not None else []) + criteria_tables(result):
        console.print(table)
    console.print()
    for sentence in result.verdict:  # labels are user text: no markup, no control codes
        console.print(f"- {printable(sentence)}", markup=False)
    for note in result.notes:
        console.print(f"  [dim]{escape(printable(note))}[/dim]")
