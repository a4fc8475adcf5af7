"""Decision -> Model: every estimate compiled, every name checked, params ordered.

The Model is what the sampler and simulator read. It holds plain frozen dataclasses and the
compiled expressions; each random input carries a *stream key* (:func:`stream_key`). A
param's key is its name, so every option that uses it sees the same draw; everything written
inside an option is keyed by the option, role, field and a move's target, so it belongs to
that option alone, unless a role says `same_as` another.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from graphlib import CycleError, TopologicalSorter

import numpy as np

from crossroads._types import FloatArray
from crossroads.engine.precision import AUTO_ANALYSIS_SAMPLES
from crossroads.errors import DecisionError, did_you_mean
from crossroads.estimate.dists import Z95, Constant, Dist
from crossroads.estimate.expr import FUNCTIONS, Compiled, ExprError, RandomNode, compile_estimate
from crossroads.model import limits, rails
from crossroads.model.companies import CompanySpec, compile_companies
from crossroads.model.fields import PATH_NAMES, Field, move_field, option_key, stream_key
from crossroads.model.parse import Located, Path
from crossroads.model.schema import Decision, Equity, Estimate, Option, Role
from crossroads.money.spec import MoneySpec, compile_money

Resolver = Callable[[RandomNode], Dist]


@dataclass(frozen=True)
class TransitionSpec:
    to: int
    after: Field | None
    chance: Field
    per_year: Field | None
    key: str


@dataclass(frozen=True)
class EquitySpec:
    grant: Field
    vesting: tuple[float, ...]  # share vesting in each year of tenure
    refresh: Field | None = None  # a further grant at each year in the role after the first
    refresh_vesting: tuple[float, ...] = ()


@dataclass(frozen=True)
class RoleSpec:
    id: str
    label: str
    cash: Field
    raise_: Field
    bonus: Field
    equity: EquitySpec | None
    criteria: Mapping[str, Field]
    practice: Mapping[str, Field]
    mentor: Field
    next: tuple[TransitionSpec, ...]
    #: the (option, role) whose stream keys this role uses: its own, or its `same_as`
    keyed_by: tuple[str, str] = ("", "")
    company: int = 0      # index into the option's companies
    closed: bool = False  # its moves were taken away (option value's counterfactual)

    def key(self, field: str) -> str:
        """The stream key of one of this role's random inputs (see :func:`stream_key`)."""
        return stream_key(*self.keyed_by, field)


@dataclass(frozen=True)
class OptionSpec:
    id: str
    label: str
    roles: tuple[RoleSpec, ...]
    start: int
    cash_flows: tuple[tuple[int, Field], ...]
    reference: Mapping[str, str] | None
    companies: tuple[CompanySpec, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    label: str
    worth: Field | None
    scale: tuple[float, float]
    better: str


@dataclass(frozen=True)
class SkillSpec:
    id: str
    now: Field
    half_life: Field | None
    years_to_top_quartile: Field | None
    mentor_speedup: Field


@dataclass(frozen=True)
class Model:
    """A compiled decision: what to simulate, over which years, with which inputs."""

    title: str
    source: str
    currency: str
    horizon: int
    discount: float
    samples: int
    seed: int
    baseline: int
    views: tuple[int, ...]
    params: Mapping[str, Field]  # in dependency order
    correlations: tuple[tuple[str, str, float], ...]
    criteria: Mapping[str, CriterionSpec]
    options: tuple[OptionSpec, ...]
    skills: Mapping[str, SkillSpec]
    skill_correlation: float | tuple[tuple[float, ...], ...]
    intersection: tuple[str, ...]
    decision: Decision = field(repr=False)
    located: Located = field(repr=False)
    #: tax, inflation, currencies and terminal values (docs/money.md)
    money: MoneySpec | None = field(default=None, repr=False)
    #: `samples: auto`: `run` draws until precise (crossroads.engine.precision); `samples`
    #: is then what the analyses draw
    auto_samples: bool = False

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


class _DecisionCompiler:
    """Compiles a decision file's fields into a :class:`Model` one by one, collecting every
    problem instead of stopping at the first."""

    def __init__(self, located: Located, resolve: Resolver | None) -> None:
        self.located = located
        self.decision = located.decision
        self.resolve = resolve
        self.problems: list[DecisionError] = []
        self.names: set[str] = set(self.decision.params) | PATH_NAMES
        self.names |= {f"skill:{s}" for s in self.decision.skills.skills}
        if intersection_of(self.decision):
            self.names.add("intersection")
        self.probability_params = _probability_params(self.decision)
        self.mixtures = 0

    def field(self, value: Estimate, path: Path, key: str, *, probability: bool = False,
              names: Iterable[str] | None = None) -> Field:
        known = self.names if names is None else set(names)
        try:
            expr = compile_estimate(value, probability=probability, known_names=known)
            if self.resolve is not None and any(n.dist is None for n in expr.random_nodes):
                expr = expr.with_resolved(self.resolve)
        except ExprError as exc:
            self.problems.append(self._at(path, value, exc))
            expr = compile_estimate(0)
        except ValueError as exc:  # a research/market prior that cannot be built
            self.problems.append(self.located.error(path, str(exc)))
            expr = compile_estimate(0)
        self._within_limits(expr, path)
        return Field(key, expr, path)

    def _within_limits(self, expr: Compiled, path: Path) -> None:
        """All mixtures together stay within MAX_MIXTURE_TOTAL, and past MAX_PROBLEMS
        problems compiling stops: each may search every name for a hint, so a file of
        thousands of unknown names would take quadratic time (crossroads.model.limits)."""
        self.mixtures += sum(limits.mixture_size(n.dist) for n in expr.random_nodes)
        if self.mixtures > limits.MAX_MIXTURE_TOTAL:
            self.mixtures = -(10**9)  # report it once
            self.error(path, f"more than {limits.MAX_MIXTURE_TOTAL} mixture components in "
                       "the file (MAX_MIXTURE_TOTAL)", "a few components describe any belief")
        if len(self.problems) >= limits.MAX_PROBLEMS:
            raise DecisionError.collect(self.problems)

    def _at(self, path: Path, value: Estimate, exc: ExprError) -> DecisionError:
        line, column = self.located.where(path)
        # A scalar written on its own line after `key:`: point inside it, past any quote.
        if isinstance(value, str) and path in self.located.positions and "\n" not in value:
            quoted = self.located.char_at(line, column) in {"'", '"'}
            column += exc.offset + int(quoted)
        return DecisionError(self.located.source, line, column, exc.message, exc.hint)

    def error(self, path: Path, message: str, hint: str | None = None, *,
              key: bool = False) -> None:
        self.problems.append(self.located.error(path, message, hint, key=key))


#: Without an explicit `intersection:`, up to this many skills form it together.
DEFAULT_INTERSECTION_MAX = 4


def intersection_of(d: Decision) -> tuple[str, ...]:
    """The intersection skills: as written, or every skill when there are 1 to 4."""
    if d.skills.intersection:
        return tuple(d.skills.intersection)
    skills = tuple(d.skills.skills)
    return skills if len(skills) <= DEFAULT_INTERSECTION_MAX else ()


def compile_model(located: Located, resolve: Resolver | None = None) -> Model:
    """Compile a parsed decision; raise one DecisionError listing every problem found."""
    limits.check_counts(located)
    c = _DecisionCompiler(located, resolve)
    d = c.decision
    params = _compile_params(c)
    criteria = {
        cid: CriterionSpec(
            cid, crit.label or cid,
            c.field(crit.worth, ("criteria", cid, "worth"), f"worth.{cid}")
            if crit.worth is not None else None,
            crit.scale, crit.better,
        )
        for cid, crit in d.criteria.items()
    }
    for spec in criteria.values():
        _check_worth(c, spec)
    options = tuple(_compile_option(c, oid, opt) for oid, opt in d.options.items())
    skills = _compile_skills(c)
    _check_correlations(c)
    _check_weights(c)
    for i, view in enumerate(d.views):
        if not 1 <= view <= d.horizon:
            c.error(("views", i), f"a view must be a year from 1 to the horizon "
                    f"({d.horizon}), got {view}")
    _check_names(c)
    money = compile_money(c)
    c.problems += rails.check(located)  # slips a person rarely means (model/rails.py)
    if d.baseline is not None and d.baseline not in d.options:
        c.error(("baseline",), f"baseline `{d.baseline}` is not an option",
                did_you_mean(d.baseline, d.options) or f"options: {', '.join(d.options)}")
    if c.problems:
        raise DecisionError.collect(c.problems)
    ids = list(d.options)
    baseline = ids.index(d.baseline) if d.baseline in ids else 0
    corr = d.skills.correlation
    return Model(
        title=d.decision, source=located.source, currency=d.currency, horizon=d.horizon,
        discount=d.discount, seed=d.seed, baseline=baseline,
        samples=AUTO_ANALYSIS_SAMPLES if d.samples == "auto" else d.samples,
        auto_samples=d.samples == "auto",
        views=tuple(sorted({v for v in d.views if 1 <= v <= d.horizon})),
        params=params, correlations=tuple(d.correlations), criteria=criteria,
        options=options, skills=skills,
        skill_correlation=corr if isinstance(corr, float) else tuple(map(tuple, corr)),
        intersection=intersection_of(d), decision=d, located=located, money=money,
    )


def _check_worth(c: _DecisionCompiler, spec: CriterionSpec) -> None:
    """A worth is money per point of *better*: refuse one below 0 (or a range reaching it).

    With ``better: lower`` the simulator counts a point more of the criterion as a point
    less of better, so a positive worth already makes more of it cost money; a negative
    worth would turn that round and pay for more of the bad thing.
    """
    if spec.worth is None:
        return
    dist = spec.worth.expr.as_dist()
    if dist is None:
        return
    # The 5th percentile: closed-form for the normal family (``-Z95`` is its normal score),
    # so that loading a file of money ranges needs no inverse normal from SciPy.
    low = float(np.asarray(dist.from_normal(np.array([-Z95])) if dist.base == "normal"
                           else dist.ppf(np.array([0.05])))[0])
    if low < 0:
        where = "its 90% range reaches" if not isinstance(dist, Constant) else "got"
        fewer = "less" if spec.better == "lower" else "more"
        c.error(spec.worth.path, f"a worth is money per point of better and cannot be "
                f"negative ({where} {low:g})",
                f"give the money a point {fewer} of `{spec.id}` is worth to you as a positive "
                f"number; `better: {spec.better}` already says which way is better")


def _compile_params(c: _DecisionCompiler) -> dict[str, Field]:
    raw = c.decision.params
    fields = {
        name: c.field(value, ("params", name), f"params.{name}",
                      probability=name in c.probability_params,
                      names=set(raw) - {name})
        for name, value in raw.items()
    }
    graph = {name: f.expr.names & set(raw) for name, f in fields.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = list(exc.args[1])
        c.error(("params", cycle[0]), "params depend on each other in a cycle: "
                + " -> ".join(f"`{n}`" for n in cycle), key=True)
        order = list(raw)
    return {name: fields[name] for name in order}


def _probability_params(d: Decision) -> set[str]:
    """Params used directly as a chance, so that `30% to 50%` fits a beta."""
    names: set[str] = set()
    for opt in d.options.values():
        for role in opt.roles.values():
            for move in role.next:
                for value in (move.chance, move.per_year):
                    if isinstance(value, str) and value.strip() in d.params:
                        names.add(value.strip())
        for co in opt.companies.values():
            for value in (co.exit, co.fails):
                if isinstance(value, str):
                    names.add(value.strip())
    return names & set(d.params)


def _compile_option(c: _DecisionCompiler, oid: str, opt: Option) -> OptionSpec:
    role_ids = list(opt.roles)
    start = opt.start or role_ids[0]
    if start not in opt.roles:
        c.error(("options", oid, "start"), f"unknown role `{start}` in option `{oid}`",
                did_you_mean(start, role_ids))
        start = role_ids[0]
    roles = tuple(_compile_role(c, oid, rid, role, role_ids) for rid, role in opt.roles.items())
    flows = tuple(
        (cf.year,
         c.field(cf.amount, ("options", oid, "cash_flows", i, "amount"),
                 option_key(oid, f"cash_flows.{i}")))
        for i, cf in enumerate(opt.cash_flows)
    )
    for i, cf in enumerate(opt.cash_flows):
        if cf.year >= c.decision.horizon:
            c.error(("options", oid, "cash_flows", i, "year"),
                    f"year {cf.year} is outside the horizon (years 0 to {c.decision.horizon - 1})")
    ref = opt.reference.model_dump(exclude_none=True) if opt.reference else None
    companies, employer = compile_companies(c, oid, opt)
    roles = tuple(replace(r, company=k) for r, k in zip(roles, employer, strict=True))
    return OptionSpec(oid, opt.label or oid, roles, role_ids.index(start), flows, ref,
                      companies)


def _compile_role(c: _DecisionCompiler, oid: str, rid: str, role: Role,
                  role_ids: list[str]) -> RoleSpec:
    base: Path = ("options", oid, "roles", rid)
    owner = _same_as(c, oid, rid, role)

    def f(name: str, value: Estimate, probability: bool = False) -> Field:
        return c.field(value, (*base, name), stream_key(*owner, name), probability=probability)

    criteria = {}
    for cid, crit in c.decision.criteria.items():
        value = role.criteria.get(cid, crit.default)
        if value is None:
            c.error(base, f"role `{rid}` has no score for criterion `{cid}`",
                    f"add `{cid}:` to its criteria, or give criteria.{cid}.default")
            continue
        path = (*base, "criteria", cid) if cid in role.criteria else ("criteria", cid, "default")
        criteria[cid] = c.field(value, path, stream_key(*owner, f"criteria.{cid}"))
    for cid in role.criteria:
        if cid not in c.decision.criteria:
            c.error((*base, "criteria", cid), f"unknown criterion `{cid}`",
                    did_you_mean(cid, c.decision.criteria))
    practice = {}
    for sid, value in role.practice.items():
        if sid not in c.decision.skills.skills:
            c.error((*base, "practice", sid), f"unknown skill `{sid}`",
                    did_you_mean(sid, c.decision.skills.skills))
        practice[sid] = c.field(value, (*base, "practice", sid),
                                stream_key(*owner, f"practice.{sid}"))
    targets = [m.to for m in role.next]
    moves = tuple(
        _compile_move(c, base, stream_key(*owner, move_field(m.to, targets[:i].count(m.to))),
                      i, m, role_ids) for i, m in enumerate(role.next))
    spec = RoleSpec(
        id=rid, label=role.label or rid, cash=f("cash", role.cash), raise_=f("raise", role.raise_),
        bonus=f("bonus", role.bonus),
        equity=_compile_equity(c, base, owner, role.equity) if role.equity else None,
        criteria=criteria, practice=practice, mentor=f("mentor", role.mentor), next=moves,
        keyed_by=owner,
    )
    _check_constant(c, spec.raise_, lambda v: v > -1.0, "above -100% (a pay cut of all of it)")
    return spec


def _check_constant(c: _DecisionCompiler, f: Field, ok: Callable[[float], bool], expected: str,
                    prefix: str = "") -> None:
    """Refuse a number a run could not use; a range is checked draw by draw as it runs."""
    fixed = f.expr.as_dist()
    if isinstance(fixed, Constant) and not ok(fixed.value):
        c.error(f.path, f"{prefix}{f.path[-1]} must be {expected}, got {fixed.value:g}")


def _same_as(c: _DecisionCompiler, oid: str, rid: str, role: Role) -> tuple[str, str]:
    """The (option, role) whose stream keys a role uses: its own, or the one it is `same_as`."""
    if role.same_as is None:
        return oid, rid
    path: Path = ("options", oid, "roles", rid, "same_as")
    other_oid, _, other_rid = role.same_as.partition(".")
    options = c.decision.options
    hint = "write `same_as: <option>.<role>`, naming a role of another option"
    if other_oid not in options or other_oid == oid:
        problem = ("a role can only share another option's role" if other_oid == oid
                   else f"unknown option `{other_oid}` in `same_as`")
        others = ", ".join(o for o in options if o != oid)
        c.error(path, problem, hint if other_oid == oid else
                did_you_mean(other_oid, options) or f"other options: {others}")
    elif other_rid not in options[other_oid].roles:
        c.error(path, f"unknown role `{other_rid}` in option `{other_oid}`",
                did_you_mean(other_rid, options[other_oid].roles) or hint)
    elif options[other_oid].roles[other_rid].same_as is not None:
        c.error(path, f"`{role.same_as}` is itself `same_as` "
                f"`{options[other_oid].roles[other_rid].same_as}`",
                "name the role it shares with directly")
    else:
        return other_oid, other_rid
    return oid, rid


def _compile_move(c: _DecisionCompiler, base: Path, key: str, i: int, move: object,
                  role_ids: list[str]) -> TransitionSpec:
    from crossroads.model.schema import Transition

    assert isinstance(move, Transition)
    path: Path = (*base, "next", i)
    if move.to not in role_ids:
        c.error((*path, "to"), f"unknown role `{move.to}` in `next`",
                did_you_mean(move.to, role_ids) or f"roles here: {', '.join(role_ids)}")
        to = 0
    else:
        to = role_ids.index(move.to)
    after = (c.field(move.after, (*path, "after"), f"{key}.after")
             if move.after is not None else None)
    per_year = (c.field(move.per_year, (*path, "per_year"), f"{key}.per_year", probability=True)
                if move.per_year is not None else None)
    chance = c.field(1.0 if move.chance is None else move.chance, (*path, "chance"),
                     f"{key}.chance", probability=True)
    return TransitionSpec(to, after, chance, per_year, key)


def _compile_equity(c: _DecisionCompiler, base: Path, owner: tuple[str, str],
                    eq: Equity) -> EquitySpec:
    path: Path = (*base, "equity")
    if eq.schedule is not None:
        vesting = tuple(eq.schedule)
        if abs(sum(vesting) - 1.0) > 1e-6:
            c.error((*path, "schedule"), f"vesting schedule must add up to 100%, got "
                    f"{sum(vesting):.0%}")
    else:
        if eq.cliff > eq.vest_years:
            c.error((*path, "cliff"), "cliff cannot be longer than vest_years")
        share = 1.0 / eq.vest_years
        cliff = max(eq.cliff, 1)
        vesting = tuple([0.0] * (cliff - 1) + [share * cliff] + [share] * (eq.vest_years - cliff))

    def f(name: str, value: Estimate) -> Field:
        return c.field(value, (*path, name), stream_key(*owner, f"equity.{name}"))

    refresh_vesting = tuple(eq.refresh_schedule or [1.0 / len(vesting)] * len(vesting))
    if abs(sum(refresh_vesting) - 1.0) > 1e-6:
        c.error((*path, "refresh_schedule"), f"vesting schedule must add up to 100%, got "
                f"{sum(refresh_vesting):.0%}")
    return EquitySpec(
        grant=f("grant", eq.grant), vesting=vesting,
        refresh=f("refresh", eq.refresh) if eq.refresh is not None else None,
        refresh_vesting=refresh_vesting,
    )


def _compile_skills(c: _DecisionCompiler) -> dict[str, SkillSpec]:
    block = c.decision.skills
    out = {}
    for sid, sk in block.skills.items():
        base: Path = ("skills", sid)

        def f(name: str, value: Estimate, *, sid: str = sid, base: Path = base,
              probability: bool = False) -> Field:
            return c.field(value, (*base, name), f"skill.{sid}.{name}", probability=probability,
                           names=set(c.decision.params))

        out[sid] = SkillSpec(
            sid, f("now", sk.now, probability=True),
            f("half_life", sk.half_life) if sk.half_life is not None else None,
            f("years_to_top_quartile", sk.years_to_top_quartile)
            if sk.years_to_top_quartile is not None else None,
            f("mentor_speedup", sk.mentor_speedup),
        )
        for name in ("half_life", "years_to_top_quartile", "mentor_speedup"):
            given: Field | None = getattr(out[sid], name)
            if given is not None:
                _check_constant(c, given, lambda v: v > 0, "positive", f"skill `{sid}`: ")
    for i, sid in enumerate(block.intersection):
        if sid not in block.skills:
            c.error(("skills", "intersection", i), f"unknown skill `{sid}` in intersection",
                    did_you_mean(sid, block.skills))
    return out


def _check_correlations(c: _DecisionCompiler) -> None:
    before = len(c.problems)
    for i, (a, b, rho) in enumerate(c.decision.correlations):
        for name in (a, b):
            if name not in c.decision.params:
                c.error(("correlations", i), f"unknown param `{name}` in correlations",
                        did_you_mean(name, c.decision.params))
        if not -1.0 <= rho <= 1.0:
            c.error(("correlations", i), f"a correlation must be between -1 and 1, got {rho}")
        if a == b:
            c.error(("correlations", i), f"`{a}` cannot be correlated with itself")
    pairs: dict[frozenset[str], int] = {}
    for i, (a, b, _) in enumerate(c.decision.correlations):
        first = pairs.setdefault(frozenset((a, b)), i)
        if first != i and a != b:
            c.error(("correlations", i), f"`{a}` and `{b}` are correlated twice",
                    f"keep one of entries {first + 1} and {i + 1}")
    if c.decision.correlations and len(c.problems) == before:
        _, matrix = normal_score_correlation(tuple(c.decision.correlations),
                                                 tuple(c.decision.params))
        smallest = float(np.linalg.eigvalsh(matrix).min())
        if smallest < -1e-9:
            c.error(("correlations",),
                    "the correlations are impossible together: their matrix is not positive "
                    f"semi-definite (smallest eigenvalue {smallest:.3f})",
                    "weaken the strongest correlations, or check their signs")


def normal_score_correlation(
        correlations: tuple[tuple[str, str, float], ...],
        order: tuple[str, ...]) -> tuple[list[str], FloatArray]:
    """The correlated params (in ``order``) and the Pearson matrix of their normal scores.

    A Spearman rank correlation rho_s between two normal scores corresponds to a Pearson
    correlation 2 sin(pi rho_s / 6); that is what the copula needs to hit the requested
    rank correlation. Checked when a file is compiled, used when it is sampled.
    """
    names = sorted({a for a, _, _ in correlations} | {b for _, b, _ in correlations},
                   key=order.index)
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for a, b, rho in correlations:
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = 2.0 * np.sin(np.pi * rho / 6.0)
    return names, matrix


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_names(c: _DecisionCompiler) -> None:
    """Names appear in expressions and stream keys, so they must be identifiers."""
    d = c.decision
    groups: list[tuple[Path, Iterable[str]]] = [
        (("params",), d.params), (("criteria",), d.criteria), (("options",), d.options),
        (("skills",), d.skills.skills),
        *((("options", oid, "roles"), opt.roles) for oid, opt in d.options.items()),
    ]
    for base, names in groups:
        for name in names:
            if not _IDENTIFIER.match(name):
                c.error((*base, name), f"`{name}` is not a valid name", "use letters, digits "
                        "and `_`, starting with a letter", key=True)
    for name in d.params:
        if keyword.iskeyword(name) or name in PATH_NAMES or name in FUNCTIONS:
            c.error(("params", name), f"`{name}` is a reserved word and cannot name a param",
                    f"try `{name}_rate` or `my_{name}`", key=True)


def _check_weights(c: _DecisionCompiler) -> None:
    w = c.decision.weights
    if w is None:
        return
    valid = ["money", *c.decision.criteria]
    for i, name in enumerate(w.order or []):
        if name not in valid:
            c.error(("weights", "order", i), f"unknown criterion `{name}` in weights.order",
                    did_you_mean(name, valid))
    for name, (lo, hi) in (w.intervals or {}).items():
        if name not in valid:
            c.error(("weights", "intervals", name), f"unknown criterion `{name}` in weights",
                    did_you_mean(name, valid))
        if not 0.0 <= lo <= hi <= 1.0:
            c.error(("weights", "intervals", name),
                    f"a weight interval must satisfy 0 <= low <= high <= 1, got [{lo}, {hi}]")
    # Weights sum to 1: bounds that cannot are refused here, where the file can be pointed
    # at. Whether an order also fits within the intervals takes a linear program, which
    # `crossroads smaa` solves (scipy.optimize is too slow to import for every load).
    intervals = w.intervals or {}
    if intervals:
        low = sum(lo for lo, _ in intervals.values())
        high = sum(intervals.get(name, (0.0, 1.0))[1] for name in valid)
        if low > 1.0 + 1e-12 or high < 1.0 - 1e-12:
            c.error(("weights", "intervals"),
                    f"no weights can meet these intervals: weights add up to 1, and the "
                    f"lower bounds add up to {low:.3g}, the upper bounds to {high:.3g}",
                    "lower bounds must add up to at most 1 and upper bounds to at least 1")
