"""Which values a param may be pinned at: one rule for the library and the web app.

A *pin* fixes a param at one value for every draw (``crossroads.run(model,
overrides={...})``, the web app's what-if sliders and scenarios); the params computed from
it follow. :func:`check_pins` is the only place that says which pins are fair questions,
so the library and the web refuse the same values with the same words. A pin is refused,
naming the param (:class:`BadPin` carries it in ``param``), when it

* names no param of the model;
* is not a finite number (NaN, an infinity, ``True``, a string) or exceeds
  :data:`MAX_PIN` in size;
* is a probability (a param drawn from a beta or a yes/no) outside 0 to 1;
* is any other drawn param outside its **pin range** (:func:`pin_range`: the 0.1st to
  99.9th percentile of its estimate). A value the file itself calls a one-in-a-thousand
  extreme is a different decision, not a what-if: the message says to change the
  estimate in the file instead.

The engine's own overrides (a tornado's swings, Sobol points, per-draw arrays, inline
ranges' quantiles) go to :func:`crossroads.engine.loop.run_model` and
:func:`crossroads.engine.collect.collect` directly and are not pins: they are chosen by
the analyses, inside the estimates, never typed by a person.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crossroads.errors import UnknownName, UsageError

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = ["MAX_PIN", "PIN_LEVEL", "PROBABILITY_KINDS", "BadPin", "UnknownPin", "check_pins",
           "pin_range"]


class BadPin(UsageError):
    """A pinned value the rule refuses; ``param`` names the culprit (the web page marks its
    slider). A :class:`~crossroads.errors.UsageError` about the argument ``overrides``, and
    so a ValueError, as the library's refusals of a pin were before."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message, argument="overrides")
        self.param = param


class UnknownPin(BadPin, UnknownName):
    """A pin naming no param of the model; also an UnknownName (a KeyError), as `run`
    raised before."""


PIN_LEVEL = 0.998
"""A param may be pinned anywhere in the central 99.8% of its distribution (its 0.1st to
99.9th percentile): the sliders span the 90% you wrote, typed values may go further, but a
value the file calls a one-in-a-thousand extreme is a different decision, not a what-if.
Probabilities are the exception: any value from 0 to 1 (never, always) is a fair question."""

MAX_PIN = 1e15
"""The largest magnitude a param may be pinned at: far beyond any salary, multiple or count
(in any currency), and small enough that a year's arithmetic on it cannot overflow."""

PROBABILITY_KINDS = ("beta", "bernoulli")
"""Distributions that only take values in [0, 1]: a `chance:` written as `30% to 50%` (a
beta) or a yes/no. Their params are probabilities, and 1.3 is no probability."""


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


def _num(x: float) -> str:
    """Three significant digits, thousands separated (as the web's ``num``: the same words)."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def check_pins(model: Model, overrides: Mapping[str, Any] | None) -> dict[str, float]:
    """The pins as floats, each a fair question about ``model``; :class:`BadPin` if not.

    A probability is refused outside 0 to 1 rather than clipped: the simulator clips a
    chance, but the same param may also enter a formula unclipped. Boundaries are
    accepted: 0 and 1 for a probability, either end of a pin range, :data:`MAX_PIN`.
    """
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(model.params))
    if unknown:
        raise UnknownPin(f"no such param: {', '.join(unknown)}", unknown[0])
    out = {}
    for name, value in overrides.items():
        number = (float(value) if isinstance(value, numbers.Real)
                  and not isinstance(value, bool) else math.nan)
        if not math.isfinite(number) or abs(number) > MAX_PIN:
            raise BadPin(f"{name}: expected a finite number up to {MAX_PIN:g} in size, "
                         f"got {value!r}", name)
        dist = model.params[name].expr.as_dist()
        probability = dist is not None and dist.kind in PROBABILITY_KINDS
        if probability and not 0.0 <= number <= 1.0:
            raise BadPin(f"{name} is a probability: pin it between 0 and 1 "
                         f"(0% to 100%), not {number:g}", name)
        # A probability may go to its ends (what if the step never happens?); other params
        # stay inside what the file makes plausible.
        bounds = pin_range(dist) if dist is not None and not probability else None
        if bounds is not None and not bounds[0] <= number <= bounds[1]:
            raise BadPin(
                f"{name}: pin it between {_num(bounds[0])} and {_num(bounds[1])} (the 0.1st "
                f"to 99.9th percentile of its estimate in the file), not {_num(number)}; to "
                "go further, change its estimate in the file", name)
        out[name] = number
    return out
