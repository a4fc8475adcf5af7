"""Implied prices: exact line crossings, checked against recomputed mean values."""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.analysis.prices import implied_prices, money, pair_price, value_lines


def mean_values(npv, points, worths, criterion, w):
    """E[value_i] recomputed per draw with criterion's worth fixed at w."""
    total = npv.copy()
    for c, p in points.items():
        total = total + (w if c == criterion else worths[c]) * p
    return total.mean(axis=1)


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(42)
    n = 20_000
    npv = np.stack([rng.normal(1.2e6, 2e5, n), rng.normal(0.8e6, 3e5, n),
                    rng.normal(0.9e6, 1e5, n)])
    points = {"enjoyment": np.stack([rng.normal(m, 5, n) for m in (30, 70, 50)]),
              "learning": np.stack([rng.normal(m, 5, n) for m in (40, 60, 45)])}
    learning_worth = rng.uniform(2000, 8000, n)
    worths = {"enjoyment": rng.uniform(5000, 15000, n), "learning": learning_worth}
    return npv, points, worths


def test_break_even_worth_is_where_mean_values_cross(case) -> None:
    npv, points, worths = case
    q = pair_price(npv, points, worths, "enjoyment", 1, 0, ["lead", "platform", "mgr"])
    w = q.break_even_worth
    v = mean_values(npv, points, worths, "enjoyment", w)
    assert v[1] == pytest.approx(v[0], rel=1e-12)          # exact, not a search
    assert q.better_above is True                             # platform has more enjoyment
    above = mean_values(npv, points, worths, "enjoyment", w + 1.0)
    assert above[1] > above[0]


def test_money_paid_is_the_per_draw_npv_difference(case) -> None:
    npv, points, worths = case
    q = pair_price(npv, points, worths, "learning", 1, 0, ["lead", "platform", "mgr"])
    paid = npv[0] - npv[1]
    assert q.npv_paid_mean == pytest.approx(paid.mean())
    assert (q.npv_paid_p5, q.npv_paid_p95) == pytest.approx(tuple(np.percentile(paid, [5, 95])))
    assert q.points_gained == pytest.approx((points["learning"][1] - points["learning"][0]).mean())
    assert q.sentence.startswith("Choosing platform over lead, you pay $")
    assert "more learning point-years" in q.sentence and "at least" in q.sentence


def test_other_worths_enter_per_draw_not_as_means() -> None:
    # the learning worth is high exactly when option 1 has many learning points
    worth = np.array([0.0, 10.0])
    npv = np.zeros((2, 2))
    points = {"fun": np.ones((2, 2)), "learning": np.array([[0.0, 0.0], [0.0, 1.0]])}
    a, b = value_lines(npv, points, {"fun": np.ones(2), "learning": worth}, "fun")
    assert a.tolist() == [0.0, 5.0]          # E[worth * points] = 5, not E[worth] E[points]
    assert b.tolist() == [1.0, 1.0]


def test_switch_points_follow_the_upper_envelope() -> None:
    # deterministic lines: a = (0, 10, 25), b = (3, 2, 0)
    npv = np.array([[0.0], [10.0], [25.0]])
    points = {"fun": np.array([[3.0], [2.0], [0.0]])}
    ids = ["x", "y", "z"]
    at6 = implied_prices(npv, points, {"fun": 6.0}, ids).criteria["fun"]
    assert at6.best == "z" and at6.switch_below is None
    assert (at6.switch_above.worth, at6.switch_above.to) == (7.5, "y")   # y beats z first
    at9 = implied_prices(npv, points, {"fun": 9.0}, ids).criteria["fun"]
    assert at9.best == "y"
    assert (at9.switch_below.worth, at9.switch_below.to) == (7.5, "z")
    assert (at9.switch_above.worth, at9.switch_above.to) == (10.0, "x")
    assert at9.sentence == ("At your average worth of $9 per point-year of fun, y has the "
                            "highest mean value; z takes over below $8; x takes over above $10")


def test_a_best_option_that_no_worth_can_unseat() -> None:
    npv = np.array([[100.0], [0.0]])
    points = {"fun": np.array([[5.0], [5.0]])}
    r = implied_prices(npv, points, {"fun": 1.0}, ["a", "b"], currency="EUR").criteria["fun"]
    assert r.switch_below is None and r.switch_above is None
    assert r.sentence.endswith("a has the highest mean value, whatever fun is worth")
    assert r.pairs[0].break_even_worth is None
    assert "fun does not separate them" in r.pairs[0].sentence
    assert "you gain 100 EUR" not in r.pairs[0].sentence          # b pays, a is baseline
    assert "you pay 100 EUR" in r.pairs[0].sentence


def test_fewer_points_for_more_money_reads_at_most() -> None:
    npv = np.array([[0.0, 0.0], [50.0, 70.0]])
    points = {"fun": np.array([[10.0, 10.0], [4.0, 4.0]])}
    q = implied_prices(npv, points, {"fun": 5.0}, ["art", "bank"]).criteria["fun"].pairs[0]
    assert q.better_above is False and q.break_even_worth == pytest.approx(10.0)
    assert "you gain $60" in q.sentence and "6.0 fewer fun point-years" in q.sentence
    assert q.sentence.endswith("worth at most $10")


def test_to_dict_shape(case) -> None:
    npv, points, worths = case
    d = implied_prices(npv, points, worths, ["lead", "platform", "mgr"]).to_dict()
    assert d["currency"] == "USD" and set(d["criteria"]) == {"enjoyment", "learning"}
    enjoyment = d["criteria"]["enjoyment"]
    assert set(enjoyment["pairs"]) == {"platform", "mgr"}
    assert set(enjoyment["pairs"]["platform"]["npv_paid"]) == {"mean", "p5", "p95"}
    assert isinstance(enjoyment["sentence"], str)


def test_money_formatting() -> None:
    assert money(412_345.4) == "$412,345"
    assert money(-0.4) == "$0"
    assert money(-2500, "GBP") == "-2,500 GBP"


def test_prices_speak_in_the_better_direction() -> None:
    """`better: lower`: choosing calm over tense pays 3 x 10,000 for 3 x (5 - 2) = 9 fewer
    stress point-years; the lines a + w b in points less cross at 30,000 / 9 = 3,333."""
    import crossroads
    from crossroads.api import prices
    from tests.conftest import decision_text

    text = decision_text("""
    tense: {roles: {r: {cash: 10k, criteria: {stress: 5}}}}
    calm: {roles: {r: {cash: 0, criteria: {stress: 2}}}}
    """, extra="criteria:\n  stress: {worth: 1000, better: lower}\n")
    got = prices(crossroads.load(text), samples=10).to_dict()["criteria"]["stress"]
    pair = got["pairs"]["calm"]
    assert pair["points_gained"] == pytest.approx(9.0)
    assert pair["break_even_worth"] == pytest.approx(30_000 / 9)
    assert pair["sentence"] == (
        "Choosing calm over tense, you pay $30,000 (90%: $30,000 to $30,000) in NPV for 9.0 "
        "fewer stress point-years; counting your other worths, it is worth it if a "
        "point-year less of stress is worth at least $3,333")
    assert got["mean_worth"] == 1000.0
    assert got["sentence"].startswith("At your average worth of $1,000 per point-year less "
                                      "of stress, tense has the highest mean value")
