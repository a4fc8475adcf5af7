"""A decision's SMAA: `run`'s verdict and `crossroads smaa` quote the same shares, and
those shares settle as draws grow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import crossroads
from crossroads.api import smaa
from crossroads.errors import DecisionError
from tests.conftest import decision_text

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize("name", ["two-offers", "why-i-quit-data-science"])
def test_run_and_smaa_give_the_same_first_rank_shares(name: str) -> None:
    model = crossroads.load(EXAMPLES / f"{name}.yaml")
    weighted = crossroads.run(model, samples=12_000, seed=4).weighted
    data = smaa(model, samples=12_000, seed=4).to_dict()
    assert weighted is not None
    assert weighted["shares"] == {o: b[0] for o, b in data["rank_acceptability"].items()}
    assert weighted["money_scale"] == data["money_scale"]


def test_first_rank_shares_at_ten_thousand_and_two_hundred_thousand_draws_agree() -> None:
    model = crossroads.load(EXAMPLES / "two-offers.yaml")
    small = smaa(model, samples=10_000).to_dict()["rank_acceptability"]
    large = smaa(model, samples=200_000).to_dict()["rank_acceptability"]
    np.testing.assert_allclose([small[o][0] for o in small], [large[o][0] for o in small],
                               atol=0.02)


def test_the_money_scale_says_where_it_came_from() -> None:
    model = crossroads.load(EXAMPLES / "two-offers.yaml")
    scale = smaa(model, samples=5_000).to_dict()["money_scale"]
    assert scale["from"] == "5th-95th percentiles of NPV over every option"
    assert scale["lo"] < scale["hi"]


def test_a_declared_money_scale_is_used_as_written() -> None:
    # money on [200, 1200]: a = 0.4, b = 0.1; fun a = 0, b = 1. a first iff
    # 0.4 w > 0.1 w + (1 - w), i.e. w > 1 / 1.3: P = 1 - 1 / 1.3 = 0.2308
    text = decision_text("""
    a: {roles: {r: {cash: 200, criteria: {fun: 0}}}}
    b: {roles: {r: {cash: 100, criteria: {fun: 10}}}}
    """, extra="criteria:\n  fun: {}\nweights:\n  money_scale: [200, 1.2k]\n")
    data = smaa(crossroads.load(text), samples=20_000).to_dict()
    assert data["money_scale"] == {"lo": 200.0, "hi": 1200.0, "from": "declared"}
    assert data["rank_acceptability"]["a"][0] == pytest.approx(1 - 1 / 1.3, abs=0.01)


def test_a_money_scale_that_does_not_increase_is_a_located_error() -> None:
    text = decision_text("a: {roles: {r: {cash: 1}}}\n",
                         extra="weights:\n  money_scale: [900, 300]\n")
    with pytest.raises(DecisionError, match=r"money_scale must be \[low, high\]") as err:
        crossroads.load(text)
    assert err.value.line == 7


def test_the_stated_standard_error_of_a_rank_acceptability_is_its_spread_over_seeds() -> None:
    """`smaa`'s precision: sqrt(b (1 - b) / N) against the spread of the first-rank share
    over 40 independent samples of futures and weights."""
    import numpy as np

    from crossroads.analysis.smaa import Criterion, smaa
    from crossroads.api import smaa_precision

    shares, stated = [], []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        perf = {"money": rng.normal([[1.0], [0.8], [0.5]], 0.5, (3, 2_000)),
                "fun": rng.normal([[0.2], [0.6], [0.9]], 0.3, (3, 2_000))}
        r = smaa(perf, [Criterion("money"), Criterion("fun")], ["a", "b", "c"], rng,
                 n_weights=2_000)
        shares.append(r.rank_acceptability[:, 0])
        stated.append(smaa_precision(r.rank_acceptability[:, :1], 2_000, 2_000)["largest_se"])
    spread = float(np.std(shares, axis=0, ddof=1).max())
    assert 0.7 < spread / float(np.mean(stated)) < 1.4
