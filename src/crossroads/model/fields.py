"""A compiled field and the stream keys of random inputs: what the compiler, the companies
and the money compilers share (:mod:`crossroads.model.compile`,
:mod:`crossroads.model.companies`, :mod:`crossroads.money.spec`), in a module all three
import and none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from crossroads.estimate.expr import Compiled
from crossroads.model.parse import Path

__all__ = ["PATH_NAMES", "Field", "move_field", "option_key", "stream_key"]

#: Names the simulator provides while it walks the years.
PATH_NAMES = frozenset({"previous", "year"})

def stream_key(option: str, role: str, field: str) -> str:
    """The stream key of a random input written inside a role: ``opt.<option>.role.<role>.<field>``.

    Every inline estimate and every event (a move firing, a company's fate) belongs to its
    option, so the key names the option: two options' same-named roles draw independent
    numbers, and renaming changes no number beyond its sampling error. A role with
    ``same_as: other.role`` passes the other role's (option, role) here, so the same
    employer's uncertain terms are shared, visibly. ``field`` is the field's name
    (``cash``, ``raise``, ``criteria.enjoyment``, ``equity.grant``) or a move's
    (:func:`move_field`). Option-level inputs (cash flows, companies) use
    :func:`option_key`; params keep ``params.<name>``: one quantity, one draw.

    >>> stream_key("ml_lead", "lead", "raise")
    'opt.ml_lead.role.lead.raise'
    """
    return f"opt.{option}.role.{role}.{field}"


def move_field(to: str, nth: int = 0) -> str:
    """A move's field name, keyed by its target, never its position: ``move-><to>``.

    Reordering a role's moves then changes nothing; the ``nth`` (from 0) move to the same
    target gets a suffix (``move->lead.2``).

    >>> move_field("senior"), move_field("senior", 1)
    ('move->senior', 'move->senior.2')
    """
    return f"move->{to}" if nth == 0 else f"move->{to}.{nth + 1}"


def option_key(option: str, field: str) -> str:
    """The stream key of an option-level input: ``opt.<option>.<field>`` (``cash_flows.0``)."""
    return f"opt.{option}.{field}"


@dataclass(frozen=True)
class Field:
    """A compiled estimate with its random-stream key and its place in the file."""

    key: str
    expr: Compiled
    path: Path

    @property
    def dynamic(self) -> bool:
        """True when the value depends on the path walked (previous cash, year, skills)."""
        return any(n in PATH_NAMES or n.startswith("skill:") or n == "intersection"
                   for n in self.expr.names)
