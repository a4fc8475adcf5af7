"""The report in a real browser: every chart draws, no script errors, no network request;
and a second report inserted as a fragment (as a notebook or the web app would) draws too."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from crossroads.report import render_report, write_report
from tests.browser import need_chromium
from tests.report import fixtures

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Insert HTML and re-create its scripts so they run, as JupyterLab does for trusted output.
INSERT = """html => {
    const box = document.createElement('div');
    box.innerHTML = html;
    document.body.appendChild(box);
    box.querySelectorAll('script').forEach(old => {
        const s = document.createElement('script');
        for (const a of old.attributes) s.setAttribute(a.name, a.value);
        s.textContent = old.textContent;
        old.replaceWith(s);
    });
}"""
ALL_DRAWN = "[...document.querySelectorAll('.cr-chart')].every(d => d.querySelector('.main-svg'))"


def test_report_draws_offline_and_as_a_fragment(tmp_path: Path,
                                                run_dict: dict[str, Any]) -> None:
    need_chromium()  # fails, never skips, without it
    from playwright import sync_api

    out = tmp_path / "report.html"
    write_report(fixtures.full(run_dict), out)
    fragment = render_report({"run": {**run_dict, "seed": 99}}, inline_js=False, plotly_src="")
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("pageerror", lambda e: problems.append(f"error: {e}"))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
                else problems.append(f"request: {r.url}"))
        page.goto(out.as_uri())
        page.wait_for_function(ALL_DRAWN, timeout=20_000)
        page.evaluate(INSERT, fragment)
        page.wait_for_function(ALL_DRAWN, timeout=20_000)
        reports, charts = page.evaluate(
            "[document.querySelectorAll('.cr-report').length,"
            " document.querySelectorAll('.cr-chart').length]")
        browser.close()
    assert problems == []
    assert (reports, charts) == (2, 11 + 4)
