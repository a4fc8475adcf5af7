"""The research log in a real database: SQLite and PostgreSQL (see conftest.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import Engine, select

from crossroads.evidence.research import Conversation
from crossroads.store import (
    ConversationNotFound,
    StoreError,
    add_conversation,
    count_conversations,
    delete_conversation,
    get_conversation,
    import_conversations,
    list_conversations,
    transaction,
    update_conversation,
)
from crossroads.store.schema import estimates, stances

ANA = Conversation(
    "Ana Lúcia", 12, market="SG", stage="series-b", size="50-250", role="EM",
    date=dt.date(2024, 3, 1), notes='said "it depends", twice\r\nthen:\n\tpick the team  ',
    estimates={"p_em": "30% to 50%", "half_life_ml": "3 to 6"},
    stances={"em_track_open": "agree", "ml.decays": "unsure"})
BO = Conversation("bo", 30, market="US", estimates={"p_em": "20% to 40%"})


def test_add_then_get_returns_the_same_conversation(engine: Engine) -> None:
    with transaction(engine) as conn:
        new_id = add_conversation(conn, ANA)
    with transaction(engine) as conn:
        assert get_conversation(conn, new_id) == ANA
        assert count_conversations(conn) == 1


def test_list_is_in_id_order_with_children(engine: Engine) -> None:
    with transaction(engine) as conn:
        ids = import_conversations(conn, [ANA, BO, Conversation("cy", 0)])
    with transaction(engine) as conn:
        log = list_conversations(conn)
    assert list(log) == ids
    assert list(log.values()) == [ANA, BO, Conversation("cy", 0)]


def test_update_replaces_fields_estimates_and_stances(engine: Engine) -> None:
    with transaction(engine) as conn:
        new_id = add_conversation(conn, ANA)
    changed = dataclasses.replace(ANA, market=None, estimates={"p_em": "45%"}, stances={})
    with transaction(engine) as conn:
        update_conversation(conn, new_id, changed)
    with transaction(engine) as conn:
        assert get_conversation(conn, new_id) == changed
        assert conn.execute(select(estimates.c.name)).scalars().all() == ["p_em"]


def test_delete_removes_children_too(engine: Engine) -> None:
    with transaction(engine) as conn:
        first, second = import_conversations(conn, [ANA, BO])
    with transaction(engine) as conn:
        assert delete_conversation(conn, first) == ANA
    with transaction(engine) as conn:
        assert list(list_conversations(conn)) == [second]
        assert conn.execute(select(stances)).all() == []
        ids = conn.execute(select(estimates.c.conversation_id)).scalars().all()
        assert ids == [second]


@pytest.mark.parametrize("action", ["get", "update", "delete"])
def test_missing_id_is_a_clear_error(engine: Engine, action: str) -> None:
    with transaction(engine) as conn, pytest.raises(ConversationNotFound,
                                                    match="no conversation with id 42"):
        if action == "get":
            get_conversation(conn, 42)
        elif action == "update":
            update_conversation(conn, 42, BO)
        else:
            delete_conversation(conn, 42)


def test_an_import_failing_midway_leaves_nothing(engine: Engine) -> None:
    # Rows are validated before the store sees them; a database-level failure on row 600
    # (here a years < 0 that skipped validation) must still undo the first 599.
    bad = Conversation("zed", 1)
    object.__setattr__(bad, "years", -1)
    entries = [Conversation(f"p{k}", k % 40, estimates={"x": str(k)}) for k in range(599)]
    with transaction(engine) as conn:
        add_conversation(conn, BO)
    with pytest.raises(StoreError, match="years_not_negative|check constraint"):
        with transaction(engine) as conn:
            import_conversations(conn, [*entries, bad])
    with transaction(engine) as conn:
        assert list(list_conversations(conn).values()) == [BO]


def test_import_reports_progress_per_chunk(engine: Engine) -> None:
    seen: list[int] = []
    with transaction(engine) as conn:
        ids = import_conversations(conn, [Conversation(f"p{k}", 3) for k in range(600)],
                                   on_progress=seen.append)
    assert seen == [250, 500, 600]
    assert ids == sorted(ids) and len(set(ids)) == 600


def test_unicode_and_long_notes_survive(engine: Engine) -> None:
    notes = "日本語 ✓ émigré — \"quoted\", comma\n" * 500
    conv = Conversation("Zoë 🦊", 7, notes=notes, estimates={"x": "normal(1, 2)"})
    with transaction(engine) as conn:
        new_id = add_conversation(conn, conv)
    with transaction(engine) as conn:
        assert get_conversation(conn, new_id).notes == notes
