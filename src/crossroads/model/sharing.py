"""What options share: the lines `crossroads check` prints about common random numbers.

A param is one uncertain quantity, drawn once per draw for every option that names it;
correlations tie params together; ``same_as`` makes a role draw another option's role's
numbers. Everything else an option writes is drawn for it alone (docs/simulation.md,
"Random numbers"). Sharing changes answers, so it is printed, never silent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

from crossroads.model.compile import Model
from crossroads.model.fields import Field


def fields_of(node: object) -> Iterator[Field]:
    """Every compiled field inside an option, role, move or equity spec, however nested."""
    if isinstance(node, Field):
        yield node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from fields_of(getattr(node, f.name))
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from fields_of(value)
    elif isinstance(node, tuple | list):
        for value in node:
            yield from fields_of(value)


def params_used(model: Model) -> dict[str, list[str]]:
    """Each random param -> the options that use it, directly or through another param."""
    closure: dict[str, set[str]] = {}
    for name, f in model.params.items():  # dependency order: a param's inputs come first
        closure[name] = {name}.union(*(closure[n] for n in f.expr.names if n in closure))
    random = {name for name, f in model.params.items() if f.expr.random_nodes}
    random |= {name for name in closure if closure[name] & random}
    users: dict[str, list[str]] = {name: [] for name in model.params if name in random}
    for option in model.options:
        names: set[str] = set()
        for f in fields_of(option):  # roles, moves, equity, cash flows, anything added later
            names |= f.expr.names
        used = set().union(*(closure[n] for n in names if n in closure))
        for name in users:
            if name in used:
                users[name].append(option.id)
    return users


def shared_lines(model: Model) -> list[str]:
    """One line per shared param, correlation and `same_as`; empty when nothing is shared."""
    lines = [f"param `{name}` is one draw shared by {', '.join(ids)}"
             for name, ids in params_used(model).items() if len(ids) > 1]
    lines += [f"params `{a}` and `{b}` are correlated (Spearman {rho:g})"
              for a, b, rho in model.correlations]
    for option in model.options:
        for role in option.roles:
            if role.keyed_by != (option.id, role.id):
                lines.append(f"role `{option.id}.{role.id}` is same_as "
                             f"`{role.keyed_by[0]}.{role.keyed_by[1]}`: its inline estimates, "
                             "moves and company's fate are that role's draws")
    return lines


__all__ = ["fields_of", "params_used", "shared_lines"]
