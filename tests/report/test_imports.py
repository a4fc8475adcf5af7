"""The report package stays light: no web framework, database or CLI imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crossroads.report

PACKAGE = Path(crossroads.report.__file__).parent
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "uvicorn", "typer", "rich",
             "crossroads.web", "crossroads.store", "crossroads.cli", "plotly.graph_objects")


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_no_heavy_or_io_imports(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_templates_are_package_files() -> None:
    names = {p.name for p in (PACKAGE / "templates").iterdir()}
    assert {"report.html.j2", "macros.html.j2", "report.css", "report.js"} <= names
