"""The store suite runs on SQLite and on PostgreSQL.

PostgreSQL runs when ``CROSSROADS_TEST_PG_URL`` is set, as ``scripts/with-postgres.sh``
(and so ``make test``) does; otherwise those cases skip and say why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from crossroads.store import open_engine

PG_ENV = "CROSSROADS_TEST_PG_URL"
TABLES = ("journal_checkins", "journal_years", "journal_entries", "stances", "estimates",
          "conversations", "schema_version")


def _drop_all(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A fresh, empty database: in-memory SQLite, or the test PostgreSQL with no tables."""
    if request.param == "sqlite":
        eng = open_engine("sqlite://")
        yield eng
        eng.dispose()
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: run under scripts/with-postgres.sh (make test)")
    eng = open_engine(url)
    _drop_all(eng)
    yield eng
    _drop_all(eng)
    eng.dispose()
