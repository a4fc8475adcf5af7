"""`check` warns, and still passes, when pay can be negative; the examples are not warned."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from crossroads.estimate.dists import Z95
from crossroads.model.warn import DRAWS, file_warnings, negative_pay

NEGATIVE = """\
decision: test
params:
  base: -10k to 50k
options:
  a:
    roles:
      lead:
        cash: base
        bonus: -5% to 10%
        next: [{to: head, after: 2}]
      head:
        cash: previous * 1.2
  b:
    roles:
      r: {cash: 0 to 50k, bonus: 0% to 20%}
"""


def _normal_below_zero(lo: float, hi: float) -> float:
    mean, sd = (lo + hi) / 2, (hi - lo) / (2 * Z95)
    return 0.5 * math.erfc(mean / sd / math.sqrt(2))


def test_negative_pay_is_warned_with_its_share_of_draws() -> None:
    found = negative_pay(crossroads.load(NEGATIVE))
    assert [(w.line, w.column) for w in found] == [(8, 15), (9, 16)]
    se = math.sqrt(0.25 / DRAWS)
    for w, (lo, hi) in zip(found, [(-10e3, 50e3), (-0.05, 0.10)], strict=True):
        share = float(w.message.split(" in ")[-1].split("%")[0]) / 100
        assert share == pytest.approx(_normal_below_zero(lo, hi), abs=4 * se + 0.0005)
    assert found[0].format().startswith("<string>:8:15: warning: the cash of `a.lead` is "
                                         "negative in 1")
    assert found[0].hint == ("pay below 0 is a debt: a range that starts at 0 never goes "
                             "below it, e.g. 0 to 50k; max(0, ...) floors any estimate")


def test_a_range_from_zero_and_path_dependent_pay_are_not_warned() -> None:
    text = NEGATIVE.replace("base: -10k to 50k", "base: 0 to 50k").replace(
        "bonus: -5% to 10%", "bonus: max(0, normal(5%, 5%))")
    assert file_warnings(crossroads.load(text)) == []


@pytest.mark.parametrize("name", ["why-i-quit-data-science.yaml", "grad-school.yaml",
                                  "two-offers.yaml"])
def test_the_examples_are_not_warned(examples: Path, name: str) -> None:
    assert file_warnings(crossroads.load(examples / name)) == []


def test_check_prints_warnings_and_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(NEGATIVE)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:8:15: warning: the cash of `a.lead` is negative in ")
    assert lines[1].startswith(f"{path}:9:16: warning: the bonus of `a.lead` is negative in ")
    assert "ok" in result.stdout
