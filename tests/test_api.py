"""The analysis API end to end, on decisions whose answers are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import crossroads
from crossroads import api as A
from crossroads.engine import budget, loop
from tests.conftest import EXAMPLES, decision_text

# One year, no discount: the value gap between `bet` and `safe` is exactly x ~ N(100, 1000).
NORMAL = decision_text("""
safe: {roles: {r: {cash: 0}}}
bet: {roles: {r: {cash: x + y}}}
""", horizon=1, extra="params:\n  x: normal(100, 1000)\n  y: normal(0, 10)\n")


def unit_normal_loss(z: float) -> float:
    return float(stats.norm.pdf(z) - z * (1 - stats.norm.cdf(z)))


def test_evpi_and_evppi_match_the_normal_closed_form() -> None:
    report = A.voi(crossroads.load(NORMAL), samples=100_000, ask=4)
    d = report.to_dict()
    sigma = np.hypot(1000, 10)
    assert d["evpi"] == pytest.approx(sigma * unit_normal_loss(100 / sigma), rel=0.03)
    assert d["evppi"]["x"] == pytest.approx(1000 * unit_normal_loss(100 / 1000), rel=0.03)
    assert d["evppi"]["y"] < 0.01 * d["evpi"]
    # EVSI with the prior sample size n0 = 5 and n = 4 more observations
    s_n = 1000 * np.sqrt(4 / (4 + A.PRIOR_SAMPLE_SIZE))
    assert d["evsi"]["x"] == pytest.approx(s_n * unit_normal_loss(100 / s_n), rel=0.05)
    assert {"currency", "evpi", "evppi", "groups", "evsi"} <= set(d)


def test_voi_groups_are_at_least_their_members() -> None:
    d = A.voi(crossroads.load(NORMAL), samples=50_000, groups=(("x", "y"),)).to_dict()
    assert d["groups"]["x,y"] >= d["evppi"]["x"] - 1e-9


def test_tornado_swings_each_param_between_its_5th_and_95th_percentiles() -> None:
    d = A.sensitivity(crossroads.load(NORMAL), "tornado", samples=2000).to_dict()
    assert d["method"] == "tornado" and d["target"].startswith("value difference")
    bars = {b["param"]: b for b in d["bars"]}
    swing = abs(bars["x"]["high"] - bars["x"]["low"])
    assert swing == pytest.approx(2 * 1.6448536 * 1000, rel=1e-6)  # linear in x: exact
    assert d["bars"][0]["param"] == "x"  # sorted by swing


def test_sobol_indices_of_a_linear_gap() -> None:
    d = A.sensitivity(crossroads.load(NORMAL), "sobol").to_dict()
    share_x = 1000**2 / (1000**2 + 10**2)
    assert d["indices"]["x"]["S1"] == pytest.approx(share_x, abs=0.05)
    assert d["indices"]["y"]["ST"] == pytest.approx(1 - share_x, abs=0.02)


def test_option_value_of_a_promotion() -> None:
    text = decision_text("""
    a:
      roles:
        junior: {cash: 100, next: [{to: senior, after: 1, chance: 50%}]}
        senior: {cash: 200}
    """, horizon=2)
    d = A.option_value(crossroads.load(text), ("senior",), samples=40_000).to_dict()
    # with the move: 100 + (0.5 x 200 + 0.5 x 100) = 250; without: 200
    assert d["options"]["a"]["mean"] == pytest.approx(50, abs=4 * 50 / np.sqrt(40_000))


def test_option_value_refuses_an_unknown_role() -> None:
    with pytest.raises(KeyError, match="no role named"):
        A.option_value(crossroads.load(NORMAL), ("cto",), samples=100)


def test_smaa_shape_and_a_dominated_option() -> None:
    text = decision_text("""
    good: {roles: {r: {cash: 100, criteria: {fun: 8}}}}
    bad: {roles: {r: {cash: 50, criteria: {fun: 2}}}}
    """, extra="criteria:\n  fun: {}\n")
    d = A.smaa(crossroads.load(text), samples=1000, n_weights=2000).to_dict()
    assert d["criteria"] == ["money", "fun"]
    assert d["rank_acceptability"]["good"] == [1.0, 0.0]
    assert d["confidence"]["good"] == 1.0
    assert set(d["central_weights"]["good"]) == {"money", "fun"}


def test_smaa_drops_a_criterion_constant_everywhere() -> None:
    text = decision_text("""
    a: {roles: {r: {cash: 100 to 120, criteria: {fun: 5}}}}
    b: {roles: {r: {cash: 90 to 130, criteria: {fun: 5}}}}
    """, extra="criteria:\n  fun: {}\n")
    d = A.smaa(crossroads.load(text), samples=2000, n_weights=1000).to_dict()
    assert d["dropped"] == ["fun"]


def test_risk_and_prices_are_the_worths_crossing_on_the_same_draws() -> None:
    # value_a = 3 (100 + 2 w), value_b = 3 (90 + 4 w): b is ahead exactly when w > 5
    model = crossroads.load(decision_text("""
    a: {roles: {r: {cash: 100, criteria: {fun: 2}}}}
    b: {roles: {r: {cash: 90, criteria: {fun: 4}}}}
    """, extra="criteria:\n  fun: {worth: 2 to 6}\n"))
    w = A.collect(model, 2000).worth["fun"]
    b_ahead = float(np.mean(w > 5))
    assert 0.05 < b_ahead < 0.5
    risk = A.risk(model, samples=2000).to_dict()["options"]
    assert risk["a"]["p_regret"] == pytest.approx(b_ahead, abs=1e-12)
    assert risk["a"]["p_beats"]["b"] == pytest.approx(1 - b_ahead, abs=1e-12)
    assert risk["b"]["p_behind_baseline"] == pytest.approx(1 - b_ahead, abs=1e-12)
    fun = A.prices(model, samples=2000).to_dict()["criteria"]["fun"]
    pair = fun["pairs"]["b"]
    assert pair["break_even_worth"] == pytest.approx(5.0)
    assert pair["npv_paid"] == {"mean": 30.0, "p5": 30.0, "p95": 30.0}
    assert pair["points_gained"] == pytest.approx(6.0)
    assert fun["mean_worth"] == pytest.approx(float(w.mean()), rel=1e-12)
    assert fun["best"] == ("a" if w.mean() < 5 else "b")


def test_skills_json_has_the_contract_shape_with_a_default_intersection() -> None:
    text = decision_text("a: {roles: {r: {cash: 1, practice: {ml: 1}}}}",
                         extra="skills:\n  ml: {now: 60%}\n  go: {now: 70%}\n")
    d = A.skills(crossroads.load(text), samples=200).to_dict()
    a = d["options"]["a"]
    assert len(a["skills"]["ml"]["percentile"]) == 3
    # no decay and no learning: P(a peer is at or above you on both) = 0.4 x 0.3
    assert a["intersection_top_pct"] == pytest.approx([12.0, 12.0, 12.0])


def test_collect_refuses_a_count_beyond_the_memory_budget_before_drawing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model = crossroads.load(NORMAL)
    monkeypatch.setattr(loop, "draw", lambda *a, **k: pytest.fail("drew before the check"))
    per_draw = budget.kept_bytes_per_draw(model)
    with pytest.raises(crossroads.DecisionError, match="use at most"):
        A.collect(model, samples=(2 * 1024**3) // per_draw + 1)


def test_kept_bytes_per_draw_bounds_what_collect_keeps() -> None:
    """An upper bound (it counts every criterion and param), but not a loose one."""
    model = crossroads.load(EXAMPLES / "why-i-quit-data-science.yaml")
    for keep_skills in (False, True):
        got = A.collect(model, samples=2_000, keep_skills=keep_skills)
        arrays = [got.value, got.npv, *got.points.values(), *got.scores.values(),
                  *got.worth.values(), *got.params.values(), *got.skills.values(),
                  *got.inline.values()]
        if got.intersection is not None:
            arrays.append(got.intersection)
        kept = sum(a.nbytes for a in arrays) / got.n
        bound = budget.kept_bytes_per_draw(model, keep_skills=keep_skills) / 2  # one copy
        assert kept <= bound <= 1.5 * kept


@pytest.mark.parametrize("name", ["run", "voi", "smaa", "prices", "risk", "sensitivity"])
@pytest.mark.parametrize("samples", [0, -1, 1.5, True])
def test_a_sample_count_the_command_line_would_refuse_is_a_value_error(
        name: str, samples: object) -> None:
    with pytest.raises(ValueError, match="samples must be a whole number of at least 1"):
        getattr(crossroads, name)(crossroads.load(NORMAL), samples=samples)


@pytest.mark.parametrize("seed", [-1, 2.5, True])
def test_a_seed_the_command_line_would_refuse_is_a_value_error(seed: object) -> None:
    model = crossroads.load(NORMAL)
    for call in (lambda: crossroads.run(model, samples=100, seed=seed),
                 lambda: A.collect(model, 100, seed)):
        with pytest.raises(ValueError, match="seed must be a whole number of at least 0"):
            call()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), None, True, "3"])
def test_a_pin_that_is_no_finite_number_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="x: expected a finite number up to 1e"):
        crossroads.run(crossroads.load(NORMAL), samples=100, overrides={"x": value})
