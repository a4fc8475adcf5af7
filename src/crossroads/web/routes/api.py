"""JSON endpoints the pages' scripts call: validate, save and what-if.

All are POSTs, so the guard has already checked the CSRF token and the body size.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from crossroads.model.errors import DecisionError
from crossroads.web.catalog import OutsideFolders, atomic_write
from crossroads.web.context import Ctx
from crossroads.web.models import problems_of, stamp, validate_text
from crossroads.web.whatif import BadOverrides, check_overrides, compute

router = APIRouter(prefix="/api")

FiniteFloat = Annotated[float, Field(allow_inf_nan=False, strict=True)]
"""A JSON number (strict: ``true`` and ``"0.7"`` are not numbers), never NaN or infinite."""


class ValidateIn(BaseModel):
    """Decision text from the editor."""

    text: str


class SaveIn(BaseModel):
    """Where to save (folder number and path inside it) and what."""

    folder: int
    path: str = Field(min_length=1, max_length=1000)
    text: str


class WhatIfIn(BaseModel):
    """Params pinned by the sliders: name -> value."""

    overrides: dict[str, FiniteFloat] = Field(default_factory=dict, max_length=200)


def _summary(model: Any) -> dict[str, Any]:
    return {"title": model.title, "options": len(model.options), "params": len(model.params),
            "horizon": model.horizon}


@router.post("/validate", name="validate")
async def validate(body: ValidateIn, ctx: Ctx) -> dict[str, Any]:
    """Problems of the text with their line and column; ``ok`` when there are none."""
    model, problems = await run_in_threadpool(validate_text, body.text, db=ctx.settings.db)
    return {"ok": model is not None, "problems": problems,
            "summary": _summary(model) if model is not None else None}


@router.post("/save", name="save")
async def save(body: SaveIn, ctx: Ctx) -> Response:
    """Write the text to the file, atomically, only if it is valid and inside the folders."""
    try:
        file = ctx.catalog.resolve(body.folder, body.path, must_exist=False)
    except OutsideFolders as exc:
        return JSONResponse({"ok": False, "error": str(exc)}, 403)
    model, problems = await run_in_threadpool(validate_text, body.text, db=ctx.settings.db)
    if model is None:
        return JSONResponse({"ok": False, "error": "not saved: the file has problems",
                             "problems": problems}, 422)
    text = body.text if body.text.endswith("\n") else body.text + "\n"
    await run_in_threadpool(atomic_write, file.path, text)
    return JSONResponse({"ok": True, "key": file.key, "url": file.url("d"),
                         "summary": _summary(model)})


@router.post("/whatif/{folder}/{rel:path}", name="whatif")
async def whatif(folder: int, rel: str, body: WhatIfIn,
                 ctx: Ctx) -> Response:
    """Re-run the decision with the sliders' params pinned (20,000 draws by default).

    The ``Server-Timing`` header splits the time into queueing and the run itself.
    """
    file = ctx.catalog.resolve(folder, rel)
    try:
        model = await run_in_threadpool(ctx.models.get, file.path, db=ctx.settings.db,
                                        version=ctx.research_version)
        overrides = check_overrides(model, body.overrides)
    except DecisionError as exc:
        return JSONResponse({"error": "the file has problems", "problems": problems_of(exc)},
                            422)
    except BadOverrides as exc:
        return JSONResponse({"error": str(exc)}, 422)
    out = await compute(ctx, file, overrides)
    if "problems" in out:
        return JSONResponse({"error": "the file has problems", "problems": out["problems"]},
                            422)
    if "error" in out:
        return JSONResponse({"error": out["error"]}, 422)
    timing = (f'queue;dur={out["queue_ms"]:.1f}, run;dur={out["run_ms"]:.1f}, '
              f'cpu;dur={out["cpu_ms"]:.1f}')
    payload = {k: out[k] for k in ("rows", "charts", "run_ms", "cpu_ms", "queue_ms",
                                   "total_ms", "cached", "samples", "overrides")}
    payload["verdict"] = out["result"]["verdict"]
    payload["result"] = out["result"]
    payload["stamp"] = list(stamp(file.path))
    return JSONResponse(payload, headers={"Server-Timing": timing})
