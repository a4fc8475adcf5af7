"""The journal's plain sentences, each quoting a number from the review it sits in.

Years are counted as the decision file counts them: year 0 is the first year after the
decision (the year the run's first cash is paid), year 1 the second, and so on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from crossroads.format import pct

if TYPE_CHECKING:
    from crossroads.journal.calibrate import Entry

__all__ = ["entry_sentences", "ordinal", "pay_sentence", "role_sentences"]


def ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st...

    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 100)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '100th']
    """
    if 10 <= k % 100 <= 20:
        return f"{k}th"
    return f"{k}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th') }"


def pay_sentence(year: int, percentile: float) -> str:
    """Where a year's pay fell in its prediction, rounded to a whole percentile.

    >>> pay_sentence(2, 17.6)
    'your pay in year 2 was at the 18th percentile of what you predicted'
    >>> pay_sentence(0, 100.0)
    'your pay in year 0 was above every future you predicted'
    """
    if percentile <= 0:
        return f"your pay in year {year} was below every future you predicted"
    if percentile >= 100:
        return f"your pay in year {year} was above every future you predicted"
    whole = min(99, max(1, round(percentile)))
    return f"your pay in year {year} was at the {ordinal(whole)} percentile of what you predicted"


def role_sentences(year: int, reached: Mapping[str, Mapping[str, Any]],
                   labels: Mapping[str, str], start: str, held: str) -> list[str]:
    """For the role held, and for every role given even odds or better but not reached,
    the probability given to having reached it by that year.

    >>> role_sentences(3, {"eng": {"p": 1.0, "reached": True},
    ...                    "senior": {"p": 0.7, "reached": True}},
    ...                {"eng": "engineer", "senior": "senior"}, "eng", "senior")
    ['you gave 70% to being senior by year 3: you are']
    """
    out = []
    for role, row in reached.items():
        if role == start:
            continue
        name, p = labels.get(role, role), row["p"]
        if role == held:
            out.append(f"you gave {pct(p)} to being {name} by year {year}: you are")
        elif p >= 0.5 and not row["reached"]:
            out.append(f"you gave {pct(p)} to being {name} by year {year}: you are not")
    return out


def entry_sentences(entry: Entry, checks: Sequence[Mapping[str, Any]]) -> list[str]:
    """The sentences of one entry's check-ins, in year order."""
    pred = entry.prediction
    out = []
    for row in checks:
        if row["cash_percentile"] is not None:
            out.append(pay_sentence(row["year"], row["cash_percentile"]))
        if row["role"] is not None and row["p_reached"]:
            out += role_sentences(row["year"], row["p_reached"], pred.roles, pred.start,
                                  row["role"])
    return out
