"""What a run and each analysis return: frozen data with ``to_dict()``, the JSON contract.

``to_dict()`` is exactly the object the CLI prints with ``--json`` (docs/cli.md). In
Jupyter each result shows as a table with its sentences (:mod:`crossroads.notebook`,
imported only when a notebook asks: a script that never shows a result never loads it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class _Shown:
    """A notebook's view of a result: its table and sentences (``_repr_html_``), and a
    one-line ``repr`` instead of a dataclass dump."""

    def _repr_html_(self) -> str:
        from crossroads import notebook

        return notebook.html(self)

    def __repr__(self) -> str:
        from crossroads import notebook

        return notebook.text(self)


@dataclass(frozen=True, repr=False)
class RunResult(_Shown):
    """The summary of a run; ``to_dict()`` is the `run --json` contract."""

    title: str
    samples: int
    seed: int
    horizon: int
    currency: str
    baseline: str
    option_ids: tuple[str, ...]
    options: dict[str, dict[str, Any]]
    verdict: tuple[str, ...]
    views: dict[int, dict[str, dict[str, float]]]
    screen: dict[str, float]
    notes: tuple[str, ...] = ()   # lines beyond the verdict: market references, caveats
    weighted: dict[str, Any] | None = None  # a quick SMAA: who ranks first over weightings
    money: dict[str, Any] | None = None  # what the money is: tax, inflation, FX (docs/money.md)
    screen_share: dict[str, float] | None = None  # param -> first-order share of the gap's var
    criteria_points: dict[str, Any] | None = None  # per criterion: mean worth, points per option
    precision: dict[str, Any] | None = None  # samples: auto: the precision reached, targets

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: exactly the `run --json` object (extra keys allowed)."""
        return {
            "decision": self.title, "samples": self.samples, "seed": self.seed,
            "horizon": self.horizon, "currency": self.currency, "baseline": self.baseline,
            "options": self.options,
            "verdict": list(self.verdict),
            "notes": list(self.notes),
            "views": {str(k): v for k, v in self.views.items()},
            "screen": self.screen,
            "weighted": self.weighted,
            "money": self.money,
            "screen_share": self.screen_share,
            "criteria_points": self.criteria_points,
            **({"precision": self.precision} if self.precision is not None else {}),
        }

    def leader(self) -> str:
        """The option with the highest mean value."""
        return max(self.options, key=lambda k: self.options[k]["value"]["mean"])


@dataclass(frozen=True, repr=False)
class SkillsResult(_Shown):
    """Skill percentiles and the intersection rank per option and year."""

    horizon: int
    intersection: tuple[str, ...]
    options: dict[str, dict[str, Any]]
    sentences: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The `skills --json` object: percentiles are medians over draws, in 0..100."""
        return {"horizon": self.horizon, "intersection": list(self.intersection),
                "options": self.options, "sentences": list(self.sentences)}


@dataclass(frozen=True, repr=False)
class VoiReport(_Shown):
    """EVPI, EVPPI per param and group, EVSI: what finding out is worth."""

    result: Any
    currency: str
    people: dict[str, int]
    sentences: tuple[str, ...]
    research: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def evpi_params(self) -> float:
        """What learning every param at once is worth (EVPPI of all params as one group)."""
        return float(self.result.evpi_params)

    def to_dict(self) -> dict[str, Any]:
        """The `voi --json` object (docs/cli.md), with the ranking and research coverage."""
        data: dict[str, Any] = self.result.to_dict(self.currency)
        return {**data, "people": self.people, "research": self.research,
                "sentences": list(self.sentences)}


@dataclass(frozen=True, repr=False)
class DictReport(_Shown):
    """An analysis result already in its JSON shape."""

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


class SensitivityReport(DictReport):
    """A tornado or Sobol indices on the value gap between the two leading options: a
    :class:`DictReport` by another name (its own name in a notebook's ``repr``)."""
