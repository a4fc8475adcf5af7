"""The fast summaries equal the simple definitions they replace, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import crossroads
from crossroads.analysis.summary import (
    break_even_years,
    fan,
    order_statistics,
    p_best,
    percentile,
    reduce,
    value_of,
    year_major,
)
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import EXAMPLES


def flip_accumulate_break_even(cumulative: np.ndarray, baseline: int) -> np.ndarray:
    """The definition: the first year from which the option stays at or above the baseline."""
    horizon = cumulative.shape[2]
    ahead = cumulative >= cumulative[baseline][np.newaxis]
    stays = np.flip(np.logical_and.accumulate(np.flip(ahead, axis=2), axis=2), axis=2)
    first: np.ndarray = np.where(stays.any(axis=2), stays.argmax(axis=2), horizon)
    return first.astype(np.int16)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 12), st.data())
def test_break_even_equals_the_flip_accumulate_definition(seed: int, options: int, horizon: int,
                                                          data: st.DataObject) -> None:
    # small integers make ties (cumulative cash exactly equal to the baseline's) common
    c = np.random.default_rng(seed).integers(-3, 4, size=(options, 50, horizon)).astype(float)
    baseline = data.draw(st.integers(0, options - 1))
    got = break_even_years(c, baseline)
    assert got.dtype == np.int16
    assert np.array_equal(got, flip_accumulate_break_even(c, baseline))


def test_break_even_counts_a_nan_year_as_behind() -> None:
    c = np.array([[[0.0, 0.0, 0.0]], [[1.0, np.nan, 1.0]]])
    assert break_even_years(c, 0).tolist() == flip_accumulate_break_even(c, 0).tolist()


@pytest.mark.parametrize("case", ["why-i-quit-data-science.yaml", "grad-school.yaml",
                                  "two-offers.yaml"])
@pytest.mark.parametrize("keep", [True, False])
def test_reduce_equals_cumsum_einsum_and_flip_accumulate(case: str, keep: bool) -> None:
    model = crossroads.load(EXAMPLES / case)
    out = simulate(model, draw(model, 3000, Streams(5, 0)))
    r = reduce(out, model.baseline, model.views, keep_cumulative=keep)
    d = out.discount
    cash = year_major(out.cash)
    cumulative = np.cumsum(cash * d[np.newaxis, :, np.newaxis], axis=1)
    # summed year after year, as einsum does over year-major memory
    assert np.allclose(r.npv, np.einsum("ohn,h->on", cash, d), rtol=1e-12, atol=1e-6)
    assert np.array_equal(r.npv, cumulative[:, -1])
    assert np.array_equal(r.break_even,
                          flip_accumulate_break_even(np.moveaxis(cumulative, 1, 2),
                                                     model.baseline))
    if keep:
        assert np.array_equal(r.cumulative, np.moveaxis(cumulative, 1, 2))
    else:
        assert r.cumulative.shape == (len(model.options), 0, model.horizon)
    assert set(r.views) == set(model.views)
    for v, value in r.views.items():
        points = {c: np.einsum("ohn,h->on", year_major(x)[:, :v], d[:v])
                  for c, x in out.criteria.items()}
        assert np.array_equal(value, value_of(cumulative[:, v - 1], points, out.worth))
    assert not np.shares_memory(r.npv, r.cumulative)


# float16 holds them, and their differences (the interpolation's, NumPy's too): scores kept in
# float16 have a scale within 1,000; 6e4 made `above - below` overflow on rare examples
finite = st.floats(-3e4, 3e4, allow_nan=False, width=32)
samples = hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 300)),
                     elements=finite | st.sampled_from([0.0, -0.0, 1.0, 1.0, 2.5]))


@settings(max_examples=150, deadline=None)
@given(samples, st.sampled_from([np.float64, np.float32, np.float16]),
       st.sampled_from([(5, 50, 95), (0.5, 99.5), (0, 100), (95, 5), (37.5,)]))
def test_percentile_is_numpys_bit_for_bit(x: np.ndarray, dtype: type,
                                          q: tuple[float, ...]) -> None:
    x = x.astype(dtype)
    got, want = percentile(x, q), np.percentile(x, q, axis=-1)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want)
    assert np.array_equal(percentile(x[0], q), np.percentile(x[0], q))


def test_percentile_with_infinities_and_nan_as_numpy() -> None:
    x = np.array([[1.0, np.inf, 3.0, -np.inf, 2.0], [1.0, 2.0, np.nan, 4.0, 5.0],
                  [np.inf] * 5])
    with np.errstate(invalid="ignore"):
        assert np.array_equal(percentile(x, (5, 50, 95)), np.percentile(x, (5, 50, 95), axis=1),
                              equal_nan=True)


def test_percentile_overwrites_only_when_asked() -> None:
    x = np.random.default_rng(1).normal(size=(2, 1001))
    before = x.copy()
    percentile(x, (5, 50, 95))
    assert np.array_equal(x, before)
    got = percentile(x, (5, 50, 95), overwrite_input=True)
    assert np.array_equal(got, np.percentile(before, (5, 50, 95), axis=1))
    assert np.array_equal(np.sort(x, axis=1), np.sort(before, axis=1))  # reordered only


@settings(max_examples=100, deadline=None)
@given(samples, st.lists(st.integers(0, 10_000), min_size=1, max_size=8))
def test_order_statistics_are_sorted_positions(x: np.ndarray, picks: list[int]) -> None:
    ranks = [p % x.shape[1] for p in picks]
    want = np.moveaxis(np.sort(x, axis=-1)[:, ranks], -1, 0)
    assert np.array_equal(order_statistics(x.copy(), ranks), want)


def test_order_statistics_put_nan_last_like_sort() -> None:
    x = np.array([3.0, np.nan, 1.0, 2.0, np.nan])
    assert np.array_equal(order_statistics(x.copy(), [0, 1, 2, 3, 4]), np.sort(x),
                          equal_nan=True)


def test_fan_is_percentile_over_draws_per_year() -> None:
    c = np.random.default_rng(2).normal(size=(999, 7)).cumsum(axis=1)
    q = np.percentile(c, [5, 50, 95], axis=0)
    assert fan(c) == {k: row.tolist() for k, row in zip(("p5", "p50", "p95"), q, strict=True)}


@pytest.mark.parametrize("ties", [False, True])
def test_p_best_is_the_mean_of_even_shares(ties: bool) -> None:
    rng = np.random.default_rng(9)
    value = rng.integers(0, 3, size=(3, 5001)).astype(float) if ties else \
        rng.normal(size=(3, 5001))
    top = value == value.max(axis=0, keepdims=True)
    assert np.array_equal(p_best(value), (top / top.sum(axis=0, keepdims=True)).mean(axis=1))
