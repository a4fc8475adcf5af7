"""The simulator's view of skills: state per draw, moved one year at a time.

The model itself (learning, decay, the intersection rank) lives in
:mod:`crossroads.simulate.skills`; this adapter draws its inputs from the decision file,
keeps the standing of every skill for every draw and year, and hands the current values to
expressions as ``skill(NAME)`` and ``intersection()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.model.compile import Field, Model
from crossroads.sample import Draws


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
        self.params: dict[str, Any] = {
            sid: self.sk.SkillDraws(
                now=self._draw(draws, spec.now, 0.5),
                half_life=self._draw(draws, spec.half_life, np.inf),
                years_to_top_quartile=self._draw(draws, spec.years_to_top_quartile, np.nan),
                mentor_speedup=self._draw(draws, spec.mentor_speedup, 1.0),
            )
            for sid, spec in model.skills.items()
        }
        self.z = {sid: self.sk.initial_z(p) for sid, p in self.params.items()}
        self.percentiles = percentiles      # (horizon, n) per skill, written year by year
        self.intersection = intersection
        self._now: tuple[int, dict[str, FloatArray]] | None = None

    def _draw(self, draws: Draws, f: Field | None, default: float) -> FloatArray:
        if f is None:
            return np.full(self.n, default)
        value = np.asarray(draws.evaluate(f), dtype=np.float64)
        if value.ndim == 2:  # a yearly estimate makes no sense for a skill's constants
            value = value[:, 0]
        return np.array(np.broadcast_to(value, (self.n,)))

    def env(self, t: int) -> dict[str, FloatArray]:
        """Values for expressions in year t: ``skill:NAME`` and ``intersection``."""
        if self._now is None or self._now[0] != t:
            values = {f"skill:{sid}": self.sk.percentile(z) for sid, z in self.z.items()}
            if self.intersection_ids:
                stacked = np.stack([self.z[s] for s in self.intersection_ids], axis=-1)
                top = self.sk.intersection_top_pct(stacked, self.correlation)
                values["intersection"] = top / 100.0
            self._now = (t, values)
        return self._now[1]

    def record(self, t: int) -> None:
        values = self.env(t)
        for sid in self.z:
            self.percentiles[sid][t] = values[f"skill:{sid}"]
        if self.intersection is not None:
            self.intersection[t] = values["intersection"]

    def step(self, practice: dict[str, FloatArray], mentor: FloatArray) -> None:
        """Move every skill one year on, given the practice of the role held this year."""
        for sid, p in self.params.items():
            self.z[sid] = self.sk.step(self.z[sid], p, np.clip(practice[sid], 0.0, 1.0), mentor)
        self._now = None


def _correlation(model: Model) -> float | FloatArray:
    corr = model.skill_correlation
    if isinstance(corr, float | int):
        return float(corr)
    ids = list(model.skills)
    full = np.asarray(corr, dtype=np.float64)
    index = [ids.index(s) for s in model.intersection] if full.shape[0] == len(ids) else None
    return full[np.ix_(index, index)] if index is not None else full
