"""The market explorer: what the shipped salary data says for a title, level and country."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from crossroads.evidence.market import (
    FAMILIES,
    LEVELS,
    MarketQuery,
    load_salaries,
    market_summary,
    matching_salaries,
)
from crossroads.web.context import Ctx

router = APIRouter()

FIELDS = ("title", "level", "country", "since", "family")


def explore(values: dict[str, str]) -> dict[str, Any]:
    """Summary, warnings and a histogram for the form's filters; ``error`` if none match.

    >>> explore({"title": "Data Scientist", "level": "SE", "country": "US"})["summary"]["n"] > 30
    True
    """
    filled = {k: v for k, v in values.items() if v}
    if not filled:
        return {}
    try:
        query = MarketQuery(**filled)  # type: ignore[arg-type]  # checked in __post_init__
        summary = market_summary(query)
        salaries = matching_salaries(load_salaries(), query)
    except ValueError as exc:
        return {"error": str(exc)}
    hi = float(np.percentile(salaries, 99.5))
    counts, edges = np.histogram(np.clip(salaries, 0, hi), bins=30, range=(0, hi or 1.0))
    return {"summary": summary.to_dict(), "query": heading(query),
            "hist": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}}


def heading(query: MarketQuery) -> str:
    """The query in words, for the result's heading (not ``title='Data Scientist', level=SE``).

    >>> heading(MarketQuery(title="Data Scientist", level="SE", country="US", since=2022))
    'Data Scientist, senior level, in US, since 2022'
    """
    words = {"title": "{}", "family": "{} roles", "level": "{} level", "country": "in {}",
             "since": "since {}"}
    parts = [words[k].format(LEVELS.get(str(v), v) if k == "level" else v)
             for k, v in query.filters()]
    return ", ".join(parts) or "every salary in the data"


@router.get("/market", name="market")
async def market_page(request: Request, ctx: Ctx) -> Response:
    """The form, and n, median, p10, p90 and warnings for what it asks."""
    values = {k: request.query_params.get(k, "").strip()[:200] for k in FIELDS}
    found = await run_in_threadpool(explore, values)
    titles = await run_in_threadpool(lambda: load_salaries().titles)
    context = {"values": values, "found": found, "titles": titles, "levels": LEVELS,
               "families": [name for name, _ in FAMILIES] + ["other"]}
    return ctx.templates.TemplateResponse(request, "market.html", context)
