"""Numbers as words, written once: money, percentages, chances, "top x%".

Every place that shows a number to a person (the verdict, the report, the terminal
tables, the notebook, the journal, the web app) formats money with :func:`money` (short:
``$1.82M``) or :func:`money_exact` (whole: ``$12,000``), a chance with :func:`pct`, and
takes its words for a chance from :data:`CHANCE_WORDS`, the table printed in
docs/glossary.md ("Words for chances"); a test checks that the two agree. A real chance
is never rounded to "0%" or "100%": it reads "under 1%" or "over 99%".
"""

from __future__ import annotations

import math

#: Upper bound (exclusive) of each band of chance and its word; docs/glossary.md prints it.
CHANCE_WORDS: tuple[tuple[float, str], ...] = (
    (0.01, "almost never"),
    (0.10, "rarely"),
    (0.40, "sometimes"),
    (0.60, "about half the time"),
    (0.90, "usually"),
    (0.99, "almost always"),
    (math.inf, "all but certainly"),
)


def chance_word(p: float) -> str:
    """The word for a chance ``p`` (0..1), from :data:`CHANCE_WORDS`; exactly 0 and 1 (no
    simulated future, or every one) are "never" and "always": "almost never (0%)" would
    say two things at once.

    >>> chance_word(0.0009), chance_word(0.07), chance_word(0.49), chance_word(0.84)
    ('almost never', 'rarely', 'about half the time', 'usually')
    >>> chance_word(0.0), chance_word(1.0)
    ('never', 'always')
    """
    if p <= 0.0:
        return "never"
    if p >= 1.0:
        return "always"
    for bound, word in CHANCE_WORDS:
        if p < bound:
            return word
    return CHANCE_WORDS[-1][1]


def pct(p: float, digits: int = 0) -> str:
    """A chance as a percentage that never rounds a real chance to 0% or 100%.

    >>> pct(0.0009), pct(0.0), pct(0.4949), pct(0.9996), pct(0.0123, 1)
    ('under 1%', '0%', '49%', 'over 99%', '1.2%')
    """
    floor = 10.0 ** -(digits + 2)         # 1% at whole percents, 0.1% at one digit
    if 0 < p < floor:
        return f"under {100 * floor:.{digits}f}%"
    if 1 - floor < p < 1:
        return f"over {100 - 100 * floor:.{digits}f}%"
    return f"{100 * p:.{digits}f}%"


def money(x: float, currency: str = "USD") -> str:
    """Short money text: $1.23M, $340k, -$45.3k.

    >>> money(1_234_567.0), money(-45_300.0), money(999.0, "EUR")
    ('$1.23M', '-$45.3k', '999 EUR')
    """
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x >= 1e6:
        body = f"{x / 1e6:.3g}M"
    elif x >= 1e3:
        body = f"{x / 1e3:.3g}k"
    else:
        body = f"{x:.0f}"
    return f"{sign}${body}" if currency == "USD" else f"{sign}{body} {currency}"


def money_exact(x: float, currency: str = "USD") -> str:
    """A whole-number amount with its currency: "$12,000", "-$500", "12,000 EUR".

    >>> money_exact(-1234.6), money_exact(5e6, "EUR"), money_exact(-0.4)
    ('-$1,235', '5,000,000 EUR', '$0')
    """
    sign = "-" if round(x) < 0 else ""
    body = f"{abs(x):,.0f}"
    return f"{sign}${body}" if currency == "USD" else f"{sign}{body} {currency}"


def top_share(score: float, scale: tuple[float, float] = (0.0, 100.0)) -> str:
    """A rank score (100 = ahead of everyone) as the share of peers at or above you.

    >>> top_share(88.6), top_share(99.95)
    ('top 11%', 'top 0.05%')
    """
    share = 100.0 * (scale[1] - score) / (scale[1] - scale[0])
    return f"top {share:.0f}%" if share >= 1 else f"top {share:.2g}%"
