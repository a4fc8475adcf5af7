"""`crossroads journal ...` through Typer's CliRunner, on a SQLite file per test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from crossroads.cli.journal import journal_app
from crossroads.store import transaction
from crossroads.store.schema import journal_checkins, journal_entries
from tests.journal.fixtures import DETERMINISTIC, SMALL

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'journal.sqlite3'}"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


def run(db: str, *args: str) -> Result:
    return runner.invoke(journal_app, [*args, "--db", db])


def ok(db: str, *args: str) -> Result:
    result = run(db, *args)
    assert result.exit_code == 0, result.output
    return result


def counts(db: str) -> tuple[int, int]:
    with transaction(db) as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (journal_entries, journal_checkins))  # type: ignore[return-value]


@pytest.fixture
def entry(db: str, small: Path) -> int:
    out = json.loads(ok(db, "record", str(small), "--chose", "move", "--samples", "2000",
                        "--json").stdout)
    return int(out["id"])


def test_record_keeps_the_file_and_the_run(db: str, small: Path, entry: int) -> None:
    document = json.loads(ok(db, "export").stdout)
    (kept,) = document["entries"]
    assert kept["file_text"] == SMALL and kept["samples"] == 2000 and kept["seed"] == 7
    assert kept["prediction"]["option"] == "move" and len(kept["prediction"]["years"]) == 6
    assert kept["summary"]["options"]["move"]["label"] == "Move to platform"
    assert len(kept["file_hash"]) == 64


def test_the_founding_case_can_be_recorded(db: str, examples: Path) -> None:
    founding = examples / "why-i-quit-data-science.yaml"
    out = ok(db, "record", str(founding), "--chose", "platform", "--samples", "2000")
    assert "Senior platform engineer" in out.stdout


def test_checkin_places_the_actual(db: str, entry: int) -> None:
    document = json.loads(ok(db, "export").stdout)
    year3 = document["entries"][0]["prediction"]["years"][3]["pay"]
    x = year3[36]    # the stored 18th percentile
    row = json.loads(ok(db, "checkin", str(entry), "--year", "3", "--cash", f"{x!r}",
                        "--role", "senior", "--score", "enjoyment=7.5", "--json").stdout)
    assert row["cash_percentile"] == 18.0
    assert row["p_role"] == document["entries"][0]["prediction"]["years"][3]["p_hold"]["senior"]
    review = json.loads(ok(db, "review", "--json").stdout)
    assert review["calibration"]["pit"] == [0.18]
    p = row["p_role"]
    assert review["calibration"]["brier"] == pytest.approx((1 - p) ** 2 + (1 - p) ** 2)
    text = ok(db, "review").stdout
    assert "year 3 was at the 18th percentile" in text


def test_a_date_stands_for_the_year(db: str, entry: int) -> None:
    document = json.loads(ok(db, "export").stdout)
    recorded = np.datetime64(document["entries"][0]["recorded_at"][:10])
    later = str(recorded + np.timedelta64(800, "D"))          # two full years and more
    row = json.loads(ok(db, "checkin", str(entry), "--year", later, "--cash", "70k",
                        "--json").stdout)
    assert row["year"] == 2 and row["date"] == later and row["cash"] == 70_000


@pytest.mark.parametrize(("args", "message"), [
    (["checkin", "99", "--year", "1", "--cash", "1"], "no journal entry with id 99"),
    (["checkin", "ENTRY", "--year", "6", "--cash", "1"], "year 6 is beyond the horizon"),
    (["checkin", "ENTRY", "--year", "1", "--role", "cto"], "has no role `cto`"),
    (["checkin", "ENTRY", "--year", "1", "--score", "fun=3"], "no criterion `fun`"),
    (["checkin", "ENTRY", "--year", "1999-01-01", "--cash", "1"], "before the entry"),
    (["review", "99"], "no journal entry with id 99"),
    (["redecide", "ENTRY"], "check in with both --cash and --role first"),
])
def test_bad_input_is_one_line_exit_1_and_nothing_written(
        db: str, entry: int, args: list[str], message: str) -> None:
    before = counts(db)
    result = run(db, *[str(entry) if a == "ENTRY" else a for a in args])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert counts(db) == before


def test_record_refuses_an_option_the_file_does_not_have(db: str, small: Path) -> None:
    result = run(db, "record", str(small), "--chose", "nope")
    assert result.exit_code == 1 and "no option `nope`" in result.output
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("args", [
    ["checkin", "ENTRY", "--year", "one", "--cash", "1"],
    ["checkin", "ENTRY", "--year", "1", "--cash", "lots"],
    ["checkin", "ENTRY", "--year", "1", "--score", "enjoyment"],
    ["checkin", "ENTRY", "--year", "1"],
])
def test_usage_errors_exit_2(db: str, entry: int, args: list[str]) -> None:
    result = run(db, *[str(entry) if a == "ENTRY" else a for a in args])
    assert result.exit_code == 2, result.output
    assert counts(db) == (1, 0)


def test_export_and_import(db: str, entry: int, tmp_path: Path) -> None:
    ok(db, "checkin", str(entry), "--year", "0", "--cash", "60k", "--role", "engineer")
    path = tmp_path / "journal.json"
    ok(db, "export", "-o", str(path))
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert "imported 1 entries: ids 1" in ok(other, "import", str(path)).stdout
    assert json.loads(ok(other, "export").stdout) == json.loads(path.read_text())
    path.write_text("{not json")
    bad = run(other, "import", str(path))
    assert bad.exit_code == 1 and "journal.json:1:2: not JSON" in bad.output


def test_redecide_from_a_checkin(db: str, tmp_path: Path) -> None:
    # The deterministic case of tests/journal/test_redecide.py through the command line:
    # two years in `a` at 100k; staying is worth 447,107 over the 3 years left, switching
    # at 1.5 x 100k 410,331.
    path = tmp_path / "det.yaml"
    path.write_text(DETERMINISTIC.replace("MULTIPLE", "1.5"))
    ok(db, "record", str(path), "--chose", "stay")
    ok(db, "checkin", "1", "--year", "0", "--role", "a", "--cash", "100k")
    ok(db, "checkin", "1", "--year", "1", "--role", "a", "--cash", "100k")
    out = json.loads(ok(db, "redecide", "1", "--json").stdout)
    assert (out["from_year"], out["years_left"], out["tenure"]) == (2, 3, 2)
    assert out["stay_value_mean"] == pytest.approx(100_000 + 200_000 / 1.1 + 200_000 / 1.21)
    assert out["switch"] is False and out["best_switch"] == "switch"
    path.write_text(DETERMINISTIC.replace("MULTIPLE", "1.8"))   # the file as it reads now
    out = json.loads(ok(db, "redecide", "1", "--json").stdout)
    assert out["switch"] is True
    assert "Switching now to switch beats staying" in ok(db, "redecide", "1").stdout


def test_the_report_has_a_journal_section_when_one_exists(
        tmp_path: Path, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crossroads.cli import app

    db_file = tmp_path / "reported.sqlite3"
    monkeypatch.setenv("CROSSROADS_DB", f"sqlite:///{db_file}")
    out = tmp_path / "report.html"
    made = runner.invoke(app, ["report", str(small), "-o", str(out), "--samples", "400"])
    assert made.exit_code == 0, made.output
    assert "What happened since" not in out.read_text(encoding="utf-8")
    assert not db_file.exists()         # looking for a journal creates no database
    db = f"sqlite:///{db_file}"
    ok(db, "record", str(small), "--chose", "move", "--samples", "500")
    ok(db, "checkin", "1", "--year", "0", "--cash", "60k", "--role", "engineer")
    made = runner.invoke(app, ["report", str(small), "-o", str(out), "--samples", "400"])
    assert made.exit_code == 0, made.output
    html = out.read_text(encoding="utf-8")
    assert "What happened since" in html
    assert "your pay in year 0 was at the 50th percentile of what you predicted" in html


def test_redecide_uses_the_recorded_text_when_the_file_is_gone(db: str, tmp_path: Path) -> None:
    path = tmp_path / "det.yaml"
    path.write_text(DETERMINISTIC.replace("MULTIPLE", "1.5"))
    ok(db, "record", str(path), "--chose", "stay")
    ok(db, "checkin", "1", "--year", "1", "--role", "a", "--cash", "100k")
    path.unlink()
    out = json.loads(ok(db, "redecide", "1", "--json").stdout)
    assert out["source"].endswith("(as recorded)") and out["switch"] is False
    missing = run(db, "redecide", "1", "--file", str(path))
    assert missing.exit_code == 1 and "cannot read the file" in missing.output


def test_export_is_private_and_never_overwrites_without_force(db: str, entry: int,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    ok(db, "export", "-o", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    again = run(db, "export", "-o", str(path))
    assert again.exit_code == 1 and "pass --force" in again.output
    ok(db, "export", "-o", str(path), "--force")
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    refused = run(db, "export", "-o", str(link), "--force")
    assert refused.exit_code == 1 and "symbolic link" in refused.output
    assert not (tmp_path / "elsewhere.json").exists()


def test_notes_from_a_file(db: str, entry: int, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("what the manager said\n")
    ok(db, "checkin", str(entry), "--year", "0", "--note-file", str(notes))
    kept = json.loads(ok(db, "export").stdout)["entries"][0]["checkins"]
    assert kept[0]["note"] == "what the manager said\n" and kept[0]["cash"] is None
    both = run(db, "checkin", str(entry), "--year", "0", "--note", "x", "--note-file",
               str(notes))
    assert both.exit_code == 2


def test_pre_tax_pay_is_set_against_pay_before_tax(db: str, tmp_path: Path) -> None:
    taxed = tmp_path / "taxed.yaml"
    taxed.write_text(SMALL.replace("seed: 7\n", "seed: 7\ntax: {rate: 20%}\n"))
    ok(db, "record", str(taxed), "--chose", "move", "--samples", "2000")
    years = json.loads(ok(db, "export").stdout)["entries"][0]["prediction"]["years"]
    gross, net = years[3]["pay_pre_tax"][36], years[3]["pay"][150]   # 18th and 75th
    row = json.loads(ok(db, "checkin", "1", "--year", "3", "--cash", repr(gross),
                        "--pre-tax", "--json").stdout)
    assert (row["cash_percentile"], row["pre_tax"]) == (18.0, True)
    row = json.loads(ok(db, "checkin", "1", "--year", "4", "--cash",
                        repr(years[4]["pay"][150]), "--json").stdout)
    assert (row["cash_percentile"], row["pre_tax"]) == (75.0, False)
    assert net > 0
    # a file without tax has no pay before tax to set it against
    plain = tmp_path / "plain.yaml"
    plain.write_text(SMALL)
    ok(db, "record", str(plain), "--chose", "move", "--samples", "500")
    refused = run(db, "checkin", "2", "--year", "1", "--cash", "1", "--pre-tax")
    assert refused.exit_code == 1 and "taxes no pay" in refused.output


def test_redecide_asks_for_the_pay_in_the_files_terms(db: str, tmp_path: Path) -> None:
    path = tmp_path / "det.yaml"
    path.write_text(DETERMINISTIC.replace("MULTIPLE", "1.5").replace(
        "samples: 100\n", "samples: 100\ninflation: 2%\n"))
    ok(db, "record", str(path), "--chose", "stay")
    ok(db, "checkin", "1", "--year", "1", "--role", "a", "--cash", "98k")
    refused = run(db, "redecide", "1")
    assert refused.exit_code == 1 and "--pay AMOUNT" in refused.output
    out = json.loads(ok(db, "redecide", "1", "--pay", "100k", "--json").stdout)
    assert out["pay"] == 100_000 and out["switch"] is False
