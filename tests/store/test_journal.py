"""The journal's tables: entries in and out exactly, export and import, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from crossroads.journal.calibrate import Checkin
from crossroads.journal.prediction import Prediction, YearPrediction
from crossroads.store import transaction
from crossroads.store.journal import (
    EntryNotFound,
    Record,
    add_checkin,
    add_entry,
    delete_entry,
    export_journal,
    get_entry,
    get_record,
    import_journal,
    list_entries,
)
from crossroads.store.schema import journal_checkins, journal_entries, journal_years

AT = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)


def record(note: str = "took the cut", checkins: tuple[Checkin, ...] = ()) -> Record:
    years = tuple(YearPrediction(t, (1.0 / 3 + t, 0.1 + t, 1e6 * (t + 1)),
                                 {"eng": 0.75, "senior": 0.25},
                                 {"eng": 1.0, "senior": 0.25 + 0.1 * t},
                                 {"fun": (1.5, 2.0, 2.5 + t)}) for t in range(4))
    pred = Prediction("move", "Move <b>on</b>", {"eng": "engineer", "senior": "senior"},
                      "eng", (0.0, 50.0, 100.0), years, "today's USD, before tax")
    return Record("decision.yaml", "decision: x\n", "ab" * 32, "Stay or move?", 4000, 2**40,
                  "0.1.0", 4, "USD", pred, {"samples": 4000, "options": {"move": {}}}, note,
                  AT, checkins)


def test_an_entry_comes_back_exactly(engine: Engine) -> None:
    rec = record(checkins=(Checkin(1, 12.5, "eng", {"fun": 2.0}, "year one", "2025-03-02"),))
    with transaction(engine) as conn:
        new = add_entry(conn, rec)
    with transaction(engine) as conn:
        back = get_record(conn, new)
    assert back.prediction == rec.prediction            # floats round-trip exactly
    assert back.summary == rec.summary and back.recorded_at == AT and back.seed == 2**40
    assert [(c.year, c.cash, c.role, dict(c.scores), c.note, c.date) for c in back.checkins] == \
        [(1, 12.5, "eng", {"fun": 2.0}, "year one", "2025-03-02")]


def test_checkins_are_listed_in_year_order(engine: Engine) -> None:
    with transaction(engine) as conn:
        new = add_entry(conn, record())
        add_checkin(conn, new, Checkin(2, cash=5.0))
        add_checkin(conn, new, Checkin(0, role="eng"))
    with transaction(engine) as conn:
        entry = get_entry(conn, new)
        assert [c.year for c in entry.checkins] == [0, 2]
        assert entry.recorded == "2024-03-01" and len(list_entries(conn)) == 1


def test_unknown_entries_and_deletion(engine: Engine) -> None:
    with transaction(engine) as conn:
        new = add_entry(conn, record(checkins=(Checkin(0, 1.0),)))
    with pytest.raises(EntryNotFound, match="no journal entry with id 99"), \
            transaction(engine) as conn:
        get_entry(conn, 99)
    with transaction(engine) as conn:
        delete_entry(conn, new)
        for table in (journal_entries, journal_years, journal_checkins):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_export_then_import_gives_the_same_entries(engine: Engine) -> None:
    with transaction(engine) as conn:
        add_entry(conn, record(checkins=(Checkin(3, 7.0, "senior", {"fun": 1.0}),)))
        add_entry(conn, record(note="second"))
        document = export_journal(conn)
        ids = import_journal(conn, document)
        again = export_journal(conn, ids)
    assert ids == [3, 4]
    strip = [{k: v for k, v in e.items() if k != "id"} for e in document["entries"]]
    assert [{k: v for k, v in e.items() if k != "id"} for e in again["entries"]] == strip


@pytest.mark.parametrize(("change", "message"), [
    ({"format": "other"}, "not a crossroads journal export"),
    ({"version": 9}, "version 9"),
    ({"entries": "BAD"}, "entry 2: KeyError"),   # a good entry, then one without fields
])
def test_a_bad_import_writes_nothing(engine: Engine, change: dict[str, object],
                                     message: str) -> None:
    with transaction(engine) as conn:
        add_entry(conn, record())
        document = export_journal(conn)
    if change.get("entries") == "BAD":
        change = {"entries": [*document["entries"], {"source": "x"}]}
    with pytest.raises(ValueError, match=message), transaction(engine) as conn:
        import_journal(conn, document | change)
    with transaction(engine) as conn:
        assert len(list_entries(conn)) == 1
