"""House rules checked by machine: the public API, pure packages, documented fields."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import crossroads
from crossroads.model import schema

SRC = Path(crossroads.__file__).resolve().parent
DOCS = SRC.parents[1] / "docs"

PURE = ["model", "estimate", "simulate", "analysis", "journal", "sample.py", "run.py", "verdict.py",
        "evidence/research.py"]
IO_MODULES = {"rich", "typer", "fastapi", "sqlalchemy", "uvicorn", "httpx", "jinja2",
              "crossroads.cli", "crossroads.web", "crossroads.store", "crossroads.api"}


def test_public_api_is_sorted_and_importable() -> None:
    assert crossroads.__all__ == sorted(crossroads.__all__)
    for name in crossroads.__all__:
        assert getattr(crossroads, name) is not None


def _pure_files() -> list[Path]:
    files: list[Path] = []
    for entry in PURE:
        path = SRC / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [f for f in files if f.exists()]


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_pure_modules_import_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            bad = {m for m in IO_MODULES if name == m or name.startswith(m + ".")}
            assert not bad, f"{path.name} imports {name}: the core stays pure"


def _fields(model: type[BaseModel], seen: set[type]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in re.findall(r"crossroads\.model\.schema\.(\w+)", str(info.annotation)):
            cls = getattr(schema, sub, None)
            if isinstance(cls, type) and issubclass(cls, BaseModel):
                names |= _fields(cls, seen)
        for sub in re.findall(r"\b([A-Z]\w+)\b", str(info.annotation)):
            cls = getattr(schema, sub, None)
            if isinstance(cls, type) and issubclass(cls, BaseModel):
                names |= _fields(cls, seen)
    return names


def test_every_decision_file_field_is_documented() -> None:
    text = (DOCS / "decision-file.md").read_text()
    fields = _fields(schema.Decision, set()) - {"skills"} | {"correlation", "intersection"}
    missing = sorted(f for f in fields if f"`{f}`" not in text)
    assert not missing, f"undocumented decision-file keys: {missing}"


def test_every_cli_command_is_documented() -> None:
    import typer.main

    from crossroads.cli import app

    group = typer.main.get_command(app)
    text = (DOCS / "cli.md").read_text()
    commands = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"run", "check", "schema"} <= set(commands)
    missing = [c for c in commands if f"crossroads {c}" not in text]
    assert not missing, f"undocumented commands: {missing}"
