"""Versioned migrations and URL resolution."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from crossroads.store import SCHEMA_VERSION, current_version, migrate, resolve_url, transaction
from crossroads.store.engine import ENV_VAR, StoreError, default_url, open_engine
from crossroads.store.schema import MIGRATIONS, Migration, SchemaError

NEXT = SCHEMA_VERSION + 1  # a migration this code does not have yet


def test_migrate_builds_the_schema_once(engine: Engine) -> None:
    with engine.begin() as conn:
        assert current_version(conn) == 0
        assert migrate(conn) == list(range(1, SCHEMA_VERSION + 1))
        assert migrate(conn) == []
        assert current_version(conn) == SCHEMA_VERSION == len(MIGRATIONS)
        tables = set(inspect(conn).get_table_names())
    assert {"schema_version", "conversations", "estimates", "stances", "journal_entries",
            "journal_years", "journal_checkins"} <= tables


def _add_column(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE conversations ADD COLUMN source VARCHAR(40)"))


def _broken(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
    raise RuntimeError("migration bug")


def test_later_migrations_apply_in_order(engine: Engine) -> None:
    with engine.begin() as conn:
        migrate(conn)
    steps = (*MIGRATIONS, Migration(NEXT, "source column", _add_column))
    with engine.begin() as conn:
        assert migrate(conn, steps) == [NEXT]
        columns = {c["name"] for c in inspect(conn).get_columns("conversations")}
        assert "source" in columns and current_version(conn) == NEXT


def test_a_failing_migration_leaves_no_trace(engine: Engine) -> None:
    # DDL is transactional on SQLite (with the engine's BEGIN) and on PostgreSQL.
    steps = (*MIGRATIONS, Migration(NEXT, "broken", _broken))
    with pytest.raises(RuntimeError, match="migration bug"), engine.begin() as conn:
        migrate(conn, steps)
    with engine.begin() as conn:
        assert current_version(conn) == 0
        assert not inspect(conn).has_table("half_done")
        assert not inspect(conn).has_table("conversations")


def test_a_newer_database_is_refused(engine: Engine) -> None:
    steps = (*MIGRATIONS, Migration(NEXT, "from the future", _add_column))
    with engine.begin() as conn:
        migrate(conn, steps)
    with pytest.raises(SchemaError, match=f"schema version {NEXT}, newer than this crossroads"):
        with transaction(engine):
            pass


def test_migrations_must_be_numbered_from_one() -> None:
    with open_engine("sqlite://").begin() as conn, pytest.raises(SchemaError):
        migrate(conn, (Migration(2, "gap", _add_column),))


def test_url_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_url() == default_url()
    assert default_url().startswith("sqlite:///") and default_url().endswith(
        "crossroads.sqlite3")
    monkeypatch.setenv(ENV_VAR, "sqlite:///from-env.sqlite3")
    assert resolve_url() == "sqlite:///from-env.sqlite3"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_sqlite_file_and_parent_directory_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "log.sqlite3"
    with transaction(str(path)) as conn:
        assert current_version(conn) == SCHEMA_VERSION
    assert path.exists()


@pytest.mark.parametrize("url, message", [
    ("nosuchdialect://x", "cannot open database"),
    ("postgresql+psycopg://u:secret@127.0.0.1:1/none", "database"),
])
def test_bad_databases_are_store_errors_without_password(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        with transaction(url):
            pass
    assert "secret" not in str(info.value)
