"""When things happen: the year a move lands, a role's tenure, a raise, a cliff, `after`.

Each test is worked by hand on a path with no randomness (or a closed-form share), and each
catches an off-by-one-year bug the rest of the suite once let through (docs/testing.md).
"""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import decision_text


def walk(body: str, *, horizon: int, n: int = 200, seed: int = 1):
    model = crossroads.load(decision_text(body, horizon=horizon))
    return simulate(model, draw(model, n, Streams(seed)))


def test_tenure_in_a_role_entered_by_a_move_counts_from_the_year_it_starts() -> None:
    # x for year 0; y from year 1 (after 1); y's own `after: 2` fires at the end of its
    # second year, year 2, so z starts in year 3. Recording y's entry a year early (year 0)
    # would move the draw to z in year 2.
    out = walk("""
    a:
      roles:
        x: {cash: 1, next: [{to: y, after: 1}]}
        y: {cash: 2, next: [{to: z, after: 2}]}
        z: {cash: 3}
    """, horizon=6)
    assert out.roles[0, 0].tolist() == [0, 1, 1, 2, 2, 2]
    assert out.cash[0, 0].tolist() == [1.0, 2.0, 2.0, 3.0, 3.0, 3.0]


def test_equity_of_a_role_entered_by_a_move_vests_from_its_first_year() -> None:
    # y starts in year 2 with 400 vesting over 4 years (public shares pay as they vest),
    # no cliff: 100 in each of years 2..5.
    out = walk("""
    a:
      companies: {y: {shares: public}}
      roles:
        x: {cash: 0, next: [{to: y, after: 2}]}
        y: {cash: 0, equity: {grant: 400, vest_years: 4}}
    """, horizon=7)
    assert out.cash[0, 0].tolist() == pytest.approx([0, 0, 100, 100, 100, 100, 0])


def test_a_failed_after_chance_is_tried_once_and_never_again() -> None:
    # `after: 1, chance: 50%` is one shot at the end of year 0: half the draws move, and the
    # other half stay to the horizon (retried every year, 1 - 0.5^5 = 97% would move).
    n = 20_000
    out = walk("""
    a:
      roles:
        x: {cash: 0, next: [{to: y, after: 1, chance: 50%}]}
        y: {cash: 1}
    """, horizon=6, n=n)
    moved = out.roles[0, :, -1] == 1
    assert moved.mean() == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / n))
    # the move lands in year 1 or not at all
    assert np.array_equal(out.roles[0, :, 1] == 1, moved)


def test_after_with_per_year_retries_every_year_from_its_start() -> None:
    # `after: 2, per_year: 50%`: tries at the end of years 1, 2, 3, 4: 1 - 0.5^4 move by the
    # last year, none before year 2
    n = 20_000
    out = walk("""
    a:
      roles:
        x: {cash: 0, next: [{to: y, after: 2, per_year: 50%}]}
        y: {cash: 1}
    """, horizon=6, n=n)
    assert not (out.roles[0, :, :2] == 1).any()
    p = 1 - 0.5 ** 4
    assert (out.roles[0, :, -1] == 1).mean() == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / n))


@pytest.mark.parametrize(("after", "first_year_in_y"), [
    (1.4, 1), (1.6, 2), (2.4, 2), (2.6, 3), (0.3, 1),
])
def test_after_rounds_to_the_nearest_whole_year(after: float, first_year_in_y: int) -> None:
    out = walk(f"""
    a:
      roles:
        x: {{cash: 0, next: [{{to: y, after: {after}}}]}}
        y: {{cash: 1}}
    """, horizon=5)
    expected = [0] * first_year_in_y + [1] * (5 - first_year_in_y)
    assert out.roles[0, 0].tolist() == expected


def test_a_raise_is_read_in_the_year_it_is_paid() -> None:
    # raise = year x 10%: year 1 pays 100 x 1.1, year 2 110 x 1.2, year 3 132 x 1.3.
    # Read a year early, year 1 would pay 100 x (1 + 0) = 100.
    out = walk("a: {roles: {r: {cash: 100, raise: year * 10%}}}", horizon=4)
    assert out.cash[0, 0].tolist() == pytest.approx([100.0, 110.0, 132.0, 171.6], rel=1e-12)


def test_a_raise_after_a_move_is_the_new_roles_from_its_second_year() -> None:
    # y starts in year 1 at 200 and grows by its own 50% from year 2; x's 10% never applies
    # to y's pay.
    out = walk("""
    a:
      roles:
        x: {cash: 100, raise: 10%, next: [{to: y, after: 1}]}
        y: {cash: 200, raise: 50%}
    """, horizon=4)
    assert out.cash[0, 0].tolist() == pytest.approx([100.0, 200.0, 300.0, 450.0])


@pytest.mark.parametrize(("cliff", "paid"), [
    (0, [100, 100, 100, 100, 0]),
    (1, [100, 100, 100, 100, 0]),
    (2, [0, 200, 100, 100, 0]),   # the catch-up tranche: two years' worth at the cliff
    (3, [0, 0, 300, 100, 0]),
    (4, [0, 0, 0, 400, 0]),
])
def test_a_cliff_pays_the_years_it_held_back_when_it_ends(cliff: int, paid: list[int]) -> None:
    out = walk(f"""
    a:
      companies: {{r: {{shares: public}}}}
      roles:
        r: {{cash: 0, equity: {{grant: 400, vest_years: 4, cliff: {cliff}}}}}
    """, horizon=5)
    assert out.cash[0, 0].tolist() == pytest.approx(paid)
    assert out.cash[0, 0].sum() == pytest.approx(400.0)  # a cliff delays, never forfeits


@pytest.mark.parametrize(("unvested", "paid"), [
    ("forfeit", [100, 0, 0, 0, 0]),
    ("accelerate", [400, 0, 0, 0, 0]),
    ("keep", [100, 100, 100, 100, 0]),
])
def test_an_exit_in_the_first_year_settles_the_unvested_shares(unvested: str,
                                                               paid: list[int]) -> None:
    # the exit lands in year 0 (exit_after: 0): year 0's tranche pays; the rest is forfeited,
    # paid at once, or kept vesting and paid as it vests
    out = walk(f"""
    a:
      companies: {{r: {{exit: 1, multiple: 1, exit_after: 0, unvested: {unvested}}}}}
      roles:
        r: {{cash: 0, equity: {{grant: 400, vest_years: 4}}}}
    """, horizon=5)
    assert out.cash[0, 0].tolist() == pytest.approx(paid)


def test_a_grant_reads_previous_as_the_pay_before_the_role_started() -> None:
    # `previous` is the base cash paid the year before the role began: nothing for the role
    # a draw starts in, 100 for y entered in year 1. Each grant vests in its first year.
    out = walk("""
    a:
      companies: {x: {shares: public}, y: {shares: public}}
      roles:
        x: {cash: 100, equity: {grant: 1000 + previous, vest_years: 1}, next: [{to: y, after: 1}]}
        y: {cash: 200, equity: {grant: 1000 + previous, vest_years: 1}}
    """, horizon=3)
    assert out.equity[0, 0].tolist() == pytest.approx([1000.0, 1100.0, 0.0])


def test_each_company_fails_on_its_own_and_pays_on_its_own() -> None:
    # x fails for sure at the end of year 0 (to gap); y, a later employer with its own
    # fate, never fails. A draw at x must still leave it, whatever y does; and y's shares
    # (liquid from the year it joins, 300 vesting in its first year) pay while x's state
    # sits empty.
    out = walk("""
    a:
      companies:
        x: {fails: 100%, on_failure: gap}
        y: {fails: 0%, on_failure: gap, exit: 1, exit_after: 0, multiple: 1}
      roles:
        s: {company: x, cash: 10}
        gap: {cash: 0, next: [{to: t, after: 1}]}
        t: {company: y, cash: 20, equity: {grant: 300, vest_years: 1}}
    """, horizon=4)
    assert out.roles[0, 0].tolist() == [0, 1, 2, 2]
    assert out.cash[0, 0].tolist() == pytest.approx([10.0, 0.0, 320.0, 20.0])


def test_an_exit_without_exit_after_falls_in_a_uniform_year_of_the_horizon() -> None:
    # docs/simulation.md: with no `exit_after` the exit is a whole number of years from 0 to
    # horizon - 1 after joining, each as likely. The whole grant vests in year 0 and waits,
    # so the year it is paid is the exit's year.
    n, horizon = 20_000, 5
    out = walk("""
    a:
      companies: {r: {exit: 100%, multiple: 1}}
      roles:
        r: {cash: 0, equity: {grant: 100, schedule: [100%]}}
    """, horizon=horizon, n=n)
    paid_year = out.cash[0].argmax(axis=1)
    assert np.all(out.cash[0].sum(axis=1) == 100.0)
    shares = np.bincount(paid_year, minlength=horizon) / n
    p = 1 / horizon
    assert shares == pytest.approx(np.full(horizon, p), abs=4 * np.sqrt(p * (1 - p) / n))


def test_draws_joining_two_companies_in_the_same_year_each_get_their_fate() -> None:
    # at the end of year 0 about half the draws move to x (listed shares) and the rest to y
    # (an exit in the year they join): both pay their 200 grant as it vests in year 1
    out = walk("""
    a:
      companies:
        x: {shares: public}
        y: {exit: 1, exit_after: 0, multiple: 1}
      roles:
        s: {cash: 0, next: [{to: px, after: 1, chance: 50%}, {to: qy, after: 1}]}
        px: {company: x, cash: 0, equity: {grant: 200, vest_years: 1}}
        qy: {company: y, cash: 0, equity: {grant: 200, vest_years: 1}}
    """, horizon=3, n=400)
    went = out.roles[0, :, 1]
    assert set(went.tolist()) == {1, 2}
    assert out.cash[0, :, 1].tolist() == [200.0] * 400


def test_a_grant_is_made_for_every_role_entered_in_a_year_and_reads_that_year() -> None:
    # at the end of year 1 about half the draws move to n (no equity), the rest to g, whose
    # grant of 1000 x year is made in year 2 (2000) and vests at once on listed shares
    out = walk("""
    a:
      companies: {x: {shares: public}}
      roles:
        s: {company: x, cash: 0, next: [{to: n, after: 2, chance: 50%}, {to: g, after: 2}]}
        n: {company: x, cash: 0}
        g: {company: x, cash: 0, equity: {grant: 1000 * year, vest_years: 1}}
    """, horizon=4, n=400)
    to_g = out.roles[0, :, 2] == 2
    assert 0 < to_g.sum() < 400
    assert out.cash[0, to_g, 2].tolist() == [2000.0] * int(to_g.sum())
    assert out.cash[0, ~to_g].sum() == 0.0
