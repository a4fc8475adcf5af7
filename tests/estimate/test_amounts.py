"""Amounts as people write them: Indian numbering, grouped digits, bare percentages; and the
guard rails' rules on one estimate (crossroads.model.rails)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.estimate.dists import Z95, FlooredNormal, LogNormal
from crossroads.estimate.expr import ExprError, compile_estimate
from crossroads.estimate.lexer import as_percent, digit_groups, number_tokens
from crossroads.model.rails import KINDS, negative_share, problem


@pytest.mark.parametrize(("text", "value"), [
    ("40L", 4_000_000.0),
    ("40 lakh", 4_000_000.0),
    ("40lakh", 4_000_000.0),
    ("40 Lakhs", 4_000_000.0),
    ("5Lakh", 500_000.0),
    ("1.2Crore", 12_000_000.0),
    ("40 lac", 4_000_000.0),
    ("1.2Cr", 12_000_000.0),
    ("1.2 crore", 12_000_000.0),
    ("2 crores", 20_000_000.0),
    ("12.5L", 1_250_000.0),
    ("1_00L", 10_000_000.0),
    ("40L * 1.1", 4_400_000.0),
    ("-5 lakh", -500_000.0),
    ("160k", 160_000.0),        # the others are unchanged
    ("1.2M", 1_200_000.0),
])
def test_indian_numbering(text: str, value: float) -> None:
    assert compile_estimate(text).evaluate({}, []) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(("text", "lo", "hi"), [
    ("40L to 50L", 4e6, 5e6),
    ("40 to 50 lakh", 4e6, 5e6),            # the word scales both bounds, as people say it
    ("40 lakh to 50 lakh", 4e6, 5e6),
    ("1 to 1.5 crore", 1e7, 1.5e7),
    ("1.2Cr to 2Cr", 1.2e7, 2e7),
    ("40L to 1.2Cr", 4e6, 1.2e7),
])
def test_indian_ranges_are_90_percent_intervals(text: str, lo: float, hi: float) -> None:
    dist = compile_estimate(text).as_dist()
    assert dist == LogNormal.from_interval(lo, hi)


@pytest.mark.parametrize(("text", "message", "hint"), [
    ("40 to 50L", "`40 to 50L` is 40 to 5,000,000", "did you mean 40L to 50L?"),
    ("120 to 150k", "`120 to 150k` is 120 to 150,000", "did you mean 120k to 150k?"),
    ("1 to 2.5M", "`1 to 2.5M` is 1 to 2,500,000", "did you mean 1M to 2.5M?"),
    ("x * (40 to 50k)", "`40 to 50k` is 40 to 50,000", "did you mean 40k to 50k?"),
])
def test_a_suffix_on_one_bound_only_is_refused(text: str, message: str, hint: str) -> None:
    """A letter suffix scales only its own number; `40 to 50L` is nearly always `40L to
    50L` with the first suffix forgotten, so it is refused rather than read as written."""
    with pytest.raises(ExprError) as info:
        compile_estimate(text, known_names={"x"})
    assert info.value.message == message
    assert info.value.hint is not None and info.value.hint.startswith(hint)
    assert info.value.offset == text.index(message[1:3])


@pytest.mark.parametrize("text", ["0 to 50k", "500 to 1k", "-5 to 50k", "40k to 50k",
                                  "40L to 1.2Cr", "3 to 4"])
def test_ranges_whose_bounds_agree_are_kept(text: str) -> None:
    compile_estimate(text)


@pytest.mark.parametrize(("text", "offset", "words"), [
    ("40Lx", 3, "unexpected `x` after the number `40L`"),
    ("40 lakhs2", 3, "unexpected `l`"),
    ("1.2Crx", 5, "L or lakh (100,000), Cr or crore (10,000,000)"),
])
def test_bad_suffixes_point_at_the_first_wrong_character(text: str, offset: int,
                                                          words: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_estimate(text)
    assert info.value.offset == offset
    assert words in str(info.value)


def test_lakh_after_a_name_is_a_name() -> None:
    assert compile_estimate("x * lakh", known_names={"x", "lakh"}).names == {"x", "lakh"}


@pytest.mark.parametrize(("text", "grouped"), [
    ("180,000", ("180,000", 0, "180000 or 180k")),
    ("1,200,000", ("1,200,000", 0, "1200000 or 1.2M")),
    ("1,234,567", ("1,234,567", 0, "1234567")),
    ("40,00,000", ("40,00,000", 0, "4000000 or 40L")),
    ("1,20,00,000", ("1,20,00,000", 0, "12000000 or 1.2Cr")),
    ("x * 150,000", ("150,000", 4, "150000 or 150k")),
    ("max(1, 2)", None),
    ("1,5", None),
])
def test_digit_groups(text: str, grouped: tuple[str, int, str] | None) -> None:
    assert digit_groups(text) == grouped


@pytest.mark.parametrize(("text", "message", "offset"), [
    ("180,000", "`180,000`: a comma does not group digits in an estimate (write 180000 or "
     "180k)", 0),
    ("150,000 to 200,000", "`150,000`: a comma does not group digits", 0),
    ("1,5", "tuples are not allowed", 0),
])
def test_grouped_digits_are_an_error_that_says_how_to_write_them(text: str, message: str,
                                                                 offset: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_estimate(text)
    assert str(info.value).startswith(message) and info.value.offset == offset


@pytest.mark.parametrize(("text", "hint"), [
    ("60", "did you mean 60%?"),
    ("30 to 50", "did you mean 30% to 50%?"),
    ("150%", None),          # a percent sign: said on purpose, no guess
    ("1.5", "did you mean 1.5%?"),
])
def test_a_bare_probability_asks_did_you_mean(text: str, hint: str | None) -> None:
    with pytest.raises(ExprError) as info:
        compile_estimate(text, probability=True)
    assert info.value.hint == hint


def test_number_tokens_and_as_percent() -> None:
    assert [(t.start, t.end, t.unit) for t in number_tokens("3% to 40L + 2k")] == [
        (0, 2, "%"), (6, 9, "L"), (12, 14, "k")]
    assert number_tokens("3 to") == [] or number_tokens("3 to")[0].value == 3.0
    assert number_tokens("'unclosed") == []
    assert as_percent("normal(3, 1)") == "normal(3%, 1%)"
    assert as_percent("x") is None and as_percent("5k") is None
    assert as_percent("0.5 to 2", scale=100) == "50% to 200%"


def test_a_range_from_zero_is_floored_in_an_estimate() -> None:
    dist = compile_estimate("0 to 8k").as_dist()
    assert dist == FlooredNormal(4000.0, 8000.0 / (2 * Z95))
    values = compile_estimate("0 to 8k").evaluate({}, [np.linspace(0.001, 0.999, 999)])
    assert isinstance(values, np.ndarray) and values.min() == 0.0
    # closed form of E[max(0, X)], X ~ N(mu, sd): mu Phi(mu/sd) + sd phi(mu/sd)
    mu, sd = 4000.0, 8000.0 / (2 * Z95)
    t = mu / sd
    closed = mu * 0.5 * math.erfc(-t / math.sqrt(2)) + sd * math.exp(-t * t / 2) / math.sqrt(
        2 * math.pi)
    assert dist.mean() == pytest.approx(closed, rel=1e-12)
    assert dist.mean() == pytest.approx(4050.8, abs=0.1)


@pytest.mark.parametrize(("text", "share"), [
    ("-10k to 50k", 0.5 * math.erfc(20.0 / (60.0 / (2 * Z95)) / math.sqrt(2))),
    ("0 to 50k", 0.0),
    ("10k to 50k", 0.0),
    ("-5k", 1.0),
    ("x * 2", None),
])
def test_negative_share(text: str, share: float | None) -> None:
    got = negative_share(compile_estimate(text))
    assert got == share if share is None else got == pytest.approx(share, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.text(max_size=40) | st.floats(allow_nan=True) | st.integers())
def test_a_rail_never_raises(kind: str, value: object) -> None:
    """Whatever the text, a rail gives a Problem or None (what does not compile is the
    compiler's to report)."""
    got = problem(kind, "x", value)  # type: ignore[arg-type]
    assert got is None or got.message
