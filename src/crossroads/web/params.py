"""Params in words a person reads: a label, the file's own comment, a unit, a small sketch.

A slider named ``p_head_of_ml`` with "Beta" under it tells nobody anything. Each slider
shows instead:

- a label from the name (``p_head_of_ml`` -> "chance: head of ml"),
- the comment written beside the param in the file (and its continuation lines), which is
  where people say what a number is and where it comes from,
- its unit: ``multiple`` for a name with "multiple" (shown as ``3.5×``), ``percent`` for a
  share (a range inside 0..1), ``money`` for a range reaching 1,000 or more, else a number,
- a sketch of its distribution: an SVG path of the density over its 1st to 99th
  percentile, with the 90% the sliders span marked.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = ["SKETCH_H", "SKETCH_W", "label_of", "param_notes", "sketch", "unit_of"]

SKETCH_W, SKETCH_H = 120.0, 28.0
"""The sketch's size in SVG units (the page scales it to the slider's width)."""


def label_of(name: str) -> str:
    """A param's name in words.

    >>> label_of("p_head_of_ml"), label_of("lead_multiple")
    ('chance: head of ml', 'lead multiple')
    """
    if name.startswith("p_") and len(name) > 2:
        return "chance: " + name[2:].replace("_", " ")
    return name.replace("_", " ")


def unit_of(name: str, lo: float, hi: float) -> str:
    """``percent``, ``multiple``, ``money`` or ``number`` (see the module docstring).

    >>> unit_of("p_em", 0.3, 0.5), unit_of("lead_multiple", 3, 4), unit_of("pay", 9e4, 2e5)
    ('percent', 'multiple', 'money')
    """
    if "multiple" in name or "multiplier" in name:
        return "multiple"
    if 0.0 <= lo and hi <= 1.0:
        return "percent"
    if max(abs(lo), abs(hi)) >= 1000:
        return "money"
    return "number"


_COMMENT = re.compile(r"""^(?P<code>(?:[^#"']|"[^"]*"|'[^']*')*?)\s+#\s?(?P<note>.*)$""")


def _comment(line: str) -> str | None:
    """The comment at the end of a YAML line (a ``#`` outside quotes, after a space)."""
    found = _COMMENT.match(line)
    return found.group("note").strip() if found else None


def param_notes(text: str, model: Model) -> dict[str, str]:
    """The comment beside each param in the file, joined with its continuation lines.

    A continuation is a line holding only a comment, indented past the param's key.
    """
    lines = text.splitlines()
    out: dict[str, str] = {}
    for name in model.params:
        line, column = model.located.where(("params", name), key=True)
        if not 1 <= line <= len(lines):
            continue
        note = _comment(lines[line - 1])
        if note is None:
            continue
        parts = [note]
        for follow in lines[line:]:
            stripped = follow.lstrip()
            if not stripped.startswith("#") or len(follow) - len(stripped) <= column:
                break
            parts.append(stripped.lstrip("#").strip())
        out[name] = " ".join(p for p in parts if p)
    return out


def sketch(dist: Any, lo: float, hi: float, points: int = 48) -> dict[str, Any] | None:
    """An SVG sketch of ``dist``: ``{"path", "band": [x0, x1], "x0", "x1"}`` or None.

    ``x0``..``x1`` is the 1st to 99th percentile mapped onto 0..``SKETCH_W``; ``band`` is
    where ``lo``..``hi`` (the slider's range) falls; the page moves a marker along it.
    """
    try:
        x0, x1 = (float(v) for v in dist.interval(0.98))
        xs = np.linspace(x0, x1, points + 1)
        cdf = np.asarray(dist.cdf(xs), dtype=float)
    except (AttributeError, TypeError, ValueError):
        return None
    if not (math.isfinite(x0) and math.isfinite(x1) and x1 > x0) or not np.all(np.isfinite(cdf)):
        return None
    density = np.maximum(np.diff(cdf), 0.0)
    top = float(density.max())
    if top <= 0:
        return None
    heights = SKETCH_H - 2 - (SKETCH_H - 4) * density / top
    step = SKETCH_W / points
    coords = " ".join(f"L{(i + 0.5) * step:.1f},{h:.1f}" for i, h in enumerate(heights))
    path = f"M0,{SKETCH_H:.0f} {coords} L{SKETCH_W:.0f},{SKETCH_H:.0f} Z"

    def at(x: float) -> float:
        return round(min(max((x - x0) / (x1 - x0), 0.0), 1.0) * SKETCH_W, 1)

    return {"path": path, "band": [at(lo), at(hi)], "x0": x0, "x1": x1}
