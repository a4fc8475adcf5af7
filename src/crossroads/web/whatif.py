"""What-if runs for the dashboard: check the pinned values, reuse a cached result or queue one.

The seed stays the file's, so moving one slider changes the numbers only through that
param: every other input keeps its draws (common random numbers).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crossroads.errors import UsageError
from crossroads.web.catalog import DecisionFile
from crossroads.web.compiled import stamp
from crossroads.web.formatting import num
from crossroads.web.pool import WhatIfJob, run_whatif

if TYPE_CHECKING:
    from crossroads.model.compile import Model
    from crossroads.web.context import WebContext

__all__ = ["PIN_LEVEL", "BadOverrides", "check_overrides", "compute", "pin_range"]


class BadOverrides(UsageError):
    """A pinned value names no param of the model, is not a finite number, or is impossible.

    ``param`` names the culprit (the page marks its slider).
    """

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message, argument="overrides")
        self.param = param


PIN_LEVEL = 0.998
"""A param may be pinned anywhere in the central 99.8% of its distribution (its 0.1st to
99.9th percentile): the sliders span the 90% you wrote, typed values may go further, but a
value the file calls a one-in-a-thousand extreme is a different decision, not a what-if.
Probabilities are the exception: any value from 0 to 1 (never, always) is a fair question."""


def pin_range(dist: Any) -> tuple[float, float] | None:
    """The values a param drawn from ``dist`` may be pinned at; None when unbounded/fixed.

    >>> from crossroads.estimate.dists import Uniform
    >>> pin_range(Uniform(2.0, 4.0))
    (2.002, 3.998)
    """
    try:
        lo, hi = (float(x) for x in dist.interval(PIN_LEVEL))
    except (AttributeError, TypeError, ValueError):
        return None
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        return None
    return lo, hi


MAX_PIN = 1e15
"""The largest magnitude a param may be pinned at: far beyond any salary, multiple or count
(in any currency), and small enough that a year's arithmetic on it cannot overflow."""

PROBABILITY_KINDS = ("beta", "bernoulli")
"""Distributions that only take values in [0, 1]: a `chance:` written as `30% to 50%` (a
beta) or a yes/no. Their params are probabilities, and 1.3 is no probability."""


def check_overrides(model: Model, overrides: Mapping[str, float]) -> dict[str, float]:
    """The overrides as floats, each naming a param of ``model``; :class:`BadOverrides` if not.

    Refused, with the param's name: NaN and infinities, magnitudes over :data:`MAX_PIN`,
    and a probability param pinned outside 0 to 1 (refused rather than clipped: the
    simulator clips a chance, but the same param may also enter a formula unclipped).
    """
    unknown = sorted(set(overrides) - set(model.params))
    if unknown:
        raise BadOverrides(f"no such param: {', '.join(unknown)}", unknown[0])
    out = {}
    for name, value in overrides.items():
        number = float(value)
        if not math.isfinite(number) or abs(number) > MAX_PIN:
            raise BadOverrides(f"{name}: expected a finite number up to {MAX_PIN:g} in size, "
                               f"got {value!r}", name)
        dist = model.params[name].expr.as_dist()
        if dist is not None and dist.kind in PROBABILITY_KINDS and not 0.0 <= number <= 1.0:
            raise BadOverrides(f"{name} is a probability: pin it between 0 and 1 "
                               f"(0% to 100%), not {number:g}", name)
        # A probability may go to its ends (what if the step never happens?); other params
        # stay inside what the file makes plausible.
        bounds = (pin_range(dist) if dist is not None and dist.kind not in PROBABILITY_KINDS
                  else None)
        if bounds is not None and not bounds[0] <= number <= bounds[1]:
            raise BadOverrides(
                f"{name}: pin it between {num(bounds[0])} and {num(bounds[1])} (the 0.1st to "
                f"99.9th percentile of its estimate in the file), not {num(number)}; to go "
                "further, change its estimate in the file", name)
        out[name] = number
    return out


async def compute(ctx: WebContext, file: DecisionFile, overrides: Mapping[str, float],
                  samples: int | None = None) -> dict[str, Any]:
    """The what-if result for ``file`` with ``overrides`` pinned, from the cache or the pool.

    Adds ``total_ms`` (request to answer, queueing included), ``queue_ms`` and ``cached``.
    Raises :class:`~crossroads.web.pool.Busy` when the queue is full.
    """
    n = samples or ctx.settings.whatif_samples
    pinned = tuple(sorted(overrides.items()))
    version = ctx.research_version
    key = (str(file.path), stamp(file.path), version, n, pinned)
    hit = ctx.results.get(key)
    if hit is not None:
        return {**hit, "cached": True, "queue_ms": 0.0, "total_ms": 0.0}
    job = WhatIfJob(str(file.path), ctx.settings.db, version, n, None, pinned)
    start = time.perf_counter()
    out = await ctx.pool.run(run_whatif, job)
    total = 1000 * (time.perf_counter() - start)
    if "problems" in out or "error" in out:
        return out
    out.update(samples=n, overrides=dict(pinned), total_ms=total,
               queue_ms=max(0.0, total - out["run_ms"]), cached=False)
    ctx.results.put(key, out)
    return out
