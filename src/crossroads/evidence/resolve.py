"""The resolver a decision file gets: ``research(...)`` from the log, ``market(...)`` from data.

This is an edge (it reads the database); the pooling itself is
:func:`crossroads.evidence.research.make_resolver`, which is pure.

    resolve = make_default_resolver(None)            # --db / $CROSSROADS_DB / default file
    compiled = compile_estimate("research(p_em, market=SG)").with_resolved(resolve)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from crossroads.estimate.dists import Dist
from crossroads.estimate.expr import RandomNode
from crossroads.evidence.research import DEFAULT_CAP, Conversation, Weighting, make_resolver

__all__ = ["load_log", "make_default_resolver"]


def load_log(db: str | None = None) -> list[Conversation]:
    """Every conversation of the research log at ``db`` (a URL, see ``store.resolve_url``)."""
    from crossroads.store import list_conversations, transaction

    with transaction(db) as conn:
        return list(list_conversations(conn).values())


def make_default_resolver(db: str | None = None, *, weighting: str = "experience",
                          cap: float = DEFAULT_CAP,
                          needs_research: bool = True) -> Callable[[RandomNode], Dist]:
    """A resolver over the research log at ``db`` and the shipped market data.

    The log is read once, now, and only when ``needs_research``. If it cannot be read, the
    resolver still resolves ``market(...)`` and raises ValueError for each
    ``research(...)``, so the decision compiler reports the problem at that field rather
    than failing the whole load.
    """
    from crossroads.store import StoreError

    log: list[Conversation] = []
    problem: str | None = None
    if needs_research:
        try:
            log = load_log(db)
        except (StoreError, ValueError) as exc:
            problem = str(exc)
    inner = make_resolver(log, None, weighting=cast(Weighting, weighting), cap=cap)

    def resolve(node: RandomNode) -> Dist:
        if node.call == "research" and problem is not None:
            raise ValueError(f"research(...) needs the research log, which cannot be read: "
                             f"{problem}")
        return inner(node)

    return resolve
