"""Which database, and how to open it: SQLite by default, any SQLAlchemy URL on request.

The URL comes from, in order: the ``--db`` option, the ``CROSSROADS_DB`` environment
variable, then ``sqlite:///<user data dir>/crossroads.sqlite3``
(``platformdirs.user_data_dir("crossroads")``). A bare file path is read as a SQLite file,
and ``postgresql://`` / ``postgres://`` get the psycopg 3 driver
(``postgresql+psycopg://``), installed with the ``postgres`` extra
(``pip install 'crossroads[postgres]'``).

Private by default: a SQLite file is created 0600 in a folder created 0700 (whatever the
umask; SQLite gives its -journal and -wal files the database file's mode), an existing one
is set to 0600, and ``secure_delete`` overwrites deleted notes with zeros. A URL is only
ever shown with its password masked (:func:`mask_url`), in every error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from crossroads.errors import StoreError, mask_url

__all__ = ["ENV_VAR", "StoreError", "default_url", "mask_url", "one_line", "open_engine",
           "resolve_url"]

ENV_VAR = "CROSSROADS_DB"


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
            _private_file(Path(parsed.database).expanduser())
        parsed.port  # noqa: B018 - a port that is no number raises ValueError here
        engine = create_engine(parsed)
    except ImportError as exc:
        hint = (" (install the postgres extra: pip install 'crossroads[postgres]')"
                if "psycopg" in str(exc) else "")
        raise StoreError(f"cannot open database {mask_url(url)}: {exc}{hint}") from None
    except (ArgumentError, ValueError, OSError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot open database {mask_url(url)}: "
                         f"{one_line(str(exc))}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _private_file(path: Path) -> None:
    """Create the database file 0600 (its folder 0700 when crossroads makes it, or when it
    is crossroads' own data folder) before SQLite opens it; tighten an existing one."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    elif folder.resolve() == Path(platformdirs.user_data_dir("crossroads")).resolve():
        os.chmod(folder, 0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for name in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        if name.exists() and stat.S_IMODE(name.stat().st_mode) & 0o077:
            os.chmod(name, 0o600)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # stop pysqlite's own implicit BEGIN/COMMIT
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")  # deleted notes are overwritten, not left
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def one_line(text: str) -> str:
    """The first line of an error's text, for a one-line StoreError."""
    text = text.strip()
    return text.splitlines()[0] if text else "unknown error"
