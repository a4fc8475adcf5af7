"""One transaction on a migrated database: what the research log and the journal use.

Apart from :mod:`crossroads.store.engine` (which database, and how to open it) because it
also needs the schema's migrations (:mod:`crossroads.store.schema`), which in turn need
the engine's :class:`~crossroads.store.engine.StoreError`: here both are imported and
neither imports this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crossroads.errors import StoreError
from crossroads.store.engine import one_line, open_engine
from crossroads.store.schema import migrate

__all__ = ["transaction"]


@contextmanager
def transaction(db: str | Engine | None = None) -> Iterator[Connection]:
    """A connection inside one transaction on a migrated database: commit or roll back.

    Everything done with the connection commits together when the block ends, or not at
    all if it raises (or the process dies). Database errors become :class:`StoreError`.

    >>> with transaction("sqlite://") as conn:
    ...     conn.exec_driver_sql("SELECT count(*) FROM conversations").scalar()
    0
    """
    engine = db if isinstance(db, Engine) else open_engine(db)
    where = engine.url.render_as_string(hide_password=True)
    try:
        try:
            with engine.begin() as conn:
                migrate(conn)
        except (ValueError, OSError) as exc:  # e.g. a port out of range, found on connecting
            raise StoreError(f"database {where}: {one_line(str(exc))}") from None
        with engine.begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"database {where}: {_first_line(exc)}") from exc
    finally:
        if not isinstance(db, Engine):
            engine.dispose()


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
