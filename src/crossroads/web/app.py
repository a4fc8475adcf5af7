"""``create_app(settings) -> FastAPI``: the local web app behind `crossroads serve`.

    from crossroads.web import Settings, create_app
    app = create_app(Settings(folders=(Path("examples"),)))
    # uvicorn.run(app, host="127.0.0.1", port=8000)

The app is an edge like the CLI: it reads and writes files and the database and calls the
pure core. Every request first passes :class:`~crossroads.web.security.Guard`; simulations
run in :class:`~crossroads.web.pool.SimPool`, started and stopped with the app's lifespan.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

import crossroads
from crossroads import glossary
from crossroads.web import formatting
from crossroads.web.catalog import OutsideFolders
from crossroads.web.context import WebContext
from crossroads.web.pool import Busy, SimPool
from crossroads.web.routes import ROUTERS
from crossroads.web.security import CSRF_FIELD, Guard
from crossroads.web.settings import Settings

__all__ = ["create_app"]

HERE = Path(__file__).resolve().parent


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

    @app.exception_handler(OutsideFolders)
    async def outside(request: Request, exc: OutsideFolders) -> Response:
        return page(request, 404, str(exc))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> Response:
        return page(request, 503, str(exc), {"Retry-After": str(exc.retry_after)})

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
