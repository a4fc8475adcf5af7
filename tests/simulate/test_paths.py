"""The simulator on paths whose numbers can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import decision_text


def outcomes_of(text: str, n: int = 1000, seed: int = 1):
    model = crossroads.load(text)
    return model, simulate(model, draw(model, n, Streams(seed)), keep_skills=True)


def test_raise_compounds_while_in_role() -> None:
    _, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100, raise: 10%}}}"))
    assert out.cash[0, 0].tolist() == pytest.approx([100.0, 110.0, 121.0], rel=1e-12)


def test_bonus_is_a_share_of_base_cash() -> None:
    _, out = outcomes_of(decision_text("a: {roles: {r: {cash: 100, bonus: 10%}}}"))
    assert out.cash[0, 0].tolist() == pytest.approx([110.0, 110.0, 110.0])


def test_after_moves_with_previous_cash() -> None:
    body = """
    a:
      roles:
        junior: {cash: 100, raise: 10%, next: [{to: senior, after: 2}]}
        senior: {cash: previous * 2, raise: 0}
    """
    _, out = outcomes_of(decision_text(body, horizon=4))
    # years 0, 1 as junior (100, 110); the move at entry + 2 pays 2 x 110 from year 2.
    assert out.cash[0, 0].tolist() == pytest.approx([100.0, 110.0, 220.0, 220.0])
    assert out.roles[0, 0].tolist() == [0, 0, 1, 1]


def test_after_rounds_and_is_at_least_one_year() -> None:
    body = """
    a:
      roles:
        x: {cash: 1, next: [{to: y, after: 0.2}]}
        y: {cash: 2}
    """
    _, out = outcomes_of(decision_text(body))
    assert out.roles[0, 0].tolist() == [0, 1, 1]


def test_year_is_the_year_the_role_starts() -> None:
    body = """
    a:
      roles:
        x: {cash: 10, next: [{to: y, after: 2}]}
        y: {cash: 1000 * year}
    """
    _, out = outcomes_of(decision_text(body, horizon=4))
    assert out.cash[0, 0].tolist() == [10.0, 10.0, 2000.0, 2000.0]


def test_chance_of_an_after_move() -> None:
    body = """
    a:
      roles:
        x: {cash: 0, next: [{to: y, after: 1, chance: 40%}]}
        y: {cash: 1}
    """
    n = 100_000
    _, out = outcomes_of(decision_text(body), n=n)
    moved = (out.roles[0, :, 1] == 1).mean()
    assert moved == pytest.approx(0.4, abs=4 * np.sqrt(0.4 * 0.6 / n))


def test_per_year_hazard_has_geometric_survival() -> None:
    body = """
    a:
      roles:
        x: {cash: 1, next: [{to: y, per_year: 30%}]}
        y: {cash: 0}
    """
    n = 100_000
    _, out = outcomes_of(decision_text(body, horizon=5), n=n)
    for t in range(5):
        p = 0.7**t  # the earliest move is one year after entry
        stayed = (out.roles[0, :, t] == 0).mean()
        assert stayed == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / n) + 1e-12)


def test_first_transition_listed_wins_ties() -> None:
    body = """
    a:
      roles:
        x: {cash: 0, next: [{to: y, after: 1}, {to: z, after: 1}]}
        y: {cash: 1}
        z: {cash: 2}
    """
    _, out = outcomes_of(decision_text(body))
    assert set(out.roles[0, :, 1].tolist()) == {1}


def test_one_off_cash_flows_land_in_their_year() -> None:
    body = """
    a:
      roles: {r: {cash: 100}}
      cash_flows: [{year: 1, amount: -30}, {year: 2, amount: 5k}]
    """
    _, out = outcomes_of(decision_text(body))
    assert out.cash[0, 0].tolist() == [100.0, 70.0, 5100.0]


def test_equity_vests_and_pays_only_at_liquidity() -> None:
    body = """
    a:
      companies: {r: {exit: 1, multiple: 2, exit_after: 2}}
      roles:
        r:
          cash: 0
          equity: {grant: 400, vest_years: 4, cliff: 1}
    """
    _, out = outcomes_of(decision_text(body, horizon=5))
    # vests 100 a year; years 0-1 pool, year 2 pays (100+100+100) x 2, then 100 x 2 a year.
    assert out.cash[0, 0].tolist() == [0.0, 0.0, 600.0, 200.0, 0.0]


def test_equity_with_no_liquidity_is_worth_nothing() -> None:
    body = """
    a:
      companies: {r: {exit: 0, multiple: 3, exit_after: 1}}
      roles:
        r: {cash: 0, equity: {grant: 400}}
    """
    _, out = outcomes_of(decision_text(body, horizon=5))
    assert out.cash.sum() == 0.0


def test_back_loaded_schedule_and_cliff() -> None:
    body = """
    a:
      companies: {r: {shares: public}}
      roles:
        r: {cash: 0, equity: {grant: 1000, schedule: [5%, 15%, 40%, 40%]}}
    """
    _, out = outcomes_of(decision_text(body, horizon=5))
    assert out.cash[0, 0].tolist() == pytest.approx([50.0, 150.0, 400.0, 400.0, 0.0])


def test_expected_equity_matches_liquidity_times_multiple() -> None:
    body = """
    a:
      companies: {r: {exit: 25%, multiple: 2, exit_after: 3}}
      roles:
        r: {cash: 0, equity: {grant: 400, vest_years: 4}}
    """
    n = 100_000
    _, out = outcomes_of(decision_text(body, horizon=5), n=n)
    total = out.cash[0].sum(axis=1)
    assert set(np.unique(total).tolist()) == {0.0, 800.0}
    assert total.mean() == pytest.approx(0.25 * 800, abs=4 * 800 * np.sqrt(0.25 * 0.75 / n))


def test_roles_same_as_each_other_differ_by_exactly_zero() -> None:
    """`same_as` shares every random number: inline estimates, moves, each_year draws."""
    roles = "r: {{{same}cash: 50k to 90k, raise: 'each_year(normal(3%, 2%))', " \
            "next: [{{to: q, per_year: 20%}}]}}, q: {{{q_same}cash: previous * (1 to 2)}}"
    a = "a: {roles: {" + roles.format(same="", q_same="") + "}}\n"
    b = "b: {roles: {" + roles.format(same="same_as: a.r, ", q_same="same_as: a.q, ") + "}}\n"
    _, out = outcomes_of(decision_text(a + b, horizon=6), n=5000)
    assert np.array_equal(out.cash[0], out.cash[1])
    assert out.cash[0].std() > 0


def test_same_seed_same_bytes_and_another_seed_differs() -> None:
    text = decision_text("a: {roles: {r: {cash: 50k to 90k, raise: 1% to 5%}}}\n"
                         "b: {roles: {r: {cash: 60k to 80k}}}\n")
    model = crossroads.load(text)
    first = crossroads.run(model, samples=3000, seed=3).to_dict()
    again = crossroads.run(model, samples=3000, seed=3).to_dict()
    other = crossroads.run(model, samples=3000, seed=4).to_dict()
    assert first == again
    assert first["options"]["a"]["npv"] != other["options"]["a"]["npv"]


def test_chunks_do_not_change_per_draw_numbers() -> None:
    """A run's numbers are those of its chunks: chunk k is drawn from (seed, k)."""
    from crossroads.simulate.sampling import CHUNK

    text = decision_text("a: {roles: {r: {cash: 50k to 90k}}}")
    model = crossroads.load(text)
    result = crossroads.run(model, samples=CHUNK + 10, seed=5).to_dict()
    first = simulate(model, draw(model, CHUNK, Streams(5, 0))).cash[0].sum(axis=1)
    second = simulate(model, draw(model, 10, Streams(5, 1))).cash[0].sum(axis=1)
    assert result["options"]["a"]["npv"]["mean"] == pytest.approx(
        np.concatenate([first, second]).mean(), rel=1e-12)


def test_yearly_raise_compounds_its_own_draw_each_year() -> None:
    model, out = outcomes_of(decision_text(
        "a: {roles: {r: {cash: 100, raise: 'each_year(uniform(0, 10%))'}}}", horizon=5))
    growth = out.cash[0, :, 1:] / out.cash[0, :, :-1] - 1
    assert np.all((growth >= 0) & (growth <= 0.1))
    assert np.unique(growth[0]).size == 4  # a fresh draw every year


def test_path_dependent_criteria_follow_the_year() -> None:
    text = decision_text("a: {roles: {r: {cash: 1, criteria: {fun: year * 2}}}}",
                         extra="criteria:\n  fun: {}\n")
    _, out = outcomes_of(text)
    assert out.criteria["fun"][0, 0].tolist() == [0.0, 2.0, 4.0]


def test_roles_without_a_criterion_take_its_default() -> None:
    body = """
    a:
      roles:
        x: {cash: 1, criteria: {fun: 7}, next: [{to: y, after: 1}]}
        y: {cash: 1}
    """
    _, out = outcomes_of(decision_text(body, extra="criteria:\n  fun: {default: 2}\n"))
    assert out.criteria["fun"][0, 0].tolist() == [7.0, 2.0, 2.0]


def test_skills_feed_expressions_in_cash_and_chances() -> None:
    text = decision_text("""
    a:
      roles:
        r: {cash: 'where(skill(ml) > 80%, 200, 100)', practice: {ml: 1},
            next: [{to: q, after: 1, chance: skill(ml)}]}
        q: {cash: 1000 * intersection()}
    """, extra="skills:\n  ml: {now: 90%}\n  intersection: [ml]\n")
    n = 100_000
    _, out = outcomes_of(text, n=n)
    assert np.all(out.cash[0, :, 0] == 200.0)  # practised, no learning field: holds at 90%
    moved = (out.roles[0, :, 1] == 1).mean()
    assert moved == pytest.approx(0.9, abs=4 * np.sqrt(0.09 / n))
    # one skill: the share of peers at or above you is 1 - 0.9
    assert np.allclose(out.cash[0, out.roles[0, :, 1] == 1, 1], 100.0, rtol=1e-6)
    assert np.allclose(out.skills["ml"][0], 0.9)


def test_a_run_leaves_no_reference_cycle_holding_a_chunk() -> None:
    """A walker's employers held a bound method of it: every chunk's walkers, and the
    arrays they hold, lived until the garbage collector's next full pass (a million draws
    of the founding case peaked at 4.4 GB instead of about 0.7 GB)."""
    import gc

    from tests.conftest import EXAMPLES

    model = crossroads.load(EXAMPLES / "why-i-quit-data-science.yaml")
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        crossroads.run(model, samples=2_000)
        gc.collect()
        kinds = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not kinds & {"_Walker", "Employers", "SkillTracker", "Draws", "Streams"}, kinds
