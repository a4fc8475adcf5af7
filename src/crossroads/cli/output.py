"""Rich tables for the terminal. Formatting is pure (``format_*``); printing is the edge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from crossroads.cli.common import console
from crossroads.verdict import money

if TYPE_CHECKING:
    from crossroads.run import RunResult


def run_table(result: RunResult) -> Table:
    """One row per option: value, NPV, criteria, P(best), break-even."""
    cur = result.currency
    table = Table(title=f"{result.title}  ({result.horizon} years, {result.samples:,} draws)",
                  title_justify="left")
    table.add_column("option")
    table.add_column("value (mean, 90%)", justify="right")
    table.add_column("NPV cash (mean, 90%)", justify="right")
    table.add_column("P(best)", justify="right")
    table.add_column("breaks even", justify="right")
    criteria = next(iter(result.options.values()))["criteria"]
    for c in criteria:
        table.add_column(c, justify="right")
    for oid, o in result.options.items():
        v, m = o["value"], o["npv"]
        be = o["break_even"]
        be_text = ("baseline" if oid == result.baseline else
                   f"yr {be['median_year']} ({be['p_within_horizon']:.0%})"
                   if be and be["median_year"] is not None else
                   f"rarely ({be['p_within_horizon']:.0%})" if be else "-")
        table.add_row(
            o["label"],
            f"{money(v['mean'], cur)}  [{money(v['p5'], cur)}, {money(v['p95'], cur)}]",
            f"{money(m['mean'], cur)}  [{money(m['p5'], cur)}, {money(m['p95'], cur)}]",
            f"{o['p_best']:.0%} ±{o['mcse']['p_best']:.1%}",
            be_text,
            *(f"{o['criteria'][c]['mean']:.1f}" for c in criteria),
        )
    return table


def print_run(result: RunResult) -> None:
    """The table, then the verdict."""
    console.print(run_table(result))
    console.print()
    for sentence in result.verdict:
        console.print(f"- {sentence}", soft_wrap=False)
