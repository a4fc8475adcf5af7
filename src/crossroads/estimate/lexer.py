"""First stage of the safe compiler: rewrite estimate text into Python expression syntax.

The estimate language is Python's expression grammar plus three things Python does not
have: number suffixes (``160k``, ``1.2M``, Indian ``40L``, ``1.2Cr``, ``40 lakh``), the
percent sign (``5%``) and the range keyword (``3 to 4``). :func:`rewrite` replaces those
by plain Python (``160000.0``, ``0.05``, ``or``) so that :func:`ast.parse` can build the
tree, and keeps a map from every character of the rewritten text back to the user's text,
so errors point at what the user wrote. The scan is a small hand-written lexer rather than
:mod:`tokenize`, whose handling of ``160k`` changed in Python 3.12 (it became an error
there).

The lexer also rejects early what has no business in an estimate: non-ASCII or control
characters outside strings (Python would NFKC-normalise look-alike identifiers), the word
``or`` (it stands for ``to`` after rewriting), backslashes and string prefixes.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from typing import NamedTuple

from crossroads.errors import UsageError

__all__ = ["MAX_LENGTH", "ExprError", "NumberToken", "as_percent", "digit_groups",
           "number_tokens", "one_sided_suffix", "parse", "percent_hint", "rewrite"]

MAX_LENGTH = 10_000
"""Longest accepted estimate text, in characters."""

_DIGITS = r"[0-9](?:_?[0-9])*"
_NUMBER = re.compile(
    rf"(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUFFIXES = {"Cr": 1e7, "k": 1e3, "K": 1e3, "M": 1e6, "L": 1e5}
_LETTERS = tuple(_SUFFIXES)  # in the order they are tried: `Cr` first
#: Indian number words, written after the number with or without a space (``40 lakh``).
#: In a range the word of the upper bound also scales a bare lower bound: people say
#: "40 to 50 lakh" for 40 lakh to 50 lakh (a letter suffix, ``40 to 50L``, does not).
_WORDS = re.compile(r"[ \t]*(lakhs?|lacs?|crores?)(?![A-Za-z0-9_])", re.IGNORECASE)
_WORD_VALUES = {"lakh": 1e5, "lac": 1e5, "crore": 1e7}
_RANGE_WORD = re.compile(rf"[ \t]+to[ \t]+{_DIGITS}(?:\.(?:{_DIGITS})?)?(?:[eE][+-]?{_DIGITS})?"
                         r"[ \t]*(lakhs?|lacs?|crores?)(?![A-Za-z0-9_])", re.IGNORECASE)
_WHITESPACE = " \t\r\n\f\v"
_ASCII_DIGITS = "0123456789"
_NONEMPTY_DIGITS = tuple(_ASCII_DIGITS)
_ALLOWED_PUNCT = set("+-*/()<>=!,[].:;&|^~@{}`$?")


class ExprError(UsageError):
    """An estimate that cannot be compiled, with where and (maybe) how to fix it.

    ``offset`` is the 0-based character index into the source text of the problem;
    ``hint`` is an optional suggestion (``"did you mean `cash_now`?"``).

    >>> e = ExprError("unknown name `cash_nw`", 4, "did you mean `cash_now`?")
    >>> (e.message, e.offset, e.hint)
    ('unknown name `cash_nw`', 4, 'did you mean `cash_now`?')
    """

    def __init__(self, message: str, offset: int = 0, hint: str | None = None) -> None:
        super().__init__(message if hint is None else f"{message} ({hint})")
        self.message = message
        self.offset = offset
        self.hint = hint


class NumberToken(NamedTuple):
    """A number as written: where it sits, its value and its unit (``""`` when bare).

    ``unit`` is the suffix or word (``k``, ``L``, ``lakh``...) and ends in ``%`` when the
    number carries a percent sign; the guard rails read bare numbers (``raise: 5``).
    """

    start: int
    end: int
    value: float
    unit: str


class _Out:
    """The rewritten text and, for each of its characters, the source offset."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.omap: list[int] = []
        self.numbers: list[NumberToken] = []

    def emit(self, text: str, src: int, verbatim: bool) -> None:
        self.parts.append(text)
        if verbatim:
            self.omap.extend(range(src, src + len(text)))
        else:
            self.omap.extend([src] * len(text))


def _unit(text: str, end: int) -> tuple[str, float, int]:
    """The suffix or Indian number word at ``end``: (unit, multiplier, new end)."""
    word = _WORDS.match(text, end)  # before the letters: `5Lakh` is a word, not `5L` + `akh`
    if word:
        name = word.group(1).lower().rstrip("s")
        return name, _WORD_VALUES[name], word.end()
    for suffix in _LETTERS:  # `Cr` before the one-letter suffixes
        if text.startswith(suffix, end):
            return suffix, _SUFFIXES[suffix], end + len(suffix)
    ranged = _RANGE_WORD.match(text, end)  # `40 to 50 lakh`: the word scales 40 too
    if ranged:
        name = ranged.group(1).lower().rstrip("s")
        return name, _WORD_VALUES[name], end
    return "", 1.0, end


def _number(text: str, pos: int, out: _Out) -> int:
    """Scan a number with optional suffix and percent sign; emit its value as a literal."""
    m = _NUMBER.match(text, pos)
    assert m is not None
    value = float(m.group().replace("_", ""))
    unit, scale, end = _unit(text, m.end())
    value *= scale
    if end < len(text) and text[end] == "%":
        value /= 100.0
        unit += "%"
        end += 1
    if end < len(text) and (text[end].isalnum() or text[end] in "_."):
        raise ExprError(f"unexpected `{text[end]}` after the number `{text[pos:end]}`", end,
                        "suffixes are k (thousand), M (million), L or lakh (100,000), Cr "
                        "or crore (10,000,000) and % (percent)")
    if not math.isfinite(value):
        raise ExprError(f"the number `{text[pos:end]}` is too large", pos)
    out.emit(repr(value), pos, verbatim=False)
    out.numbers.append(NumberToken(pos, end, value, unit))
    return end


def _word(text: str, pos: int, out: _Out) -> int:
    m = _WORD.match(text, pos)
    assert m is not None
    word, end = m.group(), m.end()
    if end < len(text) and text[end] in "'\"":
        raise ExprError(f"unexpected `{text[end]}` right after `{word}`", end,
                        "string prefixes are not supported")
    if word == "or":
        raise ExprError("`or` is not part of the estimate language", pos,
                        "use max(a, b) or where(cond, a, b)")
    out.emit("or" if word == "to" else word, pos, verbatim=True)
    return end


def _string(text: str, pos: int, out: _Out) -> int:
    quote = text[pos]
    end = text.find(quote, pos + 1)
    if end < 0:
        raise ExprError("this string is never closed", pos)
    body = text[pos + 1:end]
    bad = next((i for i, ch in enumerate(body) if ch == "\\" or not ch.isprintable()), None)
    if bad is not None:
        raise ExprError("strings may not contain backslashes or control characters",
                        pos + 1 + bad)
    out.emit(text[pos:end + 1], pos, verbatim=True)
    return end + 1


def number_tokens(text: str) -> list[NumberToken]:
    """Every number of an estimate as written, in order; ``[]`` when it does not lex.

    >>> [(t.value, t.unit) for t in number_tokens("40 to 50 lakh")]
    [(4000000.0, 'lakh'), (5000000.0, 'lakh')]
    """
    try:
        return _scan(text).numbers
    except ExprError:
        return []


def as_percent(text: str, scale: float | None = None) -> str | None:
    """``text`` with ``%`` after each bare number, when every number in it is bare.

    What someone who typed ``raise: 4 to 6`` meant; ``None`` when a number has a unit.
    With ``scale``, each number is first multiplied by it: what ``4 to 6`` says as written.

    >>> as_percent("4 to 6"), as_percent("pert(2, 3, 5)"), as_percent("4% to 6")
    ('4% to 6%', 'pert(2%, 3%, 5%)', None)
    >>> as_percent("4 to 6", scale=100)
    '400% to 600%'
    """
    tokens = number_tokens(text)
    if not tokens or any(t.unit for t in tokens):
        return None
    out, last = [], 0
    for t in tokens:
        number = text[t.start:t.end] if scale is None else f"{t.value * scale:g}"
        out += [text[last:t.start], number, "%"]
        last = t.end
    return "".join(out) + text[last:]


def percent_hint(text: str) -> str | None:
    """``did you mean 60%?`` for a probability written as bare numbers (``60``).

    >>> percent_hint("30 to 50"), percent_hint("0.6")
    ('did you mean 30% to 50%?', 'did you mean 0.6%?')
    """
    meant = as_percent(text.strip())
    return f"did you mean {meant}?" if meant is not None else None


def one_sided_suffix(text: str, lo_at: int, hi_at: int) -> tuple[str, int, str] | None:
    """``40 to 50k``: a bare lower bound under a suffixed upper one that the suffix would
    still leave in order. Nearly always the suffix forgotten once (a 90% interval from 40
    to 50,000 is one no one means), so the compiler refuses it: (message, offset, hint).
    ``0 to 50k`` and ``500 to 1k`` are fine. ``lo_at`` and ``hi_at`` are the bounds' offsets.

    >>> one_sided_suffix("40 to 50L", 0, 6)[0]
    '`40 to 50L` is 40 to 5,000,000'
    >>> one_sided_suffix("500 to 1k", 0, 7) is None
    True
    """
    tokens = {t.start: t for t in number_tokens(text)}
    lo, hi = tokens.get(lo_at), tokens.get(hi_at)
    if lo is None or hi is None or lo.unit or hi.unit not in _LETTERS:
        return None
    if not 0.0 < lo.value <= hi.value / _SUFFIXES[hi.unit]:
        return None
    meant = f"{text[lo.start:lo.end]}{hi.unit} to {text[hi.start:hi.end]}"
    return (f"`{text[lo.start:hi.end]}` is {lo.value:g} to {hi.value:,.0f}", lo.start,
            f"did you mean {meant}? A suffix scales only its own number")


#: Digits grouped by commas, the Western way (180,000) or the Indian way (1,80,000).
_GROUPED = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{2,3})+(?![\w.])")


def digit_groups(text: str) -> tuple[str, int, str] | None:
    """The first number grouped by commas in ``text``: (as written, offset, how to write it).

    In an estimate ``180,000`` is two numbers and a comma; YAML's ``{...}`` ends the value
    at the comma. Both errors say how to write it instead.

    >>> digit_groups("180,000 to 200,000"), digit_groups("40,00,000")[2]
    (('180,000', 0, '180000 or 180k'), '4000000 or 40L')
    """
    m = _GROUPED.search(text)
    if m is None:
        return None
    value = int(m.group().replace(",", ""))
    indian = any(len(g) == 2 for g in m.group().split(",")[1:])
    units = ((1e7, "Cr"), (1e5, "L")) if indian else ((1e6, "M"), (1e3, "k"))
    size, suffix = next(((s, u) for s, u in units if value >= s), (0.0, ""))
    clean = size and value / size == round(value / size, 3)
    return m.group(), m.start(), f"{value}" + (f" or {value / size:g}{suffix}" if clean else "")


def rewrite(text: str) -> tuple[str, list[int]]:
    """Rewrite estimate text as one line of Python; return it with its offset map.

    ``omap[i]`` is the source offset of character ``i`` of the result; ``omap[len(result)]``
    is ``len(text)``.

    >>> rewrite("160k to 5%")
    ('160000.0 or 0.05', [0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 7, 8, 8, 8, 8, 10])
    """
    out = _scan(text)
    return "".join(out.parts), out.omap


def _scan(text: str) -> _Out:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"estimate is too long ({len(text):,} characters; "
                        f"the limit is {MAX_LENGTH:,})", MAX_LENGTH)
    out, pos = _Out(), 0
    while pos < len(text):
        ch = text[pos]
        if ch in _WHITESPACE:
            out.emit(" ", pos, verbatim=False)
            pos += 1
        elif ch in _ASCII_DIGITS or (ch == "." and text[pos + 1:pos + 2] in _NONEMPTY_DIGITS):
            pos = _number(text, pos, out)
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            pos = _word(text, pos, out)
        elif ch in "'\"":
            pos = _string(text, pos, out)
        elif ch in _ALLOWED_PUNCT:
            out.emit(ch, pos, verbatim=True)
            pos += 1
        elif ch == "%":
            raise ExprError("`%` is only a percent sign right after a number (5%)", pos,
                            "modulo is not supported")
        elif ch == "#":
            raise ExprError("comments (`#`) are not supported in estimates", pos)
        else:
            raise ExprError(f"unexpected character {ch!r}", pos)
    out.omap.append(len(text))
    return out


def parse(text: str) -> tuple[ast.Expression, str, list[int]]:
    """Rewrite ``text`` and parse it with ``ast.parse(mode="eval")``, which builds a tree
    and runs nothing; return the tree, the rewritten text and its offset map.

    Syntax errors, and parser limits (too deeply nested input), become :class:`ExprError`
    at the user's offset.

    >>> parse("3 to 4")[1]
    '3.0 or 4.0'
    """
    py, omap = rewrite(text)
    indent = len(py) - len(py.lstrip())  # eval mode rejects leading spaces as an indent
    py, omap = py[indent:], omap[indent:]
    return _parse(text, py, omap), py, omap


def _parse(text: str, py: str, omap: list[int]) -> ast.Expression:
    if not py.strip():
        raise ExprError("empty estimate: expected a number, a range or an expression", 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return ast.parse(py, mode="eval")
    except SyntaxError as e:
        # offset is 1-based; Python reports 0 (or nothing) when the text ends too early
        col = min(e.offset - 1, len(py)) if e.offset and e.lineno in (1, None) else len(py)
        offset = omap[col]
        if offset >= len(text.rstrip()):
            raise ExprError("the estimate ends unexpectedly", len(text.rstrip())) from None
        msg = e.msg if e.msg != "invalid syntax" else f"unexpected `{text[offset]}`"
        raise ExprError(msg, offset) from None
    except (RecursionError, MemoryError):
        raise ExprError("the estimate is nested too deeply", 0) from None
    except (ValueError, Warning) as e:
        raise ExprError(f"cannot read the estimate: {e}", 0) from None
