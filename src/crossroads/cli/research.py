"""`crossroads research ...`: keep the log of who you talked to and what they estimated.

    crossroads research add --person ana --years 12 --market SG --stage series-b \\
        --estimate "p_em=30% to 50%" --stance em_track_open=agree
    crossroads research list | show ID | edit ID | delete ID
    crossroads research import people.csv | export people.json | coverage

Notes can hold what people told you in confidence, so they need not go on the command
line (where ``ps`` and the shell history show them): ``--note-file FILE`` reads them from a
file, ``--note-file -`` from standard input, and ``--edit-note`` opens ``$EDITOR``.
Text from the log is printed with control characters shown as ``?``, so an imported
note cannot drive the terminal. Exports are written owner-only (0600), never through a
symlink, and never over an existing file without ``--force``.

Every command takes ``--db URL`` (default ``$CROSSROADS_DB``, else a SQLite file in the
user data directory) and ``--json``. Errors print one line (``FILE:ROW:COLUMN: message``
for import files) and exit 1; bad option syntax exits 2. The database and the core are
imported inside the commands so that ``crossroads`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crossroads.cli.common import Guarded, console, err_console, fail, printable
from crossroads.cli.options import DbOpt, JsonOpt, print_json

if TYPE_CHECKING:
    from crossroads.evidence.research import Conversation, Coverage

research_app = typer.Typer(
    name="research",
    help="The research log: who you talked to, what they estimated, whom you have not.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Guarded,
)

IdArg = Annotated[int, typer.Argument(help="The conversation's id (see `research list`).")]
MarketOpt = Annotated[str | None, typer.Option(
    "--market", help="ISO country code (SG) or a region (EU).", show_default=False)]
StageOpt = Annotated[str | None, typer.Option(
    "--stage", help="Company stage: seed, series-a, series-b, series-c, growth, public, "
    "big-tech...", show_default=False)]
SizeOpt = Annotated[str | None, typer.Option(
    "--size", help="Company size, e.g. 50-250.", show_default=False)]
RoleOpt = Annotated[str | None, typer.Option(
    "--role", help="Their role, e.g. 'engineering manager'.", show_default=False)]
DateOpt = Annotated[str | None, typer.Option(
    "--date", help="When you talked, YYYY-MM-DD [default: today].", show_default=False)]
NoteOpt = Annotated[str | None, typer.Option(
    "--note", help="Free notes (visible to other users in `ps`: prefer --note-file or "
    "--edit-note).", show_default=False)]
NoteFileOpt = Annotated[str | None, typer.Option(
    "--note-file", help="Read the notes from this file ('-': standard input).",
    show_default=False)]
EditNoteOpt = Annotated[bool, typer.Option(
    "--edit-note", help="Write the notes in $EDITOR (or $VISUAL).")]
EstimateOpt = Annotated[list[str] | None, typer.Option(
    "--estimate", help="NAME=ESTIMATE in the estimate language, e.g. 'p_em=30% to 50%'. "
    "Repeat for more.", show_default=False)]
StanceOpt = Annotated[list[str] | None, typer.Option(
    "--stance", help="CLAIM=agree|disagree|unsure. Repeat for more.", show_default=False)]

def _notes(note: str | None, note_file: str | None, edit_note: bool,
           current: str = "") -> str | None:
    """The notes from exactly one of --note, --note-file and --edit-note (None: none)."""
    given = [n for n, v in (("--note", note is not None), ("--note-file", note_file),
                            ("--edit-note", edit_note)) if v]
    if len(given) > 1:
        raise typer.BadParameter(f"give only one of {', '.join(given)}", param_hint=given[1])
    if note_file is not None:
        return _read(note_file)
    if edit_note:
        return _edit(current)
    return note


def _edit(current: str) -> str:
    """Open $VISUAL or $EDITOR on a private temporary file holding ``current``."""
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, tmp = tempfile.mkstemp(prefix="crossroads-note-", suffix=".txt")  # 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(current)
        try:
            done = subprocess.run([*shlex.split(editor), tmp], check=False)
        except OSError as exc:
            fail(f"--edit-note: cannot start the editor {editor!r}: {exc.strerror or exc}")
        if done.returncode != 0:
            fail(f"--edit-note: the editor exited with status {done.returncode}; "
                 "nothing was saved")
        with open(tmp, encoding="utf-8") as handle:
            return handle.read().rstrip("\n")
    finally:
        os.unlink(tmp)


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``["a=1 to 2"]`` -> ``{"a": "1 to 2"}``; a value without ``=`` is a usage error."""
    out: dict[str, str] = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        out[name.strip()] = text
    return out


def _entry(conversation_id: int, conv: Conversation) -> dict[str, Any]:
    return {"id": conversation_id, **conv.to_dict()}


@research_app.command("add")
def add(
    person: Annotated[str, typer.Option("--person", help="An alias for who you talked to.")],
    years: Annotated[int, typer.Option("--years", help="Their years of experience.")],
    market: MarketOpt = None, stage: StageOpt = None, size: SizeOpt = None,
    role: RoleOpt = None, date: DateOpt = None, note: NoteOpt = None,
    note_file: NoteFileOpt = None, edit_note: EditNoteOpt = False,
    estimate: EstimateOpt = None, stance: StanceOpt = None,
    as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """Log a conversation: who, their experience and context, what they estimated."""
    from crossroads.evidence.research import make_conversation
    from crossroads.store import add_conversation, transaction

    note = _notes(note, note_file, edit_note)
    raw = {"person": person, "years": years, "market": market, "stage": stage,
           "size": size, "role": role, "date": date or dt.date.today().isoformat(),
           "notes": note or "", "estimates": _pairs(estimate, "--estimate"),
           "stances": _pairs(stance, "--stance")}
    conv = make_conversation(raw)
    with transaction(db) as conn:
        new_id = add_conversation(conn, conv)
    if as_json:
        print_json(_entry(new_id, conv))
    else:
        console.print(f"added conversation {new_id}: {_summary(conv)}", markup=False)


def _summary(conv: Conversation) -> str:
    where = " ".join(x for x in (conv.market, conv.stage) if x)
    about = ", ".join(sorted(conv.estimates)) or "no estimates"
    return printable(f"{conv.person} ({conv.years} years{', ' + where if where else ''}): "
                     f"{about}")


@research_app.command("list")
def list_(
    param: Annotated[str | None, typer.Option(
        "--param", help="Only conversations with an estimate of this param.",
        show_default=False)] = None,
    market: MarketOpt = None, stage: StageOpt = None, role: RoleOpt = None,
    as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """List the logged conversations, optionally filtered."""
    from crossroads.evidence.research import select

    filters = {k: v for k, v in (("market", market), ("stage", stage), ("role", role)) if v}
    log = _load(db)
    keep = {id(c) for c in select(log.values(), filters)}
    rows = {i: c for i, c in log.items()
            if id(c) in keep and (param is None or param in c.estimates)}
    if as_json:
        print_json({"conversations": [_entry(i, c) for i, c in rows.items()]})
    else:
        _print_list(rows)


def _load(db: str | None) -> dict[int, Conversation]:
    from crossroads.store import list_conversations, transaction

    with transaction(db) as conn:
        return list_conversations(conn)


def _print_list(rows: Mapping[int, Conversation]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not rows:
        console.print("no conversations (add one with `crossroads research add`)",
                      markup=False)
        return
    table = Table("id", "person", "years", "market", "stage", "role", "date", "estimates",
                  "stances")
    for i, c in rows.items():
        cells = (str(i), c.person, str(c.years), c.market or "", c.stage or "", c.role or "",
                 c.date.isoformat() if c.date else "", ", ".join(sorted(c.estimates)),
                 str(len(c.stances)) if c.stances else "")
        table.add_row(*(escape(printable(x)) for x in cells))
    console.print(table)


@research_app.command("show")
def show(conversation_id: IdArg, as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """Show one conversation in full, with what each estimate means as a distribution."""
    from crossroads.store import get_conversation, transaction

    with transaction(db) as conn:
        conv = get_conversation(conn, conversation_id)
    if as_json:
        print_json(_entry(conversation_id, conv))
        return
    _print_conversation(conversation_id, conv)


def _print_conversation(conversation_id: int, conv: Conversation) -> None:
    from rich.markup import escape
    from rich.table import Table

    from crossroads.evidence.research import FieldError, estimate_dist

    table = Table(show_header=False, box=None, title=f"conversation {conversation_id}")
    rows = [(name, "" if value is None else str(value)) for name, value in conv.to_dict().items()
            if name not in ("estimates", "stances", "notes")]
    for name, text in sorted(conv.estimates.items()):
        try:
            meaning = estimate_dist(text).describe()
        except FieldError as exc:  # the estimate language may have changed since
            meaning = exc.message
        rows.append((f"estimate {name}", f"{text}  ({meaning})"))
    rows += [(f"stance {claim}", stance) for claim, stance in sorted(conv.stances.items())]
    for name, value in rows:  # user text: no markup, no control codes
        table.add_row(escape(printable(name)), escape(printable(value)))
    console.print(table)
    if conv.notes:
        console.print("notes:", markup=False)
        console.print(printable(conv.notes), markup=False, highlight=False)


@research_app.command("edit")
def edit(
    conversation_id: IdArg,
    person: Annotated[str | None, typer.Option("--person", show_default=False)] = None,
    years: Annotated[int | None, typer.Option("--years", show_default=False)] = None,
    market: MarketOpt = None, stage: StageOpt = None, size: SizeOpt = None,
    role: RoleOpt = None, date: DateOpt = None, note: NoteOpt = None,
    note_file: NoteFileOpt = None, edit_note: EditNoteOpt = False,
    estimate: EstimateOpt = None, stance: StanceOpt = None,
    drop_estimate: Annotated[list[str] | None, typer.Option(
        "--drop-estimate", help="Remove this param's estimate.", show_default=False)] = None,
    drop_stance: Annotated[list[str] | None, typer.Option(
        "--drop-stance", help="Remove this claim's stance.", show_default=False)] = None,
    as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """Change a conversation: given options replace, '' clears, --estimate adds or replaces."""
    from crossroads.evidence.research import make_conversation
    from crossroads.store import get_conversation, transaction, update_conversation

    given = {"person": person, "years": years, "market": market, "stage": stage,
             "size": size, "role": role, "date": date}
    new_est, new_sta = _pairs(estimate, "--estimate"), _pairs(stance, "--stance")
    with transaction(db) as conn:
        old = get_conversation(conn, conversation_id)
        given["notes"] = _notes(note, note_file, edit_note, old.notes)
        raw = {**old.to_dict(), **{k: v for k, v in given.items() if v is not None}}
        raw["estimates"] = _merge(old.estimates, new_est, drop_estimate, "--drop-estimate")
        raw["stances"] = _merge(old.stances, new_sta, drop_stance, "--drop-stance")
        conv = make_conversation(raw)
        update_conversation(conn, conversation_id, conv)
    if as_json:
        print_json(_entry(conversation_id, conv))
    else:
        console.print(f"updated conversation {conversation_id}: {_summary(conv)}",
                      markup=False)


def _merge(old: Mapping[str, str], new: Mapping[str, str], drop: list[str] | None,
           option: str) -> dict[str, str]:
    out = {**old, **new}
    for name in drop or []:
        if name not in out:
            fail(f"{option} {name}: this conversation has none "
                 f"(it has {', '.join(sorted(out)) or 'none at all'})")
        del out[name]
    return out


@research_app.command("delete")
def delete(conversation_id: IdArg, as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """Delete a conversation with its estimates and stances."""
    from crossroads.store import delete_conversation, transaction

    with transaction(db) as conn:
        gone = delete_conversation(conn, conversation_id)
    if as_json:
        print_json({"deleted": _entry(conversation_id, gone)})
    else:
        console.print(f"deleted conversation {conversation_id}: {_summary(gone)}",
                      markup=False)


FormatOpt = Annotated[str | None, typer.Option(
    "--format", help="csv or json [default: from the file name, else csv].",
    show_default=False)]


def _format(fmt: str | None, name: str, as_json: bool = False) -> Any:
    from crossroads.evidence.exchange import guess_format

    if fmt is None:
        return "json" if as_json else guess_format(name)
    if fmt.lower() not in ("csv", "json"):
        raise typer.BadParameter(f"expected csv or json, got {fmt!r}", param_hint="--format")
    return fmt.lower()


@research_app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="A CSV or JSON file ('-' reads stdin).")],
    fmt: FormatOpt = None, as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """Add every conversation of a CSV or JSON file, or none if any row is bad."""
    from crossroads.evidence.exchange import parse_conversations
    from crossroads.store import import_conversations, transaction

    kind = _format(fmt, file)
    text = _read(file)
    log = parse_conversations(text, kind, source="<stdin>" if file == "-" else file)
    with transaction(db) as conn:
        ids = import_conversations(conn, log)
    _warn_formulas(text, kind, file)
    if as_json:
        print_json({"imported": len(ids), "ids": ids})
    else:
        span = f" (ids {ids[0]}-{ids[-1]})" if ids else ""
        console.print(f"imported {len(ids)} conversations from {file}{span}", markup=False)


def _warn_formulas(text: str, kind: str, file: str) -> None:
    """Say which imported cells a spreadsheet would run as formulas (they are kept as text:
    `export` writes them with a leading apostrophe)."""
    from crossroads.evidence.exchange import formula_cells

    cells = formula_cells(text) if kind == "csv" else []
    if cells:
        where = ", ".join(f"row {r} {c}" for r, c in cells[:5])
        more = f" and {len(cells) - 5} more" if len(cells) > 5 else ""
        err_console.print(f"warning: {file}: {len(cells)} cell(s) start like a spreadsheet "
                          f"formula ({where}{more}); kept as text, and `export` escapes them",
                          markup=False)


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot read: {getattr(exc, 'strerror', None) or exc}")


@research_app.command("export")
def export(
    file: Annotated[str | None, typer.Argument(
        help="Where to write [default: standard output].", show_default=False)] = None,
    fmt: FormatOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    db: DbOpt = None,
) -> None:
    """Write the whole log as CSV or JSON (the same fields `import` reads), owner-only."""
    from crossroads.evidence.exchange import format_conversations

    kind = _format(fmt, file or "", as_json)
    text = format_conversations(_load(db).values(), kind)
    if file is None or file == "-":
        sys.stdout.write(text)
        return
    _write_private(file, text, force=force)
    err_console.print(f"exported to {file}", markup=False)


def _write_private(file: str, text: str, *, force: bool) -> None:
    """Create ``file`` 0600 (whatever the umask), never following a symlink, and replace
    an existing file only with ``force``."""
    import os

    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_TRUNC if force else os.O_EXCL
    if os.path.islink(file):
        fail(f"{file}: is a symbolic link; crossroads does not write through one")
    try:
        fd = os.open(file, flags, 0o600)
    except FileExistsError:
        fail(f"{file} already exists: pass --force to overwrite it")
    except OSError as exc:
        fail(f"{file}: cannot write: {exc.strerror or exc}")
    os.fchmod(fd, 0o600)  # an existing file overwritten with --force becomes private too
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


@research_app.command("coverage")
def coverage_(
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="A research param to check [default: every param in the log].",
        show_default=False)] = None,
    market: Annotated[list[str] | None, typer.Option(
        "--market", help="A market you care about even if the log has none.",
        show_default=False)] = None,
    stage: Annotated[list[str] | None, typer.Option(
        "--stage", help="A company stage you care about even if the log has none.",
        show_default=False)] = None,
    as_json: JsonOpt = False, db: DbOpt = None,
) -> None:
    """Who you have heard from, by market x stage x experience, and whom you have not."""
    from crossroads.evidence.research import coverage

    result = coverage(list(_load(db).values()), param or (), markets=market or (),
                      stages=stage or ())
    if as_json:
        print_json(result.to_dict())
    else:
        _print_coverage(result)


def _print_coverage(result: Coverage) -> None:
    from rich.table import Table

    if not result.counts:
        console.print("the research log is empty: nothing to cover yet", markup=False)
        return
    grid = Table("market", "stage", *(f"{b} yrs" for b in result.seniority), "total",
                 title="conversations by market, stage and experience")
    cells = dict.fromkeys((m, s) for m, s, _ in result.counts)  # already in table order
    for m, s in cells:
        counts = [result.counts.get((m, s, b), 0) for b in result.seniority]
        grid.add_row(m, s, *(str(n) if n else "[red]0[/red]" for n in counts), str(sum(counts)))
    console.print(grid)
    if result.params:
        console.print(_params_table(result))
    _print_gaps(result)


def _params_table(result: Coverage) -> Any:
    from rich.table import Table

    table = Table("param", "people", "weight (yrs)", "no one from market", "no one at stage",
                  "no one with experience", title="who estimated each research param")
    for name, pc in result.params.items():
        table.add_row(name, str(pc.people), f"{pc.weight:g}", ", ".join(pc.missing_markets),
                      ", ".join(pc.missing_stages), ", ".join(pc.missing_seniority))
    return table


def _print_gaps(result: Coverage, limit: int = 20) -> None:
    for gap in result.gaps[:limit]:
        console.print(f"gap: no one from {gap.market} at {gap.stage} about {gap.param}",
                      markup=False)
    if len(result.gaps) > limit:
        console.print(f"... and {len(result.gaps) - limit} more gaps (see --json)",
                      markup=False)
