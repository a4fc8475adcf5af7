"""One `run`: draw, simulate and reduce chunk by chunk, then summarise.

Draws are processed in chunks of :data:`~crossroads.sample.CHUNK`, so memory holds one
chunk's year-by-year outcomes plus a few numbers per draw: 10 million draws fit in about
2 GB. Criterion scores are kept per draw in float32 (7 significant digits, ample for a
0-10 score); money stays in float64. The cash fan and the quick screen of which input
matters most use the first :data:`SCREEN_DRAWS` draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.analysis import summary as s
from crossroads.model.compile import Model
from crossroads.sample import CHUNK, Streams, draw
from crossroads.simulate.paths import simulate

#: Draws used for the cash fan and the input screen (a picture and a hint, not a contract).
SCREEN_DRAWS = 200_000


@dataclass
class _Collected:
    npv: list[FloatArray] = field(default_factory=list)
    value: list[FloatArray] = field(default_factory=list)
    scores: dict[str, list[np.ndarray]] = field(default_factory=dict)
    break_even: list[np.ndarray] = field(default_factory=list)
    first_salary: list[FloatArray] = field(default_factory=list)
    views: dict[int, list[FloatArray]] = field(default_factory=dict)
    cumulative: list[FloatArray] = field(default_factory=list)
    params: dict[str, list[FloatArray]] = field(default_factory=dict)
    screened: int = 0


def run_model(model: Model, n: int, seed: int, *,
              overrides: Mapping[str, float] | None = None,
              on_progress: Callable[[float], None] | None = None) -> RunResult:
    """Simulate ``n`` draws of every option with ``seed`` and summarise them."""
    got = _Collected(scores={c: [] for c in model.criteria},
                     views={v: [] for v in model.views})
    chunks = range(0, n, CHUNK)
    for index, start in enumerate(chunks):
        size = min(CHUNK, n - start)
        draws = draw(model, size, Streams(seed, index), overrides)
        outcomes = simulate(model, draws)
        reduced = s.reduce(outcomes, model.baseline, model.views)
        _collect(got, model, reduced, outcomes.params, size)
        if on_progress is not None:
            on_progress((index + 1) / len(chunks))
    return RunResult.build(model, n, seed, got)


def _collect(got: _Collected, model: Model, r: s.Reduced, params: Any, size: int) -> None:
    got.npv.append(r.npv)
    got.value.append(r.value)
    got.break_even.append(r.break_even)
    got.first_salary.append(r.first_salary)
    for c, score in r.scores.items():
        got.scores[c].append(score.astype(np.float32))
    for v in model.views:
        got.views[v].append(r.views[v])
    if got.screened < SCREEN_DRAWS:
        got.cumulative.append(r.cumulative)
        for name, x in params.items():
            arr = np.asarray(x, dtype=np.float64)
            if arr.ndim == 1 and arr.size == size:
                got.params.setdefault(name, []).append(arr)
        got.screened += size


@dataclass(frozen=True)
class RunResult:
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

    @classmethod
    def build(cls, model: Model, n: int, seed: int, got: _Collected) -> RunResult:
        from crossroads.verdict import write_verdict

        npv = np.concatenate(got.npv, axis=1)
        value = np.concatenate(got.value, axis=1)
        be = np.concatenate(got.break_even, axis=1)
        salary = np.concatenate(got.first_salary, axis=1)
        pb = s.p_best(value)
        regret = value.max(axis=0, keepdims=True) - value
        base = model.baseline
        edges = _edges(value)
        cumulative = np.concatenate(got.cumulative, axis=1)[:, :SCREEN_DRAWS]
        options: dict[str, dict[str, Any]] = {}
        for i, opt in enumerate(model.options):
            scores = {c: np.concatenate([part[i] for part in got.scores[c]]) for c in got.scores}
            options[opt.id] = {
                "label": opt.label,
                "npv": s.stats(npv[i]),
                "value": s.stats(value[i]),
                "criteria": {c: s.stats(x.astype(np.float64)) for c, x in scores.items()},
                "p_best": float(pb[i]),
                "break_even": None if i == base else s.break_even_summary(be[i], model.horizon),
                "mcse": {"npv_mean": s.mcse_mean(npv[i]), "value_mean": s.mcse_mean(value[i]),
                         "p_best": s.mcse_p(float(pb[i]), n)},
                "regret": {"mean": float(regret[i].mean()),
                           "p_positive": float((regret[i] > 0).mean())},
                "vs_baseline": {"value_mean": float((value[i] - value[base]).mean()),
                                "p_better": float((value[i] > value[base]).mean())},
                "value_hist": _hist(value[i], edges),
                "cumulative_cash": s.fan(cumulative[i]),
                "first_year_base": s.stats(salary[i]),
            }
        views = {
            v: {model.options[i].id: s.stats(x) for i, x in
                enumerate(np.concatenate(got.views[v], axis=1))}
            for v in model.views
        }
        screen = _screen(got, value)
        weighted = _quick_smaa(model, npv, got, seed)
        result = cls(model.title, n, seed, model.horizon, model.currency,
                     model.options[base].id, model.option_ids, options, (), views, screen,
                     weighted=weighted)
        return cls(**{**result.__dict__, "verdict": tuple(write_verdict(model, result))})

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
        }

    def leader(self) -> str:
        """The option with the highest mean value."""
        return max(self.options, key=lambda k: self.options[k]["value"]["mean"])

    def _repr_html_(self) -> str:
        from crossroads.verdict import html_table

        return html_table(self)


#: Draws and weight vectors of the quick SMAA in the verdict (`crossroads smaa` does it fully).
QUICK_SMAA_DRAWS = 20_000
QUICK_SMAA_WEIGHTS = 2_000


def _quick_smaa(model: Model, npv: FloatArray, got: _Collected, seed: int
                ) -> dict[str, Any] | None:
    """Which option SMAA-2 ranks first most often, on a subsample, for the verdict."""
    if not model.criteria:
        return None
    from crossroads.analysis.smaa import Criterion, smaa

    m = min(QUICK_SMAA_DRAWS, npv.shape[1])
    perf = {"money": npv[:, :m]}
    for c in model.criteria:
        perf[c] = np.concatenate(got.scores[c], axis=1)[:, :m].astype(np.float64)
    criteria = [Criterion("money")] + [Criterion(c, scale=spec.scale, better=spec.better)
                                       for c, spec in model.criteria.items()]
    w = model.decision.weights
    try:
        result = smaa(perf, criteria, model.option_ids, np.random.default_rng([seed, 3]),
                      n_weights=QUICK_SMAA_WEIGHTS, order=tuple(w.order or ()) if w else (),
                      intervals=dict(w.intervals) if w and w.intervals else None)
    except ValueError:
        return None  # infeasible weights: `crossroads smaa` explains
    first = result.rank_acceptability[:, 0]
    top = int(np.argmax(first))
    return {"first": model.option_ids[top], "share": float(first[top])}


def _edges(value: FloatArray, bins: int = 40) -> FloatArray:
    lo, hi = np.percentile(value, [0.5, 99.5])
    if not hi > lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, bins + 1)


def _hist(x: FloatArray, edges: FloatArray) -> dict[str, list[float]]:
    counts, _ = np.histogram(np.clip(x, edges[0], edges[-1]), bins=edges)
    return {"edges": [float(e) for e in edges], "counts": [float(c) for c in counts]}


def _screen(got: _Collected, value: FloatArray) -> dict[str, float]:
    """Spearman correlation of each param with the gap between the two leading options."""
    if value.shape[0] < 2 or not got.params:
        return {}
    top = np.argsort(value.mean(axis=1))[::-1][:2]
    m = sum(len(x) for x in next(iter(got.params.values())))
    gap = value[top[0], :m] - value[top[1], :m]
    out = {}
    gap_rank = _rank(gap)
    for name, parts in got.params.items():
        x = np.concatenate(parts)[:m]
        if np.ptp(x) > 0 and np.ptp(gap) > 0:
            out[name] = float(np.corrcoef(_rank(x), gap_rank)[0, 1])
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


def _rank(x: FloatArray) -> FloatArray:
    """Average ranks (ties share their mean rank), as Spearman's correlation needs."""
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    del values
    ends = np.cumsum(counts)
    return np.asarray((ends - (counts - 1) / 2.0)[inverse], dtype=np.float64)
