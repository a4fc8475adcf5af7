"""The journal page in Debian's chromium: the founding case's worked example of
docs/journal.md (three check-ins) on the real `crossroads serve`, screenshotted to
test-artifacts/screenshots/journal.png. No script error, CSP violation or request that
leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crossroads.api import load
from crossroads.journal.calibrate import Checkin
from crossroads.journal.predict import predict
from crossroads.store import transaction
from crossroads.store.journal import Record, add_checkin, add_entry
from tests.browser import ARGS, CHROMIUM
from tests.web.conftest import FOUNDING
from tests.web.load_run import free_port, stop_server
from tests.web.test_browser import SHOTS, _need_chromium

pytestmark = pytest.mark.browser

TOKEN = "journal-test-token-0123456789abcdef"

#: The worked example of docs/journal.md.
CHECKINS = (Checkin(0, 40_000.0, "engineer", {"enjoyment": 8.0}, "fun, humbling",
                    pre_tax=True),
            Checkin(2, 42_600.0, "engineer", note="senior slipped a year", pre_tax=True),
            Checkin(3, 51_800.0, "senior", {"enjoyment": 7.5, "learning": 8.0}, pre_tax=True))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_chromium()
    folder = tmp_path_factory.mktemp("journal") / "decisions"
    folder.mkdir()
    shutil.copy(FOUNDING, folder / "founding.yaml")
    model = load(FOUNDING)
    result, pred = predict(model, "platform", 20_000, model.seed)
    rec = Record(str(FOUNDING.name), FOUNDING.read_text(), "0" * 64, model.title, 20_000,
                 model.seed, "test", model.horizon, model.currency, pred, result.to_dict(),
                 note="took the 75% cut")
    # the database start_server gives the app
    with transaction(f"sqlite:///{folder.parent / 'log.sqlite3'}") as conn:
        entry = add_entry(conn, rec)
        for c in CHECKINS:
            add_checkin(conn, entry, c)
    port = free_port()
    proc = _serve(folder, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


def _serve(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """`crossroads serve` with a known token (the browser logs in with ``?token=``)."""
    exe = Path(sys.executable).with_name("crossroads")
    env = {**os.environ, "CROSSROADS_DB": f"sqlite:///{folder.parent / 'log.sqlite3'}",
           "CROSSROADS_TOKEN": TOKEN}
    log = folder.parent / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "serve", str(folder), "--port", str(port),
                                 "--workers", "1"], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/favicon.svg", timeout=2,
                         headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"server did not start: {log.read_text()}")


def test_the_journal_page_shows_the_fan_and_the_calibration(server: str) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(base_url=server,
                                          viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("console", lambda m: problems.append(f"console: {m.text}")
                    if m.type == "error" else None)
            page.on("request", lambda r: None if r.url.startswith((server, "data:"))
                    else problems.append(f"request left the machine: {r.url}"))
            page.goto(f"/?token={TOKEN}")
            page.get_by_role("link", name="Journal").click()
            page.wait_for_selector("svg.journal-fan circle.actual")
            assert page.locator("svg.journal-fan circle.actual").count() == 3
            assert page.locator("svg.journal-fan polygon.band").count() == 2
            assert page.locator("svg.journal-pit rect").count() == 10
            assert "Predicted pay before tax" in page.locator("figcaption").inner_text()
            assert "$40k before tax" in page.locator("table.checkins").inner_text()
            sentences = page.locator("#sentences li").all_inner_texts()
            assert "your pay in year 0 was at the 50th percentile of what you predicted" \
                in sentences
            assert any(s.endswith("by year 3: you are") for s in sentences)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "journal.png"), full_page=True)
            context.close()
        finally:
            browser.close()
    assert problems == []
