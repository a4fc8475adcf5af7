"""JSON endpoints the pages' scripts call: validate, save and what-if.

All are POSTs, so the guard has already checked the CSRF token and the body size.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from crossroads.web.catalog import OutsideFolders
from crossroads.web.checks import check_job
from crossroads.web.compiled import stamp
from crossroads.web.context import Ctx
from crossroads.web.dashboard import option_deltas, scenario_table
from crossroads.web.formatting import num, param
from crossroads.web.params import unit_of
from crossroads.web.versions import Conflict, save_if_unchanged
from crossroads.web.whatif import check_overrides, compute

router = APIRouter(prefix="/api")

FiniteFloat = Annotated[float, Field(allow_inf_nan=False, strict=True)]
"""A JSON number (strict: ``true`` and ``"0.7"`` are not numbers), never NaN or infinite."""


class ValidateIn(BaseModel):
    """Decision text from the editor."""

    text: str


class SaveIn(BaseModel):
    """Where to save (folder number and path inside it), what, and the version it edited.

    ``base`` is the version the editor loaded (``null`` for a file that should not exist
    yet); a save whose base is no longer the file's version is refused with 409.
    """

    folder: int
    path: str = Field(min_length=1, max_length=1000)
    text: str
    base: str | None = Field(max_length=64)


class WhatIfIn(BaseModel):
    """Params pinned by the sliders: name -> value."""

    overrides: dict[str, FiniteFloat] = Field(default_factory=dict, max_length=200)


class ScenarioIn(BaseModel):
    """A named set of pins."""

    name: str = Field(min_length=1, max_length=60)
    overrides: dict[str, FiniteFloat] = Field(default_factory=dict, max_length=200)


class CompareIn(BaseModel):
    """Scenarios to compare side by side (up to six)."""

    scenarios: list[ScenarioIn] = Field(min_length=1, max_length=6)


@router.post("/validate", name="validate")
async def validate(body: ValidateIn, ctx: Ctx) -> dict[str, Any]:
    """Problems of the text with their line and column; ``ok`` when there are none.

    Checked by a pool worker within a time limit, never in the server (web/checks.py)."""
    return await ctx.pool.run(check_job, body.text, ctx.settings.db)


@router.post("/save", name="save")
async def save(body: SaveIn, ctx: Ctx) -> Response:
    """Write the text to the file, atomically, only if it is valid and inside the folders."""
    try:
        file = ctx.catalog.resolve(body.folder, body.path, must_exist=False)
    except OutsideFolders as exc:
        return JSONResponse({"ok": False, "error": str(exc)}, 403)
    checked = await ctx.pool.run(check_job, body.text, ctx.settings.db)
    if not checked["ok"]:
        return JSONResponse({"ok": False, "error": "not saved: the file has problems",
                             "problems": checked["problems"]}, 422)
    text = body.text if body.text.endswith("\n") else body.text + "\n"
    saved = await run_in_threadpool(save_if_unchanged, file.path, text, body.base)
    if isinstance(saved, Conflict):
        return JSONResponse({"ok": False, "conflict": True, "current": saved.current,
                             "version": saved.version, "error": (
                                 "not saved: the file was deleted since you opened it"
                                 if saved.current is None else
                                 "not saved: the file changed since you opened it (another "
                                 "tab or person saved it)")}, 409)
    return JSONResponse({"ok": True, "key": file.key, "url": file.url("d"),
                         "version": saved, "summary": checked["summary"]})


LEAN_VERDICT = ("With a value pinned, this verdict is about the numbers above: what research "
                "could settle, the weighing of your criteria (SMAA) and the input that "
                "matters most are worked out for the unpinned run; unpin to see them.")
"""The last line of a pinned run's verdict: a what-if run is lean (web/pool.py), so the
sentences on what it skipped are missing, and the page says so rather than let them
vanish without a word."""


@router.post("/whatif/{folder}/{rel:path}", name="whatif")
async def whatif(folder: int, rel: str, body: WhatIfIn,
                 ctx: Ctx) -> Response:
    """Re-run the decision with the sliders' params pinned (20,000 draws by default).

    The ``Server-Timing`` header splits the time into queueing and the run itself.
    """
    file = ctx.catalog.resolve(folder, rel)
    model = await run_in_threadpool(ctx.models.get, file.path, db=ctx.settings.db,
                                    version=ctx.research_version)
    overrides = check_overrides(model, body.overrides)  # BadOverrides: 422 (web/app.py)
    out = await compute(ctx, file, overrides)
    fails_unpinned = "result" not in (await compute(ctx, file, {}) if overrides else out)
    if "problems" in out and not fails_unpinned:  # it is the pinned values that fail
        first = out["problems"][0]
        pinned = ", ".join(f"{name} = {num(value)}" for name, value in overrides.items())
        return JSONResponse({"error": f"the run fails with {pinned} pinned: "
                             f"{first['message']}; pin values nearer the ranges in the file",
                             "param": next(iter(overrides))}, 422)
    if "problems" in out:
        return JSONResponse({"error": "the file has problems", "problems": out["problems"]},
                            422)
    if "error" in out:
        return JSONResponse({"error": out["error"], "param": next(iter(overrides), None)},
                            422)
    base = out if not overrides else await compute(ctx, file, {})
    timing = (f'queue;dur={out["queue_ms"]:.1f}, run;dur={out["run_ms"]:.1f}, '
              f'cpu;dur={out["cpu_ms"]:.1f}')
    payload = {k: out[k] for k in ("rows", "charts", "run_ms", "cpu_ms", "queue_ms",
                                   "total_ms", "cached", "samples", "overrides")}
    payload["verdict"] = out["result"]["verdict"]
    if out["result"].get("skipped"):
        payload["verdict"] = [*payload["verdict"], LEAN_VERDICT]
    payload["deltas"] = option_deltas(out["result"], base.get("result"))
    payload["result"] = out["result"]
    payload["stamp"] = list(stamp(file.path))
    return JSONResponse(payload, headers={"Server-Timing": timing})


def pinned_text(model: Any, name: str, value: float) -> str:
    """A pinned value in its slider's unit (``40%``, ``3.5×``, ``$95k``), else a number."""
    dist = model.params[name].expr.as_dist()
    try:
        lo, hi = (float(x) for x in dist.interval(0.9))
    except (AttributeError, TypeError, ValueError):
        return num(value)
    return param(value, unit_of(name, lo, hi), model.currency)


@router.post("/compare/{folder}/{rel:path}", name="compare")
async def compare(folder: int, rel: str, body: CompareIn, ctx: Ctx) -> Response:
    """Scenarios side by side: each set of pins run (or taken from the cache) in turn."""
    file = ctx.catalog.resolve(folder, rel)
    model = await run_in_threadpool(ctx.models.get, file.path, db=ctx.settings.db,
                                    version=ctx.research_version)
    pins = [(s.name, check_overrides(model, s.overrides)) for s in body.scenarios]
    base = await compute(ctx, file, {})
    runs = []
    for name, overrides in pins:
        out = await compute(ctx, file, overrides)
        if "result" not in out or "result" not in base:
            return JSONResponse({"error": f"scenario {name!r} could not run: "
                                 f"{out.get('error') or 'the file has problems'}"}, 422)
        shown = ", ".join(f"{k} = {pinned_text(model, k, v)}"
                          for k, v in overrides.items()) or "nothing"
        runs.append((name, shown, out["result"]))
    return JSONResponse(scenario_table(base["result"], runs))
