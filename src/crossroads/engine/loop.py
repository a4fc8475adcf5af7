"""The chunk loop: draw, simulate and reduce chunk by chunk (:func:`each_chunk`), for `run`
(:func:`run_model`, which accumulates and summarises) and for the analyses' sample
(:func:`crossroads.engine.collect.collect`, which keeps every draw).

Draws are processed in chunks of :data:`~crossroads.simulate.sampling.CHUNK`; memory holds
one chunk's year-by-year outcomes plus a few numbers per draw
(:mod:`crossroads.engine.accumulate`), so 10 million draws of the founding case fit in
2 GB. The summary is :func:`crossroads.engine.summarise.summarise`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

import numpy as np

from crossroads.analysis import summary as s
from crossroads.engine import budget
from crossroads.engine.accumulate import Accumulator, add_inline
from crossroads.engine.budget import SCREEN_DRAWS, Purpose
from crossroads.engine.summarise import summarise
from crossroads.model.compile import Model
from crossroads.results import RunResult
from crossroads.simulate.paths import Outcomes, simulate
from crossroads.simulate.sampling import CHUNK, Draws, StreamPool, Streams, draw

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
            if -MONEY_LIMIT < x.min() and x.max() < MONEY_LIMIT:  # a NaN fails both
                continue
            bad = ~(np.abs(x) < MONEY_LIMIT)  # also NaN
            if bad.any():
                raise model.located.error(
                    ("options", option.id),
                    f"option `{option.id}`: its {what} is not a finite number below 3.4e38 "
                    f"in {bad.mean():.1%} of draws",
                    "a raise, bonus, multiple or amount of this option grows beyond any "
                    "career: check their ranges", key=True)


@dataclass(frozen=True)
class Chunk:
    """One chunk of draws, drawn, simulated and reduced: what `run` and the analyses'
    sample each accumulate."""

    index: int            # the chunk's place in the streams: (seed, index, key)
    start: int            # its first draw's place in the whole sample
    draws: Draws
    outcomes: Outcomes    # year by year: dropped once the chunk is accumulated
    reduced: s.Reduced    # a few numbers per draw

    @property
    def size(self) -> int:
        return self.draws.n


def even_sizes(n: int) -> list[int]:
    """``n`` draws in chunks of :data:`~crossroads.simulate.sampling.CHUNK`, the last
    one shorter."""
    return [min(CHUNK, n - start) for start in range(0, n, CHUNK)]


def each_chunk(model: Model, seed: int, sizes: Iterable[int], add: Callable[[Chunk], None],
               *, overrides: Mapping[str, Any] | None = None,
               streams: StreamPool | None = None, keep_skills: bool = False,
               views: tuple[int, ...] = (), cumulative_draws: int = 0) -> None:
    """The one chunk loop, for `run` (:func:`run_model`) and the analyses
    (:func:`crossroads.engine.collect.collect`): chunk ``index`` of ``sizes[index]`` draws
    uses the streams of ``(seed, index)``, so the same sizes give the same numbers, and
    ``add`` receives each chunk in turn. A chunk's year-by-year outcomes are dropped when
    ``add`` returns (unless it keeps them), before the next chunk is drawn: memory holds
    one chunk's working set at a time.

    ``sizes`` may be a generator that reads what the chunks so far found (`samples: auto`
    decides each next size after the previous chunk is added). ``overrides`` pin params:
    a number for every draw, or an array of one value per draw of the whole sample, which
    each chunk slices (Sobol points). ``streams`` keeps the random numbers for the next
    loop over the same model and seed (what-ifs, tornado swings); the numbers are the same
    either way. ``views`` are the shorter horizons reduced beside the whole one; the first
    ``cumulative_draws`` draws keep their year-by-year cumulative cash. Money that is not
    a finite number is refused, at its option, chunk by chunk (:func:`check_finite`).
    """
    start = 0
    for index, size in enumerate(sizes):
        add(_one_chunk(model, seed, (index, start, size), overrides, streams, keep_skills,
                       views, start < cumulative_draws))
        start += size


def _one_chunk(model: Model, seed: int, at: tuple[int, int, int],
               overrides: Mapping[str, Any] | None, streams: StreamPool | None,
               keep_skills: bool, views: tuple[int, ...], keep_cumulative: bool) -> Chunk:
    """Draw, simulate and reduce chunk ``at`` = (index, start, size)."""
    index, start, size = at
    pinned = {k: v[start:start + size] if np.ndim(v) else v
              for k, v in (overrides or {}).items()}  # per-draw overrides follow the chunk
    got = Streams(seed, index) if streams is None else streams.get(model, seed, index, size)
    draws = draw(model, size, got, pinned)
    outcomes = simulate(model, draws, keep_skills=keep_skills)
    reduced = s.reduce(outcomes, model.baseline, views, keep_cumulative=keep_cumulative)
    check_finite(model, reduced)
    return Chunk(index, start, draws, outcomes, reduced)


class Keeper(Protocol):
    """What else one pass of `run` feeds (the report's one sample, many analyses: the
    analyses' per-draw arrays, :class:`crossroads.engine.collect.SampleKeeper`)."""

    keep_skills: bool   # simulate the skills year by year too (their numbers only added)
    purpose: Purpose    # what the run and the keeper keep together (an auto run's cap)

    def add(self, chunk: Chunk) -> None: ...


#: What a run computes beyond the numbers of each option: the keys a lean run
#: (``run_model(..., extras=False)``) leaves empty, and the verdict's sentences on them
#: (what research can settle, SMAA's weighing, the input that matters) with them.
EXTRAS = ("p_best_expected", "weighted", "screen", "screen_share")


def run_model(model: Model, n: int | Literal["auto"], seed: int, *,
              overrides: Mapping[str, float] | None = None,
              on_progress: Callable[[float], None] | None = None,
              streams: StreamPool | None = None,
              on_chunk: Callable[[Outcomes], None] | None = None,
              extras: bool = True, keep: Keeper | None = None) -> RunResult:
    """Simulate ``n`` draws of every option with ``seed`` and summarise them; ``"auto"``
    draws until the answer is as precise as :mod:`crossroads.engine.precision` states.

    ``streams`` keeps random numbers for the next run of the same model and seed (what-if
    sliders); the numbers are the same either way. ``on_chunk(outcomes)`` sees each
    chunk's year-by-year outcomes before they are dropped (the decision journal keeps the
    chosen option's pay and roles from them).

    ``extras=False`` is a lean run for the web's what-if sliders, which redraw only each
    option's numbers and charts: it skips the :data:`EXTRAS` (each option's
    ``p_best_expected`` is None, ``weighted`` and ``screen_share`` None, ``screen`` empty;
    about a quarter of a 20,000-draw run) and every other number is the same.

    ``keep`` receives every chunk too, after the run has accumulated it: the report keeps
    the analyses' sample of the run's own draws (an auto run's cap then counts what both
    keep). The run's numbers are the same with or without it.
    """
    if n == "auto":
        return _run_auto(model, seed, overrides, on_progress, streams, on_chunk, extras,
                         keep)
    acc = Accumulator(model, n, extras)
    sizes = even_sizes(n)

    def add(chunk: Chunk) -> None:
        _add_chunk(acc, chunk, on_chunk, keep)
        if on_progress is not None:
            on_progress((chunk.index + 1) / len(sizes))

    each_chunk(model, seed, sizes, add, overrides=overrides, streams=streams,
               keep_skills=keep is not None and keep.keep_skills,
               views=model.views, cumulative_draws=SCREEN_DRAWS)
    return summarise(model, n, seed, acc)


def _add_chunk(acc: Accumulator, chunk: Chunk,
               on_chunk: Callable[[Outcomes], None] | None, keep: Keeper | None = None
               ) -> None:
    """Accumulate one chunk of the run into ``acc``, then show its outcomes to
    ``on_chunk`` and the chunk to ``keep``."""
    reduced, outcomes = chunk.reduced, chunk.outcomes
    acc.add(reduced, outcomes.params)
    add_inline(acc, chunk.draws)
    acc.add_points(reduced, outcomes.worth)
    acc.stuck.add(outcomes.stuck)
    if on_chunk is not None:
        on_chunk(outcomes)
    if keep is not None:
        keep.add(chunk)


def _run_auto(model: Model, seed: int, overrides: Mapping[str, float] | None,
              on_progress: Callable[[float], None] | None, streams: StreamPool | None,
              on_chunk: Callable[[Outcomes], None] | None, extras: bool = True,
              keep: Keeper | None = None) -> RunResult:
    """The floor's draws, then as many more as the precision so far says are missing
    (whole blocks of :data:`~crossroads.engine.precision.AUTO_BLOCK`), each step its own
    chunk of the streams, until the precision is met or the cap (the memory budget's, if
    lower) is reached: sizes and the stopping rule read only drawn numbers."""
    from crossroads.engine import precision as pr

    cap = max(min(pr.AUTO_CAP, budget.most(model, "run" if keep is None else keep.purpose))
              // pr.AUTO_BLOCK, 1) * pr.AUTO_BLOCK
    acc, sums = Accumulator(model, cap, extras), pr.Sums(len(model.options))
    measured: list[pr.Precision] = []

    def sizes() -> Iterator[int]:  # read after each chunk is accumulated
        size = min(pr.AUTO_FLOOR, cap)
        while size > 0:
            yield size
            measured.append(sums.measure())
            size = 0 if measured[-1].met else measured[-1].more(cap, CHUNK)

    def add(chunk: Chunk) -> None:
        _add_chunk(acc, chunk, on_chunk, keep)
        r = chunk.reduced
        sums.add(r.value, acc.chunk_best)   # the counts acc.add made of this chunk
        if on_progress is not None:
            on_progress(acc.filled / cap)

    each_chunk(model, seed, sizes(), add, overrides=overrides, streams=streams,
               keep_skills=keep is not None and keep.keep_skills,
               views=model.views, cumulative_draws=SCREEN_DRAWS)
    got = measured[-1]
    acc.trim()
    result = summarise(model, acc.n, seed, acc)
    stopped = "precision" if got.met else "cap"
    return replace(result, precision=got.to_dict(stopped=stopped))
