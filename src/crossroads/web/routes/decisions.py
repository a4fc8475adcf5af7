"""A decision's pages: the results dashboard, the editor and the report download."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from crossroads.model.errors import DecisionError
from crossroads.web.context import Ctx
from crossroads.web.dashboard import sliders
from crossroads.web.models import problems_of, validate_text
from crossroads.web.pool import ReportJob, run_report
from crossroads.web.whatif import compute

router = APIRouter()

DRAFT_SAMPLES = 2_000
"""Draws of the quick draft report: every analysis in seconds, P(best) within about 1%."""


def report_available() -> bool:
    """True when the HTML report package (crossroads.report) is installed."""
    try:
        from crossroads.report import render_report  # noqa: F401
        from crossroads.report.bundle import build_bundle  # noqa: F401
    except ImportError:
        return False
    return True


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
    bars = [s.to_dict() for s in sliders(model, data["result"].get("screen"))]
    page = {"whatif": file.url("api/whatif"),
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
    text = file.path.read_text(encoding="utf-8", errors="replace")
    _, problems = await run_in_threadpool(validate_text, text, db=ctx.settings.db)
    context = {"file": file, "text": text, "problems": problems, "title": file.rel,
               "page": {"validate": "/api/validate", "save": "/api/save",
                        "folder": file.folder, "path": file.rel, "view": file.url("d")}}
    return ctx.templates.TemplateResponse(request, "edit.html", context)


@router.get("/report/{folder}/{rel:path}", name="report")
async def report_download(folder: int, rel: str, ctx: Ctx,
                          samples: Annotated[int | None, Query(ge=100)] = None) -> Response:
    """The self-contained HTML report of the file, as a download.

    Every analysis runs at the file's ``samples``, as `crossroads report` does, unless
    ``?samples=N`` asks for a quicker draft.
    """
    if not report_available():
        raise HTTPException(404, "the HTML report is not available in this installation")
    file = ctx.catalog.resolve(folder, rel)
    out = await ctx.pool.run(run_report, ReportJob(str(file.path), ctx.settings.db,
                                                   ctx.research_version, samples))
    if "too_many" in out:  # the file is fine; the query asked for more than fits
        raise HTTPException(422, f"{samples:,} samples is more than this decision's report "
                            f"fits in memory: use at most {out['too_many']:,} "
                            f"(?samples={out['too_many']})")
    if "problems" in out:  # FILE:LINE:COL with the name the page shows, not the server's path
        first = out["problems"][0]
        raise HTTPException(422, f"fix the file first: {file.rel}:{first['line']}:"
                            f"{first['column']}: {first['message']}"
                            + (f" ({first['hint']})" if first["hint"] else ""))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", file.path.stem) or "decision"
    return Response(out["html"], media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{stem}-report.html"'})
