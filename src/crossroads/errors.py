"""Every error crossroads raises on purpose, under one base.

The edges (the CLI, the web app) catch :class:`CrossroadsError` once each and turn it into
one clear line (exit code 1) or one HTTP status; anything else that escapes is a bug::

    CrossroadsError
    ├── DecisionError         a problem in a decision file, at a line and column
    │   └── TooManySamples    a sample count over the memory budget; ``most`` is what fits
    ├── UsageError            a bad argument to the API (also a ValueError)
    │   └── UnknownName       a name that is not there (also a KeyError)
    └── StoreError            the database cannot be opened or used (URL passwords masked)

Messages speak of the library's own arguments (``groups``, ``samples``), never of a command
line flag: an error names the argument it refuses in ``argument``, and the CLI writes the
flag. This module imports only the standard library, so that anything may import it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "CrossroadsError",
    "DecisionError",
    "StoreError",
    "TooManySamples",
    "UnknownName",
    "UsageError",
    "did_you_mean",
    "mask_url",
]


class CrossroadsError(Exception):
    """The base of every error crossroads raises on purpose; its text is one clear line."""

    # Plain ``str(message)``: a subclass that is also a KeyError must not print its
    # message in quotes, as KeyError's own ``__str__`` does.
    __str__ = Exception.__str__


class DecisionError(CrossroadsError):
    """A problem in a decision file, located at a 1-based line and column.

    Every problem with user input becomes one, so the CLI can print
    ``FILE:LINE:COL: message`` and exit 1 instead of showing a traceback. Several problems
    found in one pass travel together in ``problems``.

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


class TooManySamples(DecisionError):
    """A sample count whose peak memory would exceed the budget, located at ``samples:``.

    ``most`` is the largest count that fits, so a caller can offer it (the web app answers
    413 with it) without reading it back out of the message. The hint says how to ask for
    fewer in the file; :meth:`advice` lets an edge name its own way too (the CLI's flag).

    >>> err = TooManySamples("d.yaml", 2, 10, "too many", samples=9_000_000, most=1_500_000)
    >>> err.format()
    'd.yaml:2:10: too many (use at most 1,500,000 samples (set `samples:`))'
    >>> err.advice("pass --samples")
    'use at most 1,500,000 samples (set `samples:` or pass --samples)'
    """

    def __init__(self, source: str, line: int, column: int, message: str, *,
                 samples: int, most: int) -> None:
        self.samples = samples
        self.most = most
        super().__init__(source, line, column, message, self.advice())

    def advice(self, also: str | None = None) -> str:
        """The hint: at most :attr:`most` samples, set in the file (``also``: or this way)."""
        ways = "set `samples:`" + (f" or {also}" if also else "")
        return f"use at most {self.most:,} samples ({ways})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_too_many, (self.source, self.line, self.column, self.message, self.samples,
                            self.most, self.hint))


def _too_many(source: str, line: int, column: int, message: str, samples: int, most: int,
              hint: str | None) -> TooManySamples:
    err = TooManySamples(source, line, column, message, samples=samples, most=most)
    err.hint = hint
    return err


class UsageError(CrossroadsError, ValueError):
    """A bad argument to the API: a count below its least, an unknown method or filter.

    ``argument`` names the argument at fault (``"groups"``, ``"method"``), which an edge
    turns into its own word for it (the CLI's ``--group``). It is a ValueError too: callers
    written before this hierarchy catch it as one.

    >>> err = UsageError("unknown method 'x': use tornado or sobol", argument="method")
    >>> (str(err), err.argument, isinstance(err, ValueError))
    ("unknown method 'x': use tornado or sobol", 'method', True)
    """

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the text and every attribute, not the arguments: subclasses take others."""
        return (_usage, (type(self), self.args), dict(self.__dict__))


def _usage(cls: type[UsageError], args: tuple[Any, ...]) -> UsageError:
    err = cls.__new__(cls, *args)
    Exception.__init__(err, *args)
    return err


class UnknownName(UsageError, KeyError):
    """A name that is not there: a param, a role, an option. Also a KeyError (what these
    lookups raised before), printed without KeyError's quotes.

    >>> str(UnknownName("no param named `x`", argument="groups"))
    'no param named `x`'
    """


class StoreError(CrossroadsError):
    """The database cannot be opened or used; the message says which and why.

    Any URL in the message is shown with its password masked, whoever built the message.

    >>> str(StoreError("cannot open postgresql://me:PW@db/cr"))
    'cannot open postgresql://me:***@db/cr'
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(mask_url(message))


_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*\s*:\s*//[^\s/@:'\"]*:)[^\s'\"]*?(?=@)")
_PASSWORD_PARAM = re.compile(r"(?i)(?P<head>\bpassword\s*=\s*)[^\s&;'\"]+")


def mask_url(text: str) -> str:
    """``text`` with the password of any database URL in it replaced by ``***``.

    Works on text that is no valid URL too: a malformed URL is where the password leaked.

    >>> mask_url("cannot open 'postgresql ://me:PW@db:5432/cr'")
    "cannot open 'postgresql ://me:***@db:5432/cr'"
    >>> mask_url("postgresql://me@db/cr?password=PW&x=1")
    'postgresql://me@db/cr?password=***&x=1'
    """
    text = _PASSWORD.sub(r"\g<head>***", text)
    return _PASSWORD_PARAM.sub(r"\g<head>***", text)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close.

    >>> did_you_mean("cash_nwo", ["cash_now", "lead_multiple"])
    'did you mean `cash_now`?'
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
