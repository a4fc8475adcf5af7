"""Changes to a compiled model for what-if analyses: the same draws, one thing different."""

from __future__ import annotations

from dataclasses import replace

from crossroads.errors import UnknownName
from crossroads.model.compile import Model, RoleSpec


def without_roles(model: Model, roles: tuple[str, ...]) -> Model:
    """The model with every move into ``roles`` removed (the option value's counterfactual).

    Keys of random streams are unchanged, so the draws stay common to both models.

    >>> import crossroads
    >>> m = crossroads.load("decision: x\\noptions: {a: {roles: {r: {cash: 1, "
    ...                     "next: [{to: s, after: 1}]}, s: {cash: 2}}}}")
    >>> without_roles(m, ("s",)).options[0].roles[0].next
    ()
    """
    known = {r.id for o in model.options for r in o.roles}
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise UnknownName(f"no role named `{unknown[0]}`; roles: {', '.join(sorted(known))}",
                          argument="roles")
    options = []
    for option in model.options:
        closed = {k for k, r in enumerate(option.roles) if r.id in roles}
        new_roles = tuple(_close(r, closed) for r in option.roles)
        options.append(replace(option, roles=new_roles))
    return replace(model, options=tuple(options))


def _close(role: RoleSpec, closed: set[int]) -> RoleSpec:
    """``role`` without its moves into ``closed``; a role left with none is marked
    ``closed``, so the walker counts the draws it strands there."""
    kept = tuple(m for m in role.next if m.to not in closed)
    return replace(role, next=kept, closed=role.closed or (bool(role.next) and not kept))
