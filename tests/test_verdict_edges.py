"""The verdict's edges: the currency in every number, the choice among several criteria,
the thresholds, labels and the worth as the file states it.

Each case is worked by hand (the closed form in a comment); most are deterministic, so a
sentence is compared whole. Written from the survivors of a mutation run on the verdict
(docs/testing.md): each test fails on a small wrong change that every other test let
through.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

import crossroads
from crossroads.format import money, pct
from crossroads.results import RunResult
from crossroads.verdict import write_verdict
from tests.conftest import decision_text


def run(body: str, *, extra: str = "", samples: int = 4000) -> RunResult:
    """A 3-year decision with no discount, so a cash of c a year is 3c of NPV."""
    text = decision_text(body, extra=extra).replace("samples: 2000", f"samples: {samples}")
    return crossroads.run(crossroads.load(text))


def said(result: RunResult, words: str) -> list[str]:
    return [s for s in result.verdict if words in s]


def lead_and_runner_up(r: RunResult, lead: str, second: str, cur: str = "USD") -> list[str]:
    """The first two sentences, from the result's own numbers (checked elsewhere)."""
    o, s = r.options[lead], r.options[second]
    v = o["value"]
    gap = v["mean"] - s["value"]["mean"]
    return [f"Over 3 years, {o['label']} leads on expected value: {money(v['mean'], cur)}, "
            f"counting what you value besides money (90% range of futures "
            f"{money(v['p5'], cur)} to {money(v['p95'], cur)}; sampling error of the mean ± "
            f"{money(o['mcse']['value_mean'], cur)}).",
            f"It is the best option in {pct(o['p_best'])} of {r.samples:,} simulated futures "
            f"(always; sampling error ± 0.0%); the runner-up, {s['label']}, is best in 0% "
            f"and trails by {money(gap, cur)} on average."]


# -- every number in the run's currency ---------------------------------------------------

EUR_BODY = """
a: {roles: {r: {cash: 110, criteria: {fun: 2}}}}
b: {roles: {r: {cash: 100, criteria: {fun: 4}}}}
c: {roles: {r: {cash: 50, criteria: {fun: 0}}}}
"""
EUR_EXTRA = ("currency: EUR\nviews: [2]\n"
             "criteria:\n  fun: {label: fun at work, worth: 6 to 10}\n")


@pytest.fixture(scope="module")
def eur() -> RunResult:
    return run(EUR_BODY, extra=EUR_EXTRA)


def test_every_sentence_quotes_money_in_the_runs_currency(eur: RunResult) -> None:
    # W = the worth of fun, 6 to 10 EUR a point-year. value: a 330 + 6W, b 300 + 12W,
    # c 150; b leads while W > 5 (300 + 12W = 330 + 6W), nearly always. NPV: a 330,
    # b 300, c 150 (cash alone: a). Over 2 years b has 200 + 8W, a 220 + 4W.
    o = eur.options
    w = (o["b"]["value"]["mean"] - 300) / 12  # the mean worth the run drew
    assert 6 < w < 10
    assert o["a"]["value"]["mean"] == pytest.approx(330 + 6 * w, rel=1e-9)
    two = eur.views[2]["b"]["mean"]
    assert two == pytest.approx(200 + 8 * w, rel=1e-9)
    assert eur.verdict[0] == lead_and_runner_up(eur, "b", "a", "EUR")[0]
    assert eur.verdict[1].endswith(
        f"the runner-up, a, is best in {pct(o['a']['p_best'])} and trails by "
        f"{money(6 * w - 30, 'EUR')} on average.")
    assert ("b leads only while a point-year of fun at work is worth at least 5 EUR (you said "
            "6 EUR to 10 EUR); below that, a would.") in eur.verdict
    assert ("On cash alone a is ahead (330 EUR against 300 EUR in today's money): b leads "
            "because of what you said you value.") in eur.verdict
    # two alternatives against the baseline a, each in its own clause
    assert ("On cash against a: b never breaks even (0% within 3 years); c never breaks even "
            "(0% within 3 years).") in eur.verdict
    assert eur.verdict[-1] == (f"Over the first 2 years b leads ({money(two, 'EUR')} "
                               "expected value).")
    assert not [s for s in eur.verdict if "$" in s or "None" in s]


# -- which criterion the price sentence names ----------------------------------------------


def test_the_nearest_break_even_is_by_ratio_to_the_worth_you_gave() -> None:
    # a: cash 106, fun 2, joy 2; b: cash 100, fun 3, joy 3; fun worth 4, joy 1.
    # value a = 318 + 24 + 6 = 348, b = 300 + 36 + 9 = 345. Fun alone (joy kept at 1):
    # 324 + 6F = 309 + 9F at F = 5, 5/4 of what you said; joy alone (fun kept at 4):
    # 342 + 6J = 336 + 9J at J = 2, twice what you said. Fun is nearer (its product with
    # the worth, 20, is the larger: a ratio, not a product).
    r = run("""
    a: {roles: {r: {cash: 106, criteria: {fun: 2, joy: 2}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 3, joy: 3}}}}
    """, extra="criteria:\n  fun: {worth: 4}\n  joy: {worth: 1}\n")
    assert list(r.verdict) == [*lead_and_runner_up(r, "a", "b"),
                         "b would lead only if a point-year of fun were worth at least $5; "
                         "you said $4.",
                         "On cash against a: b never breaks even (0% within 3 years)."]
    assert r.options["a"]["value"]["mean"] == pytest.approx(348)
    assert r.options["b"]["value"]["mean"] == pytest.approx(345)


def test_two_criteria_equally_near_name_the_first_in_the_file() -> None:
    # a: cash 110, fun 2, joy 2; b: cash 100, fun 3, joy 3; both worth 4: each alone
    # breaks even at (330 + 24 - 300 - 36) / 3 = 6, equally near: fun comes first
    r = run("""
    a: {roles: {r: {cash: 110, criteria: {fun: 2, joy: 2}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 3, joy: 3}}}}
    """, extra="criteria:\n  fun: {worth: 4}\n  joy: {worth: 4}\n")
    assert "b would lead only if a point-year of fun were worth at least $6; you said $4." \
        in r.verdict


def test_an_unpriced_criterion_before_a_priced_one_is_passed_over() -> None:
    # joy has no worth and comes first; fun (2 to 6) breaks even at 30 / 6 = 5 as in
    # test_verdict.py: the price sentence still names fun
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {joy: 0, fun: 2}}}}
    b: {roles: {r: {cash: 90, criteria: {joy: 5, fun: 4}}}}
    """, extra="criteria:\n  joy: {}\n  fun: {worth: 2 to 6}\n")
    assert "b would lead only if a point-year of fun were worth at least $5; you said $2 to $6." \
        in r.verdict


def test_a_break_even_and_a_worth_under_one_still_make_a_price_sentence() -> None:
    # a: cash 100, fun 4; b: cash 98.4, fun 6; worth 0.6: value a = 300 + 7.2 = 307.2,
    # b = 295.2 + 10.8 = 306. Break-even 4.8 / 6 = 0.8 a point-year (both print as $1).
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 4}}}}
    b: {roles: {r: {cash: 98.4, criteria: {fun: 6}}}}
    """, extra="criteria:\n  fun: {worth: 0.6}\n")
    assert r.options["b"]["value"]["mean"] == pytest.approx(306)
    assert (f"b would lead only if a point-year of fun were worth at least {money(0.8)}; you "
            f"said {money(0.6)}.") in r.verdict


def test_a_worth_of_zero_gives_no_break_even_sentence() -> None:
    # fun worth 0: value is cash, a 300 against b 270; b would lead from a worth of 5, but
    # there is no ratio to a worth of zero, and a does not lead on fun: nothing is said
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 2}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 4}}}}
    """, extra="criteria:\n  fun: {worth: 0}\n")
    assert list(r.verdict) == [*lead_and_runner_up(r, "a", "b"),
                         "On cash against a: b never breaks even (0% within 3 years)."]


def test_criteria_both_options_score_alike_are_not_named() -> None:
    # fun 3 on both sides: the value lines are parallel, no worth changes the order
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 3}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 3}}}}
    """, extra="criteria:\n  fun: {worth: 2 to 6}\n")
    assert not said(r, "fun")


# -- "would stay ahead even if ... were worth nothing" ---------------------------------------


def test_staying_ahead_names_every_such_criterion_joined_by_or() -> None:
    # a has more cash (300 against 270) and more of fun and joy: no worth of either hands b
    # the lead, each on its own
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 4, joy: 4}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 2, joy: 2}}}}
    """, extra="criteria:\n  fun: {worth: 2 to 6}\n  joy: {worth: 2 to 6}\n")
    assert ("a would stay ahead of b even if fun or joy were worth nothing (each on its own, "
            "your other worths kept).") in r.verdict


def test_a_leader_tied_on_cash_stays_ahead_at_a_worth_of_zero() -> None:
    # equal cash (300 each), a has 24 more fun point-years at 4: the lines meet at a worth
    # of exactly 0, which is no price to name: a stays ahead, and no cash sentence (a tie)
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 4}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 2}}}}
    """, extra="criteria:\n  fun: {worth: 4}\n")
    assert "a would stay ahead of b even if fun were worth nothing." in r.verdict
    assert not said(r, "would lead only if")


def test_no_staying_ahead_on_an_unpriced_criterion() -> None:
    # a has more cash and more of the unpriced fun and joy; SMAA agrees: nothing but the
    # lead, the runner-up and the break-even
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {fun: 10, joy: 10}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 0, joy: 0}}}}
    """, extra="criteria:\n  fun: {}\n  joy: {}\n")
    assert list(r.verdict) == [*lead_and_runner_up(r, "a", "b"),
                         "On cash against a: b never breaks even (0% within 3 years)."]


# -- SMAA's weighing -------------------------------------------------------------------------

SCALE = "weights:\n  money_scale: [0, 1000]\n"  # money barely moves on this scale


def test_weighing_with_one_unpriced_criterion_says_has_and_a_worth_under_one() -> None:
    # b gives up 8 EUR a year (24 in all) for 10 points of fun a year (30 point-years): it
    # leads on value once a point-year of fun is worth 24 / 30 = 0.8 EUR. Money on a
    # 0-1000 scale moves by 0.024, fun by 1 on its 0-10 scale: SMAA puts b first.
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 0}}}}
    b: {roles: {r: {cash: 92, criteria: {fun: 10}}}}
    """, extra="currency: EUR\ncriteria:\n  fun: {}\n" + SCALE)
    assert r.weighted is not None and r.weighted["first"] == "b"
    (s,) = said(r, "SMAA")
    assert s.endswith("The difference is carried by `fun`, which has no worth in the file: b "
                      f"would lead on value if a point-year of fun were worth at least "
                      f"{money(0.8, 'EUR')}.")


def test_weighing_against_a_priced_criterion_with_a_break_even_under_one() -> None:
    # as above with fun priced at 0.6 EUR: a keeps the lead (300 against 276 + 18); b leads
    # on value from 0.8 EUR
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 0}}}}
    b: {roles: {r: {cash: 92, criteria: {fun: 10}}}}
    """, extra="currency: EUR\ncriteria:\n  fun: {worth: 0.6}\n" + SCALE)
    assert r.weighted is not None and r.weighted["first"] == "b"
    (s,) = said(r, "SMAA")
    assert s.endswith("but your worths disagree: it would lead on value only if a point-year "
                      f"of fun were worth at least {money(0.8, 'EUR')}; you said "
                      f"{money(0.6, 'EUR')}.")
    assert (f"b would lead only if a point-year of fun were worth at least {money(0.8, 'EUR')}; "
            f"you said {money(0.6, 'EUR')}.") in r.verdict


def test_weighing_equally_near_unpriced_criteria_keep_the_files_order() -> None:
    # joy and fun (in that order) each break even at 300 / 30 = 10
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {joy: 0, fun: 0}}}}
    b: {roles: {r: {cash: 100, criteria: {joy: 10, fun: 10}}}}
    """, extra="criteria:\n  joy: {}\n  fun: {}\n")
    (s,) = said(r, "SMAA")
    assert s.endswith("The difference is carried by `joy` and `fun`, which have no worth in "
                      "the file: b would lead on value if a point-year of joy were worth at "
                      "least $10.")


def test_weighing_names_at_most_two_unpriced_criteria() -> None:
    # break-evens: joy 300 / 30 = 10, fun 300 / 15 = 20, zest 300 / 12 = 25
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {joy: 0, fun: 0, zest: 0}}}}
    b: {roles: {r: {cash: 100, criteria: {joy: 10, fun: 5, zest: 4}}}}
    """, extra="criteria:\n  joy: {}\n  fun: {}\n  zest: {}\n")
    (s,) = said(r, "SMAA")
    assert "carried by `joy` and `fun`, which have no worth" in s and "zest" not in s


def test_weighing_leaves_out_a_criterion_the_value_leader_has_more_of() -> None:
    # a: cash 200, fun 1; b: cash 100, joy 10, zest 10; worths fun 1, joy 1, zest 1.
    # value a = 603, b = 360. b needs joy at (603 - 330) / 30 = 9.1 (zest kept at 1);
    # fun, which a has more of, has a negative break-even and is never the answer
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {fun: 1, joy: 0, zest: 0}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 0, joy: 10, zest: 10}}}}
    """, extra="criteria:\n  fun: {worth: 1}\n  joy: {worth: 1}\n  zest: {worth: 1}\n" + SCALE)
    assert r.weighted is not None and r.weighted["first"] == "b"
    (s,) = said(r, "SMAA")
    assert s.endswith("it would lead on value only if a point-year of joy were worth at least "
                      f"{money(9.1)}; you said $1.")


# -- cash alone: twice the sampling error of the difference ----------------------------------

CASH = """
a: {{roles: {{r: {{cash: 100 + x, criteria: {{fun: 5}}}}}}}}
b: {{roles: {{r: {{cash: {b} + x, criteria: {{fun: 0}}}}}}}}
"""


@pytest.mark.parametrize(("b_cash", "spoken"), [(101.1, False), (101.5, True)])
def test_cash_alone_needs_twice_the_combined_sampling_error(b_cash: float,
                                                             spoken: bool) -> None:
    # both pay x ~ uniform(0, 100) a year on top: the cash gap is exactly 3 (b - 100), and
    # each NPV's sampling error is 3 x 100 / sqrt(12) / sqrt(4000) = 1.369, so the
    # threshold is 2 sqrt(2) x 1.369 = 3.87. A gap of 3.3 is above twice one error (2.74)
    # but not above the threshold; 4.5 is above it but not above three times (5.81).
    r = run(CASH.format(b=b_cash),
            extra="params:\n  x: uniform(0, 100)\ncriteria:\n  fun: {worth: 10}\n")
    a, b = r.options["a"], r.options["b"]
    se = 3 * 100 / math.sqrt(12) / math.sqrt(4000)
    assert a["mcse"]["npv_mean"] == pytest.approx(se, rel=0.03)
    assert b["mcse"]["npv_mean"] == pytest.approx(se, rel=0.03)
    gap = b["npv"]["mean"] - a["npv"]["mean"]
    assert gap == pytest.approx(3 * (b_cash - 100), abs=1e-9)
    assert bool(said(r, "On cash alone")) is spoken
    if spoken:
        assert (f"On cash alone b is ahead ({money(b['npv']['mean'])} against "
                f"{money(a['npv']['mean'])} in today's money): a leads because of what you "
                "said you value.") in r.verdict


def test_no_cash_sentence_when_the_cash_is_equal_and_certain() -> None:
    # both pay 100 a year, no uncertainty: a gap of 0 against a sampling error of 0
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 2}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 4}}}}
    """, extra="criteria:\n  fun: {worth: 2 to 6}\n")
    assert r.leader() == "b"
    assert not said(r, "On cash alone")


# -- break-even words ------------------------------------------------------------------------


@pytest.mark.parametrize(("a_cash", "p", "words"), [
    # b pays x ~ uniform(0, 1000): ahead of a from the first year iff x > a's pay
    (300, 0.70, "b is ahead from the first year in half of futures"),
    (550, 0.45, "b breaks even about half the time"),
])
def test_break_even_names_the_median_year_or_says_about_half(a_cash: int, p: float,
                                                             words: str) -> None:
    r = run(f"""
    a: {{roles: {{r: {{cash: {a_cash}}}}}}}
    b: {{roles: {{r: {{cash: x}}}}}}
    """, extra="params:\n  x: uniform(0, 1000)\n", samples=20_000)
    got = r.options["b"]["break_even"]["p_within_horizon"]
    assert got == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 20_000))
    assert f"On cash against a: {words} ({pct(got)} within 3 years)." in r.verdict


# -- the input that matters ------------------------------------------------------------------


def test_the_input_named_is_the_one_with_the_largest_share() -> None:
    # gap = 400 + alpha + zeta: shares 100^2 / (100^2 + 30^2) = 0.917 and 0.083
    r = run("""
    a: {roles: {r: {cash: '500 + alpha + zeta'}}}
    b: {roles: {r: {cash: 100}}}
    """, extra="params:\n  alpha: uniform(0, 100)\n  zeta: uniform(0, 30)\n", samples=20_000)
    assert r.screen_share is not None
    assert r.screen_share["alpha"] == pytest.approx(100 / 109, abs=0.02)
    assert (f"`alpha` alone explains {pct(r.screen_share['alpha'])} of the variance of the "
            "gap between a and b; `crossroads voi` says what pinning it down is worth.") \
        in r.verdict


# -- labels and the worth as stated ----------------------------------------------------------


def test_a_criterion_is_named_by_its_label_and_k_worths_are_thousands() -> None:
    # a: 100k, fun 4; b: 90k, fun 6: b leads from a worth of 30k / 6 = 5k a point-year
    r = run("""
    a: {roles: {r: {cash: 100k, criteria: {fun: 4}}}}
    b: {roles: {r: {cash: 90k, criteria: {fun: 6}}}}
    """, extra="criteria:\n  fun: {label: fun at work, worth: 2.5k to 7.5k}\n")
    assert ("b would lead only if a point-year of fun at work were worth at least $5k; you "
            "said $2.5k to $7.5k.") in r.verdict


def test_m_worths_are_millions_and_digit_groups_are_read() -> None:
    # a: 10M, fun 4; b: 4M, fun 6: b leads from (30M - 12M) / 6 = 3M a point-year
    r = run("""
    a: {roles: {r: {cash: 10M, criteria: {fun: 4}}}}
    b: {roles: {r: {cash: 4M, criteria: {fun: 6}}}}
    """, extra="criteria:\n  fun: {worth: 1M to 2_000_000}\n")
    assert ("b would lead only if a point-year of fun were worth at least $3M; you said $1M to "
            "$2M.") in r.verdict


# -- the research sentence's threshold, on a finished run ------------------------------------


def finished(p_best: float) -> Any:
    """A finished two-option run with no criteria, no views and no screen: what
    :func:`write_verdict` reads of a :class:`RunResult`."""
    def option(label: str, mean: float, p: float) -> dict[str, Any]:
        return {"label": label, "value": {"mean": mean, "p5": mean, "p95": mean},
                "npv": {"mean": mean}, "p_best": p, "p_best_expected": 0.75,
                "mcse": {"value_mean": 1.0, "npv_mean": 1.0, "p_best": 0.001},
                "break_even": None}
    return SimpleNamespace(
        options={"a": option("a", 1000.0, p_best), "b": option("b", 900.0, 1 - p_best)},
        horizon=3, currency="USD", samples=100, baseline="a", criteria_points=None,
        weighted=None, views={}, screen_share=None)


@pytest.mark.parametrize(("p_best", "spoken"), [(0.99, False), (0.98, True)])
def test_research_is_not_spoken_of_once_the_leader_is_best_in_99_percent(
        p_best: float, spoken: bool) -> None:
    # 99 of 100 futures is "all but certain": the research-against-luck sentence is left out
    verdict = write_verdict(None, finished(p_best))  # type: ignore[arg-type]
    assert bool([s for s in verdict if s.startswith("If research")]) is spoken
