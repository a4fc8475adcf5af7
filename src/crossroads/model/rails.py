"""Guard rails: numbers a decision file can hold but a person rarely means.

A file that parses and compiles can still say something no one meant: ``raise: 5`` is a
raise of 500% a year (the person meant 5%), ``after: -2`` a move two years before the job
starts, a score of 70 on a 0-10 scale. Each rail here turns one such slip into a located
error with the likely fix as its hint. The rules (docs/estimates.md, "Guard rails"):

* a rate (``raise``, ``bonus``, ``inflation``, a flat ``tax``, a ``retirement`` share, a
  ``terminal`` growth) written as bare numbers above 1 - ``5``, ``4 to 6`` - is refused
  with ``did you mean 5%?``; ``500%`` says it on purpose and is kept;
* a share of the year (``practice``, ``mentor``) must lie within 0 to 1;
* ``after`` must be a positive number of years (a range may not reach below 0), and
  ``per_year`` above 0%;
* a criterion score must lie within the criterion's scale: a fixed score, and both ends
  of a range or distribution.

A field that names a param directly (``raise: pay_rise``) is checked through the param,
and the error points at the param. The rails read the raw values and compile them again
(estimates are cached), so they see the text as written and need nothing from the
compiler but the place to report: :func:`check` is called from
:func:`crossroads.model.compile.compile_model`. The same rule functions check answers in
``crossroads init`` and on the web app's new-decision page (:func:`answer_problem`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from crossroads.errors import DecisionError
from crossroads.estimate.dists import Z95, Constant, Dist
from crossroads.estimate.expr import Compiled, ExprError, compile_estimate
from crossroads.estimate.lexer import as_percent, number_tokens
from crossroads.model.parse import Located, Path
from crossroads.model.schema import Decision, Estimate, Role

__all__ = ["KINDS", "Problem", "answer_problem", "check", "negative_share", "problem"]


@dataclass(frozen=True)
class Problem:
    """What a rail found: a message and the fix to suggest."""

    message: str
    hint: str | None = None


#: The rails by name: a rate a year, a bonus (a share of base cash), a pay rise on a move,
#: a share of pay (a tax rate, a retirement contribution), a share of the year, years
#: before a move, a yearly chance, a criterion score, and pay (an amount that may not be
#: negative: a warning in a file, asked again by `init`) and a criterion's worth (`init`'s
#: question; a file refuses a negative worth when it compiles).
KINDS = ("rate", "bonus", "jump", "pay", "share", "years", "per_year", "score", "amount",
         "worth")

_Rule = Callable[[str, str, Compiled, tuple[float, float]], "Problem | None"]


def problem(kind: str, key: str, value: Estimate,
            scale: tuple[float, float] = (0.0, 10.0)) -> Problem | None:
    """The rail ``kind`` applied to ``key: value``; None when it passes or cannot compile.

    >>> problem("rate", "raise", 5)
    Problem(message='`raise: 5` is 500% a year', hint='did you mean 5%?')
    >>> problem("score", "learning", "5 to 12").message
    '`learning: 5 to 12` leaves the scale 0 to 10'
    """
    text = _text(value)
    try:
        compiled = compile_estimate(value, probability=kind == "per_year")
    except ExprError:
        return None  # the compiler reports it, at its place
    return _RULES[kind](key, text, compiled, scale)


def _text(value: Estimate) -> str:
    return value.strip() if isinstance(value, str) else f"{value:g}" \
        if isinstance(value, float) else str(value)


def _rate(per: str) -> _Rule:
    def rule(key: str, text: str, compiled: Compiled, _: tuple[float, float]) -> Problem | None:
        meant = as_percent(text)
        bare = [t.value for t in number_tokens(text)]
        if compiled.as_dist() is None or meant is None or not 1.0 < max(bare):
            return None
        hundred = as_percent(text, scale=100.0)
        if max(bare) > 100.0:  # 500 is no one's typo for 5%: ask for the sign, not a guess
            return Problem(f"`{key}: {text}` is {hundred}{per}",
                           f"write {meant} if you mean it; a bare number is a share, so "
                           "5% is 0.05 or 5%")
        # 5 or 4 to 6: a percentage without its sign
        extra = "; 150% would be one and a half times the base cash" if per.endswith(
            "base cash") else ""
        top = {" a year": 1.25, "": 1.5}.get(per)  # `1.03`, `1.2 to 1.4`: a multiplier
        if top is not None and all(1.0 < v <= top for v in bare):
            meant, extra = _growth(text), "; a raise is the growth, not the multiplier"
        return Problem(f"`{key}: {text}` is {hundred}{per}", f"did you mean {meant}?{extra}")
    return rule


def _growth(text: str) -> str:
    """``1.02 to 1.04`` written as the growth it multiplies by: ``2% to 4%``."""
    out, last = [], 0
    for t in number_tokens(text):
        out += [text[last:t.start], f"{round((t.value - 1.0) * 100.0, 10):g}%"]
        last = t.end
    return "".join(out) + text[last:]


def _share(key: str, text: str, compiled: Compiled, _: tuple[float, float]) -> Problem | None:
    fixed = compiled.as_dist()
    if not isinstance(fixed, Constant) or 0.0 <= fixed.value <= 1.0:
        return None
    meant = as_percent(text)
    return Problem(f"{key} must be a share from 0 to 1 (0% to 100%), got {fixed.value:g}",
                   f"did you mean {meant}?" if meant and fixed.value > 1.0 else None)


def _years(key: str, text: str, compiled: Compiled, _: tuple[float, float]) -> Problem | None:
    hint = "the years spent in the role before the move, e.g. 2 or 2 to 4"
    ends = _ends(compiled)
    if ends is None:
        return None
    lo, hi = ends
    if lo == hi and lo <= 0.0:
        return Problem(f"`{key}: {text}` must be a positive number of years", hint)
    if lo < 0.0:
        return Problem(f"`{key}: {text}` reaches below 0 years", hint + "; a range that "
                       "starts at 0 never goes below it")
    return None


def _per_year(key: str, text: str, compiled: Compiled,
              _: tuple[float, float]) -> Problem | None:
    fixed = compiled.as_dist()
    if isinstance(fixed, Constant) and fixed.value <= 0.0:
        return Problem(f"`{key}: {text}` never happens: a yearly chance must be above 0%",
                       "give the chance of the move in a year, e.g. 20%, or delete the move")
    return None


def _score(key: str, text: str, compiled: Compiled,
           scale: tuple[float, float]) -> Problem | None:
    ends = _ends(compiled)
    if ends is None:
        return None
    lo, hi = ends
    low, high = scale
    slack = 1e-9 * max(abs(low), abs(high), 1.0)
    if low - slack <= lo and hi <= high + slack:
        return None
    shown = f"{low:g} to {high:g}"
    if lo == hi:
        inside = lo / 10.0 if high == 10.0 and low == 0.0 and 0 < lo <= 100 else None
        return Problem(f"`{key}: {text}` is outside the scale {shown}",
                       f"did you mean {inside:g}? or set the criterion's `scale:`"
                       if inside is not None else
                       f"keep it within {shown}, or set the criterion's `scale:`")
    return Problem(f"`{key}: {text}` leaves the scale {shown}",
                   f"keep both ends within {shown}, or set the criterion's `scale:`")


def _amount(key: str, text: str, compiled: Compiled,
            _: tuple[float, float]) -> Problem | None:
    share = negative_share(compiled)
    if not share:
        return None
    hint = "a range that starts at 0 never goes below it, e.g. 0 to 50k"
    if share == 1.0:
        return Problem(f"`{key}: {text}` is below 0: pay is what you receive", hint)
    return Problem(f"`{key}: {text}` is below 0 in {share:.1%} of draws", hint)


def _worth(key: str, text: str, compiled: Compiled,
           _: tuple[float, float]) -> Problem | None:
    share = negative_share(compiled)
    if not share:
        return None
    return Problem(f"`{key}: {text}` can be below 0: a worth is the money one point more is "
                   "worth to you a year", "give it as a positive amount; a range that starts "
                   "at 0 never goes below it, e.g. 0 to 5k")


def negative_share(compiled: Compiled) -> float | None:
    """The probability that a number, range or distribution is below 0 (None: unknown).

    >>> round(negative_share(compile_estimate("-10k to 50k")), 4)
    0.1364
    >>> negative_share(compile_estimate("0 to 5")), negative_share(compile_estimate("x + 1"))
    (0.0, None)
    """
    dist = compiled.as_dist()
    if dist is None:
        return None
    below = float(dist.cdf(np.array([np.nextafter(0.0, -1.0)]))[0])
    return min(max(below, 0.0), 1.0)


def _ends(compiled: Compiled) -> tuple[float, float] | None:
    """The written ends of a number, a range or a bounded distribution (else None)."""
    dist: Dist | None = compiled.as_dist()
    if dist is None:
        return None
    if isinstance(dist, Constant):
        return dist.value, dist.value
    if hasattr(dist, "lo") and hasattr(dist, "hi"):
        return float(dist.lo), float(dist.hi)
    if compiled.random_nodes and compiled.random_nodes[0].call == "to":
        if dist.base == "normal":  # the fitted families: no SciPy at load (test_startup)
            lo, hi = dist.from_normal(np.array([-Z95, Z95]))
            return float(lo), float(hi)
        return dist.interval(0.9)
    return None


_RULES: dict[str, _Rule] = {
    "rate": _rate(" a year"), "bonus": _rate(" of the base cash"), "jump": _rate(""),
    "pay": _rate(" of pay"),
    "share": _share, "years": _years, "per_year": _per_year, "score": _score,
    "amount": _amount, "worth": _worth,
}


# ---------------------------------------------------------------- a whole file -----------

def check(located: Located) -> list[DecisionError]:
    """Every rail over a parsed file: one located error per slip, a param's once."""
    found: dict[Path, DecisionError] = {}
    d = located.decision
    for path, kind, key, value, scale in _fields(d):
        name = value.strip() if isinstance(value, str) else ""
        if name in d.params:  # `raise: pay_rise`: the param is the number to check
            path, key, value = ("params", name), name, d.params[name]
        if path in found:
            continue
        p = problem(kind, key, value, scale)
        if p is not None:
            line, column = located.where(path)
            found[path] = DecisionError(located.source, line, column, p.message, p.hint)
    return list(found.values())


_Field = tuple[Path, str, str, Estimate, tuple[float, float]]


def _fields(d: Decision) -> Iterator[_Field]:
    """(path, rail, key shown, raw value, scale) of every field a rail reads."""
    for cid, crit in d.criteria.items():
        if crit.default is not None:
            yield ("criteria", cid, "default"), "score", cid, crit.default, crit.scale
    yield from _money_fields((), d)
    for oid, opt in d.options.items():
        yield from _money_fields(("options", oid), opt)
        for rid, role in opt.roles.items():
            yield from _role_fields(d, ("options", oid, "roles", rid), role)
            yield from _money_fields(("options", oid, "roles", rid), role)


#: Rates of the money keys (docs/money.md), where they are set: (path, key shown, rail).
_MONEY_RATES = (
    (("inflation",), "inflation", "rate"),
    (("tax", "rate"), "tax", "pay"),
    (("tax", "state"), "state tax", "pay"),
    (("tax", "equity"), "tax on equity", "pay"),
    (("retirement", "share"), "retirement", "pay"),
    (("terminal", "growth"), "growth", "rate"),
)


def _money_fields(base: Path, node: object) -> Iterator[_Field]:
    """The rates of ``inflation``, ``tax``, ``retirement`` and ``terminal`` under ``node``,
    read by attribute so that a block a file does not use costs nothing."""
    unit = (0.0, 1.0)
    for path, key, kind in _MONEY_RATES:
        value: object = node
        for part in path:
            value = getattr(value, part, None)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            yield (*base, *path), kind, key, value, unit


def _role_fields(d: Decision, base: Path, role: Role) -> Iterator[_Field]:
    unit = (0.0, 1.0)
    yield (*base, "raise"), "rate", "raise", role.raise_, unit
    yield (*base, "bonus"), "bonus", "bonus", role.bonus, unit
    yield (*base, "mentor"), "share", "mentor", role.mentor, unit
    for sid, value in role.practice.items():
        yield (*base, "practice", sid), "share", f"practice of `{sid}`", value, unit
    for cid, value in role.criteria.items():
        if cid in d.criteria:
            yield (*base, "criteria", cid), "score", cid, value, d.criteria[cid].scale
    for i, move in enumerate(role.next):
        if move.after is not None:
            yield (*base, "next", i, "after"), "years", "after", move.after, unit
        if move.per_year is not None:
            yield (*base, "next", i, "per_year"), "per_year", "per_year", move.per_year, unit


def answer_problem(kind: str, text: str) -> str | None:
    """A rail's verdict on one answer of ``crossroads init`` or the new-decision page.

    >>> answer_problem("rate", "4 to 6")
    '`raise: 4 to 6` is 400% to 600% a year (did you mean 4% to 6%?)'
    """
    key = {"rate": "raise", "jump": "pay rise", "years": "after", "amount": "cash"}.get(kind,
                                                                                      kind)
    p = problem(kind, key, text)
    if p is None:
        return None
    return f"{p.message} ({p.hint})" if p.hint else p.message
