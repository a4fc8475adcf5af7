"""`crossroads init`'s questionnaire as data: answers in, a commented decision file out.

    from crossroads.questionnaire import Alternative, Answers, Number, decision_yaml
    text = decision_yaml(Answers(
        decision="Leave the ML lead track?",
        alternatives=(Alternative("ML lead", cash=Number("120k to 150k", "offer letter")),
                      Alternative("Platform engineer", cash=Number("40k")))))
    crossroads.load(text)      # a valid decision file

The questions follow the founding essay: the research you did and with whom, your
considerations, what you optimise for (and whether money is one), your alternatives and why
not each, the evidence for and against; then, per alternative, its roles, cash, raise and
the chance of a step up. The file keeps the person's reasons as comments and marks every
number they did not source as an ``assumption``, so ``crossroads voi`` can later say which
guesses are worth checking.

Pure: no prompting, no files (``crossroads.cli.init`` asks the questions). Each answer can
be checked as it is given with :func:`estimate_problem` and friends.
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from crossroads.errors import UsageError

__all__ = [
    "MONEY_WORDS",
    "Alternative",
    "Answers",
    "Criterion",
    "Number",
    "Person",
    "StepUp",
    "currency_problem",
    "decision_yaml",
    "estimate_problem",
    "horizon_problem",
    "ident",
    "parse_priorities",
]

#: Words that mean money when someone lists what they optimise for.
MONEY_WORDS = frozenset({"money", "cash", "pay", "salary", "income", "compensation", "comp"})
WIDTH = 88


@dataclass(frozen=True)
class Number:
    """An estimate as given (``"120k to 150k"``) and its source (``""``: their own guess)."""

    text: str
    source: str = ""


@dataclass(frozen=True)
class Person:
    """Someone the person talked to while researching the decision."""

    name: str
    years: int | None = None
    market: str = ""
    said: str = ""


@dataclass(frozen=True)
class Criterion:
    """Something that matters besides money; ``worth`` is money per point (0-10) a year."""

    name: str
    worth: Number | None = None


@dataclass(frozen=True)
class StepUp:
    """A move up (senior, manager...) that can first happen after some years in the role,
    and from then on happens with a chance each year (it is tried again every year, as a
    promotion is, not once), with a pay rise."""

    title: str
    chance: Number = Number("30%")
    after: Number = Number("2")
    jump: Number = Number("20% to 40%")


@dataclass(frozen=True)
class Alternative:
    """One path: why not, its first role, cash, raise, scores and any steps up.

    ``currency`` is the currency its pay is in, when not the decision's (``""``: the same):
    the file says so with the option's ``currency:`` key, converted as docs/money.md says.
    """

    name: str
    why_not: str = ""
    role: str = ""
    cash: Number = Number("0")
    raise_: Number = Number("3%")
    scores: Mapping[str, Number] = field(default_factory=dict)
    steps: tuple[StepUp, ...] = ()
    currency: str = ""


@dataclass(frozen=True)
class Answers:
    """Everything ``crossroads init`` asks, in the order it asks.

    ``money_rank`` is money's place among ``criteria`` (0: first); ``None`` when money is
    not one of the things the person optimises for.
    """

    decision: str
    alternatives: tuple[Alternative, ...]
    currency: str = "USD"
    horizon: int = 10
    research: str = ""
    people: tuple[Person, ...] = ()
    markets: tuple[str, ...] = ()
    considerations: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    money_rank: int | None = 0
    evidence_for: tuple[str, ...] = ()
    evidence_against: tuple[str, ...] = ()


# ------------------------------------------------------------------ checks -------------

def estimate_problem(text: str, *, probability: bool = False,
                     kind: str | None = None) -> str | None:
    """Why ``text`` is not a usable estimate here, or ``None`` when it is.

    ``kind`` names the guard rail of the field it answers (:data:`crossroads.model.rails.KINDS`:
    ``"rate"`` for a yearly raise, ``"amount"`` for pay...), the same rules a file meets.

    >>> estimate_problem("120k to 150k") is None
    True
    >>> estimate_problem("60k to")
    'the estimate ends unexpectedly'
    >>> estimate_problem("4 to 6", kind="rate")
    '`raise: 4 to 6` is 400% to 600% a year (did you mean 4% to 6%?)'
    """
    # Imported here so that `crossroads --help` does not load NumPy and SciPy.
    from crossroads.estimate.expr import ExprError, compile_estimate
    from crossroads.model.rails import answer_problem

    try:
        compiled = compile_estimate(text, probability=probability, known_names=())
    except ExprError as exc:
        return str(exc)
    if any(node.dist is None for node in compiled.random_nodes):
        return ("research(...) and market(...) need the research log or the salary data: "
                "give a number or a range here and edit the file later")
    return answer_problem(kind, text) if kind else None


def currency_problem(text: str) -> str | None:
    """A three-letter code such as USD, EUR, SGD, INR."""
    ok = re.fullmatch(r"[A-Za-z]{3}", text.strip())
    return None if ok else "a currency is a three-letter code such as USD, EUR or SGD"


def horizon_problem(text: str) -> str | None:
    """Whole years from 1 to 60."""
    ok = text.strip().isdigit() and 1 <= int(text) <= 60
    return None if ok else "give a whole number of years from 1 to 60"


def ident(text: str, taken: Iterable[str] = (), default: str = "x") -> str:
    """A decision-file name for ``text``, unique among ``taken``.

    >>> ident("Work-life balance"), ident("2nd offer"), ident("a", ["a"])
    ('work_life_balance', 'x_2nd_offer', 'a_2')
    """
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].rstrip("_") or default
    if name[0].isdigit():
        name = f"x_{name}"
    used, base, n = set(taken), name, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    return name


def parse_priorities(text: str) -> tuple[list[str], int | None]:
    """Split "enjoyment, money, learning" into criteria and money's place.

    >>> parse_priorities("enjoyment, money, learning")
    (['enjoyment', 'learning'], 1)
    >>> parse_priorities("fun; growth")
    (['fun', 'growth'], None)
    """
    items = [x.strip() for x in re.split(r"[,;\n]", text) if x.strip()]
    money = [i for i, x in enumerate(items) if x.lower() in MONEY_WORDS]
    criteria = [x for x in items if x.lower() not in MONEY_WORDS]
    return criteria, (money[0] if money else None)


# ------------------------------------------------------------------ YAML ---------------

def _line(text: str) -> str:
    """One line of user text: every run of whitespace (newlines too) becomes one space."""
    return " ".join(str(text).split())


def _string(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(_line(text), ensure_ascii=False)


_PLAIN = re.compile(r"-?[A-Za-z0-9_(.][A-Za-z0-9_.%()*+/, -]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _estimate(text: str) -> str:
    """An estimate written plain when YAML reads it back unchanged, else quoted."""
    text = _line(text)
    plain = _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS
    return text if plain else _string(text)


def _comment(text: str, indent: str = "", first: str = "") -> list[str]:
    lines = textwrap.wrap(_line(text), WIDTH - len(indent) - 2 - len(first)) or [""]
    pad = " " * len(first)
    return [f"{indent}# {first if i == 0 else pad}{x}".rstrip() for i, x in enumerate(lines)]


def _source(n: Number) -> str:
    return _line(n.source) or "assumption"


def _kv(key: str, value: str, note: str = "", indent: str = "", width: int = 44) -> str:
    line = f"{indent}{key}: {value}"
    return f"{line:<{width}} # {_line(note)}" if note else line


def _aligned(rows: list[tuple[str, str, str]], indent: str) -> list[str]:
    """``key: value  # note`` lines with the notes in one column."""
    width = min(max((len(f"{indent}{k}: {v}") for k, v, _ in rows), default=0) + 1, 64)
    return [_kv(k, v, n, indent, width) for k, v, n in rows]


def _header(a: Answers, origin: str) -> list[str]:
    out = _comment(a.decision) + ["#"] + _comment(
        f"Written by {origin}. Numbers marked `assumption` are your own guesses: "
        "`crossroads voi` says which of them are worth checking before you decide. Check the "
        "file with `crossroads check`, then `crossroads run` or `crossroads report` it.")
    blocks: list[tuple[str, list[str]]] = [
        ("Research", [a.research] if a.research else []),
        ("People you talked to", [_person(p) for p in a.people]),
        ("Markets you looked at", [", ".join(a.markets)] if a.markets else []),
        ("Considerations", list(a.considerations)),
        ("What you optimise for, most important first", [_priorities(a)]),
        ("Why not each alternative", [f"{x.name}: {x.why_not}" for x in a.alternatives
                                      if x.why_not]),
        ("Evidence for", list(a.evidence_for)),
        ("Evidence against", list(a.evidence_against)),
    ]
    for title, items in blocks:
        if items:
            out += ["#", f"# {title}:"]
            for item in items:
                out += _comment(item, first="- ")
    log = [_research_command(p) for p in a.people]
    if log:
        out += ["#", "# Put them in the research log (then use research(name) for a param):"]
        out += [f"#   {cmd}" for cmd in log]
    return out


def _person(p: Person) -> str:
    bits = ", ".join(x for x in (f"{p.years} years" if p.years is not None else "",
                                 p.market) if x)
    return f"{p.name}" + (f" ({bits})" if bits else "") + (f": {p.said}" if p.said else "")


def _research_command(p: Person) -> str:
    args = ["crossroads", "research", "add", "--person", _line(p.name)]
    args += ["--years", str(p.years) if p.years is not None else "YEARS"]
    if p.market:
        args += ["--market", _line(p.market)]
    if p.said:  # what they said stays off the command line (ps, shell history)
        args += ["--edit-note"]
    return shlex.join(args)


def _priorities(a: Answers) -> str:
    names = [c.name for c in a.criteria]
    if a.money_rank is None:
        return ((", ".join(names) or "nothing named") + " (money is not one of them: the "
                "value below still counts cash, and the ranking weights put money last)")
    names.insert(min(a.money_rank, len(names)), "money")
    return ", ".join(names)


@dataclass(frozen=True)
class _Plan:
    """The names one alternative gets in the file: option id, role ids, param names."""

    option: str
    roles: tuple[str, ...]
    params: Mapping[str, str]


def _plans(a: Answers) -> list[_Plan]:
    options: list[str] = []
    params: list[str] = []
    plans = []
    for alt in a.alternatives:
        oid = ident(alt.name, options, "option")
        options.append(oid)
        roles: list[str] = []
        for title in (alt.role or alt.name, *(s.title for s in alt.steps)):
            roles.append(ident(title, roles, "role"))
        names: dict[str, str] = {}
        keys = ["cash", "raise"] + [f"{r}_{w}" for r in roles[1:]
                                    for w in ("chance", "after", "jump")]
        for key in keys:
            names[key] = ident(f"{oid}_{key}", params)
            params.append(names[key])
        plans.append(_Plan(oid, tuple(roles), names))
    return plans


def _criterion_ids(a: Answers) -> list[str]:
    ids: list[str] = ["money"]
    for c in a.criteria:
        ids.append(ident(c.name, ids, "criterion"))
    return ids[1:]


def decision_yaml(a: Answers, origin: str = "`crossroads init`") -> str:
    """The commented decision file for ``a``: ``crossroads check`` and ``run`` accept it.

    ``origin`` names what wrote it, in the file's opening comment.

    The first alternative is the baseline (the path you are on, or the offer you compare
    against). Uncertain inputs become named params so that ``crossroads voi`` and
    ``sensitivity`` can rank them.
    """
    if not a.alternatives:
        raise UsageError("a decision needs at least one alternative")
    # Money is always in the value (as NPV): a criterion called "money" would count it twice.
    a = replace(a, criteria=tuple(c for c in a.criteria
                                  if _line(c.name).lower() not in MONEY_WORDS))
    plans, crits = _plans(a), _criterion_ids(a)
    lines = _header(a, origin) + [
        "", "version: 1", f"decision: {_string(a.decision)}",
        f"currency: {a.currency.strip().upper()}", f"horizon: {a.horizon}",
        _kv("discount", "5%", "assumption: a personal discount rate above inflation"),
        _kv("samples", "auto", "draws until P(best) and the lead are precise; "
            "a number means exactly that many"),
        _kv("seed", "1", "another seed should give nearly the same answer"),
        _kv("baseline", plans[0].option, "every other path is set against this one"), ""]
    lines += _params(a, plans) + _criteria(a, crits) + _weights(a, crits)
    lines += ["options:"]
    for alt, plan in zip(a.alternatives, plans, strict=True):
        lines += _option(alt, plan, a, crits)
    return "\n".join(lines) + "\n"


def _params(a: Answers, plans: list[_Plan]) -> list[str]:
    out = ["params:"]
    for alt, plan in zip(a.alternatives, plans, strict=True):
        p = plan.params
        money = alt.currency.strip().upper() or a.currency.strip().upper()
        rows = [(p["cash"], _estimate(alt.cash.text),
                 f"{_source(alt.cash)}: cash a year, in {money}"),
                (p["raise"], _estimate(alt.raise_.text), f"{_source(alt.raise_)}: yearly raise")]
        for role, step in zip(plan.roles[1:], alt.steps, strict=True):
            for what, n in (("chance", step.chance), ("after", step.after),
                            ("jump", step.jump)):
                note = f"{_source(n)}: {_STEP_NOTES[what].format(step=_line(step.title))}"
                rows.append((p[f"{role}_{what}"], _estimate(n.text), note))
        out += _comment(alt.name, "  ") + _aligned(rows, "  ")
    return out + [""]


_STEP_NOTES = {"chance": "the chance a year of becoming {step}, once it can happen",
               "after": "years in the role before the step to {step} can happen",
               "jump": "pay rise on becoming {step}"}


def _criteria(a: Answers, crits: list[str]) -> list[str]:
    if not a.criteria:
        return []
    out = ["criteria:"]
    for c, cid in zip(a.criteria, crits, strict=True):
        unpriced = "ranked, not priced: kept out of the money value"
        if c.worth is None and _line(c.name) == cid:
            out.append(_kv(f"  {cid}", "{}", unpriced))
            continue
        out.append(f"  {cid}:" if c.worth else f"{f'  {cid}:':<44} # {unpriced}")
        if _line(c.name) != cid:
            out.append(f"    label: {_string(c.name)}")
        if c.worth is not None:
            out.append(_kv("worth", _estimate(c.worth.text),
                           f"{_source(c.worth)}: money a year per point, 0-10", "    "))
    return out + [""]


def _weights(a: Answers, crits: list[str]) -> list[str]:
    order = list(crits)
    order.insert(len(order) if a.money_rank is None else min(a.money_rank, len(order)),
                 "money")
    if len(order) < 2:
        return []
    return ["weights:", _kv("  order", f"[{', '.join(order)}]",
                            "most important first (crossroads smaa)"), ""]


def _option(alt: Alternative, plan: _Plan, a: Answers, crits: list[str]) -> list[str]:
    out = [f"  {plan.option}:", f"    label: {_string(alt.name)}"]
    currency = alt.currency.strip().upper()
    if currency and currency != a.currency.strip().upper():
        out.append(_kv("    currency", currency, "its pay is in this currency"))
    if alt.why_not:
        out.append(f"    note: {_string('why not: ' + alt.why_not)}")
    out.append("    roles:")
    titles = [alt.role or alt.name, *(s.title for s in alt.steps)]
    for i, role in enumerate(plan.roles):
        out += [f"      {role}:", f"        label: {_string(titles[i])}"]
        cash = (plan.params["cash"] if i == 0 else
                f"previous * (1 + {plan.params[f'{role}_jump']})")
        out += [f"        cash: {cash}", f"        raise: {plan.params['raise']}"]
        out += _scores(alt, a, crits)
        if i + 1 < len(plan.roles):
            nxt = plan.roles[i + 1]
            out += ["        next:", f"          - to: {nxt}",
                    f"            after: {plan.params[f'{nxt}_after']}",
                    f"            per_year: {plan.params[f'{nxt}_chance']}"]
    return out


def _scores(alt: Alternative, a: Answers, crits: list[str]) -> list[str]:
    if not a.criteria:
        return []
    out = ["        criteria:"]
    for c, cid in zip(a.criteria, crits, strict=True):
        score = alt.scores.get(c.name)
        out.append(_kv(f"          {cid}", _estimate(score.text)) if score else
                   _kv(f"          {cid}", "5", "assumption: not scored, middling"))
    return out
