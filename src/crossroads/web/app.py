"""``create_app(settings) -> FastAPI``: the local web app behind `crossroads serve`.

    from crossroads.web import Settings, create_app
    app = create_app(Settings(folders=(Path("examples"),)))
    # uvicorn.run(app, host="127.0.0.1", port=8000)

The app is an edge like the CLI: it reads and writes files and the database and calls the
pure core. Every request first passes :class:`~crossroads.web.security.Guard`; simulations
run in :class:`~crossroads.web.pool.SimPool`, started and stopped with the app's lifespan.

Errors: a route lets any :class:`~crossroads.errors.CrossroadsError` out, and one handler
answers it with the status of its class (:data:`STATUS`), as JSON under ``/api/`` and as
the error page elsewhere. No body shows where the server keeps a file or its database.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

import crossroads
from crossroads import glossary
from crossroads.errors import (
    CrossroadsError,
    DecisionError,
    StoreError,
    TooManySamples,
    UsageError,
)
from crossroads.store.journal import EntryNotFound
from crossroads.store.research_log import ConversationNotFound
from crossroads.web import formatting
from crossroads.web.catalog import OutsideFolders
from crossroads.web.compiled import problems_of
from crossroads.web.context import WebContext
from crossroads.web.pool import Busy, SimPool
from crossroads.web.routes import ROUTERS
from crossroads.web.security import CSRF_FIELD, Guard
from crossroads.web.settings import Settings

__all__ = ["STATUS", "create_app", "error_body"]

HERE = Path(__file__).resolve().parent

log = logging.getLogger("crossroads.web")

#: The HTTP status of each kind of error (unless it carries its own ``status``, as a refused
#: form does), the first class that matches: what is not there
#: is 404, a sample count over the memory budget 413 (with the most that fits), a decision
#: file's problem or a refused value 422, a full queue or a database that cannot be used
#: 503 (try again; the server's log says why).
STATUS: tuple[tuple[type[CrossroadsError], int], ...] = (
    (TooManySamples, 413),
    (DecisionError, 422),
    (OutsideFolders, 404),
    (EntryNotFound, 404),
    (ConversationNotFound, 404),
    (UsageError, 422),
    (Busy, 503),
    (StoreError, 503),
)


def error_body(exc: CrossroadsError) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for ``exc``: ``{"error": one line}`` and what helps the
    page act on it (``problems``, ``most``, ``param``). A decision file's problems name no
    path (:func:`~crossroads.web.compiled.problems_of`); a database error says only that the
    database failed, since its message holds the server's path or URL.

    >>> status, body = error_body(DecisionError("/srv/me/d.yaml", 3, 9, "unknown param `x`"))
    >>> status, body["error"], body["problems"][0]["text"]
    (422, 'the file has problems', '3:9: unknown param `x`')
    >>> error_body(StoreError("cannot open sqlite:////home/me/cr.sqlite3"))
    (503, {'error': 'the database cannot be opened or used; the server log says why'})
    """
    own = getattr(exc, "status", None)  # a web error that carries its own (FormError)
    status = own if isinstance(own, int) else next(
        (code for cls, code in STATUS if isinstance(exc, cls)), 500)
    body: dict[str, Any]
    if isinstance(exc, TooManySamples):
        body = {"error": f"{exc.message}: use at most {exc.most:,} samples",
                "most": exc.most}
    elif isinstance(exc, DecisionError):
        body = {"error": "the file has problems", "problems": problems_of(exc)}
    elif isinstance(exc, StoreError) and status != 404:
        log.warning("database error: %s", exc)  # masked URL (StoreError), for the operator
        body = {"error": "the database cannot be opened or used; the server log says why"}
    else:
        body = {"error": str(exc)}
        param = getattr(exc, "param", None)
        if param is not None:  # a pinned value: the page marks its slider
            body["param"] = param
    return status, body


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every page shows user text: labels, notes, file contents
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=formatting.money, pct=formatting.pct, num=formatting.num,
                       param=formatting.param, ticks=formatting.ticks,
                       tip=lambda header: glossary.tip(header) or "")  # docs/glossary.md
    env.globals.update(version=crossroads.__version__, csrf_field=CSRF_FIELD,
                       csrf_token=_csrf_token)
    return Jinja2Templates(env=env)


def _csrf_token(request: Request) -> str:
    """The session's CSRF token, which the guard put on the request."""
    return str(getattr(request.state, "csrf_token", ""))


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (default: the current folder's ``examples/``)."""
    settings = settings or Settings(folders=_default_folders())
    ctx = WebContext(settings, _templates(), SimPool(settings.workers, settings.queue,
                                                     settings.pool))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.pool.start()
        try:
            yield
        finally:
            await ctx.pool.aclose()
            ctx.close()

    app = FastAPI(title="crossroads", version=crossroads.__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ctx = ctx
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _handlers(app, ctx)
    app.add_middleware(Guard, settings=settings, secret=secrets.token_bytes(32))
    return app


def _default_folders() -> tuple[Path, ...]:
    examples = Path.cwd() / "examples"
    return (examples,) if examples.is_dir() else ()


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI, ctx: WebContext) -> None:
    """Errors as JSON for /api/, as a page everywhere else."""

    def page(request: Request, status: int, message: str,
             headers: Mapping[str, str] | None = None) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message}, status, headers=headers)
        return ctx.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status,
            headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return page(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(CrossroadsError)
    async def crossroads_error(request: Request, exc: CrossroadsError) -> Response:
        status, body = error_body(exc)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else None
        if _wants_json(request):
            return JSONResponse(body, status, headers=headers)
        problems = body.get("problems") or []
        text = body["error"] + "".join(f"\n{p['text']}" for p in problems)
        return page(request, status, text, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"where": ".".join(str(p) for p in e.get("loc", ())),
                     "message": e.get("msg", "")} for e in exc.errors()]
        # The field's path names the culprit, e.g. ``body.overrides.p_promo``.
        text = "; ".join(f"{p['where']}: {p['message']}" for p in problems)
        if _wants_json(request):
            return JSONResponse({"error": f"invalid request: {text}", "problems": problems},
                                422)
        return page(request, 422, text)
