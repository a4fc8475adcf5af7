"""The decision journal's page: each entry's predicted pay fan with the actual points, its
check-ins, and the calibration summary over every check-in (docs/journal.md).

Read-only: entries and check-ins are written with `crossroads journal`. Reads go through
:mod:`crossroads.store.journal` in one transaction per request.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from crossroads.journal.calibrate import Entry, review
from crossroads.journal.chart import fan_basis, fan_svg, pit_svg
from crossroads.store import transaction
from crossroads.store.journal import EntryNotFound, get_entry, list_entries
from crossroads.web.context import Ctx, WebContext

router = APIRouter()

MAX_ID = 2**63 - 1


def _entries(ctx: WebContext, entry_id: int | None) -> list[Entry]:
    with transaction(ctx.engine()) as conn:
        return list_entries(conn) if entry_id is None else [get_entry(conn, entry_id)]


async def _review(ctx: WebContext, entry_id: int | None) -> tuple[list[Entry], dict[str, Any]]:
    if entry_id is not None and not 1 <= entry_id <= MAX_ID:
        raise EntryNotFound(entry_id)  # beyond any database's integers: 404 (web/app.py)
    entries = await run_in_threadpool(_entries, ctx, entry_id)
    return entries, review(entries)


async def _page(request: Request, ctx: WebContext, entry_id: int | None) -> Response:
    entries, data = await _review(ctx, entry_id)
    shown = [{**row, "fan": fan_svg(e.prediction, row["checkins"], e.currency),
              "pre_tax": fan_basis(e.prediction, row["checkins"]), "roles": e.prediction.roles}
             for e, row in zip(entries, data["entries"], strict=True)]
    context = {"entries": shown, "calibration": data["calibration"], "one": entry_id,
               "pit": pit_svg(data["calibration"]["pit_histogram"]["counts"])}
    return ctx.templates.TemplateResponse(request, "journal.html", context)


@router.get("/journal", name="journal")
async def journal_page(request: Request, ctx: Ctx) -> Response:
    """Every entry: its fan and check-ins; the calibration over all of them."""
    return await _page(request, ctx, None)


@router.get("/journal/{entry_id}", name="journal_entry")
async def journal_entry_page(request: Request, ctx: Ctx, entry_id: int) -> Response:
    """One entry, and the calibration of its check-ins."""
    return await _page(request, ctx, entry_id)


@router.get("/api/journal")
async def journal_api(ctx: Ctx) -> Response:
    """The `crossroads journal review --json` object."""
    return JSONResponse((await _review(ctx, None))[1])
