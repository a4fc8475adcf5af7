"""What-if runs for the dashboard: check the pinned values, reuse a cached result or queue one.

The seed stays the file's, so moving one slider changes the numbers only through that
param: every other input keeps its draws (common random numbers).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crossroads.model.pins import MAX_PIN, PIN_LEVEL, BadPin, check_pins, pin_range
from crossroads.web.catalog import DecisionFile
from crossroads.web.compiled import stamp
from crossroads.web.pool import WhatIfJob, run_whatif

if TYPE_CHECKING:
    from crossroads.model.compile import Model
    from crossroads.web.context import WebContext

__all__ = ["MAX_PIN", "PIN_LEVEL", "BadOverrides", "check_overrides", "compute", "pin_range"]


BadOverrides = BadPin
"""The core's refusal of a pin (:class:`crossroads.model.pins.BadPin`), under the web's
old name; the routes answer it with a 422 whose ``param`` names the culprit."""


def check_overrides(model: Model, overrides: Mapping[str, float]) -> dict[str, float]:
    """The overrides as floats, each naming a param of ``model``; :class:`BadOverrides` if not.

    The rule is the library's own (:func:`crossroads.model.pins.check_pins`, which
    ``crossroads.run`` applies too): the page refuses exactly what the library would, with
    the same words, before queueing a run.
    """
    return check_pins(model, overrides)


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
