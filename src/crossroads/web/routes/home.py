"""The list of decisions, and plotly.js served from the installed ``plotly`` package."""

from __future__ import annotations

import functools
import gzip
import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crossroads.errors import DecisionError
from crossroads.web.context import Ctx, WebContext

router = APIRouter()

PLOTLY_CACHE = "public, max-age=31536000, immutable"


@router.get("/", name="index")
def index(request: Request, ctx: Ctx) -> Response:
    """Every decision file in the served folders, with its title or its first problem."""
    rows: list[dict[str, Any]] = []
    for file in ctx.catalog.files():
        row: dict[str, Any] = {"key": file.key, "rel": file.rel, "url": file.url("d"),
                               "edit": file.url("edit"),
                               "folder": str(ctx.catalog.folders[file.folder])}
        try:
            model = ctx.models.get(file.path, db=ctx.settings.db, version=ctx.research_version)
            row.update(ok=True, title=model.title, options=len(model.options),
                       horizon=model.horizon)
        except DecisionError as exc:
            row.update(ok=False, title=file.rel, problem=exc.format())
        rows.append(row)
    context = {"rows": rows, "folders": [str(f) for f in ctx.catalog.folders],
               "research": research_summary(ctx)}
    return ctx.templates.TemplateResponse(request, "index.html", context)


def research_summary(ctx: WebContext) -> dict[str, Any]:
    """How many conversations the log holds (without creating a database that is not there)."""
    if not ctx.database_exists():
        return {"exists": False, "count": 0}
    from crossroads.store import StoreError, count_conversations, transaction

    try:
        with transaction(ctx.engine()) as conn:
            return {"exists": True, "count": count_conversations(conn)}
    except StoreError as exc:
        return {"exists": True, "count": 0, "error": str(exc)}


@functools.cache
def _plotly() -> tuple[bytes, bytes, str]:
    """plotly.min.js from the installed package, gzipped once, with its ETag."""
    from plotly.offline import get_plotlyjs

    raw = str(get_plotlyjs()).encode("utf-8")
    return raw, gzip.compress(raw, 6, mtime=0), hashlib.sha256(raw).hexdigest()[:32]


@router.get("/static/plotly.min.js", name="plotly")
def plotly_js(request: Request) -> Response:
    """Served from this machine (no CDN), cached by the browser for a year."""
    raw, packed, etag = _plotly()
    headers = {"Cache-Control": PLOTLY_CACHE, "ETag": f'"{etag}"', "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="text/javascript",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(raw, media_type="text/javascript", headers=headers)
