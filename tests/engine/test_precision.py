"""`samples: auto` stops at the stated precision, the same bytes for the same seed, and an
explicit count is honoured exactly (docs/performance.md)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from crossroads.engine import precision as pr
from crossroads.errors import DecisionError

#: a known answer: a's value is x ~ normal(100k, 20k), b's 80k, over one year undiscounted,
#: so P(a best) = Phi(1) = 0.8413 and the gap is 20k with a standard deviation of 20k
KNOWN = """decision: known answer
horizon: 1
samples: auto
seed: 3
params:
  x: normal(100k, 20k)
options:
  a: {roles: {r: {cash: x}}}
  b: {roles: {r: {cash: 80k}}}
"""
PHI_1 = 0.5 * math.erfc(-1 / math.sqrt(2))


def test_auto_stops_at_the_stated_precision_on_a_known_answer() -> None:
    d = crossroads.run(crossroads.load(KNOWN)).to_dict()
    p = d["precision"]
    assert p["stopped"] == "precision"
    assert p["p_best_se"] <= p["p_best_target"] == 0.005
    assert p["gap_se"] <= p["gap_target"] == pytest.approx(0.01 * p["gap"])
    # the gap rule decides: se = 20k / sqrt(n) <= 200 needs n >= 10,000, so the first whole
    # block past it: 12,000 (at 8,000 the se is 224)
    assert d["samples"] == 12_000
    assert p["gap_se"] == pytest.approx(20_000 / math.sqrt(12_000), rel=0.03)
    pa = d["options"]["a"]["p_best"]
    assert p["p_best_se"] == pytest.approx(math.sqrt(pa * (1 - pa) / 12_000))
    assert abs(pa - PHI_1) < 4 * p["p_best_se"]
    assert abs(p["gap"] - 20_000) < 4 * p["gap_se"]
    assert d["options"]["a"]["mcse"]["p_best"] == pytest.approx(p["p_best_se"])


def test_the_precision_from_sums_matches_numpy() -> None:
    rng = np.random.default_rng(1)
    value = np.stack([rng.normal(10, 3, 9_000), rng.normal(9, 2, 9_000),
                      rng.normal(0, 1, 9_000)])
    sums = pr.Sums(3)
    for start in range(0, 9_000, 3_000):   # blocks: the same sums as all at once
        block = value[:, start:start + 3_000]
        best = np.bincount(block.argmax(axis=0), minlength=3).astype(float)
        sums.add(block, best)
    got = sums.measure()
    gap = value[0] - value[1]
    assert got.gap == pytest.approx(gap.mean())
    assert got.gap_se == pytest.approx(gap.std(ddof=1) / math.sqrt(9_000))
    p = np.bincount(value.argmax(axis=0), minlength=3) / 9_000
    assert got.p_best_se == pytest.approx(np.sqrt(p * (1 - p) / 9_000).max())


def test_same_file_and_seed_give_the_same_bytes(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "k.yaml"
    path.write_text(KNOWN)
    a = runner.invoke(app, ["run", str(path), "--json"])
    b = runner.invoke(app, ["run", str(path), "--samples", "auto", "--json"])
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout
    assert json.loads(a.stdout)["precision"]["rule"] == "auto"
    other = runner.invoke(app, ["run", str(path), "--seed", "4", "--json"])
    assert other.stdout != a.stdout


def test_an_explicit_count_is_honoured_exactly() -> None:
    model = crossroads.load(KNOWN)
    result = crossroads.run(model, samples=12_345)
    assert result.samples == 12_345
    assert "precision" not in result.to_dict()  # the file's `auto` is overridden
    assert crossroads.run(model, samples=12_345).to_dict() == result.to_dict()
    d = CliRunner().invoke(app, ["run", "examples/two-offers.yaml", "--samples", "3k",
                                 "--json"])
    assert json.loads(d.stdout)["samples"] == 3_000


def test_a_case_with_nothing_random_stops_at_the_floor() -> None:
    text = KNOWN.replace("normal(100k, 20k)", "100k")
    d = crossroads.run(crossroads.load(text)).to_dict()
    assert d["samples"] == pr.AUTO_FLOOR
    assert d["precision"]["gap_se"] == 0.0


def test_a_tie_stops_at_the_cap_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pr, "AUTO_CAP", 3 * pr.AUTO_BLOCK)
    text = KNOWN.replace("cash: 80k", "cash: y").replace(
        "  x: normal(100k, 20k)", "  x: normal(100k, 20k)\n  y: normal(100k, 20k)")
    d = crossroads.run(crossroads.load(text)).to_dict()
    assert d["samples"] == 3 * pr.AUTO_BLOCK
    assert d["precision"]["stopped"] == "cap"
    assert d["precision"]["gap_se"] > d["precision"]["gap_target"]


def test_the_analyses_draw_their_stated_count_for_an_auto_file() -> None:
    assert crossroads.load(KNOWN).samples == pr.AUTO_ANALYSIS_SAMPLES


def test_a_bad_samples_word_is_refused_at_its_place() -> None:
    with pytest.raises(DecisionError) as err:
        crossroads.load(KNOWN.replace("samples: auto", "samples: often"))
    assert (err.value.line, err.value.column) == (3, 10)
    bad = CliRunner().invoke(app, ["run", "examples/two-offers.yaml", "--samples", "0"])
    assert bad.exit_code == 2 and "nor `auto`" in " ".join(
        line.strip("│ ") for line in bad.output.splitlines())


def test_the_table_title_states_the_draws_and_the_precision_reached() -> None:
    from crossroads.cli.output import run_table

    result = crossroads.run(crossroads.load(KNOWN))
    title = str(run_table(result).title)
    p = result.precision
    assert p is not None
    assert (f"12,000 draws (auto: P(best) ±{p['p_best_se'] * 100:.1f} pp, gap ±$"
            in title)
    assert "auto" not in str(run_table(crossroads.run(crossroads.load(KNOWN),
                                                       samples=500)).title)
