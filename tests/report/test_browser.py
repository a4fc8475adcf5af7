"""The report in a real browser: every chart draws, no script errors, no network request."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from crossroads.report import write_report
from tests.report import fixtures

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


def test_report_draws_offline_without_errors(tmp_path: Path, run_dict: dict[str, Any]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "report.html"
    write_report(fixtures.full(run_dict), out)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("pageerror", lambda e: problems.append(f"error: {e}"))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
                else problems.append(f"request: {r.url}"))
        page.goto(out.as_uri())
        page.wait_for_function(
            "document.querySelectorAll('.cr-chart .main-svg').length > 0 && "
            "[...document.querySelectorAll('.cr-chart')].every(d => d.querySelector('.main-svg'))",
            timeout=15_000)
        drawn = page.evaluate("document.querySelectorAll('.cr-chart .main-svg').length")
        browser.close()
    assert problems == []
    assert drawn >= 11
