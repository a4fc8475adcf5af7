"""The browser tests' one rule: no chromium is a failure, never a skip.

CI installs Debian's chromium (scripts/test-deps.sh, run by `make test`); a browser test
that skipped quietly when it was missing would let a broken page through. Run
`pytest -m "not browser"` to leave them out on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: The launch flags that work on this machine's kind (no sandbox as root, no network).
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, closed on the way out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def need_chromium() -> None:
    """Fail, with how to get it, when chromium or the playwright package is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"needs Debian's chromium at {CHROMIUM}: run scripts/test-deps.sh, or "
                    "leave the browser tests out with -m 'not browser'")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("needs the playwright Python package: pip install -e '.[test]'")
