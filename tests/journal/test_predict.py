"""Stored predictions against the draws they came from: each actual at a known quantile."""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.api import load
from crossroads.engine.loop import run_model
from crossroads.journal.calibrate import percentile_of
from crossroads.journal.predict import Collector, predict
from crossroads.journal.prediction import LEVELS, Prediction
from crossroads.simulate.paths import Outcomes
from tests.journal.fixtures import SMALL


@pytest.fixture(scope="module")
def collected() -> tuple[Prediction, np.ndarray, np.ndarray, int]:
    """The move's prediction, every draw's pay (horizon, n) and role (horizon, n)."""
    model = load(SMALL)
    collector = Collector(model, "move")
    roles: list[np.ndarray] = []

    def both(outcomes: Outcomes) -> None:
        collector.add(outcomes)
        roles.append(np.asarray(outcomes.roles[1]).T.copy())

    run_model(model, model.samples, model.seed, on_chunk=both)
    return collector.prediction(), collector.draws(), np.concatenate(roles, axis=1), \
        model.samples


def test_the_grid_is_half_a_point() -> None:
    assert len(LEVELS) == 201 and LEVELS[0] == 0 and LEVELS[-1] == 100
    assert np.allclose(np.diff(LEVELS), 0.5)


@pytest.mark.parametrize("year", [2, 3, 5])
@pytest.mark.parametrize("p", [0.25, 5.0, 18.0, 37.3, 50.0, 73.3, 95.0, 99.9])
def test_an_actual_at_a_known_quantile_of_the_draws_is_placed_there(
        collected: tuple[Prediction, np.ndarray, np.ndarray, int], year: int, p: float) -> None:
    pred, pay, _, n = collected
    x = float(np.percentile(pay[year], p))             # the actual: a quantile of the draws
    placed = percentile_of(x, pred.years[year].pay, pred.levels)
    assert abs(placed - p) <= 0.5
    share_below = 100 * float(np.mean(pay[year] < x))   # the empirical CDF, from the draws
    assert abs(placed - share_below) <= 0.5 + 100 / n


def test_a_stored_quantile_is_placed_at_its_own_level(
        collected: tuple[Prediction, np.ndarray, np.ndarray, int]) -> None:
    pred, pay, _, _ = collected
    q = pred.years[4].pay
    assert q == tuple(np.percentile(pay[4], LEVELS).tolist())
    for k in (1, 36, 100, 147, 199):
        assert percentile_of(q[k], q, pred.levels) == LEVELS[k]


def test_a_pay_every_draw_agrees_on_is_the_median_and_beyond_is_0_or_100(
        collected: tuple[Prediction, np.ndarray, np.ndarray, int]) -> None:
    pred, pay, _, _ = collected
    assert np.all(pay[0] == 60_000)
    assert percentile_of(60_000, pred.years[0].pay, pred.levels) == 50
    assert percentile_of(59_999, pred.years[0].pay, pred.levels) == 0
    assert percentile_of(float(pay[3].max()) + 1, pred.years[3].pay, pred.levels) == 100


def test_role_shares_count_the_draws(
        collected: tuple[Prediction, np.ndarray, np.ndarray, int]) -> None:
    pred, _, roles, n = collected
    for t, year in enumerate(pred.years):
        senior_now = float(np.mean(roles[t] == 1))
        senior_by = float(np.mean((roles[:t + 1] == 1).any(axis=0)))
        assert year.p_hold == {"engineer": float(np.mean(roles[t] == 0)), "senior": senior_now}
        assert year.p_reached == {"engineer": 1.0, "senior": senior_by}
    assert 0 < pred.years[2].p_hold["senior"] < pred.years[3].p_hold["senior"] < 1
    assert pred.roles == {"engineer": "engineer", "senior": "senior engineer"}


def test_scores_are_quantiles_of_the_year_scores() -> None:
    model = load(SMALL)
    collector, scores = Collector(model, "move"), []

    def both(outcomes: Outcomes) -> None:
        collector.add(outcomes)
        scores.append(np.asarray(outcomes.criteria["enjoyment"][1]).copy())

    run_model(model, 2000, 3, on_chunk=both)
    pred, x = collector.prediction(), np.concatenate(scores)
    for t in (0, 3):
        assert pred.years[t].scores["enjoyment"] == tuple(np.percentile(x[:, t], LEVELS))
    # "7 to 9" is a 90% range: about 5% of draws below 7
    assert percentile_of(7.0, pred.years[0].scores["enjoyment"], LEVELS) == \
        pytest.approx(5, abs=2)


def test_same_file_and_seed_give_the_same_prediction() -> None:
    model = load(SMALL)
    a, b = predict(model, "move", 1500, 11)[1], predict(model, "move", 1500, 11)[1]
    assert a.to_dict() == b.to_dict()
    assert Prediction.from_dict(a.to_dict()) == a


def test_a_taxed_file_keeps_pay_before_tax_too() -> None:
    model = load(SMALL.replace("seed: 7\n", "seed: 7\ntax: {rate: 20%}\n"))
    collector, pre = Collector(model, "move"), []

    def both(outcomes: Outcomes) -> None:
        collector.add(outcomes)
        assert outcomes.pre_tax is not None
        pre.append(np.asarray(outcomes.pre_tax[1]).T.copy())

    run_model(model, 2000, 5, on_chunk=both)
    pred = collector.prediction("after tax")
    before = np.concatenate(pre, axis=1)
    for t in (0, 4):
        assert pred.years[t].pay_pre_tax == tuple(np.percentile(before[t], LEVELS))
    # a flat 20%: the first year's 60k is 48k after tax
    assert pred.years[0].pay[100] == pytest.approx(48_000)
    assert pred.years[0].pay_pre_tax[100] == pytest.approx(60_000)  # type: ignore[index]
    assert pred.money == "after tax"
    untaxed = predict(load(SMALL), "move", 500, 5)[1]
    assert untaxed.years[0].pay_pre_tax is None
    assert "before tax" in untaxed.money
