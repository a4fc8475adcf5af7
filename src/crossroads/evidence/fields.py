"""Checks and normal forms of the fields of a conversation (pure).

Every function takes a loosely typed value (a CSV cell, a JSON value, a CLI flag, a
database column) and returns its normal form or raises :class:`FieldError` naming the
field. :class:`~crossroads.evidence.research.Conversation` runs them on construction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from crossroads.errors import UsageError

__all__ = [
    "KNOWN_STAGES",
    "STANCES",
    "FieldError",
    "as_mapping",
    "check_date",
    "check_estimate_texts",
    "check_market",
    "check_notes",
    "check_stage",
    "check_stances",
    "check_text",
    "check_years",
]

STANCES = ("agree", "disagree", "unsure")
KNOWN_STAGES = ("pre-seed", "seed", "series-a", "series-b", "series-c", "series-d",
                "growth", "public", "big-tech")
"""Stages in the order tables show them; other stage names are allowed and sort after."""

_PARAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_CLAIM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
_MARKET = re.compile(r"[A-Za-z][A-Za-z0-9 _.-]{0,39}")
_STAGE = re.compile(r"[a-z0-9][a-z0-9+.-]{0,39}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_YEARS = 80
_MAX_TEXT = 200
_MAX_NOTES = 100_000


class FieldError(UsageError):
    """One bad value, named by its field (``years``, ``estimate:p_em``).

    Importers add the file and row to make ``people.csv:4:years: message``.

    >>> str(FieldError("years", "expected a whole number of years, got 'ten'"))
    "years: expected a whole number of years, got 'ten'"
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", argument=field)
        self.field = field
        self.message = message


def check_text(name: str, value: object, *, required: bool = False) -> str | None:
    """Short text with runs of whitespace collapsed; None when empty (unless required)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(name, f"expected text, got {value!r}")
    text = " ".join(value.split())
    if required and not text:
        raise FieldError(name, f"missing: every conversation needs a {name}")
    if len(text) > _MAX_TEXT:
        raise FieldError(name, f"longer than {_MAX_TEXT} characters")
    return text or None


def check_years(value: object) -> int:
    """Whole years of experience, 0 to 80; digits in text are accepted (CSV cells)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("years", f"expected a whole number of years, got {value!r}")
    if not 0 <= value <= _MAX_YEARS:
        raise FieldError("years", f"expected 0 to {_MAX_YEARS} years, got {value}")
    return value


def check_market(value: object) -> str | None:
    """An ISO code (upper-cased: ``sg`` -> ``SG``) or a free region such as ``EU``."""
    text = check_text("market", value)
    if text is None:
        return None
    if not _MARKET.fullmatch(text):
        raise FieldError("market", f"expected an ISO country code (SG) or a region (EU), "
                         f"got {text!r}")
    return text.upper() if len(text) == 2 else text


def check_stage(value: object) -> str | None:
    """A company stage as a slug: ``Series B`` -> ``series-b``."""
    text = check_text("stage", value)
    if text is None:
        return None
    slug = re.sub(r"[\s_]+", "-", text.lower())
    if not _STAGE.fullmatch(slug):
        raise FieldError("stage", f"expected a company stage such as {', '.join(KNOWN_STAGES)}"
                         f"; got {text!r}")
    return slug


def check_date(value: object) -> dt.date | None:
    """A calendar date, given as a date or as ``YYYY-MM-DD`` text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise FieldError("date", f"expected a date (YYYY-MM-DD), got {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise FieldError("date", f"not a calendar date: {value!r} ({exc})") from None
    raise FieldError("date", f"expected a date as YYYY-MM-DD, got {value!r}")


def check_notes(value: object) -> str:
    """Free notes, kept exactly as written (PostgreSQL text cannot hold NUL)."""
    if not isinstance(value, str):
        raise FieldError("notes", f"expected text, got {value!r}")
    if "\x00" in value:
        raise FieldError("notes", "notes cannot contain NUL characters")
    if len(value) > _MAX_NOTES:
        raise FieldError("notes", f"longer than {_MAX_NOTES} characters")
    return value  # kept exactly as written: whitespace and newlines are the person's


def as_mapping(name: str, value: object) -> Mapping[str, object]:
    """A mapping, or {} for nothing given."""
    if value is None or value == "":
        return {}
    if not isinstance(value, Mapping):
        raise FieldError(name, f"expected a mapping of name to value, got {value!r}")
    return value


def check_estimate_texts(value: Mapping[str, object]) -> dict[str, str]:
    """Param name -> estimate text (whitespace collapsed); compiling is the caller's job."""
    out: dict[str, str] = {}
    for name, text in as_mapping("estimates", value).items():
        if not isinstance(name, str) or not _PARAM.fullmatch(name):
            raise FieldError("estimates", f"param names are letters, digits and _, got {name!r}")
        if isinstance(text, int | float) and not isinstance(text, bool):
            text = repr(text)
        if not isinstance(text, str) or not text.strip():
            raise FieldError(f"estimate:{name}", f"expected an estimate, got {text!r}")
        out[name] = " ".join(text.split())
    return out


def check_stances(value: Mapping[str, object]) -> dict[str, str]:
    """Claim name -> agree, disagree or unsure (lower-cased)."""
    out: dict[str, str] = {}
    for claim, stance in as_mapping("stances", value).items():
        if not isinstance(claim, str) or not _CLAIM.fullmatch(claim):
            raise FieldError("stances", "claim names are letters, digits, _ . and -, "
                             f"got {claim!r}")
        word = stance.strip().lower() if isinstance(stance, str) else stance
        if word not in STANCES:
            raise FieldError(f"stance:{claim}", f"expected agree, disagree or unsure, "
                             f"got {stance!r}")
        out[claim] = str(word)
    return out
