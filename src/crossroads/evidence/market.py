"""The shipped market data: aijobs.net salaries (CC0), queried as a reference class.

``crossroads market --title "Data Scientist" --level SE --country US`` and the decision-file
prior ``market(title=..., level=..., country=...)`` both go through :class:`MarketQuery`
and :func:`matching_salaries`. The file is parsed once per process with the csv module and
NumPy (no pandas) and cached.

Read ``data/LICENSE-aijobs.md`` before trusting a number: the file is 90% US residents,
base salary only, self-reported, with many duplicate rows.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gzip
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from crossroads._types import FloatArray, IntArray
from crossroads.errors import UsageError

__all__ = [
    "DATA_FILE",
    "FAMILIES",
    "LEVELS",
    "THIN",
    "MarketQuery",
    "MarketSummary",
    "SalaryTable",
    "family_of",
    "load_salaries",
    "market_summary",
    "matching_salaries",
    "parse_salaries",
    "summarise",
]

StrArray = npt.NDArray[np.str_]

DATA_FILE = "aijobs_salaries_2025-01-19.csv.gz"
LEVELS = {"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive or director"}
THIN = 30
"""Below this many matching rows a figure is an anecdote, not a distribution."""

FAMILIES: tuple[tuple[str, str], ...] = (
    ("product", r"\bproduct (manager|owner|designer)\b"),
    ("lead-manager", r"\b(head|director|manager|lead|chief|vp)\b"),
    ("data-scientist", r"\b(data scien|decision scien|statistic)"),
    ("data-engineer", r"\bdata (engineer|architect|infrastructure|integration|pipeline|"
                      r"platform|modeler|developer)|\betl\b|\bbig data\b|\banalytics engineer|"
                      r"\bdatabricks\b|\bdataops\b|\bdata devops\b"),
    ("data-analyst", r"\banalyst\b|\banalytics\b|\bbi\b|\bbusiness intelligence\b|"
                     r"\binsight|\bvisuali[sz]ation\b|\breporting\b"),
    ("research-scientist", r"\bresearch|\bscientist\b|\bpostdoc|\bbioinformatic|"
                           r"\bcomputational biolog"),
    ("ml-engineer", r"\bmachine learning\b|\bml\b|\bmlops\b|\bai\b|\bartificial intelligence\b"
                    r"|\bdeep learning\b|\bcomputer vision\b|\bmachine vision\b|\bnlp\b|"
                    r"\bprompt engineer|\bchatbot\b"),
    ("software-platform", r"\bsoftware\b|\bplatform\b|\bdevops\b|\bsite reliability\b|"
                          r"\binfrastructure\b|\bcloud\b|\bbackend\b|\bfull ?stack\b|"
                          r"\bfrontend\b|\bdeveloper\b|\bengineer\b|\barchitect\b|"
                          r"\bsystems?\b|\bprogrammer\b|\bmember of technical staff\b"),
)
"""Job family by title: the first regex (case-insensitive) that matches wins, else
``other``. The order matters: "Lead Data Scientist" is lead-manager, "Analytics Engineer"
is data-engineer, "AI Research Engineer" is research-scientist. See docs/evidence.md."""

_FAMILY_RULES = tuple((name, re.compile(rx, re.IGNORECASE)) for name, rx in FAMILIES)
_COLUMNS = ("work_year", "experience_level", "job_title", "salary_in_usd",
            "employee_residence")


def family_of(title: str) -> str:
    """The job family of a job title (see :data:`FAMILIES`).

    >>> [family_of(t) for t in ("Machine Learning Engineer", "Lead Data Scientist", "Manager")]
    ['ml-engineer', 'lead-manager', 'lead-manager']
    >>> family_of("Consultant")
    'other'
    """
    for name, rule in _FAMILY_RULES:
        if rule.search(title):
            return name
    return "other"


@dataclass(frozen=True, eq=False)
class SalaryTable:
    """The salary rows as parallel arrays (one entry per row of the file)."""

    year: IntArray
    level: StrArray
    residence: StrArray
    salary_usd: FloatArray
    titles: tuple[str, ...] = field(repr=False)
    """The distinct job titles, sorted; ``title_code`` indexes into them."""
    title_code: IntArray = field(repr=False)
    family: StrArray = field(repr=False)

    def title(self, row: int) -> str:
        """The job title of one row."""
        return self.titles[int(self.title_code[row])]

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.salary_usd.size)


def parse_salaries(text: str, *, source: str = DATA_FILE) -> SalaryTable:
    """Parse the salary CSV (the aijobs.net columns) into a :class:`SalaryTable`.

    >>> t = parse_salaries("work_year,experience_level,job_title,salary_in_usd,"
    ...                    "employee_residence\\n2024,SE,Data Scientist,150000,US\\n")
    >>> (t.n, t.family.tolist())
    (1, ['data-scientist'])
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{source}:1: missing column(s) {', '.join(missing)}")
    rows = list(reader)
    short = next((k for k, row in enumerate(rows) if len(row) != len(header)), None)
    if short is not None:
        raise ValueError(f"{source}:{short + 2}: expected {len(header)} fields, "
                         f"got {len(rows[short])}")
    year, level, title, usd, residence = ([row[i] for row in rows]
                                          for i in [header.index(c) for c in _COLUMNS])
    # Titles as codes into the ~300 distinct titles: a fraction of the time and memory of
    # a 74,000-string array, and title and family filters become integer comparisons.
    titles = tuple(sorted(set(title)))
    code = {t: i for i, t in enumerate(titles)}
    title_code = np.fromiter((code[t] for t in title), dtype=np.int64, count=len(title))
    families = np.asarray([family_of(t) for t in titles] or [""], dtype=np.str_)
    return SalaryTable(
        year=_numbers(year, int, "work_year", source).astype(np.int64),
        level=np.asarray(level, dtype=np.str_),
        residence=np.asarray(residence, dtype=np.str_),
        salary_usd=_numbers(usd, float, "salary_in_usd", source),
        titles=titles,
        title_code=title_code,
        family=families[title_code],
    )


def _numbers(values: list[str], kind: type[float] | type[int], column: str,
             source: str) -> Any:
    try:
        return np.array(list(map(kind, values)), dtype=np.float64)
    except ValueError:
        for k, v in enumerate(values):
            try:
                kind(v)
            except ValueError:
                raise ValueError(f"{source}:{k + 2}:{column}: expected a number, "
                                 f"got {v!r}") from None
        raise


@functools.cache
def load_salaries() -> SalaryTable:
    """The shipped data set, parsed once per process."""
    blob = (resources.files("crossroads.data") / DATA_FILE).read_bytes()
    return parse_salaries(gzip.decompress(blob).decode("utf-8"))


@dataclass(frozen=True)
class MarketQuery:
    """Which salaries to look at; every filter is optional and they combine with AND.

    ``title`` matches job_title exactly, ignoring case; ``level`` is EN, MI, SE or EX;
    ``country`` the ISO code of the employee's residence; ``since`` keeps work_year >=
    since; ``family`` a job family of :data:`FAMILIES`.

    >>> MarketQuery(level="se", country="sg").describe()
    'level=SE, country=SG'
    """

    title: str | None = None
    level: str | None = None
    country: str | None = None
    since: int | None = None
    family: str | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "title", " ".join(str(self.title or "").split()) or None)
        set_(self, "level", _level(self.level))
        set_(self, "country", _country(self.country))
        set_(self, "since", _since(self.since))
        set_(self, "family", _family(self.family))

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> MarketQuery:
        """From ``market(...)`` keywords; ValueError on an unknown one."""
        known = ("title", "level", "country", "since", "family")
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise UsageError(f"unknown market() filter {unknown[0]!r}; use {', '.join(known)}",
                             argument=unknown[0])
        return cls(**values)  # type: ignore[arg-type]  # values are checked in __post_init__

    def filters(self) -> list[tuple[str, str | int]]:
        """The filters that are set, in the order they are applied."""
        pairs = [("title", self.title), ("family", self.family), ("level", self.level),
                 ("country", self.country), ("since", self.since)]
        return [(k, v) for k, v in pairs if v is not None]

    def describe(self) -> str:
        """``title='Data Scientist', level=SE`` (or ``all rows``)."""
        parts = [f"{k}={v!r}" if k in ("title", "family") else f"{k}={v}"
                 for k, v in self.filters()]
        return ", ".join(parts) or "all rows"


def _level(value: object) -> str | None:
    if value is None or value == "":
        return None
    code = str(value).strip().upper()
    if code not in LEVELS:
        raise UsageError(f"level must be one of {', '.join(LEVELS)} "
                         f"({', '.join(LEVELS.values())}), got {value!r}", argument="level")
    return code


def _country(value: object) -> str | None:
    if value is None or value == "":
        return None
    code = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise UsageError(f"country must be a two-letter ISO code such as US or SG, "
                         f"got {value!r}", argument="country")
    return code


def _since(value: object) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d{4}", text):
        raise UsageError(f"since must be a year such as 2023, got {value!r}", argument="since")
    return int(text)


def _family(value: object) -> str | None:
    if value is None or value == "":
        return None
    name = str(value).strip().lower()
    names = [n for n, _ in FAMILIES] + ["other"]
    if name not in names:
        raise UsageError(f"family must be one of {', '.join(names)}, got {value!r}",
                         argument="family")
    return name


def _mask(table: SalaryTable, key: str, value: str | int) -> npt.NDArray[np.bool_]:
    if key == "title":
        wanted = [i for i, t in enumerate(table.titles) if t.casefold() == str(value).casefold()]
        return np.isin(table.title_code, wanted)
    if key == "since":
        return table.year >= int(value)
    column = {"family": table.family, "level": table.level, "country": table.residence}[key]
    return np.asarray(column == value, dtype=np.bool_)


def matching_salaries(table: SalaryTable, query: MarketQuery) -> FloatArray:
    """salary_in_usd of every row matching ``query``, in file order.

    Raises ValueError naming the filter that left nothing (with a did-you-mean for titles).
    """
    keep = np.ones(table.n, dtype=bool)
    for key, value in query.filters():
        narrowed = keep & _mask(table, key, value)
        if not narrowed.any():
            raise UsageError(_no_match(table, query, key, value, int(keep.sum())))
        keep = narrowed
    return table.salary_usd[keep]


def _no_match(table: SalaryTable, query: MarketQuery, key: str, value: str | int,
              before: int) -> str:
    head = f"no salaries match {query.describe()}"
    if key == "title":
        close = difflib.get_close_matches(str(value), table.titles, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{head}: no row has job title {value!r}{hint}"
    if not _mask(table, key, value).any():
        return f"{head}: no row has {key}={value}"
    return f"{head}: {before} rows pass the filters before {key}, none of them with {key}={value}"


@dataclass(frozen=True)
class MarketSummary:
    """n, median, p10 and p90 (NumPy ``percentile``, linear) of matching salaries, in USD."""

    query: MarketQuery
    n: int
    median: float
    p10: float
    p90: float
    warnings: tuple[str, ...] = ()
    currency: str = "USD"

    def to_dict(self) -> dict[str, Any]:
        """The ``market --json`` object: the contract keys plus query and warnings."""
        return {"n": self.n, "median": self.median, "p10": self.p10, "p90": self.p90,
                "currency": self.currency, "query": dict(self.query.filters()),
                "warnings": list(self.warnings)}


def summarise(table: SalaryTable, query: MarketQuery) -> MarketSummary:
    """Median and 10th/90th percentiles of the matching salaries, with honest warnings.

    Warns when fewer than :data:`THIN` rows match and, for any country but the US, that
    the file is mostly US residents so that market is thin in it.
    """
    values = matching_salaries(table, query)
    p10, median, p90 = (float(v) for v in np.percentile(values, [10, 50, 90]))
    warnings: list[str] = []
    n = int(values.size)
    if n < THIN:
        warnings.append(f"only {n} salaries match: treat these figures as anecdotes, "
                        "not a distribution")
        if query.country is not None and query.country != "US":
            us = int((table.residence == "US").sum())
            warnings.append(
                f"{query.country} is a thin market in this data set: {100 * us / table.n:.0f}% "
                f"of its {table.n:,} rows are US residents; do not use it alone as a prior")
    return MarketSummary(query, n, median, p10, p90, tuple(warnings))


def market_summary(query: MarketQuery, table: SalaryTable | None = None) -> MarketSummary:
    """:func:`summarise` over the shipped data set (or ``table``)."""
    return summarise(load_salaries() if table is None else table, query)
