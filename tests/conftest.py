"""Shared test helpers: build decision text in a line, run it small."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


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
