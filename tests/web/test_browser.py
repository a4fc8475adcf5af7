"""End to end in Debian's chromium: the real `crossroads serve` on 127.0.0.1.

Opens the founding case, moves a slider and sees the numbers change, breaks and fixes the
file in the editor, adds a research note, looks up the market and downloads the report.
Every page must load without a script error, a CSP violation or a request leaving
127.0.0.1. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, need_chromium
from tests.web.conftest import FOUNDING
from tests.web.load_run import free_port, start_server, stop_server

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Waits are CSS selectors: Playwright's string predicates are eval()-ed in the page, and
# the app's CSP (rightly) forbids eval.


def _need_chromium() -> None:
    """Fail, never skip, without chromium (tests/browser.py)."""
    need_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _need_chromium()
    folder = tmp_path_factory.mktemp("web") / "decisions"
    folder.mkdir()
    shutil.copy(FOUNDING, folder / "founding.yaml")
    port = free_port()
    proc = start_server(folder, port, workers=2)
    try:
        yield f"http://127.0.0.1:{port}", folder
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def browser(server: tuple[str, Path]) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def expected() -> list[str]:
    """Console messages a test expects (a refused save is a 422 the page shows)."""
    return []


@pytest.fixture
def page(browser: Any, server: tuple[str, Path], expected: list[str]) -> Iterator[Any]:
    """A fresh page that records script errors, CSP reports and requests leaving the host."""
    base, _ = server
    context = browser.new_context(base_url=base, accept_downloads=True,
                                  viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("console", lambda m: problems.append(f"console: {m.text}")
           if m.type == "error" else None)
    tab.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:"))
           else problems.append(f"request left the machine: {r.url}"))
    tab.set_default_timeout(60_000)
    yield tab
    context.close()
    assert [p for p in problems if not any(e in p for e in expected)] == []


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_index_lists_the_founding_case(page: Any) -> None:
    page.goto("/")
    link = page.get_by_role("link", name="Leave the ML lead track for platform engineering?")
    assert link.is_visible()
    shot(page, "01-index.png")


def test_slider_recomputes_the_numbers(page: Any) -> None:
    page.goto("/d/0/founding.yaml")
    page.locator("#charts .chart-box").nth(3).locator(".main-svg").first.wait_for()
    cell = page.locator('tr[data-option="ml_lead"] td[data-k="value"]')
    before = cell.inner_text()
    shot(page, "02-dashboard.png")
    page.focus("#s-lead_multiple")
    page.keyboard.press("End")  # the top of the 90% interval: input + change events
    page.wait_for_selector('body[data-runs="1"][data-whatif="idle"]')
    assert page.locator("#o-lead_multiple").inner_text() == "4\u00d7"
    assert "pinned: lead_multiple = 4\u00d7" in page.locator("#status").inner_text()
    after = cell.inner_text()
    assert after != before, (before, after)
    shot(page, "03-whatif.png")


def test_editor_marks_the_bad_line_and_saves(page: Any, server: tuple[str, Path],
                                             expected: list[str]) -> None:
    _, folder = server
    expected.append("status of 422")  # the refused save
    original = (folder / "founding.yaml").read_text()
    line = next(i for i, t in enumerate(original.splitlines(), 1)
                if t.startswith("  lead_multiple:"))
    page.goto("/edit/0/founding.yaml")
    page.wait_for_selector("#gutter span#L1")
    broken = re.sub(r"(?m)^  lead_multiple: 3 to 4", "  lead_multiple: 3 to", original)
    page.locator("#text").fill(broken)
    page.wait_for_selector(f"#gutter span#L{line}.bad")
    assert page.locator("#problem-list li").first.get_attribute("data-line") == str(line)
    page.locator("#problem-list a").first.click()  # jumps the caret to the problem
    shot(page, "04-editor-error.png")
    page.click("#save")
    page.wait_for_selector('#state:has-text("not saved")')
    assert (folder / "founding.yaml").read_text() == original  # refused: nothing written
    page.locator("#text").fill(original)
    page.wait_for_selector('body[data-problems="0"]')
    page.keyboard.press("Control+s")
    page.wait_for_selector('body[data-saved="1"]')
    assert (folder / "founding.yaml").read_text() == original


def test_new_decision_opens_in_the_editor(page: Any, server: tuple[str, Path]) -> None:
    _, folder = server
    page.goto("/")
    page.click("#new-decision")
    page.fill("#f-name", "browser-new")
    page.fill("#f-question", "Stay or take the startup offer?")
    page.select_option("#f-starter", "two-offers")
    shot(page, "04b-new-decision.png")
    page.click("#new-form button[type=submit]")
    page.wait_for_url("**/edit/0/browser-new.yaml")
    page.wait_for_selector('body[data-problems="0"]')
    assert "decision: \"Stay or take the startup offer?\"" in page.locator("#text").input_value()
    assert (folder / "browser-new.yaml").is_file()
    shot(page, "04c-new-decision-editor.png")


def test_research_note_is_added(page: Any) -> None:
    page.goto("/research/new")
    page.fill("#f-person", "mentor-sg")
    page.fill("#f-years", "14")
    page.fill("#f-market", "SG")
    page.fill("#f-stage", "series-b")
    page.fill("#f-role", "VP Engineering")
    page.fill("#f-estimates", "p_em = 35% to 55%\nhalf_life_ml = 3 to 6")
    page.fill("#f-notes", "Says the EM step is a coin flip at best; ML skills fade in 3-6 years.")
    shot(page, "05-research-form.png")
    page.click("button[type=submit]")
    page.wait_for_url("**/research?added=*")
    assert "Added conversation" in page.locator("#notice").inner_text()
    row = page.locator("#log tbody tr").first
    assert "mentor-sg" in row.inner_text() and "35% to 55%" in row.inner_text()
    shot(page, "06-research.png")


def test_market_lookup(page: Any) -> None:
    page.goto("/market")
    page.fill("#m-title", "Data Scientist")
    page.select_option("#m-level", "SE")
    page.fill("#m-country", "US")
    page.click("#market-form button[type=submit]")
    page.wait_for_selector("#market-chart .main-svg")
    assert int(page.locator("#m-n").inner_text().replace(",", "")) > 100
    shot(page, "07-market.png")


def test_report_downloads(page: Any, tmp_path: Path) -> None:
    page.goto("/d/0/founding.yaml")
    assert page.locator("#report-form").get_attribute("method") == "post"
    # The full report runs every analysis at the file's 100,000 draws (minutes on a busy
    # machine); the quick draft is the same form with samples=2000.
    with page.expect_download(timeout=180_000) as download:
        page.click("#report-draft")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "founding-report.html"
    text = saved.read_text()
    assert "Leave the ML lead track for platform engineering?" in text
    assert len(text) > 1_000_000  # plotly.js travels inside: it opens offline
