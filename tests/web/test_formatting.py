"""The web app writes chances by the terminal's rule (crossroads.format.pct): a real chance
is never "0%" or "100%" on a page, it reads "under 1%" or "over 99%"."""

from __future__ import annotations

import pytest

from crossroads import format as words
from crossroads.web import formatting
from crossroads.web.app import _templates
from crossroads.web.dashboard import option_rows


@pytest.mark.parametrize(("p", "digits", "shown"), [
    (0.0009, 0, "under 1%"),      # the 0.09% that "0% ever" hid
    (0.0049, 0, "under 1%"),
    (0.0004, 1, "under 0.1%"),
    (0.9996, 0, "over 99%"),
    (0.0, 0, "0%"),              # no chance at all is still 0%
    (1.0, 0, "100%"),
    (0.49, 0, "49%"),
    (None, 0, "—"),
    (float("nan"), 0, "—"),
])
def test_pct_follows_the_terminal_rule(p: float | None, digits: int, shown: str) -> None:
    assert formatting.pct(p, digits) == shown
    if p is not None and p == p:
        assert formatting.pct(p, digits) == words.pct(p, digits)


def test_the_pages_pct_filter_is_the_rule() -> None:
    env = _templates().env
    assert env.from_string("{{ p | pct }}").render(p=0.0009) == "under 1%"


def test_the_options_table_never_rounds_a_chance_to_zero() -> None:
    # b is best in 0.04% of futures and breaks even in 0.5% within 10 years; a in 99.96%
    stats = {"mean": 1e6, "p5": 5e5, "p50": 1e6, "p95": 1.5e6}
    run = {"currency": "USD", "horizon": 10, "baseline": "a", "options": {
        "a": {"label": "A", "p_best": 0.9996, "break_even": None, "value": stats,
              "npv": stats},
        "b": {"label": "B", "p_best": 0.0004, "value": stats, "npv": stats,
              "break_even": {"p_within_horizon": 0.005, "median_year": None}}}}
    a, b = option_rows(run)
    assert a["p_best"] == "over 99%" and b["p_best"] == "under 1%"
    assert b["break_even"] == "under 1% within 10 y (median: never)"
