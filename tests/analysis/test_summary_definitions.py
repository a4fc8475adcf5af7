"""The fast summaries equal the simple definitions they replace, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossroads
from crossroads.analysis.summary import (
    break_even_years,
    reduce,
    value_of,
    year_major,
)
from crossroads.sample import Streams, draw
from crossroads.simulate.paths import simulate
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
