"""The founding case in fresh processes: scaling and peak memory, the shell, the analyses.

Each size runs in a child interpreter so that its peak RSS (``ru_maxrss`` read at its end)
belongs to that size alone.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from timing import Section, Timing, seconds

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import crossroads
model = crossroads.load(sys.argv[1])
t1 = time.perf_counter()
n, how = int(sys.argv[2]), sys.argv[3]
refused = None
if how == "api":
    try:
        crossroads.run(model, samples=n)
    except crossroads.DecisionError as exc:
        refused = str(exc)
else:  # the same run without the up-front budget check, to measure what it would cost
    from crossroads.engine.loop import run_model
    run_model(model, n, model.seed)
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load": t1 - t0, "run": t2 - t1, "rss_mib": rss, "refused": refused}))
"""

BUDGET_MIB = 2048
SCRIPT_TIMEOUT = 1800


@dataclass(frozen=True)
class ChildRun:
    load: float  # imports and `crossroads.load`
    run: float
    rss_mib: float
    refused: str | None


def child(case: Path, n: int, how: str = "api") -> ChildRun:
    """One fresh interpreter: load the case, run ``n`` draws, report time and peak RSS."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(case), str(n), how],
                         capture_output=True, text=True, timeout=SCRIPT_TIMEOUT)
    if out.returncode != 0:
        raise RuntimeError(f"child failed at n={n}: {out.stderr.strip().splitlines()[-1:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return ChildRun(data["load"], data["run"], data["rss_mib"], data["refused"])


def scaling(case: Path, sizes: dict[int, int]) -> Section:
    """Section 1: wall time and peak RSS per size; ``sizes`` maps draws to repeats."""
    sec = Section(1, f"Founding case ({case.name}) by size, each size in a fresh process",
                  "10M draws within 2 GiB peak RSS",
                  header=("draws", "run time (median [spread])", "per draw",
                          "peak RSS (median)", "note"))
    for n, repeats in sizes.items():
        runs = [child(case, n) for _ in range(repeats)]
        if runs[0].refused:
            sec.rows.append((f"{n:,}", "refused", "", "", runs[0].refused.split(" (")[0]))
            runs = [child(case, n, how="bypass") for _ in range(repeats)]
            note = "budget check bypassed (`run_model`) to measure it"
        else:
            note = ""
        _row(sec, n, runs, note)
        if n == 10_000_000:
            rss = statistics.median(r.rss_mib for r in runs)
            sec.met = rss <= BUDGET_MIB and not any(c.refused for c in runs)
    if sec.met is None:
        sec.notes.append("10M draws not run (--quick): target not checked.")
    sec.notes.append("run time excludes interpreter start, imports and `crossroads.load`; "
                     "peak RSS is the whole child process (`ru_maxrss`).")
    return sec


def _row(sec: Section, n: int, runs: list[ChildRun], note: str) -> None:
    t = Timing(tuple(r.run for r in runs))
    rss = statistics.median(r.rss_mib for r in runs)
    sec.rows.append((f"{n:,}", str(t), seconds(t.median / n),
                     f"{rss:,.0f} MiB", note))
    print(f"  {n:>12,} draws: {t}  peak {rss:,.0f} MiB {note}", flush=True)


#: What `crossroads run` on the founding case imports besides the standard library and
#: crossroads itself: the stack the project is built on (scipy.special for its betas and
#: skills; Rich is not imported with --json).
LIBRARIES = "import numpy, scipy.special, pydantic, ruamel.yaml, typer"


def shell(case: Path, repeats: int) -> Section:
    """Section 5: `crossroads run CASE --json` from the shell, and what its time is made of.

    Beside the command it measures what the time is made of: importing the libraries the
    run needs with nothing of crossroads (no change to crossroads can remove it), and the run
    itself in a process that has already imported and loaded everything.
    """
    exe = str(Path(sys.executable).with_name("crossroads"))
    run_cmd = [exe, "run", str(case), "--samples", "100000", "--json"]
    imp_cmd = [sys.executable, "-c", "import crossroads.cli, crossroads.api"]
    run_t, imp_t = _wall(run_cmd, repeats), _wall(imp_cmd, repeats)
    libs_t = _wall([sys.executable, "-c", LIBRARIES], repeats)
    inner = [child(case, 100_000) for _ in range(repeats)]
    inner_t = Timing(tuple(r.run for r in inner))
    load_t = Timing(tuple(r.load for r in inner))
    sec = Section(5, "Founding case from the shell at 100k draws (interpreter start included)",
                  "`crossroads run` within 1 s", met=run_t.median <= 1.0,
                  header=("command", "wall time (median [spread])"))
    sec.rows += [("`crossroads run CASE --samples 100000 --json > /dev/null`", str(run_t)),
                 ('`python -c "import crossroads.cli, crossroads.api"`', str(imp_t)),
                 (f'`python -c "{LIBRARIES}"` (the libraries alone)', str(libs_t)),
                 ("in a fresh process: imports and `crossroads.load`", str(load_t)),
                 ("in a fresh process: `crossroads.run(model, samples=100000)`", str(inner_t)),
                 ('`python -c "pass"`', str(_wall([sys.executable, "-c", "pass"], repeats)))]
    left = 1.0 - libs_t.median
    sec.notes.append(f"The budget: importing the libraries alone takes {seconds(libs_t.median)} "
                     f"of the 1 s, which leaves {seconds(max(left, 0.0))} for crossroads' own "
                     "start-up, loading the file and the run; the run alone takes "
                     f"{seconds(inner_t.median)} in a process that has everything loaded.")
    sec.notes.append("Import time of `crossroads.cli` by package (`python -X importtime`, "
                     "self times summed): "
                     + ", ".join(f"{name} {seconds(t)}" for name, t in slowest_imports()))
    return sec


def _wall(cmd: list[str], repeats: int) -> Timing:
    values = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, check=True, timeout=SCRIPT_TIMEOUT)
        values.append(time.perf_counter() - start)
    return Timing(tuple(values))


def slowest_imports(top: int = 7) -> list[tuple[str, float]]:
    """Import time of the command line and the engine by top-level package (sum of self
    times); ``crossroads.cli`` alone imports no NumPy (the API is bound on first use)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          "import crossroads.cli, crossroads.api"],
                         capture_output=True, text=True, check=True)
    by_package: dict[str, float] = {}
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].split(":")[-1].strip().isdigit():
            continue
        package = parts[2].strip().split(".")[0]
        self_us = int(parts[0].split(":")[-1])
        by_package[package] = by_package.get(package, 0.0) + self_us / 1e6
    return sorted(by_package.items(), key=lambda kv: -kv[1])[:top]


ANALYSES = ("voi", "sensitivity", "smaa", "skills")


def analyses(case: Path, repeats: int) -> Section:
    """Section 6: `crossroads voi|sensitivity|smaa|skills CASE --json`, where they exist."""
    exe = str(Path(sys.executable).with_name("crossroads"))
    sec = Section(6, "Analyses on the founding case (the file's 100k draws, from the shell)",
                  "none set (reported for tracking)",
                  header=("command", "wall time (median [spread])", "exit"))
    for name in ANALYSES:
        probe = subprocess.run([exe, name, "--help"], capture_output=True, text=True,
                               stdin=subprocess.DEVNULL)
        if probe.returncode != 0:
            sec.notes.append(f"`crossroads {name}` does not exist yet: skipped.")
            continue
        cmd = [exe, name, str(case), "--json"]
        try:
            sec.rows.append((f"`crossroads {name} CASE --json`", str(_wall(cmd, repeats)), "0"))
        except subprocess.CalledProcessError as exc:
            sec.rows.append((f"`crossroads {name} CASE --json`", "failed", str(exc.returncode)))
        except subprocess.TimeoutExpired:
            sec.rows.append((f"`crossroads {name} CASE --json`", "timed out", "-"))
        print(f"  {sec.rows[-1]}", flush=True)
    return sec
