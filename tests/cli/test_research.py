"""`crossroads research ...` through Typer's CliRunner, on a SQLite file per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from crossroads.cli.research import research_app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'log.sqlite3'}"


def run(db: str, *args: str, input: str | None = None) -> Result:
    return runner.invoke(research_app, [*args, "--db", db], input=input)


def add(db: str, *args: str) -> Result:
    result = run(db, "add", *args)
    assert result.exit_code == 0, result.output
    return result


def listed(db: str) -> list[dict[str, object]]:
    result = run(db, "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["conversations"]  # type: ignore[no-any-return]


def test_add_prints_the_new_conversation(db: str) -> None:
    result = add(db, "--person", "ana", "--years", "12", "--market", "sg", "--stage",
                 "Series B", "--size", "50-250", "--role", "EM", "--date", "2024-03-01",
                 "--note", "hi, there\nsecond line", "--estimate", "p_em=30% to 50%",
                 "--estimate", "half_life_ml=3 to 6", "--stance", "em_track_open=agree",
                 "--json")
    assert json.loads(result.stdout) == {
        "id": 1, "person": "ana", "years": 12, "market": "SG", "stage": "series-b",
        "size": "50-250", "role": "EM", "date": "2024-03-01",
        "notes": "hi, there\nsecond line",
        "estimates": {"half_life_ml": "3 to 6", "p_em": "30% to 50%"},
        "stances": {"em_track_open": "agree"}}
    plain = add(db, "--person", "bo", "--years", "30", "--estimate", "p_em=20% to 40%")
    assert "added conversation 2: bo (30 years): p_em" in plain.stdout


def test_add_defaults_the_date_to_today(db: str) -> None:
    import datetime as dt

    add(db, "--person", "ana", "--years", "3")
    assert listed(db)[0]["date"] == dt.date.today().isoformat()


@pytest.mark.parametrize("args, code, message", [
    (["--person", "a", "--years", "3", "--estimate", "p_em=30% too 50%"], 1,
     "--estimate p_em: cannot read estimate '30% too 50%'"),
    (["--person", "a", "--years", "3", "--estimate", "x=cash_now * 2"], 1,
     "--estimate x: 'cash_now * 2' refers to cash_now"),
    (["--person", "a", "--years", "99"], 1, "--years: expected 0 to 80 years, got 99"),
    (["--person", "a", "--years", "3", "--date", "2024-02-30"], 1,
     "--date: not a calendar date"),
    (["--person", "a", "--years", "3", "--stance", "c=maybe"], 1,
     "--stance c: expected agree, disagree or unsure"),
    (["--person", "a", "--years", "3", "--estimate", "p_em"], 2, "expected NAME=VALUE"),
    (["--person", "a", "--years", "ten"], 2, "--years"),
    (["--years", "3"], 2, "--person"),
])
def test_add_errors(db: str, args: list[str], code: int, message: str) -> None:
    result = run(db, "add", *args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert listed(db) == []


def test_list_filters(db: str) -> None:
    add(db, "--person", "ana", "--years", "12", "--market", "SG", "--estimate", "p_em=40%")
    add(db, "--person", "bo", "--years", "3", "--market", "US", "--estimate", "hl=2 to 4")
    assert [c["person"] for c in listed(db)] == ["ana", "bo"]
    result = run(db, "list", "--json", "--market", "us")
    assert [c["person"] for c in json.loads(result.stdout)["conversations"]] == ["bo"]
    result = run(db, "list", "--json", "--param", "p_em")
    assert [c["person"] for c in json.loads(result.stdout)["conversations"]] == ["ana"]
    table = run(db, "list")
    assert table.exit_code == 0 and "ana" in table.stdout and "bo" in table.stdout


def test_show_describes_each_estimate(db: str) -> None:
    add(db, "--person", "ana", "--years", "12", "--estimate", "p_em=30% to 50%",
        "--note", "remember this")
    result = run(db, "show", "1")
    assert result.exit_code == 0
    assert "beta, 90% in [0.3, 0.5]" in result.stdout and "remember this" in result.stdout
    assert json.loads(run(db, "show", "1", "--json").stdout)["id"] == 1
    missing = run(db, "show", "7")
    assert missing.exit_code == 1 and "no conversation with id 7" in missing.stderr


def test_edit_changes_clears_and_drops(db: str) -> None:
    add(db, "--person", "ana", "--years", "12", "--market", "SG", "--estimate", "p_em=40%",
        "--estimate", "hl=2 to 4", "--stance", "c=agree")
    result = run(db, "edit", "1", "--market", "", "--years", "13", "--drop-estimate", "hl",
                 "--estimate", "p_em=45%", "--stance", "c=disagree", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["market"], data["years"], data["estimates"], data["stances"]) == (
        None, 13, {"p_em": "45%"}, {"c": "disagree"})
    assert listed(db)[0] == data
    bad = run(db, "edit", "1", "--drop-estimate", "nope")
    assert bad.exit_code == 1 and "--drop-estimate nope: this conversation has none" in (
        bad.stderr)
    bad = run(db, "edit", "1", "--estimate", "p_em=1 to")
    assert bad.exit_code == 1 and listed(db)[0] == data


def test_delete(db: str) -> None:
    add(db, "--person", "ana", "--years", "12")
    add(db, "--person", "bo", "--years", "3")
    result = run(db, "delete", "1", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["deleted"]["person"] == "ana"
    assert [c["id"] for c in listed(db)] == [2]
    assert run(db, "delete", "1").exit_code == 1


PEOPLE_CSV = (
    "person,years,market,stage,size,role,date,notes,estimate:p_em,stance:em\r\n"
    'Zoë,12,SG,series-b,,,2024-01-02,"unicode ✓, commas,\r\nand newlines",30% to 50%,'
    "agree\r\n"
    "bo,30,US,,,,,,20% to 40%,\r\n")


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_import_export_round_trip(db: str, tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes(PEOPLE_CSV.encode())
    assert run(db, "import", str(source)).exit_code == 0
    out = tmp_path / f"out.{suffix}"
    assert run(db, "export", str(out)).exit_code == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    result = run(other, "import", str(out), "--json")
    assert json.loads(result.stdout) == {"imported": 2, "ids": [1, 2]}
    assert listed(other) == listed(db)
    again = tmp_path / f"again.{suffix}"
    run(other, "export", str(again))
    assert again.read_bytes() == out.read_bytes()
    if suffix == "csv":
        assert out.read_bytes() == PEOPLE_CSV.encode()


def test_export_to_stdout(db: str) -> None:
    add(db, "--person", "ana", "--years", "12", "--date", "2024-01-01")
    csv_text = run(db, "export").stdout
    assert csv_text.splitlines()[1] == "ana,12,,,,,2024-01-01,"
    data = json.loads(run(db, "export", "--json").stdout)
    assert data["version"] == 1 and data["conversations"][0]["person"] == "ana"


def test_a_bad_row_imports_nothing(db: str, tmp_path: Path) -> None:
    add(db, "--person", "first", "--years", "1")
    people = tmp_path / "people.csv"
    people.write_text("person,years,market\nana,12,SG\nbo,7,US\ncy,ten,GB\n")
    result = run(db, "import", str(people))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{people}:4:years: expected a whole number of years, got 'ten'")
    assert [c["person"] for c in listed(db)] == ["first"]


def test_import_reads_stdin_and_checks_the_format(db: str) -> None:
    data = '[{"person": "ana", "years": 4}]'
    result = run(db, "import", "-", "--format", "json", input=data)
    assert result.exit_code == 0 and listed(db)[0]["person"] == "ana"
    assert run(db, "import", "-", "--format", "xml", input=data).exit_code == 2
    missing = run(db, "import", "/nonexistent/people.csv")
    assert missing.exit_code == 1 and "/nonexistent/people.csv: cannot read" in missing.stderr


def test_coverage(db: str) -> None:
    add(db, "--person", "ana", "--years", "3", "--market", "SG", "--stage", "seed",
        "--estimate", "p_em=40%")
    add(db, "--person", "bo", "--years", "12", "--market", "US", "--stage", "series-b",
        "--estimate", "p_em=30%")
    data = json.loads(run(db, "coverage", "--json", "--market", "GB").stdout)
    assert data["markets"] == ["GB", "SG", "US"]
    assert {"param": "p_em", "market": "SG", "stage": "series-b"} in data["gaps"]
    assert data["params"]["p_em"]["people"] == 2
    table = run(db, "coverage")
    assert table.exit_code == 0
    assert "gap: no one from SG at series-b about p_em" in table.stdout


def test_database_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    monkeypatch.setenv("CROSSROADS_DB", str(tmp_path / "env.sqlite3"))
    result = runner.invoke(research_app, ["add", "--person", "ana", "--years", "2"])
    assert result.exit_code == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = run("postgresql://u:secret@127.0.0.1:1/none", "list")
    assert result.exit_code == 1
    assert "database" in result.stderr and "secret" not in result.output
    assert "Traceback" not in result.output
