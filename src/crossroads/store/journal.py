"""Read and write the decision journal. Every function takes a Connection in a transaction.

An entry is written with its predictions in one transaction, and an import of many
entries commits together or not at all, so a process killed during a write leaves the
journal as it was (tests/store/test_journal_crash.py kills one).

    with transaction(None) as conn:
        entry_id = add_entry(conn, record)
        add_checkin(conn, entry_id, Checkin(2, cash=52_000, role="senior"))
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from crossroads.errors import StoreError, UsageError
from crossroads.journal.calibrate import Checkin, Entry
from crossroads.journal.prediction import Prediction, YearPrediction
from crossroads.store.schema import journal_checkins, journal_entries, journal_years

__all__ = ["EntryNotFound", "Record", "add_checkin", "add_entry", "delete_entry",
           "export_journal", "get_entry", "get_record", "import_journal", "list_entries"]

#: The export file's format name and version.
FORMAT, FORMAT_VERSION = "crossroads-journal", 1


class EntryNotFound(StoreError, LookupError):
    """No journal entry has this id."""

    def __init__(self, entry_id: int) -> None:
        super().__init__(f"no journal entry with id {entry_id} (see `crossroads journal review`)")
        self.entry_id = entry_id


@dataclass(frozen=True)
class Record:
    """Everything an entry keeps: the file, the run, the prediction, the check-ins."""

    source: str
    file_text: str
    file_hash: str
    title: str
    samples: int
    seed: int
    version: str
    horizon: int
    currency: str
    prediction: Prediction
    summary: Mapping[str, Any]
    note: str = ""
    recorded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    checkins: tuple[Checkin, ...] = ()

    def entry(self, entry_id: int) -> Entry:
        """The part :func:`crossroads.journal.calibrate.review` reads."""
        return Entry(entry_id, self.recorded_at.date().isoformat(), self.prediction,
                     self.checkins, self.note, self.title, self.currency)


def _dumps(data: Any) -> str:
    return json.dumps(data, allow_nan=False, separators=(",", ":"))


def add_entry(conn: Connection, record: Record) -> int:
    """Store an entry, its predicted years and any check-ins it carries; return its id."""
    pred = record.prediction
    head = {k: v for k, v in pred.to_dict().items() if k != "years"}
    new = conn.execute(insert(journal_entries).returning(journal_entries.c.id).values(
        recorded_at=record.recorded_at, recorded_on=record.recorded_at.date(),
        source=record.source, file_text=record.file_text, file_hash=record.file_hash,
        title=record.title, samples=record.samples, seed=record.seed,
        version=record.version, option=pred.option, horizon=record.horizon,
        currency=record.currency, prediction=_dumps(head), summary=_dumps(record.summary),
        note=record.note)).scalar_one()
    entry_id = int(new)
    conn.execute(insert(journal_years), [
        {"entry_id": entry_id, "year": y.year,
         "prediction": _dumps({k: v for k, v in y.to_dict().items() if k != "year"})}
        for y in pred.years])
    for c in record.checkins:
        add_checkin(conn, entry_id, c, recorded_at=record.recorded_at)
    return entry_id


def add_checkin(conn: Connection, entry_id: int, checkin: Checkin, *,
                recorded_at: dt.datetime | None = None) -> int:
    """Store a check-in of entry ``entry_id``; return its id. The caller validates it."""
    new = conn.execute(insert(journal_checkins).returning(journal_checkins.c.id).values(
        entry_id=entry_id, year=checkin.year,
        checked_on=dt.date.fromisoformat(checkin.date) if checkin.date else None,
        cash=checkin.cash, pre_tax=checkin.pre_tax, role=checkin.role,
        scores=_dumps(dict(checkin.scores)),
        note=checkin.note, recorded_at=recorded_at or dt.datetime.now(dt.UTC))).scalar_one()
    return int(new)


def _checkins(conn: Connection, ids: list[int]) -> dict[int, list[Checkin]]:
    out: dict[int, list[Checkin]] = {i: [] for i in ids}
    rows = conn.execute(select(journal_checkins).where(journal_checkins.c.entry_id.in_(ids))
                        .order_by(journal_checkins.c.year, journal_checkins.c.id))
    for r in rows.mappings():
        out[r["entry_id"]].append(Checkin(
            r["year"], r["cash"], r["role"], json.loads(r["scores"]), r["note"],
            r["checked_on"].isoformat() if r["checked_on"] else None, r["id"],
            bool(r["pre_tax"])))
    return out


def list_records(conn: Connection, ids: Iterable[int] | None = None) -> dict[int, Record]:
    """Every entry (or those with ``ids``) in full, by id, in id order."""
    query = select(journal_entries).order_by(journal_entries.c.id)
    years_q = select(journal_years).order_by(journal_years.c.entry_id, journal_years.c.year)
    if ids is not None:
        wanted = list(ids)
        query = query.where(journal_entries.c.id.in_(wanted))
        years_q = years_q.where(journal_years.c.entry_id.in_(wanted))
    rows = list(conn.execute(query).mappings())
    years: dict[int, list[YearPrediction]] = {}
    for r in conn.execute(years_q).mappings():
        years.setdefault(r["entry_id"], []).append(
            YearPrediction.from_dict({"year": r["year"], **json.loads(r["prediction"])}))
    checks = _checkins(conn, [r["id"] for r in rows])
    out = {}
    for r in rows:
        head = json.loads(r["prediction"])
        pred = replace(Prediction.from_dict({**head, "years": []}),
                       years=tuple(years.get(r["id"], [])))
        at = r["recorded_at"]
        out[r["id"]] = Record(
            r["source"], r["file_text"], r["file_hash"], r["title"], r["samples"], r["seed"],
            r["version"], r["horizon"], r["currency"], pred, json.loads(r["summary"]),
            r["note"], at if at.tzinfo else at.replace(tzinfo=dt.UTC),
            tuple(checks[r["id"]]))
    return out


def get_record(conn: Connection, entry_id: int) -> Record:
    """One entry in full; raises :class:`EntryNotFound`."""
    found = list_records(conn, [entry_id])
    if entry_id not in found:
        raise EntryNotFound(entry_id)
    return found[entry_id]


def get_entry(conn: Connection, entry_id: int) -> Entry:
    """One entry as the review reads it; raises :class:`EntryNotFound`."""
    return get_record(conn, entry_id).entry(entry_id)


def list_entries(conn: Connection) -> list[Entry]:
    """Every entry as the review reads it, in id order."""
    return [rec.entry(i) for i, rec in list_records(conn).items()]


def delete_entry(conn: Connection, entry_id: int) -> None:
    """Delete an entry with its predictions and check-ins."""
    get_record(conn, entry_id)
    conn.execute(delete(journal_checkins).where(journal_checkins.c.entry_id == entry_id))
    conn.execute(delete(journal_years).where(journal_years.c.entry_id == entry_id))
    conn.execute(delete(journal_entries).where(journal_entries.c.id == entry_id))


def record_to_dict(entry_id: int, rec: Record) -> dict[str, Any]:
    """An entry as plain JSON data: the unit of `journal export`."""
    return {
        "id": entry_id, "recorded_at": rec.recorded_at.isoformat(), "source": rec.source,
        "file_text": rec.file_text, "file_hash": rec.file_hash, "title": rec.title,
        "samples": rec.samples, "seed": rec.seed, "version": rec.version,
        "horizon": rec.horizon, "currency": rec.currency, "note": rec.note,
        "prediction": rec.prediction.to_dict(), "summary": rec.summary,
        "checkins": [{"year": c.year, "date": c.date, "cash": c.cash, "pre_tax": c.pre_tax,
                      "role": c.role, "scores": dict(c.scores), "note": c.note}
                     for c in rec.checkins],
    }


def record_from_dict(data: Mapping[str, Any]) -> Record:
    """The inverse of :func:`record_to_dict` (the id is not kept: imports get new ids).

    Raises KeyError, TypeError or ValueError on a malformed entry.
    """
    at = dt.datetime.fromisoformat(str(data["recorded_at"]))
    return Record(
        str(data["source"]), str(data["file_text"]), str(data["file_hash"]),
        str(data["title"]), int(data["samples"]), int(data["seed"]), str(data["version"]),
        int(data["horizon"]), str(data["currency"]), Prediction.from_dict(data["prediction"]),
        dict(data["summary"]), str(data.get("note", "")),
        at if at.tzinfo else at.replace(tzinfo=dt.UTC),
        tuple(Checkin(int(c["year"]), None if c.get("cash") is None else float(c["cash"]),
                      c.get("role"), {k: float(v) for k, v in c.get("scores", {}).items()},
                      str(c.get("note", "")), c.get("date"), None,
                      bool(c.get("pre_tax", False))) for c in data["checkins"]))


def export_journal(conn: Connection, ids: Iterable[int] | None = None) -> dict[str, Any]:
    """The journal (or the entries ``ids``) as one JSON document."""
    records = list_records(conn, ids)
    return {"format": FORMAT, "version": FORMAT_VERSION,
            "entries": [record_to_dict(i, r) for i, r in records.items()]}


def import_journal(conn: Connection, document: Mapping[str, Any], *,
                   on_progress: Callable[[int], None] | None = None) -> list[int]:
    """Add every entry of an exported document in the caller's transaction; new ids.

    Raises UsageError (a ValueError) naming the entry when the document is not a journal export.
    """
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise UsageError(f"not a crossroads journal export (no \"format\": \"{FORMAT}\")")
    if document.get("version") != FORMAT_VERSION:
        raise UsageError(f"journal export version {document.get('version')!r}; this "
                         f"crossroads reads version {FORMAT_VERSION}")
    records = []
    for k, data in enumerate(document.get("entries") or []):
        try:
            records.append(record_from_dict(data))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"entry {k + 1}: {type(exc).__name__}: {exc}") from None
    ids = []
    for rec in records:
        ids.append(add_entry(conn, rec))
        if on_progress is not None:
            on_progress(len(ids))
    return ids
