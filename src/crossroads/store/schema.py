"""Tables of the research log and the ordered migrations that build them.

The schema version lives in a one-table ledger, ``schema_version`` (one row per applied
migration: version, description, applied_at). :func:`migrate` applies, in order and each
inside the caller's transaction, every migration newer than the highest recorded version.
Both SQLite and PostgreSQL run DDL transactionally, so a migration is all or nothing.
Why not Alembic: see docs/evidence.md ("Migrations").

A migration is a plain function of a :class:`~sqlalchemy.Connection`. Once released it
never changes: a later schema change is a new function appended to :data:`MIGRATIONS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    func,
    insert,
    inspect,
    select,
)

from crossroads.errors import StoreError

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "SchemaError",
    "conversations",
    "current_version",
    "estimates",
    "journal_checkins",
    "journal_entries",
    "journal_years",
    "metadata",
    "migrate",
    "schema_version",
    "stances",
]

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

conversations = Table(
    "conversations", metadata,
    Column("id", Integer, primary_key=True),
    Column("person", String(200), nullable=False),
    Column("years", Integer, nullable=False),
    Column("market", String(40)),
    Column("stage", String(40)),
    Column("size", String(200)),
    Column("role", String(200)),
    Column("date", Date),
    Column("notes", Text, nullable=False, server_default=""),
    CheckConstraint("years >= 0", name="years_not_negative"),
)

estimates = Table(
    "estimates", metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("estimate", Text, nullable=False),
)

stances = Table(
    "stances", metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("claim", String(100), primary_key=True),
    Column("stance", String(10), nullable=False),
    CheckConstraint("stance IN ('agree', 'disagree', 'unsure')", name="stance_known"),
)


# The decision journal (docs/journal.md): an entry keeps the file and the run; each year of
# the chosen option's predictions is a row of JSON arrays; check-ins record what happened.
journal_entries = Table(
    "journal_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("source", String(1000), nullable=False),
    Column("file_text", Text, nullable=False),
    Column("file_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("samples", Integer, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("version", String(40), nullable=False),
    Column("option", String(200), nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("currency", String(20), nullable=False),
    Column("prediction", Text, nullable=False),   # JSON: option, roles, start, levels
    Column("summary", Text, nullable=False),      # JSON: the run's `run --json` object
    Column("note", Text, nullable=False, server_default=""),
)

journal_years = Table(
    "journal_years", metadata,
    Column("entry_id", Integer, ForeignKey("journal_entries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("prediction", Text, nullable=False),   # JSON: pay, p_hold, p_reached, scores
)

journal_checkins = Table(
    "journal_checkins", metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, ForeignKey("journal_entries.id", ondelete="CASCADE"),
           nullable=False),
    Column("year", Integer, nullable=False),
    Column("checked_on", Date),
    Column("cash", Float),
    Column("pre_tax", Boolean, nullable=False, server_default=false()),  # cash before tax
    Column("role", String(200)),
    Column("scores", Text, nullable=False),       # JSON: {criterion: value}
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("year >= 0", name="checkin_year_not_negative"),
)


class SchemaError(StoreError):
    """The database's schema cannot be used by this version of crossroads."""


@dataclass(frozen=True)
class Migration:
    """One step of the schema: ``apply(conn)`` moves it from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_research_log(conn: Connection) -> None:
    # Version 1 is the first schema, identical to the tables above. When a table changes,
    # migration 2 alters it and this function keeps building the version-1 tables.
    metadata.create_all(conn, tables=[conversations, estimates, stances])


def _v2_journal(conn: Connection) -> None:
    metadata.create_all(conn, tables=[journal_entries, journal_years, journal_checkins])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "research log: conversations, estimates, stances", _v1_research_log),
    Migration(2, "decision journal: entries, predicted years, check-ins", _v2_journal),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    """The highest applied migration, 0 for a database crossroads has never touched."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema_version.c.version), 0)))
               .scalar_one())


def migrate(conn: Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Bring the schema up to date; return the versions applied (usually none).

    Runs in the caller's transaction, so a failing migration leaves nothing behind.
    Raises :class:`SchemaError` when the database is newer than this code.

    >>> from crossroads.store.engine import open_engine
    >>> with open_engine("sqlite://").begin() as conn:
    ...     migrate(conn), migrate(conn)
    ([1, 2], [])
    """
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise SchemaError(f"migrations must be numbered 1, 2, 3...; got {versions}")
    metadata.create_all(conn, tables=[schema_version])
    have = current_version(conn)
    if have > len(migrations):
        raise SchemaError(f"the database has schema version {have}, newer than this "
                          f"crossroads knows ({len(migrations)}); upgrade crossroads")
    applied = []
    for step in migrations[have:]:
        step.apply(conn)
        conn.execute(insert(schema_version).values(
            version=step.version, description=step.description,
            applied_at=dt.datetime.now(dt.UTC)))
        applied.append(step.version)
    return applied
