"""A journal import killed with SIGKILL halfway loses nothing committed and keeps nothing
of the killed transaction: the same deterministic kill as test_crash.py, for the journal.

The child imports 40 entries (each with 30 years of predictions on the 201-point grid)
in one transaction with a tiny page cache, so SQLite spills changed pages into the file
itself; after 10 it says "ready" and waits, and the parent kills it right then.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from crossroads.journal.calibrate import Checkin
from crossroads.store import transaction
from crossroads.store.journal import add_checkin, add_entry, export_journal
from tests.store.test_crash import SRC, _dump, _wait_for_line
from tests.store.test_journal import record

CHILD = """
import sys, time, json
from crossroads.store import open_engine
from crossroads.store.journal import import_journal

document = json.loads(open(sys.argv[2]).read())
entry = document["entries"][0]
years = [{**entry["prediction"]["years"][0], "year": t,
          "pay": [t + k / 7 for k in range(201)]} for t in range(30)]
big = {**entry, "horizon": 30, "prediction": {**entry["prediction"], "years": years,
                                             "levels": [k / 2 for k in range(201)]}}
document["entries"] = [big] * 40

def ready(done):
    if done >= 10:
        print(f"ready {done}", flush=True)
        time.sleep(600)

engine = open_engine(sys.argv[1])
with engine.begin() as conn:
    conn.exec_driver_sql("PRAGMA cache_size = 10")  # pages: force spills to the file
    import_journal(conn, document, on_progress=ready)
print("finished", flush=True)
"""


def test_sigkill_during_a_journal_import_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    with transaction(str(db)) as conn:
        first = add_entry(conn, record())
        add_checkin(conn, first, Checkin(1, cash=12.0, role="senior", note="committed"))
        exported = export_journal(conn)
    dump_before, bytes_before = _dump(db), db.read_bytes()
    source = tmp_path / "export.json"
    source.write_text(json.dumps(exported))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    with subprocess.Popen([sys.executable, "-c", CHILD, f"sqlite:///{db}", str(source)],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        try:
            line = _wait_for_line(proc, timeout=60)
            assert line.startswith("ready"), (line, proc.stderr.read() if proc.stderr else "")
            journal = Path(f"{db}-journal")
            assert journal.exists() and journal.stat().st_size > 0  # mid-transaction
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert db.read_bytes() != bytes_before   # the killed write reached the file itself
    assert _dump(db) == dump_before          # and the hot journal rolled it back
    with transaction(str(db)) as conn:
        assert export_journal(conn) == exported
