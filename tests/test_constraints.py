"""Reproducible installs: `make demo` and `make test` install from constraints.txt, which
pins every dependency to the version this environment runs (issue 21)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    out = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        found = PIN.match(line.strip())
        assert found, f"not an exact pin: {line!r}"
        out[_norm(found.group(1))] = found.group(2)
    return out


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("target", ["demo", "test", "bench"])
def test_every_install_of_a_make_target_uses_the_constraints(target: str) -> None:
    plan = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    installs = [line for line in plan.splitlines()
                if "pip install" in line and "--upgrade pip" not in line]
    assert installs, plan
    assert all("-c constraints.txt" in line for line in installs), installs


def test_the_constraints_pin_every_dependency_at_the_installed_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"],
              *project["optional-dependencies"]["postgres"]]
    pinned = pins()
    for requirement in wanted:
        name = _norm(re.split(r"[<>=!\[; ]", requirement, maxsplit=1)[0])
        assert name in pinned, f"{name} is not pinned in constraints.txt"
        assert metadata.version(name) == pinned[name], name
