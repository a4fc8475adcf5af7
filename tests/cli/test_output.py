"""The run's terminal tables: option labels, scales in headers, ranks as "top x%", and
nothing cut at 80 columns."""

from __future__ import annotations

from rich.console import Console

import crossroads
from crossroads.cli.output import criteria_tables, run_table
from tests.conftest import decision_text

TEXT = decision_text("""
stay:
  label: Stay at the bank
  roles: {r: {cash: 100, criteria: {fun: 3, commute_hours: 9, mentorship_from_seniors: 2}}}
go:
  label: Go to the charity
  roles: {r: {cash: 90, criteria: {fun: 8, commute_hours: 2, mentorship_from_seniors: 7,
                                     rank: 95}}}
""", extra="""criteria:
  fun: {label: enjoyment and novelty}
  commute_hours: {scale: [0, 15], better: lower}
  mentorship_from_seniors: {label: learning from senior people}
  rank: {scale: [0, 100], default: 100 * (1 - intersection())}
skills:
  ml: {now: 50%}
""")


def render(table: object) -> str:
    console = Console(width=80, record=True, color_system=None)
    console.print(table)
    return console.export_text()


def test_the_criteria_tables_use_labels_scales_and_top_x_percent() -> None:
    result = crossroads.run(crossroads.load(TEXT), samples=200)
    text = "\n".join(render(t) for t in criteria_tables(result))
    assert "Stay at the bank" in text and "stay " not in text
    assert "(0-10)" in text and "(0-15, lower is" in text and "better)" in text
    assert "(rank: top % of" in text and "top 5%" in text
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_the_run_table_keeps_every_header_and_range_whole_at_80_columns() -> None:
    result = crossroads.run(crossroads.load(TEXT), samples=200)
    text = render(run_table(result))
    assert "…" not in text
    for header in ("value", "90% range", "NPV cash", "P(best)", "breaks even"):
        assert header in text


def test_taxed_money_goes_to_its_own_table_and_nothing_is_cut_at_80_columns() -> None:
    from crossroads.cli.output import money_table

    text = TEXT.replace("options:", "tax: 30%\nterminal: {years: 2}\noptions:")
    result = crossroads.run(crossroads.load(text), samples=200)
    main, money = render(run_table(result)), render(money_table(result))
    assert "NPV cash" not in main and "value: means" in main
    for header in ("NPV cash after tax", "before tax", "past the horizon"):
        assert header in money
    # discount 0, 3 years: 100 a year is 300 before tax and 210 after a flat 30%
    assert "$300" in money and "$210" in money
    assert "…" not in main + money
    assert all(len(line) <= 80 for line in (main + money).splitlines())
    assert money_table(crossroads.run(crossroads.load(TEXT), samples=200)) is None
