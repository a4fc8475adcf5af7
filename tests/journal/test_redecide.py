"""Deciding again from where you stand, on a decision with nothing uncertain."""

from __future__ import annotations

import pytest

from crossroads.api import load, run
from crossroads.journal.redecide import Standing, rewrite, sentence, switch_verdict
from tests.journal.fixtures import DETERMINISTIC, SMALL

YEARS_LEFT = 3   # horizon 5, a check-in in year 1: years 2, 3, 4 are left
D = [1.0, 1 / 1.1, 1 / 1.1**2]   # discount factors of the years left at 10%


def _redecide(multiple: float) -> dict[str, object]:
    text = DETERMINISTIC.replace("MULTIPLE", str(multiple))
    here = Standing("stay", "a", tenure=2, pay=100_000.0, spent=2)
    result = run(load(rewrite(text, here))).to_dict()
    assert result["horizon"] == YEARS_LEFT and result["baseline"] == "stay"
    return switch_verdict(result, "stay")


@pytest.mark.parametrize("multiple", [1.5, 1.8])
def test_switching_against_staying_by_hand(multiple: float) -> None:
    # Staying: two years in `a` already, its move after 3 fires at the end of the first
    # year left; b pays previous * 2. Switching: 1.5 (or 1.8) times today's 100k each year.
    stay = 100_000 * D[0] + 200_000 * D[1] + 200_000 * D[2]        # 447,107.44
    switch = multiple * 100_000 * sum(D)                          # 410,330.58 or 492,396.69
    verdict = _redecide(multiple)
    assert verdict["stay_value_mean"] == pytest.approx(stay, rel=1e-6)
    row = verdict["options"]["switch"]  # type: ignore[index]
    assert row["value_mean"] == pytest.approx(switch, rel=1e-6)
    assert row["gap_mean"] == pytest.approx(switch - stay, rel=1e-6)
    assert row["p_better"] == (1.0 if switch > stay else 0.0)
    assert verdict["switch"] is (switch > stay)


def test_the_sentences() -> None:
    stays = sentence(_redecide(1.5), YEARS_LEFT, "USD")
    assert stays.startswith("Staying in stay beats switching now: the best switch, switch, "
                            "is worth $36.8k less on average over the 3 years left")
    moves = sentence(_redecide(1.8), YEARS_LEFT, "USD")
    assert moves.startswith("Switching now to switch beats staying: $45.3k more value")


def test_no_tenure_waits_the_whole_move() -> None:
    text = DETERMINISTIC.replace("MULTIPLE", "1")
    here = Standing("stay", "a", tenure=0, pay=100_000.0, spent=2)
    result = run(load(rewrite(text, here))).to_dict()
    assert result["options"]["stay"]["npv"]["mean"] == pytest.approx(100_000 * sum(D))


def test_years_views_and_one_offs_move_with_the_start() -> None:
    text = SMALL.replace("horizon: 6", "horizon: 6\nviews: [2, 5]").replace(
        "      eng: {cash: pay_now,", "      eng: {cash: pay_now + 1000 * year,")
    text = text.replace("  move:\n", "  move:\n    cash_flows: [{year: 1, amount: -5k}, "
                        "{year: 4, amount: 7k}]\n")
    out = rewrite(text, Standing("move", "senior", 1, 80_000.0, spent=3))
    model = load(out)
    assert model.horizon == 3 and model.views == (2,)
    move = model.options[model.option_ids.index("move")]
    assert [year for year, _ in move.cash_flows] == [1]
    assert "pay_now + 1000 * (year + 3)" in out and "start: senior" in out


@pytest.mark.parametrize(("standing", "message"), [
    (Standing("move", "senior", 1, 1.0, spent=6), "no year of the horizon is left"),
    (Standing("gone", "senior", 1, 1.0, spent=1), "no option `gone`"),
    (Standing("move", "cto", 1, 1.0, spent=1), "has no role `cto`"),
])
def test_what_cannot_be_redecided(standing: Standing, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rewrite(SMALL, standing)


def test_the_first_year_left_is_paid_a_years_raise_on_the_checkin() -> None:
    text = DETERMINISTIC.replace("MULTIPLE", "1").replace(
        "a: {cash: 100k, next:", "a: {cash: 100k, raise: 10%, next:")
    here = Standing("stay", "a", tenure=0, pay=100_000.0, spent=2)
    model = load(rewrite(text, here))
    result = run(model).to_dict()
    # 110k, 121k, 133.1k, each discounted at 10% a year: 110k three times
    assert result["options"]["stay"]["npv"]["mean"] == pytest.approx(3 * 110_000)
