"""The public Python API: ``load`` a decision, ``run`` it, read ``.to_dict()``.

This module is an edge: it reads files and the research database and creates the random
streams from the seed; everything it calls is pure.

    import crossroads
    decision = crossroads.load("decision.yaml")        # a path, or YAML text
    result = crossroads.run(decision, samples=None, seed=None)
    result.to_dict()                                   # exactly the `run --json` object
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal

from crossroads.engine import budget
from crossroads.engine.precision import AUTO_FLOOR
from crossroads.model.compile import Model, Resolver, compile_model
from crossroads.model.errors import DecisionError
from crossroads.model.parse import parse_decision
from crossroads.run import RunResult, run_model
from crossroads.sample import StreamPool

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
    check_budget(model, model.samples)
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


def whole_number(name: str, value: object, *, least: int) -> None:
    """Refuse what the command line would (``samples=0``, ``seed=True``, ``samples=1.5``)
    with a ValueError naming it, before it turns into an IndexError deep in NumPy."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, got {value!r}")


def check_budget(model: Model, samples: int, per_draw: int | None = None, *,
                 keep_skills: bool = False) -> None:
    """Refuse a sample count whose peak memory would exceed the budget, naming the most
    that fits: what each draw keeps plus a chunk's working set
    (:func:`crossroads.engine.budget.check_budget`, where both budgets are counted)."""
    whole_number("samples", samples, least=1)
    budget.check_budget(model, samples, per_draw, keep_skills=keep_skills)


def run(model: Model, samples: int | Literal["auto"] | None = None, seed: int | None = None, *,
        overrides: Mapping[str, float] | None = None,
        on_progress: Callable[[float], None] | None = None,
        streams: StreamPool | None = None) -> RunResult:
    """Simulate every option and summarise: the numbers behind `crossroads run`.

    ``overrides`` pins params at fixed values (what-if sliders); params computed from them
    follow. ``streams`` (a :class:`crossroads.sample.StreamPool`) keeps the random numbers
    for the next run of the same model and seed, which a what-if repeats with one slider
    moved; the results are the same with or without it. ``samples="auto"`` (the default
    when the file says `samples: auto`) draws until the answer is as precise as
    docs/performance.md states, and ``result.precision`` says what it reached.
    """
    n = samples_for_run(model, samples)
    check_budget(model, AUTO_FLOOR if n == "auto" else n)
    if seed is not None:
        whole_number("seed", seed, least=0)
    unknown = set(overrides or {}) - set(model.params)
    if unknown:
        raise KeyError(f"no such param: {', '.join(sorted(unknown))}")
    for name, value in (overrides or {}).items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                not math.isfinite(value):
            raise ValueError(f"param `{name}` must be pinned at a finite number, got {value!r}")
    result = run_model(model, n, model.seed if seed is None else seed, overrides=overrides,
                       on_progress=on_progress, streams=streams)
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
