"""`crossroads journal ...`: record a decision's bet, check in, see whether you were right.

    crossroads journal record decision.yaml --chose platform --note "took the cut"
    crossroads journal checkin 1 --year 2 --cash 52k --role senior --score enjoyment=8
    crossroads journal review [1] [--json]
    crossroads journal redecide 1
    crossroads journal export -o journal.json | import journal.json

Every command takes ``--db URL``. Bad input (an unknown entry, a year beyond the horizon,
a role the option does not have) prints one line and exits 1 with nothing written; bad
option syntax exits 2. docs/journal.md is the guide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crossroads.cli.common import Guarded, console, fail, load_or_exit
from crossroads.cli.options import DbOpt, FileArg, JsonOpt, SamplesOpt, SeedOpt, print_json

if TYPE_CHECKING:
    from crossroads.journal.calibrate import Checkin
    from crossroads.store.journal import Record

journal_app = typer.Typer(
    name="journal",
    help="The decision journal: record the bet, check in, learn whether you were right.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    cls=Guarded)

EntryArg = Annotated[int, typer.Argument(help="The entry's id (see `journal review`).")]
NoteOpt = Annotated[str | None, typer.Option(
    "--note", help="Free notes (seen in the process list and shell history: --note-file and "
    "--edit-note are private).", show_default=False)]
NoteFileOpt = Annotated[str | None, typer.Option(
    "--note-file", help="Read the notes from this file ('-': standard input).",
    show_default=False)]
EditNoteOpt = Annotated[bool, typer.Option(
    "--edit-note", help="Write the notes in $EDITOR (or $VISUAL).")]

MAX_ID = 2**63 - 1


def _entry_id(entry: int) -> int:
    if not 1 <= entry <= MAX_ID:
        fail(f"no journal entry with id {entry} (see `crossroads journal review`)")
    return entry


@journal_app.command("record")
def record(
    file: FileArg,
    chose: Annotated[str, typer.Option("--chose", help="The option you chose (its id).")],
    note: NoteOpt = None, note_file: NoteFileOpt = None, edit_note: EditNoteOpt = False,
    samples: SamplesOpt = None, seed: SeedOpt = None, as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Run the decision and keep the chosen option's predictions, year by year."""
    from crossroads.api import with_references
    from crossroads.engine import budget
    from crossroads.journal import predict as jp
    from crossroads.store import transaction
    from crossroads.store.journal import Record, add_entry

    text = _note(note, note_file, edit_note)
    model = load_or_exit(file, db=db)
    if chose not in model.option_ids:
        fail(f"{file}: no option `{chose}`; the options are {', '.join(model.option_ids)}")
    n = samples if samples is not None else model.samples
    if isinstance(n, int):  # "auto" stops within the budget on its own
        budget.check(model, n, "journal", extra=jp.bytes_per_draw(model))
    result, pred = jp.predict(model, chose, n, model.seed if seed is None else seed)
    result = with_references(model, result)
    raw = file.read_bytes()
    rec = Record(str(file), raw.decode("utf-8", "replace"), hashlib.sha256(raw).hexdigest(),
                 model.title, result.samples, result.seed, _version(), model.horizon,
                 model.currency, pred, result.to_dict(), text)
    with transaction(db) as conn:
        entry_id = add_entry(conn, rec)
    if as_json:
        print_json({"id": entry_id, "option": chose,
                     "recorded": rec.recorded_at.date().isoformat()})
        return
    from crossroads.cli.journal_output import print_recorded

    print_recorded(entry_id, rec)


def _version() -> str:
    import crossroads

    return str(crossroads.__version__)


def _year(text: str, recorded: dt.date) -> tuple[int, str | None]:
    """``--year``: a whole number, or a date whose full years since the entry are the year."""
    if text.strip().lstrip("+").isdigit():
        return int(text), None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"expected a year (0, 1, 2...) or a date YYYY-MM-DD, got "
                                 f"{text!r}", param_hint="--year") from None
    if day < recorded:
        fail(f"--year {text}: before the entry was recorded ({recorded.isoformat()})")
    years = day.year - recorded.year - ((day.month, day.day) < (recorded.month, recorded.day))
    return years, day.isoformat()


def _scores(values: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not sep or not name.strip() or not math.isfinite(number):
            raise typer.BadParameter(f"expected CRITERION=NUMBER, got {value!r}",
                                     param_hint="--score")
        out[name.strip()] = number
    return out


def _money(text: str | None) -> float | None:
    """``52000``, ``52k``, ``1.2M``: the cash of a check-in."""
    if text is None:
        return None
    t = text.strip().replace(",", "").replace("_", "")
    scale = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6}.get(t[-1:], 1.0)
    try:
        x = float(t[:-1] if scale != 1.0 else t) * scale
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise typer.BadParameter(f"expected an amount such as 52000 or 52k, got {text!r}",
                                 param_hint="--cash")
    return x


def _note(note: str | None, note_file: str | None, edit_note: bool) -> str:
    """The notes from one of --note, --note-file, --edit-note (as `research add` takes them)."""
    if note_file is None and not edit_note:
        return note or ""
    from crossroads.cli.research import _notes

    return _notes(note, note_file, edit_note) or ""


@journal_app.command("checkin")
def checkin(
    entry: EntryArg,
    year: Annotated[str, typer.Option(
        "--year", help="Years since the decision as the file counts them (0 is the first "
        "year), or a date YYYY-MM-DD.")],
    cash: Annotated[str | None, typer.Option(
        "--cash", help="Cash paid that year, all of it (52000 or 52k), in the money the "
        "entry's run reports (`journal review` says which).", show_default=False)] = None,
    pre_tax: Annotated[bool, typer.Option(
        "--pre-tax", help="The cash is before tax (for a file with `tax:`).")] = False,
    role: Annotated[str | None, typer.Option(
        "--role", help="The role you hold (a role id of the option).",
        show_default=False)] = None,
    score: Annotated[list[str] | None, typer.Option(
        "--score", help="CRITERION=VALUE, e.g. enjoyment=8. Repeat for more.",
        show_default=False)] = None,
    note: NoteOpt = None, note_file: NoteFileOpt = None, edit_note: EditNoteOpt = False,
    as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """Record what happened in a year: pay, role, scores; see where it fell."""
    from crossroads.journal.calibrate import Checkin, assess, check_checkin
    from crossroads.store import transaction
    from crossroads.store.journal import add_checkin, get_record

    amount, scores = _money(cash), _scores(score)
    note = _note(note, note_file, edit_note)
    if amount is None and role is None and not scores and not note:
        raise typer.BadParameter("give at least one of --cash, --role, --score, --note",
                                 param_hint="--year")
    with transaction(db) as conn:
        rec = get_record(conn, _entry_id(entry))
        t, day = _year(year, rec.recorded_at.date())
        made = Checkin(t, amount, role, scores, note, day, pre_tax=pre_tax)
        problem = check_checkin(rec.prediction, made)
        if problem:
            leave = "; leave --pre-tax out" if pre_tax and "before tax" in problem else ""
            fail(f"journal entry {entry}: {problem}{leave}")
        new_id = add_checkin(conn, entry, made)
    reached = {rec.prediction.start, *(c.role for c in rec.checkins
                                       if c.role and c.year <= t), *([role] if role else [])}
    row = assess(made, rec.prediction.years[t], rec.prediction.levels, reached)
    if as_json:
        print_json({"id": new_id, "entry": entry, **row})
        return
    from crossroads.cli.journal_output import print_checkin

    print_checkin(entry, row, rec)


@journal_app.command("review")
def review(
    entry: Annotated[int | None, typer.Argument(
        help="One entry's id [default: every entry].", show_default=False)] = None,
    as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """Where each actual fell in its prediction, and how calibrated you have been."""
    from crossroads.journal.calibrate import review as review_entries
    from crossroads.store import transaction
    from crossroads.store.journal import get_entry, list_entries

    with transaction(db) as conn:
        entries = list_entries(conn) if entry is None else [get_entry(conn, _entry_id(entry))]
    data = review_entries(entries)
    if as_json:
        print_json(data)
        return
    from crossroads.cli.journal_output import print_review

    print_review(data)


def _standing(rec: Record, tenure: int | None) -> tuple[Checkin, int]:
    """The latest check-in with both pay and role, and the years spent in that role."""
    full = [c for c in rec.checkins if c.cash is not None and c.role is not None]
    if not full:
        fail("redecide needs where you stand: check in with both --cash and --role first")
    last = max(full, key=lambda c: (c.year, c.id or 0))
    if tenure is not None:
        return last, tenure
    first = last.year
    for c in sorted((c for c in rec.checkins if c.role and c.year <= last.year),
                    key=lambda c: -c.year):
        if c.role != last.role:
            break
        first = c.year
    else:
        if last.role == rec.prediction.start:
            first = 0
    return last, last.year + 1 - first


@journal_app.command("redecide")
def redecide(
    entry: EntryArg,
    file: Annotated[Path | None, typer.Option(
        "--file", help="The decision file as it reads now [default: the recorded file's "
        "path, else the recorded text].", show_default=False)] = None,
    tenure: Annotated[int | None, typer.Option(
        "--tenure", help="Years in your current role [default: from the check-ins].", min=0,
        show_default=False)] = None,
    pay: Annotated[str | None, typer.Option(
        "--pay", help="Your pay now as the file writes `cash` (before tax, in the role's "
        "currency, this year's money) [default: the check-in's cash, for a file that "
        "converts no money].", show_default=False)] = None,
    samples: SamplesOpt = None, seed: SeedOpt = None, as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Decide again from where you stand: does switching now beat staying?"""
    from crossroads.api import load, run
    from crossroads.errors import UsageError
    from crossroads.journal.redecide import Standing, rewrite, sentence, switch_verdict
    from crossroads.store import transaction
    from crossroads.store.journal import get_record

    with transaction(db) as conn:
        rec = get_record(conn, _entry_id(entry))
    last, years_in_role = _standing(rec, tenure)
    text, source = _current_text(rec, file)
    standing = Standing(rec.prediction.option, str(last.role), years_in_role,
                        _file_pay(rec, last, _money(pay)), last.year + 1)
    try:
        rewritten = rewrite(text, standing)
    except UsageError as exc:  # the file no longer has the option or the role: which file
        fail(f"{source}: {exc}")
    model = load(rewritten, db=db)
    result = run(model, samples=samples, seed=seed).to_dict()
    verdict = switch_verdict(result, standing.option)
    said = sentence(verdict, model.horizon, model.currency)
    data = {"entry": entry, "source": source, "from_year": standing.spent,
            "years_left": model.horizon, "role": standing.role,
            "role_label": rec.prediction.roles.get(standing.role, standing.role),
            "tenure": standing.tenure,
            "pay": standing.pay, **verdict, "sentence": said}
    if as_json:
        print_json(data)
        return
    from crossroads.cli.journal_output import print_redecide

    print_redecide(data, model.currency)


def _file_pay(rec: Record, last: Checkin, pay: float | None) -> float:
    """The pay to start from, as the file writes `cash`: ``--pay``, else the check-in's
    cash when the run's money is the file's own (no tax, inflation or conversion)."""
    if pay is not None:
        return pay
    money = rec.summary.get("money") or {}
    if money.get("after_tax") or money.get("inflation") or money.get("fx"):
        fail("this decision converts pay (tax, inflation or currencies: docs/money.md), so "
             "the check-in's cash is not in the file's terms: give your pay now as the file "
             "writes `cash` with --pay AMOUNT")
    return float(last.cash or 0.0)


def _current_text(rec: Record, file: Path | None) -> tuple[str, str]:
    """The file as it reads now: ``--file``, else the recorded path, else the kept text."""
    for path in ([file] if file is not None else [Path(rec.source)]):
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            if file is not None:
                fail(f"{path}: cannot read the file: {exc}")
    return rec.file_text, f"{rec.source} (as recorded)"


@journal_app.command("export")
def export(
    entries: Annotated[list[int] | None, typer.Argument(
        help="Entry ids [default: every entry].", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write here (owner-only, 0600) instead of the standard "
        "output.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    db: DbOpt = None,
) -> None:
    """Write the journal (predictions, check-ins, the files) as one JSON document."""
    from crossroads.store import transaction
    from crossroads.store.journal import export_journal

    with transaction(db) as conn:
        document = export_journal(conn, entries or None)
    text = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    from crossroads.cli.research import _write_private  # 0600, no symlinks, --force

    _write_private(str(output), text, force=force)
    console.print(f"wrote {len(document['entries'])} entries to {output}", markup=False)


@journal_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A `journal export` JSON file.",
                                         show_default=False)],
    db: DbOpt = None,
) -> None:
    """Add the entries of an exported journal (new ids; all or nothing)."""
    from crossroads.errors import UsageError
    from crossroads.store import transaction
    from crossroads.store.journal import import_journal

    try:
        document: Any = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot read the file: {exc}")
    except json.JSONDecodeError as exc:
        fail(f"{file}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}")
    with transaction(db) as conn:
        try:
            ids = import_journal(conn, document)
        except UsageError as exc:  # not a journal export: say which file
            fail(f"{file}: {exc}")
    console.print(f"imported {len(ids)} entries: ids {', '.join(map(str, ids)) or 'none'}",
                  markup=False)


def report_journal(title: str) -> dict[str, Any] | None:
    """The journal section's data for `crossroads report`: the review of the entries
    recorded for the decision ``title``, or None (no database yet, no such entry, or a
    database that cannot be read: a report never fails for the journal's sake)."""
    import os

    from sqlalchemy.engine import make_url

    from crossroads.journal.report import report_data
    from crossroads.store import StoreError, resolve_url, transaction
    from crossroads.store.journal import list_entries

    url = resolve_url(None)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and not os.path.exists(parsed.database or ""):
            return None  # no journal yet: do not create a database to find that out
        with transaction(url) as conn:
            return report_data(list_entries(conn), title)
    except (StoreError, ValueError, OSError):
        return None


__all__ = ["journal_app", "report_journal"]
