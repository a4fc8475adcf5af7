"""Sobol indices against the Ishigami function's analytic values; the tornado by hand."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.sample import sobol as salib_sample

from crossroads.analysis.sensitivity import saltelli_points, sobol, tornado

# Ishigami, a = 7, b = 0.1, X_i ~ U(-pi, pi) (Sobol' & Levitan 1999; Saltelli et al. 2008):
# V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2; V1 = (1 + b pi^4/5)^2 / 2; V2 = a^2/8;
# V13 = b^2 pi^8 (1/18 - 1/50)
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u          # the caller's quantile functions: U(-pi, pi)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_analytic_indices_follow_from_the_variance_terms() -> None:
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1, v2, v13 = (1 + b * np.pi**4 / 5) ** 2 / 2, a**2 / 8, b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    np.testing.assert_allclose([v1 / v, v2 / v, 0.0], ISHIGAMI_S1, atol=5e-5)
    np.testing.assert_allclose([(v1 + v13) / v, v2 / v, v13 / v], ISHIGAMI_ST, atol=5e-5)


def test_sobol_recovers_the_ishigami_indices() -> None:
    r = sobol(ishigami, ["x1", "x2", "x3"], 8192, np.random.default_rng(2021))
    assert r.n_evaluations == 8192 * 5
    # tolerance: the bootstrap half-width of each index, never tighter than 0.01
    assert (np.abs(r.s1 - ISHIGAMI_S1) <= np.maximum(r.s1_conf, 0.01)).all(), r.s1
    assert (np.abs(r.st - ISHIGAMI_ST) <= np.maximum(r.st_conf, 0.01)).all(), r.st
    assert (r.s1_conf > 0).all() and (r.s1_conf < 0.05).all()


def test_the_design_is_salibs_point_for_point() -> None:
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}
    for second_order in (False, True):
        theirs = salib_sample.sample(problem, 16, calc_second_order=second_order,
                                     seed=np.random.default_rng(123))
        ours = saltelli_points(3, 16, np.random.default_rng(123), second_order=second_order)
        np.testing.assert_array_equal(ours, theirs)


def test_n_rounds_up_to_a_power_of_two_and_points_avoid_the_edges() -> None:
    seen: list[np.ndarray] = []

    def model(u: np.ndarray) -> np.ndarray:
        seen.append(u)
        return u[:, 0]

    r = sobol(model, ["x", "y"], 1000, np.random.default_rng(0))
    assert r.n_evaluations == 1024 * 4
    assert 0.0 < seen[0].min() and seen[0].max() < 1.0


def test_a_constant_model_has_zero_indices_without_warnings() -> None:
    r = sobol(lambda u: np.ones(u.shape[0]), ["x", "y"], 64, np.random.default_rng(0))
    assert r.s1.tolist() == [0.0, 0.0] and r.st.tolist() == [0.0, 0.0]


def test_same_generator_seed_same_indices() -> None:
    a = sobol(ishigami, ["x1", "x2", "x3"], 256, np.random.default_rng(5))
    b = sobol(ishigami, ["x1", "x2", "x3"], 256, np.random.default_rng(5))
    np.testing.assert_array_equal(a.s1_conf, b.s1_conf)


def test_sobol_rejects_a_model_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="finite values"):
        sobol(lambda u: np.ones(3), ["x"], 8, np.random.default_rng(0))


def test_sobol_to_dict_has_the_product_shape() -> None:
    d = sobol(ishigami, ["x1", "x2", "x3"], 64, np.random.default_rng(0)).to_dict("a - b")
    assert d["method"] == "sobol" and d["target"] == "a - b"
    assert set(d["indices"]) == {"x1", "x2", "x3"}
    assert {"S1", "ST"} <= set(d["indices"]["x1"])


def test_tornado_sorts_bars_by_swing() -> None:
    base = {"a": 1.0, "b": 2.0, "c": 3.0}

    def mean_difference(overrides):
        p = {**base, **overrides}
        return 3 * p["a"] - p["b"] + 0.5 * p["c"]

    r = tornado(mean_difference, ["c", "b", "a"], [0.0, 1.0, 0.0], [6.0, 2.5, 1.5])
    assert r.base == 2.5
    assert [b.param for b in r.bars] == ["a", "c", "b"]           # swings 4.5, 3, 1.5
    assert (r.bars[0].low, r.bars[0].high) == (-0.5, 4.0)
    d = r.to_dict("x")
    assert d["bars"][0] == {"param": "a", "low": -0.5, "high": 4.0, "low_input": 0.0,
                            "high_input": 1.5}
    with pytest.raises(ValueError, match="same length"):
        tornado(mean_difference, ["a"], [0.0, 1.0], [1.0])
