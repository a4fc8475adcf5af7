"""The journal's SVG: bands, points where they belong, escaped text."""

from __future__ import annotations

import re

import pytest

from crossroads.journal.calibrate import Checkin, Entry, review
from crossroads.journal.chart import fan_basis, fan_svg, nice_ticks, pit_svg
from crossroads.journal.prediction import Prediction, YearPrediction

LEVELS = tuple(k / 2 for k in range(201))


def _pred(taxed: bool) -> Prediction:
    years = tuple(YearPrediction(t, tuple(1000.0 * t + 10 * k for k in range(201)),
                                 {"r": 1.0}, {"r": 1.0}, {},
                                 tuple(2000.0 * t + 20 * k for k in range(201)) if taxed
                                 else None) for t in range(3))
    return Prediction("o", "<b>Option</b>", {"r": "role"}, "r", LEVELS, years, "money")


def _points(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in
            re.findall(r'<circle class="actual" cx="([\d.]+)" cy="([\d.]+)"', svg)]


def test_points_sit_at_their_pay_and_the_label_is_escaped() -> None:
    pred = _pred(taxed=False)
    rows = review([Entry(1, "2024-01-01", pred, (Checkin(1, 2000.0), Checkin(2, 2500.0)))])
    svg = fan_svg(pred, rows["entries"][0]["checkins"], "USD")
    assert svg.count('class="band"') == 2 and "&lt;b&gt;Option&lt;/b&gt;" in svg
    assert "<b>" not in svg
    (x1, y1), (x2, y2) = _points(svg)
    assert x1 < x2 and y2 < y1          # the later, higher pay is further right and up
    assert ">50th<" in svg              # 2000 is year 1's median: 1000 + 10 * 100


def test_a_point_on_the_other_basis_is_drawn_at_its_percentile() -> None:
    pred = _pred(taxed=True)
    # before tax, year k pays 2000k + 20j at level j/2; after tax 1000k + 10j
    mixed = review([Entry(1, "2024-01-01", pred, (
        Checkin(1, 2300.0, pre_tax=True), Checkin(2, 2500.0)))])["entries"][0]["checkins"]
    assert [c["cash_percentile"] for c in mixed] == [7.5, 25.0]
    assert not fan_basis(pred, mixed)   # one of two before tax: the run's (after-tax) fan
    after = review([Entry(1, "2024-01-01", pred, (
        Checkin(1, 1150.0), Checkin(2, 2500.0)))])["entries"][0]["checkins"]
    assert [c["cash_percentile"] for c in after] == [7.5, 25.0]
    # 2300 before tax is drawn where 1150 after tax is: the after-tax pay at 7.5%
    assert _points(fan_svg(pred, mixed, "USD")) == _points(fan_svg(pred, after, "USD"))
    gross = [dict(c, pre_tax=True) for c in mixed]
    assert fan_basis(pred, gross)
    assert fan_basis(_pred(taxed=False), gross) is False   # nothing taxed: one fan


def test_ticks_and_pit_bars() -> None:
    assert nice_ticks(0, 97_000) == [0.0, 20_000.0, 40_000.0, 60_000.0, 80_000.0, 100_000.0]
    assert nice_ticks(-5_000, 40_000)[0] <= -5_000
    assert nice_ticks(3.0, 3.0) == pytest.approx([3.0, 3.2, 3.4, 3.6, 3.8, 4.0])
    svg = pit_svg([0, 1, 2, 0, 0, 0, 0, 0, 0, 3])
    assert svg.count("<rect") == 10 and "0.9-1.0: 3" in svg
