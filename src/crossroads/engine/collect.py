"""The analyses' sample: every option's per-draw results, kept whole, chunk by chunk.

Each analysis simulates the decision once (common random numbers, chunked) through
:func:`collect`, keeps the per-draw numbers it needs and hands them to a pure function in
:mod:`crossroads.analysis`. Within :func:`one_sample`, analyses asking for the same sample
share one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.analysis.stuck import StuckCounts
from crossroads.engine import budget
from crossroads.engine.budget import kept_inline as _kept_inline
from crossroads.engine.budget import whole_number
from crossroads.engine.loop import Chunk, each_chunk, even_sizes
from crossroads.model.compile import Model
from crossroads.simulate.sampling import StreamPool, inline_values


@dataclass(frozen=True)
class Sample:
    """Per-draw results of every option: the input of every analysis."""

    option_ids: tuple[str, ...]
    labels: tuple[str, ...]
    value: FloatArray                  # (n_options, n)
    npv: FloatArray                    # (n_options, n)
    points: dict[str, FloatArray]      # discounted criterion points, (n_options, n)
    scores: dict[str, FloatArray]      # discounted average scores, (n_options, n)
    worth: dict[str, FloatArray]       # (n,)
    params: dict[str, FloatArray]      # (n,) for every param that varies per draw
    skills: dict[str, FloatArray] = field(default_factory=dict)  # (n_options, n, horizon)
    intersection: FloatArray | None = None                       # (n_options, n, horizon)
    #: per option, the share of draws stuck in each role to the horizon (analysis/stuck.py)
    stuck: dict[str, dict[str, float]] = field(default_factory=dict)
    #: every inline range the value can read and that varies, by name (``a.r.cash``)
    inline: dict[str, FloatArray] = field(default_factory=dict)
    #: discounted value past the horizon (docs/money.md), (n_options, n); None when off
    terminal: FloatArray | None = None

    @property
    def n(self) -> int:
        return int(self.value.shape[1])

    def money(self, m: int | None = None, dtype: type = np.float64) -> FloatArray:
        """What money counts for in value: NPV plus the value past the horizon, in the
        first ``m`` draws, at ``dtype`` (`run` keeps both in float32: the SMAA and prices
        it quotes must read the same numbers)."""
        npv: FloatArray = self.npv[:, :m].astype(dtype)
        if self.terminal is None:
            return npv
        return np.asarray(npv + self.terminal[:, :m].astype(dtype))


def collect(model: Model, samples: int | None = None, seed: int | None = None, *,
            overrides: Mapping[str, Any] | None = None, keep_skills: bool = False,
            streams: StreamPool | None = None, keep_inline: bool = True) -> Sample:
    """Simulate ``samples`` draws and keep what the analyses need, chunk by chunk.

    ``streams`` keeps the random numbers for the next collect of the same model and seed
    (a tornado's swings): the numbers are the same either way, only drawn once.
    ``keep_inline=False`` leaves out the inline ranges' values (a tornado's swing reads
    only the value: a third of a small collect's fixed cost).

    Refuses (a DecisionError at the file's ``samples``) a count whose kept numbers would
    not fit the memory budget, before drawing anything.
    """
    n = samples if samples is not None else model.samples
    shared = _SHARED.get()
    key = (id(model), n, model.seed if seed is None else seed, keep_skills, keep_inline)
    if shared is not None and not overrides:
        for kept in (key, *_richer(key)):  # a sample that keeps more serves one keeping less
            if kept in shared and shared[kept][0] is model:
                return shared[kept][1]
    got = _collect(model, n, seed, overrides, keep_skills, streams, keep_inline)
    if shared is not None and not overrides:
        _freeze(got)
        shared[key] = (model, got)
    return got


#: Within :func:`one_sample`: (model id, samples, seed, keep_skills, keep_inline) ->
#: (model, Sample).
_SHARED: ContextVar[dict[tuple[int, int, int, bool, bool], tuple[Model, Sample]] | None] = \
    ContextVar("crossroads_one_sample", default=None)


@contextmanager
def one_sample() -> Iterator[None]:
    """Within it, the analyses that ask :func:`collect` for the same model, samples, seed
    and kind read the sample drawn first (the report: one sample, many analyses). Its
    arrays are read-only, so no analysis can change what the next one reads."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _richer(key: tuple[int, int, int, bool, bool]) -> list[tuple[int, int, int, bool, bool]]:
    """The keys of samples of the same draws that keep skills or inline values besides."""
    model, n, seed, skills, inline = key
    return [(model, n, seed, s, i) for s in (skills, True) for i in (inline, True)
            if (s, i) != (skills, inline)]


def _freeze(got: Sample) -> None:
    for x in vars(got).values():
        for a in (x.values() if isinstance(x, dict) else (x,)):
            if isinstance(a, np.ndarray):
                a.setflags(write=False)


def _collect(model: Model, n: int, seed: int | None, overrides: Mapping[str, Any] | None,
             keep_skills: bool, streams: StreamPool | None, keep_inline: bool = True
             ) -> Sample:
    budget.check(model, n, "sample with skills" if keep_skills else "sample")
    seed = model.seed if seed is None else seed
    whole_number("seed", seed, least=0)
    keeper = SampleKeeper(model, keep_skills=keep_skills, keep_inline=keep_inline)
    # every draw's cumulative cash is reduced, as before the loops were one (the reduce's
    # default then); the analyses read none of it
    each_chunk(model, seed, even_sizes(n), keeper.add, overrides=overrides, streams=streams,
               keep_skills=keep_skills, cumulative_draws=n)
    return keeper.sample()


class SampleKeeper:
    """Keeps, chunk by chunk, what the analyses read of each draw: :func:`collect`'s own
    loop, or one pass of `run` (``run_model(..., keep=keeper)``) so that the report's
    analyses read the run's own draws instead of simulating them again."""

    def __init__(self, model: Model, *, keep_skills: bool = False,
                 keep_inline: bool = True) -> None:
        self.model, self.keep_skills = model, keep_skills
        self.parts: list[dict[str, Any]] = []
        self.stuck = StuckCounts(model)
        self.inline = _kept_inline(model) if keep_inline else ()
        self.n = 0
        #: what one pass of `run` and this keeper hold together (the budget's count)
        self.purpose: budget.Purpose = "report"

    def add(self, chunk: Chunk) -> None:
        out, r, size = chunk.outcomes, chunk.reduced, chunk.size
        self.stuck.add(out.stuck)
        self.n += size
        keep_skills = self.keep_skills
        self.parts.append({
            "value": r.value, "npv": r.npv, "points": r.points, "scores": r.scores,
            "worth": out.worth, "terminal": r.terminal,
            "params": {k: np.broadcast_to(np.asarray(v, dtype=np.float64), (size,))
                       for k, v in out.params.items() if np.ndim(v) <= 1},
            "inline": inline_values(self.model, chunk.draws.streams, size, self.inline),
            "skills": {k: np.array(v) for k, v in out.skills.items()} if keep_skills else {},
            "intersection": (np.array(out.intersection)
                             if keep_skills and out.intersection is not None else None),
        })

    def sample(self) -> Sample:
        """The draws kept so far, joined (the parts are dropped)."""
        got = replace(_join(self.model, self.parts), stuck=self.stuck.shares(self.n))
        self.parts = []
        return got


def share(model: Model, seed: int, got: Sample, *, keep_skills: bool) -> None:
    """Within :func:`one_sample`, let the analyses that ask :func:`collect` for ``got.n``
    draws of ``model`` with ``seed`` read ``got`` (the report's run's own draws)."""
    shared = _SHARED.get()
    if shared is None:
        raise RuntimeError("share() is for use within one_sample()")
    _freeze(got)
    shared[(id(model), got.n, seed, keep_skills, True)] = (model, got)


def _join(model: Model, parts: list[dict[str, Any]]) -> Sample:
    def cat(key: str, axis: int = 1) -> Any:
        return np.concatenate([p[key] for p in parts], axis=axis)

    def cat_map(key: str, axis: int = 1) -> dict[str, FloatArray]:
        return {k: np.concatenate([p[key][k] for p in parts], axis=axis) for k in parts[0][key]}

    params = {k: v for k, v in cat_map("params", 0).items() if np.ptp(v) > 0}
    inline = {k: v for k, v in cat_map("inline", 0).items() if np.ptp(v) > 0}
    inter = cat("intersection") if parts[0]["intersection"] is not None else None
    terminal = cat("terminal") if parts[0]["terminal"] is not None else None
    return Sample(
        option_ids=model.option_ids, labels=tuple(o.label for o in model.options),
        value=cat("value"), npv=cat("npv"), points=cat_map("points"),
        scores=cat_map("scores"), worth=cat_map("worth", 0), params=params,
        skills=cat_map("skills") if parts[0]["skills"] else {}, intersection=inter,
        inline=inline, terminal=terminal,
    )
