"""The skills model against its definition: calibration, half-life, mentor speedup, mixing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from crossroads.simulate.skills import (
    CEILING,
    FLOOR,
    TOP_QUARTILE_Z,
    SkillDraws,
    initial_z,
    percentile,
    step,
)

MISSING = np.nan
EXACT = 1e-12  # tolerance for quantities the model defines exactly (rounding only)


def skill(now, half_life=MISSING, years=MISSING, speedup=MISSING) -> SkillDraws:
    return SkillDraws(
        np.atleast_1d(np.asarray(now, dtype=float)),
        np.asarray(half_life, dtype=float),
        np.asarray(years, dtype=float),
        np.asarray(speedup, dtype=float),
    )


def walk(s: SkillDraws, years: float, practice: float, mentor: float = 0.0) -> np.ndarray:
    """Standing after ``years`` (may be fractional): whole years one at a time, then the rest."""
    z = initial_z(s)
    p, m = np.full_like(z, practice), np.full_like(z, mentor)
    whole, rest = divmod(years, 1.0)
    for _ in range(int(whole)):
        z = step(z, s, p, m)
    return step(z, s, p, m, years=rest)


def yearly(s: SkillDraws, horizon: int, practice: float, mentor: float = 0.0) -> np.ndarray:
    """percentile[t] for t = 0..horizon-1, year 0 being ``now`` (the simulator's convention)."""
    z, out = initial_z(s), []
    p, m = np.full_like(z, practice), np.full_like(z, mentor)
    for _ in range(horizon):
        out.append(percentile(z))
        z = step(z, s, p, m)
    return np.array(out)


# --- year 0 and calibration -------------------------------------------------------------


@pytest.mark.parametrize("now", [0.01, 0.25, 0.4, 0.5, 0.75, 0.9])
def test_year_zero_is_now(now):
    assert yearly(skill(now, 3.0, 4.0, 1.5), 1, 0.3)[0, 0] == pytest.approx(now, abs=EXACT)


@pytest.mark.parametrize("now", [0.02, 0.25, 0.4, 0.6, 0.74])
@pytest.mark.parametrize("years", [0.5, 1.0, 2.5, 3.0, 4.0, 7.25])
def test_full_practice_reaches_top_quartile_at_the_stated_year(now, years):
    z = walk(skill(now, half_life=2.0, years=years), years, practice=1.0)
    assert percentile(z)[0] == pytest.approx(0.75, abs=EXACT)


def test_yearly_path_crosses_top_quartile_exactly_at_that_year_per_draw():
    years = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    s = skill(np.array([0.1, 0.3, 0.4, 0.5, 0.7]), 5.0, years, 2.0)
    pct = yearly(s, 9, practice=1.0)  # (year, draw)
    for i, t in enumerate(years.astype(int)):
        assert pct[t, i] == pytest.approx(0.75, abs=EXACT)
        assert (pct[:t, i] < 0.75).all() and (pct[t + 1 :, i] > 0.75).all()


def test_half_years_compose_to_whole_years():
    s = skill([0.3, 0.6, 0.8], [2.0, 4.0, 7.0], [3.0, 5.0, MISSING], [1.5, 2.0, 3.0])
    z, p, m = initial_z(s), np.array([0.2, 0.7, 1.0]), np.array([0.5, 0.0, 1.0])
    halves = step(step(z, s, p, m, years=0.5), s, p, m, years=0.5)
    np.testing.assert_allclose(halves, step(z, s, p, m), rtol=0, atol=EXACT)


def test_beyond_top_quartile_the_gap_to_the_ceiling_shrinks_by_a_constant_factor():
    s = skill(0.4, years=4.0)
    ceiling = special.ndtri(CEILING)
    gaps = ceiling - special.ndtri(yearly(s, 20, practice=1.0)[:, 0])
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], np.exp(-s.learn_rate[0]), rtol=1e-10)
    assert (np.diff(gaps) < 0).all() and (gaps > 0).all()  # rising, never past the ceiling


@pytest.mark.parametrize("now", [0.75, 0.8, 0.99, 0.999])
def test_at_or_above_top_quartile_practice_holds_the_standing(now):
    s = skill(now, half_life=3.0, years=4.0, speedup=2.0)
    assert s.learn_rate[0] == 0.0
    np.testing.assert_allclose(yearly(s, 10, 1.0, mentor=1.0)[:, 0], now, atol=EXACT)


# --- decay --------------------------------------------------------------------------------


@pytest.mark.parametrize("half_life", [0.5, 2.5, 3.0, 10.0])
@pytest.mark.parametrize("now", [0.3, 0.75, 0.95])
def test_unpractised_distance_above_floor_halves_every_half_life(half_life, now):
    s = skill(now, half_life=half_life, years=3.0)
    z0, floor = initial_z(s)[0], special.ndtri(FLOOR)
    assert s.floor_z[0] == pytest.approx(floor)
    for t in [0.5, 1.0, 2.0, 3.0, 4.5, 8.0]:
        ratio = (walk(s, t, practice=0.0)[0] - floor) / (z0 - floor)
        assert ratio == pytest.approx(2.0 ** (-t / half_life), rel=1e-12)


def test_a_skill_below_the_floor_does_not_rise_when_unpractised():
    s = skill(0.05, half_life=2.0, years=3.0)
    assert s.floor_z[0] == initial_z(s)[0]
    np.testing.assert_allclose(yearly(s, 10, practice=0.0)[:, 0], 0.05, atol=EXACT)


def test_worked_example_ml_at_75_not_practised_half_life_3():
    floor, z0 = special.ndtri(0.10), special.ndtri(0.75)
    expected = special.ndtr(floor + (z0 - floor) * 2.0 ** (-4 / 3))
    got = percentile(walk(skill(0.75, half_life=3.0), 4.0, practice=0.0))[0]
    assert got == pytest.approx(expected, abs=EXACT)
    assert round(got, 3) == 0.307  # the figure quoted in docs/skills.md


# --- mentorship and partial practice -----------------------------------------------------


@pytest.mark.parametrize("speedup", [1.5, 2.0, 3.0])
@pytest.mark.parametrize("mentor", [0.25, 0.5, 1.0])
def test_mentor_shortens_time_to_top_quartile_by_the_stated_factor(speedup, mentor):
    factor = 1.0 + mentor * (speedup - 1.0)
    s = skill(0.4, half_life=3.0, years=4.0, speedup=speedup)
    z = walk(s, 4.0 / factor, practice=1.0, mentor=mentor)
    assert percentile(z)[0] == pytest.approx(0.75, abs=EXACT)


def test_worked_example_platform_with_mentor():
    s = skill(0.40, years=4.0, speedup=1.5)
    assert percentile(walk(s, 8.0 / 3.0, 1.0, mentor=1.0))[0] == pytest.approx(0.75, abs=EXACT)
    np.testing.assert_allclose(
        yearly(s, 6, 1.0, mentor=1.0)[:, 0], [0.40, 0.557, 0.684, 0.778, 0.842, 0.886], atol=5e-4
    )


def test_mentor_without_practice_teaches_nothing():
    s = skill(0.4, years=4.0, speedup=3.0)  # no half-life: no decay either
    np.testing.assert_allclose(yearly(s, 5, 0.0, mentor=1.0)[:, 0], 0.4, atol=EXACT)


def test_half_practice_halves_the_learning_rate_without_decay():
    z = walk(skill(0.3, years=3.0), 6.0, practice=0.5)
    assert percentile(z)[0] == pytest.approx(0.75, abs=EXACT)


@pytest.mark.parametrize("p", [0.25, 0.5, 0.8])
def test_partial_practice_decays_with_exponent_one_minus_p(p):
    s = skill(0.8, half_life=3.0)  # no learning: only the decay is left
    z0, floor = initial_z(s)[0], s.floor_z[0]
    ratio = (walk(s, 5.0, practice=p)[0] - floor) / (z0 - floor)
    assert ratio == pytest.approx(2.0 ** (-5.0 * (1 - p) / 3.0), rel=1e-12)


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9])
def test_partial_practice_lies_between_none_and_full(p):
    s = skill([0.2, 0.5, 0.7], [2.0, 3.0, 5.0], [3.0, 5.0, 8.0], [1.5, 2.0, 1.0])
    for years in [1.0, 3.0, 10.0]:
        low, mid, high = (walk(s, years, q, mentor=0.5) for q in (0.0, p, 1.0))
        assert (low < mid).all() and (mid < high).all()


# --- missing fields, per-draw parameters, validation -------------------------------------


def test_missing_fields_take_their_documented_defaults():
    s = skill(0.4)
    assert s.half_life[0] == np.inf and s.years_to_top_quartile[0] == np.inf
    assert s.mentor_speedup[0] == 1.0 and s.learn_rate[0] == 0.0 and s.decay_rate[0] == 0.0
    for p in (0.0, 0.5, 1.0):  # nothing moves a skill with neither learning nor decay
        np.testing.assert_allclose(yearly(s, 5, p, mentor=1.0)[:, 0], 0.4, atol=EXACT)


def test_per_draw_parameters_match_one_draw_at_a_time():
    now, half, years, speed = [0.2, 0.5, 0.9], [2.0, MISSING, 4.0], [3.0, 6.0, 2.0], [1.0, 2.0, 1.5]
    p, m = np.array([0.1, 0.6, 1.0]), np.array([1.0, 0.5, 0.0])
    s = skill(now, half, years, speed)
    together = step(step(initial_z(s), s, p, m), s, p, m)
    for i in range(3):
        one = skill(now[i], half[i], years[i], speed[i])
        alone = step(
            step(initial_z(one), one, p[i : i + 1], m[i : i + 1]), one, p[i : i + 1], m[i : i + 1]
        )
        assert together[i] == pytest.approx(alone[0], abs=EXACT)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"now": 1.2}, "now"),
        ({"now": -0.1}, "now"),
        ({"now": np.nan}, "now"),
        ({"half_life": 0.0}, "half_life"),
        ({"half_life": -2.0}, "half_life"),
        ({"years_to_top_quartile": 0.0}, "years_to_top_quartile"),
        ({"mentor_speedup": 0.0}, "mentor_speedup"),
        ({"mentor_speedup": np.inf}, "mentor_speedup"),
        ({"floor": 0.8}, "floor"),
        ({"ceiling": 0.7}, "ceiling"),
    ],
)
def test_invalid_parameters_raise(fields, match):
    base = {"now": 0.4, "half_life": 3.0, "years_to_top_quartile": 4.0, "mentor_speedup": 1.5}
    with pytest.raises(ValueError, match=match):
        SkillDraws(**{**base, **fields})


@pytest.mark.parametrize(
    ("practice", "mentor", "years", "match"),
    [(1.5, 0.0, 1.0, "practice"), (0.5, np.nan, 1.0, "mentor"), (0.5, 0.5, -1.0, "years")],
)
def test_invalid_step_inputs_raise(practice, mentor, years, match):
    s = skill(0.4, 3.0, 4.0, 1.5)
    with pytest.raises(ValueError, match=match):
        step(initial_z(s), s, np.array([practice]), np.array([mentor]), years=years)


@pytest.mark.parametrize("now", [0.0, 1.0])
def test_zero_and_hundred_percent_stay_finite(now):
    s = skill(now, 3.0, 4.0, 1.5)
    assert np.isfinite(walk(s, 5.0, 0.5, 0.5)).all()


def test_top_quartile_constant():
    assert special.ndtr(TOP_QUARTILE_Z) == pytest.approx(0.75, abs=EXACT)


# --- properties ---------------------------------------------------------------------------

unit = st.floats(0.0, 1.0)
params = st.tuples(
    st.floats(0.0, 1.0),  # now
    st.one_of(st.just(np.nan), st.floats(0.1, 50.0)),  # half-life
    st.one_of(st.just(np.nan), st.floats(0.1, 30.0)),  # years to top quartile
    st.floats(0.2, 5.0),  # mentor speedup
)


@given(st.floats(allow_nan=False))
def test_percentile_is_a_probability(z):
    assert 0.0 <= percentile(np.array([z]))[0] <= 1.0


@settings(max_examples=200, deadline=None)
@given(params, st.lists(st.tuples(unit, unit), min_size=1, max_size=15))
def test_standing_stays_between_floor_and_ceiling(args, years):
    s = skill(*args)
    z = z0 = initial_z(s)
    for p, m in years:
        z = step(z, s, np.array([p]), np.array([m]))
        assert np.isfinite(z).all() and 0.0 <= percentile(z)[0] <= 1.0
        assert s.floor_z[0] - 1e-9 <= z[0] <= max(z0[0], s.ceiling_z) + 1e-9


@settings(max_examples=200, deadline=None)
@given(params, unit, unit, unit)
def test_more_practice_never_lowers_the_standing(args, p, q, m):
    s = skill(*args)
    z = initial_z(s)
    lo, hi = sorted((p, q))
    assert (
        step(z, s, np.array([lo]), np.array([m]))[0]
        <= step(z, s, np.array([hi]), np.array([m]))[0] + 1e-12
    )
