"""The research log: who you talked to, what they estimated, and who you have not heard from.

Reads and writes go through :mod:`crossroads.store` (one transaction per request); the
records are checked by :func:`crossroads.evidence.research.make_conversation`, so the web
form accepts exactly what `crossroads research add` accepts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from crossroads.evidence.research import (
    KNOWN_STAGES,
    STANCES,
    Conversation,
    FieldError,
    coverage,
    make_conversation,
)
from crossroads.store import (
    ConversationNotFound,
    add_conversation,
    delete_conversation,
    get_conversation,
    list_conversations,
    transaction,
    update_conversation,
)
from crossroads.web.context import Ctx, WebContext
from crossroads.web.versions import version_of

router = APIRouter(prefix="/research")

TEXT_FIELDS = ("person", "years", "market", "stage", "size", "role", "date", "notes")

MAX_ID = 2**63 - 1
"""The largest id a database holds (SQLite's INTEGER, PostgreSQL's bigint)."""


def _conversation_id(conversation_id: int) -> int:
    """The id in the path; one beyond :data:`MAX_ID` names no conversation (404), where
    the database driver would raise OverflowError (a 500)."""
    if not -MAX_ID <= conversation_id <= MAX_ID:
        raise ConversationNotFound(conversation_id)  # 404 (web/app.py)
    return conversation_id


ConversationId = Annotated[int, Depends(_conversation_id)]


def _log(ctx: WebContext) -> dict[int, Conversation]:
    with transaction(ctx.engine()) as conn:
        return list_conversations(conn)


@router.get("", name="research")
async def research_page(request: Request, ctx: Ctx) -> Response:
    """The log as a table, and its coverage: markets x stages x experience, and the gaps."""
    log = await run_in_threadpool(_log, ctx)
    cov = coverage(list(log.values()))
    grid: dict[tuple[str, str], int] = {}
    for (market, stage, _band), n in cov.counts.items():
        grid[(market, stage)] = grid.get((market, stage), 0) + n
    markets = [*cov.markets, *(["?"] if any(m == "?" for m, _ in grid) else [])]
    stages = [*cov.stages, *(["?"] if any(s == "?" for _, s in grid) else [])]
    context = {"log": log, "coverage": cov, "grid": grid, "markets": markets,
               "stages": stages, "notice": _notice(request, log)}
    return ctx.templates.TemplateResponse(request, "research.html", context)


def _notice(request: Request, log: Mapping[int, Conversation]) -> str | None:
    """The confirmation after a save: what was added, saved or deleted."""
    for key, verb in (("added", "Added"), ("saved", "Saved"), ("deleted", "Deleted")):
        raw = request.query_params.get(key, "")
        if raw.isdigit() and len(raw) < 19:
            who = log.get(int(raw))
            return f"{verb} conversation #{raw}" + (f" with {who.person}." if who else ".")
    return None


def _lines(pairs: Mapping[str, str]) -> str:
    return "\n".join(f"{k} = {v}" for k, v in pairs.items())


def _form_values(conv: Conversation | None) -> dict[str, str]:
    if conv is None:
        return {k: "" for k in (*TEXT_FIELDS, "estimates", "stances", "version")}
    data = conv.to_dict()
    values = {k: "" if data[k] is None else str(data[k]) for k in TEXT_FIELDS}
    values.update(estimates=_lines(conv.estimates), stances=_lines(conv.stances),
                  version=conversation_version(conv))
    return values


def conversation_version(conv: Conversation) -> str:
    """The version of a logged conversation: a hash of its JSON (see web/versions.py)."""
    return version_of(json.dumps(conv.to_dict(), sort_keys=True)) or ""


def _form(request: Request, ctx: WebContext, values: dict[str, str], *,
          conversation_id: int | None, error: FieldError | None = None,
          conflict: Conversation | None = None) -> Response:
    context = {"values": values, "conversation_id": conversation_id, "stages": KNOWN_STAGES,
               "stance_names": STANCES, "error": error, "conflict": None,
               "action": "/research" if conversation_id is None
               else f"/research/{conversation_id}"}
    if conflict is not None:
        context["conflict"] = _form_values(conflict)
        values["version"] = conversation_version(conflict)  # "overwrite" resends with it
    status = 409 if conflict is not None else 422 if error else 200
    return ctx.templates.TemplateResponse(request, "research_form.html", context, status)


@router.get("/new", name="research_new")
async def new_form(request: Request, ctx: Ctx) -> Response:
    """An empty form for a new conversation."""
    return _form(request, ctx, _form_values(None), conversation_id=None)


@router.get("/{conversation_id}/edit", name="research_edit")
async def edit_form(request: Request, conversation_id: ConversationId,
                    ctx: Ctx) -> Response:
    """The form filled with a logged conversation."""
    conv = await run_in_threadpool(_get, ctx, conversation_id)
    return _form(request, ctx, _form_values(conv), conversation_id=conversation_id)


def _get(ctx: WebContext, conversation_id: int) -> Conversation:
    with transaction(ctx.engine()) as conn:
        return get_conversation(conn, conversation_id)


def parse_pairs(field: str, text: str) -> dict[str, str]:
    """``name = value`` lines (blank lines ignored) as a dict; :class:`FieldError` if malformed.

    >>> parse_pairs("estimates", "p_em = 30% to 50%\\n\\nhalf_life: 3 to 6")
    {'p_em': '30% to 50%', 'half_life': '3 to 6'}
    """
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        sep = "=" if "=" in line else ":"
        name, found, value = line.partition(sep)
        if not found or not name.strip() or not value.strip():
            raise FieldError(field, f"line {number}: expected `name = value`, got {line!r}")
        out[name.strip()] = value.strip()
    return out


async def _submitted(request: Request) -> tuple[dict[str, str], Conversation | FieldError]:
    form = await request.form()
    values = {k: str(form.get(k, ""))
              for k in (*TEXT_FIELDS, "estimates", "stances", "version")}
    raw: dict[str, object] = {k: values[k].strip() or None for k in TEXT_FIELDS}
    raw["notes"] = values["notes"]
    try:
        raw["estimates"] = parse_pairs("estimates", values["estimates"])
        raw["stances"] = parse_pairs("stances", values["stances"])
        return values, make_conversation(raw)
    except FieldError as exc:
        return values, exc


@router.post("", name="research_add")
async def add(request: Request, ctx: Ctx) -> Response:
    """Store a new conversation; back to the log."""
    values, conv = await _submitted(request)
    if isinstance(conv, FieldError):
        return _form(request, ctx, values, conversation_id=None, error=conv)
    added: list[int] = []
    await run_in_threadpool(_write, ctx, lambda conn: added.append(add_conversation(conn, conv)))
    return RedirectResponse(f"/research?added={added[0]}#c{added[0]}", 303)


@router.post("/{conversation_id}", name="research_update")
async def update(request: Request, conversation_id: ConversationId,
                 ctx: Ctx) -> Response:
    """Replace a conversation with the form's values; back to the log.

    Only when the log still holds the version the form was filled from: otherwise someone
    (another tab) changed it meanwhile, and the form comes back (409) with both versions.
    """
    values, conv = await _submitted(request)
    if isinstance(conv, FieldError):
        return _form(request, ctx, values, conversation_id=conversation_id, error=conv)
    stale: list[Conversation] = []

    def replace(conn: Any) -> None:
        current = get_conversation(conn, conversation_id)
        if conversation_version(current) != values["version"]:
            stale.append(current)
            return
        update_conversation(conn, conversation_id, conv)

    await run_in_threadpool(_write, ctx, replace)
    if stale:
        return _form(request, ctx, values, conversation_id=conversation_id,
                     conflict=stale[0])
    return RedirectResponse(f"/research?saved={conversation_id}#c{conversation_id}", 303)


@router.post("/{conversation_id}/delete", name="research_delete")
async def delete(conversation_id: ConversationId, ctx: Ctx) -> Response:
    """Delete a conversation; back to the log."""
    await run_in_threadpool(_write, ctx, lambda conn: delete_conversation(conn, conversation_id))
    return RedirectResponse(f"/research?deleted={conversation_id}", 303)


def _write(ctx: WebContext, action: Any) -> None:
    try:
        with transaction(ctx.engine()) as conn:
            action(conn)
    finally:
        ctx.research_changed()
