"""Skills: where each skill stands, year by year, and how rare the combination is.

Usage, one draw per row, one year per call (the simulator walks years and the role held,
hence the practice, differs per draw)::

    skill = SkillDraws(now=now, half_life=h, years_to_top_quartile=y, mentor_speedup=s)
    z = initial_z(skill)                      # year 0: percentile(z) == now
    for t in range(horizon):
        record(t, percentile(z))              # percentile[t]; percentile[0] is `now`
        z = step(z, skill, practice[t], mentor[t])   # from year t to year t + 1
    intersection_top_pct(np.stack([z_ml, z_platform, z_product], axis=-1), 0.3)

The model (equations and a worked example in docs/skills.md). A skill's standing is a latent
``z``, standard normal across peers, so ``percentile = Phi(z)``. Within a year, with practice
``p`` and mentorship ``m`` (both in ``[0, 1]``), ``z`` moves continuously by

    dz/dt = p * kappa * (1 + m * (speedup - 1)) * (c - z)  -  (1 - p) * lam * (z - f)

* learning closes the gap to a ceiling ``c = Phi^-1(99%)`` at rate ``kappa``, chosen so that
  full practice without a mentor takes ``now`` to the 75th percentile in exactly
  ``years_to_top_quartile`` years: ``kappa = ln((c - z_now) / (c - z_75)) / years``; past
  the 75th percentile learning goes on with diminishing returns towards (never past) ``c``;
* what is not practised decays: the distance above a floor ``f = min(Phi^-1(10%), z_now)``
  (a peer who never practised the skill) halves every ``half_life`` years:
  ``lam = ln 2 / half_life``;
* partial practice mixes both (learning at rate ``p``, decay with exponent ``1 - p``).

The equation is linear with constant coefficients within a year, so :func:`step` applies
its exact solution: the yearly values are samples of one continuous path, and
``step(..., years=0.5)`` gives the standing half a year on.

Missing fields (NaN): no ``half_life`` means no decay, no ``years_to_top_quartile`` means
no learning (practice only holds the standing), no ``mentor_speedup`` means 1. A skill that
starts at or above the 75th percentile has ``kappa = 0`` (the limit of the calibration as
``now`` approaches it): practice holds the standing, and only decay moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from crossroads._types import FloatArray
from crossroads.errors import UsageError
from crossroads.estimate.normal import ndtr, ndtri
from crossroads.simulate.intersection import intersection_top_pct

__all__ = [
    "CEILING",
    "FLOOR",
    "TOP_QUARTILE_Z",
    "SkillDraws",
    "initial_z",
    "intersection_top_pct",
    "percentile",
    "step",
    "yearly_map",
]

TOP_QUARTILE_Z = 0.6744897501960817  # Phi^-1(0.75) to the last bit (a test checks it): the
#                                      standing of the 75th percentile, with no import of SciPy
FLOOR = 0.10  # percentile of a peer who never practised the skill: what decay tends to
CEILING = 0.99  # percentile that practice approaches but never passes
_EDGE = 1e-6  # `now` of exactly 0% or 100% is read as one in a million from the end


@dataclass(frozen=True, eq=False)
class SkillDraws:
    """One skill's parameters, one value per draw (every field may be uncertain).

    Args:
        now: percentile today, in ``[0, 1]``.
        half_life: years for the standing above the floor to halve when not practised;
            NaN (missing) or inf: no decay.
        years_to_top_quartile: years of full practice, without a mentor, from ``now`` to the
            75th percentile; NaN (missing) or inf: no learning.
        mentor_speedup: learning-rate multiplier with a full-time mentor; NaN (missing): 1.
        floor, ceiling: percentiles that decay and learning tend to (model constants).

    ``learn_rate`` (``kappa``), ``decay_rate`` (``lam``), ``floor_z`` and ``ceiling_z`` are
    derived; missing values are stored as their defaults.

    >>> s = SkillDraws(np.array([0.4]), np.array([np.nan]), np.array([4.0]), np.array([1.5]))
    >>> float(s.half_life[0]), round(float(s.learn_rate[0]), 4)
    (inf, 0.1114)
    """

    now: FloatArray
    half_life: FloatArray
    years_to_top_quartile: FloatArray
    mentor_speedup: FloatArray
    floor: float = FLOOR
    ceiling: float = CEILING
    learn_rate: FloatArray = field(init=False, repr=False)
    decay_rate: FloatArray = field(init=False, repr=False)
    floor_z: FloatArray = field(init=False, repr=False)
    ceiling_z: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        now, half, years, speed = (
            np.array(a, dtype=np.float64)
            for a in np.broadcast_arrays(
                self.now, self.half_life, self.years_to_top_quartile, self.mentor_speedup
            )
        )
        half[np.isnan(half)] = np.inf
        years[np.isnan(years)] = np.inf
        speed[np.isnan(speed)] = 1.0
        _check(now, half, years, speed, self.floor, self.ceiling)
        z_now = ndtri(np.clip(now, _EDGE, 1.0 - _EDGE))
        c = float(ndtri(self.ceiling))
        gap_ratio = np.maximum((c - z_now) / (c - TOP_QUARTILE_Z), 1.0)  # 1: already there
        derived = {
            "now": now,
            "half_life": half,
            "years_to_top_quartile": years,
            "mentor_speedup": speed,
            "learn_rate": np.log(gap_ratio) / years,
            "decay_rate": np.log(2.0) / half,
            "floor_z": np.minimum(ndtri(self.floor), z_now),
            "ceiling_z": c,
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


class SkillFieldError(UsageError):
    """A skill's field outside its domain; ``field`` names it, to point at it in the file."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, argument=field)
        self.field = field


def _check(
    now: FloatArray,
    half: FloatArray,
    years: FloatArray,
    speed: FloatArray,
    floor: float,
    ceiling: float,
) -> None:
    """Raise ValueError naming the first field out of its domain."""
    rules = [
        ("now", now, (now >= 0.0) & (now <= 1.0), "a percentile in [0, 1]"),
        ("half_life", half, half > 0.0, "positive years"),
        ("years_to_top_quartile", years, years > 0.0, "positive years"),
        ("mentor_speedup", speed, (speed > 0.0) & np.isfinite(speed), "a positive factor"),
    ]
    for name, value, ok, expected in rules:
        if not ok.all():
            raise SkillFieldError(name, f"{name} must be {expected}, got {value[~ok].flat[0]}")
    if not 0.0 < floor < 0.75 < ceiling < 1.0:
        raise ValueError(f"need 0 < floor ({floor}) < 0.75 < ceiling ({ceiling}) < 1")


def initial_z(skill: SkillDraws) -> FloatArray:
    """Year 0's latent standing, ``Phi^-1(now)`` (0% and 100% are read as 1e-6 from the end).

    >>> initial_z(SkillDraws(np.array([0.5, 0.75]), np.nan, np.nan, np.nan)).round(4)
    array([0.    , 0.6745])
    """
    return np.asarray(ndtri(np.clip(skill.now, _EDGE, 1.0 - _EDGE)), dtype=np.float64)


def percentile(z: FloatArray) -> FloatArray:
    """Share of peers below a latent standing ``z``: ``Phi(z)``, in ``[0, 1]``.

    >>> percentile(np.array([0.0, 0.6744897501960817])).round(4)
    array([0.5 , 0.75])
    """
    return np.asarray(ndtr(z), dtype=np.float64)


def step(
    z: FloatArray,
    skill: SkillDraws,
    practice: FloatArray,
    mentor: FloatArray,
    *,
    years: float = 1.0,
) -> FloatArray:
    """The standing ``years`` later (one year by default), practice and mentorship held fixed.

    The exact solution of ``dz/dt = a - b z`` over the interval, with the learning rate
    ``l = p kappa (1 + m (speedup - 1))`` and the decay rate ``d = (1 - p) lam``:
    ``z' = z + (l (c - z) - d (z - f)) (1 - exp(-b T)) / b``, ``b = l + d``.

    Args:
        z: standing now, shape ``(n,)``.
        practice: share of the year practising the skill, in ``[0, 1]``.
        mentor: share of the year learning from senior people, in ``[0, 1]``.

    >>> ml = SkillDraws(np.array([0.75]), np.array([3.0]), np.nan, np.nan)
    >>> z = initial_z(ml)
    >>> for year in range(4):                          # not practised for four years
    ...     z = step(z, ml, practice=np.array([0.0]), mentor=np.array([0.0]))
    >>> percentile(z).round(3)
    array([0.307])
    """
    p = _unit("practice", practice)
    m = _unit("mentor", mentor)
    if not (np.isfinite(years) and years >= 0.0):
        raise ValueError(f"years must be finite and non-negative, got {years}")
    learn = p * skill.learn_rate * (1.0 + m * (skill.mentor_speedup - 1.0))
    forget = (1.0 - p) * skill.decay_rate
    drift = learn * (skill.ceiling_z - z) - forget * (z - skill.floor_z)
    return np.asarray(z + drift * years * _relaxation(years * (learn + forget)), dtype=np.float64)


def yearly_map(
    skill: SkillDraws, practice: FloatArray, mentor: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(a, b)`` with ``step(z, skill, practice, mentor) == a * z + b`` for one year.

    The yearly solution is affine in ``z``: ``a = exp(-beta)`` and
    ``b = (l c + d f) (1 - exp(-beta)) / beta`` with ``beta = l + d``. When practice and
    mentorship are fixed per role, the simulator computes ``(a, b)`` once per draw and role
    and moves every skill with one multiply-add a year instead of the whole formula.
    ``practice`` and ``mentor`` may be ``(n,)`` or ``(n, n_roles)`` (a column per role).

    >>> ml = SkillDraws(np.array([0.4]), np.array([3.0]), np.array([4.0]), np.array([1.5]))
    >>> z, p, m = np.array([0.1]), np.array([0.7]), np.array([0.5])
    >>> a, b = yearly_map(ml, p, m)
    >>> bool(np.allclose(a * z + b, step(z, ml, p, m), rtol=1e-14, atol=0.0))
    True
    """
    p = _unit("practice", practice)
    m = _unit("mentor", mentor)

    def per_draw(x: FloatArray) -> FloatArray:  # (n,) against (n, roles) when p is 2-D
        return x.reshape(x.shape + (1,) * (p.ndim - x.ndim)) if np.ndim(x) else x

    learn = p * per_draw(skill.learn_rate) * (1.0 + m * (per_draw(skill.mentor_speedup) - 1.0))
    forget = (1.0 - p) * per_draw(skill.decay_rate)
    rate = learn + forget
    pull = learn * skill.ceiling_z + forget * per_draw(skill.floor_z)
    shrink = np.expm1(-rate)  # a - 1, exact for small rates
    relax = np.ones_like(rate)  # (1 - exp(-rate)) / rate, 1 at rate 0
    np.divide(-shrink, rate, out=relax, where=rate > 0.0)
    return 1.0 + shrink, np.asarray(pull * relax, dtype=np.float64)


def _unit(name: str, value: FloatArray) -> FloatArray:
    v = np.asarray(value, dtype=np.float64)
    if not ((v >= 0.0) & (v <= 1.0)).all():  # NaN fails too
        raise ValueError(f"{name} must lie in [0, 1]")
    return v


def _relaxation(x: FloatArray) -> FloatArray:
    """``(1 - exp(-x)) / x``, 1 at ``x = 0``: how much of a constant drift survives relaxation."""
    out = np.ones_like(x)
    np.divide(-np.expm1(-x), x, out=out, where=x > 0.0)
    return out
