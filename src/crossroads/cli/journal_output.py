"""What `crossroads journal` prints in the terminal: Rich tables and the review's sentences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from crossroads.cli.common import console
from crossroads.format import money, pct
from crossroads.journal.sentences import ordinal, pay_sentence

if TYPE_CHECKING:
    from crossroads.store.journal import Record

#: Index of the 5th, 50th and 95th percentiles on the stored grid (levels 0, 0.5, ..., 100).
P5, P50, P95 = 10, 100, 190


def prediction_table(rec: Record) -> Table:
    """Year by year: the pay's median and 90% range, and the likeliest role."""
    pred, cur = rec.prediction, rec.currency
    table = Table(title=f"{pred.label}: what you predict", title_justify="left")
    for name in ("year", "pay, median", "90% of futures", "likeliest role"):
        table.add_column(name, justify="left" if name == "likeliest role" else "right")
    for y in pred.years:
        role = max(y.p_hold, key=lambda r: y.p_hold[r])
        table.add_row(str(y.year), money(y.pay[P50], cur),
                      f"{money(y.pay[P5], cur)}–{money(y.pay[P95], cur)}",
                      f"{escape(pred.roles[role])} ({pct(y.p_hold[role])})")
    return table


def print_recorded(entry_id: int, rec: Record) -> None:
    console.print(prediction_table(rec))
    if rec.prediction.money:
        console.print(f"pay in {rec.prediction.money}", markup=False, soft_wrap=True)
    console.print(f"recorded journal entry {entry_id}: {escape(rec.prediction.option)}, "
                  f"{rec.summary['samples']:,} draws, seed {rec.seed}. Check in each year: "
                  f"crossroads journal checkin {entry_id} --year 0 --cash ... --role ...",
                  soft_wrap=True)


def print_checkin(entry_id: int, row: Mapping[str, Any], rec: Record) -> None:
    pred = rec.prediction
    console.print(f"checked in: journal entry {entry_id}, year {row['year']}", markup=False)
    if row["cash_percentile"] is not None:
        console.print("- " + pay_sentence(row["year"], row["cash_percentile"]), markup=False)
    if row["p_role"] is not None:
        name = pred.roles[row["role"]]
        console.print(f"- you gave {pct(row['p_role'])} to holding {name} in year "
                      f"{row['year']}", markup=False)
    for c, s in row["scores"].items():
        if s["percentile"] is not None:
            at = ordinal(min(99, max(1, round(s["percentile"]))))
            console.print(f"- {c} {s['value']:g}: at the {at} percentile of what you "
                          "predicted", markup=False)


def print_review(data: Mapping[str, Any]) -> None:
    for e in data["entries"]:
        basis = f"\npay in {e['money']}" if e.get("money") else ""
        table = Table(title=f"entry {e['id']}: {escape(e['label'])} (recorded "
                      f"{e['recorded']}){escape(basis)}", title_justify="left")
        for name in ("year", "cash", "percentile", "role", "P(role)"):
            table.add_column(name, justify="left" if name == "role" else "right")
        for c in e["checkins"]:
            table.add_row(
                str(c["year"]), "" if c["cash"] is None else
                money(c["cash"], e["currency"]) + (" before tax" if c.get("pre_tax") else ""),
                "" if c["cash_percentile"] is None else f"{c['cash_percentile']:.1f}",
                escape(c["role"] or ""), "" if c["p_role"] is None else pct(c["p_role"]))
        console.print(table)
    cal = data["calibration"]
    console.print(f"calibration over {len(cal['pit'])} pay check-ins: PIT histogram (tenths) "
                  f"{cal['pit_histogram']['counts']}", markup=False)
    if cal["brier"] is not None:
        console.print(f"Brier score of the role probabilities: {cal['brier']:.3f} over "
                      f"{cal['brier_checkins']} check-ins (0 is perfect)", markup=False)
    for sentence in cal["sentences"]:
        console.print(f"- {sentence}", markup=False)


def print_redecide(data: Mapping[str, Any], currency: str) -> None:
    years = f"{data['tenure']} year{'' if data['tenure'] == 1 else 's'}"
    table = Table(title=f"from year {data['from_year']}: {data['years_left']} years left, "
                  f"{escape(data['role_label'])} for {years} at "
                  f"{money(data['pay'], currency)}", title_justify="left")
    table.add_column("option")
    table.add_column("value", justify="right")
    table.add_column("vs staying", justify="right")
    table.add_column("P(better)", justify="right")
    table.add_row(escape(data["stay_label"]) + " (stay)",
                  money(data["stay_value_mean"], currency), "", "")
    for row in data["options"].values():
        table.add_row(escape(row["label"]), money(row["value_mean"], currency),
                      money(row["gap_mean"], currency), pct(row["p_better"]))
    console.print(table)
    console.print(data["sentence"], markup=False, soft_wrap=True)
