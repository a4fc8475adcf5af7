"""Set up a mutmut run of one core module against the tests written for it.

``make mutate MODULE=verdict`` calls this. mutmut reads its settings from the
``pyproject.toml`` in the directory it runs in, so narrowing it means another directory:
``.mutate/<module>/`` holds links to ``src``, ``tests``, ``examples`` and ``docs`` and a
copy of ``pyproject.toml`` whose ``[tool.mutmut]`` mutates only the module's files and
runs only its tests, both listed under ``[tool.crossroads.mutate.<module>]``. Its
``mutants/`` stays there between runs, so ``mutmut results`` and ``mutmut show`` work from
that directory. Prints the directory.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKED = ("src", "tests", "examples", "docs")


def main(module: str) -> Path:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)
    modules = config["tool"]["crossroads"]["mutate"]
    if module not in modules:
        sys.exit(f"unknown MODULE `{module}`; one of: {', '.join(sorted(modules))}")
    mutmut = dict(config["tool"]["mutmut"])
    mutmut["only_mutate"] = modules[module]["files"]
    mutmut["pytest_add_cli_args_test_selection"] = modules[module]["tests"]
    block = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in mutmut.items())
    narrowed, n = re.subn(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[)", block + "\n", text)
    assert n == 1, "pyproject.toml has no [tool.mutmut] table followed by another"
    where = ROOT / ".mutate" / module
    where.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = where / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    (where / "pyproject.toml").write_text(narrowed, encoding="utf-8")
    return where


if __name__ == "__main__":
    print(main(sys.argv[1]))
