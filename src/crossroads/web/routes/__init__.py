"""The app's routes, one module per page family; :data:`ROUTERS` in mounting order."""

from __future__ import annotations

from fastapi import APIRouter

from crossroads.web.routes import api, decisions, home, journal, market, new, reports, research

ROUTERS: tuple[APIRouter, ...] = (home.router, new.router, decisions.router, api.router,
                                  reports.router, research.router, market.router,
                                  journal.router)

__all__ = ["ROUTERS"]
