"""Every distribution against scipy.stats: quantiles, CDF, mean, interval, sample mean.

Same seed, same draws is the streams' promise (tests/simulate/test_sampling.py): ``ppf`` is a pure
function, so calling it twice on the same numbers would test nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from crossroads.estimate.dists import (
    Bernoulli,
    Beta,
    Constant,
    Dist,
    Empirical,
    LogNormal,
    Mixture,
    Normal,
    Pert,
    Triangular,
    Uniform,
)

N = 200_000
U = np.array([0.001, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999])
SALARIES = (52_000.0, 61_500.0, 75_000.0, 75_000.0, 90_000.0, 120_000.0, 180_000.0)


def _pert_ref(lo: float, mode: float, hi: float):
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    return stats.beta(a, b, loc=lo, scale=hi - lo)


# (our distribution, the scipy.stats frozen reference)
CASES = [
    (Normal(10.0, 2.0), stats.norm(10.0, 2.0)),
    (Normal(-3.0, 0.01), stats.norm(-3.0, 0.01)),
    (LogNormal(1.2, 0.3), stats.lognorm(0.3, scale=math.exp(1.2))),
    (LogNormal(11.0, 1.5), stats.lognorm(1.5, scale=math.exp(11.0))),
    (Uniform(-1.0, 3.0), stats.uniform(-1.0, 4.0)),
    (Beta(2.0, 6.0), stats.beta(2.0, 6.0)),
    (Beta(0.3, 0.7), stats.beta(0.3, 0.7)),
    (Triangular(0.0, 3.0, 6.0), stats.triang(0.5, loc=0.0, scale=6.0)),
    (Triangular(1.0, 1.0, 4.0), stats.triang(0.0, loc=1.0, scale=3.0)),
    (Triangular(1.0, 4.0, 4.0), stats.triang(1.0, loc=1.0, scale=3.0)),
    (Pert(5.0, 8.0, 9.0), _pert_ref(5.0, 8.0, 9.0)),
    (Pert(0.0, 0.0, 10.0), _pert_ref(0.0, 0.0, 10.0)),
    (Bernoulli(0.3), stats.bernoulli(0.3)),
    (Bernoulli(0.0), stats.bernoulli(0.0)),
    (Bernoulli(1.0), stats.bernoulli(1.0)),
]
IDS = [repr(d) for d, _ in CASES]

ALL_DISTS: list[Dist] = [d for d, _ in CASES] + [
    Constant(3.5),
    Empirical(SALARIES),
    Mixture((Normal(0.0, 1.0), Normal(5.0, 2.0)), (0.3, 0.7)),
    Mixture((Constant(0.0), LogNormal(0.0, 0.5))),
]


@pytest.mark.parametrize(("dist", "ref"), CASES, ids=IDS)
def test_ppf_matches_scipy(dist: Dist, ref) -> None:
    np.testing.assert_allclose(dist.ppf(U), ref.ppf(U), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("dist", "ref"), CASES, ids=IDS)
def test_cdf_matches_scipy(dist: Dist, ref) -> None:
    x = ref.ppf(U) + np.array([-0.5, 0.0, 0.1, 0.0, -0.1, 0.0, 0.5]) * ref.std()
    np.testing.assert_allclose(dist.cdf(x), ref.cdf(x), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("dist", "ref"), CASES, ids=IDS)
def test_mean_and_interval_match_scipy(dist: Dist, ref) -> None:
    assert dist.mean() == pytest.approx(ref.mean(), rel=1e-12, abs=1e-15)
    if isinstance(dist, Bernoulli):  # scipy's discrete interval uses a different convention
        return
    assert dist.interval(0.9) == pytest.approx(ref.interval(0.9), rel=1e-9, abs=1e-12)
    assert dist.interval(0.5) == pytest.approx(ref.interval(0.5), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("dist", ALL_DISTS, ids=repr)
def test_sample_mean_within_four_standard_errors(dist: Dist) -> None:
    x = dist.ppf(np.random.default_rng(2021).random(N))
    se = x.std() / math.sqrt(N)
    assert abs(x.mean() - dist.mean()) <= 4 * se + 1e-12 * abs(dist.mean())


@pytest.mark.parametrize("dist", ALL_DISTS, ids=repr)
def test_ppf_is_monotone_and_vectorised(dist: Dist) -> None:
    u = np.linspace(0.0005, 0.9995, 2001)
    x = dist.ppf(u)
    assert x.shape == u.shape and x.dtype == np.float64
    assert np.all(np.diff(x) >= 0)
    assert dist.ppf(u.reshape(23, 87)).shape == (23, 87)


@pytest.mark.parametrize("dist", ALL_DISTS, ids=repr)
def test_from_normal_is_ppf_of_ndtr(dist: Dist) -> None:
    z = np.random.default_rng(3).standard_normal(500)
    np.testing.assert_allclose(dist.from_normal(z), dist.ppf(special.ndtr(z)),
                               rtol=1e-9, atol=1e-12)


def test_base_stream() -> None:
    assert Normal.base == LogNormal.base == "normal"
    assert {type(d).base for d in ALL_DISTS} == {"normal", "uniform"}
    assert Pert.base == Beta.base == Empirical.base == Mixture.base == "uniform"


def test_constant() -> None:
    assert Constant(3.5).ppf(U).tolist() == [3.5] * len(U)
    assert Constant(3.5).interval() == (3.5, 3.5)
    assert Constant(3.5).cdf(np.array([3.4, 3.5])).tolist() == [0.0, 1.0]


def test_bernoulli_ppf_rule() -> None:
    # 1.0 exactly where u > 1 - p
    assert Bernoulli(0.3).ppf(np.array([0.69, 0.7, 0.70001, 0.99])).tolist() == [0, 0, 1, 1]


def test_empirical_resamples_each_value_equally() -> None:
    d = Empirical(SALARIES)
    assert d.values == tuple(sorted(SALARIES))
    u = np.random.default_rng(11).random(N)
    x = d.ppf(u)
    assert set(np.unique(x)) == set(SALARIES)
    frac = np.mean(x == 120_000.0)
    assert abs(frac - 1 / 7) <= 4 * math.sqrt(1 / 7 * 6 / 7 / N)
    np.testing.assert_array_equal(d.ppf(U), np.quantile(SALARIES, U, method="inverted_cdf"))
    assert d.cdf(np.array([75_000.0]))[0] == pytest.approx(4 / 7)


def test_mixture_weights_normalised_and_default_equal() -> None:
    assert Mixture((Normal(0, 1), Normal(1, 1)), (2.0, 6.0)).weights == (0.25, 0.75)
    assert Mixture((Normal(0, 1), Normal(1, 1), Normal(2, 1))).weights == pytest.approx(
        (1 / 3, 1 / 3, 1 / 3))


@pytest.mark.parametrize("mix", [
    Mixture((Normal(0.0, 1.0), Normal(5.0, 2.0)), (0.3, 0.7)),
    Mixture((LogNormal(0.0, 1.0), Beta(2.0, 3.0))),
    Mixture((Uniform(0.0, 1.0), Uniform(2.0, 3.0)), (0.5, 0.5)),
    Mixture((Pert(5.0, 8.0, 9.0), Triangular(0.0, 1.0, 20.0), Normal(7.0, 0.1))),
], ids=repr)
def test_mixture_ppf_inverts_its_cdf(mix: Mixture) -> None:
    u = np.random.default_rng(5).random(50_000)
    x = mix.ppf(u)
    assert np.max(np.abs(mix.cdf(x) - u)) < 1e-5  # the documented grid error
    ref = sum(w * c.cdf(x) for w, c in zip(mix.weights, mix.components, strict=True))
    np.testing.assert_allclose(mix.cdf(x), ref, rtol=1e-12)


def test_mixture_cdf_against_scipy() -> None:
    mix = Mixture((Normal(0.0, 1.0), LogNormal(1.0, 0.5)), (1.0, 3.0))
    x = np.linspace(-3, 10, 27)
    ref = 0.25 * stats.norm.cdf(x) + 0.75 * stats.lognorm.cdf(x, 0.5, scale=math.e)
    np.testing.assert_allclose(mix.cdf(x), ref, rtol=1e-9, atol=1e-14)


def test_mixture_keeps_atoms() -> None:
    mix = Mixture((Constant(0.0), Normal(5.0, 1.0)), (0.3, 0.7))
    assert mix.ppf(np.array([0.01, 0.2, 0.299]))[0] == pytest.approx(0.0, abs=1e-300)
    assert mix.ppf(np.array([0.29]))[0] == pytest.approx(0.0, abs=1e-300)
    assert mix.ppf(np.array([0.31]))[0] > 2.0
    x = mix.ppf(np.random.default_rng(1).random(N))
    assert abs(np.mean(np.abs(x) < 1e-12) - 0.3) <= 4 * math.sqrt(0.3 * 0.7 / N)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Normal(0.0, -1.0), "sd must be > 0, got -1"),
    (lambda: Normal(float("nan"), 1.0), "mean must be a finite number"),
    (lambda: LogNormal(0.0, 0.0), "sigma must be > 0"),
    (lambda: Uniform(2.0, 1.0), "uniform needs lo < hi"),
    (lambda: Beta(0.0, 1.0), "beta parameters must be > 0"),
    (lambda: Beta(1.0, -2.0), "beta parameters must be > 0"),
    (lambda: Triangular(0.0, 5.0, 4.0), "triangular needs lo <= mode <= hi"),
    (lambda: Pert(0.0, -1.0, 4.0), "pert needs lo <= mode <= hi"),
    (lambda: Pert(4.0, 4.0, 4.0), "pert needs lo < hi"),
    (lambda: Bernoulli(1.5), "bernoulli needs 0 <= p <= 1"),
    (lambda: Constant(float("inf")), "value must be a finite number"),
    (lambda: Empirical(()), "empirical needs at least one value"),
    (lambda: Empirical((1.0, float("nan"))), "empirical values must be finite"),
    (lambda: Mixture(()), "mixture needs at least one component"),
    (lambda: Mixture((Normal(0, 1),), (1.0, 2.0)), "1 components but 2 weights"),
    (lambda: Mixture((Normal(0, 1), Normal(1, 1)), (1.0, -1.0)), "weights must be >= 0"),
    (lambda: Mixture((Normal(0, 1),), (0.0,)), "not all zero"),
])
def test_invalid_parameters_raise_clear_errors(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(("dist", "text"), [
    (LogNormal.from_interval(3.0, 4.0), "lognormal, 90% in [3, 4]"),
    (LogNormal.from_interval(100_000.0, 150_000.0), "lognormal, 90% in [100k, 150k]"),
    (Normal(0.0, 1.0), "normal, 90% in [-1.64, 1.64]"),
    (Uniform(0.0, 1_000_000.0), "uniform, 90% in [50k, 950k]"),
    (Constant(1_200_000.0), "constant 1.2M"),
    (Bernoulli(0.25), "bernoulli, 1 with probability 0.25"),
    (Empirical(SALARIES), "empirical (7 values), 90% in [52k, 180k]"),
])
def test_describe(dist: Dist, text: str) -> None:
    assert dist.describe() == text


def test_interval_level_must_be_inside_zero_one() -> None:
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        Normal(0, 1).interval(1.0)


def test_dists_are_hashable_values() -> None:
    assert Normal(0.0, 1.0) == Normal(0.0, 1.0)
    assert len({Empirical((1.0, 2.0)), Empirical((2.0, 1.0))}) == 1
    assert hash(Mixture((Normal(0, 1),)))
