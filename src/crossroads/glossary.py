"""The glossary's plain-word texts: one source for docs/glossary.md, the report's tooltips
and the web app's.

``TERMS`` maps each term to the sentence or two docs/glossary.md prints under its heading;
a test reads the page and checks that every text here is there, word for word, and that
the page's table of words for chances is :data:`crossroads.format.CHANCE_WORDS`.
:func:`tip` finds the text for a table header such as "P(best)" or "90% of futures".
"""

from __future__ import annotations

TERMS: dict[str, str] = {
    "P(best)": (
        "The share of simulated futures in which this option ends up with the highest "
        "value. It mixes two things: what you do not know yet (research can narrow it) "
        "and luck (nothing can)."),
    "the 90% range": (
        "The middle 90% of simulated futures: one in twenty turns out worse than its low "
        "end and one in twenty better than its high end. It is how uncertain the outcome "
        "is, not how precise the computation is."),
    "sampling error": (
        "How much a number could move if the simulation were run again with other random "
        "draws (one standard error). It shrinks as draws grow; it says nothing about how "
        "uncertain your future is."),
    "value": (
        "Cash in today's money plus, for each criterion you gave a worth, that worth times "
        "the criterion's discounted yearly score."),
    "NPV": (
        "Net present value: the cash an option pays over the horizon, each year discounted "
        "to today's money."),
    "point-year": (
        "One point of a criterion's score held for one year. A worth is money per "
        "point-year: what one more point for one year is worth to you."),
    "EVPI": (
        "Expected value of perfect information: how much better, on average, you would "
        "choose if every uncertain input were known before choosing. An upper limit on "
        "what any research is worth."),
    "EVPPI": (
        "Expected value of partial perfect information: the same for one input (or one "
        "group) alone. A small EVPPI means finding it out would rarely change the choice."),
    "SMAA": (
        "Stochastic multicriteria acceptability analysis: instead of pricing what you "
        "value, it tries every way of weighing money against your criteria and counts how "
        "often each option comes first."),
    "rank acceptability": (
        "In SMAA, the share of weightings and futures in which an option takes a given "
        "place; the first column is how often it comes first."),
    "break-even": (
        "The year an option's cumulative cash, in today's money, catches up with the "
        "baseline's. \"Under 1% within 10 years\" means it almost never catches up within "
        "the horizon."),
    "regret": (
        "In one future, how much value you give up by choosing this option instead of the "
        "one that turned out best. Its mean is the expected regret."),
}

#: Table headers and labels that carry a term's text as a tooltip.
_HEADERS: dict[str, str] = {
    "p(best)": "P(best)", "90% of futures": "the 90% range", "90% range": "the 90% range",
    "value": "value", "value (mean)": "value", "npv": "NPV", "npv cash": "NPV",
    "cash npv": "NPV", "cash (npv)": "NPV", "evpi": "EVPI", "evppi": "EVPPI",
    "smaa": "SMAA", "rank acceptability": "rank acceptability", "breaks even": "break-even",
    "break-even": "break-even", "break-even vs baseline": "break-even", "regret": "regret",
    "sampling error": "sampling error",
    "knowing it exactly": "EVPPI",
}


def tip(header: str) -> str | None:
    """The glossary text for a table header or label, or None.

    >>> tip("P(best)")[:30], tip("option")
    ('The share of simulated futures', None)
    """
    term = _HEADERS.get(header.strip().lower())
    return TERMS[term] if term else None
