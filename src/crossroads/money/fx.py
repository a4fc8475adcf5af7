"""Exchange rates: the shipped, dated reference rates behind a currency with no ``fx:``.

The reference is one published table (crossroads/data/fx_reference_2023.toml: the Federal
Reserve's G.5A annual averages for 2023, with its source and licence). A rate is the
decision currency's units per one unit of another, so ``amount x rate`` converts. A file's
own ``fx:`` rate, which may be uncertain (``0.72 to 0.78``), always wins over it.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

REFERENCE_FILE = "fx_reference_2023.toml"


@functools.lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """The shipped reference table as parsed (date, source, licence, rates)."""
    text = resources.files("crossroads.data").joinpath(REFERENCE_FILE).read_text("utf-8")
    return tomllib.loads(text)


def usd_per(currency: str) -> float | None:
    """US dollars per one unit of ``currency`` in the reference, or None if it has none.

    >>> usd_per("GBP"), round(usd_per("INR") * 82.5708, 12)
    (1.244, 1.0)
    """
    ref = reference()
    if currency in ref["usd_per"]:
        return float(ref["usd_per"][currency])
    if currency in ref["per_usd"]:
        return 1.0 / float(ref["per_usd"][currency])
    return None


def reference_rate(currency: str, into: str) -> float | None:
    """Units of ``into`` per one unit of ``currency`` by the reference, or None.

    >>> round(reference_rate("SGD", "USD"), 4)
    0.7447
    """
    a, b = usd_per(currency), usd_per(into)
    if a is None or b is None:
        return None
    return a / b


def describe_reference() -> str:
    """One line naming the reference rates' date and source, for the output."""
    ref = reference()
    return f"reference rates: {ref['date']}, Federal Reserve G.5A (published {ref['published']})"
