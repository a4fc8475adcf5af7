"""The tornado states, not simulates, the zero swing of what feeds neither option compared;
the tornado and `run` import neither SALib nor scipy.stats (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

import crossroads
from crossroads.api import SOBOL_CAP
from crossroads.engine.collect import collect
from tests.conftest import ROOT

#: a and b lead; c trails far behind and alone reads `c_pay` and its own inline raise
TEXT = """decision: three ways
horizon: 3
seed: 5
params:
  a_pay: 100k to 140k
  shared: 0.9 to 1.1
  c_pay: 10k to 20k
criteria:
  fun: {worth: 1k to 3k}
options:
  a: {roles: {r: {cash: a_pay * shared, criteria: {fun: 4 to 6}}}}
  b: {roles: {r: {cash: 110k * shared, criteria: {fun: 5 to 7}}}}
  c: {roles: {r: {cash: c_pay, raise: 1% to 9%, criteria: {fun: 1 to 2}}}}
"""


def test_inputs_that_feed_neither_leader_are_reported_with_0_not_swung() -> None:
    model = crossroads.load(TEXT)
    d = crossroads.sensitivity(model, "tornado", samples=2_000).to_dict()
    assert d["target"] == "value difference: a - b"
    assert d["skipped"] == ["c.r.criteria.fun", "c.r.raise", "c_pay"]
    bars = {b["param"]: b for b in d["bars"]}
    for name in d["skipped"]:
        assert bars[name]["low"] == bars[name]["high"] == d["base"]
    # what is swung still moves: a's pay, the shared factor, the worth of fun
    for name in ("a_pay", "shared", "worth.fun"):
        assert bars[name]["low"] != bars[name]["high"], name
    # the stated 0 is the true one: pinned c_pay leaves the gap exactly where it was
    base = collect(model, 2_000)
    pinned = collect(model, 2_000, overrides={"c_pay": bars["c_pay"]["high_input"]})
    assert np.array_equal(base.value[0] - base.value[1], pinned.value[0] - pinned.value[1])
    assert float((base.value[0] - base.value[1]).mean()) == d["base"]


def test_a_tornado_imports_neither_salib_nor_scipy_stats() -> None:
    script = ("import crossroads, json, sys\n"
              f"m = crossroads.load({TEXT!r})\n"
              "crossroads.sensitivity(m, 'tornado', samples=500)\n"
              "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    modules = set(json.loads(out.splitlines()[-1]))
    assert not {"SALib", "scipy.stats", "scipy.optimize"} & modules


def test_one_sample_serves_every_analysis_the_same_draws() -> None:
    from crossroads.engine.collect import one_sample

    model = crossroads.load(TEXT)
    alone = (crossroads.smaa(model, 1_000).to_dict(), crossroads.voi(model, 1_000).to_dict())
    with one_sample():
        first = collect(model, 1_000)
        assert collect(model, 1_000) is first          # drawn once
        assert collect(model, 1_001) is not first      # another count is another sample
        assert not first.value.flags.writeable         # no analysis can change it
        shared = (crossroads.smaa(model, 1_000).to_dict(),
                  crossroads.voi(model, 1_000).to_dict())
    assert json.dumps(shared, sort_keys=True) == json.dumps(alone, sort_keys=True)
    assert collect(model, 1_000) is not first          # outside: drawn again


def test_the_tornado_draws_until_each_swing_is_precise() -> None:
    model = crossroads.load(TEXT)
    d = crossroads.sensitivity(model, "tornado", samples=16_000).to_dict()
    p = d["precision"]
    assert p["draws"] in (2_000, 4_000, 8_000, 16_000)
    assert p["largest_se"] <= p["target"] or p["draws"] == 16_000
    bars = {b["param"]: b for b in d["bars"]}
    widest = max(abs(b["high"] - b["low"]) for b in d["bars"])
    assert p["target"] == 0.05 * widest
    # one swing's standard error, recomputed from its paired per-draw differences
    a = bars["a_pay"]
    ends = [collect(model, p["draws"], overrides={"a_pay": a[k]}) for k in
            ("low_input", "high_input")]
    diff = (ends[1].value[0] - ends[1].value[1]) - (ends[0].value[0] - ends[0].value[1])
    assert diff.std(ddof=1) / np.sqrt(p["draws"]) <= p["largest_se"]
    assert float(diff.mean()) == a["high"] - a["low"] or abs(
        float(diff.mean()) - (a["high"] - a["low"])) < 1e-6 * abs(a["high"])


def test_stacked_swings_are_the_separate_simulations_of_the_same_draws() -> None:
    """The tornado simulates its swings stacked (k blocks of the same m draws, only the
    options compared) instead of one simulation each: the gaps are those of the separate
    full-model simulations, to rounding (an inline range in an unpinned block goes through
    its quantile function and back)."""
    from crossroads.api import _inputs, _Swing

    model = crossroads.load(TEXT)
    m = 700
    inputs = _inputs(model)
    swing = _Swing(model, model.seed, 0, 1, [k for k in inputs if not k.startswith("c")])
    # each leader is simulated alone, under the pinnings of what it reads
    assert swing.readers["a_pay"] == {0} and swing.readers["shared"] == {0, 1}
    assert swing.readers["a.r.criteria.fun"] == {0} and swing.readers["worth.fun"] is None
    blocks = [{}, {"a_pay": 101_000.0}, {"shared": 1.08}, {"a.r.criteria.fun": 4.5},
              {"worth.fun": 2_900.0}, {"a_pay": 139_000.0, "shared": 0.91}]
    stacked = swing.gaps(m, blocks)
    for block, got in zip(blocks, stacked, strict=True):
        alone = collect(model, m, overrides=block or None, keep_inline=not block)
        want = alone.value[0] - alone.value[1]
        assert got.shape == (m,)
        assert np.allclose(got, want, rtol=1e-12, atol=1e-6 * float(np.abs(want).max())), block


def test_sobol_states_what_feeds_neither_leader_and_stops_at_its_precision() -> None:
    model = crossroads.load(TEXT)
    d = crossroads.sensitivity(model, "sobol", samples=2_000).to_dict()
    assert d["skipped"] == ["c.r.criteria.fun", "c.r.raise", "c_pay"]
    for name in d["skipped"]:  # the AB_j pass is the A pass: exactly 0, not simulated
        assert d["indices"][name]["S1"] == d["indices"][name]["ST"] == 0.0
    p = d["precision"]
    assert p["points"] & (p["points"] - 1) == 0          # a power of two
    assert p["largest_conf"] <= p["target"] or p["points"] == SOBOL_CAP
    widest = max(max(ix["S1_conf"], ix["ST_conf"]) for ix in d["indices"].values())
    assert widest == p["largest_conf"]
    assert d["n_evaluations"] == p["points"] * (len(d["indices"]) + 2)


def test_a_sample_kept_with_skills_serves_the_analyses_that_need_less() -> None:
    """The report collects the skills' sample first and every analysis reads it: the
    numbers are those each analysis draws alone."""
    from crossroads.engine.collect import one_sample

    model = crossroads.load(ROOT / "examples" / "why-i-quit-data-science.yaml")
    alone = (crossroads.smaa(model, 1_000).to_dict(), crossroads.risk(model, 1_000).to_dict())
    with one_sample():
        rich = collect(model, 1_000, keep_skills=True)
        assert rich.skills
        assert collect(model, 1_000) is rich
        assert collect(model, 1_000, keep_inline=False) is rich
        shared = (crossroads.smaa(model, 1_000).to_dict(),
                  crossroads.risk(model, 1_000).to_dict())
    assert json.dumps(shared, sort_keys=True) == json.dumps(alone, sort_keys=True)
