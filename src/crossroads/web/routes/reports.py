"""The HTML report: started by a POST (never a link), built in its own process, with progress.

The dashboard's script posts ``/api/report/FOLDER/PATH`` and polls the task it gets back
(a progress bar), then downloads ``/report/task/ID``. Without a script, the dashboard's
form posts ``/report/FOLDER/PATH`` and waits for the file. Either way a report nobody
waits for any more is cancelled (see :mod:`crossroads.web.reports`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from crossroads.web.catalog import DecisionFile
from crossroads.web.context import Ctx, WebContext
from crossroads.web.pool import ReportJob
from crossroads.web.reports import ReportTask

router = APIRouter()


class ReportIn(BaseModel):
    """A report request: the file's sample count, or ``samples`` for a quicker draft."""

    samples: int | None = Field(None, ge=100, strict=True)


def report_available() -> bool:
    """True when the HTML report package (crossroads.report) is installed."""
    try:
        from crossroads.report import render_report  # noqa: F401
        from crossroads.report.bundle import build_bundle  # noqa: F401
    except ImportError:
        return False
    return True


def _submit(ctx: WebContext, file: DecisionFile, samples: int | None) -> ReportTask:
    if not report_available():
        raise HTTPException(404, "the HTML report is not available in this installation")
    return ctx.reports.submit(ReportJob(str(file.path), ctx.settings.db,
                                        ctx.research_version, samples), file.rel)


def failure(out: dict[str, Any] | None, rel: str, samples: int | None) -> str | None:
    """Why a finished report has no HTML, naming the file as the page shows it (never the
    server's path); None when it has.

    >>> failure({"too_many": 5000}, "a.yaml", 9000)
    "9,000 samples is more than this decision's report fits in memory: use at most 5,000"
    """
    if out is None or "html" in out:
        return None
    if "too_many" in out:  # the file is fine; the request asked for more than fits
        return (f"{samples or 0:,} samples is more than this decision's report fits in "
                f"memory: use at most {out['too_many']:,}")
    first = out["problems"][0]
    return (f"fix the file first: {rel}:{first['line']}:{first['column']}: "
            f"{first['message']}" + (f" ({first['hint']})" if first["hint"] else ""))


def _download(task: ReportTask) -> Response:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(task.job.path).stem)
    assert task.out is not None
    return Response(task.out["html"], media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{stem or "decision"}-report.html"'})


@router.post("/report/{folder}/{rel:path}", name="report")
async def report_form(request: Request, folder: int, rel: str, ctx: Ctx,
                      samples: Annotated[int | None, Form(ge=100)] = None) -> Response:
    """The report as a download, for a form POST (no script): waits for it to be built.

    A client that goes away meanwhile cancels it.
    """
    file = ctx.catalog.resolve(folder, rel)
    task = await ctx.reports.wait(_submit(ctx, file, samples), request.is_disconnected)
    if task.state == "done":
        return _download(task)
    if task.state == "cancelled":
        raise HTTPException(409, f"the report was cancelled: {task.stage}")
    too_many = task.out is not None and "too_many" in task.out  # TooManySamples, as 413
    raise HTTPException(413 if too_many else 422,
                        failure(task.out, file.rel, samples) or task.stage)


@router.post("/api/report/{folder}/{rel:path}", name="report_start")
async def report_start(folder: int, rel: str, body: ReportIn, ctx: Ctx) -> Response:
    """Start a report; 202 with the task to poll (``/api/report-task/ID``)."""
    file = ctx.catalog.resolve(folder, rel)
    task = _submit(ctx, file, body.samples)
    return JSONResponse({**task.to_dict(), "poll": f"/api/report-task/{task.id}",
                         "download": f"/report/task/{task.id}"}, 202)


def _task(ctx: WebContext, task_id: str) -> ReportTask:
    task = ctx.reports.get(task_id)
    if task is None:
        raise HTTPException(404, "no such report (it was cancelled, or finished more than "
                            "five minutes ago)")
    return task


@router.get("/api/report-task/{task_id}", name="report_task")
async def report_task(task_id: str, ctx: Ctx) -> dict[str, Any]:
    """Where a report stands: state, progress 0..1, the stage, why it failed, and, when it
    asked for more samples than fit in memory, the ``most`` that fit."""
    task = _task(ctx, task_id)
    most = {"most": task.out["too_many"]} if task.out and "too_many" in task.out else {}
    return {**task.to_dict(), "error": failure(task.out, task.label, task.job.samples),
            **most}


@router.post("/api/report-task/{task_id}/cancel", name="report_cancel")
async def report_cancel(task_id: str, ctx: Ctx) -> dict[str, Any]:
    """Stop a report (the Cancel button)."""
    task = _task(ctx, task_id)
    ctx.reports.cancel(task, "cancelled by you")
    return task.to_dict()


@router.get("/report/task/{task_id}", name="report_download")
async def report_download(task_id: str, ctx: Ctx) -> Response:
    """A finished report as a download (it started with a POST; this only fetches it)."""
    task = _task(ctx, task_id)
    if task.state != "done":
        raise HTTPException(409, f"the report is not ready: {task.stage}")
    return _download(task)
