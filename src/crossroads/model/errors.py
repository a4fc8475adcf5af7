"""The one error type a user sees for a bad decision file.

Every problem with user input becomes a :class:`DecisionError` that knows the file, the
line and the column, so the CLI can print ``FILE:LINE:COL: message`` and exit 1 instead of
showing a traceback. Several problems found in one pass travel together in ``problems``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any


class DecisionError(Exception):
    """A problem in a decision file, located at a 1-based line and column.

    >>> err = DecisionError("d.yaml", 3, 9, "unknown param `cash_nwo`", "did you mean `cash_now`?")
    >>> err.format()
    'd.yaml:3:9: unknown param `cash_nwo` (did you mean `cash_now`?)'
    """

    def __init__(
        self,
        source: str,
        line: int,
        column: int,
        message: str,
        hint: str | None = None,
        *,
        problems: Sequence[DecisionError] = (),
    ) -> None:
        super().__init__(message)
        self.source = source
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        # The first problem is always this one; `check` prints them all.
        self.problems: tuple[DecisionError, ...] = (self, *problems)

    def format(self) -> str:
        """One line in the ``FILE:LINE:COL: message`` form editors understand."""
        text = f"{self.source}:{self.line}:{self.column}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def format_all(self) -> str:
        """Every problem, one per line, in file order."""
        ordered = sorted(self.problems, key=lambda p: (p.line, p.column))
        return "\n".join(p.format() for p in ordered)

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle from the fields: an exception's default pickles only ``args`` (the message),
        which cannot rebuild this one, and web workers send it between processes."""
        return (_rebuild, (type(self), self.source, self.line, self.column, self.message,
                           self.hint, self.problems[1:]))

    @classmethod
    def collect(cls, problems: Sequence[DecisionError]) -> DecisionError:
        """Bundle several problems into one exception, the earliest in the file first."""
        ordered = sorted(problems, key=lambda p: (p.line, p.column))
        first = ordered[0]
        return cls(
            first.source, first.line, first.column, first.message, first.hint,
            problems=ordered[1:],
        )


def _rebuild(cls: type[DecisionError], source: str, line: int, column: int, message: str,
             hint: str | None, others: Sequence[DecisionError]) -> DecisionError:
    return cls(source, line, column, message, hint, problems=others)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close.

    >>> did_you_mean("cash_nwo", ["cash_now", "lead_multiple"])
    'did you mean `cash_now`?'
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
