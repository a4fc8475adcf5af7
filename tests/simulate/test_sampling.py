"""Random inputs: named streams, params drawn once, the Gaussian copula."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

import crossroads
from crossroads.estimate.dists import Beta, LogNormal, Pert
from crossroads.simulate.sampling import Streams, draw, from_normal
from tests.conftest import EXAMPLES

BASE = """\
decision: copula
samples: 100000
params:
  a: 3 to 4
  b: 30% to 50%
  c: pert(1, 2, 9)
  d: a * 2
correlations:
  - [a, b, {rho_ab}]
  - [b, c, {rho_bc}]
options:
  x:
    roles:
      r: {{cash: d, next: [{{to: r, after: 1, chance: b}}]}}
"""


@pytest.mark.parametrize(("rho_ab", "rho_bc"), [(0.5, -0.3), (-0.7, 0.0), (0.7, 0.6)])
def test_copula_reaches_the_rank_correlation_and_keeps_marginals(rho_ab: float,
                                                                 rho_bc: float) -> None:
    model = crossroads.load(BASE.format(rho_ab=rho_ab, rho_bc=rho_bc))
    d = draw(model, 100_000, Streams(11)).params
    got_ab = stats.spearmanr(d["a"], d["b"]).statistic
    got_bc = stats.spearmanr(d["b"], d["c"]).statistic
    assert got_ab == pytest.approx(rho_ab, abs=0.02)
    assert got_bc == pytest.approx(rho_bc, abs=0.02)
    # marginals: a is the lognormal with 90% in [3, 4]; b the beta fitted to 30%..50%
    assert np.mean(d["a"] < 3) == pytest.approx(0.05, abs=0.004)
    assert np.mean(d["a"] > 4) == pytest.approx(0.05, abs=0.004)
    assert np.mean(d["b"] < 0.3) == pytest.approx(0.05, abs=0.004)
    assert stats.kstest(d["c"], Pert(1, 2, 9).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(d["d"], 2 * d["a"])  # drawn once, reused by name


def test_same_seed_same_draws_other_seed_differs() -> None:
    model = crossroads.load(BASE.format(rho_ab=0.5, rho_bc=0.1))
    one = draw(model, 1000, Streams(3)).params
    two = draw(model, 1000, Streams(3)).params
    three = draw(model, 1000, Streams(4)).params
    for name in one:
        np.testing.assert_array_equal(one[name], two[name])
    assert not np.array_equal(one["a"], three["a"])


def test_streams_are_independent_of_what_else_is_drawn() -> None:
    s1, s2 = Streams(9), Streams(9)
    s2.uniform("other", (10,))
    np.testing.assert_array_equal(s1.uniform("x", (5,)), s2.uniform("x", (5,)))
    assert not np.array_equal(Streams(9, chunk=0).uniform("x", (5,)),
                              Streams(9, chunk=1).uniform("x", (5,)))


@pytest.mark.parametrize("dist", [Beta(2.0, 5.0), Beta(0.5, 0.7), Beta(40.0, 60.0),
                                  Pert(1.0, 2.0, 9.0), LogNormal(0.0, 1.0)])
def test_fast_from_normal_matches_the_exact_quantile(dist: object) -> None:
    z = np.random.default_rng(0).standard_normal(50_000)
    np.testing.assert_allclose(from_normal(dist, z), dist.from_normal(z), rtol=0, atol=1e-9)


def test_overrides_pin_a_param_and_its_dependants_follow() -> None:
    model = crossroads.load(BASE.format(rho_ab=0.5, rho_bc=0.1))
    d = draw(model, 100, Streams(1), overrides={"a": 3.5}).params
    assert d["a"] == 3.5
    assert np.all(d["d"] == 7.0)


def test_a_stream_pool_gives_the_same_results_and_reuses_the_numbers() -> None:
    from crossroads.simulate.sampling import StreamPool

    model = crossroads.load(EXAMPLES / "why-i-quit-data-science.yaml")
    pool = StreamPool()
    for multiple in (3.0, 3.7):  # a what-if slider moved between two runs
        pinned = {"lead_multiple": multiple}
        fresh = crossroads.run(model, samples=3000, seed=4, overrides=pinned).to_dict()
        pooled = crossroads.run(model, samples=3000, seed=4, overrides=pinned,
                                streams=pool).to_dict()
        assert json.dumps(pooled, sort_keys=True) == json.dumps(fresh, sort_keys=True)
    kept = pool.get(model, seed=4, chunk=0, n=3000)
    assert kept.nodes and kept is pool.get(model, seed=4, chunk=0, n=3000)
    assert pool.get(crossroads.load(EXAMPLES / "two-offers.yaml"), 4, 0, 3000) is not kept


def test_a_stream_pool_is_bounded() -> None:
    from crossroads.simulate.sampling import StreamPool

    pool, model = StreamPool(max_draws=100), object()
    first = pool.get(model, seed=1, chunk=0, n=60)
    pool.get(model, seed=1, chunk=1, n=60)  # 120 > 100: the first is let go
    assert pool.get(model, seed=1, chunk=0, n=60) is not first
    assert pool.get(model, seed=1, chunk=0, n=1000) is not pool.get(model, 1, 0, 1000)


@pytest.mark.parametrize("dist", [Beta(2.0, 5.0), Pert(1.0, 2.0, 9.0), LogNormal(0.0, 1.0)])
def test_every_shape_is_the_inverse_cdf_of_its_keys_normals(dist: object) -> None:
    """docs/estimates.md: drawn by inverse transform. A beta or PERT is its exact quantile
    at Phi(z) of the key's normals (to 1e-9), so two fields sharing a key are comonotone."""
    from crossroads.simulate.sampling import sample_dist

    streams = Streams(seed=4)
    z = streams.normal("k#0", (20_000,))
    got = sample_dist(dist, "k#0", streams, 20_000)  # type: ignore[arg-type]
    exact = dist.ppf(stats.norm.cdf(z))  # type: ignore[attr-defined]
    scale = max(1.0, float(np.abs(exact).max()))
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-9 * scale)


def test_a_probability_range_inline_and_as_a_param_is_drawn_the_same_way() -> None:
    """The beta of `30% to 50%` inline is the one the same range gets as a param, drawn as
    its exact quantile of the inline field's own normals (not NumPy's beta sampler)."""
    text = ("decision: t\nhorizon: 2\nparams: {p: 30% to 50%}\noptions:\n"
            "  a: {roles: {r: {cash: 1, next: [{to: s, after: 1, chance: 30% to 50%}]}, "
            "s: {cash: 2}}}\n  b: {roles: {r: {cash: 1, next: [{to: s, after: 1, chance: p}]}, "
            "s: {cash: 2}}}\n")
    model = crossroads.load(text)
    inline = model.options[0].roles[0].next[0].chance
    beta = model.params["p"].expr.as_dist()
    assert beta is not None and inline.expr.as_dist() == beta
    streams = Streams(seed=1)
    values = draw(model, 20_000, streams).evaluate(inline)
    z = streams.normal(f"{inline.key}#0", (20_000,))
    np.testing.assert_allclose(values, beta.ppf(stats.norm.cdf(z)), rtol=0, atol=1e-9)
