"""The simulator's view of skills: state per draw, moved one year at a time.

The model itself (learning, decay, the intersection rank) lives in
:mod:`crossroads.simulate.skills`; this adapter draws its inputs from the decision file,
keeps the standing of every skill for every draw and year, and hands the current values to
expressions as ``skill(NAME)`` and ``intersection()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

import numpy as np

from crossroads._types import FloatArray
from crossroads.model.compile import Model
from crossroads.model.fields import Field
from crossroads.simulate.sampling import Draws


class SkillTracker:
    """Latent standing z per skill and draw; percentiles recorded year by year (year-major)."""

    def __init__(self, model: Model, draws: Draws, percentiles: Mapping[str, FloatArray],
                 intersection: FloatArray | None) -> None:
        self.sk: Any = None
        if model.skills:
            from crossroads.simulate import skills

            self.sk = skills
        n = draws.n
        self.n = n
        self.intersection_ids = model.intersection
        self.correlation = _correlation(model)
        self.params, start = skill_draws(model, draws) if model.skills else ({}, {})
        self.z = dict(start)  # replaced, never changed in place: the start is shared
        self.percentiles = percentiles      # (horizon, n) per skill, where they are kept
        self.intersection = intersection    # (horizon, n), or None when not kept
        self._now: dict[str, FloatArray] = {}
        self.maps: dict[str, tuple[FloatArray, FloatArray]] = {}

    def values(self, names: Iterable[str]) -> dict[str, FloatArray]:
        """Current values of ``skill:NAME`` and ``intersection`` among ``names``.

        Computed on first use after each step and kept: several fields of a year share them,
        and a field that needs none of them costs nothing.
        """
        out = {}
        for name in names:
            if name not in self._now:
                if name == "intersection" and self.intersection_ids:
                    stacked = np.stack([self.z[s] for s in self.intersection_ids], axis=-1)
                    top = self.sk.intersection_top_pct(stacked, self.correlation)
                    self._now[name] = top / 100.0
                elif name.startswith("skill:") and name[6:] in self.z:
                    self._now[name] = self.sk.percentile(self.z[name[6:]])
                else:
                    continue
            out[name] = self._now[name]
        return out

    def record(self, t: int) -> None:
        """Write year t's percentiles and intersection, where the caller keeps them."""
        for sid, kept in self.percentiles.items():
            kept[t] = self.values((f"skill:{sid}",))[f"skill:{sid}"]
        if self.intersection is not None:
            self.intersection[t] = self.values(("intersection",))["intersection"]

    def fix_roles(self, practice: Mapping[str, FloatArray], mentor: FloatArray) -> None:
        """Precompute every skill's yearly map per (draw, role) from fixed role tables.

        ``practice[sid]`` and ``mentor`` are ``(n, n_roles)``: what each role gives each
        draw. With them fixed, a year moves a skill by ``z = a[d, role] z + b[d, role]``
        (:func:`~crossroads.simulate.skills.yearly_map`), one gather and a multiply-add.
        """
        m = np.clip(mentor, 0.0, 1.0)
        self.maps = {}
        for sid, p in self.params.items():
            a, b = self.sk.yearly_map(p, np.clip(practice[sid], 0.0, 1.0), m)
            self.maps[sid] = (a.ravel(), b.ravel())

    def step_fixed(self, index: np.ndarray) -> None:
        """One year on with the maps of :meth:`fix_roles`; ``index`` = draw x n_roles + role."""
        for sid, (a, b) in self.maps.items():
            z = a.take(index)   # a new array: the start standing is shared, never changed
            z *= self.z[sid]
            z += b.take(index)
            self.z[sid] = z
        self._now = {}

    def step(self, practice: dict[str, FloatArray], mentor: FloatArray) -> None:
        """Move every skill one year on, given the practice of the role held this year."""
        for sid, p in self.params.items():
            self.z[sid] = self.sk.step(self.z[sid], p, np.clip(practice[sid], 0.0, 1.0), mentor)
        self._now = {}


def skill_draws(model: Model, draws: Draws) -> tuple[dict[str, Any], dict[str, FloatArray]]:
    """Every skill's parameters and year-0 standing for a chunk, shared by all options.

    The same draws feed every option (common random numbers), so they are derived once per
    chunk and kept on ``draws``.
    """
    kept = draws.derived.get("skills")
    if kept is None:
        from crossroads.simulate import skills

        def value(f: Field | None, default: float) -> FloatArray:
            if f is None:
                return np.full(draws.n, default)
            v = np.asarray(draws.evaluate(f), dtype=np.float64)
            if v.ndim == 2:  # a yearly estimate makes no sense for a skill's constants
                v = v[:, 0]
            return np.array(np.broadcast_to(v, (draws.n,)))

        params = {}
        for sid, spec in model.skills.items():
            try:
                params[sid] = skills.SkillDraws(
                    now=value(spec.now, 0.5),
                    half_life=value(spec.half_life, np.inf),
                    years_to_top_quartile=value(spec.years_to_top_quartile, np.nan),
                    mentor_speedup=value(spec.mentor_speedup, 1.0),
                )
            except skills.SkillFieldError as exc:  # a draw of a range can leave the domain
                raise model.located.error(("skills", sid, exc.field), f"skill `{sid}`: {exc}",
                                          "give a range that stays inside it") from None
        kept = (params, {sid: skills.initial_z(p) for sid, p in params.items()})
        draws.derived["skills"] = kept
    return cast("tuple[dict[str, Any], dict[str, FloatArray]]", kept)


def check_correlation(model: Model) -> None:
    """Refuse, at the file's `correlation:`, a skills correlation the intersection cannot use."""
    if len(model.intersection) < 2:
        return
    from crossroads.simulate.intersection import validate_correlation

    try:
        validate_correlation(_correlation(model), len(model.intersection))
    except ValueError as exc:
        raise model.located.error(("skills", "correlation"), f"skills: {exc}") from None


def _correlation(model: Model) -> float | FloatArray:
    corr = model.skill_correlation
    if isinstance(corr, float | int):
        return float(corr)
    ids = list(model.skills)
    full = np.asarray(corr, dtype=np.float64)
    index = [ids.index(s) for s in model.intersection] if full.shape[0] == len(ids) else None
    return full[np.ix_(index, index)] if index is not None else full
