"""The public Python API: ``load`` a decision, ``run`` it, ask the analyses, read ``.to_dict()``.

This module is an edge: it reads files and the research database and creates the random
streams from the seed; everything it calls is pure.

    import crossroads
    decision = crossroads.load("decision.yaml")        # a path, or YAML text
    result = crossroads.run(decision, samples=None, seed=None)
    result.to_dict()                                   # exactly the `run --json` object
    crossroads.skills(decision).to_dict()              # and voi, sensitivity, smaa, ...

The analyses behind `voi`, `sensitivity`, `smaa`, `skills` and friends each simulate the
decision once (common random numbers, chunked: :func:`crossroads.engine.collect.collect`),
keep the per-draw numbers they need and hand them to a pure function in
:mod:`crossroads.analysis`. Their results (:mod:`crossroads.results`) have ``to_dict()``
matching the JSON shapes of docs/cli.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from crossroads._types import FloatArray
from crossroads.analysis import summary as s
from crossroads.engine import budget
from crossroads.engine.budget import whole_number
from crossroads.engine.collect import Sample, collect
from crossroads.engine.loop import Keeper, check_finite, run_model
from crossroads.engine.precision import AUTO_FLOOR
from crossroads.errors import DecisionError, UnknownName, UsageError
from crossroads.model.compile import Model, Resolver, compile_model
from crossroads.model.parse import parse_decision
from crossroads.model.pins import check_pins
from crossroads.results import DictReport, RunResult, SensitivityReport, SkillsResult, VoiReport
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import CHUNK, StreamPool, Streams, draw, inline_values
from crossroads.verdict import (
    coverage_sentences,
    skill_sentences,
    stranded_sentence,
    voi_sentences,
)

#: Peak memory a run may use (see :mod:`crossroads.engine.budget`).
MEMORY_BUDGET_BYTES = budget.MEMORY_BUDGET_BYTES


def load(source: str | os.PathLike[str], *, db: str | None = None) -> Model:
    """Parse, validate and compile a decision file (a path) or decision text.

    ``research(...)`` params are pooled from the research log in ``db`` (a SQLAlchemy URL;
    default: ``CROSSROADS_DB`` or the user's data directory).

    >>> model = load("decision: Go?\\noptions: {stay: {roles: {job: {cash: 50k}}}}")
    >>> model.options[0].id
    'stay'
    """
    text, name = _read(source)
    located = parse_decision(text, source=name)
    resolver = _resolver(text, db, located.decision.research.weighting,
                         located.decision.research.cap)
    model = compile_model(located, resolver)
    budget.check(model, model.samples)
    if model.intersection:
        from crossroads.simulate.skilltrack import check_correlation

        check_correlation(model)
    return model


def _read(source: str | os.PathLike[str]) -> tuple[str | bytes, str]:
    if isinstance(source, os.PathLike) or ("\n" not in source and
                                           source.endswith((".yaml", ".yml"))):
        path = Path(source)
        try:
            return path.read_bytes(), str(path)
        except FileNotFoundError:
            raise DecisionError(str(path), 1, 1, "no such file") from None
        except IsADirectoryError:
            raise DecisionError(str(path), 1, 1, "this is a folder, not a decision file") from None
        except OSError as exc:
            raise DecisionError(str(path), 1, 1, f"cannot read the file: {exc.strerror}") from None
    return source, "<string>"


def _resolver(text: str | bytes, db: str | None, weighting: str, cap: float) -> Resolver | None:
    """Build the research/market resolver only when the file asks for one."""
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    if "research(" not in raw and "market(" not in raw:
        return None
    from crossroads.evidence.resolve import make_default_resolver

    return make_default_resolver(db, weighting=weighting, cap=cap,
                                 needs_research="research(" in raw)


def run(model: Model, samples: int | Literal["auto"] | None = None, seed: int | None = None, *,
        overrides: Mapping[str, float] | None = None,
        on_progress: Callable[[float], None] | None = None,
        streams: StreamPool | None = None, extras: bool = True,
        keep: Keeper | None = None) -> RunResult:
    """Simulate every option and summarise: the numbers behind `crossroads run`.

    ``overrides`` pins params at fixed values (what-if sliders); params computed from them
    follow. A pin is held to the web app's rule (:func:`crossroads.model.pins.check_pins`):
    a known param, a finite number, a probability within 0 to 1, any other drawn param
    within its 0.1st to 99.9th percentile; else a :class:`~crossroads.model.pins.BadPin`
    (a UsageError; an UnknownName too for an unknown name) naming it. To ask about a value
    beyond that, change the param's estimate in the file.
    ``streams`` (a :class:`crossroads.simulate.sampling.StreamPool`) keeps the
    random numbers for the next run of the same model and seed, which a what-if repeats
    with one slider moved; the results are the same with or without it. ``samples="auto"``
    (the default when the file says `samples: auto`) draws until the answer is as precise
    as docs/performance.md states, and ``result.precision`` says what it reached.
    ``extras=False`` skips what a what-if slider does not redraw
    (:data:`crossroads.engine.loop.EXTRAS`: ``p_best_expected``, the quick SMAA, the input
    screen and the verdict's sentences on them); every other number is the same.
    ``keep`` (a :class:`crossroads.engine.collect.SampleKeeper`) keeps the analyses' sample
    of the same draws in the same pass (the report); the numbers are the same either way.
    """
    n = samples_for_run(model, samples)
    budget.check(model, AUTO_FLOOR if n == "auto" else n)
    if seed is not None:
        whole_number("seed", seed, least=0)
    pins = check_pins(model, overrides) if overrides is not None else None
    result = run_model(model, n, model.seed if seed is None else seed, overrides=pins,
                       on_progress=on_progress, streams=streams, extras=extras, keep=keep)
    return with_references(model, result)


def samples_for_run(model: Model, samples: int | str | None) -> int | Literal["auto"]:
    """The draws `run` makes: ``samples`` if given (a count, or ``"auto"``), else the file's."""
    if samples is None:
        return "auto" if model.auto_samples else model.samples
    if samples == "auto":
        return "auto"
    whole_number("samples", samples, least=1)
    return samples  # type: ignore[return-value]


def with_references(model: Model, result: RunResult) -> RunResult:
    """Set each option that declares `reference:` against the shipped salary data."""
    refs = {o.id: o.reference for o in model.options if o.reference}
    if not refs:
        return result
    from crossroads.evidence import market
    from crossroads.evidence.reference import compare

    table = market.load_salaries()
    options = dict(result.options)
    notes = []
    for oid, ref in refs.items():
        query = market.MarketQuery.from_mapping(ref)
        try:
            salaries = market.matching_salaries(table, query)
            summary = market.summarise(table, query)
        except ValueError as exc:
            notes.append(f"{options[oid]['label']}: no market reference ({exc}).")
            continue
        pay = options[oid]["first_year_base"]["p50"]
        options[oid] = {**options[oid],
                        "reference": compare(options[oid]["label"], pay, salaries, summary)}
        notes.append(options[oid]["reference"]["sentence"])
    return replace(result, options=options, notes=(*result.notes, *notes))


# -- skills -------------------------------------------------------------------------------


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
                        tuple(skill_sentences(model, options)))


def _floats(x: FloatArray) -> list[float]:
    return [float(v) for v in x]


# -- value of information ---------------------------------------------------------------

#: How many conversations a hand-written estimate is worth, for EVSI (docs/analysis.md).
PRIOR_SAMPLE_SIZE = 5.0


def voi(model: Model, samples: int | None = None, seed: int | None = None, *,
        groups: tuple[tuple[str, ...], ...] = (), ask: float | None = None,
        db: str | None = None) -> VoiReport:
    """Expected value of perfect, partial perfect and sample information (Strong et al. 2014).

    ``groups`` are sets of params found out together; ``ask`` the number of new data points
    (conversations) per param for EVSI, each shrinking toward the pooled estimate with the
    Gaussian approximation of Jalal and Alarid-Escudero (2018).
    """
    from crossroads.analysis.voi import VOI_SE_SHARE, analyse_voi

    got = collect(model, samples, seed)
    for group in groups:
        for name in group:
            if name not in model.params:
                raise UnknownName(f"a group names an unknown param `{name}`",
                                  argument="groups")
    people = research_people(model)
    n0 = {k: float(people.get(k, PRIOR_SAMPLE_SIZE)) for k in [*got.params, *got.inline]}
    rng = np.random.default_rng([model.seed if seed is None else seed, 1])
    groups = tuple(g for g in groups if all(name in got.params for name in g))
    from crossroads.model.inline import inert_inputs

    result = analyse_voi(got.value, got.params, rng, groups=groups, ask=ask, n0=n0,
                         inline=got.inline, inert=inert_inputs(model), se_share=VOI_SE_SHARE)
    research = _research_coverage(model, people, db)
    sentences = voi_sentences(model, result, ask) + coverage_sentences(result, research)
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


def research_people(model: Model) -> dict[str, int]:
    """How many people's estimates each `research(...)` param pools."""
    out = {}
    for name, f in model.params.items():
        dist = f.expr.as_dist()
        nodes = f.expr.random_nodes
        if dist is not None and nodes and nodes[0].call == "research":
            out[name] = len(getattr(dist, "components", (dist,)))
    return out


# -- sensitivity ------------------------------------------------------------------------


def _leaders(base: Sample) -> tuple[int, int]:
    order = np.argsort(base.value.mean(axis=1))[::-1]
    return int(order[0]), int(order[1] if order.size > 1 else order[0])


def _unread(model: Model, inputs: Mapping[str, Any], a: int, b: int) -> list[str]:
    """The inputs that feed neither option ``a`` nor ``b`` (:func:`_readers`): pinning
    them cannot move the gap, so a tornado states their swing as 0 instead of simulating
    it."""
    readers = _readers(model, inputs)
    return [name for name in inputs
            if (r := readers[name]) is not None and not r & {a, b}]


def _readers(model: Model, names: Iterable[str]) -> dict[str, frozenset[int] | None]:
    """The options each input feeds, by index; None when every option may read it.

    A param feeds the options `check`'s sharing lines name as reading it (directly or
    through another param), unless something outside the options (a criterion's worth,
    skills, money) reads it, or no option does; an inline range (``c.job.cash``) feeds its
    option and every option with a role ``same_as`` one of that option's roles; a worth's
    or a skill's range (``worth.X``, ``skill.X``) feeds every option.
    """
    from crossroads.model.sharing import fields_of, params_used

    users = params_used(model)
    outside = {n for f in fields_of((dict(model.criteria), dict(model.skills), model.money))
               for n in f.expr.names}
    read = set(outside)
    for name, f in model.params.items():  # dependency order: what outside reads, closed
        if name in read:
            read |= set(f.expr.names)
    index = {o: i for i, o in enumerate(model.option_ids)}
    out: dict[str, frozenset[int] | None] = {}
    for name in names:
        head = name.partition(".")[0]
        if name in model.params:
            out[name] = (frozenset(index[o] for o in users[name])
                         if users.get(name) and name not in read else None)
        elif head in index:
            out[name] = frozenset(i for i, o in enumerate(model.options) if o.id == head
                                  or any(r.keyed_by[0] == head for r in o.roles))
        else:
            out[name] = None
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


#: Sobol indices: path replicates averaged per Saltelli base point, and the base points,
#: chosen by the indices' precision: SOBOL_FLOOR points first, then as many as the widest
#: 95% half-width of an index needs to reach SOBOL_CONF (the half-width falls as
#: 1/sqrt(points)), a power of two, at most SOBOL_CAP (docs/analysis.md).
SOBOL_REPLICATES = 8
SOBOL_FLOOR = 128
SOBOL_CONF = 0.05
SOBOL_CAP = 4_096


def sensitivity(model: Model, method: str = "tornado", samples: int | None = None,
                seed: int | None = None) -> SensitivityReport:
    """Which inputs move the value gap between the two leading options, and how much."""
    if method not in {"tornado", "sobol"}:
        raise UsageError(f"unknown method {method!r}: use tornado or sobol", argument="method")
    seed = model.seed if seed is None else seed
    n = min(model.samples if samples is None else samples, 20_000)
    whole_number("samples", n, least=1)
    base = collect(model, n, seed, keep_inline=False)  # in a report: the shared sample
    a, b = _leaders(base)
    target = f"value difference: {model.option_ids[a]} - {model.option_ids[b]}"
    inputs = _inputs(model)
    from crossroads.model.inline import inert_inputs

    inert = {"inert": sorted(inert_inputs(model))}  # the value never reads them: 0, unswung
    if not inputs:
        return SensitivityReport({"method": method, "target": target, "indices": {},
                                  "bars": [], **inert})
    unread = _unread(model, inputs, a, b)
    swing = _Swing(model, seed, a, b, [k for k in inputs if k not in unread])
    if method == "tornado":
        report = _tornado(inputs, swing, n, target, unread)
    else:
        report = _sobol(inputs, swing, seed, target, unread)
    return SensitivityReport({**report.data, **inert})


class _Tiled(Streams):
    """The streams of ``m`` draws, repeated ``k`` times along the draws' axis.

    A swing block of a batched simulation (:class:`_Swing`) reads exactly the numbers the
    ``m``-draw simulation reads: every stream of ``k * m`` draws is the ``m``-draw stream
    tiled, whichever axis holds the draws ((n,), (n, horizon) or (horizon, n)).
    """

    def __init__(self, inner: Streams, m: int, k: int) -> None:
        super().__init__(inner.seed, inner.chunk)
        self.inner, self.m, self.k = inner, m, k

    def _get(self, kind: str, key: str, shape: tuple[int, ...]) -> FloatArray:
        slot = (kind, key, shape)
        if slot not in self._cache:
            size = self.m * self.k
            one = self.inner._get(kind, key, tuple(self.m if d == size else d for d in shape))
            self._cache[slot] = np.tile(one, tuple(self.k if d == size else 1 for d in shape))
        return self._cache[slot]


class _Swing:
    """The value gap of the two leading options on the same ``m`` draws, with inputs
    pinned, for many pinnings at once.

    Three things make a tornado's forty swings cost about one run instead of forty:

    * an option's value depends on its own walk alone, so each leader is simulated alone
      (with any option whose own inline range is pinned, which a leader's role shares by
      ``same_as``), and only under the pinnings of inputs that feed it
      (:func:`_readers`): under the others its values are those of the unpinned block;
    * the pinnings are stacked: ``k`` blocks of the same ``m`` draws (:class:`_Tiled`
      streams), each with its own overrides, in one simulation of ``k * m`` draws, at
      most :data:`~crossroads.sample.CHUNK`; the inputs a block does not pin keep the
      values they are drawn with. The paths are the same as ``k`` separate simulations
      of ``m`` draws (common random numbers), without ``k`` times the fixed cost.
    """

    def __init__(self, model: Model, seed: int, a: int, b: int, swung: list[str]) -> None:
        self.full, self.seed, self.a, self.b = model, seed, a, b
        self.readers = _readers(model, swung)

    def gaps(self, m: int, blocks: list[dict[str, Any]]) -> list[FloatArray]:
        """The per-draw gap on the first ``m`` draws (chunk 0's streams, as a collect of
        ``m`` draws reads them) under each block's overrides (a number or ``(m,)`` values)."""
        inner = Streams(self.seed, 0)
        values = [self._values(i, m, blocks, inner) for i in (self.a, self.b)]
        return [values[0][j] - values[1][j] for j in range(len(blocks))]

    def _feeds(self, option: int, block: Mapping[str, Any]) -> bool:
        return any((r := self.readers.get(name)) is None or option in r for name in block)

    def _values(self, option: int, m: int, blocks: list[dict[str, Any]], inner: Streams
                ) -> list[FloatArray]:
        """Option ``option``'s per-draw values under each block: simulated for the
        unpinned block and the blocks that pin an input it reads, the unpinned block's
        values for the others."""
        own = [j for j, blk in enumerate(blocks) if self._feeds(option, blk)]
        mine: list[dict[str, Any]] = [{}, *(blocks[j] for j in own)]
        owners = {self.full.option_ids.index(k.partition(".")[0]) for blk in mine for k in blk
                  if k not in self.full.params
                  and k.partition(".")[0] in self.full.option_ids}
        keep = sorted({option} | owners)
        model = _options_only(self.full, keep)
        natural = _Natural(model, inner, m)
        per = max(1, CHUNK // m)
        got: list[FloatArray] = []
        for i in range(0, len(mine), per):
            batch = mine[i:i + per]
            if len(batch) > 1 and len(batch) * m == model.horizon:  # a year axis that size
                for blk in batch:
                    got += self._run(model, keep.index(option), inner, m, [blk], natural)
            else:
                got += self._run(model, keep.index(option), inner, m, batch, natural)
        simulated = dict(zip(own, got[1:], strict=True))
        return [simulated.get(j, got[0]) for j in range(len(blocks))]

    @staticmethod
    def _run(model: Model, at: int, inner: Streams, m: int, batch: list[dict[str, Any]],
             natural: _Natural) -> list[FloatArray]:
        k = len(batch)
        over: dict[str, Any] = {}
        for name in dict.fromkeys(x for blk in batch for x in blk):
            if k == 1:
                over[name] = batch[0][name]
                continue
            column = np.empty(k * m)
            for j, blk in enumerate(batch):
                column[j * m:(j + 1) * m] = blk[name] if name in blk else natural(name)
            over[name] = column
        streams = inner if k == 1 else _Tiled(inner, m, k)
        out = simulate(model, draw(model, k * m, streams, over or None))
        r = s.reduce(out, model.baseline)
        check_finite(model, r)
        value = np.asarray(r.value[at])
        return [value[j * m:(j + 1) * m] for j in range(k)]


def _options_only(model: Model, keep: list[int]) -> Model:
    """``model`` with only the options ``keep`` (their values do not depend on the
    others'; the baseline, which only break-even reads, becomes the first)."""
    money = model.money
    if money is not None:
        money = replace(money, options=tuple(money.options[i] for i in keep))
    return replace(model, options=tuple(model.options[i] for i in keep), baseline=0,
                   views=(), money=money)


class _Natural:
    """An input's values as drawn on the first ``m`` draws, for the blocks that do not pin
    it: a param as :func:`~crossroads.sample.draw` draws it, an inline range as its node."""

    def __init__(self, model: Model, streams: Streams, m: int) -> None:
        self.model, self.streams, self.m = model, streams, m
        self._params: dict[str, Any] | None = None
        self._kept: dict[str, FloatArray] = {}

    def __call__(self, name: str) -> FloatArray:
        if name not in self._kept:
            if name in self.model.params:
                if self._params is None:
                    self._params = draw(self.model, self.m, self.streams).params
                value = np.asarray(self._params[name], dtype=np.float64)
            else:
                value = inline_values(self.model, self.streams, self.m, [name])[name]
            self._kept[name] = np.broadcast_to(value, (self.m,))
        return self._kept[name]


#: The tornado's own draws: it starts on TORNADO_FLOOR of the analysis' samples and doubles
#: them until every bar's swing has a standard error within TORNADO_SHARE of the widest
#: swing (common random numbers make the swings far more precise than the gap itself).
TORNADO_FLOOR = 2_000
TORNADO_SHARE = 0.05


def _tornado(inputs: dict[str, Any], swing: _Swing, n: int, target: str,
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
        means, se = _swings(swing, swung, m)
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


def _swings(swing: _Swing, swung: list[tuple[str, float, float]], m: int
            ) -> tuple[dict[tuple[str, float], float], list[float]]:
    """The mean gap at each end of each swing on ``m`` draws (keyed (name, input); the base
    as ("", 0)), and each swing's standard error from its paired per-draw differences."""
    blocks: list[dict[str, Any]] = [{}]
    for k, lo, hi in swung:
        blocks += [{k: lo}, {k: hi}]
    gaps = swing.gaps(m, blocks)
    means = {("", 0.0): float(gaps[0].mean())}
    se = []
    for i, (k, lo, hi) in enumerate(swung):
        low, high = gaps[1 + 2 * i], gaps[2 + 2 * i]
        means[k, lo], means[k, hi] = float(low.mean()), float(high.mean())
        se.append(float((high - low).std(ddof=1) / np.sqrt(m)) if m > 1 else 0.0)
    return means, se


def _sobol(inputs: dict[str, Any], swing: _Swing, seed: int, target: str,
           unread: list[str]) -> SensitivityReport:
    """Sobol indices of E[gap | inputs] with SALib, path luck shared within a base point,
    on as many base points as the indices' precision needs (:data:`SOBOL_CONF`)."""
    from crossroads.analysis import sensitivity as sa

    names = list(inputs)
    points = SOBOL_FLOOR
    while True:  # each count from the same generator: the same scrambled sequence, extended
        rng = np.random.default_rng([seed, 2])
        result = sa.sobol(_sobol_func(inputs, swing, unread), names, points, rng)
        widest = float(max(result.s1_conf.max(), result.st_conf.max(), 0.0))
        if widest <= SOBOL_CONF or points >= SOBOL_CAP:
            break
        need = points * (widest / SOBOL_CONF) ** 2  # a half-width falls as 1/sqrt(points)
        points = min(SOBOL_CAP, max(2 * points, 1 << int(np.ceil(np.log2(need)))))
    data = result.to_dict(target)
    return SensitivityReport({
        **data, "method": "sobol", "replicates": SOBOL_REPLICATES, "skipped": sorted(unread),
        "precision": {"points": points, "largest_conf": widest, "target": SOBOL_CONF}})


def _sobol_func(inputs: dict[str, Any], swing: _Swing, unread: list[str]) -> Any:
    names = list(inputs)
    d = len(names)

    def func(u: FloatArray) -> FloatArray:
        # Rows come in blocks of d + 2 per base point (A, A with column j from B, B).
        # Each kind of row is simulated in its own pass on the same draws, so a base
        # point's A, AB_j and B rows walk identical paths (common random numbers): the
        # estimators difference them, and the randomness of paths given params cancels
        # instead of inflating every total index. Each point averages SOBOL_REPLICATES
        # paths, because Sobol indices are about E[gap | params]. An AB_j pass whose
        # column j feeds neither option compared is the A pass, exactly: not simulated.
        blocks = u.reshape(-1, d + 2, d)
        rows = blocks.shape[0] * SOBOL_REPLICATES
        passes = [p for p in range(d + 2) if p in (0, d + 1) or names[p - 1] not in unread]
        over = [{k: inputs[k].ppf(np.repeat(blocks[:, p, j], SOBOL_REPLICATES))
                 for j, k in enumerate(names) if k not in unread} for p in passes]
        gaps = dict(zip(passes, swing.gaps(rows, over), strict=True))
        out = np.empty(blocks.shape[:2])
        for p in range(d + 2):
            out[:, p] = gaps.get(p, gaps[0]).reshape(-1, SOBOL_REPLICATES).mean(axis=1)
        return out.reshape(-1)

    return func


# -- SMAA, prices, option value, risk ------------------------------------------------------


def smaa(model: Model, samples: int | None = None, seed: int | None = None,
         n_weights: int = 10_000) -> DictReport:
    """SMAA-2 over money (NPV) and every criterion (Lahdelma and Salminen 2001).

    Money and scores are rounded to the precision `run` keeps them in (float32 money, the
    scores' :func:`~crossroads.engine.budget.score_dtype`), so `run`'s verdict and this command
    quote the same share for the same file, samples and seed.
    """
    from crossroads.analysis.smaa import SMAA_DRAWS, describe, model_smaa
    from crossroads.engine.budget import score_dtype

    got = collect(model, samples, seed)
    m = min(got.n, SMAA_DRAWS)
    money = got.money(m, np.float32)  # NPV and any value past the horizon, as `run` keeps
    scores = {c: x[:, :m].astype(score_dtype(model, c)) for c, x in got.scores.items()}
    try:
        result = model_smaa(model, money, scores, model.seed if seed is None else seed,
                            n_weights)
    except ValueError as exc:  # weights no vector can meet (an order against intervals)
        text = str(exc)
        raise model.located.error(("weights",) if text.startswith("weights:") else
                                  ("criteria",), text) from None
    labels = dict(zip(got.option_ids, got.labels, strict=True))
    data = result.to_dict()
    data["sentences"] = list(describe(result, labels))
    data["precision"] = smaa_precision(result.rank_acceptability, result.n_weights, m)
    return DictReport(data)


#: SMAA's precision target: every rank acceptability within this standard error (the
#: 0.5 percentage points `samples: auto` asks of P(best)).
SMAA_SE_TARGET = 0.005


def smaa_precision(acceptability: FloatArray, pairs: int, futures: int) -> dict[str, float]:
    """The rank acceptabilities' largest Monte Carlo standard error and its target.

    Each (weights, future) pair gives one ranking, so a share ``b`` of ``N`` pairs has
    standard error ``sqrt(b (1 - b) / N)``; when there are fewer futures than weight
    vectors each future serves several, and ``N`` is counted as the futures (an upper
    bound). SMAA's count is not chosen by it: `run` and `smaa` rank the same pairs so
    that they quote the same shares, and at ``max(10,000, futures)`` pairs the largest
    standard error is at most 0.5 percentage points, the target, whenever the futures
    number 10,000 or more.

    >>> smaa_precision(np.array([[0.5, 0.5], [0.5, 0.5]]), 10_000, 20_000)["largest_se"]
    0.005
    """
    n = max(1, min(pairs, futures))
    b = np.asarray(acceptability, dtype=np.float64)
    return {"pairs": pairs, "futures": futures,
            "largest_se": float(np.sqrt(b * (1.0 - b) / n).max(initial=0.0)),
            "target": SMAA_SE_TARGET}


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
    from crossroads.format import money
    from crossroads.model.edit import without_roles

    closed = without_roles(model, without)
    n = samples if samples is not None else model.samples
    budget.check(model, n, "two samples")  # with and without the roles, both held
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
