"""The "new decision" form: a file name, the question, a starting template and, if given,
the currency, cash and raise of the first path.

The numbers meet the guard rails a decision file meets (model/rails.py), at their field:
``4 to 6`` as a raise is "did you mean 4% to 6%?", pay that can be negative is refused;
amounts may be written in lakh and crore (``40L to 50L``, ``40 to 50 lakh``).

The name is a slug (``.yaml`` is appended) in one of the served folders, never a path; the
file is claimed with an exclusive create, so an existing file is never overwritten, then
written with the editor's :func:`~crossroads.web.catalog.atomic_write` and opened in the
editor.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from crossroads.errors import UsageError
from crossroads.questionnaire import currency_problem, estimate_problem
from crossroads.web.catalog import DecisionFile, OutsideFolders, atomic_write
from crossroads.web.compiled import validate_text
from crossroads.web.context import Ctx, WebContext
from crossroads.web.starters import STARTERS, starter_text

__all__ = ["FormError", "check_name", "printable", "router"]

router = APIRouter()

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
MAX_QUESTION = 300
FIELDS = ("folder", "name", "question", "starter", "currency", "cash", "raise")
#: The number fields and the guard rail each meets (crossroads.model.rails.KINDS).
NUMBERS = {"cash": "amount", "raise": "rate"}


class FormError(UsageError):
    """A refused form: the field at fault, the message and the HTTP status."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message, argument=field)
        self.field = field
        self.status = status


def check_name(name: str) -> str:
    """The file name for ``name``: a slug plus ``.yaml``; :class:`FormError` otherwise.

    >>> check_name("stay-or-go"), check_name("offers_2025.yaml")
    ('stay-or-go.yaml', 'offers_2025.yaml')
    >>> check_name("../x")
    Traceback (most recent call last):
    ...
    crossroads.web.routes.new.FormError: the name may only hold letters, digits, - and _ ...
    """
    stem = name.strip().removesuffix(".yaml")
    if not stem:
        raise FormError("name", "give the file a name, like stay-or-go")
    if not SLUG.fullmatch(stem):
        raise FormError("name", "the name may only hold letters, digits, - and _ (up to 80, "
                        "starting with a letter or digit): no folders, dots or slashes")
    return f"{stem}.yaml"


def _form(request: Request, ctx: WebContext, values: dict[str, str],
          error: FormError | None = None) -> Response:
    context = {"values": values, "error": error, "starters": STARTERS,
               "folders": [str(f) for f in ctx.catalog.folders]}
    return ctx.templates.TemplateResponse(request, "new.html", context,
                                          error.status if error else 200)


@router.get("/new", name="new_decision")
async def new_form(request: Request, ctx: Ctx) -> Response:
    """The empty form."""
    return _form(request, ctx, {"folder": "0", "name": "", "question": "", "starter": "blank",
                                "currency": "USD", "cash": "", "raise": ""})


def _target(ctx: WebContext, values: dict[str, str]) -> DecisionFile:
    """Where the new file goes: a served folder by number and a checked name."""
    folder = int(values["folder"]) if values["folder"].isdigit() else -1
    if not 0 <= folder < len(ctx.catalog.folders):
        raise FormError("folder", "choose one of the served folders")
    rel = check_name(values["name"])
    try:
        file = ctx.catalog.resolve(folder, rel, must_exist=False)
    except OutsideFolders as exc:
        raise FormError("name", str(exc)) from None
    if file.path.exists():
        raise FormError("name", f"{rel} already exists in {ctx.catalog.folders[folder]}: "
                        "choose another name, or open it from the list", 409)
    return file


def printable(text: str) -> bool:
    """True when YAML can hold ``text``: no control characters (tabs and newlines are
    collapsed to spaces before this), lone surrogates or the noncharacters U+FFFE/U+FFFF.

    >>> printable("Go? 🙂"), printable("Go\\x00"), printable("\\x85"), printable("\\ufffe")
    (True, False, False, False)
    """
    return not any(unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff"
                   for c in text)


def _text(values: dict[str, str]) -> str:
    question = " ".join(values["question"].split())
    if not question:
        raise FormError("question", "write the question you are deciding, like "
                        "“Stay at my job or take the startup offer?”")
    if len(question) > MAX_QUESTION:
        raise FormError("question", f"keep the question under {MAX_QUESTION} characters")
    if not printable(question):
        raise FormError("question", "the question holds a control character (like U+0000) "
                        "that a decision file cannot: type it again as plain text")
    if values["starter"] not in STARTERS:
        raise FormError("starter", "choose one of the templates")
    return starter_text(values["starter"], question, **_numbers(values))


def _numbers(values: dict[str, str]) -> dict[str, str]:
    """The currency, cash and raise as given (blank: the template's), each through its rail."""
    given = {k: " ".join(values.get(k, "").split()) for k in ("currency", *NUMBERS)}
    if given["currency"] and currency_problem(given["currency"]):
        raise FormError("currency", "a currency is a three-letter code such as USD, INR or SGD")
    for field, kind in NUMBERS.items():
        if given[field] and not printable(given[field]):
            raise FormError(field, "this holds a control character: type it again")
        problem = estimate_problem(given[field], kind=kind) if given[field] else None
        if problem:
            raise FormError(field, f"{field}: {problem}")
    return {"currency": given["currency"].upper(), "cash": given["cash"],
            "raise_": given["raise"]}


def create_file(path: Path, text: str) -> None:
    """Claim ``path`` with an exclusive create (never clobbering), then write it atomically."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # salaries: owner only
    except FileExistsError:
        raise FormError("name", f"{path.name} already exists: choose another name", 409) from None
    os.close(fd)
    try:
        atomic_write(path, text)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@router.post("/new", name="create_decision")
async def create(request: Request, ctx: Ctx) -> Response:
    """Write the new file from its template and open it in the editor."""
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in FIELDS}
    try:
        file = _target(ctx, values)
        text = _text(values)
        model, problems = await run_in_threadpool(validate_text, text, db=ctx.settings.db)
        if model is None:  # a bug in the template, not the person's fault
            raise FormError("starter", "crossroads made a file it cannot read (please report "
                            f"this): {problems[0]['text']}", 500)
        await run_in_threadpool(create_file, file.path, text)
    except FormError as exc:
        return _form(request, ctx, values, exc)
    return RedirectResponse(file.url("edit"), 303)
