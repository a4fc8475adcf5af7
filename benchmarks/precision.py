"""Section 8: answers as fast as their precision allows, side by side in one run.

Every row is a fresh process from the shell, measured in the same run with the machine's
load stated, so the ratios hold even when the absolute times move with the load. The rows
up to the auto run are interleaved (each repeat runs every one of them in turn), so a burst
of load stretches them alike. crossroads is byte-compiled first (``make bench`` does it too,
before every section), as an install from a wheel is: an editable checkout run with
``PYTHONDONTWRITEBYTECODE`` would otherwise compile every crossroads module from source in
every process (about 0.1 s of CPU), which the libraries, installed with their bytecode,
never pay.

* the libraries alone (``import numpy, pydantic, ruamel.yaml``), the floor no change to
  crossroads can remove; the founding case with ``--samples auto`` should take at most 5x it
  (and at most 1.0 s on a quiet machine);
* start-up alone: ``import crossroads.cli, crossroads.api`` (the command line and the engine;
  ``crossroads.cli`` alone imports no NumPy), and a run of one draw (imports, load, one draw);
* the auto run with a warm disk cache (what every run after a file's first one pays) and
  with an empty one (the first run of a file: intersection and beta tables built);
* ``report`` against ``run`` at the same samples (target: within 3x);
* ``sensitivity`` against ``run`` at the same samples (target: within 2x).

Run alone: ``python benchmarks/precision.py [--repeats 3]`` prints the section.
"""

from __future__ import annotations

import compileall
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import machine  # noqa: E402
from timing import Section, Timing, seconds  # noqa: E402

CASE = HERE.parent / "examples" / "why-i-quit-data-science.yaml"
LIBRARIES = "import numpy, pydantic, ruamel.yaml"
#: the samples at which report and sensitivity are compared with run
SAME = 20_000
TIMEOUT = 900


def _wall(cmd: list[str], repeats: int) -> tuple[Timing, Timing]:
    """Wall time and CPU time (user + system of the child: steadier than the wall clock on
    a shared machine, where busy neighbours stretch it) of ``repeats`` runs of ``cmd``."""
    return _interleaved([(cmd, dict)], repeats, warm=False)[0]


#: A command and a function giving the extra environment of one run of it (a new cache
#: folder for each cold run, say).
Command = tuple[list[str], Callable[[], dict[str, str]]]


def _interleaved(commands: Sequence[Command], repeats: int, *, warm: bool = True
                 ) -> list[tuple[Timing, Timing]]:
    """``_wall`` of several commands, run in turn (A, B, C, A, B, C...), after one unmeasured
    round when ``warm``, so that the operating system's file cache is as warm for each."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    first = 0 if warm else 1
    for round_ in range(first, repeats + 1):
        for i, (cmd, extra) in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, check=True, timeout=TIMEOUT,
                           env={**os.environ, **extra()})
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_:
                walls[i].append(wall)
                cpus[i].append(after.ru_utime + after.ru_stime - before.ru_utime
                               - before.ru_stime)
    return [(Timing(tuple(w)), Timing(tuple(c))) for w, c in zip(walls, cpus, strict=True)]


def _byte_compile() -> str:
    """Byte-compile the crossroads package being measured, as installing a wheel does.

    ``PYTHONDONTWRITEBYTECODE`` stops the interpreter writing ``__pycache__``, not reading
    it, so each timed process then loads bytecode as an installed crossroads would.
    """
    spec = importlib.util.find_spec("crossroads")
    if spec is None or spec.origin is None:
        return "crossroads not found: not byte-compiled"
    folder = Path(spec.origin).parent
    compiled = compileall.compile_dir(folder, quiet=1)
    return "crossroads byte-compiled first" + ("" if compiled else " (with errors)")


def _auto_draws(exe: str, case: Path) -> tuple[str, str]:
    """The draws an auto run used and the precision it reached, from its JSON."""
    out = subprocess.run([exe, "run", str(case), "--samples", "auto", "--json"],
                         capture_output=True, text=True, timeout=TIMEOUT)
    if out.returncode != 0:
        return "auto", "`--samples auto` not supported"
    data = json.loads(out.stdout)
    p = data.get("precision") or {}
    nan = float("nan")
    return (f"{data['samples']:,}",
            f"P(best) se {p.get('p_best_se', nan):.4f} (target "
            f"{p.get('p_best_target', nan):.4f}); gap se {p.get('gap_se', nan):,.0f} "
            f"(target {p.get('gap_target', nan):,.0f})")


def _file_samples(case: Path) -> str:
    for line in case.read_text().splitlines():
        if line.startswith("samples:"):
            return line.split(":", 1)[1].strip()
    return "100000"


def precision(case: Path = CASE, repeats: int = 3) -> Section:
    """The rows above, their ratios (on CPU time) and whether each target is met."""
    exe = str(Path(sys.executable).with_name("crossroads"))
    compiled = _byte_compile()
    load_before = machine.load()
    run_cmd = [exe, "run", str(case)]
    draws, reached = _auto_draws(exe, case)  # also fills the disk cache for the warm rows
    with tempfile.TemporaryDirectory() as tmp:
        colds = iter(range(1_000_000))

        def cold() -> dict[str, str]:
            return {"CROSSROADS_CACHE_DIR": str(Path(tmp) / f"cold-{next(colds)}")}

        startup: list[tuple[str, Command]] = [
            (f'`python -c "{LIBRARIES}"` (the libraries alone)',
             ([sys.executable, "-c", LIBRARIES], dict)),
            ('start-up: `python -c "import crossroads.cli, crossroads.api"`',
             ([sys.executable, "-c", "import crossroads.cli, crossroads.api"], dict)),
            ("start-up: `crossroads run CASE --samples 1 --json`",
             ([*run_cmd, "--samples", "1", "--json"], dict))]
        if draws != "auto":
            startup += [
                (f"`crossroads run CASE --samples auto --json` ({draws} draws)",
                 ([*run_cmd, "--samples", "auto", "--json"], dict)),
                (f"`crossroads run CASE --samples auto --json`, cold cache ({draws} draws)",
                 ([*run_cmd, "--samples", "auto", "--json"], cold))]
        timed = _interleaved([command for _, command in startup], repeats)
        rows = [(label, t) for (label, _), t in zip(startup, timed, strict=True)]
    rows.append((f"`crossroads run CASE --json` (the file's `samples: {_file_samples(case)}`)",
                 _wall([*run_cmd, "--json"], repeats)))
    rows.append((f"`crossroads run CASE --samples {SAME} --json`",
                 _wall([*run_cmd, "--samples", str(SAME), "--json"], repeats)))
    with tempfile.TemporaryDirectory() as tmp:
        rows.append((f"`crossroads report CASE --samples {SAME} -o r.html`",
                     _wall([exe, "report", str(case), "--samples", str(SAME), "-o",
                            str(Path(tmp) / "r.html")], repeats)))
    rows.append((f"`crossroads sensitivity CASE --samples {SAME} --json`",
                 _wall([exe, "sensitivity", str(case), "--samples", str(SAME), "--json"],
                       repeats)))
    return _section(rows, draws, reached, load_before, compiled)


def _section(rows: list[tuple[str, tuple[Timing, Timing]]], draws: str, reached: str,
             load_before: str, compiled: str = "") -> Section:
    cpu = {label.split("`")[1]: c.median for label, (_, c) in rows}
    libs = rows[0][1][1].median
    run = next(c.median for label, (_, c) in rows if f"--samples {SAME} --json" in label)
    auto = next((c.median for label, (_, c) in rows
                 if "--samples auto" in label and "cold" not in label), None)
    report = cpu[f"crossroads report CASE --samples {SAME} -o r.html"]
    sens = cpu[f"crossroads sensitivity CASE --samples {SAME} --json"]
    met = (auto is not None and auto <= 5 * libs and report <= 3 * run and sens <= 2 * run)
    sec = Section(8, "Answers as fast as their precision allows (fresh processes, one run)",
                  "auto run <= 5x the libraries (and <= 1.0 s quiet); report <= 3x run; "
                  "sensitivity <= 2x run (ratios of CPU time)", met=met,
                  header=("command", "wall time (median [spread])", "CPU time (median)",
                          "CPU ratio"))
    for label, (wall, c) in rows:
        if "report" in label or "sensitivity" in label or f"--samples {SAME}" in label:
            ratio = f"{c.median / run:.1f}x run"
        else:
            ratio = f"{c.median / libs:.1f}x the libraries"
        sec.rows.append((label, str(wall), seconds(c.median), ratio))
    sec.notes.append(f"Precision the auto run reached: {reached}.")
    sec.notes.append(f"Load average before: {load_before}; after: {machine.load()} on "
                     f"{os.cpu_count()} cores. Ratios are of CPU time (user + system of the "
                     "command's process), which a busy machine stretches far less than the "
                     "wall clock; the 1.0 s target is wall time on a quiet machine.")
    sec.notes.append("The rows up to the auto runs are interleaved, one round unmeasured first; "
                     "the warm auto run reads the intersection and beta tables from "
                     "the disk cache its first run wrote, the cold one starts from an empty "
                     f"`CROSSROADS_CACHE_DIR` each time. {compiled}.")
    return sec


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--case", type=Path, default=CASE)
    args = parser.parse_args()
    print(precision(args.case, args.repeats).markdown())
