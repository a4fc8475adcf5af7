"""What keeps a slider quick: lean what-if runs, reports at the lowest priority in every
thread, and a worker that hands memory back only when idle (docs/web.md, Speed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="per-thread nice: Linux")
def test_every_thread_of_a_report_process_runs_at_the_lowest_priority() -> None:
    # A thread started before the report lowers its priority (as OpenBLAS starts its pool
    # when NumPy is imported) must be lowered too.
    script = textwrap.dedent("""
        import os, threading
        import numpy
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        from crossroads.web.reports import NICE, lower_priority
        lower_priority()
        tids = os.listdir("/proc/self/task")
        print(NICE, len(tids), *sorted({os.getpriority(os.PRIO_PROCESS, int(t)) for t in tids}))
        stop.set()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    nice, threads, values = int(out[0]), int(out[1]), [int(v) for v in out[2:]]
    assert threads >= 2 and values == [nice]
