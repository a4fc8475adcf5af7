"""Rich tables for the terminal. Formatting is pure (``format_*``); printing is the edge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from crossroads.cli.common import console
from crossroads.verdict import money

if TYPE_CHECKING:
    from crossroads.run import RunResult


def run_table(result: RunResult) -> Table:
    """One row per option: value, NPV, P(best), break-even against the baseline."""
    cur = result.currency
    what = result.money["sentence"] if result.money else f"today's {cur}"
    table = Table(title=f"{result.title}\n{result.horizon} years, {result.samples:,} draws, "
                  f"seed {result.seed}; money in {what}", title_justify="left")
    table.add_column("option", max_width=30)
    table.add_column("value", justify="right")
    table.add_column("90% of futures", justify="right")
    table.add_column("NPV cash", justify="right")
    taxed = bool(result.money and result.money.get("after_tax"))
    ends = any(o.get("terminal") for o in result.options.values())
    if taxed:
        table.add_column("before tax", justify="right")
    if ends:
        table.add_column("past horizon", justify="right")
    table.add_column("P(best)", justify="right")
    table.add_column("breaks even", justify="right")
    for oid, o in result.options.items():
        v = o["value"]
        extra = ([money(o["npv_pre_tax"]["mean"], cur)] if taxed else []) + (
            [money(o["terminal"]["mean"], cur)] if ends else [])
        table.add_row(
            o["label"], money(v["mean"], cur), f"{money(v['p5'], cur)}–{money(v['p95'], cur)}",
            money(o["npv"]["mean"], cur), *extra, f"{o['p_best']:.0%}",
            _break_even_cell(oid, o, result.baseline),
        )
    return table


def _break_even_cell(oid: str, o: dict[str, Any], baseline: str) -> str:
    be = o["break_even"]
    if oid == baseline or be is None:
        return "baseline"
    if be["median_year"] is None:
        return f"{be['p_within_horizon']:.0%} ever"
    return f"year {be['median_year']} ({be['p_within_horizon']:.0%} ever)"


def criteria_table(result: RunResult) -> Table | None:
    """Mean discounted-average score of each criterion per option."""
    first = next(iter(result.options.values()))
    if not first["criteria"]:
        return None
    table = Table(title="What you value besides money (discounted average score)",
                  title_justify="left")
    table.add_column("option")
    for c in first["criteria"]:
        table.add_column(c, justify="right")
    for oid, o in result.options.items():
        table.add_row(oid, *(f"{o['criteria'][c]['mean']:.1f}" for c in first["criteria"]))
    return table


def print_run(result: RunResult) -> None:
    """The tables, then the verdict."""
    console.print(run_table(result))
    extra = criteria_table(result)
    if extra is not None:
        console.print(extra)
    console.print()
    for sentence in result.verdict:
        console.print(f"- {sentence}")
    for note in result.notes:
        console.print(f"  [dim]{note}[/dim]")
