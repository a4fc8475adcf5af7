"""The starting points of a new decision file: the files `crossroads init` writes.

The shipped ``examples/`` live in the repository, not in the installed package, so the
"new decision" page starts from :func:`crossroads.questionnaire.decision_yaml` instead: the
same commented file the terminal questionnaire writes, from a few preset answers. Every
number is marked ``assumption`` until you give its source.

>>> text = starter_text("blank", "Stay or go?")
>>> "Stay or go?" in text and "assumption" in text
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from crossroads.questionnaire import (
    Alternative,
    Answers,
    Criterion,
    Number,
    StepUp,
    decision_yaml,
)

__all__ = ["STARTERS", "Starter", "starter_text"]


@dataclass(frozen=True)
class Starter:
    """A template on the form: its label, what it holds, and the answers that make it."""

    label: str
    about: str
    answers: Callable[[str], Answers]


def _blank(question: str) -> Answers:
    return Answers(decision=question, considerations=(
        "to fill in: your cash and raise under params (a range like 80k to 100k when you are "
        "not sure, and say where each number comes from)",
        "then copy the option under options: once for each other path you are weighing, "
        "with its own params"),
        alternatives=(Alternative("Where you are now", role="current role",
                                  cash=Number("80k to 100k")),))


def _two_offers(question: str) -> Answers:
    return Answers(
        decision=question, horizon=6,
        criteria=(Criterion("learning", Number("2000 to 6000")), Criterion("stability")),
        alternatives=(
            Alternative("Big company", role="engineer", cash=Number("150k to 170k"),
                        raise_=Number("3% to 6%"),
                        scores={"learning": Number("4 to 6"), "stability": Number("7 to 9")}),
            Alternative("Startup", role="engineer", cash=Number("120k to 140k"),
                        raise_=Number("2% to 10%"),
                        scores={"learning": Number("6 to 9"), "stability": Number("2 to 5")})))


def _step_up(question: str) -> Answers:
    return Answers(decision=question, alternatives=(
        Alternative("Stay on the current track", role="senior", cash=Number("120k to 140k"),
                    steps=(StepUp("lead", Number("15% to 30%"), Number("2"),
                                  Number("15% to 30%")),)),
        Alternative("Switch tracks", role="junior in the new field",
                    cash=Number("90k to 110k"), raise_=Number("4% to 8%"),
                    steps=(StepUp("senior in the new field", Number("25% to 45%"),
                                  Number("1"), Number("20% to 40%")),))))


STARTERS: dict[str, Starter] = {
    "blank": Starter("Blank", "one option with one role: fill in the numbers, add the others",
                     _blank),
    "two-offers": Starter("Two offers", "two jobs side by side, with learning and stability "
                          "as criteria", _two_offers),
    "step-up": Starter("Stay or switch tracks", "two career paths, each with a chance of a "
                       "step up after a few years", _step_up),
}
"""The templates the form offers, by the name it submits; "blank" first."""


def starter_text(name: str, question: str, currency: str = "", cash: str = "",
                 raise_: str = "") -> str:
    """The commented decision file of starter ``name`` for ``question``; KeyError if unknown.

    ``currency``, ``cash`` and ``raise_``, when given, replace the template's: the
    decision's currency, and the first path's cash and yearly raise (checked by the caller).

    >>> "cash: 40L to 50L" in starter_text("blank", "Go?", "INR", "40L to 50L", "8%")
    True
    """
    answers = STARTERS[name].answers(question)
    if currency:
        answers = replace(answers, currency=currency)
    first = answers.alternatives[0]
    if cash:
        first = replace(first, cash=Number(cash, "your answer on the new-decision page"))
    if raise_:
        first = replace(first, raise_=Number(raise_, "your answer on the new-decision page"))
    answers = replace(answers, alternatives=(first, *answers.alternatives[1:]))
    return decision_yaml(answers, origin="the new-decision page of `crossroads serve`")
