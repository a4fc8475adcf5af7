"""An import killed with SIGKILL halfway leaves the SQLite database exactly as before.

The child process begins the import transaction, writes 1,000 of 5,000 conversations with
a tiny page cache (so SQLite has to spill changed pages into the database file itself,
keeping the originals in the rollback journal), then says "ready" on its stdout and waits.
The parent kills it right then: deterministic, no sleeps or races. Opening the file again
must roll the hot journal back: the dump is identical to the one taken before.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from crossroads.evidence.research import Conversation
from crossroads.store import add_conversation, list_conversations, transaction

SRC = Path(__file__).resolve().parents[2] / "src"

CHILD = """
import sys, time
from crossroads.evidence.research import Conversation
from crossroads.store import import_conversations, open_engine

entries = [Conversation(f"person {k}", k % 45, market="SG", notes="n" * 400,
                        estimates={"p_em": "30% to 50%", "half_life_ml": "3 to 6"})
           for k in range(5000)]

def ready(done):
    if done >= 1000:
        print(f"ready {done}", flush=True)
        time.sleep(600)

engine = open_engine(sys.argv[1])
with engine.begin() as conn:
    conn.exec_driver_sql("PRAGMA cache_size = 10")  # pages: force spills to the file
    import_conversations(conn, entries, on_progress=ready)
print("finished", flush=True)
"""


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _wait_for_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the child never said it was ready"
    return proc.stdout.readline()


def test_sigkill_during_import_leaves_the_database_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    before = [Conversation("ana", 12, market="SG", estimates={"p_em": "40%"}),
              Conversation("bo", 30, notes="kept\nas is")]
    with transaction(str(db)) as conn:
        for conv in before:
            add_conversation(conn, conv)
    dump_before, bytes_before = _dump(db), db.read_bytes()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    with subprocess.Popen([sys.executable, "-c", CHILD, f"sqlite:///{db}"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            line = _wait_for_line(proc, timeout=60)
            assert line.startswith("ready"), (line, proc.stderr.read() if proc.stderr else "")
            journal = Path(f"{db}-journal")
            assert journal.exists() and journal.stat().st_size > 0  # mid-transaction, for real
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    # The killed transaction reached the database file itself: only the journal can undo it.
    assert db.read_bytes() != bytes_before
    assert _dump(db) == dump_before
    with transaction(str(db)) as conn:
        assert list(list_conversations(conn).values()) == before
