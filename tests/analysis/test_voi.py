"""EVPI, EVPPI and EVSI against closed forms, brute force and the guarantees."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from crossroads.analysis.voi import (
    Evppi,
    analyse_voi,
    evpi,
    evppi,
    evppi_group,
    evsi,
    rank_params,
)

N = 100_000


def unit_loss(z: float) -> float:
    """L(z) = phi(z) - z (1 - Phi(z)): E[max(0, X)] for X ~ N(-z, 1)."""
    return float(norm.pdf(z) - z * norm.sf(z))


@pytest.fixture(scope="module")
def normal_problem() -> dict[str, object]:
    """INB = theta1 + theta2, independent normals; option 0 is worth 0."""
    rng = np.random.default_rng(20140311)
    mu1, s1, mu2, s2 = 0.3, 1.0, -0.5, 1.5
    t1, t2 = rng.normal(mu1, s1, N), rng.normal(mu2, s2, N)
    return {"values": np.stack([np.zeros(N), t1 + t2]), "t1": t1, "t2": t2,
            "mu": mu1 + mu2, "s1": s1, "s2": s2}


def test_evpi_of_the_normal_problem_is_sigma_times_unit_loss(normal_problem) -> None:
    p = normal_problem
    sigma = float(np.hypot(p["s1"], p["s2"]))
    truth = sigma * unit_loss(abs(p["mu"]) / sigma)
    inb = p["values"][1]
    se = np.std(np.maximum(inb, 0.0)) / np.sqrt(N) + np.std(inb) / np.sqrt(N)
    assert evpi(p["values"]) == pytest.approx(truth, abs=4 * se)


@pytest.mark.parametrize("name", ["t1", "t2"])
def test_evppi_of_each_normal_param_is_its_sigma_times_unit_loss(normal_problem, name) -> None:
    p = normal_problem
    sigma = p["s1"] if name == "t1" else p["s2"]
    truth = sigma * unit_loss(abs(p["mu"]) / sigma)
    est = evppi(p["values"], {name: p[name]}, rng=np.random.default_rng(1))[name]
    assert est.method == "spline"
    assert est.se is not None and 0 < est.se < 0.01
    # the regression SE plus the Monte Carlo error of the draws themselves
    mc = sigma / np.sqrt(N)
    assert est.value == pytest.approx(truth, abs=4 * (est.se + mc))


@pytest.mark.parametrize(("n_new", "n0"), [(1, 1), (5, 2), (50, 10)])
def test_evsi_of_the_normal_problem_matches_the_preposterior_closed_form(
        normal_problem, n_new, n0) -> None:
    p = normal_problem
    s_n = p["s1"] * np.sqrt(n_new / (n_new + n0))
    truth = s_n * unit_loss(abs(p["mu"]) / s_n)
    got = evsi(p["values"], p["t1"], n_new=n_new, n0=n0)
    assert got == pytest.approx(truth, abs=0.01)
    assert got <= evppi(p["values"], {"t1": p["t1"]})["t1"].value + 1e-12


def test_evppi_of_a_quadratic_needs_the_spline_not_a_line() -> None:
    # INB = theta^2 - 1 + noise: E[INB | theta] = theta^2 - 1, whose linear fit is flat.
    rng = np.random.default_rng(7)
    theta = rng.normal(size=N)
    values = np.stack([np.zeros(N), theta**2 - 1.0 + rng.normal(0.0, 2.0, N)])
    truth = 2 * norm.pdf(1.0)   # E[max(0, theta^2 - 1)] = 2 phi(1) = 0.48394; max E = 0
    est = evppi(values, {"theta": theta}, rng=np.random.default_rng(2))["theta"]
    assert est.value == pytest.approx(truth, abs=4 * est.se + 0.005)
    slope, intercept = np.polyfit(theta, values[1], 1)
    linear = np.maximum(intercept + slope * theta, 0).mean() - max(values[1].mean(), 0)
    assert abs(linear - truth) > 0.4       # plain linear regression misses nearly all of it


def test_evppi_with_three_options_against_the_absolute_value() -> None:
    # V = (0, theta, -theta) + noise: E[max(0, theta, -theta)] = E|theta| = sqrt(2 / pi).
    rng = np.random.default_rng(11)
    theta = rng.normal(size=N)
    noise = rng.normal(0.0, 1.0, (3, N))
    values = np.stack([np.zeros(N), theta, -theta]) + noise
    est = evppi(values, {"theta": theta}, rng=np.random.default_rng(3))["theta"]
    assert est.value == pytest.approx(np.sqrt(2 / np.pi), abs=4 * est.se + 0.01)


def test_a_bernoulli_param_uses_exact_group_means() -> None:
    rng = np.random.default_rng(5)
    b = rng.binomial(1, 0.3, N).astype(float)
    values = np.stack([np.zeros(N), 2 * b - 1 + rng.normal(0.0, 1.0, N)])
    est = evppi(values, {"b": b}, rng=np.random.default_rng(0))["b"]
    assert est.method == "groups"
    # E[max(0, E[INB | b])] = P(b=1) * 1; max E = max(0, 2p - 1) = 0
    groups = [values[1][b == v].mean() for v in (0.0, 1.0)]
    exact = (b == 0).mean() * max(groups[0], 0) + (b == 1).mean() * max(groups[1], 0)
    assert est.value == pytest.approx(exact - max(values[1].mean(), 0.0), rel=1e-9)
    assert est.value == pytest.approx(0.3, abs=0.01)


def test_a_constant_param_is_worth_nothing() -> None:
    rng = np.random.default_rng(6)
    values = rng.normal(size=(3, 5000))
    est = evppi(values, {"c": np.full(5000, 4.2)}, rng=rng)["c"]
    assert est.method == "constant"
    assert est.value == pytest.approx(0.0, abs=1e-12)


def test_a_pure_interaction_is_seen_only_by_the_group() -> None:
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=(2, N))
    values = np.stack([np.zeros(N), a * b + rng.normal(0.0, 0.5, N)])
    singles = evppi(values, {"a": a, "b": b})
    assert singles["a"].value < 0.02 and singles["b"].value < 0.02
    group = evppi_group(values, [a, b], rng=np.random.default_rng(1))
    assert group.value == pytest.approx(1 / np.pi, abs=4 * group.se + 0.01)  # E[max(0, ab)]


def test_a_group_of_all_params_recovers_evpi_when_nothing_else_is_uncertain() -> None:
    rng = np.random.default_rng(10)
    a, b, c = rng.normal(size=(3, 20_000))
    values = np.stack([np.zeros(20_000), a + 0.5 * b**2 - 0.5 + c])
    total = evpi(values)
    assert evppi_group(values, [a, b, c]).value == pytest.approx(total, rel=0.02)


def test_ranking_sorts_by_evppi_with_shares_of_evpi() -> None:
    ranked = rank_params(2.0, {"x": Evppi(0.2, None, "spline", 3.0),
                               "y": Evppi(1.5, None, "spline", 3.0),
                               "z": Evppi(0.2, None, "groups", 2.0)})
    assert [(r.param, r.share) for r in ranked] == [("y", 0.75), ("x", 0.1), ("z", 0.1)]
    assert rank_params(0.0, {"x": Evppi(0.0, None, "constant", 1.0)})[0].share == 0.0


def test_analyse_voi_to_dict_has_the_product_shape(normal_problem) -> None:
    p = normal_problem
    n = 20_000
    values = p["values"][:, :n]
    params = {"t1": p["t1"][:n], "t2": p["t2"][:n]}
    result = analyse_voi(values, params, np.random.default_rng(0), groups=[("t1", "t2")],
                         ask=5, n0=2)
    d = result.to_dict(currency="EUR")
    assert d["currency"] == "EUR"
    assert set(d["evppi"]) == {"t1", "t2"} and set(d["evsi"]) == {"t1", "t2"}
    assert list(d["groups"]) == ["t1,t2"]
    assert all(isinstance(v, float) for v in d["evppi"].values())
    assert d["groups"]["t1,t2"] >= max(d["evppi"].values())
    assert d["ranking"][0]["param"] == "t2"
    with pytest.raises(ValueError, match="n0"):
        analyse_voi(values, params, ask=5)


@pytest.mark.parametrize(("values", "params", "message"), [
    (np.zeros((1, 10)), {"x": np.zeros(10)}, "n_options >= 2"),
    (np.zeros((2, 10)), {"x": np.zeros(9)}, "x has 9 draws"),
    (np.zeros((2, 3)), {"x": np.array([0.0, np.nan, 1.0])}, "non-finite"),
])
def test_bad_inputs_say_what_is_wrong(values, params, message) -> None:
    with pytest.raises(ValueError, match=message):
        evppi(values, params)


def test_evsi_rejects_a_non_positive_prior_sample_size() -> None:
    with pytest.raises(ValueError, match="n0 > 0"):
        evsi(np.zeros((2, 10)), np.arange(10.0), n_new=1, n0=0)


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, list[np.ndarray]]:
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(5, 300))
    n_options = draw(st.integers(2, 4))
    rng = np.random.default_rng(seed)
    kinds = draw(st.lists(st.sampled_from(["normal", "bernoulli", "lognormal", "constant"]),
                          min_size=1, max_size=3))
    params = []
    for kind in kinds:
        params.append({"normal": lambda: rng.normal(size=n),
                       "bernoulli": lambda: rng.binomial(1, 0.4, n).astype(float),
                       "lognormal": lambda: rng.lognormal(0.0, 1.5, n),
                       "constant": lambda: np.full(n, 3.0)}[kind]())
    coef = rng.normal(size=(n_options, len(params)))
    signal = coef @ np.stack([np.tanh(p) for p in params])
    noise_scale = draw(st.sampled_from([0.0, 0.1, 1.0, 10.0]))
    values = signal + noise_scale * rng.normal(size=(n_options, n))
    return values * draw(st.sampled_from([1.0, 1e5])), params


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_evppi_lies_between_zero_and_evpi_and_groups_dominate_members(problem) -> None:
    values, params = problem
    total = evpi(values)
    singles = evppi(values, {f"p{i}": p for i, p in enumerate(params)})
    for est in singles.values():
        assert 0.0 <= est.value <= total
    group = evppi_group(values, params).value
    assert 0.0 <= group <= total
    assert group >= max(e.value for e in singles.values())


@pytest.mark.slow
def test_forty_params_four_options_hundred_thousand_draws_is_quick() -> None:
    rng = np.random.default_rng(0)
    params = {f"p{i}": (rng.normal(size=N) if i % 5 else rng.binomial(1, 0.3, N) * 1.0)
              for i in range(40)}
    stacked = np.stack(list(params.values()))
    values = rng.normal(size=(4, 40)) @ stacked + rng.normal(size=(4, N))
    start = time.process_time()
    result = evppi(values, params, rng=np.random.default_rng(1))
    cpu = time.process_time() - start
    assert len(result) == 40
    assert cpu < 15.0     # about 2 s of CPU single-threaded; generous for busy CI machines


@pytest.mark.parametrize("interior", [12, 3, 0])
def test_the_curvature_penalty_is_the_integral_of_the_bsplines_second_derivatives(
        interior: int) -> None:
    """The closed form (derivative coefficients and the hat functions' Gram matrix) against
    SciPy's B-spline second derivatives integrated by Simpson's rule, exact on the
    piecewise-linear products' quadratic pieces."""
    from scipy.interpolate import BSpline

    from crossroads.analysis.voi import _curvature_penalty, _knots

    x = np.sort(np.random.default_rng(3).lognormal(size=4_000) * 1e5)
    t = _knots(x, interior)
    k = len(t) - 4
    d2 = BSpline(t, np.eye(k), 3).derivative(2)
    edges = np.unique(t)
    h = np.diff(edges)
    ends = [d2(edges[:-1]), d2(edges[:-1] + h / 2), d2(edges[1:])]
    want = sum(c * (e.T * (h / 6.0)) @ e for c, e in zip((1.0, 4.0, 1.0), ends, strict=True))
    got = _curvature_penalty(t)
    assert np.allclose(got, want, rtol=0, atol=1e-12 * np.abs(want).max())
    assert np.allclose(got, got.T)


def test_the_standard_error_is_the_spread_of_evppi_over_posterior_curves() -> None:
    """The batched posterior draws against one fitted curve at a time, same numbers."""
    from crossroads.analysis.voi import _fit_single, _increments, _standard_error

    rng = np.random.default_rng(11)
    theta = rng.normal(size=5_000)
    values = np.stack([np.zeros(5_000), theta + rng.normal(size=5_000),
                       0.5 * theta**2 - 0.4 + rng.normal(size=5_000)])
    sampler = _fit_single(theta, _increments(values), True).se_sampler
    assert sampler is not None
    got = _standard_error(sampler, np.random.default_rng(5), 40)
    noise = np.random.default_rng(5).standard_normal((40,) + sampler.gamma.shape)
    gains = []
    for z in noise:
        beta = sampler.to_beta @ (sampler.gamma + (z @ sampler.chol_resid.T) * sampler.scale)
        fitted = sampler.basis @ beta + sampler.offset
        best = np.maximum(fitted.max(axis=1), 0.0) @ sampler.weights
        gains.append(best - max(float((sampler.weights @ fitted).max()), 0.0))
    assert got == pytest.approx(float(np.std(gains, ddof=1)), rel=1e-9)


def test_voi_runs_its_products_on_one_blas_thread_and_imports_no_scipy() -> None:
    import json
    import subprocess
    import sys

    from crossroads.analysis.voi import _openblas, one_blas_thread

    for lib in _openblas():  # setting a thread's count returns the one it replaces
        before = lib.openblas_set_num_threads_local(1)
        lib.openblas_set_num_threads_local(before)
        with one_blas_thread():
            assert lib.openblas_set_num_threads_local(1) == 1
        assert lib.openblas_set_num_threads_local(before) == before
    script = ("import json, sys, numpy as np\n"
              "from crossroads.analysis.voi import analyse_voi\n"
              "x = np.random.default_rng(0).normal(size=(3, 3000))\n"
              "analyse_voi(np.stack([x[0], x[1] + x[2]]), {'a': x[1], 'b': x[2]},\n"
              "            np.random.default_rng(1), groups=[('a', 'b')])\n"
              "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert not {m for m in json.loads(out) if m.startswith("scipy")}


def test_voi_fits_on_the_fewest_draws_that_reach_its_precision(normal_problem) -> None:
    """With ``se_share`` the single-input fits use the first VOI_FLOOR draws when their
    standard errors reach the target there: the same quantity as the fit on every draw,
    within the stated standard errors, and the closed form's."""
    from crossroads.analysis.voi import VOI_FLOOR

    p = normal_problem
    params = {"t1": p["t1"], "t2": p["t2"]}
    every = analyse_voi(p["values"], params, np.random.default_rng(1))
    assert every.precision is None
    few = analyse_voi(p["values"], params, np.random.default_rng(1), se_share=0.02,
                      ask=5, n0=5)
    assert few.precision is not None and few.precision["draws"] == VOI_FLOOR < N
    assert few.precision["largest_se"] <= few.precision["target"] == 0.02 * few.evpi
    assert few.to_dict()["precision"] == few.precision
    for name, sigma in (("t1", p["s1"]), ("t2", p["s2"])):
        truth = sigma * unit_loss(abs(p["mu"]) / sigma)
        a, b = few.evppi[name], every.evppi[name]
        assert a.se is not None and b.se is not None
        mc = sigma / np.sqrt(VOI_FLOOR)  # the Monte Carlo error of the draws themselves
        assert a.value == pytest.approx(truth, abs=4 * (a.se + mc))
        assert a.value == pytest.approx(b.value, abs=4 * (a.se + b.se + mc))
        assert few.evsi[name] <= a.value
    # a target the draws cannot reach: every draw, and the standard error says so
    strict = analyse_voi(p["values"], params, np.random.default_rng(1), se_share=1e-6)
    assert strict.precision is not None and strict.precision["draws"] == N
    assert strict.precision["largest_se"] > strict.precision["target"]
    assert strict.evppi["t1"].value == every.evppi["t1"].value


def test_precision_chosen_evppi_agrees_with_a_nested_monte_carlo() -> None:
    """INB = theta^2 - 1 + 2 luck. Nested Monte Carlo: for each of 2,000 outer thetas, 500
    inner draws of the luck estimate E[INB | theta]; EVPPI = mean max(0, inner mean) -
    max(0, grand mean). The regression, fitted on the draws its precision chose, agrees."""
    from crossroads.analysis.voi import VOI_FLOOR

    rng = np.random.default_rng(77)
    n = 60_000
    theta = rng.normal(size=n)
    inb = theta**2 - 1.0 + 2.0 * rng.normal(size=n)
    values = np.stack([np.zeros(n), inb])
    got = analyse_voi(values, {"theta": theta}, np.random.default_rng(2), se_share=0.01)
    assert got.precision is not None and VOI_FLOOR <= got.precision["draws"] < n
    assert got.precision["largest_se"] <= got.precision["target"]
    est = got.evppi["theta"]
    outer = rng.normal(size=2_000)
    inner = outer[:, None] ** 2 - 1.0 + 2.0 * rng.normal(size=(2_000, 500))
    means = inner.mean(axis=1)
    gains = np.maximum(means, 0.0)
    nested = float(gains.mean() - max(float(inner.mean()), 0.0))
    nested_se = float(gains.std(ddof=1) / np.sqrt(2_000))
    assert est.se is not None
    assert est.value == pytest.approx(nested, abs=4 * (est.se + nested_se) + 0.01)
