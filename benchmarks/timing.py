"""Repeats, medians and spreads, and the section records that RESULTS.md is written from."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """Seconds of several repeats: reported as the median and the min-max spread."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> str:
        """``min-max (n=K)``; one repeat says so."""
        if len(self.values) == 1:
            return "1 run"
        return f"{seconds(min(self.values))}-{seconds(max(self.values))} (n={len(self.values)})"

    def __str__(self) -> str:
        return f"{seconds(self.median)} [{self.spread}]"


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """One call: (seconds, its result), after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def repeat(fn: Callable[[], object], repeats: int) -> Timing:
    """Time ``fn`` ``repeats`` times."""
    return Timing(tuple(timed(fn)[0] for _ in range(repeats)))


def seconds(x: float) -> str:
    """Human seconds: 0.0123 -> '12.3 ms', 4.5 -> '4.50 s'."""
    if x < 1e-6:
        return f"{x * 1e9:.0f} ns"
    if x < 1e-3:
        return f"{x * 1e6:.1f} us"
    if x < 1.0:
        return f"{x * 1e3:.1f} ms"
    return f"{x:.2f} s"


def verdict(met: bool | None) -> str:
    return {True: "**met**", False: "**not met**", None: "n/a"}[met]


@dataclass
class Section:
    """One numbered measurement: a table, its target and whether it is met."""

    number: int
    title: str
    target: str
    met: bool | None = None
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.number}. {self.title}", "",
                 f"Target: {self.target}: {verdict(self.met)}", ""]
        if self.header:
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "---|" * len(self.header))
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"
