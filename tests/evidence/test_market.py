"""Market figures checked against an independent reading of the raw CSV.

The reference never touches crossroads' loader: it reads the raw file with
``csv.DictReader`` and computes medians and deciles with :mod:`statistics`
(``quantiles(method="inclusive")`` is the same linear interpolation as NumPy's default).
The raw file is the shipped gzip decompressed, its bytes checked against the sha256 in
data/LICENSE-aijobs.md (the published file's), so the test needs nothing outside the
repository.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import re
import statistics
from importlib import resources

import numpy as np
import pytest

from crossroads.evidence.market import (
    DATA_FILE,
    FAMILIES,
    MarketQuery,
    family_of,
    load_salaries,
    market_summary,
    matching_salaries,
    parse_salaries,
    summarise,
)

SHA256 = "fce1318d2fa6f574cd36ce192bf3c38debcb61892d15255eb8f772a05e4a5aef"


@functools.cache
def raw_bytes() -> bytes:
    return gzip.decompress((resources.files("crossroads.data") / DATA_FILE).read_bytes())


@functools.cache
def raw_rows() -> tuple[dict[str, str], ...]:
    return tuple(csv.DictReader(io.StringIO(raw_bytes().decode("utf-8"), newline="")))


def reference(title: str | None = None, level: str | None = None,
              country: str | None = None, since: int | None = None) -> list[float]:
    out = []
    for row in raw_rows():
        if title is not None and row["job_title"].lower() != title.lower():
            continue
        if level is not None and row["experience_level"] != level:
            continue
        if country is not None and row["employee_residence"] != country:
            continue
        if since is not None and int(row["work_year"]) < since:
            continue
        out.append(float(row["salary_in_usd"]))
    return out


def test_shipped_file_is_the_documented_raw_file() -> None:
    shipped = gzip.decompress((resources.files("crossroads.data") / DATA_FILE).read_bytes())
    assert hashlib.sha256(shipped).hexdigest() == SHA256
    assert hashlib.sha256(raw_bytes()).hexdigest() == SHA256
    licence = (resources.files("crossroads.data") / "LICENSE-aijobs.md").read_text()
    assert SHA256 in licence and "CC0" in licence


def test_loader_reads_every_row() -> None:
    table = load_salaries()
    assert table.n == len(raw_rows()) == 74_301
    assert float(table.salary_usd.sum()) == sum(float(r["salary_in_usd"]) for r in raw_rows())
    assert int((table.residence == "US").sum()) == 67_008


@pytest.mark.parametrize("query", [
    {},
    {"title": "Data Scientist"},
    {"title": "data scientist", "level": "SE", "country": "US"},
    {"title": "Machine Learning Engineer", "level": "MI", "since": 2024},
    {"title": "Platform Engineer"},
    {"level": "EX", "country": "GB"},
    {"country": "SG"},
    {"country": "DE", "since": 2023},
    {"title": "Data Engineer", "country": "IN"},
])
def test_figures_match_an_independent_computation(query: dict[str, object]) -> None:
    values = reference(**query)  # type: ignore[arg-type]
    summary = market_summary(MarketQuery(**query))  # type: ignore[arg-type]
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert summary.n == len(values)
    assert summary.median == pytest.approx(statistics.median(values), rel=1e-12)
    assert summary.p10 == pytest.approx(deciles[0], rel=1e-12)
    assert summary.p90 == pytest.approx(deciles[-1], rel=1e-12)
    assert summary.to_dict()["currency"] == "USD"


def test_known_figures() -> None:
    s = market_summary(MarketQuery(title="Data Scientist", level="SE", country="US"))
    assert (s.n, s.median, s.p10, s.p90) == (6786, 165000.0, 109100.0, 250200.0)
    assert s.warnings == ()


def test_thin_markets_are_flagged() -> None:
    s = market_summary(MarketQuery(country="SG"))
    assert s.n == 21
    assert any("only 21 salaries" in w for w in s.warnings)
    assert any("SG is a thin market" in w and "90% of its 74,301 rows are US" in w
               for w in s.warnings)
    us = market_summary(MarketQuery(title="Head of Machine Learning", country="US"))
    assert us.n < 30 and len(us.warnings) == 1 and "thin market" not in us.warnings[0]
    gb = market_summary(MarketQuery(country="GB"))
    assert gb.n >= 30 and gb.warnings == ()


@pytest.mark.parametrize("query, message", [
    (MarketQuery(title="Data Scienist"), "no row has job title 'Data Scienist' "
     r"\(did you mean 'Data Scientist'\?\)"),
    (MarketQuery(country="ZZ"), "no row has country=ZZ"),
    (MarketQuery(title="Data Scientist", level="EX", country="SG"),
     "rows pass the filters before country, none of them with country=SG"),
    (MarketQuery(since=2030), "no row has since=2030"),
])
def test_no_match_names_the_filter(query: MarketQuery, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        matching_salaries(load_salaries(), query)


@pytest.mark.parametrize("kwargs, message", [
    ({"level": "XX"}, "level must be one of EN, MI, SE, EX"),
    ({"country": "USA"}, "two-letter ISO code"),
    ({"since": "last year"}, "since must be a year"),
    ({"family": "wizards"}, "family must be one of"),
])
def test_bad_queries(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MarketQuery(**kwargs)  # type: ignore[arg-type]


def test_query_normalises() -> None:
    q = MarketQuery(title="  data   scientist ", level="se", country="sg", since="2023",
                    family="ML-Engineer")  # type: ignore[arg-type]
    assert (q.title, q.level, q.country, q.since, q.family) == (
        "data scientist", "SE", "SG", 2023, "ml-engineer")


@pytest.mark.parametrize("title, family", [
    ("Data Scientist", "data-scientist"), ("Lead Data Scientist", "lead-manager"),
    ("Machine Learning Engineer", "ml-engineer"), ("MLOps Engineer", "ml-engineer"),
    ("Analytics Engineer", "data-engineer"), ("Data Engineer", "data-engineer"),
    ("Data Analyst", "data-analyst"), ("BI Developer", "data-analyst"),
    ("Research Scientist", "research-scientist"), ("AI Research Engineer", "research-scientist"),
    ("Platform Engineer", "software-platform"), ("Site Reliability Engineer",
                                                 "software-platform"),
    ("Engineering Manager", "lead-manager"), ("Head of Data", "lead-manager"),
    ("Product Manager", "product"), ("Consultant", "other"),
])
def test_family_mapping(title: str, family: str) -> None:
    assert family_of(title) == family


def test_family_query_is_the_union_of_its_titles() -> None:
    by_family: dict[str, list[float]] = {}
    rules = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in FAMILIES]
    for row in raw_rows():
        if int(row["work_year"]) >= 2024:
            name = next((n for n, rx in rules if rx.search(row["job_title"])), "other")
            by_family.setdefault(name, []).append(float(row["salary_in_usd"]))
    for name in [*(n for n, _ in FAMILIES), "other"]:
        got = matching_salaries(load_salaries(), MarketQuery(family=name, since=2024))
        assert sorted(got.tolist()) == sorted(by_family[name])


def test_parse_errors_name_the_row() -> None:
    header = "work_year,experience_level,job_title,salary_in_usd,employee_residence\n"
    with pytest.raises(ValueError, match=r"s.csv:3:salary_in_usd: expected a number"):
        parse_salaries(header + "2024,SE,x,1,US\n2024,SE,x,lots,US\n", source="s.csv")
    with pytest.raises(ValueError, match=r"s.csv:2: expected 5 fields, got 4"):
        parse_salaries(header + "2024,SE,x,1\n", source="s.csv")
    with pytest.raises(ValueError, match="missing column"):
        parse_salaries("a,b\n1,2\n", source="s.csv")


def test_summary_percentiles_are_numpy_linear() -> None:
    table = parse_salaries(
        "work_year,experience_level,job_title,salary_in_usd,employee_residence\n"
        + "".join(f"2024,SE,T,{v},US\n" for v in (10, 20, 30, 40, 50)))
    s = summarise(table, MarketQuery())
    assert (s.n, s.p10, s.median, s.p90) == (5, 14.0, 30.0, 46.0)
    assert np.percentile([10, 20, 30, 40, 50], 10) == 14.0
