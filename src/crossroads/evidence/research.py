"""The research log as data, and the priors pooled from what people said.

A :class:`Conversation` records one talk with someone who has walked a path you are
considering: who (an alias), their experience, market, company stage, role, the date, free
notes, their *estimates* of named params (in the estimate language, e.g. ``"30% to 50%"``)
and their *stances* on named claims (agree, disagree or unsure).

:func:`pool` turns the logged estimates of one param into a prior: the linear opinion pool

    p(x) = sum_i w_i p_i(x) / sum_i w_i,    w_i = min(years_i, cap)   (or 1 each)

so its mean is the weighted mean of the people's means. :func:`coverage` says which markets,
company stages and seniority bands the log has not heard from yet.

Pure: no database, no printing. The store (:mod:`crossroads.store`) reads and writes
conversations; :mod:`crossroads.evidence.exchange` turns them into CSV and JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from crossroads.errors import UsageError
from crossroads.estimate.dists import Dist, Empirical, Mixture
from crossroads.estimate.expr import Compiled, ExprError, RandomNode, compile_estimate
from crossroads.evidence import fields
from crossroads.evidence.fields import KNOWN_STAGES, STANCES, FieldError

__all__ = [
    "DEFAULT_CAP",
    "FIELDS",
    "FILTER_KEYS",
    "KNOWN_STAGES",
    "SENIORITY",
    "STANCES",
    "Conversation",
    "Coverage",
    "FieldError",
    "Gap",
    "ParamCoverage",
    "Weighting",
    "check_estimates",
    "coverage",
    "estimate_dist",
    "latest_by_person",
    "make_conversation",
    "make_resolver",
    "people_for",
    "pool",
    "pool_weights",
    "select",
    "seniority",
]

Weighting = Literal["experience", "equal"]

DEFAULT_CAP = 20.0
"""Years of experience beyond which a person's voice counts no more (docs/evidence.md, `cap`)."""

SENIORITY = ("<5", "5-10", "10-20", "20+")
"""Experience bands: [0, 5), [5, 10), [10, 20) and 20 or more years."""

FILTER_KEYS = ("market", "stage", "role")
FIELDS = ("person", "years", "market", "stage", "size", "role", "date", "notes")
"""The scalar fields of a conversation, in the order files and tables show them."""

# ---------------------------------------------------------------- the record ------------

@dataclass(frozen=True)
class Conversation:
    """One conversation of the research log, normalised and checked on construction.

    Markets written as two letters become upper case (``sg`` -> ``SG``); stages become
    lower case with hyphens (``Series B`` -> ``series-b``). Estimate texts are checked for
    form here and compiled by :func:`check_estimates` (done by :func:`make_conversation`).

    >>> c = Conversation("ana", 12, market="sg", stage="Series B", estimates={"p_em": "40%"})
    >>> (c.market, c.stage, c.seniority)
    ('SG', 'series-b', '10-20')
    """

    person: str
    years: int
    market: str | None = None
    stage: str | None = None
    size: str | None = None
    role: str | None = None
    date: dt.date | None = None
    notes: str = ""
    estimates: Mapping[str, str] = field(default_factory=dict)
    stances: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "person", fields.check_text("person", self.person, required=True))
        set_(self, "years", fields.check_years(self.years))
        set_(self, "market", fields.check_market(self.market))
        set_(self, "stage", fields.check_stage(self.stage))
        set_(self, "size", fields.check_text("size", self.size))
        set_(self, "role", fields.check_text("role", self.role))
        set_(self, "date", fields.check_date(self.date))
        set_(self, "notes", fields.check_notes(self.notes))
        set_(self, "estimates", fields.check_estimate_texts(self.estimates))
        set_(self, "stances", fields.check_stances(self.stances))

    @property
    def seniority(self) -> str:
        """The experience band of :data:`SENIORITY` this person falls in."""
        return seniority(self.years)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the shape of ``research export --format json``."""
        return {"person": self.person, "years": self.years, "market": self.market,
                "stage": self.stage, "size": self.size, "role": self.role,
                "date": None if self.date is None else self.date.isoformat(),
                "notes": self.notes, "estimates": dict(sorted(self.estimates.items())),
                "stances": dict(sorted(self.stances.items()))}


def seniority(years: int) -> str:
    """The experience band for ``years``.

    >>> [seniority(y) for y in (0, 4, 5, 10, 19, 20, 35)]
    ['<5', '<5', '5-10', '10-20', '10-20', '20+', '20+']
    """
    if years < 5:
        return "<5"
    if years < 10:
        return "5-10"
    return "10-20" if years < 20 else "20+"


def make_conversation(raw: Mapping[str, object]) -> Conversation:
    """A checked conversation from loosely typed values (CSV cells, JSON, CLI flags).

    Empty text means "not given". Every estimate must compile on its own (a number, a
    range or a distribution), because a pooled prior cannot depend on the other params of
    somebody else's decision. Raises :class:`FieldError` naming the first bad field.

    >>> make_conversation({"person": "bo", "years": "7", "estimates": {"x": "1 to 2"}}).years
    7
    """
    unknown = sorted(set(raw) - {*FIELDS, "estimates", "stances"})
    if unknown:
        raise FieldError(unknown[0], "unknown field; expected one of "
                         + ", ".join([*FIELDS, "estimates", "stances"]))
    if raw.get("years") in (None, ""):
        raise FieldError("years", "missing: how many years of experience does this person have?")
    values: dict[str, Any] = {k: raw[k] for k in FIELDS if raw.get(k) is not None}
    values.setdefault("person", "")
    values["estimates"] = fields.as_mapping("estimates", raw.get("estimates"))
    values["stances"] = fields.as_mapping("stances", raw.get("stances"))
    conv = Conversation(**values)  # every value is checked by Conversation.__post_init__
    check_estimates(conv)
    return conv


def check_estimates(conv: Conversation) -> None:
    """Compile every estimate of ``conv``; raise :class:`FieldError` on the first bad one."""
    for name, text in conv.estimates.items():
        estimate_dist(text, field=f"estimate:{name}")


def estimate_dist(text: str, *, field: str = "estimate") -> Dist:
    """The distribution of one logged estimate.

    A text with a ``%`` is read as a probability first (``30% to 50%`` is a beta), and as
    a plain quantity if that fails (``150%`` is not a probability but is a fine ratio):
    people say probabilities in percent, and the research log has no other way to know
    which params are probabilities.

    >>> estimate_dist("160k")
    Constant(value=160000.0)
    """
    compiled: Compiled | None = None
    if "%" in text:
        try:
            compiled = compile_estimate(text, probability=True)
        except ExprError:
            pass  # not a probability after all; read it as a plain quantity below
    if compiled is None:
        compiled = _compile_or_fail(text, field)
    if compiled.names:
        raise FieldError(field, f"{text!r} refers to {', '.join(sorted(compiled.names))}; "
                         "a logged estimate must be a number, a range or a distribution")
    evidence = sorted({n.call for n in compiled.random_nodes if n.dist is None})
    if evidence:
        raise FieldError(field, f"{text!r} uses {evidence[0]}(); a logged estimate must be "
                         "a number, a range or a distribution of its own")
    dist = compiled.as_dist()
    if dist is None:
        raise FieldError(field, f"{text!r} is an expression; a logged estimate must be "
                         "one number, a range (a to b) or one distribution call")
    return dist


def _compile_or_fail(text: str, field: str) -> Compiled:
    try:
        return compile_estimate(text)
    except ExprError as exc:
        where = f" (at character {exc.offset + 1})" if text.strip() else ""
        raise FieldError(field, f"cannot read estimate {text!r}: {exc}{where}") from None


# ---------------------------------------------------------------- pooling ---------------

def select(conversations: Iterable[Conversation],
           filters: Mapping[str, str] | None = None) -> list[Conversation]:
    """The conversations matching every filter (market, stage, role; case-insensitive).

    >>> log = [Conversation("a", 3, market="SG"), Conversation("b", 9, market="US")]
    >>> [c.person for c in select(log, {"market": "sg"})]
    ['a']
    """
    wanted = _filters(filters or {})
    return [c for c in conversations
            if all(_fold(getattr(c, key)) == value for key, value in wanted.items())]


def _filters(filters: Mapping[str, object]) -> dict[str, str | None]:
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise UsageError(f"unknown research filter {unknown[0]!r}; "
                         f"use {', '.join(FILTER_KEYS)}")
    checks: dict[str, Callable[[str], str | None]] = {
        "market": fields.check_market, "stage": fields.check_stage,
        "role": lambda v: fields.check_text("role", v)}
    out: dict[str, str | None] = {}
    for key, value in filters.items():
        try:
            out[key] = _fold(checks[key](str(value)))
        except FieldError as exc:
            raise UsageError(f"research filter {exc}") from None
    return out


def _fold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def latest_by_person(conversations: Iterable[Conversation], name: str) -> list[Conversation]:
    """One voice per person: each alias's latest conversation with an estimate of ``name``.

    People update their views, and a person met twice must not count twice. "Latest" is
    the latest date (undated counts as oldest), then the later position in the log.
    """
    best: dict[str, tuple[tuple[dt.date, int], Conversation]] = {}
    for pos, conv in enumerate(conversations):
        if name not in conv.estimates:
            continue
        key = ((conv.date or dt.date.min), pos)
        alias = conv.person.casefold()
        if alias not in best or key >= best[alias][0]:
            best[alias] = (key, conv)
    return [conv for _, conv in sorted(best.values(), key=lambda kv: kv[0][1])]


def pool_weights(conversations: Sequence[Conversation], name: str, *,
                 weighting: Weighting = "experience", cap: float = DEFAULT_CAP,
                 filters: Mapping[str, str] | None = None) -> list[tuple[Conversation, float]]:
    """The people pooled for ``name`` and their normalised weights (summing to 1).

    ``weighting="experience"``: w_i = min(years_i, cap); ``"equal"``: w_i = 1. People with
    weight 0 (no experience) are left out.

    >>> log = [Conversation("a", 30, estimates={"x": "1"}),
    ...        Conversation("b", 5, estimates={"x": "2"})]
    >>> [w for _, w in pool_weights(log, "x")]
    [0.8, 0.2]
    """
    if weighting not in ("experience", "equal"):
        raise UsageError(f"weighting must be 'experience' or 'equal', got {weighting!r}",
                         argument="weighting")
    if not cap > 0:
        raise UsageError(f"the experience cap must be > 0 years, got {cap!r}", argument="cap")
    people = latest_by_person(select(conversations, filters), name)
    if not people:
        raise ValueError(_nothing_logged(conversations, name, filters or {}))
    raw = [1.0 if weighting == "equal" else min(float(c.years), cap) for c in people]
    total = sum(raw)
    if total == 0:
        raise ValueError(f"everyone who estimated `{name}` has 0 years of experience, so "
                         "experience weighting gives them no weight; use weighting='equal'")
    return [(c, w / total) for c, w in zip(people, raw, strict=True) if w > 0]


def pool(conversations: Sequence[Conversation], name: str, *,
         weighting: Weighting = "experience", cap: float = DEFAULT_CAP,
         filters: Mapping[str, str] | None = None) -> Dist:
    """The linear opinion pool of the logged estimates of ``name``: a :class:`Mixture`.

    Each person's estimate is a component weighted as in :func:`pool_weights`, so
    mean = sum_i w_i mean_i / sum_i w_i. Raises ValueError naming the param and what the
    log does hold when nobody (after ``filters``) estimated it.

    >>> log = [Conversation("a", 30, estimates={"x": "10"}),
    ...        Conversation("b", 5, estimates={"x": "20"})]
    >>> pool(log, "x").mean()
    12.0
    """
    chosen = pool_weights(conversations, name, weighting=weighting, cap=cap, filters=filters)
    comps = tuple(estimate_dist(c.estimates[name], field=f"estimate:{name}")
                  for c, _ in chosen)
    return Mixture(comps, tuple(w for _, w in chosen))


def _nothing_logged(conversations: Sequence[Conversation], name: str,
                    filters: Mapping[str, str]) -> str:
    where = ", ".join(f"{k}={v}" for k, v in filters.items())
    head = f"no logged estimates of `{name}`" + (f" with {where}" if where else "")
    anyone = [c for c in conversations if name in c.estimates]
    if anyone:
        markets = sorted({c.market or "(none given)" for c in anyone})
        stages = sorted({c.stage or "(none given)" for c in anyone})
        return (f"{head}; {len(anyone)} conversation(s) estimate it, in markets "
                f"{', '.join(markets)} and stages {', '.join(stages)}")
    names = sorted({n for c in conversations for n in c.estimates})
    if not names:
        return f"{head}: the research log is empty (add some with `crossroads research add`)"
    return f"{head}; the log has estimates of {', '.join(names)}"


def make_resolver(conversations: Sequence[Conversation], market_data: Any = None, *,
                  weighting: Weighting = "experience",
                  cap: float = DEFAULT_CAP) -> Callable[[RandomNode], Dist]:
    """A function turning a ``research(...)`` or ``market(...)`` node into a distribution.

    ``research(name, market=SG)`` pools the log (:func:`pool`); ``market(title=...,
    level=..., country=..., since=...)`` resamples the matching salaries (an
    :class:`Empirical`) of ``market_data``, a
    :class:`~crossroads.evidence.market.SalaryTable` (the shipped data set when None).
    The decision compiler calls it; every failure is a ValueError with a clear message.
    """
    def resolve(node: RandomNode) -> Dist:
        if node.call == "research":
            return _resolve_research(node, conversations, weighting, cap)
        if node.call == "market":
            return _resolve_market(node, market_data)
        raise ValueError(f"cannot resolve {node.call}(...): only research() and market()")

    return resolve


def _resolve_research(node: RandomNode, conversations: Sequence[Conversation],
                      weighting: Weighting, cap: float) -> Dist:
    if len(node.args) != 1 or not isinstance(node.args[0], str):
        raise ValueError("research() takes the param name, e.g. research(half_life_ml)")
    filters = {str(k): _plain(v) for k, v in node.kwargs.items()}
    return pool(conversations, node.args[0], weighting=weighting, cap=cap, filters=filters)


def _resolve_market(node: RandomNode, market_data: Any) -> Dist:
    from crossroads.evidence import market

    table = market.load_salaries() if market_data is None else market_data
    if node.args:
        raise ValueError("market() takes keywords only, e.g. market(title='Data Scientist')")
    query = market.MarketQuery.from_mapping({str(k): _plain(v) for k, v in node.kwargs.items()})
    return Empirical(tuple(market.matching_salaries(table, query).tolist()))


def _plain(value: object) -> str:
    """A research/market argument as text: ``2023.0`` -> ``"2023"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- coverage --------------

@dataclass(frozen=True)
class Gap:
    """A market and company stage where nobody has estimated ``param`` yet."""

    param: str
    market: str
    stage: str


@dataclass(frozen=True)
class ParamCoverage:
    """Who estimated one param: the summary the "what to find out next" table uses.

    ``people`` counts distinct aliases (one voice per person, as :func:`pool` does);
    ``weight`` is the sum of their capped years; the ``missing_*`` fields list the
    markets, stages and experience bands of the log's universe nobody covers.
    """

    param: str
    people: int
    weight: float
    markets: tuple[str, ...]
    stages: tuple[str, ...]
    missing_markets: tuple[str, ...]
    missing_stages: tuple[str, ...]
    missing_seniority: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"people": self.people, "weight": self.weight, "markets": list(self.markets),
                "stages": list(self.stages), "missing_markets": list(self.missing_markets),
                "missing_stages": list(self.missing_stages),
                "missing_seniority": list(self.missing_seniority)}


@dataclass(frozen=True)
class Coverage:
    """Conversations per market x company stage x experience band, and the gaps.

    ``counts`` maps ``(market, stage, band)`` to a number of conversations (``"?"`` for a
    market or stage not recorded; empty cells are absent); ``gaps`` lists, per research
    param, the (market, stage) cells of the universe with nobody on that param.
    """

    markets: tuple[str, ...]
    stages: tuple[str, ...]
    counts: Mapping[tuple[str, str, str], int]
    params: Mapping[str, ParamCoverage]
    gaps: tuple[Gap, ...]
    seniority: tuple[str, ...] = SENIORITY

    def people_for(self, param: str) -> ParamCoverage:
        """The :class:`ParamCoverage` of ``param`` (KeyError if it was not asked for)."""
        return self.params[param]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the shape of ``research coverage --json``."""
        cells = [{"market": m, "stage": s, "seniority": b, "conversations": n}
                 for (m, s, b), n in self.counts.items()]
        return {"markets": list(self.markets), "stages": list(self.stages),
                "seniority": list(self.seniority), "cells": cells,
                "params": {p: pc.to_dict() for p, pc in self.params.items()},
                "gaps": [{"param": g.param, "market": g.market, "stage": g.stage}
                         for g in self.gaps]}


def _stage_order(stage: str) -> tuple[int, str]:
    return (KNOWN_STAGES.index(stage) if stage in KNOWN_STAGES else len(KNOWN_STAGES), stage)


def _universe(conversations: Sequence[Conversation], markets: Iterable[str],
              stages: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    all_markets = {c.market for c in conversations if c.market} | {
        m for m in (fields.check_market(x) for x in markets) if m}
    all_stages = {c.stage for c in conversations if c.stage} | {
        s for s in (fields.check_stage(x) for x in stages) if s}
    return tuple(sorted(all_markets)), tuple(sorted(all_stages, key=_stage_order))


def people_for(conversations: Sequence[Conversation], param: str, *,
               markets: Iterable[str] = (), stages: Iterable[str] = (),
               cap: float = DEFAULT_CAP) -> ParamCoverage:
    """How many people estimated ``param`` and which markets, stages, bands are missing.

    The universe of markets and stages is those in the log plus ``markets``/``stages``
    (e.g. the ones the decision cares about).

    >>> log = [Conversation("a", 3, market="SG", estimates={"x": "1"}),
    ...        Conversation("b", 9, market="US")]
    >>> people_for(log, "x").missing_markets
    ('US',)
    """
    all_markets, all_stages = _universe(conversations, markets, stages)
    people = latest_by_person(conversations, param)
    have_m = {c.market for c in people if c.market}
    have_s = {c.stage for c in people if c.stage}
    have_b = {c.seniority for c in people}
    return ParamCoverage(
        param=param, people=len(people),
        weight=float(sum(min(float(c.years), cap) for c in people)),
        markets=tuple(m for m in all_markets if m in have_m),
        stages=tuple(s for s in all_stages if s in have_s),
        missing_markets=tuple(m for m in all_markets if m not in have_m),
        missing_stages=tuple(s for s in all_stages if s not in have_s),
        missing_seniority=tuple(b for b in SENIORITY if b not in have_b))


def coverage(conversations: Sequence[Conversation], params: Iterable[str] = (), *,
             markets: Iterable[str] = (), stages: Iterable[str] = ()) -> Coverage:
    """Counts per market x stage x experience band, and the gaps for ``params``.

    ``params`` defaults to every param the log has estimates of. A gap is a (market,
    stage) of the universe (see :func:`people_for`) where nobody estimated the param:
    "no one from SG at series-b about p_em".

    >>> log = [Conversation("a", 3, market="SG", stage="seed", estimates={"p": "1"}),
    ...        Conversation("b", 9, market="US", stage="series-b", estimates={"p": "2"})]
    >>> [(g.market, g.stage) for g in coverage(log).gaps]
    [('SG', 'series-b'), ('US', 'seed')]
    """
    markets, stages = tuple(markets), tuple(stages)
    all_markets, all_stages = _universe(conversations, markets, stages)
    names = list(dict.fromkeys(params)) or sorted({n for c in conversations
                                                   for n in c.estimates})
    counts: dict[tuple[str, str, str], int] = {}
    for c in conversations:
        key = (c.market or "?", c.stage or "?", c.seniority)
        counts[key] = counts.get(key, 0) + 1
    gaps = []
    for name in names:
        seen = {(c.market, c.stage) for c in latest_by_person(conversations, name)}
        gaps += [Gap(name, m, s) for m in all_markets for s in all_stages if (m, s) not in seen]
    order = {m: i for i, m in enumerate((*all_markets, "?"))}
    s_order = {s: i for i, s in enumerate((*all_stages, "?"))}
    ordered = dict(sorted(counts.items(), key=lambda kv: (
        order[kv[0][0]], s_order[kv[0][1]], SENIORITY.index(kv[0][2]))))
    return Coverage(all_markets, all_stages, ordered,
                    {n: people_for(conversations, n, markets=markets, stages=stages)
                     for n in names}, tuple(gaps))
