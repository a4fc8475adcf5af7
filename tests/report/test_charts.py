"""Each chart: a JSON-ready Plotly figure dict and a literal plain-language reading."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossroads.report import charts
from tests.report import fixtures

RUN = fixtures.tiny_run()
IDS = list(RUN["options"])

#: (function, its arguments) for every chart, built from fixtures in the shapes of docs/cli.md.
CASES = [
    (charts.value_chart, (RUN,)),
    (charts.npv_chart, (RUN,)),
    (charts.cash_chart, (RUN,)),
    (charts.criteria_chart, (RUN,)),
    (charts.rank_chart, (fixtures.smaa(IDS), RUN)),
    (charts.tornado_chart, (fixtures.sensitivity(IDS), RUN)),
    (charts.tornado_chart, (fixtures.sobol(), RUN)),
    (charts.voi_chart, (fixtures.voi(IDS), RUN)),
    (charts.skills_chart, (fixtures.skills(IDS, 3), RUN)),
    (charts.intersection_chart, (fixtures.skills(IDS, 3), RUN)),
    (charts.coverage_chart, (fixtures.coverage(),)),
    (charts.market_chart, (fixtures.market(), RUN)),
]


@pytest.mark.parametrize(("func", "args"), CASES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_chart_is_a_json_figure_dict_with_a_reading(func: Any, args: Any) -> None:
    chart = func(*args)
    assert isinstance(chart.figure, dict)
    assert set(chart.figure) == {"data", "layout"} and chart.figure["data"]
    json.dumps(chart.to_dict(), allow_nan=False)
    assert chart.reading.endswith(".") and "\n" not in chart.reading
    assert chart.id and chart.title


@pytest.mark.parametrize(("func", "args", "reading"), [
    (charts.value_chart, (RUN,), "Move's value is above Stay's in 84% of futures."),
    (charts.npv_chart, (RUN,), "On cash alone Stay leads ($450k); Move leads on value because "
                               "what you value adds $160k."),
    (charts.cash_chart, (RUN,), "Catching up with Stay on cash: Move by year 2 in half the "
                                "futures (60% within 3 years)."),
    (charts.criteria_chart, (RUN,), "Highest mean score: Move on fun; Stay on growth rate."),
    (charts.tornado_chart, (fixtures.sensitivity(IDS), RUN),
     "`lead_multiple` moves the gap most: from -$40k to $420k across its range; at one end "
     "of `lead_multiple` the other option would lead."),
    (charts.tornado_chart, (fixtures.sobol(), RUN),
     "`lead_multiple` explains 55% of the variance of the gap on its own and 62% with its "
     "interactions."),
    (charts.voi_chart, (fixtures.voi(IDS), RUN),
     "Knowing everything would be worth $21k; of single inputs, pinning down `lead_multiple` "
     "is worth most ($12k): find that out first."),
    (charts.rank_chart, (fixtures.smaa(IDS), RUN),
     "Ranked first, across the weights you allow: Stay for 60%; Move for 40%. At its central "
     "weights Stay is first in 50% of futures."),
    (charts.intersection_chart, (fixtures.skills(IDS, 3), RUN),
     "In the last year Move puts you in the top 38% at the intersection of your skills "
     "(ml, platform); Stay: top 40%."),
    (charts.coverage_chart, (fixtures.coverage(),),
     "4 conversations across 3 markets; nobody yet from IN at series-b, SG at seed on at "
     "least one param."),
])
def test_readings_say_what_the_chart_shows(func: Any, args: Any, reading: str) -> None:
    assert func(*args).reading == reading


def test_value_histogram_is_steps_over_the_shared_bins_not_a_density() -> None:
    trace = charts.value_chart(RUN).figure["data"][0]
    assert trace["line"]["shape"] == "hv"
    assert trace["x"] == RUN["options"]["stay"]["value_hist"]["edges"]
    assert trace["y"] == [0.1, 0.6, 0.3, 0.3]


def test_cash_fan_has_a_band_and_median_per_option_and_break_even_curves() -> None:
    fig = charts.cash_chart(RUN).figure
    medians = [t for t in fig["data"] if t.get("showlegend") is not False]
    curves = [t for t in fig["data"] if t.get("yaxis") == "y2"]
    assert [t["y"] for t in medians] == [[60_000.0, 120_000.0, 170_000.0]] * 2
    assert [t["y"] for t in curves] == [[0.1, 0.4, 0.6]]   # the baseline has no curve
    assert fig["layout"]["yaxis2"]["tickformat"] == ".0%"


def test_no_break_even_no_lower_panel() -> None:
    run = json.loads(json.dumps(RUN))
    run["options"]["move"]["break_even"] = None
    assert "yaxis2" not in charts.cash_chart(run).figure["layout"]


@pytest.mark.parametrize(("func", "args"), [
    (charts.criteria_chart, ({**RUN, "options": {k: {**o, "criteria": {}}
                                                 for k, o in RUN["options"].items()}},)),
    (charts.value_chart, ({**RUN, "options": {k: {kk: v for kk, v in o.items()
                                                  if kk != "value_hist"}
                                              for k, o in RUN["options"].items()}},)),
    (charts.voi_chart, ({"evpi": 0.0, "evppi": {}}, RUN)),
    (charts.tornado_chart, ({"method": "tornado", "bars": []}, RUN)),
    (charts.rank_chart, ({"rank_acceptability": {}}, RUN)),
    (charts.skills_chart, ({"options": {}}, RUN)),
    (charts.intersection_chart, ({"options": {"stay": {"skills": {}}}}, RUN)),
    (charts.coverage_chart, ({"markets": [], "stages": [], "cells": []},)),
    (charts.market_chart, ({"n": 0, "median": 0.0, "p10": 0.0, "p90": 0.0}, RUN)),
])
def test_nothing_to_draw_gives_none(func: Any, args: Any) -> None:
    assert func(*args) is None


@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_skill_percentiles_read_the_same_as_fractions_or_percents(scale: float) -> None:
    skills = {"options": {"stay": {"skills": {"ml": {"percentile": [0.5 * scale, 0.8 * scale]}},
                                   "intersection_top_pct": [30.0, 20.0]}}}
    chart = charts.skills_chart(skills, RUN)
    assert chart.figure["data"][0]["y"] == [50.0, 80.0]
    assert chart.reading == "Highest by the last year: ml: Stay (80th percentile)."


def test_skill_bands_are_drawn_when_the_analysis_gives_them() -> None:
    track = {"percentile": [0.5, 0.6], "p5": [0.4, 0.45], "p95": [0.6, 0.8]}
    chart = charts.skills_chart({"options": {"stay": {"skills": {"ml": track}}}}, RUN)
    assert [t.get("fill") for t in chart.figure["data"]] == [None, "tonexty", None]


def test_voi_with_nothing_to_learn_says_so() -> None:
    chart = charts.voi_chart({"evpi": 0.0, "evppi": {"x": 0.0}}, RUN)
    assert chart.reading.startswith("Perfect information is worth $0: nothing you could find")


def test_voi_when_no_single_input_matters_does_not_send_you_after_one() -> None:
    voi = {"evpi": 19_000.0, "evppi": {"a": 14.0, "b": 1.0, "c": 0.0, "d": 0.0}}
    chart = charts.voi_chart(voi, RUN)
    assert chart.reading == (
        "Knowing everything would be worth $19k, but no single input is worth much to pin "
        "down (at most $14, `a`): what could change your choice is spread over many inputs, "
        "or is chance nobody can tell you in advance.")
    assert chart.figure["data"][0]["y"] == ["b", "a"]   # inputs worth nothing are left out
    assert charts.voi_params({"evppi": {"c": 0.0, "d": 0.0}}) == ["c", "d"]


def test_market_is_not_overlaid_on_options_in_another_currency() -> None:
    chart = charts.market_chart(fixtures.market(), {**RUN, "currency": "EUR"})
    assert len(chart.figure["data"]) == 2
    assert "your options are in EUR" in chart.reading


def test_market_reading_places_each_option() -> None:
    chart = charts.market_chart({**fixtures.market(), "p10": 55_000.0, "median": 65_000.0},
                                RUN)
    assert chart.reading.endswith("Stay's first-year pay is below the median; Move's "
                                  "first-year pay is below the median.")


def test_market_rows_from_option_references_mark_only_their_option() -> None:
    run = json.loads(json.dumps(RUN))
    run["options"]["move"]["first_year_base"] = {"mean": 90e3, "p5": 80e3, "p50": 90e3,
                                                 "p95": 99e3}
    ref = {**fixtures.market(), "option": "move", "label": "Move", "pay": 90e3,
           "percentile": 12.0}
    chart = charts.market_chart([ref], run)
    markers = chart.figure["data"][2:]
    assert [(t["name"], t["x"]) for t in markers] == [("Move", [90e3])]
    assert chart.reading == "Move's first-year pay sits at the 12th percentile of its market."
    assert chart.figure["data"][0]["y"] == [
        "Move: Machine Learning Engineer / SE / US (n=412)"]


def test_first_pay_prefers_base_pay() -> None:
    option = {"cumulative_cash": {"p50": [50.0, 100.0]}}
    assert charts.first_pay(option) == 50.0
    assert charts.first_pay({**option, "first_year_base": {"p50": 40.0}}) == 40.0
    assert charts.first_pay({}) is None


def test_user_text_in_figures_is_inert() -> None:
    run = json.loads(json.dumps(RUN))
    run["options"]["stay"]["label"] = "<b onmouseover=x>Stay</b>"
    text = json.dumps(charts.npv_chart(run).figure)
    assert "<b" not in text and "&lt;b onmouseover=x&gt;Stay&lt;/b&gt;" in text


def test_intersection_bands_are_drawn_and_never_rescaled() -> None:
    skills = {"options": {"stay": {"skills": {}, "intersection_top_pct": [0.9, 0.5],
                                   "intersection_p5": [0.2, 0.1],
                                   "intersection_p95": [1.0, 0.8]}}}
    data = charts.intersection_chart(skills, RUN).figure["data"]
    assert [t["y"] for t in data] == [[1.0, 0.8], [0.2, 0.1], [0.9, 0.5]]
    assert data[1]["fill"] == "tonexty"


def test_voi_bars_set_the_scale_when_evpi_would_hide_them() -> None:
    # $14 against $19k: the axis ends just past the largest bar, EVPI is written, not drawn
    small = charts.voi_chart({"evpi": 19_000.0, "evppi": {"a": 14.0, "b": 1.0}}, RUN)
    layout = small.figure["layout"]
    assert layout["xaxis"]["range"] == [0.0, pytest.approx(14.0 * 1.15)]
    assert "shapes" not in layout
    assert layout["annotations"][0]["text"] == "everything (EVPI): $19k, off this scale"
    # a bar worth half of EVPI: the EVPI line is on the axis
    big = charts.voi_chart({"evpi": 1000.0, "evppi": {"a": 500.0}}, RUN)
    assert big.figure["layout"]["xaxis"]["range"] == [0.0, pytest.approx(1050.0)]
    assert big.figure["layout"]["shapes"][0]["x0"] == 1000.0


def test_voi_reading_separates_what_research_can_buy_from_luck() -> None:
    voi = {"evpi": 19_000.0, "evpi_params": 4_000.0, "evppi": {"a": 3_000.0}}
    reading = charts.voi_chart(voi, RUN).reading
    assert reading.endswith("Of the $19k EVPI, learning every input at once would be worth "
                            "$4k; the rest, $15k, is luck no research resolves.")
    assert "luck no research" not in charts.voi_chart({"evpi": 19_000.0, "evppi": {"a": 1.0}},
                                                      RUN).reading
