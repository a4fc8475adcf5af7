"""build_bundle: the run plus each analysis the installed crossroads has, never a fake."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import crossroads
from crossroads.report.bundle import ANALYSES, build_bundle
from tests.report.conftest import SMALL


@dataclass
class _Result:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


@pytest.fixture
def model() -> Any:
    return crossroads.load(SMALL)


@pytest.fixture
def no_analyses(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ANALYSES:
        monkeypatch.delattr(crossroads, name, raising=False)
    return monkeypatch


def test_missing_analyses_are_skipped(model: Any, no_analyses: pytest.MonkeyPatch) -> None:
    bundle = build_bundle(model, samples=300, seed=5)
    assert list(bundle) == ["run"]
    assert bundle["run"]["samples"] == 300 and bundle["run"]["seed"] == 5
    assert bundle["run"] == crossroads.run(model, samples=300, seed=5).to_dict()


def test_present_analyses_are_called_with_what_they_accept(
        model: Any, no_analyses: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def voi(m: Any, *, samples: int | None = None) -> _Result:
        calls.append(("voi", {"samples": samples}))
        return _Result({"evpi": 1.0, "evppi": {}})

    def sensitivity(m: Any, method: str = "sobol", **kw: Any) -> _Result:
        calls.append(("sensitivity", {"method": method, **kw}))
        return _Result({"method": method, "bars": []})

    def smaa(m: Any) -> _Result:
        calls.append(("smaa", {}))
        return _Result({"rank_acceptability": {}})

    no_analyses.setattr(crossroads, "voi", voi, raising=False)
    no_analyses.setattr(crossroads, "sensitivity", sensitivity, raising=False)
    no_analyses.setattr(crossroads, "smaa", smaa, raising=False)
    no_analyses.setattr(crossroads, "skills", lambda m: pytest.fail("no skills declared"),
                        raising=False)
    bundle = build_bundle(model, samples=200, seed=3)
    assert sorted(bundle) == ["run", "sensitivity", "smaa", "voi"]
    assert bundle["voi"] == {"evpi": 1.0, "evppi": {}}
    assert calls == [("voi", {"samples": 200}),
                     ("sensitivity", {"method": "tornado", "samples": 200, "seed": 3}),
                     ("smaa", {})]


def test_skills_are_asked_for_when_the_decision_has_skills(
        no_analyses: pytest.MonkeyPatch) -> None:
    text = SMALL.replace("options:", "skills:\n  ml: {now: 60%}\noptions:", 1)
    no_analyses.setattr(crossroads, "skills",
                        lambda m: _Result({"options": {}}), raising=False)
    bundle = build_bundle(crossroads.load(text), samples=100)
    assert bundle["skills"] == {"options": {}}


def test_a_count_the_analyses_cannot_hold_is_refused_before_the_run(
        model: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` would accept it (it keeps less per draw); the report refuses up front."""
    from crossroads.engine import budget

    n = budget.most(model, "report") + 1
    assert n <= budget.most(model)  # within run's own budget
    monkeypatch.setattr(crossroads, "run", lambda *a, **k: pytest.fail("ran first"))
    with pytest.raises(crossroads.DecisionError, match="use at most"):
        build_bundle(model, samples=n)
