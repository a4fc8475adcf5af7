"""What a run's money figures are, as data and as one sentence: the JSON's ``money``.

Every run says it, defaults included: a reader must never take a before-tax figure for
take-home pay, or nominal money for today's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crossroads.money.fx import describe_ppp, describe_reference

if TYPE_CHECKING:
    from crossroads.model.compile import Model


def describe_money(model: Model) -> dict[str, Any]:
    """The top-level ``money`` object of `run --json` (docs/money.md, docs/cli.md).

    ``tax`` maps each option to how its pay is taxed: ``none`` (before tax) or the tables
    and rates its roles use, joined with ``/`` when they differ.
    """
    spec = model.money
    cur = model.currency
    if spec is None:
        return {"currency": cur, "basis": "today's money", "inflation": None,
                "raises": "nominal", "after_tax": False, "tax": {}, "fx": None,
                "terminal": None, "sentence": _sentence(cur, None, False, {}, None, None)}
    taxes = {}
    for option, money in zip(model.options, spec.options, strict=True):
        labels = list(dict.fromkeys(r.tax.label if r.tax else "none" for r in money.roles))
        taxes[option.id] = " / ".join(labels)
    fx = None
    if spec.fx:
        fx = {"view": spec.fx_view,
              "rates": {c: {"rate": spec.fx_text[c], "source": spec.fx_source[c],
                            "for": "pay" if c in spec.paid_in else "tax thresholds"}
                        for c in sorted(spec.fx)},
              "reference": describe_reference()
              if "reference" in spec.fx_source.values() else None,
              "ppp_reference": describe_ppp()
              if "ppp-reference" in spec.fx_source.values() else None}
    terminal = None
    if spec.has_terminal:
        terminal = {"years": spec.terminal_years,
                    "growth": spec.terminal_growth.expr.source
                    if spec.terminal_growth is not None else None,
                    "per_role": any(r.terminal is not None
                                    for o in spec.options for r in o.roles)}
    inflation = None if spec.inflation is None else spec.inflation_text
    return {"currency": cur, "basis": "today's money", "inflation": inflation,
            "raises": "real" if spec.real else "nominal", "after_tax": spec.taxed,
            "tax": taxes, "fx": fx, "terminal": terminal,
            "sentence": _sentence(cur, inflation, spec.real, taxes, fx, terminal)}


def _sentence(cur: str, inflation: str | None, real: bool, taxes: dict[str, str],
              fx: dict[str, Any] | None, terminal: dict[str, Any] | None) -> str:
    """One line for the table's title: currency, tax, inflation, FX, terminal.

    >>> _sentence("USD", None, False, {}, None, None)
    "today's USD, before tax (no `tax:`), no inflation assumed (no `inflation:`)"
    """
    used = sorted({t for t in taxes.values() if t != "none"})
    if not used:
        tax = "before tax (no `tax:`)"
    elif all(t != "none" for t in taxes.values()):
        tax = "after tax (" + ", ".join(used) + ")"
    else:
        tax = "after tax where a `tax:` applies (" + ", ".join(used) + ")"
    if real:
        infl = "raises real (`raises: real`)"
    elif inflation is None:
        infl = "no inflation assumed (no `inflation:`)"
    else:
        infl = f"inflation {inflation} taken out of nominal raises"
    parts = [f"today's {cur}", tax, infl]
    if fx:
        ppp = " purchasing-power parities" if fx["view"] == "ppp" else ""
        for use, lead in (("pay", f"converted at{ppp} "),
                          ("tax thresholds", "tax brackets read in ")):
            rates = [_rate(c, cur, r, brackets=use != "pay")
                     for c, r in fx["rates"].items() if r["for"] == use]
            if rates:
                parts.append(lead + ", ".join(rates))
    if terminal:
        parts.append("value past the horizon counted apart from NPV")
    return ", ".join(parts)


def _rate(code: str, cur: str, r: dict[str, Any], *, brackets: bool) -> str:
    """``1 SGD = 0.74 USD (reference rate)``; for a tax table in another currency, the
    currency its brackets are read in: ``INR at 1 INR = 0.0121 USD (reference rate)``."""
    rate = r["rate"]
    text = f"1 {code} = {rate:.3g} {cur}" if isinstance(rate, float) else f"1 {code} = {rate} {cur}"
    source = {"reference": " (reference rate)",
              "ppp-reference": " (World Bank PPP 2023)"}.get(r["source"], "")
    return f"{code} at {text}{source}" if brackets else f"{text}{source}"
