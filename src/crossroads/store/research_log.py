"""Read and write the research log. Every function takes a Connection in a transaction.

The caller owns the transaction (``with transaction(url) as conn:`` or
``engine.begin()``), so an import of a thousand conversations commits together or not at
all, and tests run against an in-memory SQLite database:

    with transaction("sqlite://") as conn:
        new_id = add_conversation(conn, Conversation("ana", 12, market="SG"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from crossroads.errors import StoreError
from crossroads.evidence.research import Conversation
from crossroads.store.schema import conversations, estimates, stances

__all__ = [
    "ConversationNotFound",
    "add_conversation",
    "count_conversations",
    "delete_conversation",
    "get_conversation",
    "import_conversations",
    "list_conversations",
    "update_conversation",
]

_CHUNK = 250


class ConversationNotFound(StoreError, LookupError):
    """No conversation has this id."""

    def __init__(self, conversation_id: int) -> None:
        super().__init__(f"no conversation with id {conversation_id} "
                         "(see `crossroads research list`)")
        self.conversation_id = conversation_id


def _row(entry: Conversation) -> dict[str, Any]:
    return {"person": entry.person, "years": entry.years, "market": entry.market,
            "stage": entry.stage, "size": entry.size, "role": entry.role,
            "date": entry.date, "notes": entry.notes}


def _children(conn: Connection, ids: Sequence[int], entries: Sequence[Conversation]) -> None:
    est = [{"conversation_id": i, "name": k, "estimate": v}
           for i, e in zip(ids, entries, strict=True) for k, v in e.estimates.items()]
    sta = [{"conversation_id": i, "claim": k, "stance": v}
           for i, e in zip(ids, entries, strict=True) for k, v in e.stances.items()]
    if est:
        conn.execute(insert(estimates), est)
    if sta:
        conn.execute(insert(stances), sta)


def add_conversation(conn: Connection, entry: Conversation) -> int:
    """Store one conversation; return its new id."""
    return import_conversations(conn, [entry])[0]


def import_conversations(conn: Connection, entries: Iterable[Conversation], *,
                         on_progress: Callable[[int], None] | None = None) -> list[int]:
    """Store many conversations in the caller's transaction; return their ids in order.

    Rows go in chunks of a few hundred with multi-row INSERT ... RETURNING;
    ``on_progress(done)`` is called after each chunk (the crash test uses it to know that
    rows are written before it kills the process).
    """
    entries = list(entries)
    ids: list[int] = []
    stmt = insert(conversations).returning(conversations.c.id, sort_by_parameter_order=True)
    for start in range(0, len(entries), _CHUNK):
        part = entries[start:start + _CHUNK]
        new = [int(i) for i in conn.execute(stmt, [_row(e) for e in part]).scalars()]
        _children(conn, new, part)
        ids += new
        if on_progress is not None:
            on_progress(len(ids))
    return ids


def list_conversations(conn: Connection, ids: Iterable[int] | None = None
                       ) -> dict[int, Conversation]:
    """Every conversation (or those with ``ids``) by id, in id order."""
    query = select(conversations).order_by(conversations.c.id)
    est_q = select(estimates).order_by(estimates.c.conversation_id, estimates.c.name)
    sta_q = select(stances).order_by(stances.c.conversation_id, stances.c.claim)
    if ids is not None:
        wanted = list(ids)
        query = query.where(conversations.c.id.in_(wanted))
        est_q = est_q.where(estimates.c.conversation_id.in_(wanted))
        sta_q = sta_q.where(stances.c.conversation_id.in_(wanted))
    est: dict[int, dict[str, str]] = {}
    for cid, name, text in conn.execute(est_q):
        est.setdefault(cid, {})[name] = text
    sta: dict[int, dict[str, str]] = {}
    for cid, claim, stance in conn.execute(sta_q):
        sta.setdefault(cid, {})[claim] = stance
    out = {}
    for row in conn.execute(query).mappings():
        fields = {k: v for k, v in row.items() if k != "id"}
        out[row["id"]] = Conversation(**fields, estimates=est.get(row["id"], {}),
                                      stances=sta.get(row["id"], {}))
    return out


def get_conversation(conn: Connection, conversation_id: int) -> Conversation:
    """One conversation; raises :class:`ConversationNotFound`."""
    found = list_conversations(conn, [conversation_id])
    if conversation_id not in found:
        raise ConversationNotFound(conversation_id)
    return found[conversation_id]


def count_conversations(conn: Connection) -> int:
    """How many conversations the log holds."""
    return int(conn.execute(select(func.count()).select_from(conversations)).scalar_one())


def update_conversation(conn: Connection, conversation_id: int, entry: Conversation) -> None:
    """Replace conversation ``conversation_id`` with ``entry`` (same id)."""
    done = conn.execute(update(conversations).where(conversations.c.id == conversation_id)
                        .values(**_row(entry)))
    if done.rowcount != 1:
        raise ConversationNotFound(conversation_id)
    _delete_children(conn, conversation_id)
    _children(conn, [conversation_id], [entry])


def delete_conversation(conn: Connection, conversation_id: int) -> Conversation:
    """Delete a conversation and its estimates and stances; return what was deleted."""
    gone = get_conversation(conn, conversation_id)
    _delete_children(conn, conversation_id)  # explicit: not every database cascades
    conn.execute(delete(conversations).where(conversations.c.id == conversation_id))
    return gone


def _delete_children(conn: Connection, conversation_id: int) -> None:
    conn.execute(delete(estimates).where(estimates.c.conversation_id == conversation_id))
    conn.execute(delete(stances).where(stances.c.conversation_id == conversation_id))
