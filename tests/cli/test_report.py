"""`crossroads report`: writes one HTML file, or exits 1 with FILE:LINE:COL and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from crossroads.cli import app
from tests.report.conftest import SMALL

runner = CliRunner()


def test_report_writes_a_self_contained_page(tmp_path: Path) -> None:
    src = tmp_path / "d.yaml"
    src.write_text(SMALL)
    out = tmp_path / "out.html"
    result = runner.invoke(app, ["report", str(src), "-o", str(out), "--samples", "400"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert "400 simulated futures" in html and "plotly.js v" in html
    for chart in ("value", "npv", "cash", "criteria"):
        assert f'data-chart="{chart}"' in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.yaml", "out.html"]


def test_a_bad_decision_file_exits_1_with_its_place_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "d.yaml"
    src.write_text(SMALL.replace("cash: 60k to 80k", "cash: 60k to"))
    out = tmp_path / "out.html"
    result = runner.invoke(app, ["report", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert re.match(rf"{re.escape(str(src))}:\d+:\d+: ", result.stderr)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_unwritable_output_exits_1(tmp_path: Path) -> None:
    src = tmp_path / "d.yaml"
    src.write_text(SMALL)
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "no" / "r.html"),
                                 "--samples", "200"])
    assert result.exit_code == 1
    assert "cannot write the report" in result.stderr


def test_usage_error_is_exit_2() -> None:
    assert runner.invoke(app, ["report"]).exit_code == 2
