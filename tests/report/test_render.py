"""The report page: sections follow the bundle, user text is escaped, nothing is fetched."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crossroads.report import render, render_report, write_report
from tests.report import fixtures
from tests.report.conftest import SMALL, small_run

RUN_CHARTS = ("value", "npv", "cash", "criteria")
#: Bundle key -> the section it adds and the charts in it.
OPTIONAL = {
    "smaa": ("robustness", ("ranks",)),
    "sensitivity": ("sensitivity", ("tornado",)),
    "voi": ("next", ("voi",)),
    "skills": ("skills", ("skills", "intersection")),
    "coverage": ("coverage", ("coverage",)),
    "market": ("market", ("market",)),
}


@pytest.fixture(scope="module")
def full(run_dict: dict[str, Any]) -> dict[str, Any]:
    return fixtures.full(run_dict)


@pytest.fixture(scope="module")
def page(full: dict[str, Any]) -> str:
    return render_report(full)


def _chart_ids(html: str) -> list[str]:
    return re.findall(r'<div class="cr-chart" id="[^"]+" data-chart="([a-z]+)"', html)


def test_a_real_run_renders_every_chart_with_its_reading(page: str, full: dict[str, Any]
                                                         ) -> None:
    from crossroads.report.sections import build_sections

    assert _chart_ids(page) == [*RUN_CHARTS, "ranks", "tornado", "voi", "skills",
                                "intersection", "coverage", "market"]
    for section in build_sections(full):
        for chart in section.charts:
            figure = re.search(rf'id="[^"]+-{chart.id}-data">([^<]*)</script>', page)
            assert figure and json.loads(figure.group(1))["data"]
            reading = str(render.ticks(chart.reading))
            assert f'<p class="cr-reading">{reading}</p>' in page


def test_the_page_leads_with_title_verdict_and_options_table(page: str,
                                                             run_dict: dict[str, Any]) -> None:
    head = page[:page.index('data-section="worth"')]
    assert f"<h1>{run_dict['decision']}</h1>" in head
    for sentence in run_dict["verdict"]:
        assert str(render.ticks(sentence)) in head
    for label in ("Stay as ML lead (baseline)", "Platform engineer", "A year off"):
        assert f"<td>{label}</td>" in head
    assert "value, first 3 years" in head and "P(best)" in head and "breaks even" in head
    assert "seed 7 · 2,000 samples" in page and "crossroads 0.1.0" in page


@pytest.mark.parametrize("key", sorted(OPTIONAL))
def test_each_optional_section_follows_its_bundle_key(run_dict: dict[str, Any],
                                                      full: dict[str, Any], key: str) -> None:
    section, chart_ids = OPTIONAL[key]
    alone = render_report({"run": run_dict, key: full[key]}, inline_js=False)
    assert f'data-section="{section}"' in alone
    assert _chart_ids(alone) == [*RUN_CHARTS, *chart_ids]
    without = render_report({k: v for k, v in full.items() if k != key}, inline_js=False)
    assert f'data-section="{section}"' not in without
    assert not set(chart_ids) & set(_chart_ids(without))


def test_run_only_bundle_has_just_the_run_sections(run_dict: dict[str, Any]) -> None:
    html = render_report({"run": run_dict}, inline_js=False)
    assert re.findall(r'data-section="([a-z]+)"', html) == ["worth", "cash", "criteria"]


def test_user_text_is_escaped_everywhere() -> None:
    evil = "<script>alert(1)</script>"
    text = SMALL.replace("label: Stay as ML lead", f"label: '{evil}'").replace(
        "decision: test", f"decision: '{evil} & co'")
    run = small_run(text, samples=300)
    html = render_report({"run": run, "smaa": fixtures.smaa(list(run["options"]))},
                         inline_js=False)
    assert evil not in html and "alert(1)</script>" not in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>" in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt; (baseline)</td>" in html


def test_script_data_cannot_close_its_tag() -> None:
    assert str(render._script_json({"x": "</script><b>&"})) == (
        '{"x":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}')


def test_nothing_is_fetched_from_the_network(page: str) -> None:
    assert "plotly.js v" in page  # inlined from the installed package
    assert not re.search(r"<script[^>]*\bsrc=", page)
    ours = page.replace(render._plotly_js(), "")  # plotly.js mentions URLs it never loads
    assert not re.search(r"<link\b", ours)
    assert not re.search(r"https?:|//cdn|\bcdn\.", ours)
    assert "@import" not in ours and "url(" not in ours


def test_inline_js_false_references_plotly_src(run_dict: dict[str, Any]) -> None:
    html = render_report({"run": run_dict}, inline_js=False, plotly_src="/s/p.js")
    assert re.findall(r'<script[^>]*\bsrc="([^"]*)"', html) == ["/s/p.js"]
    assert "plotly.js v" not in html and len(html) < 300_000
    bare = render_report({"run": run_dict}, inline_js=False, plotly_src="")
    assert not re.search(r"<script[^>]*\bsrc=", bare)


def test_the_page_works_as_a_fragment(run_dict: dict[str, Any]) -> None:
    html = render_report({"run": run_dict}, inline_js=False)
    body = html.split("<body>\n", 1)[1].rsplit("</body>", 1)[0].strip()
    assert body.startswith('<div class="cr-report" id="cr-') and body.endswith("</div>")
    assert body.count("<style>") == 1 and "</div>" in body
    css = body.split("<style>")[1].split("</style>")[0]
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = re.findall(r"(?:^|})\s*([^{}@]+?)\s*{", css)
    assert selectors and all(s.startswith(".cr-report")
                             for sel in selectors for s in (x.strip() for x in sel.split(",")))


def test_rendering_is_deterministic_and_ids_differ_between_reports(
        run_dict: dict[str, Any]) -> None:
    a = render_report({"run": run_dict}, inline_js=False)
    assert a == render_report({"run": run_dict}, inline_js=False)
    other = {**run_dict, "seed": 8}
    b = render_report({"run": other}, inline_js=False)
    ids = (re.search(r'class="cr-report" id="([^"]+)"', x).group(1) for x in (a, b))
    assert len(set(ids)) == 2


def test_undefined_statistics_become_null(run_dict: dict[str, Any]) -> None:
    run = json.loads(json.dumps(run_dict))
    run["options"]["move"]["cumulative_cash"]["p95"][0] = float("nan")
    html = render_report({"run": run}, inline_js=False)
    assert "NaN" not in html and "[null," in html


def test_write_report_writes_the_page(tmp_path: Path, run_dict: dict[str, Any]) -> None:
    out = tmp_path / "r.html"
    write_report({"run": run_dict}, out)
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_write_report_leaves_nothing_when_rendering_fails(tmp_path: Path,
                                                          run_dict: dict[str, Any]) -> None:
    out = tmp_path / "r.html"
    with pytest.raises(KeyError):
        write_report({"no run": run_dict}, out)
    assert list(tmp_path.iterdir()) == []
    out.write_text("the previous report")
    with pytest.raises(KeyError):
        write_report({"no run": run_dict}, out)
    assert out.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_write_report_cleans_up_when_writing_fails(tmp_path: Path, run_dict: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render.os, "replace", broken)
    with pytest.raises(OSError):
        write_report({"run": run_dict}, tmp_path / "r.html")
    assert list(tmp_path.iterdir()) == []


def test_an_analysis_sentences_go_under_its_section(run_dict: dict[str, Any]) -> None:
    skills = {**fixtures.skills(list(run_dict["options"]), 6),
              "sentences": ["Platform skills <grow> fastest on the move."]}
    html = render_report({"run": run_dict, "skills": skills}, inline_js=False)
    section = html.split('data-section="skills"')[1].split("</section>")[0]
    assert '<li>Platform skills &lt;grow&gt; fastest on the move.</li>' in section


def test_smaa_options_that_are_never_first_show_dashes(run_dict: dict[str, Any]) -> None:
    smaa = fixtures.smaa(list(run_dict["options"]))
    smaa["central_weights"]["rest"] = None
    smaa["confidence"]["rest"] = float("nan")
    html = render_report({"run": run_dict, "smaa": smaa}, inline_js=False)
    row = html.split("<td>A year off</td>")[-1].split("</tr>")[0]
    assert row.count(">-</td>") == 4


def test_option_references_make_a_market_section(run_dict: dict[str, Any]) -> None:
    run = json.loads(json.dumps(run_dict))
    run["options"]["move"]["reference"] = {**fixtures.market(), "pay": 70e3,
                                           "percentile": 8.0, "sentence": "Low pay."}
    html = render_report({"run": run}, inline_js=False)
    assert 'data-section="market"' in html
    assert "Platform engineer&#39;s first-year pay sits at the 8th percentile" in html
    assert 'data-section="market"' not in render_report({"run": run_dict}, inline_js=False)


def test_run_notes_follow_the_verdict_and_a_run_may_have_neither(
        run_dict: dict[str, Any]) -> None:
    html = render_report({"run": {**run_dict, "notes": ["A <caveat>."]}}, inline_js=False)
    head = html.split('data-section="worth"')[0]
    assert '<li class="cr-aside">A &lt;caveat&gt;.</li>' in head
    bare = {k: v for k, v in run_dict.items() if k not in ("verdict", "notes")}
    assert 'class="cr-verdict"' not in render_report({"run": bare}, inline_js=False)
