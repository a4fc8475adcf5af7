"""One `run`: draw, simulate and reduce chunk by chunk, then summarise.

Draws are processed in chunks of :data:`~crossroads.simulate.sampling.CHUNK`; memory holds
one chunk's year-by-year outcomes plus a few numbers per draw
(:mod:`crossroads.engine.accumulate`), so 10 million draws of the founding case fit in
2 GB. The summary is :func:`crossroads.engine.summarise.summarise`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Literal

import numpy as np

from crossroads.analysis import summary as s
from crossroads.engine.accumulate import Accumulator, add_inline
from crossroads.engine.budget import SCREEN_DRAWS, run_kept_bytes
from crossroads.engine.summarise import summarise
from crossroads.model.compile import Model
from crossroads.results import RunResult
from crossroads.simulate.paths import Outcomes, simulate
from crossroads.simulate.sampling import CHUNK, StreamPool, Streams, draw


def bytes_per_draw(model: Model) -> int:
    """What each draw keeps until the end of a run (see :mod:`crossroads.engine.budget`)."""
    return run_kept_bytes(model)


#: Per-draw results are kept in single precision: money must stay below its largest value.
MONEY_LIMIT = float(np.finfo(np.float32).max)


def check_finite(model: Model, r: s.Reduced) -> None:
    """Refuse, at the option in the file, money that grew beyond any number it can hold.

    Every field's value is checked when it is evaluated
    (:func:`crossroads.simulate.sampling.finite`), but finite inputs can still overflow on
    the way: a raise of 1e200 compounded over the years, or an exit multiple of 1e308
    times a grant.
    """
    for i, option in enumerate(model.options):
        for what, x in (("cash", r.npv[i]), ("value", r.value[i])):
            bad = ~(np.abs(x) < MONEY_LIMIT)  # also NaN
            if bad.any():
                raise model.located.error(
                    ("options", option.id),
                    f"option `{option.id}`: its {what} is not a finite number below 3.4e38 "
                    f"in {bad.mean():.1%} of draws",
                    "a raise, bonus, multiple or amount of this option grows beyond any "
                    "career: check their ranges", key=True)


def run_model(model: Model, n: int | Literal["auto"], seed: int, *,
              overrides: Mapping[str, float] | None = None,
              on_progress: Callable[[float], None] | None = None,
              streams: StreamPool | None = None,
              on_chunk: Callable[[Outcomes], None] | None = None) -> RunResult:
    """Simulate ``n`` draws of every option with ``seed`` and summarise them; ``"auto"``
    draws until the answer is as precise as :mod:`crossroads.engine.precision` states.

    ``streams`` keeps random numbers for the next run of the same model and seed (what-if
    sliders); the numbers are the same either way. ``on_chunk(outcomes)`` sees each
    chunk's year-by-year outcomes before they are dropped (the decision journal keeps the
    chosen option's pay and roles from them).
    """
    if n == "auto":
        return _run_auto(model, seed, overrides, on_progress, streams, on_chunk)
    acc = Accumulator(model, n)
    chunks = range(0, n, CHUNK)
    for index, start in enumerate(chunks):
        _add_chunk(acc, model, (seed, index, min(CHUNK, n - start)), overrides, streams,
                   on_chunk)
        if on_progress is not None:
            on_progress((index + 1) / len(chunks))
    return summarise(model, n, seed, acc)


def _add_chunk(acc: Accumulator, model: Model, at: tuple[int, int, int],
               overrides: Mapping[str, float] | None, streams: StreamPool | None,
               on_chunk: Callable[[Outcomes], None] | None) -> s.Reduced:
    """Draw, simulate and reduce chunk ``index`` of ``size`` draws ``at`` (seed, index,
    size) into ``acc``; returns its reduced outcomes."""
    seed, index, size = at
    chunk_streams = (Streams(seed, index) if streams is None else
                     streams.get(model, seed, index, size))
    draws = draw(model, size, chunk_streams, overrides)
    outcomes = simulate(model, draws)
    reduced = s.reduce(outcomes, model.baseline, model.views,
                       keep_cumulative=acc.filled < SCREEN_DRAWS)
    check_finite(model, reduced)
    acc.add(reduced, outcomes.params)
    add_inline(acc, draws)
    acc.add_points(reduced, outcomes.worth)
    acc.stuck.add(outcomes.stuck)
    if on_chunk is not None:
        on_chunk(outcomes)
    return reduced


def _run_auto(model: Model, seed: int, overrides: Mapping[str, float] | None,
              on_progress: Callable[[float], None] | None, streams: StreamPool | None,
              on_chunk: Callable[[Outcomes], None] | None) -> RunResult:
    """The floor's draws, then as many more as the precision so far says are missing
    (whole blocks of :data:`~crossroads.engine.precision.AUTO_BLOCK`), each step its own
    chunk of the streams, until the precision is met or the cap (the memory budget's, if
    lower) is reached: sizes and the stopping rule read only drawn numbers."""
    from crossroads.engine import precision as pr
    from crossroads.engine.budget import largest_fitting

    cap = max(min(pr.AUTO_CAP, largest_fitting(model)) // pr.AUTO_BLOCK, 1) * pr.AUTO_BLOCK
    acc, sums = Accumulator(model, cap), pr.Sums(len(model.options))
    index, size = 0, min(pr.AUTO_FLOOR, cap)
    while size > 0:
        r = _add_chunk(acc, model, (seed, index, size), overrides, streams, on_chunk)
        sums.add(r.value, s.p_best(r.value) * r.value.shape[1])
        if on_progress is not None:
            on_progress(acc.filled / cap)
        got = sums.measure()
        index, size = index + 1, 0 if got.met else got.more(cap, CHUNK)
    acc.trim()
    result = summarise(model, acc.n, seed, acc)
    stopped = "precision" if got.met else "cap"
    return replace(result, precision=got.to_dict(stopped=stopped))
