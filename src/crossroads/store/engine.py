"""Which database, and how to open it: SQLite by default, any SQLAlchemy URL on request.

The URL comes from, in order: the ``--db`` option, the ``CROSSROADS_DB`` environment
variable, then ``sqlite:///<user data dir>/crossroads.sqlite3``
(``platformdirs.user_data_dir("crossroads")``). A bare file path is read as a SQLite file,
and ``postgresql://`` / ``postgres://`` get the psycopg 3 driver
(``postgresql+psycopg://``), the one crossroads installs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

__all__ = ["ENV_VAR", "StoreError", "default_url", "open_engine", "resolve_url", "transaction"]

ENV_VAR = "CROSSROADS_DB"


class StoreError(Exception):
    """The database cannot be opened or used; the message says which and why."""


def default_url() -> str:
    """``sqlite:///`` + the crossroads.sqlite3 file in the user's data directory."""
    path = Path(platformdirs.user_data_dir("crossroads")) / "crossroads.sqlite3"
    return f"sqlite:///{path}"


def resolve_url(db: str | None = None) -> str:
    """The database URL to use: ``db``, else ``$CROSSROADS_DB``, else :func:`default_url`.

    >>> resolve_url("postgresql://me@localhost/cr")
    'postgresql+psycopg://me@localhost/cr'
    >>> resolve_url("notes.sqlite3")
    'sqlite:///notes.sqlite3'
    """
    url = (db or os.environ.get(ENV_VAR) or "").strip() or default_url()
    if "://" not in url:
        return f"sqlite:///{url}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def open_engine(db: str | None = None) -> Engine:
    """An Engine for ``db`` (see :func:`resolve_url`), configured for safe transactions.

    For SQLite, the parent directory of the file is created, foreign keys are switched
    on and SQLAlchemy (not the sqlite3 module) issues BEGIN, so that DDL and every write
    are truly transactional (the recipe in SQLAlchemy's SQLite dialect documentation).
    """
    url = resolve_url(db)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "",
                                                                            ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
    except (ArgumentError, ImportError, ValueError, OSError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot open database {_safe(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # stop pysqlite's own implicit BEGIN/COMMIT
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _safe(url: str) -> str:
    """The URL with any password hidden, for error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


@contextmanager
def transaction(db: str | Engine | None = None) -> Iterator[Connection]:
    """A connection inside one transaction on a migrated database: commit or roll back.

    Everything done with the connection commits together when the block ends, or not at
    all if it raises (or the process dies). Database errors become :class:`StoreError`.

    >>> with transaction("sqlite://") as conn:
    ...     conn.exec_driver_sql("SELECT count(*) FROM conversations").scalar()
    0
    """
    from crossroads.store.schema import migrate

    engine = db if isinstance(db, Engine) else open_engine(db)
    try:
        with engine.begin() as conn:
            migrate(conn)
        with engine.begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        where = _safe(str(engine.url))
        raise StoreError(f"database {where}: {_first_line(exc)}") from exc
    finally:
        if not isinstance(db, Engine):
            engine.dispose()


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
