"""One sample, many analyses (issue 18): the report's run keeps the analyses' sample in the
same pass, so the run and its analyses read the same futures, simulated once."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import crossroads
from crossroads.engine import budget
from crossroads.engine.collect import SampleKeeper, collect
from crossroads.engine.precision import AUTO_FLOOR
from crossroads.report.bundle import build_bundle
from tests.conftest import EXAMPLES

FOUNDING = EXAMPLES / "why-i-quit-data-science.yaml"


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_reports_run_and_analyses_equal_each_command_on_the_same_draws() -> None:
    """At a fixed count the run's chunks are the analyses' chunks: the report's numbers
    are those of `run`, `voi`, `smaa` and `skills` each run alone (skills kept too)."""
    model = crossroads.load(FOUNDING)
    assert model.skills
    bundle = build_bundle(model, samples=3_000, seed=7)
    assert _same(bundle["run"], crossroads.run(model, samples=3_000, seed=7).to_dict())
    for name in ("voi", "smaa", "skills"):
        alone = getattr(crossroads, name)(model, samples=3_000, seed=7).to_dict()
        assert _same(bundle[name], alone), name


def test_the_kept_sample_is_the_runs_own_draws() -> None:
    """The keeper changes no number of the run, and keeps exactly what `collect` keeps of
    the same chunks of the same streams."""
    model = crossroads.load(FOUNDING)
    keeper = SampleKeeper(model, keep_skills=True)
    result = crossroads.run(model, samples=2_500, seed=4, keep=keeper)
    assert _same(result.to_dict(), crossroads.run(model, samples=2_500, seed=4).to_dict())
    kept, alone = keeper.sample(), collect(model, 2_500, 4, keep_skills=True)
    assert kept.n == alone.n == 2_500
    for name in ("value", "npv", "terminal"):
        np.testing.assert_array_equal(getattr(kept, name), getattr(alone, name))
    for group in ("points", "scores", "worth", "params", "skills", "inline"):
        a, b = getattr(kept, group), getattr(alone, group)
        assert a.keys() == b.keys(), group
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])
    assert kept.stuck == alone.stuck


def test_an_auto_report_reads_the_draws_its_run_chose() -> None:
    """`samples: auto`: the run is `run`'s, and the analyses read its draws: its count, in
    its own blocks (the first block is `collect`'s first chunk of the same streams)."""
    model = crossroads.load(EXAMPLES / "two-offers.yaml")
    assert model.auto_samples
    keeper = SampleKeeper(model)
    result = crossroads.run(model, seed=2, keep=keeper)
    assert _same(result.to_dict(), crossroads.run(model, seed=2).to_dict())
    kept = keeper.sample()
    assert kept.n == result.samples >= AUTO_FLOOR
    np.testing.assert_array_equal(kept.value[:, :AUTO_FLOOR],
                                  collect(model, AUTO_FLOOR, 2).value)


def test_the_budget_counts_what_one_pass_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's kept numbers and screen beside the analyses': a count the analyses alone
    could hold but not with the run's beside them is refused before anything runs."""
    model = crossroads.load(EXAMPLES / "two-offers.yaml")
    screen = 8 * (len(model.options) * model.horizon + len(model.params))
    skills = bool(model.skills)
    both = budget.run_kept_bytes(model) + screen + \
        budget.kept_bytes_per_draw(model, keep_skills=skills)
    assert budget.most(model, "report") == \
        budget.largest_fitting(model, both, keep_skills=skills)
    n = budget.most(model, "sample")
    assert n > budget.most(model, "report")
    monkeypatch.setattr(crossroads, "run", lambda *a, **k: pytest.fail("ran first"))
    with pytest.raises(crossroads.DecisionError, match="use at most"):
        build_bundle(model, samples=n)
