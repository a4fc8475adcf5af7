"""docs/glossary.md and crossroads.glossary / crossroads.format say the same thing."""

from __future__ import annotations

import math
import re
from pathlib import Path

from crossroads.format import CHANCE_WORDS, chance_word
from crossroads.glossary import TERMS, tip

PAGE = (Path(__file__).parents[1] / "docs" / "glossary.md").read_text()


def sections() -> dict[str, str]:
    """Each `## heading` and its first paragraph, joined into one line."""
    out = {}
    for block in re.split(r"^## ", PAGE, flags=re.M)[1:]:
        head, _, body = block.partition("\n")
        out[head.strip()] = " ".join(body.strip().split("\n\n")[0].split())
    return out


def test_every_term_is_on_the_page_word_for_word() -> None:
    page = sections()
    for term, text in TERMS.items():
        assert page.get(term) == text, term


def test_the_issue_terms_are_all_there() -> None:
    assert {"P(best)", "the 90% range", "sampling error", "EVPI", "EVPPI", "SMAA",
            "rank acceptability", "break-even", "regret"} <= set(TERMS)


def test_the_page_table_of_chance_words_is_the_one_the_code_uses() -> None:
    rows = re.findall(r"^\| ([\d.]+)% (?:to under ([\d.]+)%|or more) \| ([a-z ]+) \|$", PAGE,
                      flags=re.M)
    table = [(math.inf if not hi else float(hi) / 100, word) for _, hi, word in rows]
    assert table == list(CHANCE_WORDS)


def test_a_49_percent_chance_is_not_rare_and_under_one_percent_is_almost_never() -> None:
    assert chance_word(0.49) == "about half the time"
    assert chance_word(0.0009) == "almost never" and chance_word(0.09) == "rarely"


def test_table_headers_find_their_tooltips() -> None:
    assert tip("P(best)") == TERMS["P(best)"]
    assert tip("90% of futures") == TERMS["the 90% range"]
    assert tip("option") is None


def test_exactly_none_or_all_of_the_futures_is_never_or_always() -> None:
    assert chance_word(0.0) == "never" and chance_word(1.0) == "always"
    assert chance_word(1e-9) == "almost never" and chance_word(1 - 1e-9) == "all but certainly"
    assert '"never"' in PAGE and '"always"' in PAGE
