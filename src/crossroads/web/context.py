"""The state one app shares between requests, and the dependency that hands it to routes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from crossroads.web.catalog import Catalog
from crossroads.web.compiled import MODELS, ModelCache
from crossroads.web.pool import SimPool
from crossroads.web.reports import Reports
from crossroads.web.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["Ctx", "ResultCache", "WebContext", "get_ctx"]


class ResultCache:
    """Recent what-if results by (file, stamp, research version, draws, pinned values).

    A slider moved back to where it was answers at once; at most ``maxsize`` results of
    ~20 kB each are kept.
    """

    def __init__(self, maxsize: int = 128) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        """The cached result, refreshed as most recent; None when absent."""
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def put(self, key: tuple[Any, ...], value: dict[str, Any]) -> None:
        """Keep ``value``; the least recently used result goes when full."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)


@dataclass
class WebContext:
    """Everything routes share: settings, the files, caches, the worker pool, the database."""

    settings: Settings
    templates: Jinja2Templates
    pool: SimPool
    catalog: Catalog = field(init=False)
    models: ModelCache = field(default=MODELS)
    results: ResultCache = field(default_factory=ResultCache)
    reports: Reports = field(default_factory=Reports)
    research_version: int = 0
    _engine: Engine | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.catalog = Catalog(self.settings.folders)

    def engine(self) -> Engine:
        """The research-log database engine, opened on first use and kept."""
        from crossroads.store import open_engine

        with self._lock:
            if self._engine is None:
                self._engine = open_engine(self.settings.db)
            return self._engine

    def database_exists(self) -> bool:
        """False when the research log is a SQLite file that was never created."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        from crossroads.store import resolve_url

        try:
            url = make_url(resolve_url(self.settings.db))
        except (ArgumentError, ValueError):  # opening it says why, password masked
            return True
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return True
        return Path(url.database).expanduser().exists()

    def research_changed(self) -> None:
        """The log was written: models with ``research(...)`` params must be recompiled."""
        with self._lock:
            self.research_version += 1

    def close(self) -> None:
        """Stop the report processes; release the database engine."""
        self.reports.close()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def get_ctx(request: Request) -> WebContext:
    """FastAPI dependency: the app's :class:`WebContext`."""
    ctx: WebContext = request.app.state.ctx
    return ctx


Ctx = Annotated[WebContext, Depends(get_ctx)]
"""Route parameter type: ``ctx: Ctx`` hands the route the app's :class:`WebContext`."""
