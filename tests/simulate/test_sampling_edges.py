"""The random inputs against numbers computed another way (docs/testing.md, mutation testing).

Each stream is rebuilt here from its documented recipe (a BLAKE2b digest of the key, NumPy's
SeedSequence and PCG64), each distribution is SciPy's or its closed form, so a test fails if
the sampler draws from the wrong stream, the wrong chunk or the wrong quantile. The rest pins
what mutation testing found untested: which streams a StreamPool keeps, which inline
ranges ``inline_values`` returns, a pinned inline range, and the refusals.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math

import numpy as np
import pytest
from scipy import stats

import crossroads
from crossroads.errors import DecisionError, UnknownName
from crossroads.estimate.dists import Beta, Pert
from crossroads.simulate.sampling import (
    StreamPool,
    Streams,
    draw,
    finite,
    from_normal,
    inline_values,
)

N = 2000
TEXT = ("decision: t\nhorizon: 3\nparams:\n  y: 2 * pert(1, 2, 9)\noptions:\n"
        "  a: {roles: {r: {cash: \"y + pert(0, 1, 2) + (10 to 20)\"}}}\n"
        "  b: {roles: {r: {cash: 1}}}\n")


def _generator(seed: int, chunk: int, key: str) -> np.random.Generator:
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    words = (int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little"))
    seq = np.random.SeedSequence(entropy=seed, spawn_key=(chunk, *words))
    return np.random.Generator(np.random.PCG64(seq))


def _pert_ppf(lo: float, mode: float, hi: float, u: np.ndarray) -> np.ndarray:
    """PERT quantile from SciPy's beta: alpha = 1 + 4 (mode - lo) / (hi - lo), and beta."""
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    return np.asarray(lo + (hi - lo) * np.asarray(stats.beta(a, b).ppf(u), dtype=float))


def _ci90(lo: float, hi: float, z: np.ndarray) -> np.ndarray:
    """`lo to hi`: a lognormal with lo and hi its 5% and 95% quantiles."""
    mu = (math.log(lo) + math.log(hi)) / 2
    sigma = (math.log(hi) - math.log(lo)) / (2 * float(stats.norm.ppf(0.95)))
    return np.asarray(np.exp(mu + sigma * z))


def test_an_expression_param_is_its_ranges_quantile_of_its_own_uniforms() -> None:
    # `2 * pert(1, 2, 9)` is no single distribution: its node is drawn from the uniforms of
    # `params.y#0` in this seed and chunk (seed 3, chunk 2), through the PERT's quantile
    d = draw(crossroads.load(TEXT), N, Streams(3, chunk=2))
    u = _generator(3, 2, "params.y#0").random(N)
    np.testing.assert_allclose(d.params["y"], 2 * _pert_ppf(1, 2, 9, u), rtol=1e-12)


def test_a_fields_ranges_come_from_their_own_normals_in_every_row() -> None:
    model = crossroads.load(TEXT)
    streams = Streams(7, chunk=1)
    d = draw(model, N, streams)
    f = model.options[0].roles[0].cash
    z0 = _generator(7, 1, f"{f.key}#0").standard_normal(N)
    z1 = _generator(7, 1, f"{f.key}#1").standard_normal(N)
    want = d.params["y"] + _pert_ppf(0, 1, 2, stats.norm.cdf(z0)) + _ci90(10, 20, z1)
    np.testing.assert_allclose(d.evaluate(f), want, rtol=1e-9)
    rows = np.array([3, 0, N - 1, 17])
    fresh = draw(model, N, Streams(7, chunk=1))  # rows first, before the whole field
    np.testing.assert_allclose(fresh.evaluate_rows(f, rows), want[rows], rtol=1e-9)
    np.testing.assert_allclose(d.evaluate_rows(f, rows), want[rows], rtol=1e-9)
    # inline_values: the same numbers, only those asked for
    only = inline_values(model, Streams(7, chunk=1), N, names={"a.r.cash#1"})
    assert set(only) == {"a.r.cash#1"}
    np.testing.assert_allclose(only["a.r.cash#1"], _ci90(10, 20, z1), rtol=1e-12)
    every = inline_values(model, Streams(7, chunk=1), N)
    assert set(every) == {"a.r.cash#0", "a.r.cash#1"}
    np.testing.assert_allclose(every["a.r.cash#0"], _pert_ppf(0, 1, 2, stats.norm.cdf(z0)),
                               atol=1e-9)


def test_an_inline_range_pinned_at_a_value_is_that_value_in_every_draw() -> None:
    model = crossroads.load(TEXT)
    f = model.options[0].roles[0].cash
    d = draw(model, N, Streams(7), overrides={"a.r.cash#1": 15.0})
    z0 = _generator(7, 0, f"{f.key}#0").standard_normal(N)
    want = d.params["y"] + _pert_ppf(0, 1, 2, stats.norm.cdf(z0)) + 15.0
    np.testing.assert_allclose(d.evaluate(f), want, rtol=1e-9)
    with pytest.raises(UnknownName, match=r"is named a\.r\.nope, b\.x$") as caught:
        draw(model, N, Streams(7), overrides={"b.x": 1.0, "a.r.nope": 1.0})
    assert caught.value.argument == "overrides"
    # the same streams, drawn unpinned first: the pin is not hidden by the kept nodes
    streams = Streams(7)
    assert not np.allclose(draw(model, N, streams).evaluate(f), want)
    np.testing.assert_allclose(draw(model, N, streams, overrides={"a.r.cash#1": 15.0})
                               .evaluate(f), want, rtol=1e-9)


def test_a_stream_pool_keeps_each_model_its_own_streams() -> None:
    pool, one, two = StreamPool(max_draws=100), object(), object()
    first = pool.get(one, seed=1, chunk=0, n=10)
    other = pool.get(two, seed=1, chunk=0, n=10)
    assert other is not first
    assert pool.get(one, seed=1, chunk=0, n=10) is first
    assert pool.get(two, seed=1, chunk=0, n=10) is other


def test_a_stream_pool_keeps_up_to_max_draws_exactly() -> None:
    pool, model = StreamPool(max_draws=20), object()
    whole = pool.get(model, seed=1, chunk=0, n=20)  # n == max_draws: kept
    assert pool.get(model, seed=1, chunk=0, n=20) is whole
    pool, model = StreamPool(max_draws=20), object()
    a = pool.get(model, seed=1, chunk=0, n=10)
    b = pool.get(model, seed=1, chunk=1, n=10)  # 10 + 10 = 20: both kept
    assert pool.get(model, seed=1, chunk=0, n=10) is a
    assert pool.get(model, seed=1, chunk=1, n=10) is b


def test_a_pooled_chunk_draws_that_chunks_numbers() -> None:
    s = StreamPool().get(object(), seed=5, chunk=3, n=8)
    np.testing.assert_array_equal(s.uniform("k", (8,)), _generator(5, 3, "k").random(8))
    np.testing.assert_array_equal(s.normal("k", (8,)), _generator(5, 3, "k").standard_normal(8))


def test_a_value_that_is_not_finite_is_refused_with_its_share_and_an_example() -> None:
    f = crossroads.load(TEXT).params["y"]
    value = np.array([1.0, np.inf, 2.0, np.nan])
    with pytest.raises(ValueError, match=r"^params\.y: this estimate is not a finite number "
                       r"in 50\.0% of draws \(one gives inf\) \(look for a division"):
        finite(f, value, None)
    ok = np.array([1.0, 2.0])
    assert finite(f, ok, None) is ok
    text = "decision: t\nparams:\n  z: 0\n  y: 1 / z\noptions:\n  a: {roles: {r: {cash: y}}}\n"
    # line 4, column 6: where `y`'s estimate is written
    with pytest.raises(DecisionError, match=r"^<string>:4:6: this estimate is not a finite "
                       r"number in 100\.0% of draws \(one gives inf\) \(look for a division by "
                       r"a value that can be 0, log or sqrt of a value that can be negative, "
                       r"or numbers beyond 1e308\)$"):
        draw(crossroads.load(text), 10, Streams(1))


def test_a_correlated_param_must_be_a_single_distribution() -> None:
    text = ("decision: t\nparams:\n  x: 3 to 4\n  y: 2 * (3 to 4)\ncorrelations:\n"
            "  - [x, y, 0.5]\noptions:\n  a: {roles: {r: {cash: x + y}}}\n")
    try:
        model = crossroads.load(text)
    except DecisionError as e:  # refused when the file is compiled: also fine
        assert "single distribution" in str(e)
        return
    with pytest.raises(DecisionError, match=r"^<string>:4:6: `y` is correlated, so it must be "
                       r"a single distribution such as `3 to 4` or `pert\(1, 2, 4\)`, not an "
                       r"expression or a constant"):
        draw(model, 10, Streams(1))


@pytest.mark.parametrize("source", ["each_year(pert(1, 2, 9))", "2 * each_year(pert(1, 2, 9))"])
def test_a_param_drawn_each_year_has_one_uniform_per_draw_and_year(source: str) -> None:
    text = (f"decision: t\nhorizon: 4\nparams:\n  g: \"{source}\"\n"
            "options:\n  a: {roles: {r: {cash: g}}}\n")
    g = draw(crossroads.load(text), N, Streams(2)).params["g"]
    u = _generator(2, 0, "params.g#0").random((N, 4))
    scale = 2.0 if source.startswith("2") else 1.0
    np.testing.assert_allclose(g, scale * _pert_ppf(1, 2, 9, u), rtol=1e-9)


def test_a_field_with_an_unresolved_market_estimate_says_so_whole_or_by_rows() -> None:
    from crossroads.estimate.expr import ExprError, compile_estimate

    model = crossroads.load("decision: t\noptions:\n  a: {roles: {r: {cash: 1}}}\n")
    expr = compile_estimate('1 + market(title="ML Engineer", level=SE, country=DE) + (1 to 2)')
    f = dataclasses.replace(model.options[0].roles[0].cash, expr=expr)
    d = draw(model, 10, Streams(1))
    rows = np.array([1, 2])
    with pytest.raises(ExprError, match=r"market\(\.\.\.\) has no distribution yet"):
        d.evaluate(f)
    with pytest.raises(ExprError, match=r"market\(\.\.\.\) has no distribution yet"):
        d.evaluate_rows(f, rows)
    with pytest.raises(ExprError, match=r"market\(\.\.\.\) has no distribution yet"):
        d.evaluate_rows(f, rows, {"x": 1.0})


def test_a_fields_rows_that_are_not_finite_are_refused_at_the_field() -> None:
    # pert(0, 0, 1) is Beta(1, 5): x < 0.5, and the log NaN, with probability 1 - 0.5^5
    text = ("decision: t\noptions:\n  a: {roles: {r: {cash: \"log(pert(0, 0, 1) - 0.5)\"}}}\n")
    model = crossroads.load(text)
    d = draw(model, 200, Streams(1))
    for ask in (d.evaluate_rows, lambda f, rows: d.evaluate(f)):
        with pytest.raises(DecisionError, match="not a finite number in"):
            ask(model.options[0].roles[0].cash, np.arange(200))


@pytest.mark.parametrize(("pin", "u"), [(-1e300, 1e-12), (1e300, 1 - 1e-12)])
def test_an_inline_range_pinned_beyond_its_support_is_its_1e_12_quantile(pin: float,
                                                                          u: float) -> None:
    # the quantile 0 or 1 of a normal is infinite: a pin is clipped to [1e-12, 1 - 1e-12]
    text = "decision: t\noptions:\n  a: {roles: {r: {cash: \"normal(0, 1)\"}}}\n"
    model = crossroads.load(text)
    d = draw(model, 5, Streams(1), overrides={"a.r.cash": pin})
    got = d.evaluate(model.options[0].roles[0].cash)
    np.testing.assert_allclose(got, np.full(5, stats.norm.ppf(u)), rtol=1e-6)


def test_a_fields_each_year_range_has_one_uniform_per_draw_and_year() -> None:
    text = ("decision: t\nhorizon: 4\noptions:\n"
            "  a: {roles: {r: {cash: \"1 + each_year(pert(1, 2, 9))\"}}}\n")
    model = crossroads.load(text)
    f = model.options[0].roles[0].cash
    got = draw(model, N, Streams(6)).evaluate(f)
    u = _generator(6, 0, f"{f.key}#0").random((N, 4))
    np.testing.assert_allclose(got, 1 + _pert_ppf(1, 2, 9, u), rtol=1e-9)


def test_a_param_that_is_one_distribution_is_its_quantile_of_its_keys_normals() -> None:
    text = "decision: t\nparams:\n  x: pert(1, 2, 9)\noptions:\n  a: {roles: {r: {cash: x}}}\n"
    x = draw(crossroads.load(text), N, Streams(9, chunk=4)).params["x"]
    z = _generator(9, 4, "params.x#0").standard_normal(N)
    np.testing.assert_allclose(x, _pert_ppf(1, 2, 9, stats.norm.cdf(z)), atol=1e-9)


@pytest.mark.parametrize("dist", [Beta(2.0, 5.0), Pert(1.0, 2.0, 9.0)])
def test_a_beta_far_beyond_the_tables_grid_is_its_end(dist: Beta | Pert) -> None:
    # the table spans z in [-9, 9] and a normal score beyond it is read at its end
    # (probability 2e-19): SciPy's beta at Phi(clip(z)), each tail from its own side
    z = np.array([-40.0, -20.0, -9.5, -9.0, 8.995, 9.0, 9.5, 20.0, 40.0])
    zc = np.clip(z, -9.0, 9.0)
    a, b = (dist.a, dist.b) if isinstance(dist, Beta) else (dist.alpha, dist.beta)
    lo, hi = (0.0, 1.0) if isinstance(dist, Beta) else (dist.lo, dist.hi)
    exact = np.where(z < 0, stats.beta(a, b).ppf(stats.norm.cdf(zc)),
                     1 - stats.beta(b, a).ppf(stats.norm.cdf(-zc)))
    np.testing.assert_allclose(from_normal(dist, z), lo + (hi - lo) * exact, rtol=0,
                               atol=1e-9 * (hi - lo))


def test_perfectly_correlated_params_are_comonotone_and_finite() -> None:
    # [[1, 1], [1, 1]] has an eigenvalue 0 that rounds either side of it
    text = ("decision: t\nparams:\n  x: 3 to 4\n  y: pert(1, 2, 9)\ncorrelations:\n"
            "  - [x, y, 1.0]\noptions:\n  a: {roles: {r: {cash: x + y}}}\n")
    d = draw(crossroads.load(text), N, Streams(1)).params
    x, y = np.asarray(d["x"]), np.asarray(d["y"])
    assert np.isfinite(x).all() and np.isfinite(y).all()
    assert np.all(np.diff(y[np.argsort(x)]) >= 0)
