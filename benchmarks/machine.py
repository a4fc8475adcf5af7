"""What the numbers were measured on: CPU, cores, RAM, versions, BLAS, load, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import scipy


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def blas() -> str:
    """The BLAS in use: threadpoolctl when installed, else NumPy's build configuration."""
    try:
        from threadpoolctl import threadpool_info

        found = [f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
                 f"{i.get('num_threads')} threads)" for i in threadpool_info()
                 if i.get("user_api") == "blas"]
        if found:
            return "; ".join(found) + " [threadpoolctl]"
    except ImportError:
        pass
    config: Any = np.show_config(mode="dicts")
    info = config.get("Build Dependencies", {}).get("blas", {})
    return f"{info.get('name', '?')} {info.get('version', '?')} [numpy.show_config]"


def git_commit(root: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, text=True, capture_output=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def describe(root: Path, load_at_start: str, commit_at_start: str) -> list[tuple[str, str]]:
    """(what, value) rows for the top of RESULTS.md."""
    env = {k: os.environ.get(k, "unset") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return [
        ("date", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} logical"),
        ("RAM", ram_gib()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("NumPy / SciPy", f"{np.__version__} / {scipy.__version__}"),
        ("BLAS", blas()),
        ("OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE",
         f"{env['OPENBLAS_CORETYPE']} / {env['OPENBLAS_L2_SIZE']}"),
        ("load average at start", load_at_start),
        ("load average at end", load()),
        ("commit at start / at end", f"{commit_at_start} / {git_commit(root)}"),
    ]
