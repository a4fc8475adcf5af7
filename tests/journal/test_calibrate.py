"""PIT values, their histogram, the Brier score and the sentences, against hand computation."""

from __future__ import annotations

import pytest

from crossroads.journal.calibrate import Checkin, Entry, brier, percentile_of, review
from crossroads.journal.prediction import Prediction, YearPrediction
from crossroads.journal.sentences import ordinal, pay_sentence

LEVELS = (0.0, 25.0, 50.0, 75.0, 100.0)
ROLES = {"a": "analyst", "b": "senior analyst", "c": "manager"}


def _year(t: int, pay: tuple[float, ...], hold: dict[str, float],
          reached: dict[str, float]) -> YearPrediction:
    return YearPrediction(t, pay, hold, reached, {"fun": (1.0, 2.0, 3.0, 4.0, 5.0)})


PRED = Prediction("opt", "An option", ROLES, "a", LEVELS, (
    _year(0, (10.0, 20.0, 30.0, 40.0, 50.0), {"a": 0.7, "b": 0.2, "c": 0.1},
          {"a": 1.0, "b": 0.2, "c": 0.1}),
    _year(1, (100.0, 100.0, 100.0, 200.0, 400.0), {"a": 0.5, "b": 0.5, "c": 0.0},
          {"a": 1.0, "b": 0.7, "c": 0.1}),
    _year(2, (0.0, 10.0, 20.0, 30.0, 40.0), {"a": 0.2, "b": 0.3, "c": 0.5},
          {"a": 1.0, "b": 0.8, "c": 0.6}),
))


@pytest.mark.parametrize(("x", "quantiles", "expected"), [
    (25.0, PRED.years[0].pay, 37.5),      # halfway between 20 (25%) and 30 (50%)
    (12.0, PRED.years[0].pay, 5.0),       # a fifth of the way from 10 (0%) to 20 (25%)
    (50.0, PRED.years[0].pay, 100.0),     # the greatest draw
    (5.0, PRED.years[0].pay, 0.0),        # below every draw
    (100.0, PRED.years[1].pay, 25.0),     # three stored quantiles equal: their middle level
    (300.0, PRED.years[1].pay, 87.5),
])
def test_percentile_by_hand(x: float, quantiles: tuple[float, ...], expected: float) -> None:
    assert percentile_of(x, quantiles, LEVELS) == pytest.approx(expected, abs=1e-12)


def test_brier_by_hand() -> None:
    # held b with (0.7, 0.2, 0.1): 0.7^2 + 0.8^2 + 0.1^2 = 1.14
    # held a with (0.5, 0.5, 0.0): 0.5^2 + 0.5^2 + 0   = 0.50
    assert brier([(PRED.years[0].p_hold, "b"), (PRED.years[1].p_hold, "a")]) == \
        pytest.approx((1.14 + 0.50) / 2, abs=1e-12)
    assert brier([]) is None
    assert brier([({"x": 1.0}, "x")]) == 0
    assert brier([({"x": 1.0, "y": 0.0}, "y")]) == 2


def test_review_by_hand() -> None:
    first = Entry(1, "2024-01-15", PRED, (
        Checkin(1, cash=300.0, role="a"), Checkin(0, cash=25.0, role="b"),
        Checkin(2, role="c", scores={"fun": 3.5}, note="promoted")))
    second = Entry(2, "2025-03-01", PRED, (Checkin(2, cash=45.0),))
    out = review([first, second])
    rows = out["entries"][0]["checkins"]
    assert [r["year"] for r in rows] == [0, 1, 2]                     # in year order
    assert [r["cash_percentile"] for r in rows] == [37.5, 87.5, None]
    assert [r["p_role"] for r in rows] == [0.2, 0.5, 0.5]
    assert rows[2]["scores"] == {"fun": {"value": 3.5, "percentile": 62.5}}
    cal = out["calibration"]
    assert cal["pit"] == [0.375, 0.875, 1.0]                          # 45 > every draw
    assert cal["pit_histogram"]["counts"] == [0, 0, 0, 1, 0, 0, 0, 0, 1, 1]
    # (0.7, 0.2, 0.1) held b: 1.14; (0.5, 0.5, 0) held a: 0.5; (0.2, 0.3, 0.5) held c:
    # 0.04 + 0.09 + 0.25 = 0.38
    assert cal["brier"] == pytest.approx((1.14 + 0.5 + 0.38) / 3, abs=1e-12)
    assert cal["brier_checkins"] == 3
    assert cal["score_pit"] == {"fun": [0.625]}
    assert {"id", "option", "recorded", "checkins"} <= set(out["entries"][0])
    assert {"year", "cash", "cash_percentile", "role", "p_role"} <= set(rows[0])


def test_sentences_quote_the_numbers() -> None:
    entry = Entry(1, "2024-01-15", PRED, (Checkin(0, cash=25.0, role="b"),
                                          Checkin(2, cash=35.0, role="a")))
    said = review([entry])["calibration"]["sentences"]
    assert "your pay in year 0 was at the 38th percentile of what you predicted" in said
    assert "you gave 20% to being senior analyst by year 0: you are" in said
    # in year 2 they hold a; b was reached in year 0, c (60%) never: "you are not"
    assert "you gave 60% to being manager by year 2: you are not" in said
    assert not any("senior analyst by year 2" in s for s in said)


def test_no_sentence_without_a_checkin() -> None:
    assert review([Entry(1, "2024-01-15", PRED)])["calibration"] == {
        "pit": [], "pit_histogram": {"edges": [k / 10 for k in range(11)], "counts": [0] * 10},
        "brier": None, "brier_checkins": 0, "score_pit": {}, "sentences": []}


def test_ordinals_and_the_ends() -> None:
    assert [ordinal(k) for k in (1, 2, 3, 11, 12, 13, 22, 43)] == \
        ["1st", "2nd", "3rd", "11th", "12th", "13th", "22nd", "43rd"]
    assert pay_sentence(2, 0.2) == "your pay in year 2 was at the 1st percentile of what you " \
        "predicted"
    assert pay_sentence(2, 0.0) == "your pay in year 2 was below every future you predicted"


def test_a_second_checkin_of_a_year_corrects_the_first() -> None:
    entry = Entry(1, "2024-01-15", PRED, (Checkin(0, cash=250.0, role="c"),
                                          Checkin(0, cash=25.0, role="b")))
    out = review([entry])
    assert [(r["cash"], r["role"]) for r in out["entries"][0]["checkins"]] == [(25.0, "b")]
    assert out["calibration"]["pit"] == [0.375] and out["calibration"]["brier_checkins"] == 1
