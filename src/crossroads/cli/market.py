"""`crossroads market`: what the shipped salary data says for a title, level and country.

    crossroads market --title "Data Scientist" --level SE --country US [--since 2023] [--json]

Prints n, median, p10 and p90 of salary_in_usd (all years unless ``--since``), with a
warning when few rows match or the country is thin in this mostly-US data set. ``--json``
prints ``{"n", "median", "p10", "p90", "currency": "USD", "query", "warnings"}``.
An unknown level, country code or family is a usage error (exit 2); a query that
matches nothing exits 1 naming the filter that emptied it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from crossroads.cli.common import console, flag
from crossroads.cli.options import JsonOpt, print_json

if TYPE_CHECKING:
    from crossroads.evidence.market import MarketSummary


def market_command(
    title: Annotated[str | None, typer.Option(
        "--title", help="job_title, matched exactly but ignoring case.",
        show_default=False)] = None,
    level: Annotated[str | None, typer.Option(
        "--level", help="Experience level: EN, MI, SE or EX.", show_default=False)] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO code of the employee's residence, e.g. US, SG.",
        show_default=False)] = None,
    since: Annotated[int | None, typer.Option(
        "--since", help="Only work_year >= this year.", show_default=False)] = None,
    family: Annotated[str | None, typer.Option(
        "--family", help="Job family (see docs/evidence.md): data-scientist, ml-engineer, "
        "data-engineer, data-analyst, research-scientist, software-platform, lead-manager, "
        "product, other.", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Salaries in the shipped aijobs.net data set (CC0): n, median, p10, p90 in USD."""
    from crossroads.errors import UsageError
    from crossroads.evidence.market import MarketQuery, market_summary

    try:
        query = MarketQuery(title=title, level=level, country=country, since=since,
                            family=family)
    except UsageError as exc:  # a filter's syntax: a usage error, like a bad option (exit 2)
        raise typer.BadParameter(str(exc), param_hint=flag(exc.argument)) from None
    summary = market_summary(query)  # nothing matches: one line and exit 1 (cli/common.py)
    if as_json:
        print_json(summary.to_dict())
        return
    _print_summary(summary)


def _print_summary(summary: MarketSummary) -> None:
    from rich.table import Table

    from crossroads.format import money_exact

    table = Table("n", "p10", "median", "p90",
                  title=f"salary_in_usd, {summary.query.describe()}")
    table.add_row(f"{summary.n:,}", *(money_exact(v) for v in
                                     (summary.p10, summary.median, summary.p90)))
    console.print(table)
    for warning in summary.warnings:
        console.print(f"warning: {warning}", markup=False, style="yellow")
    console.print("base salary only (no equity or bonus), self-reported; source "
                  "aijobs.net/salaries (CC0)", markup=False, style="dim")


__all__ = ["market_command"]
