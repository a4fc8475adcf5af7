"""The dashboard's table headers carry the glossary's texts (docs/glossary.md) as
tooltips, from the one source the report uses too."""

from __future__ import annotations

import html

import httpx
import pytest

from crossroads.glossary import TERMS

pytestmark = pytest.mark.anyio


async def test_the_dashboard_headers_explain_their_terms(client: httpx.AsyncClient) -> None:
    text = html.unescape((await client.get("/d/0/small.yaml")).text)
    for header, term in (("P(best)", "P(best)"), ("90% of futures", "the 90% range"),
                         ("Cash NPV", "NPV"), ("Break-even vs baseline", "break-even")):
        assert f'<abbr title="{TERMS[term]}">{header}</abbr>' in text
