"""Files at rest are owner-only whatever the umask, deleted notes are overwritten, and a
database URL's password is masked on every surface (issue 21)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from crossroads.evidence.research import Conversation
from crossroads.store import StoreError, add_conversation, open_engine, transaction
from crossroads.store.engine import mask_url

runner = CliRunner()
SECRET = "PW-s3cret"
BAD_URLS = [
    f"postgresql ://me:{SECRET}@localhost/cr",        # a space: no valid URL at all
    f"postgresql://me:{SECRET}@localhost:notaport/cr",  # a port that is no number
    f"postgresql://me:{SECRET}@localhost:99999/cr",     # a port out of range
    f"postgresql://me@localhost/cr?password={SECRET}",  # the password as a parameter
]


@pytest.fixture(params=[0o022, 0o077, 0o000], ids=["umask022", "umask077", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_database_its_journal_and_its_folder_are_owner_only(tmp_path: Path,
                                                                umask: int) -> None:
    db = tmp_path / "data" / "log.sqlite3"
    seen: list[int] = []
    with transaction(str(db)) as conn:
        add_conversation(conn, Conversation("ana", 12, notes="her salary: 250k"))
        journal = db.with_name(db.name + "-journal")  # exists while the write is open
        if journal.exists():
            seen.append(mode(journal))
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    assert seen in ([], [0o600])
    with sqlite3.connect(db) as raw:  # WAL files take the database file's mode too
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("INSERT INTO conversations (person, years, notes) VALUES ('bo', 3, '')")
        assert mode(db.with_name(db.name + "-wal")) == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    open_engine(str(db)).dispose()
    assert mode(db) == 0o600


def test_secure_delete_is_on() -> None:
    engine = open_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_a_deleted_note_leaves_no_trace_in_the_file(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    with transaction(str(db)) as conn:
        cid = add_conversation(conn, Conversation("ana", 12, notes="TOPSECRET-" * 50))
    with transaction(str(db)) as conn:
        from crossroads.store import delete_conversation

        delete_conversation(conn, cid)
    assert b"TOPSECRET" not in db.read_bytes()


def test_report_and_init_files_are_owner_only(tmp_path: Path, umask: int) -> None:
    from tests.web.conftest import SMALL

    src = tmp_path / "d.yaml"
    src.write_text(SMALL)
    out = tmp_path / f"r{umask}.html"
    result = runner.invoke(app, ["report", str(src), "-o", str(out), "--samples", "200"])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_password_is_masked_and_the_error_is_one_line(url: str) -> None:
    with pytest.raises(StoreError) as info:
        with transaction(url) as conn:
            conn.exec_driver_sql("SELECT 1")
    text = str(info.value)
    assert SECRET not in text and "***" in text and "\n" not in text


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_cli_masks_the_password(url: str) -> None:
    result = runner.invoke(app, ["research", "list", "--db", url])
    assert result.exit_code == 1
    assert SECRET not in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_check_and_report_mask_the_password(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSROADS_DB", BAD_URLS[0])
    src = tmp_path / "d.yaml"
    src.write_text("version: 1\ndecision: x\nparams:\n  p: research(p_em)\n"
                   "options:\n  a: {roles: {r: {cash: 50k * p}}}\n")
    for args in (["check", str(src)], ["report", str(src), "-o", str(tmp_path / "r.html")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and SECRET not in result.output, result.output
        assert "***" in result.output
    with pytest.raises(crossroads.DecisionError) as info:
        crossroads.load(src)
    assert SECRET not in info.value.format_all()


def test_mask_url_hides_only_the_password() -> None:
    assert mask_url("sqlite:///home/me/log.sqlite3") == "sqlite:///home/me/log.sqlite3"
    assert mask_url(f"postgresql+psycopg://me:{SECRET}@h:5432/cr") == \
        "postgresql+psycopg://me:***@h:5432/cr"
