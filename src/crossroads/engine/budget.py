"""The memory budget: one place that says how much a run or an analysis will hold.

A run's peak is the sum of four parts, each counted here from the model's shape:

* ``BASE_BYTES``: the interpreter, NumPy, SciPy and the model itself;
* what every draw **keeps** until the end (:func:`run_kept_bytes`: money in float32,
  scores in float16; :func:`analyses_kept_bytes`: everything in float64, counted twice
  for the moment the chunks are joined);
* what the first :data:`SCREEN_DRAWS` draws keep for the cash fan and the input screen
  (their cumulative cash, year by year, and every param);
* one chunk's **working set** (:func:`working_set_bytes`): the year-by-year outcomes of
  ``min(n, CHUNK)`` draws of every option (cash, equity, each criterion, each kept
  skill, the cumulative walk and a temporary), which is what grows with options x years.

The working set is why counting only what is kept was not enough: 20 options over 60
years hold 5 MB per draw of a chunk however few draws are kept. :func:`check_budget`
refuses a count whose total exceeds :data:`MEMORY_BUDGET_BYTES` before anything is drawn
with a :class:`~crossroads.errors.TooManySamples` that carries the largest count that fits
(found by bisection: the total grows with ``n``).

Every caller asks one question, :func:`check` ("may I keep ``n`` draws of this model for
this :data:`Purpose`?"), or :func:`most` ("how many may I keep?"); the per-draw estimates
of each purpose are counted here and nowhere else.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from crossroads.errors import DecisionError, TooManySamples, UsageError
from crossroads.simulate.sampling import CHUNK

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = [
    "BASE_BYTES",
    "CHUNK",
    "MEMORY_BUDGET_BYTES",
    "SCREEN_DRAWS",
    "Purpose",
    "TooManySamples",
    "analyses_kept_bytes",
    "check",
    "check_budget",
    "kept_bytes_per_draw",
    "kept_inline",
    "largest_fitting",
    "most",
    "peak_bytes",
    "run_kept_bytes",
    "score_dtype",
    "whole_number",
    "working_set_bytes",
]

#: Peak memory a run may use: the base, kept results, the screen and one chunk.
MEMORY_BUDGET_BYTES = 2 * 1024**3
#: The interpreter, the libraries and the model (measured: about 90 MB; kept generous).
BASE_BYTES = 256 * 1024**2
#: Draws used for the cash fan, the quick SMAA and the screen of which input matters.
SCREEN_DRAWS = 200_000


def score_dtype(model: Model, criterion: str) -> type[np.floating[Any]]:
    """Half precision for ordinary scores, single where a scale is large."""
    lo, hi = model.criteria[criterion].scale
    return np.float16 if max(abs(lo), abs(hi)) <= 1000 else np.float32


def run_kept_bytes(model: Model) -> int:
    """What each draw of `run` keeps until the end: npv, value, first-year base and views
    in float32, criterion scores in float16 (float32 for large scales)."""
    per_option = 4 * (3 + len(model.views))
    per_option += sum(np.dtype(score_dtype(model, c)).itemsize for c in model.criteria)
    per_option += 4 * len(model.money.kept) if model.money is not None else 0  # docs/money.md
    return len(model.options) * per_option


def analyses_kept_bytes(model: Model, *, keep_skills: bool = False) -> int:
    """What :func:`crossroads.engine.collect.collect` keeps per draw (float64), counted twice:
    the chunks' parts and their concatenation are both alive while they are joined."""
    options, criteria = len(model.options), len(model.criteria)
    per_draw = 8 * (options * (2 + 2 * criteria) + criteria + len(model.params))
    if keep_skills:
        per_draw += 8 * options * model.horizon * _series(model)
    return 2 * per_draw


def kept_inline(model: Model) -> tuple[str, ...]:
    """The inline ranges :func:`crossroads.engine.collect.collect` keeps: those the value
    can read (the others' EVPPI is 0 by construction, so their draws are not needed)."""
    from crossroads.model.inline import inert_inputs, inline_inputs

    inert = inert_inputs(model)
    return tuple(name for name in inline_inputs(model) if name not in inert)


def kept_bytes_per_draw(model: Model, *, keep_skills: bool = False) -> int:
    """What :func:`crossroads.engine.collect.collect` keeps per draw: the analyses' numbers
    (:func:`analyses_kept_bytes`) with each inline range the value can read (float64,
    counted twice like the rest)."""
    return analyses_kept_bytes(model, keep_skills=keep_skills) + 16 * len(kept_inline(model))


def _series(model: Model) -> int:
    return len(model.skills) + (1 if model.intersection else 0)


def working_set_bytes(model: Model, *, keep_skills: bool = False) -> int:
    """One draw's share of a chunk's working set: per option and year, cash, equity, the
    cumulative walk and a temporary (float64), the role (int16), each criterion and, when
    kept, each skill series; plus every param and each option's running state."""
    cells = len(model.options) * model.horizon
    series = len(model.criteria) + (_series(model) if keep_skills else 0)
    per_cell = 8 * (4 + series) + 2
    if model.money is not None and model.money.active:
        per_cell += 8 * 6   # after-tax and pre-tax money and the temporaries of settling
                            # (measured: 5.4 float64 a cell on the founding case, tax: US)
    return cells * per_cell + 8 * (len(model.params) + 16 * len(model.options))


def _screen_bytes(model: Model) -> int:
    return 8 * (len(model.options) * model.horizon + len(model.params))


def peak_bytes(model: Model, samples: int, per_draw: int | None = None, *,
               keep_skills: bool = False) -> int:
    """The estimated peak of ``samples`` draws; ``per_draw`` (default: `run`'s) is what
    each draw keeps. With ``per_draw`` given (an analysis) there is no screen."""
    kept = run_kept_bytes(model) if per_draw is None else per_draw
    screen = _screen_bytes(model) * min(samples, SCREEN_DRAWS) if per_draw is None else 0
    chunk = working_set_bytes(model, keep_skills=keep_skills) * min(samples, CHUNK)
    return BASE_BYTES + kept * samples + screen + chunk


def largest_fitting(model: Model, per_draw: int | None = None, *,
                    keep_skills: bool = False) -> int:
    """The largest sample count within the budget (0 if not even one draw fits)."""
    lo, hi = 0, MEMORY_BUDGET_BYTES  # a draw keeps at least a byte
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if peak_bytes(model, mid, per_draw, keep_skills=keep_skills) <= MEMORY_BUDGET_BYTES:
            lo = mid
        else:
            hi = mid - 1
    return lo


def whole_number(name: str, value: object, *, least: int) -> None:
    """Refuse what the command line would (``samples=0``, ``seed=True``, ``samples=1.5``)
    with a UsageError (a ValueError) naming it, before it turns into an IndexError deep in
    NumPy."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise UsageError(f"{name} must be a whole number of at least {least}, got {value!r}",
                         argument=name)


def check_budget(model: Model, samples: int, per_draw: int | None = None, *,
                 keep_skills: bool = False) -> None:
    """Refuse, at the file's ``samples``, a count whose peak would exceed the budget
    (:class:`TooManySamples`); callers ask :func:`check` with their purpose instead.

    ``per_draw`` is what each draw keeps until the end: by default what `run` keeps;
    the analyses keep more and say how much (:func:`analyses_kept_bytes`).
    """
    whole_number("samples", samples, least=1)
    need = peak_bytes(model, samples, per_draw, keep_skills=keep_skills)
    if need <= MEMORY_BUDGET_BYTES:
        return
    most = largest_fitting(model, per_draw, keep_skills=keep_skills)
    line, column = model.located.where(("samples",))
    budget = f"{MEMORY_BUDGET_BYTES / 1024**3:.0f} GiB"
    shape = (f"{len(model.options)} options x {model.horizon} years x "
             f"{len(model.criteria)} criteria")
    if most < 1:
        raise DecisionError(
            model.source, line, column,
            f"{shape} need more than the {budget} memory budget even for one chunk",
            "use fewer options, a shorter horizon or fewer criteria")
    raise TooManySamples(
        model.source, line, column,
        f"{samples:,} samples would need about {need / 1024**3:.1f} GiB ({shape}: "
        f"the results kept per draw and one chunk's year-by-year working set), over the "
        f"{budget} budget", samples=samples, most=most)


Purpose = Literal["run", "sample", "sample with skills", "report", "two samples", "journal"]
"""What the draws are kept for, which says how much each keeps:

* ``"run"``: `run`'s results (:func:`run_kept_bytes`), the screen and a chunk;
* ``"sample"`` / ``"sample with skills"``: one analyses' sample (:func:`kept_bytes_per_draw`),
  the latter with every skill path kept, in what is kept and in the working set;
* ``"report"``: the report's one pass: `run`'s results and screen beside the analyses'
  sample of the same draws (with the skill paths when the file has skills), both kept
  while the run goes;
* ``"two samples"``: `option_value`'s, with and without the roles, both alive at once;
* ``"journal"``: `run`'s results and the journal's predictions (``extra`` bytes a draw,
  counted by :func:`crossroads.journal.predict.bytes_per_draw`), without the screen.
"""


def _shape(model: Model, purpose: Purpose, extra: int) -> tuple[int | None, bool]:
    """(what each draw keeps, None for `run`'s own count with its screen; whether the
    working set holds the skill paths) for ``purpose``."""
    if purpose == "run":
        return None, False
    if purpose == "sample":
        return kept_bytes_per_draw(model), False
    if purpose == "sample with skills":
        return kept_bytes_per_draw(model, keep_skills=True), True
    if purpose == "report":  # the screen counted for every draw: an overestimate past it
        both = run_kept_bytes(model) + _screen_bytes(model)
        return both + kept_bytes_per_draw(model, keep_skills=bool(model.skills)), \
            bool(model.skills)
    if purpose == "two samples":
        return 2 * kept_bytes_per_draw(model), False
    if purpose == "journal":
        return run_kept_bytes(model) + extra, False
    raise UsageError(f"unknown purpose {purpose!r}", argument="purpose")


def most(model: Model, purpose: Purpose = "run", *, extra: int = 0) -> int:
    """The largest sample count of ``model`` that fits the budget for ``purpose`` (0 if
    not even one draw fits)."""
    per_draw, keep_skills = _shape(model, purpose, extra)
    return largest_fitting(model, per_draw, keep_skills=keep_skills)


def check(model: Model, samples: int, purpose: Purpose = "run", *, extra: int = 0) -> None:
    """May ``samples`` draws of ``model`` be kept for ``purpose``? Return if so; else raise
    :class:`~crossroads.errors.TooManySamples` (at the file's ``samples:``) carrying the
    most that fits in ``most`` (a plain DecisionError when not even one draw fits: no count
    would do). ``samples`` must be a whole number of at least 1 (a UsageError otherwise).
    """
    per_draw, keep_skills = _shape(model, purpose, extra)
    check_budget(model, samples, per_draw, keep_skills=keep_skills)

