"""Exchange rates: the shipped, dated reference rates behind a currency with no ``fx:``.

The reference is one published table (crossroads/data/fx_reference_2023.toml: the Federal
Reserve's G.5A annual averages for 2023, with its source and licence). A rate is the
decision currency's units per one unit of another, so ``amount x rate`` converts. A file's
own ``fx:`` rate, which may be uncertain (``0.72 to 0.78``), always wins over it.

Under ``fx_view: ppp`` the default is instead a purchasing-power parity from the World
Bank's PPP conversion factors for 2023 (crossroads/data/ppp_worldbank_2023.toml, CC BY
4.0): what the pay buys where it is spent, not what it fetches at a bank.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

REFERENCE_FILE = "fx_reference_2023.toml"
PPP_FILE = "ppp_worldbank_2023.toml"


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


@functools.lru_cache(maxsize=1)
def ppp_reference() -> dict[str, Any]:
    """The shipped World Bank PPP table as parsed (indicator, year, licence, factors)."""
    text = resources.files("crossroads.data").joinpath(PPP_FILE).read_text("utf-8")
    return tomllib.loads(text)


def ppp_factor(currency: str) -> float | None:
    """``currency`` units per international dollar (World Bank, 2023), or None if not shipped.

    >>> ppp_factor("USD"), ppp_factor("INR")
    (1.0, 20.2025584710366)
    """
    row = ppp_reference()["factors"].get(currency)
    return None if row is None else float(row["factor"])


def ppp_rate(currency: str, into: str) -> float | None:
    """Units of ``into`` per one unit of ``currency`` at purchasing-power parity, or None.

    Both factors count local units per international dollar, so one unit of ``currency``
    is 1/factor(currency) international dollars, which buy what factor(into)/factor(currency)
    units of ``into`` buy at home.

    >>> round(ppp_rate("INR", "USD") * 20.2025584710366, 12)
    1.0
    """
    a, b = ppp_factor(currency), ppp_factor(into)
    if a is None or b is None:
        return None
    return b / a


def describe_ppp() -> str:
    """One line naming the shipped parities' source, year and licence, for the output."""
    ref = ppp_reference()
    return (f"purchasing-power parities: {ref['source']}, {ref['indicator_name']} "
            f"({ref['indicator']}), {ref['year']}, {ref['licence']}")
