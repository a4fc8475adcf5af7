"""The analyses behind `voi`, `sensitivity`, `smaa`, `skills` and friends, as a Python API.

Each function simulates the decision once (common random numbers, chunked), keeps the
per-draw numbers the analysis needs and hands them to a pure function in
:mod:`crossroads.analysis`. Results are frozen dataclasses with ``to_dict()`` matching
the JSON shapes of docs/cli.md.

    import crossroads
    model = crossroads.load("examples/why-i-quit-data-science.yaml")
    crossroads.skills(model).to_dict()
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from crossroads import notebook
from crossroads._types import FloatArray
from crossroads.analysis import summary as s
from crossroads.analysis.stuck import StuckCounts, stranded_sentence
from crossroads.api import check_budget, whole_number
from crossroads.engine.budget import analyses_kept_bytes
from crossroads.model.compile import Model
from crossroads.run import check_finite
from crossroads.sample import CHUNK, StreamPool, Streams, draw, inline_values
from crossroads.simulate.paths import simulate


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
    if shared is not None and not overrides and key in shared and shared[key][0] is model:
        return shared[key][1]
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


def _freeze(got: Sample) -> None:
    for x in vars(got).values():
        for a in (x.values() if isinstance(x, dict) else (x,)):
            if isinstance(a, np.ndarray):
                a.setflags(write=False)


def _collect(model: Model, n: int, seed: int | None, overrides: Mapping[str, Any] | None,
             keep_skills: bool, streams: StreamPool | None, keep_inline: bool = True
             ) -> Sample:
    check_budget(model, n, per_draw=kept_bytes_per_draw(model, keep_skills=keep_skills),
                 keep_skills=keep_skills)
    seed = model.seed if seed is None else seed
    whole_number("seed", seed, least=0)
    parts: list[dict[str, Any]] = []
    stuck = StuckCounts(model)
    inline = _kept_inline(model) if keep_inline else ()
    for index, start in enumerate(range(0, n, CHUNK)):
        size = min(CHUNK, n - start)
        chunk = {k: v[start:start + size] if np.ndim(v) else v
                 for k, v in (overrides or {}).items()}  # per-draw overrides follow the chunk
        got = Streams(seed, index) if streams is None else streams.get(model, seed, index, size)
        draws = draw(model, size, got, chunk)
        out = simulate(model, draws, keep_skills=keep_skills)
        stuck.add(out.stuck)
        r = s.reduce(out, model.baseline)
        check_finite(model, r)
        parts.append({
            "value": r.value, "npv": r.npv, "points": r.points, "scores": r.scores,
            "worth": out.worth, "terminal": r.terminal,
            "params": {k: np.broadcast_to(np.asarray(v, dtype=np.float64), (size,))
                       for k, v in out.params.items() if np.ndim(v) <= 1},
            "inline": inline_values(model, draws.streams, size, inline),
            "skills": {k: np.array(v) for k, v in out.skills.items()} if keep_skills else {},
            "intersection": (np.array(out.intersection)
                             if keep_skills and out.intersection is not None else None),
        })
    return replace(_join(model, parts), stuck=stuck.shares(n))


def kept_bytes_per_draw(model: Model, *, keep_skills: bool = False) -> int:
    """What :func:`collect` keeps per draw (see :mod:`crossroads.engine.budget`), with each
    inline range the value can read (float64, counted twice like the rest)."""
    return analyses_kept_bytes(model, keep_skills=keep_skills) + 16 * len(_kept_inline(model))


def _kept_inline(model: Model) -> tuple[str, ...]:
    """The inline ranges :func:`collect` keeps: those the value can read (the others'
    EVPPI is 0 by construction, so their draws are not needed)."""
    from crossroads.model.inline import inert_inputs, inline_inputs

    inert = inert_inputs(model)
    return tuple(name for name in inline_inputs(model) if name not in inert)


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


# -- skills -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillsResult:
    """Skill percentiles and the intersection rank per option and year."""

    _repr_html_ = notebook.html  # the table and sentences in Jupyter
    __repr__ = notebook.text

    horizon: int
    intersection: tuple[str, ...]
    options: dict[str, dict[str, Any]]
    sentences: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The `skills --json` object: percentiles are medians over draws, in 0..100."""
        return {"horizon": self.horizon, "intersection": list(self.intersection),
                "options": self.options, "sentences": list(self.sentences)}


def skills(model: Model, samples: int | None = None, seed: int | None = None) -> SkillsResult:
    """Where each skill stands year by year on each path, and the intersection rank."""
    if not model.skills:
        return SkillsResult(model.horizon, (), {}, ("The decision file lists no skills.",))
    got = collect(model, samples, seed, keep_skills=True)
    options: dict[str, dict[str, Any]] = {}
    for i, oid in enumerate(got.option_ids):
        per_skill = {}
        for sid, arr in got.skills.items():
            q5, q50, q95 = np.percentile(100.0 * arr[i], [5, 50, 95], axis=0)
            per_skill[sid] = {"percentile": _floats(q50), "p5": _floats(q5), "p95": _floats(q95)}
        entry: dict[str, Any] = {"label": got.labels[i], "skills": per_skill}
        if got.intersection is not None:
            top = 100.0 * got.intersection[i]
            q5, q50, q95 = np.percentile(top, [5, 50, 95], axis=0)
            entry |= {"intersection_top_pct": _floats(q50),
                      "intersection_p5": _floats(q5), "intersection_p95": _floats(q95)}
        options[oid] = entry
    return SkillsResult(model.horizon, model.intersection, options,
                        tuple(_skill_sentences(model, options)))


def _floats(x: FloatArray) -> list[float]:
    return [float(v) for v in x]


def _skill_sentences(model: Model, options: dict[str, dict[str, Any]]) -> list[str]:
    year = min(4, model.horizon - 1)
    base = model.options[model.baseline].id
    names = " x ".join(model.intersection)
    out = []
    for oid, o in options.items():
        if "intersection_top_pct" in o:
            mine = o["intersection_top_pct"][year]
            text = f"{o['label']}: by year {year} you are in the top {mine:.1f}% at {names}"
            if oid != base:
                theirs = options[base]["intersection_top_pct"][year]
                text += f", against the top {theirs:.1f}% on {options[base]['label']}"
            out.append(text + ".")
        else:
            best = max(o["skills"], key=lambda k: o["skills"][k]["percentile"][year])
            out.append(f"{o['label']}: by year {year} your strongest skill is {best} "
                       f"(percentile {o['skills'][best]['percentile'][year]:.0f}).")
    return out


# -- value of information ---------------------------------------------------------------

#: How many conversations a hand-written estimate is worth, for EVSI (docs/analysis.md).
PRIOR_SAMPLE_SIZE = 5.0


@dataclass(frozen=True)
class VoiReport:
    """EVPI, EVPPI per param and group, EVSI: what finding out is worth."""

    _repr_html_ = notebook.html  # the table and sentences in Jupyter
    __repr__ = notebook.text

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


def voi(model: Model, samples: int | None = None, seed: int | None = None, *,
        groups: tuple[tuple[str, ...], ...] = (), ask: float | None = None,
        db: str | None = None) -> VoiReport:
    """Expected value of perfect, partial perfect and sample information (Strong et al. 2014).

    ``groups`` are sets of params found out together; ``ask`` the number of new data points
    (conversations) per param for EVSI, each shrinking toward the pooled estimate with the
    Gaussian approximation of Jalal and Alarid-Escudero (2018).
    """
    from crossroads.analysis.voi import analyse_voi

    got = collect(model, samples, seed)
    for group in groups:
        for name in group:
            if name not in model.params:
                raise KeyError(f"--group names an unknown param `{name}`")
    people = research_people(model)
    n0 = {k: float(people.get(k, PRIOR_SAMPLE_SIZE)) for k in [*got.params, *got.inline]}
    rng = np.random.default_rng([model.seed if seed is None else seed, 1])
    groups = tuple(g for g in groups if all(name in got.params for name in g))
    from crossroads.model.inline import inert_inputs

    result = analyse_voi(got.value, got.params, rng, groups=groups, ask=ask, n0=n0,
                         inline=got.inline, inert=inert_inputs(model))
    research = _research_coverage(model, people, db)
    sentences = _voi_sentences(model, result, ask) + _coverage_sentences(result, research)
    return VoiReport(result, model.currency, people, tuple(sentences), research)


def _research_coverage(model: Model, people: dict[str, int], db: str | None
                       ) -> dict[str, dict[str, Any]]:
    """Who was asked about each `research(...)` param, and which markets and stages not."""
    if not people:
        return {}
    from crossroads.evidence.research import people_for
    from crossroads.evidence.resolve import load_log

    try:
        log = load_log(db)
    except Exception:  # the log was readable at load time; coverage is a nicety
        return {}
    cap = model.decision.research.cap
    return {name: people_for(log, name, cap=cap).to_dict() for name in people}


def _coverage_sentences(result: Any, research: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    for r in result.ranking[:3]:
        cov = research.get(r.param)
        if cov is None:
            continue
        gaps = [*cov["missing_markets"], *cov["missing_stages"]]
        text = f"You heard from {cov['people']} people about `{r.param}`"
        out.append(text + (f"; nobody from {', '.join(gaps)}." if gaps else "."))
    return out


def research_people(model: Model) -> dict[str, int]:
    """How many people's estimates each `research(...)` param pools."""
    out = {}
    for name, f in model.params.items():
        dist = f.expr.as_dist()
        nodes = f.expr.random_nodes
        if dist is not None and nodes and nodes[0].call == "research":
            out[name] = len(getattr(dist, "components", (dist,)))
    return out


def _voi_sentences(model: Model, result: Any, ask: float | None) -> list[str]:
    from crossroads.verdict import money

    cur = model.currency
    luck = max(result.evpi - result.evpi_params, 0.0)
    out = [f"Learning every param at once would be worth {money(result.evpi_params, cur)}: "
           "research on the params can buy no more than that.",
           f"Foresight of everything would be worth {money(result.evpi, cur)} (EVPI); the "
           f"{money(luck, cur)} beyond the params is the luck of the path (moves, failures, "
           "exits) and the estimates written inline, which no conversation about a param "
           "resolves."]
    top = [r for r in result.ranking if r.evppi > 0.005 * max(result.evpi, 1e-9)][:3]
    if top:
        out.append("What to find out next: " + "; ".join(
            f"`{r.param}` ({money(r.evppi, cur)}, {r.share:.0%} of EVPI)" for r in top) + ".")
    else:
        out.append("No single param is worth finding out: what is left is the luck of the "
                   "path (moves, failures, exits), which no conversation resolves.")
    if ask is not None and result.evsi:
        best = max(result.evsi, key=lambda k: result.evsi[k])
        floor = 0.005 * max(result.evpi, 1e-9)
        if result.evsi[best] <= floor:
            out.append(f"{ask:g} more conversations about any one param would not change "
                       "the choice (EVSI about $0).")
        else:
            worthless = [k for k, v in result.evsi.items() if v <= floor]
            line = (f"{ask:g} more conversations about `{best}` are worth about "
                    f"{money(result.evsi[best], cur)}")
            if worthless:
                line += f"; none about `{worthless[0]}` is worth having"
            out.append(line + ".")
    return out


# -- sensitivity ------------------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityReport:
    """A tornado or Sobol indices on the value gap between the two leading options."""

    _repr_html_ = notebook.html  # the table and sentences in Jupyter
    __repr__ = notebook.text

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


def _leaders(base: Sample) -> tuple[int, int]:
    order = np.argsort(base.value.mean(axis=1))[::-1]
    return int(order[0]), int(order[1] if order.size > 1 else order[0])


def _unread(model: Model, inputs: Mapping[str, Any], a: int, b: int) -> list[str]:
    """The inputs that feed neither option ``a`` nor ``b``: pinning them cannot move the
    gap, so a tornado states their swing as 0 instead of simulating it.

    A param counts when `check`'s sharing lines name the options that read it and neither
    is one of the two, and nothing outside the options (a criterion's worth, skills,
    money) reads it; an inline range (``c.job.cash``) when its option is neither and no
    role of the two is ``same_as`` one of its roles.
    """
    from crossroads.model.sharing import fields_of, params_used

    ids = {model.option_ids[a], model.option_ids[b]}
    users = params_used(model)
    outside = {n for f in fields_of((dict(model.criteria), dict(model.skills), model.money))
               for n in f.expr.names}
    read = set(outside)
    for name, f in model.params.items():  # dependency order: what outside reads, closed
        if name in read:
            read |= set(f.expr.names)
    shared = {r.keyed_by[0] for i in (a, b) for r in model.options[i].roles}
    out = []
    for name in inputs:
        if name in model.params:
            if users.get(name) and not ids & set(users[name]) and name not in read:
                out.append(name)
        elif name.partition(".")[0] in set(model.option_ids) - ids - shared:
            out.append(name)  # another option's own range (not worth.X, not skill.X)
    return out


def _inputs(model: Model) -> dict[str, Any]:
    """The inputs a sensitivity analysis can swing: params that are one distribution, and
    every inline range the value can read (``a.job.cash``; crossroads.model.inline)."""
    from crossroads.model.inline import inert_inputs, inline_inputs

    out = {}
    for name, f in model.params.items():
        dist = f.expr.as_dist()
        if dist is not None and f.expr.random_nodes and not f.expr.random_nodes[0].each_year:
            out[name] = dist
    inert = inert_inputs(model)
    for name, inline in inline_inputs(model).items():
        if name not in inert and inline.dist.interval(0.9)[1] > inline.dist.interval(0.9)[0]:
            out[name] = inline.dist
    return out


#: Saltelli base points and path replicates per point for Sobol indices (docs/analysis.md).
SOBOL_POINTS = 512
SOBOL_REPLICATES = 8


def sensitivity(model: Model, method: str = "tornado", samples: int | None = None,
                seed: int | None = None) -> SensitivityReport:
    """Which inputs move the value gap between the two leading options, and how much."""
    if method not in {"tornado", "sobol"}:
        raise ValueError(f"unknown method {method!r}: use tornado or sobol")
    seed = model.seed if seed is None else seed
    n = min(model.samples if samples is None else samples, 20_000)
    whole_number("samples", n, least=1)
    pool = StreamPool(max_draws=n) if method == "tornado" else None  # swings reuse draws
    base = collect(model, n, seed, streams=pool)
    a, b = _leaders(base)
    target = f"value difference: {model.option_ids[a]} - {model.option_ids[b]}"
    inputs = _inputs(model)
    from crossroads.model.inline import inert_inputs

    inert = {"inert": sorted(inert_inputs(model))}  # the value never reads them: 0, unswung
    if not inputs:
        return SensitivityReport({"method": method, "target": target, "indices": {},
                                  "bars": [], **inert})

    def gap(overrides: Mapping[str, Any], draws: int) -> FloatArray:
        if not overrides and draws == n:
            return np.asarray(base.value[a] - base.value[b])  # drawn once, for the leaders
        got = collect(model, draws, seed, overrides=overrides or None, streams=pool,
                      keep_inline=not overrides)
        return np.asarray(got.value[a] - got.value[b])

    if method == "tornado":
        report = _tornado(inputs, gap, n, target, _unread(model, inputs, a, b))
    else:
        report = _sobol(inputs, gap, np.random.default_rng([seed, 2]), target)
    return SensitivityReport({**report.data, **inert})


Gap = Any  # Callable[[Mapping[str, Any], int], FloatArray]


#: The tornado's own draws: it starts on TORNADO_FLOOR of the analysis' samples and doubles
#: them until every bar's swing has a standard error within TORNADO_SHARE of the widest
#: swing (common random numbers make the swings far more precise than the gap itself).
TORNADO_FLOOR = 2_000
TORNADO_SHARE = 0.05


def _tornado(inputs: dict[str, Any], gap: Gap, n: int, target: str,
             unread: list[str]) -> SensitivityReport:
    """Each input at its 5th and 95th percentile, the rest as drawn, on the same draws;
    an input in ``unread`` feeds neither option compared: its bar is the base at both
    ends, stated (``skipped``), not simulated. The draws are the tornado's own, chosen by
    the bars' precision (:data:`TORNADO_FLOOR`, :data:`TORNADO_SHARE`)."""
    from crossroads.analysis import sensitivity as sa

    names = list(inputs)
    lows = [float(inputs[k].ppf(np.array([0.05]))[0]) for k in names]
    highs = [float(inputs[k].ppf(np.array([0.95]))[0]) for k in names]
    swung = [(k, lo, hi) for k, lo, hi in zip(names, lows, highs, strict=True)
             if k not in unread]
    m = min(TORNADO_FLOOR, n)
    while True:
        means, se = _swings(gap, swung, m)
        widest = max((abs(means[k, hi] - means[k, lo]) for k, lo, hi in swung), default=0.0)
        if m >= n or max(se, default=0.0) <= TORNADO_SHARE * widest:
            break
        m = min(2 * m, n)
    base = means["", 0.0]

    def mean_gap(o: Mapping[str, Any]) -> float:
        ((k, v),) = o.items() if o else (("", 0.0),)
        return means.get((k, v), base)  # an unread input: the base at both ends

    result = sa.tornado(mean_gap, names, lows, highs)
    return SensitivityReport({
        **result.to_dict(), "target": target, "method": "tornado", "skipped": sorted(unread),
        "precision": {"draws": m, "largest_se": max(se, default=0.0),
                      "target": TORNADO_SHARE * widest}})


def _swings(gap: Gap, swung: list[tuple[str, float, float]], m: int
            ) -> tuple[dict[tuple[str, float], float], list[float]]:
    """The mean gap at each end of each swing on ``m`` draws (keyed (name, input); the base
    as ("", 0)), and each swing's standard error from its paired per-draw differences."""
    base = gap({}, m)
    means = {("", 0.0): float(base.mean())}
    se = []
    for k, lo, hi in swung:
        low, high = gap({k: lo}, m), gap({k: hi}, m)
        means[k, lo], means[k, hi] = float(low.mean()), float(high.mean())
        se.append(float((high - low).std(ddof=1) / np.sqrt(m)) if m > 1 else 0.0)
    return means, se


def _sobol(inputs: dict[str, Any], gap: Gap, rng: np.random.Generator,
           target: str) -> SensitivityReport:
    """Sobol indices of E[gap | inputs] with SALib, path luck shared within a base point."""
    from crossroads.analysis import sensitivity as sa

    names = list(inputs)
    d = len(names)

    def func(u: FloatArray) -> FloatArray:
        # Rows come in blocks of d + 2 per base point (A, A with column j from B, B).
        # Each kind of row is simulated in its own pass with the same seed, so a base
        # point's A, AB_j and B rows walk identical paths (common random numbers): the
        # estimators difference them, and the randomness of paths given params cancels
        # instead of inflating every total index. Each point averages SOBOL_REPLICATES
        # paths, because Sobol indices are about E[gap | params].
        blocks = u.reshape(-1, d + 2, d)
        out = np.empty(blocks.shape[:2])
        for m in range(d + 2):
            rows = np.repeat(blocks[:, m, :], SOBOL_REPLICATES, axis=0)
            over = {k: inputs[k].ppf(rows[:, j]) for j, k in enumerate(names)}
            out[:, m] = gap(over, rows.shape[0]).reshape(-1, SOBOL_REPLICATES).mean(axis=1)
        return out.reshape(-1)

    data = sa.sobol(func, names, SOBOL_POINTS, rng).to_dict(target)
    return SensitivityReport({**data, "method": "sobol", "replicates": SOBOL_REPLICATES})


# -- SMAA, prices, option value, risk ------------------------------------------------------


@dataclass(frozen=True)
class DictReport:
    """An analysis result already in its JSON shape."""

    _repr_html_ = notebook.html  # the table and sentences in Jupyter
    __repr__ = notebook.text

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


def smaa(model: Model, samples: int | None = None, seed: int | None = None,
         n_weights: int = 10_000) -> DictReport:
    """SMAA-2 over money (NPV) and every criterion (Lahdelma and Salminen 2001).

    Money and scores are rounded to the precision `run` keeps them in (float32 money, the
    scores' :func:`~crossroads.run.score_dtype`), so `run`'s verdict and this command
    quote the same share for the same file, samples and seed.
    """
    from crossroads.analysis.smaa import SMAA_DRAWS, describe, model_smaa
    from crossroads.run import score_dtype

    got = collect(model, samples, seed)
    m = min(got.n, SMAA_DRAWS)
    money = got.money(m, np.float32)  # NPV and any value past the horizon, as `run` keeps
    scores = {c: x[:, :m].astype(score_dtype(model, c)) for c, x in got.scores.items()}
    result = model_smaa(model, money, scores, model.seed if seed is None else seed, n_weights)
    labels = dict(zip(got.option_ids, got.labels, strict=True))
    data = result.to_dict()
    data["sentences"] = list(describe(result, labels))
    return DictReport(data)


def prices(model: Model, samples: int | None = None, seed: int | None = None) -> DictReport:
    """What you pay in money for what you value: the implied price of each criterion."""
    from crossroads.analysis.prices import implied_prices

    got = collect(model, samples, seed)
    if not got.worth:
        return DictReport({"currency": model.currency, "criteria": {},
                           "note": "no criterion has a worth"})
    # in the better direction: a `better: lower` criterion's points are counted as points
    # less, and its worth (negative in the sample: more of it costs) as money per point less
    lower = frozenset(c for c, spec in model.criteria.items() if spec.better == "lower")
    points = {c: -x if c in lower else x for c, x in got.points.items()}
    worth = {c: -x if c in lower else x for c, x in got.worth.items()}
    # money as value counts it: NPV and any value past the horizon (the verdict's prices)
    in_money = ("in NPV" if got.terminal is None else
                "in money (NPV and the value past the horizon)")
    result = implied_prices(got.money(), points, worth, got.option_ids,
                            baseline=model.baseline, currency=model.currency, lower=lower,
                            in_money=in_money)
    return DictReport(result.to_dict())


def risk(model: Model, samples: int | None = None, seed: int | None = None,
         threshold: float = 0.0) -> DictReport:
    """Regret, CVaR at 10% and stochastic dominance between options."""
    from crossroads.analysis.risk import risk_profile

    got = collect(model, samples, seed)
    return DictReport(risk_profile(got.value, got.option_ids, baseline=model.baseline,
                                   threshold=threshold).to_dict())


def option_value(model: Model, without: tuple[str, ...], samples: int | None = None,
                 seed: int | None = None) -> DictReport:
    """What the chance to move into roles ``without`` adds to each option, on the same draws."""
    from crossroads.model.edit import without_roles
    from crossroads.verdict import money

    closed = without_roles(model, without)
    n = samples if samples is not None else model.samples
    check_budget(model, n, per_draw=2 * kept_bytes_per_draw(model))  # two samples held
    with_it = collect(model, samples, seed)
    without_it = collect(closed, samples, seed)
    gain = with_it.value - without_it.value
    options = {}
    sentences = []
    for i, oid in enumerate(model.option_ids):
        st = s.stats(gain[i])
        shut = {r.id for r in closed.options[i].roles if r.closed}
        stranded = {r: x for r, x in without_it.stuck.get(oid, {}).items() if r in shut}
        options[oid] = {**st, "p_positive": float((gain[i] > 0).mean()),
                        "stranded": stranded}
        if stranded:
            sentences.append(stranded_sentence(with_it.labels[i], stranded, without))
        if np.any(gain[i] != 0):
            sentences.append(f"On {with_it.labels[i]}, the option to become "
                             f"{' / '.join(without)} is worth {money(st['mean'], model.currency)}"
                             f" (90% of futures: {money(st['p5'], model.currency)} to "
                             f"{money(st['p95'], model.currency)}).")
    return DictReport({"currency": model.currency, "without": list(without),
                       "options": options, "sentences": sentences})
