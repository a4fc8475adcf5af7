"""A decision's pages: the results dashboard and the editor (reports: routes/reports.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from crossroads.errors import DecisionError
from crossroads.web.checks import check_job
from crossroads.web.compiled import problems_of
from crossroads.web.context import Ctx
from crossroads.web.dashboard import sliders
from crossroads.web.routes.reports import report_available
from crossroads.web.versions import read_versioned
from crossroads.web.whatif import compute

router = APIRouter()

DRAFT_SAMPLES = 2_000
"""Draws of the quick draft report: every analysis in seconds, P(best) within about 1%."""


@router.get("/d/{folder}/{rel:path}", name="decision")
async def decision_page(request: Request, folder: int, rel: str,
                        ctx: Ctx) -> Response:
    """The dashboard: verdict, table, the report's charts and what-if sliders."""
    file = ctx.catalog.resolve(folder, rel)
    base: dict[str, Any] = {"file": file, "report": report_available(),
                            "samples": ctx.settings.whatif_samples, "draft": DRAFT_SAMPLES}
    try:
        model = await run_in_threadpool(ctx.models.get, file.path, db=ctx.settings.db,
                                        version=ctx.research_version)
    except DecisionError as exc:
        context = {**base, "title": file.rel, "problems": problems_of(exc), "data": None}
        return ctx.templates.TemplateResponse(request, "decision.html", context)
    data = await compute(ctx, file, {})
    if "problems" in data or "error" in data:  # changed under us, or fails only when run
        problems = data.get("problems") or [
            {"line": 1, "column": 1, "message": data["error"], "hint": None,
             "text": data["error"]}]
        context = {**base, "title": file.rel, "problems": problems, "data": None}
        return ctx.templates.TemplateResponse(request, "decision.html", context)
    # Slider ranges invert every param's distribution: the worker computed them with the
    # run (never in the server's loop); a cached result from before has them too.
    bars = data.get("sliders")
    if bars is None:
        text, _ = await run_in_threadpool(read_versioned, file.path)
        bars = [s.to_dict() for s in await run_in_threadpool(
            sliders, model, data["result"].get("screen"), text)]
    page = {"whatif": file.url("api/whatif"), "compare": file.url("api/compare"),
            "sliders": bars, "currency": model.currency,
            **{k: data[k] for k in ("rows", "charts", "run_ms", "cpu_ms", "samples")},
            "verdict": data["result"]["verdict"]}
    criteria = list(model.criteria)
    context = {**base, "title": model.title, "problems": [], "data": data, "page": page,
               "sliders": bars, "criteria": criteria, "model": model}
    return ctx.templates.TemplateResponse(request, "decision.html", context)


@router.get("/edit/{folder}/{rel:path}", name="edit")
async def edit_page(request: Request, folder: int, rel: str,
                    ctx: Ctx) -> Response:
    """The YAML editor with line numbers and live validation."""
    file = ctx.catalog.resolve(folder, rel)
    text, version = await run_in_threadpool(read_versioned, file.path)
    if text is None:
        raise HTTPException(404, f"no such file: {file.rel}")
    problems = (await ctx.pool.run(check_job, text, ctx.settings.db))["problems"]
    context = {"file": file, "text": text, "problems": problems, "title": file.rel,
               "page": {"validate": "/api/validate", "save": "/api/save", "version": version,
                        "folder": file.folder, "path": file.rel, "view": file.url("d")}}
    return ctx.templates.TemplateResponse(request, "edit.html", context)
