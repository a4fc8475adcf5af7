"""Shared test helpers: build decision text in a line, run it small."""

from __future__ import annotations

import functools
import gc
import os
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under mutmut (docs/testing.md) each mutant's tests run in a fork of a process that
    has already run them on the unmutated code: empty every ``functools`` cache first, or a
    cached compiled estimate (``estimate.expr._compile``) or fitted range would hide the
    mutant and count it as not caught."""
    if "MUTANT_UNDER_TEST" in os.environ:
        for obj in gc.get_objects():
            if isinstance(obj, functools._lru_cache_wrapper):
                obj.cache_clear()


def decision_text(body: str, *, horizon: int = 3, discount: str = "0%", extra: str = "") -> str:
    """A minimal decision file around an `options:` block written in YAML."""
    return (
        f"decision: test\nhorizon: {horizon}\ndiscount: {discount}\nsamples: 2000\nseed: 7\n"
        + textwrap.dedent(extra)
        + "options:\n"
        + textwrap.indent(textwrap.dedent(body), "  ")
    )


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
