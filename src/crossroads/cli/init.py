"""`crossroads init`: guided questions in the terminal -> a new, commented decision file.

    crossroads init [-o decision.yaml] [--force]

Each answer is checked as it is given (an estimate that does not compile is asked again,
with the error). The questions and the file they make live in
:mod:`crossroads.questionnaire`; this module only asks. The file is checked with
``crossroads.load`` before it is written, atomically, and never over an existing file
unless ``--force``.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from crossroads.cli.common import console, err_console, fail
from crossroads.questionnaire import (
    Alternative,
    Answers,
    Criterion,
    Number,
    Person,
    StepUp,
    currency_problem,
    decision_yaml,
    estimate_problem,
    horizon_problem,
    parse_priorities,
)

Check = Callable[[str], str | None]


def init_command(
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="Where to write the decision file.")] = Path("decision.yaml"),
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """Answer a few questions and get a commented decision file to check, run and edit."""
    if output.exists() and not force:
        fail(f"{output} already exists: pass --force to overwrite it, or -o another name")
    console.print("[bold]A new decision file[/bold], question by question. Press Enter to "
                  "skip optional ones; estimates take numbers, ranges (`120k to 150k`, "
                  "`40L to 50L`, `40 to 50 lakh`) and percentages (`3% to 8%`).")
    answers = ask_answers()
    text = decision_yaml(answers)
    _check(text)
    _write(text, output, force=force)
    shown = escape(str(output))
    console.print(f"[green]wrote[/green] {shown}. Next: crossroads check {shown}; "
                  f"crossroads run {shown}; crossroads report {shown}", soft_wrap=True)


def _check(text: str) -> None:
    """The file must load; if it does not, that is a bug here, so say so and write nothing."""
    from crossroads.api import load
    from crossroads.errors import DecisionError

    try:
        load(text)
    except DecisionError as exc:
        fail(f"crossroads init made a file it cannot read (please report this): {exc.format()}")


def _write(text: str, target: Path, *, force: bool) -> None:
    """Write via a temp file: os.replace when overwriting is allowed, else a no-clobber link."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        fail(f"{target}: cannot write: {exc.strerror or exc}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o600)  # it names the people interviewed: owner only
        if force:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the file appeared meanwhile: never clobber
    except FileExistsError:
        fail(f"{target} already exists: pass --force to overwrite it")
    except OSError as exc:
        fail(f"{target}: cannot write: {exc.strerror or exc}")
    finally:
        Path(tmp).unlink(missing_ok=True)


# ------------------------------------------------------------------ asking -------------

def ask(prompt: str, default: str = "", check: Check | None = None) -> str:
    """Ask until the answer passes ``check``; the error is shown before asking again.

    A control character (an escape sequence pasted from a terminal) is refused here: the
    file could not hold it, and finding out at the end would lose every answer.
    """
    while True:
        answer = str(typer.prompt(prompt, default=default, show_default=bool(default))).strip()
        control = next((ch for ch in answer if unicodedata.category(ch) == "Cc"), None)
        problem = (f"remove the control character U+{ord(control):04X} (often pasted by "
                   "accident)" if control is not None else check(answer) if check else None)
        if problem is None:
            return answer
        err_console.print(f"  {problem}", markup=False, soft_wrap=True)


def _required(what: str) -> Check:
    return lambda s: None if s else f"{what} is needed"


def _estimate(probability: bool = False, optional: bool = False,
              kind: str | None = None) -> Check:
    """An estimate, checked by the guard rail ``kind`` of its field (model/rails.py)."""
    def check(text: str) -> str | None:
        if optional and not text:
            return None
        return estimate_problem(text, probability=probability, kind=kind)
    return check


def _years(text: str) -> str | None:
    ok = not text or (text.isdigit() and int(text) <= 80)
    return None if ok else "years of experience: a whole number (or Enter to skip)"


def ask_list(prompt: str) -> tuple[str, ...]:
    """Several short answers, one per line; an empty line ends the list."""
    console.print(f"{prompt} [dim](one per line; Enter on an empty line to finish)[/dim]")
    items = []
    while item := ask("  -"):
        items.append(item)
    return tuple(items)


def ask_answers() -> Answers:
    """The whole questionnaire, in the founding essay's order."""
    decision = ask("What are you deciding? (a question)", check=_required("a question"))
    currency = ask("Currency", "USD", currency_problem).upper()
    horizon = int(ask("How many years ahead should we look", "10", horizon_problem))
    console.print("\n[bold]Research[/bold]")
    research = ask("What research did you do? (Enter to skip)")
    people = _people()
    markets = tuple(m.strip() for m in ask(
        "Which markets did you look at? (comma-separated, e.g. SG, US; Enter to skip)"
    ).split(",") if m.strip())
    considerations = ask_list("\nWhat else weighs on this decision?")
    criteria, money_rank = _priorities(currency)
    named = _alternatives()
    evidence_for = ask_list("\nWhat evidence supports the path you lean towards?")
    evidence_against = ask_list("What evidence goes against it?")
    names = [c.name for c in criteria]
    alternatives = tuple(_details(alt, names, currency) for alt in named)
    return Answers(decision, alternatives, currency, horizon, research, people, markets,
                   considerations, criteria, money_rank, evidence_for, evidence_against)


def _people() -> tuple[Person, ...]:
    console.print("Whom did you talk to? [dim](one person at a time; Enter to finish)[/dim]")
    people = []
    while name := ask("  Name or alias"):
        years = ask("    Years of experience", check=_years)
        market = ask("    Their market (country or region)")
        said = ask("    What did they say?")
        people.append(Person(name, int(years) if years else None, market, said))
    return tuple(people)


def _priorities(currency: str) -> tuple[tuple[Criterion, ...], int | None]:
    console.print("\n[bold]What you optimise for[/bold]")
    names, money_rank = parse_priorities(ask(
        "What are you optimising for, most important first? (comma-separated; write "
        "`money` where money ranks, leave it out if it is not one)", "money"))
    criteria = []
    for name in names:
        worth = ask(f"  What is one point of {name} (on 0-10) worth to you a year, in "
                    f"{currency}? (e.g. 2k to 8k; Enter: rank it, do not price it)",
                    check=_estimate(optional=True, kind="worth"))
        criteria.append(Criterion(name, Number(worth) if worth else None))
    return tuple(criteria), money_rank


def _alternatives() -> list[Alternative]:
    console.print("\n[bold]Your alternatives[/bold]: start with the path you are on or the "
                  "offer you compare against (the baseline). Enter on an empty name to finish.")
    alts: list[Alternative] = []
    while True:
        name = ask(f"  Alternative {len(alts) + 1}",
                   check=None if alts else _required("at least one alternative"))
        if not name:
            return alts
        alts.append(Alternative(name, why_not=ask("    Why not this one?")))


def _details(alt: Alternative, criteria: list[str], currency: str) -> Alternative:
    console.print(f"\n[bold]{escape(alt.name)}[/bold]")
    role = ask("  Title of the first role", alt.name)
    paid_in = ask("  Currency of its pay", currency, currency_problem).upper()
    cash = ask(f"  Cash a year, in {paid_in} (e.g. 120k to 150k, or 40L to 50L)",
               check=_estimate(kind="amount"))
    cash_source = ask("  Where does that number come from? (Enter: your own guess)")
    raise_ = ask("  Yearly raise", "3%", _estimate(kind="rate"))
    scores = {c: Number(ask(f"  Score for {c}, 0 to 10 (e.g. 6 to 8)", "5",
                            _estimate(kind="score"))) for c in criteria}
    steps = []
    question = "  Is there a chance of a step up (a promotion, a bigger role)?"
    while typer.confirm(question, default=False):
        steps.append(_step())
        question = "  Another step up after that one?"
    return Alternative(alt.name, alt.why_not, role, Number(cash, cash_source),
                       Number(raise_), scores, tuple(steps),
                       "" if paid_in == currency else paid_in)


def _step() -> StepUp:
    title = ask("    Title of the step up", check=_required("a title"))
    chance = ask("    Chance a year that it happens, once it can (tried every year)", "30%",
                 _estimate(probability=True))
    after = ask("    After how many years in the role can it first happen", "2",
                _estimate(kind="years"))
    jump = ask("    Pay rise when it happens", "20% to 40%", _estimate(kind="jump"))
    source = ask("    Where do these numbers come from? (Enter: your own guess)")
    return StepUp(title, Number(chance, source), Number(after, source), Number(jump, source))


__all__ = ["ask", "ask_answers", "ask_list", "init_command"]
