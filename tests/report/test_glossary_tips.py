"""The report's table headers carry the glossary's texts as tooltips, and the report ends
with the glossary itself (the same texts as docs/glossary.md)."""

from __future__ import annotations

import html
import re
from typing import Any

from crossroads.glossary import TERMS
from crossroads.report import render_report


def test_headers_have_the_glossary_tooltips_and_the_report_has_the_glossary(
        run_dict: dict[str, Any]) -> None:
    page = render_report({"run": run_dict}, inline_js=False)
    tips = {html.unescape(t) for t in re.findall(r'<abbr class="cr-term" title="([^"]+)">', page)}
    assert TERMS["P(best)"] in tips and TERMS["value"] in tips and TERMS["NPV"] in tips
    glossary = html.unescape(page[page.index('class="cr-glossary"'):])
    for term, text in TERMS.items():
        assert f"<dt>{term}</dt><dd>{text}</dd>" in glossary
