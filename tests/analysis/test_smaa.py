"""SMAA-2 against weight-space geometry, closed forms and rank-order-centroid weights.

Reference values (all exact, derived in the comments):

* two criteria, deterministic performances: acceptability is the length of the segment of
  w_1 in [0, 1] where each option ranks r;
* three criteria, option i = unit vector e_i: acceptability 1/3 and central weight of e_1 =
  centroid of {w_1 = max} = (11/18, 7/36, 7/36);
* a complete ordinal ranking of 3 criteria: the mean weight vector is the rank-order
  centroid of Barron & Barrett (1996, Management Science 42(11):1515-1523),
  w_r = (1/n) sum_{k=r}^{n} 1/k = (11/18, 5/18, 2/18);
* one stochastic option against a fixed one: central weight, acceptability and confidence
  factor in closed form (test_confidence_factor_of_a_stochastic_option).
"""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.analysis.smaa import (
    Criterion,
    partial_values,
    sample_weights,
    smaa,
)

TWO = [Criterion("money"), Criterion("fun")]


def geometry_case(n_weights: int = 200_000):
    # u_A = w, u_B = 1 - w, u_C = 0.6 with w = w_money uniform on [0, 1]
    perf = {"money": np.array([[1.0], [0.0], [0.6]]), "fun": np.array([[0.0], [1.0], [0.6]])}
    return smaa(perf, TWO, ["A", "B", "C"], np.random.default_rng(1), n_weights=n_weights)


def test_two_criteria_acceptability_is_the_length_of_each_weight_segment() -> None:
    r = geometry_case()
    # w < .4: B C A | .4-.5: C B A | .5-.6: C A B | > .6: A C B
    expected = np.array([[0.4, 0.1, 0.5], [0.4, 0.1, 0.5], [0.2, 0.8, 0.0]])
    np.testing.assert_allclose(r.rank_acceptability, expected, atol=0.005)
    np.testing.assert_allclose(r.central_weights, [[0.8, 0.2], [0.2, 0.8], [0.5, 0.5]],
                               atol=0.005)
    np.testing.assert_array_equal(r.confidence, [1.0, 1.0, 1.0])   # nothing is uncertain
    np.testing.assert_allclose(r.pairwise, [[0, 0.5, 0.4], [0.5, 0, 0.4], [0.6, 0.6, 0]],
                               atol=0.005)


def test_three_unit_vectors_share_everything_and_centre_on_the_max_region() -> None:
    eye = np.eye(3)[:, :, None]       # option i scores 1 on criterion i, 0 elsewhere
    perf = {c: eye[:, j] for j, c in enumerate("abc")}
    r = smaa(perf, [Criterion(c) for c in "abc"], ["x", "y", "z"],
             np.random.default_rng(2), n_weights=300_000)
    np.testing.assert_allclose(r.rank_acceptability, np.full((3, 3), 1 / 3), atol=0.005)
    np.testing.assert_allclose(r.central_weights[0], [11 / 18, 7 / 36, 7 / 36], atol=0.003)
    np.testing.assert_allclose(r.central_weights[2], [7 / 36, 7 / 36, 11 / 18], atol=0.003)


def test_a_complete_ranking_gives_rank_order_centroid_weights() -> None:
    w = sample_weights(["a", "b", "c"], 300_000, np.random.default_rng(3),
                       order=["a", "b", "c"])
    assert (np.diff(w, axis=1) <= 0).all()
    np.testing.assert_allclose(w.mean(axis=0), [11 / 18, 5 / 18, 2 / 18], atol=0.002)


def test_a_partial_order_leaves_unlisted_criteria_free() -> None:
    # given w_c, (w_a, w_b) splits 1 - w_c uniformly; E[max share] = 3/4 -> (1/2, 1/6, 1/3)
    w = sample_weights(["a", "b", "c"], 300_000, np.random.default_rng(4), order=["a", "b"])
    assert (w[:, 0] >= w[:, 1]).all()
    np.testing.assert_allclose(w.mean(axis=0), [1 / 2, 1 / 6, 1 / 3], atol=0.002)


def test_unconstrained_weights_are_uniform_on_the_simplex() -> None:
    w = sample_weights(["a", "b", "c"], 300_000, np.random.default_rng(5))
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    # Dirichlet(1, 1, 1): each weight has mean 1/3 and P(w_a < 0.1) = 1 - 0.9^2
    np.testing.assert_allclose(w.mean(axis=0), [1 / 3] * 3, atol=0.002)
    assert (w[:, 0] < 0.1).mean() == pytest.approx(0.19, abs=0.003)


def test_an_interval_is_sampled_by_rejection() -> None:
    w = sample_weights(["a", "b"], 100_000, np.random.default_rng(6),
                       intervals={"a": (0.5, 1.0)})
    assert w.shape == (100_000, 2) and (w[:, 0] >= 0.5).all()
    assert w[:, 0].mean() == pytest.approx(0.75, abs=0.003)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"intervals": {"a": (0.6, 1.0), "b": (0.6, 1.0)}}, "lower bounds sum to 1.2"),
    ({"intervals": {"a": (0.0, 0.2), "b": (0.0, 0.2), "c": (0.0, 0.2)}},
     "upper bounds sum to 0.6"),
    ({"order": ["a", "b"], "intervals": {"a": (0.0, 0.2), "b": (0.5, 1.0)}},
     r"the order \[a, b\] cannot hold"),
    ({"intervals": {"a": (0.999, 1.0)}}, "interval for a"),
    ({"order": ["money"]}, "unknown criteria"),
    ({"intervals": {"a": (0.5, 0.2)}}, "0 <= lo <= hi <= 1"),
])
def test_impossible_or_too_tight_constraints_say_which(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        sample_weights(["a", "b", "c"], 1000, np.random.default_rng(0), **kwargs)


def test_confidence_factor_of_a_stochastic_option() -> None:
    # A = (X, 0) with X ~ U(0, 1); B = (0.5, 0.5). A first iff w X > 0.5 (w = w_1).
    # P(A first) = int_.5^1 (1 - .5/w) dw = (1 - ln 2) / 2
    # central w_1 = int_.5^1 (w - .5) dw / P = 0.125 / P; confidence = 1 - 0.5 / central w_1
    n = 200_000
    x = np.random.default_rng(7).random(n)
    perf = {"c1": np.stack([x, np.full(n, 0.5)]), "c2": np.stack([np.zeros(n), np.full(n, 0.5)])}
    crit = [Criterion("c1", scale=(0, 1)), Criterion("c2", scale=(0, 1))]
    r = smaa(perf, crit, ["A", "B"], np.random.default_rng(8), n_weights=n)
    p_first = (1 - np.log(2)) / 2
    w1 = 0.125 / p_first
    assert r.rank_acceptability[0, 0] == pytest.approx(p_first, abs=0.004)
    assert r.central_weights[0, 0] == pytest.approx(w1, abs=0.004)
    assert r.confidence[0] == pytest.approx(1 - 0.5 / w1, abs=0.01)


def test_partial_values_follow_the_scale_unclipped_and_drop_constants() -> None:
    perf = {"money": np.array([[100.0, 300.0], [200.0, 200.0]]),
            "commute": np.array([[20.0, 0.0], [5.0, 10.0]]),
            "flat": np.full((2, 2), 3.0)}
    crit = [Criterion("money"), Criterion("commute", scale=(0, 15), better="lower"),
            Criterion("flat", scale=(0, 10))]
    v, kept, dropped = partial_values(perf, crit)
    assert kept == ("money", "commute") and dropped == ("flat",)
    np.testing.assert_allclose(v[0], [[0.0, 1.0], [0.5, 0.5]])            # min..max
    np.testing.assert_allclose(v[1], [[1 - 20 / 15, 1.0], [2 / 3, 1 / 3]])  # not clipped


def test_constraints_on_a_dropped_criterion_are_ignored_and_it_is_reported() -> None:
    perf = {"money": np.array([[1.0], [0.0]]), "fun": np.array([[0.0], [1.0]]),
            "flat": np.ones((2, 1))}
    crit = [*TWO, Criterion("flat")]
    r = smaa(perf, crit, ["A", "B"], np.random.default_rng(0), n_weights=1000,
             order=["flat", "money"], intervals={"flat": (0.9, 1.0)})
    assert r.dropped == ("flat",) and r.criteria == ("money", "fun")


def test_to_dict_has_the_product_shape_and_nulls_for_never_first() -> None:
    perf = {"money": np.array([[1.0], [0.0], [0.1]]), "fun": np.array([[0.0], [1.0], [0.1]])}
    d = smaa(perf, TWO, ["A", "B", "D"], np.random.default_rng(0), n_weights=5000).to_dict()
    assert d["criteria"] == ["money", "fun"] and d["dropped"] == []
    assert set(d["rank_acceptability"]) == {"A", "B", "D"}
    assert all(len(v) == 3 for v in d["rank_acceptability"].values())
    assert d["central_weights"]["D"] is None and d["confidence"]["D"] == 0.0
    assert set(d["central_weights"]["A"]) == {"money", "fun"}
    assert d["sentences"][-1] == "D is never first, whatever the weights"


def test_sentences_name_what_each_winner_weighs_more() -> None:
    lines = geometry_case(20_000).sentences      # A and B tie at 40%: either may lead
    assert {line[:32] for line in lines[:2]} == {"A wins if money weighs about 80%",
                                                 "B wins if fun weighs about 80% ("}
    assert lines[2].startswith("C wins with balanced weights (money 50%, fun 50%)")
    assert all("in 100% of simulated futures" in line for line in lines)


def test_ties_go_to_the_option_listed_first() -> None:
    perf = {"money": np.array([[1.0, 0.0], [1.0, 0.0]]), "fun": np.array([[0.0, 1.0]] * 2)}
    r = smaa(perf, TWO, ["A", "A2"], np.random.default_rng(0), n_weights=1000)
    assert r.rank_acceptability[0, 0] == 1.0


def test_same_seed_same_result() -> None:
    a, b = geometry_case(5000), geometry_case(5000)
    np.testing.assert_array_equal(a.rank_acceptability, b.rank_acceptability)


# -- money on a robust scale: the tails and the set of options do not move the shares -------

from crossroads.analysis.smaa import DOMINATED, dominated_share, money_scale  # noqa: E402

CRIT3 = [Criterion("fun", scale=(0, 10)), Criterion("calm", scale=(0, 10))]


def career_case(n: int, seed: int = 11) -> dict[str, np.ndarray]:
    """Two contending careers: skewed money (lognormal) against two scores."""
    rng = np.random.default_rng(seed)
    money = np.stack([1.6e6 * rng.lognormal(0, 0.3, n), 1.1e6 * rng.lognormal(0, 0.15, n)])
    fun = np.stack([rng.normal(5, 1, n), rng.normal(7, 1, n)])
    calm = np.stack([rng.normal(6, 1, n), rng.normal(5, 1, n)])
    return {"money": money, "fun": fun, "calm": calm}


def first_shares(perf: dict[str, np.ndarray], ids: list[str], *, robust: bool = True,
                 n_weights: int = 20_000) -> np.ndarray:
    crit = [Criterion("money"), *CRIT3]
    if robust:
        keep = dominated_share(perf, crit) < DOMINATED
        crit[0] = Criterion("money", scale=money_scale(perf["money"], keep))
    r = smaa(perf, crit, ids, np.random.default_rng(3),
             n_weights=max(n_weights, perf["money"].shape[1]))
    return r.rank_acceptability[:, 0]


def with_long_shot(perf: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Add a third option that always ranks last but once in 10,000 futures pays $40M."""
    n = perf["money"].shape[1]
    money = np.full(n, 2e5)
    money[:: 10_000] = 4e7
    low = np.full(n, 1.0)
    return {"money": np.vstack([perf["money"], money]), "fun": np.vstack([perf["fun"], low]),
            "calm": np.vstack([perf["calm"], low])}


def test_an_option_that_never_ranks_first_moves_the_others_by_at_most_two_points() -> None:
    perf = career_case(100_000)
    before = first_shares(perf, ["a", "b"])
    after = first_shares(with_long_shot(perf), ["a", "b", "shot"])
    assert after[2] < 0.001
    np.testing.assert_allclose(after[:2], before, atol=0.02)
    # the min..max scale the robust one replaced fails the same check
    stretched = first_shares(with_long_shot(perf), ["a", "b", "shot"], robust=False)
    assert np.abs(stretched[:2] - first_shares(perf, ["a", "b"], robust=False)).max() > 0.05


def test_one_extreme_draw_in_ten_thousand_moves_the_shares_by_at_most_two_points() -> None:
    perf = career_case(100_000)
    before = first_shares(perf, ["a", "b"])
    tail = {k: v.copy() for k, v in perf.items()}
    tail["money"][0, ::10_000] = 4e7
    np.testing.assert_allclose(first_shares(tail, ["a", "b"]), before, atol=0.02)
    assert np.abs(first_shares(tail, ["a", "b"], robust=False)
                  - first_shares(perf, ["a", "b"], robust=False)).max() > 0.05


def test_shares_converge_as_draws_grow() -> None:
    small, large = career_case(10_000, seed=5), career_case(200_000, seed=6)
    np.testing.assert_allclose(first_shares(small, ["a", "b"]),
                               first_shares(large, ["a", "b"]), atol=0.02)


def test_money_scale_is_the_pooled_5th_to_95th_percentiles_of_contenders() -> None:
    x = np.array([np.linspace(0, 100, 1001), np.linspace(50, 150, 1001),
                  np.linspace(-1e6, 0, 1001)])
    lo, hi = money_scale(x, np.array([True, True, False]))
    pooled = np.concatenate([x[0], x[1]])
    assert (lo, hi) == (np.percentile(pooled, 5), np.percentile(pooled, 95))
    assert money_scale(np.ones((2, 5))) == (1.0, 1.0)   # constant: SMAA drops it
