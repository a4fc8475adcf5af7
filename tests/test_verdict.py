"""Every verdict sentence: one decision where it must appear with the right number, one
where it must not. The numbers are worked by hand (closed forms in the comments)."""

from __future__ import annotations

import pytest

import crossroads
from crossroads.format import money, pct
from crossroads.results import RunResult
from tests.conftest import decision_text


def run(body: str, *, extra: str = "", horizon: int = 3, samples: int = 4000) -> RunResult:
    text = decision_text(body, horizon=horizon, extra=extra).replace(
        "samples: 2000", f"samples: {samples}")
    return crossroads.run(crossroads.load(text))


def said(result: RunResult, words: str) -> list[str]:
    return [s for s in result.verdict if words in s]


def test_the_lead_names_the_90_percent_range_and_the_sampling_error() -> None:
    # value = 3 years x uniform(100, 200): mean 450, 90% range 3 x [105, 195]
    r = run("""
    a: {roles: {r: {cash: x}}}
    b: {roles: {r: {cash: 10}}}
    """, extra="params:\n  x: uniform(100, 200)\n")
    v, se = r.options["a"]["value"], r.options["a"]["mcse"]["value_mean"]
    assert v["p5"] == pytest.approx(315, abs=3) and v["p95"] == pytest.approx(585, abs=3)
    assert se == pytest.approx(3 * 100 / 12 ** 0.5 / 4000 ** 0.5, rel=0.05)
    (lead,) = said(r, "leads on expected value")
    assert (f"{money(v['mean'])}, counting what you value besides money (90% range of futures "
            f"{money(v['p5'])} to {money(v['p95'])}; sampling error of the mean ± "
            f"{money(se)})") in lead


def test_how_often_the_leader_is_best_and_the_runner_up() -> None:
    # a pays 100 a year, b 90: a is best in every future, b trails by 3 x 10
    r = run("""
    a: {roles: {r: {cash: 100}}}
    b: {roles: {r: {cash: 90}}}
    """)
    (s,) = said(r, "runner-up")
    assert s == ("It is the best option in 100% of 4,000 simulated futures (always; "
                 "sampling error ± 0.0%); the runner-up, b, is best in 0% and trails by $30 "
                 "on average.")
    assert not said(run("a: {roles: {r: {cash: 100}}}\n"), "runner-up")


@pytest.mark.parametrize(("a_cash", "p", "words"), [
    (995, 0.005, "almost never breaks even (under 1% within 3 years)"),
    (700, 0.30, "sometimes breaks even ("),
])
def test_break_even_uses_the_chance_words_and_never_rounds_to_zero(a_cash: int, p: float,
                                                                   words: str) -> None:
    # b pays x ~ uniform(0, 1000) a year: it catches up with a iff x > a's pay
    r = run(f"""
    a: {{roles: {{r: {{cash: {a_cash}}}}}}}
    b: {{roles: {{r: {{cash: x}}}}}}
    """, extra="params:\n  x: uniform(0, 1000)\n", samples=20_000)
    got = r.options["b"]["break_even"]["p_within_horizon"]
    assert got == pytest.approx(p, abs=0.01)
    (s,) = said(r, "On cash against a")
    assert words in s and f"({pct(got)} within 3 years)" in s
    assert "0% within" not in s or got == 0


PRICED = "criteria:\n  fun: {{worth: {worth}}}\n"


def test_the_runner_up_price_is_the_worth_where_the_two_value_lines_cross() -> None:
    # value_a = 3 (100 + 2 w), value_b = 3 (90 + 4 w): equal at w = 5; you said 2 to 6
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 2}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 4}}}}
    """, extra=PRICED.format(worth="2 to 6"))
    assert r.leader() == "a"
    assert "b would lead only if a point-year of fun were worth at least $5; you said $2 to $6." \
        in r.verdict


def test_no_price_sentence_when_no_worth_hands_the_runner_up_the_lead() -> None:
    # b has less cash and less fun: a stays ahead even at a worth of 0
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 4}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 2}}}}
    """, extra=PRICED.format(worth="2 to 6"))
    assert not said(r, "would lead only if")
    assert "a would stay ahead of b even if fun were worth nothing." in r.verdict


UNPRICED = "criteria:\n  fun: {}\n  joy: {}\n"


def test_weighing_names_the_unpriced_criteria_and_the_worth_that_would_flip_it() -> None:
    # money scaled over [300, 600] (pooled 5th-95th of two fixed NPVs): b first iff
    # w_fun + w_joy > w_money, 3/4 of the simplex. b gains 30 fun point-years for $300.
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {fun: 0, joy: 0}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 10, joy: 10}}}}
    """, extra=UNPRICED)
    assert r.weighted is not None and r.weighted["share"] == pytest.approx(0.75, abs=0.02)
    (s,) = said(r, "SMAA")
    share = r.weighted["shares"]
    assert (f"b comes first for {pct(share['b'])} of weightings, a for {pct(share['a'])}. "
            "The difference is carried by `fun` and `joy`, which have no worth in the file: "
            "b would lead on value if a point-year of fun were worth at least $10.") in s


def test_no_weighing_sentence_when_weighing_and_pricing_agree() -> None:
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {fun: 10, joy: 10}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 0, joy: 0}}}}
    """, extra=UNPRICED)
    assert r.weighted is not None and r.weighted["first"] == "a"
    assert not said(r, "SMAA")


def test_weighing_against_priced_criteria_quotes_the_worth_you_gave() -> None:
    # fun and joy priced at 0 to 2: SMAA puts b first for most weightings (as above), the
    # pricing does not. b leads on value once fun is worth (600 - (V_b - W_fun,b)) / 30,
    # W_fun,b = E[worth_fun x 30 point-years], the other worth kept; joy (27 point-years)
    # would need more, about (600 - 300 - 30) / 27 = $10.
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {fun: 0, joy: 0}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 10, joy: 9}}}}
    """, extra="criteria:\n  fun: {worth: 0 to 2}\n  joy: {worth: 0 to 2}\n")
    assert r.criteria_points is not None
    wp = r.criteria_points["fun"]["worth_points"]["b"]
    flip = (600 - (r.options["b"]["value"]["mean"] - wp)) / 30
    assert 8 < flip < 10
    (s,) = said(r, "SMAA")
    assert s.endswith("but your worths disagree: it would lead on value only if a point-year "
                      f"of fun were worth at least {money(flip)}; you said $0 to $2.")


@pytest.mark.parametrize(("luck", "share", "named"), [
    ("uniform(0, 100)", 0.5, True),    # Var(x) / (Var(x) + Var(luck)) = 1/2
    ("uniform(0, 1000)", 0.0099, False),  # 1 / 101: below the 10% that names an input
])
def test_an_input_is_named_only_when_it_explains_a_tenth_of_the_gap(luck: str, share: float,
                                                                     named: bool) -> None:
    r = run(f"""
    a: {{roles: {{r: {{cash: '500 + x + {luck}'}}}}}}
    b: {{roles: {{r: {{cash: 100}}}}}}
    """, extra="params:\n  x: uniform(0, 100)\n", samples=20_000)
    assert r.screen_share is not None
    assert r.screen_share["x"] == pytest.approx(share, abs=0.02)
    sentences = said(r, "`x` alone explains")
    assert bool(sentences) is named
    if named:
        assert f"explains {pct(r.screen_share['x'])} of the variance of the gap" in sentences[0]


def test_research_against_luck_quotes_p_best_expected() -> None:
    # b pays 50 + 2x + luck, a 100: E[b - a | x] > 0 iff x > 25, so 75% of cases
    r = run("""
    a: {roles: {r: {cash: 100}}}
    b: {roles: {r: {cash: '50 + 2 * x + uniform(-40, 40)'}}}
    """, extra="params:\n  x: uniform(0, 100)\n", samples=20_000)
    o = r.options["b"]
    assert o["p_best_expected"] == pytest.approx(0.75, abs=0.02)
    (s,) = said(r, "If research pinned down every uncertain input")
    assert f"b would be the better bet in {pct(o['p_best_expected'])} of cases (usually)" in s
    assert f"(in {pct(o['p_best'])} of futures) is also luck" in s
    certain = run("a: {roles: {r: {cash: 100}}}\nb: {roles: {r: {cash: 90}}}\n")
    assert not said(certain, "If research pinned down")


def test_cash_alone_is_said_only_beyond_its_sampling_error() -> None:
    ahead = run("""
    a: {roles: {r: {cash: 100, criteria: {fun: 5}}}}
    b: {roles: {r: {cash: 120, criteria: {fun: 0}}}}
    """, extra=PRICED.format(worth=10))
    assert ("On cash alone b is ahead ($360 against $300 in today's money): a leads because "
            "of what you said you value.") in ahead.verdict
    tied = run("""
    a: {roles: {r: {cash: 100 + x, criteria: {fun: 5}}}}
    b: {roles: {r: {cash: 100 + y, criteria: {fun: 0}}}}
    """, extra="params:\n  x: uniform(0, 1)\n  y: uniform(0, 1)\n"
         + PRICED.format(worth=10))
    assert not said(tied, "On cash alone")


def test_the_price_sentence_quotes_the_number_prices_gives(examples) -> None:
    from crossroads.api import prices

    model = crossroads.load(examples / "why-i-quit-data-science.yaml")
    r = crossroads.run(model, samples=20_000)
    (s,) = said(r, "would lead only if a point-year of")
    pairs = prices(model, samples=20_000).to_dict()["criteria"]
    quoted = {money(c["pairs"]["sabbatical"]["break_even_worth"]) for c in pairs.values()}
    assert any(f"worth at least {q};" in s for q in quoted)


LOWER = "criteria:\n  stress: {{worth: {worth}, better: lower}}\n"


def test_the_price_of_a_lower_is_better_criterion_is_per_point_year_less() -> None:
    # a worth is money per point-year less of stress: value_a = 3 (100 - 4 W),
    # value_b = 3 (90 - 2 W); a leads at W = 4 (the middle of 2 to 6), b from W = 5 on,
    # where b's 6 point-years less of stress pay for its $30 less cash
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {stress: 4}}}}
    b: {roles: {r: {cash: 90, criteria: {stress: 2}}}}
    """, extra=LOWER.format(worth="2 to 6"))
    assert r.leader() == "a"
    assert ("b would lead only if a point-year less of stress were worth at least $5; you "
            "said $2 to $6.") in r.verdict
    assert not said(r, "a point-year of stress")


def test_a_leader_with_less_stress_and_more_cash_stays_ahead_at_any_worth() -> None:
    # a has more cash and 2 point-years a year less stress: no worth of calm hands b the lead
    r = run("""
    a: {roles: {r: {cash: 100, criteria: {stress: 2}}}}
    b: {roles: {r: {cash: 90, criteria: {stress: 4}}}}
    """, extra=LOWER.format(worth="2 to 6"))
    assert not said(r, "would lead only if")
    assert "a would stay ahead of b even if stress were worth nothing." in r.verdict


def test_weighing_names_an_unpriced_lower_is_better_criterion_in_its_better_direction() -> None:
    # b trades $300 of cash for 30 point-years less of stress (flip $10) and 15 more of fun
    # (flip $20): the nearest flip is stress's, said per point-year less of it
    r = run("""
    a: {roles: {r: {cash: 200, criteria: {fun: 0, stress: 10}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 5, stress: 0}}}}
    """, extra="criteria:\n  fun: {}\n  stress: {better: lower}\n")
    assert r.weighted is not None and r.weighted["first"] == "b"
    (s,) = said(r, "SMAA")
    assert s.endswith("The difference is carried by `stress` and `fun`, which have no worth "
                      "in the file: b would lead on value if a point-year less of stress were "
                      "worth at least $10.")


def test_prices_smaa_and_the_verdict_count_the_value_past_the_horizon() -> None:
    # discount 0, 3 years: value_a = 300 + 12 W, value_b = 270 + 60 (b's role is worth 60
    # past the horizon) + 6 W. b leads at W = 4 (the middle of 2 to 6); a from W = 5 on.
    # Without the 60, prices would say a stays ahead at any worth: the verdict, `prices`
    # and SMAA's money must all read the same money, NPV plus the value past the horizon.
    from crossroads.api import prices, smaa

    text = decision_text("""
    a: {roles: {r: {cash: 100, criteria: {fun: 4}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 2}, terminal: 60}}}
    """, extra="criteria:\n  fun: {worth: 2 to 6}\n")
    model = crossroads.load(text)
    r = crossroads.run(model)
    assert r.leader() == "b"
    assert ("a would lead only if a point-year of fun were worth at least $5; you said $2 to "
            "$6.") in r.verdict
    pair = prices(model).to_dict()["criteria"]["fun"]["pairs"]["b"]  # b against a
    assert pair["break_even_worth"] == pytest.approx(5.0)
    assert pair["npv_paid"]["mean"] == pytest.approx(-30.0)  # b gains 330 - 300 in money
    assert "you gain $30 (90%: -$30 to -$30) in money (NPV and the value past the horizon)" \
        in pair["sentence"]
    shares = smaa(model).to_dict()["rank_acceptability"]
    assert {o: s[0] for o, s in shares.items()} == pytest.approx(
        r.to_dict()["weighted"]["shares"], abs=1e-12)
