"""The layout's rules, checked by machine (docs/architecture.md): no import cycle, no
module named like an attribute of its package, and tests that mirror the packages.

Imports are read from the source with ``ast``: every ``import`` and ``from ... import``,
those inside functions included (a cycle closed at call time is still a cycle a reader has
to hold in their head, and one refactor away from an ImportError), except those under
``if TYPE_CHECKING:`` (never run). A package importing its own submodules, and a module
importing a package it lives in, are not edges: that is how packages are built.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from collections import deque
from pathlib import Path

import pytest

import crossroads

SRC = Path(crossroads.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__.py``)."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(tree: ast.AST) -> list[str]:
    """The dotted names a module imports anywhere, outside ``if TYPE_CHECKING:``; for
    ``from a.b import c`` the submodule ``a.b.c`` when there is one, else ``a.b``."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit_node(other)
                continue
            visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.append(sub if sub in MODULES else node.module)
        visit(node)

    visit(tree)
    return names


def _graph() -> dict[str, set[str]]:
    """Module -> the modules of crossroads it imports (see the module docstring)."""
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        deps = set()
        for target in _imported(ast.parse(path.read_text("utf-8"))):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]   # crossroads.x.attr -> crossroads.x
            if not target or target == name:
                continue
            if target.startswith(name + ".") or name.startswith(target + "."):
                continue  # a package and its own submodules
            deps.add(target)
        graph[name] = deps
    return graph


def _shortest_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The shortest import path from ``start`` back to itself, or None."""
    came: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    return None


def _rotated(cycle: list[str]) -> list[str]:
    """The cycle started at its first module in sorted order (one line per cycle)."""
    ring = cycle[:-1]
    at = ring.index(min(ring))
    return [*ring[at:], *ring[:at], ring[at]]


def test_the_walk_sees_imports_inside_functions_and_skips_type_checking() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from crossroads.results import RunResult\n"
                     "def f():\n    from crossroads.engine import loop\n"
                     "    import crossroads.verdict\n")
    assert _imported(tree) == ["typing", "crossroads.engine.loop", "crossroads.verdict"]
    cyclic = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _shortest_cycle(cyclic, "a") == ["a", "b", "c", "a"]
    assert _shortest_cycle(cyclic, "d") is None
    assert _rotated(["c", "a", "b", "c"]) == ["a", "b", "c", "a"]


def test_no_import_cycles() -> None:
    graph = _graph()
    assert "crossroads.model.compile" in graph["crossroads.api"]  # the walk sees imports
    cycles = {" -> ".join(_rotated(c)) for name in graph if (c := _shortest_cycle(graph, name))}
    assert not cycles, "import cycles (put the shared thing where both can import it):\n" + \
        "\n".join(sorted(cycles))


PACKAGES = sorted(name for name, path in MODULES.items() if path.name == "__init__.py")


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_named_like_an_attribute_of_its_package(package: str) -> None:
    """A module ``p.x`` beside a function ``p.x`` (the old ``crossroads.run``) means
    ``import p.x`` rebinds or is shadowed, depending on import order."""
    pkg = importlib.import_module(package)
    names = set(vars(pkg)) | set(getattr(pkg, "__all__", ())) | set(dir(pkg))
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in names:
            continue
        value = getattr(pkg, info.name)
        assert isinstance(value, types.ModuleType) and \
            value.__name__ == f"{package}.{info.name}", \
            f"{package}.{info.name} is a module and {package}'s attribute {value!r}"


TESTS = Path(__file__).resolve().parent
#: Test folders that are not a package's: helpers and vendored files.
NOT_PACKAGES = {"__pycache__"}


def test_each_tests_folder_is_named_for_a_package() -> None:
    """tests/<name>/ holds the tests of crossroads/<name>/ (docs/testing.md)."""
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")}
    assert folders, "no test folders found"
    assert not folders - packages - NOT_PACKAGES, \
        f"test folders with no package of that name: {sorted(folders - packages)}"
