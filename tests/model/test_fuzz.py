"""Any input gives a Model or a DecisionError, never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crossroads
from crossroads.errors import DecisionError

FOUNDING = (Path(__file__).resolve().parents[2] / "examples" / "why-i-quit-data-science.yaml"
            ).read_text()
LINES = FOUNDING.splitlines(keepends=True)
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
# Each mutation compiles the whole founding case; fewer examples keep the suite quick.
WHOLE_FILE = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow])


def loads_or_fails_cleanly(text: str) -> None:
    try:
        crossroads.load(text)
    except DecisionError as err:
        assert err.line >= 1 and err.column >= 1
        # one-line text ending in .yaml/.yml is taken for a path
        assert err.source in {"<string>", text}


@FAST
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    loads_or_fails_cleanly(text)


@FAST
@given(st.lists(st.sampled_from(["decision: x\n", "options:\n", "  a:\n", "    roles:\n",
                                 "      r: {cash: 1}\n", "horizon: 3\n", "params:\n",
                                 "  p: 1 to 2\n", "  - [p, q, 0.5]\n", ":\n", "- \n",
                                 "\t\n", "'\n", "{\n", "      r: {cash: p * (\n"]),
                max_size=12))
def test_random_yaml_shapes(lines: list[str]) -> None:
    loads_or_fails_cleanly("".join(lines))


@WHOLE_FILE
@given(st.integers(0, len(LINES) - 1), st.integers(0, 200), st.text(max_size=8))
def test_mutations_of_the_founding_case(line: int, at: int, insert: str) -> None:
    mutated = LINES.copy()
    text = mutated[line]
    cut = min(at, len(text))
    mutated[line] = text[:cut] + insert + text[cut + len(insert):]
    loads_or_fails_cleanly("".join(mutated))


@WHOLE_FILE
@given(st.integers(0, len(LINES) - 1), st.integers(0, len(LINES) - 1))
def test_deleted_or_swapped_lines(a: int, b: int) -> None:
    swapped = LINES.copy()
    swapped[a], swapped[b] = swapped[b], swapped[a]
    loads_or_fails_cleanly("".join(swapped))
    loads_or_fails_cleanly("".join(LINES[:a] + LINES[a + 1:]))


@FAST
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    from crossroads.model.parse import parse_decision

    try:
        parse_decision(data, "f.yaml")
    except DecisionError:
        pass


#: Pieces of what the guard rails read: numbers with and without units, grouped digits,
#: tabs, rates, scores, moves, money keys.
RAIL_PIECES = ["decision: x\n", "options:\n", "  a:\n", "    roles:\n", "      r:\n",
               "        cash: ", "        raise: ", "        bonus: ", "        mentor: ",
               "        criteria: {fun: ", "        next: [{to: r, after: ", ", per_year: ",
               "criteria:\n  fun: {default: ", "discount: ", "inflation: ", "tax: ",
               "params:\n  p: ", "5", "4 to 6", "180,000", "40,00,000", "40L", "40 to 50 lakh",
               "1.2 crore", "0 to 8k", "-10k to 50k", "40 to 50k", "70", "-2", "0", "60",
               "pert(2, 5, 11)", "p", "%", "}", "]", "}]", "\t", "\n", ", ", "{cash: 1,80,000}"]


@FAST
@given(st.lists(st.sampled_from(RAIL_PIECES), max_size=24))
def test_the_guard_rails_fail_cleanly(pieces: list[str]) -> None:
    loads_or_fails_cleanly("".join(pieces))
