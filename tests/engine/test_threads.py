"""The engine's threads change no number: walking, settling and summarising options side by
side gives the same `run --json` bytes as one thread, and an option whose companies have no
fate draws nothing for them."""

from __future__ import annotations

import json

import numpy as np
import pytest

import crossroads
from crossroads.simulate import paths
from crossroads.simulate.employers import Employers
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import EXAMPLES, ROOT

TWO_OPTIONS = ROOT / "benchmarks" / "models" / "two_options.yaml"


def _json(path: object, threads: int, monkeypatch: pytest.MonkeyPatch, **kw: object) -> str:
    monkeypatch.setattr(paths, "THREADS", threads)
    result = crossroads.run(crossroads.load(path), seed=3, **kw)  # type: ignore[arg-type]
    return json.dumps(result.to_dict(), sort_keys=True)


@pytest.mark.parametrize("name", ["why-i-quit-data-science", "two-offers"])
def test_threads_give_the_same_bytes_as_one(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = EXAMPLES / f"{name}.yaml"
    assert _json(path, 2, monkeypatch, samples=6_000) == _json(path, 1, monkeypatch,
                                                               samples=6_000)


def test_threads_give_the_same_bytes_at_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    path = EXAMPLES / "why-i-quit-data-science.yaml"
    assert _json(path, 2, monkeypatch) == _json(path, 1, monkeypatch)


def test_no_fate_no_failure_table() -> None:
    """The benchmark model's roles are companies with no fate: no failure is drawn, no
    stream is asked for, and a move ends no employment."""
    model = crossroads.load(TWO_OPTIONS)
    streams = Streams(1, 0)
    draws = draw(model, 100, streams)
    before = set(streams._cache)
    for option in model.options:
        employers = Employers(option, draws, model.horizon, lambda *a, **k: 0.0)
        assert not employers.states and not employers.hazard
        role = np.zeros(100, dtype=np.int16)
        employers.start(role)
        assert employers.failures(0, role) is None
        employers.moved(0, role, role + 1, np.arange(100), np.ones(100))
    assert set(streams._cache) == before
