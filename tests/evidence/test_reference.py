"""The run sets an option's pay against its market reference class."""

from __future__ import annotations

import csv
import gzip
from importlib import resources

import crossroads
from tests.conftest import decision_text


def independent_salaries(title: str, level: str, country: str) -> list[float]:
    raw = (resources.files("crossroads.data") / "aijobs_salaries_2025-01-19.csv.gz").read_bytes()
    rows = csv.DictReader(gzip.decompress(raw).decode().splitlines())
    return [float(r["salary_in_usd"]) for r in rows
            if r["job_title"].lower() == title.lower() and r["experience_level"] == level
            and r["employee_residence"] == country]


def test_reference_percentile_matches_the_csv() -> None:
    text = decision_text("""
    offer:
      reference: {title: Data Scientist, level: SE, country: US}
      roles: {r: {cash: 150k}}
    """)
    result = crossroads.run(crossroads.load(text), samples=50)
    ref = result.options["offer"]["reference"]
    salaries = independent_salaries("Data Scientist", "SE", "US")
    assert ref["n"] == len(salaries)
    assert ref["percentile"] == 100 * sum(s <= 150_000 for s in salaries) / len(salaries)
    assert "percentile of" in result.notes[0]
    assert result.to_dict()["notes"] == list(result.notes)


def test_unknown_reference_is_a_note_not_a_crash() -> None:
    text = decision_text("""
    offer:
      reference: {title: Chief Vibes Officer, country: US}
      roles: {r: {cash: 150k}}
    """)
    result = crossroads.run(crossroads.load(text), samples=50)
    assert "no market reference" in result.notes[0]
