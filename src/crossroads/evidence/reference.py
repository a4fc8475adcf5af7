"""An option's pay set against its market reference class.

Pure: the caller passes the salaries that match the option's `reference:`; this says where
the option's first-year pay falls among them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.evidence.market import MarketSummary
from crossroads.format import money


def compare(label: str, pay: float, salaries: FloatArray, summary: MarketSummary
            ) -> dict[str, Any]:
    """Where ``pay`` sits among ``salaries``: its percentile, plus the summary and a sentence.

    >>> from crossroads.evidence.market import MarketQuery
    >>> s = MarketSummary(MarketQuery(level="SE"), 4, 25.0, 12.0, 38.0)
    >>> compare("Lead", 30.0, np.array([10.0, 20.0, 30.0, 40.0]), s)["percentile"]
    75.0
    """
    percentile = float(100.0 * np.mean(salaries <= pay)) if salaries.size else float("nan")
    sentence = (
        f"{label}'s first-year base pay ({money(pay)}) sits at the "
        f"{ordinal(round(percentile))} "
        f"percentile of {summary.n:,} salaries for {summary.query.describe()} "
        f"(median {money(summary.median)}; aijobs.net, base pay only)."
    )
    return {**summary.to_dict(), "pay": pay, "percentile": percentile, "sentence": sentence}


def ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 62nd.

    >>> [ordinal(k) for k in (1, 2, 3, 11, 12, 13, 21, 62, 100)]
    ['1st', '2nd', '3rd', '11th', '12th', '13th', '21st', '62nd', '100th']
    """
    if 10 <= k % 100 <= 20:
        return f"{k}th"
    return f"{k}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"
