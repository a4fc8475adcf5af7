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

PURE = ["model", "estimate", "simulate", "analysis", "journal", "engine", "results.py",
        "verdict.py", "evidence/research.py", "evidence/exchange.py"]
IO_MODULES = {"rich", "typer", "click", "fastapi", "sqlalchemy", "psycopg", "uvicorn", "httpx",
              "jinja2", "crossroads.cli", "crossroads.web", "crossroads.store", "crossroads.api"}


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


def _cli_commands() -> dict[tuple[str, ...], list[str]]:
    """Every leaf command of the Typer app (``("research", "add")``) with its option names."""
    import typer.main

    from crossroads.cli import app

    out: dict[tuple[str, ...], list[str]] = {}

    def walk(command: object, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
            return
        out[path] = [name for param in command.params  # type: ignore[attr-defined]
                     if param.param_type_name == "option"
                     for name in (*param.opts, *param.secondary_opts)]

    walk(typer.main.get_command(app), ())
    return out


def _cli_sections() -> dict[str, str]:
    """docs/cli.md's sections by command: ``## `crossroads research add|list ...` `` -> research."""
    sections: dict[str, str] = {}
    for chunk in (DOCS / "cli.md").read_text().split("\n## ")[1:]:
        found = re.match(r"`crossroads ([\w-]+)", chunk)
        assert found, f"a docs/cli.md section that names no command: {chunk[:60]!r}"
        sections[found[1]] = chunk
    return sections


def _mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def test_every_cli_command_and_option_is_documented() -> None:
    """docs/cli.md has a section per command that names each subcommand and each option of
    it (``-o`` and ``--output`` alike): an option added to the CLI fails here until the
    reference says what it does."""
    commands = _cli_commands()
    sections = _cli_sections()
    assert {("run",), ("check",), ("schema",), ("research", "add"), ("journal", "review")
            } <= set(commands)
    missing = []
    for path, options in sorted(commands.items()):
        section = sections.get(path[0])
        if section is None:
            missing.append(f"crossroads {path[0]} (no section)")
            continue
        missing += [f"crossroads {' '.join(path)}" for name in path[1:]
                    if not _mentions(section, name)]
        missing += [f"crossroads {' '.join(path)} {o}" for o in options
                    if not _mentions(section, o)]
    assert not missing, f"docs/cli.md does not mention: {missing}"


def test_cli_md_headings_name_only_real_options() -> None:
    """The other way round: an option in a section's heading exists in that command."""
    commands = _cli_commands()
    stale = []
    for command, section in _cli_sections().items():
        real = {o for path, options in commands.items() if path[0] == command for o in options}
        heading = section.splitlines()[0]
        stale += [f"{command} {o}" for o in re.findall(r"(?<![\w-])--?[a-z][\w-]*", heading)
                  if o not in real]
    assert not stale, f"docs/cli.md headings name options the CLI does not have: {stale}"


#: What the repository must not cite: a file outside it (the written-in pattern keeps this
#: file from matching itself).
OUTSIDE = re.compile(r"PRODUCT\.md|\.\./share[d]/|/work/share[d]")
ROOT = DOCS.parent


def _repository_text_files() -> list[Path]:
    files = [ROOT / name for name in ("README.md", "Makefile", "pyproject.toml")]
    for folder in ("docs", "src", "tests", "benchmarks", "examples"):
        files += [f for f in sorted((ROOT / folder).rglob("*"))
                  if f.is_file() and f.suffix in {".md", ".py", ".yaml", ".yml", ".toml", ".html",
                                                  ".js", ".css", ".txt", ".ipynb", ".json"}]
    return [f for f in files if f.exists() and "__pycache__" not in f.parts]


def test_nothing_cites_a_file_outside_the_repository() -> None:
    """docs/ is the user's contract and stands alone, and so do docstrings, comments,
    tests and examples: a reader without this machine's other folders can follow each one.
    (CHANGELOG.md is history and is not checked.)"""
    cited = [f"{f.relative_to(ROOT)}:{n}: {line.strip()}"
             for f in _repository_text_files()
             for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert not cited, "cites a file outside the repository:\n" + "\n".join(cited)


def test_every_relative_link_in_the_docs_resolves() -> None:
    """A link from docs/, the README or benchmarks/ to a file of the repository names one
    that exists (links to the web and to anchors of the same page are not checked)."""
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md")),
             *sorted((ROOT / "benchmarks").glob("*.md"))]
    broken = [f"{page.relative_to(ROOT)}:{n}: {target}"
              for page in pages if page.exists()
              for n, line in enumerate(page.read_text().splitlines(), 1)
              for target in re.findall(r"\]\(([^)\s]+)\)", line)
              if not re.match(r"[a-z]+:|#", target)
              and not (page.parent / target.split("#")[0]).exists()]
    assert not broken, "links to files that do not exist:\n" + "\n".join(broken)
