"""Decide again from where you stand: the decision file rewritten to start from today.

After a check-in in year T (role R, pay X), ``S = T + 1`` years of the horizon are spent.
:func:`rewrite` turns the decision file, as it reads now, into the decision from here:

* ``horizon`` becomes ``horizon - S``; views and one-off cash flows move ``S`` years
  earlier (those already past are dropped); every expression's ``year`` reads
  ``(year + S)``, so a yearly field keeps its calendar;
* the chosen option becomes the baseline and starts in role R, paid X grown by R's
  ``raise`` in the first year left (X is taken as R's base pay: R's bonus and equity come
  on top as the file says); each of R's ``after:`` moves waits ``tenure`` years less (a
  move whose time has come fires at the end of the first year left, with its chance);
* in every other option, ``previous`` in its starting role's cash and grant is X: a
  switch now starts from the pay you have.

What it does not carry: skills start again from the file's ``now:``, and equity held in
the chosen option is granted afresh on R's terms. docs/journal.md says so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

from crossroads.errors import UsageError

__all__ = ["Standing", "rewrite", "sentence", "switch_verdict"]

#: Keys whose values are text, not expressions.
_TEXT_KEYS = {"label", "to", "note", "start", "reference", "title", "family", "level",
              "country"}


@dataclass(frozen=True)
class Standing:
    """Where the person stands after a check-in: in ``option``, role ``role`` for
    ``tenure`` years, paid ``pay``, with ``spent`` years of the horizon behind them."""

    option: str
    role: str
    tenure: int
    pay: float
    spent: int


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    return yaml


def rewrite(text: str, standing: Standing) -> str:
    """The decision file ``text`` rewritten to start from ``standing`` (module docstring).

    Raises UsageError (a ValueError) when nothing of the horizon is left, or the file no
    longer has the option or the role.
    """
    data = _yaml().load(text)
    s = standing.spent
    left = int(data.get("horizon", 10)) - s
    if left < 1:
        raise UsageError(f"no year of the horizon is left after year {s - 1}")
    options = data.get("options") or {}
    chosen = options.get(standing.option)
    if chosen is None:
        raise UsageError(f"the file has no option `{standing.option}` any more")
    if standing.role not in (chosen.get("roles") or {}):
        raise UsageError(f"option `{standing.option}` has no role `{standing.role}` any more")
    data["horizon"] = left
    views = [int(v) - s for v in data.get("views") or [] if int(v) - s >= 1]
    if "views" in data:
        if views:
            data["views"] = views
        else:
            del data["views"]
    data["baseline"] = standing.option
    for oid, option in options.items():
        _shift_option(option, s)
        if oid != standing.option:
            _start_from(option, standing.pay)
    _stand_in(chosen, standing)
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _shift_option(option: Any, s: int) -> None:
    flows = [f for f in option.get("cash_flows") or [] if int(f["year"]) - s >= 0]
    for f in flows:
        f["year"] = int(f["year"]) - s
    if "cash_flows" in option:
        option["cash_flows"] = flows
    for role in (option.get("roles") or {}).values():
        _map_expressions(role, lambda e: re.sub(r"\byear\b", f"(year + {s})", e))


def _start_from(option: Any, pay: float) -> None:
    roles = option.get("roles") or {}
    start = option.get("start") or next(iter(roles))
    role = roles[start]
    for holder, key in ((role, "cash"), (role.get("equity") or {}, "grant")):
        if key in holder:
            holder[key] = re.sub(r"\bprevious\b", f"({pay:.10g})", _text(holder[key]))


def _stand_in(option: Any, standing: Standing) -> None:
    option["start"] = standing.role
    role = option["roles"][standing.role]
    pay = f"{standing.pay:.10g}"
    # the check-in's pay was year T's; the first year left is paid it plus a year's raise
    role["cash"] = f"{pay} * (1 + ({_text(role['raise'])}))" if "raise" in role else pay
    for move in role.get("next") or []:
        if "after" in move and standing.tenure:
            move["after"] = f"({_text(move['after'])}) - {standing.tenure}"


def _map_expressions(node: Any, change: Any) -> None:
    """Apply ``change`` to every expression string under ``node``, in place."""
    items = node.items() if isinstance(node, Mapping) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, value in list(items):
        if key in _TEXT_KEYS:
            continue
        if isinstance(value, str):
            node[key] = change(value)
        elif isinstance(value, Mapping | list):
            _map_expressions(value, change)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else f"{value}"


def switch_verdict(result: Mapping[str, Any], stay: str) -> dict[str, Any]:
    """Whether switching now beats staying, from a run whose baseline is ``stay``.

    ``result`` is a run's ``to_dict()``. The best switch is the other option with the
    highest mean value; it beats staying when its mean value is higher.
    """
    options = result["options"]
    others = {k: o for k, o in options.items() if k != stay}
    rows = {k: {"label": o["label"], "value_mean": o["value"]["mean"],
                "gap_mean": o["vs_baseline"]["value_mean"],
                "p_better": o["vs_baseline"]["p_better"]} for k, o in others.items()}
    best = max(rows, key=lambda k: rows[k]["gap_mean"]) if rows else None
    switch = best is not None and rows[best]["gap_mean"] > 0
    return {"stay": stay, "stay_label": options[stay]["label"],
            "stay_value_mean": options[stay]["value"]["mean"], "options": rows,
            "best_switch": best, "switch": switch}


def sentence(verdict: Mapping[str, Any], years_left: int, currency: str) -> str:
    """One sentence: switch or stay, by how much on average, how often."""
    from crossroads.format import money, pct

    best = verdict["best_switch"]
    if best is None:
        return "There is nothing to switch to: the file has only the option you chose."
    row = verdict["options"][best]
    gap = money(abs(row["gap_mean"]), currency)
    if verdict["switch"]:
        return (f"Switching now to {row['label']} beats staying: {gap} more value on average "
                f"over the {years_left} years left, better in {pct(row['p_better'])} of "
                "futures.")
    return (f"Staying in {verdict['stay_label']} beats switching now: the best switch, "
            f"{row['label']}, is worth {gap} less on average over the {years_left} years "
            f"left (better in {pct(row['p_better'])} of futures).")
