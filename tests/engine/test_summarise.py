"""`run`'s summaries equal the simple definitions: np.percentile, rankdata, np.corrcoef."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

import crossroads
from crossroads.engine import accumulate, loop
from crossroads.engine import summarise as run_module  # the run's per-draw statistics
from tests.conftest import EXAMPLES


def tied(seed: int, n: int, kind: str) -> np.ndarray:
    """Draws with the ties and near-ties ranking has to get right."""
    rng = np.random.default_rng(seed)
    if kind == "continuous":
        return rng.lognormal(11.0, 0.5, n)
    if kind == "discrete":
        return rng.integers(0, 4, n).astype(float)
    if kind == "rounded":
        return np.round(rng.normal(0.0, 1.0, n), 1)
    if kind == "zeros":
        x = rng.normal(0.0, 1.0, n)
        x[::3], x[1::3] = 0.0, -0.0
        return x
    # neighbours a few ulps apart share every bit above the index bits of the fast sort
    base = np.repeat(rng.normal(0.0, 1.0, n // 4 + 1), 4)[:n]
    x = base + np.tile(np.arange(4.0), n)[:n] * np.spacing(base)
    return rng.permutation(-x if kind == "near-negative" else x)


KINDS = ["continuous", "discrete", "rounded", "zeros", "near", "near-negative"]


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.sampled_from(KINDS))
def test_rank_is_scipy_rankdata(seed: int, n: int, kind: str) -> None:
    x = tied(seed, n, kind)
    assert np.array_equal(run_module._rank(x), rankdata(x))


@pytest.mark.parametrize("special", [np.inf, -np.inf, np.nan])
def test_rank_with_infinities_and_nan_falls_back_to_argsort(special: float) -> None:
    x = tied(3, 500, "near")
    x[[7, 99]] = special
    order, ordered = run_module._sort_order(x)
    assert sorted(order.tolist()) == list(range(x.size))
    assert np.array_equal(ordered, np.sort(x), equal_nan=True)
    if not np.isnan(special):
        assert np.array_equal(run_module._rank(x), rankdata(x))


def test_near_ties_are_ordered_by_value_without_argsort(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_argsort(*args: object, **kwargs: object) -> None:
        raise AssertionError("fell back to argsort")

    runs = []
    order_within = run_module._order_within

    def spy(order: np.ndarray, same: np.ndarray, x: np.ndarray) -> None:
        runs.append(int(same.sum()))
        order_within(order, same, x)

    x = tied(4, 20_000, "near")
    monkeypatch.setattr(run_module.np, "argsort", no_argsort)
    monkeypatch.setattr(run_module, "_order_within", spy)
    order, ordered = run_module._sort_order(x)
    assert runs and runs[0] > 0  # near ties came out of the float sort out of order
    assert np.array_equal(ordered, np.sort(x))
    assert np.array_equal(x[order], ordered)


@pytest.mark.parametrize("kind", KINDS)
def test_spearman_is_corrcoef_of_ranks_bit_for_bit(kind: str) -> None:
    rng = np.random.default_rng(8)
    for m in (2, 3, 1000, 200_000):
        x, y = tied(1, m, kind), rng.normal(size=m) + tied(2, m, kind)
        if not np.ptp(x) > 0:
            continue  # the screen leaves out a param that does not vary
        rx, ry = rankdata(x), rankdata(y)
        cx, cy = rx - (m + 1) / 2, ry - (m + 1) / 2
        got = run_module._pearson(run_module._dot(cx, cy), run_module._dot(cx, cx),
                                  run_module._dot(cy, cy), m)
        assert got == np.corrcoef(rx, ry)[0, 1]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 2000), st.sampled_from(KINDS),
       st.sampled_from([np.float32, np.float16]))
def test_stats_are_np_percentile_of_the_compact_copy(seed: int, n: int, kind: str,
                                                      dtype: type) -> None:
    x = np.stack([tied(seed, n, kind), tied(seed + 1, n, "continuous")]) / 1e3
    x = x.astype(dtype)
    rows = run_module._stats(x, np.array([1.5, 2.5]))
    for row, data, mean in zip(rows, x, (1.5, 2.5), strict=True):
        want = np.percentile(data.astype(np.float64), [5, 50, 95])
        assert row["mean"] == mean
        assert [row["p5"], row["p50"], row["p95"]] == pytest.approx(want.tolist(), rel=1e-12,
                                                                    abs=1e-12)


@pytest.mark.parametrize("worth", [False, True])
def test_value_stats_reuse_npv_only_when_value_is_npv(worth: bool) -> None:
    npv = np.random.default_rng(3).normal(size=(2, 999)).astype(np.float32)
    acc = SimpleNamespace(npv=npv, value=npv + np.float32(worth))
    means = np.array([0.5, 1.5])
    got = run_module._value_stats(acc, run_module._stats(npv, np.zeros(2)), means)
    assert got == run_module._stats(acc.value, means)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hist_counts_as_np_histogram_with_the_edges(dtype: type) -> None:
    rng = np.random.default_rng(6)
    x: np.ndarray = rng.normal(1e5, 2e4, 50_000).astype(dtype)
    edges = run_module._edges(x[np.newaxis])
    lo, hi = np.percentile(x, [0.5, 99.5])
    assert np.array_equal(edges, np.linspace(lo, hi, 41))
    x[:41] = edges  # values on the edges (exactly, in float64), and beyond both ends
    x[40:50], x[50:60] = edges[0] - 1, edges[-1] + 1
    got = run_module._hist(x, edges)
    want, _ = np.histogram(np.clip(x, edges[0], edges[-1]), bins=edges)
    assert got["counts"] == want.tolist() and got["edges"] == edges.tolist()


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 3000), st.integers(-2, 7), st.integers(0, 9),
       st.integers(1, 4000), st.booleans())
def test_bin_counts_are_np_histogram(seed: int, n: int, scale: int, shift: int, block: int,
                                     single: bool) -> None:
    rng = np.random.default_rng(seed)
    # a narrow spread far from zero leaves few edges' worth of digits: np.histogram instead
    x = 10.0**scale * (rng.normal(size=n) + rng.normal() * 10.0**shift)
    if single:
        x = x.astype(np.float32)
    edges = run_module._edges(x[np.newaxis]) if n else np.linspace(0.0, 1.0, 41)
    if n > 100:  # on the edges, just beside them, beyond both ends
        x[:41] = edges
        x[41:82] = np.nextafter(edges, np.inf)
        x[82:84] = edges[0] - 1, edges[-1] + 1
    got = run_module._bin_counts(x, edges, block=block)
    want, _ = np.histogram(np.clip(x, edges[0], edges[-1]), bins=edges)
    assert got.tolist() == want.tolist()


def test_bin_counts_leave_out_nan_as_np_histogram() -> None:
    x = np.array([0.1, np.nan, 0.9, 0.5])
    edges = np.linspace(0.0, 1.0, 5)
    assert run_module._bin_counts(x, edges).tolist() == [1, 0, 1, 1]


def test_fans_are_np_percentile_of_the_first_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "SCREEN_DRAWS", 700)
    rng = np.random.default_rng(7)
    chunks = [np.moveaxis(rng.normal(size=(2, 5, k)).cumsum(axis=1), 1, 2) for k in (400, 500)]
    fans = run_module._fans(chunks)
    joined = np.concatenate(chunks, axis=1)[:, :700]
    for i in range(2):
        q = np.percentile(joined[i], [5, 50, 95], axis=0)
        assert fans[i] == {k: row.tolist() for k, row in zip(("p5", "p50", "p95"), q,
                                                            strict=True)}


def test_a_run_of_three_chunks_gives_the_same_json_twice_and_another_seed_differs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reproducible to the byte across chunks (the chunks' numbers equal `collect`'s per-draw
    values: tests/engine/test_run_oracles.py). Two chunks are past the screen's draws: reduced
    without their cumulative cash."""
    monkeypatch.setattr(loop, "CHUNK", 8_000)
    for module in (loop, accumulate, run_module):
        monkeypatch.setattr(module, "SCREEN_DRAWS", 6_000)
    model = crossroads.load(EXAMPLES / "why-i-quit-data-science.yaml")
    first = json.dumps(crossroads.run(model, samples=16_001, seed=4).to_dict())
    again = json.dumps(crossroads.run(model, samples=16_001, seed=4).to_dict())
    other = crossroads.run(model, samples=16_001, seed=5).to_dict()
    assert first == again
    data = json.loads(first)
    assert data["samples"] == 16_001
    for oid, o in data["options"].items():
        assert o["value"]["mean"] != other["options"][oid]["value"]["mean"]
    assert data["screen"] and all(-1 <= v <= 1 for v in data["screen"].values())


NOT_FINITE = """\
decision: T
samples: 2000
params:
  x: 1 to 2
  y: log(x - 1.5)
options:
  a:
    roles:
      j: {cash: 100k}
  b:
    roles:
      j: {cash: x / (x - x)}
"""


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    (NOT_FINITE, 5, 6, "not a finite number in"),  # the param, drawn first
    (NOT_FINITE.replace("log(x - 1.5)", "log(x)"), 12, 17, "(one gives inf)"),
    (NOT_FINITE.replace("log(x - 1.5)", "log(x)").replace("x / (x - x)", "1e200, raise: 1e200%"),
     10, 3, "option `b`: its cash is not a finite number below 3.4e38"),
])
def test_values_that_are_not_finite_are_located_errors(
        text: str, line: int, column: int, words: str) -> None:
    model = crossroads.load(text)
    for call in (lambda: crossroads.run(model), lambda: crossroads.voi(model)):
        with pytest.raises(crossroads.DecisionError) as info:
            call()
        assert (info.value.line, info.value.column) == (line, column), info.value.format()
        assert words in info.value.format()
