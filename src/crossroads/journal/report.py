"""The report's journal section: the check-ins of the entries recorded for this decision.

An entry belongs to a decision when it was recorded from a file with the same
``decision:`` title (the text may have changed since: a file is edited as you learn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crossroads.format import money, pct
from crossroads.journal.calibrate import Entry, review

__all__ = ["report_data", "report_rows"]

COLUMNS = ("entry", "option", "year", "pay", "percentile", "role", "P(role)")
NUMERIC = (0, 2, 3, 4, 6)


def report_data(entries: Sequence[Entry], title: str) -> dict[str, Any] | None:
    """The review of the entries recorded for the decision titled ``title``; None if none."""
    mine = [e for e in entries if e.title == title]
    return review(mine) if mine else None


def report_rows(data: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """One row of text per check-in, for the report's table (:data:`COLUMNS`).

    >>> report_rows({"entries": [{"id": 1, "label": "A", "currency": "USD", "checkins": [
    ...     {"year": 2, "cash": 47000.0, "cash_percentile": 32.61, "role": "eng",
    ...      "p_role": 0.5254}]}]})
    [('1', 'A', '2', '$47k', '32.6', 'eng', '53%')]
    """
    rows: list[tuple[str, ...]] = []
    for e in data["entries"]:
        for c in e["checkins"]:
            rows.append((
                str(e["id"]), str(e["label"]), str(c["year"]),
                "" if c["cash"] is None else money(c["cash"], e["currency"]),
                "" if c["cash_percentile"] is None else f"{c['cash_percentile']:.1f}",
                c["role"] or "", "" if c["p_role"] is None else pct(c["p_role"])))
    return rows
