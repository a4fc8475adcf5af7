"""Issue 19 in Debian's chromium, on the real `crossroads serve`: a web app people trust.

One test (or more) per point of the issue, each leaving screenshots in
test-artifacts/screenshots/19-*.png: stale saves and research edits show both versions
and a conscious choice; reports show progress, can be cancelled and leave the sliders
fast; sliders speak in labels, units and sketches and every number shows its change;
scenarios compare side by side; terms are explained in place; the layout fits at 1400 and
390 px; keyboard, focus, contrast and axe-core (vendored, MPL-2.0) find no serious or
critical violation on any page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crossroads.glossary import tip
from tests.browser import chromium
from tests.web.conftest import FOUNDING, SMALL
from tests.web.load_run import free_port, start_server, stop_server
from tests.web.test_browser import SHOTS, _need_chromium

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
DASHBOARD = "/d/0/founding.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _need_chromium()
    folder = tmp_path_factory.mktemp("trust") / "decisions"
    folder.mkdir()
    # a fixed 100,000 draws, not `samples: auto` (16,000): the report's stages must last
    # long enough to be seen and cancelled while the sliders answer
    text = FOUNDING.read_text()
    assert "\nsamples: auto" in text
    (folder / "founding.yaml").write_text(text.replace("\nsamples: auto", "\nsamples: 100000"))
    (folder / "small.yaml").write_text(SMALL)
    (folder / "conflict.yaml").write_text(SMALL)
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


class Tabs:
    """Browser contexts on the server; every page records script errors."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.contexts: list[Any] = []
        self.problems: list[str] = []
        self.expected: list[str] = []

    def open(self, width: int = 1400, height: int = 1000, *, bypass_csp: bool = False) -> Any:
        context = self.browser.new_context(base_url=self.base, accept_downloads=True,
                                           viewport={"width": width, "height": height},
                                           bypass_csp=bypass_csp)
        self.contexts.append(context)
        return self.tab(context)

    def tab(self, context: Any) -> Any:
        page = context.new_page()
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("console", lambda m: self.problems.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.set_default_timeout(60_000)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def tabs(browser: Any, server: tuple[str, Path]) -> Iterator[Tabs]:
    out = Tabs(browser, server[0])
    yield out
    out.close()
    assert [p for p in out.problems if not any(e in p for e in out.expected)] == []


def shot(page: Any, name: str, *, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"19-{name}.png"), full_page=full)


def _dashboard(page: Any) -> None:
    page.goto(DASHBOARD)
    page.locator("#charts .chart-box").nth(3).locator(".main-svg").first.wait_for()


# ------------------------------------------------------------ 1. no lost work -----------

def test_a_stale_save_shows_both_versions_and_a_choice(tabs: Tabs,
                                                       server: tuple[str, Path]) -> None:
    _, folder = server
    tabs.expected.append("status of 409")
    first = tabs.open()
    second = tabs.tab(first.context)  # two tabs of one browser on the same file
    for tab in (first, second):
        tab.goto("/edit/0/conflict.yaml")
        tab.wait_for_selector('body[data-problems="0"]')
    first.locator("#text").fill(SMALL.replace("Stay or move?", "Saved in tab one"))
    first.wait_for_selector('body[data-problems="0"]:not([data-validating])')
    first.click("#save")
    first.wait_for_selector('body[data-saved="1"]')
    assert "Saved at" in first.locator("#state").inner_text()  # the confirmation
    second.locator("#text").fill(SMALL.replace("Stay or move?", "Typed in tab two"))
    second.wait_for_selector('body[data-problems="0"]:not([data-validating])')
    second.click("#save")
    second.wait_for_selector('body[data-conflict="1"]')
    assert "Saved in tab one" in (folder / "conflict.yaml").read_text()  # nothing lost
    assert "Typed in tab two" in second.locator("#conflict-mine").inner_text()
    assert "Saved in tab one" in second.locator("#conflict-theirs").inner_text()
    assert second.evaluate("document.activeElement.id") == "conflict-title"
    assert second.locator("#conflict-mine span.differs").inner_text().strip() == \
        "decision: Typed in tab two"  # the line that differs is marked
    shot(second, "01-stale-save-both-versions")
    second.click("#overwrite")  # the conscious choice
    second.wait_for_selector('body[data-saved="1"]:not([data-conflict])')
    assert "Typed in tab two" in (folder / "conflict.yaml").read_text()
    # the other choice: tab one is now stale; it takes the version on disk
    first.locator("#text").fill(SMALL.replace("Stay or move?", "Tab one again"))
    first.wait_for_selector('body[data-problems="0"]:not([data-validating])')
    first.click("#save")
    first.wait_for_selector('body[data-conflict="1"]')
    first.click("#take-theirs")
    first.wait_for_selector("body:not([data-conflict])")
    assert "Typed in tab two" in first.locator("#text").input_value()
    assert "Typed in tab two" in (folder / "conflict.yaml").read_text()


def test_a_stale_research_edit_shows_both_versions(tabs: Tabs) -> None:
    tabs.expected.append("status of 409")
    page = tabs.open()
    page.goto("/research/new")
    page.fill("#f-person", "mentor-in")
    page.fill("#f-years", "9")
    page.fill("#f-estimates", "p_em = 30% to 45%")
    page.click("#research-form button[type=submit]")
    page.wait_for_url("**/research?added=*")
    assert "Added conversation" in page.locator("#notice").inner_text()
    cid = re.search(r"added=(\d+)", page.url).group(1)  # type: ignore[union-attr]
    other = tabs.tab(page.context)
    for tab in (page, other):
        tab.goto(f"/research/{cid}/edit")
    page.fill("#f-years", "10")
    page.click("#research-form button[type=submit]")
    page.wait_for_url("**/research?saved=*")
    assert "Saved conversation" in page.locator("#notice").inner_text()
    shot(page, "02-research-saved-confirmation")
    other.fill("#f-notes", "typed in the other tab")
    other.click("#research-form button[type=submit]")
    other.wait_for_selector("#conflict")
    assert other.locator("#conflict-table tr.differs").count() >= 2  # years and notes
    shot(other, "03-research-conflict")
    other.click("#overwrite")
    other.wait_for_url("**/research?saved=*")
    assert "typed in the other tab" in other.locator("#log").inner_text()


# ------------------------------------------------------------ 2. sliders first ----------

def test_a_report_shows_progress_and_can_be_cancelled_while_sliders_answer(
        tabs: Tabs) -> None:
    page = tabs.open()
    _dashboard(page)
    page.focus("#s-lead_multiple")
    page.keyboard.press("Home")  # a first what-if: the workers compile the file
    page.wait_for_selector('body[data-runs="1"][data-whatif="idle"]')
    page.click("#report-full")  # every analysis at 100,000 draws: a minute or more
    page.wait_for_selector('body[data-report="building"]')
    # a what-if while the report builds: the sliders do not wait behind it
    page.focus("#s-lead_multiple")
    page.keyboard.press("End")
    page.wait_for_selector('body[data-runs="2"][data-whatif="idle"]')
    status = page.locator("#status").inner_text()
    queued = re.search(r"\(\+(\d+) ms queued\)", status)
    # it never queued behind the report (a slider waited 17 s behind two); its time is
    # the simulation's own, which benchmarks/web_whatif.py measures (p95)
    assert queued is None or int(queued.group(1)) < 1000, status
    # the report's own stages, as its process reports them (after it has started)
    page.wait_for_selector('#report-stage:has-text("simulating every option")',
                           timeout=180_000)
    text = page.locator("#report-stage").inner_text()
    assert re.match(r"\d+% · simulating every option · \d+ s", text), text
    assert page.locator("#report-bar").is_visible()
    shot(page, "04-report-progress")
    page.click("#report-cancel")
    page.wait_for_selector('#report-stage:has-text("Report cancelled")')
    shot(page, "05-report-cancelled")


# ------------------------------------------------------- 3. inputs a person reads -------

def test_sliders_speak_in_labels_units_and_sketches(tabs: Tabs,
                                                   server: tuple[str, Path]) -> None:
    page = tabs.open()
    _dashboard(page)
    slider = page.locator('.slider[data-name="p_head_of_ml"]')
    assert slider.locator(".plabel").inner_text() == "chance: head of ml"
    line = next(t for t in (server[1] / "founding.yaml").read_text().splitlines()
                if t.lstrip().startswith("p_head_of_ml:"))
    comment = line.split("#", 1)[1].strip()  # the file's own words beside the param
    assert slider.locator(".note").inner_text().startswith(comment)
    assert slider.locator("svg.sketch path").count() == 1
    estimate = line.split(":", 1)[1].split("#", 1)[0].strip()  # "30% to 50%"
    assert f"p_head_of_ml: {estimate}" in slider.locator(".range").inner_text()
    assert "Beta" not in page.locator(".whatif").inner_text()
    lead = page.locator("#s-lead_multiple")
    assert lead.get_attribute("aria-valuetext").startswith("not pinned (mean 3.")
    page.focus("#s-lead_multiple")
    page.keyboard.press("End")
    page.wait_for_selector('body[data-runs="1"][data-whatif="idle"]')
    assert lead.get_attribute("aria-valuetext") == "pinned at 4\u00d7"
    assert page.locator("#m-lead_multiple").get_attribute("visibility") == "visible"
    # every number of the table shows its change from the unpinned run
    delta = page.locator('tr[data-option="ml_lead"] td[data-k="value"] .delta').inner_text()
    assert re.match(r"^[+-]\$[\d.]+[kM]$", delta), delta
    assert page.locator("#delta-legend").is_visible()
    assert page.locator('#criteria tr[data-option="ml_lead"] .delta').count() > 0
    shot(page, "06-sliders-explained-with-deltas")
    shot(page, "06b-sliders-close-up", full=False)


def test_a_pin_outside_the_range_is_refused_naming_the_param(tabs: Tabs) -> None:
    page = tabs.open()
    _dashboard(page)
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    for value in (1e15, -5):
        answer = page.request.post("/api/whatif/0/founding.yaml",
                                   data={"overrides": {"lead_multiple": value}},
                                   headers={"X-CSRF-Token": token or ""})
        assert answer.status == 422
        body = answer.json()
        assert body["param"] == "lead_multiple" and body["error"].startswith("lead_multiple:")
        assert "/tmp" not in body["error"] and "$" not in body["error"]


# ------------------------------------------------------------------ 4. scenarios --------

def test_scenarios_are_saved_and_compared_side_by_side(tabs: Tabs) -> None:
    page = tabs.open()
    _dashboard(page)
    page.focus("#s-lead_multiple")
    page.keyboard.press("End")
    page.wait_for_selector('body[data-runs="1"][data-whatif="idle"]')
    page.fill("#scenario-name", "rich offer")
    page.click("#scenario-save")
    assert "Saved scenario" in page.locator("#scenario-status").inner_text()
    page.click("#unpin")
    page.wait_for_selector('body[data-runs="2"][data-whatif="idle"]')
    page.focus("#s-lead_multiple")
    page.keyboard.press("Home")
    page.wait_for_selector('body[data-runs="3"][data-whatif="idle"]')
    page.fill("#scenario-name", "poor offer")
    page.click("#scenario-save")
    assert page.locator("#scenario-list li").count() == 2
    page.click("#scenario-compare")
    page.wait_for_selector('body[data-compared="2"]')
    head = page.locator("#compare-table thead").inner_text()
    assert "Nothing pinned" in head and "rich offer" in head and "poor offer" in head
    assert "lead_multiple = 4" in page.locator("#compare-table tbody").inner_text()
    page.locator("#compare").scroll_into_view_if_needed()
    shot(page, "07-scenarios-side-by-side")
    page.locator('li[data-scenario="rich offer"] button', has_text="Load").click()
    page.wait_for_selector('body[data-runs="4"][data-whatif="idle"]')
    assert page.locator("#o-lead_multiple").inner_text() == "4\u00d7"


# ----------------------------------------------------------- 5. terms explained ---------

def test_terms_are_explained_in_place_from_the_glossary(tabs: Tabs) -> None:
    page = tabs.open()
    _dashboard(page)
    header = page.locator("#options thead abbr", has_text="P(best)")
    assert header.get_attribute("title") == tip("P(best)")
    page.click("#terms summary")
    terms = page.locator("#terms").inner_text()
    assert tip("sampling error") in terms and tip("90% of futures") in terms
    page.locator("#terms").scroll_into_view_if_needed()
    shot(page, "08-terms-explained", full=False)


# --------------------------------------------------- 6. layout, keyboard, contrast ------

PAGES = ["/", DASHBOARD, "/edit/0/founding.yaml", "/research", "/research/new", "/market",
         "/new"]


def _overflow(page: Any) -> dict[str, Any]:
    """The page's horizontal overflow, and every table wider than the box that shows it."""
    return page.evaluate("""() => {
      const doc = document.documentElement;
      const cut = [...document.querySelectorAll('table')].filter(t => {
        const box = t.parentElement;
        const scrolls = getComputedStyle(box).overflowX === 'auto';
        return t.offsetWidth > 0 && !scrolls && t.scrollWidth > box.clientWidth + 1;
      }).map(t => t.id);
      const scrolled = [...document.querySelectorAll('.scroll')].filter(
        s => s.scrollWidth > s.clientWidth + 1).map(s => s.firstElementChild.id);
      return {page: doc.scrollWidth - window.innerWidth, cut, scrolled};
    }""")


@pytest.mark.parametrize("width", [1400, 390])
def test_the_layout_fits_without_cut_tables(tabs: Tabs, width: int) -> None:
    page = tabs.open(width, 900, bypass_csp=True)
    for path in PAGES:
        page.goto(path)
        if path == DASHBOARD:
            page.locator("#charts .chart-box").nth(3).locator(".main-svg").first.wait_for()
        slug = path.strip("/").replace("/", "-") or "index"
        shot(page, f"09-layout-{width}-{slug}")
        found = _overflow(page)
        assert found["page"] <= 0 and found["cut"] == [], (path, found)
        if path == DASHBOARD:  # the options table is read whole, without scrolling
            assert "options" not in found["scrolled"], found
            name = page.locator('#options tbody th').first
            lines = name.evaluate("e => { const r = document.createRange(); "
                                  "r.selectNodeContents(e); return new Set([...r.getClientRects()]"
                                  ".map(x => Math.round(x.top))).size; }")
            assert lines <= 2, lines  # was 4-5 lines at 1400 px


def test_keyboard_focus_escape_and_no_toolbar_in_the_tab_order(tabs: Tabs) -> None:
    page = tabs.open(bypass_csp=True)
    page.goto("/edit/0/small.yaml")
    page.wait_for_selector('body[data-problems="0"]')
    page.focus("#text")
    outline = page.evaluate("getComputedStyle(document.getElementById('editor')).outlineStyle")
    assert outline != "none"  # the focus ring around the editor
    before = page.locator("#text").input_value()
    page.keyboard.press("Tab")  # indents
    assert page.locator("#text").input_value() != before
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # leaves: no trap
    assert page.evaluate("document.activeElement.id") != "text"
    shot(page, "10-editor-focus-left", full=False)
    page.focus("#text")
    page.keyboard.press("Shift+Tab")  # backwards is never trapped either
    assert page.evaluate("document.activeElement.id") != "text"
    _dashboard(page)
    assert page.locator(".modebar").count() == 0  # Plotly's toolbar is off
    tabbable = page.evaluate("""() => [...document.querySelectorAll(
        '#charts a, #charts button, #charts [tabindex]:not([tabindex="-1"])')].length""")
    assert tabbable == 0


def _luminance(color: str) -> float:
    r, g, b = (int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str = "#ffffff") -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_chart_marks_reach_3_to_1_and_text_4_5_to_1(tabs: Tabs) -> None:
    page = tabs.open(bypass_csp=True)
    _dashboard(page)
    colors = page.evaluate("""() => {
      const out = new Set();
      document.querySelectorAll('#charts .chart').forEach(div => (div.data || []).forEach(t => {
        for (const c of [t.marker && t.marker.color, t.line && t.line.color])
          if (typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c)) out.add(c);
      }));
      return [...out];
    }""")
    assert colors, "no trace colors found"
    low = {c: round(_contrast(c), 2) for c in colors if _contrast(c) < 3.0}
    assert low == {}, low  # the orange of "the path taken" was 2.25:1
    gutter = page.goto("/edit/0/small.yaml") and page.evaluate(
        "getComputedStyle(document.getElementById('gutter')).color")
    rgb = [int(x) for x in re.findall(r"\d+", gutter)[:3]]
    assert _contrast("#" + "".join(f"{v:02x}" for v in rgb), "#f6f8fa") >= 4.5  # was 2.85


def test_axe_finds_no_serious_or_critical_violation_on_any_page(
        tabs: Tabs, server: tuple[str, Path]) -> None:
    page = tabs.open(bypass_csp=True)  # to inject axe-core: the app's CSP allows no inline script
    script = AXE.read_text()
    report: dict[str, list[str]] = {}
    states = [*PAGES, "/d/0/small.yaml", "/research/1/edit", "/journal"]
    for path in states:
        response = page.goto(path)
        if response is None or response.status == 404:
            continue  # e.g. /journal before that page exists
        if path.startswith("/d/"):
            page.locator("#charts .chart-box .main-svg").first.wait_for()
        page.add_script_tag(content=script)
        result = page.evaluate("""async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
              .map(n => n.target.join(' ')).join(' | '));
        }""")
        report[path] = result
    shot(page, "11-axe-last-page", full=False)
    assert {p: v for p, v in report.items() if v} == {}, report
