"""The report as one HTML file: ``render_report`` (pure) and ``write_report`` (atomic write).

    from crossroads.report import render_report, write_report
    html = render_report(bundle)                       # plotly.js inlined: email it as is
    html = render_report(bundle, inline_js=False)      # <script src="/static/plotly.min.js">
    write_report(bundle, "report.html")

Everything the page needs travels in the file: the CSS, the figures as JSON and (by
default) plotly.js from the installed ``plotly`` package, so it opens offline and nothing is
fetched from the network. The page is wrapped in one ``<div class="cr-report">`` holding
its own styles and scripts, so the same text also works as a fragment inside another page
(the web app, or a notebook through ``IPython.display.HTML``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from crossroads.glossary import TERMS, tip
from crossroads.report.sections import build_sections, options_table

__all__ = ["render_report", "write_report"]


def render_report(bundle: dict[str, Any], *, inline_js: bool = True,
                  plotly_src: str = "/static/plotly.min.js") -> str:
    """The report page for ``bundle`` (see :func:`crossroads.report.bundle.build_bundle`).

    With ``inline_js=False`` the page loads plotly.js from ``plotly_src`` instead of
    carrying it; an empty ``plotly_src`` loads nothing, for pages that already have Plotly.
    The same bundle always gives the same text.
    """
    import crossroads

    run, rid = bundle["run"], _report_id(bundle)
    sections = build_sections(bundle)
    figures = {f"{rid}-{c.id}": c.figure for s in sections for c in s.charts}
    return _environment().get_template("report.html.j2").render(
        rid=rid, run=run, sections=sections, summary=options_table(run),
        figures={k: _script_json(v) for k, v in figures.items()},
        plotly_js=Markup(_plotly_js()) if inline_js else None,
        plotly_src=plotly_src, version=crossroads.__version__,
    )


def write_report(bundle: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Render ``bundle`` and write it to ``path`` atomically.

    The page is rendered in memory first and then moved into place, so a failure leaves no
    file (or the previous one) behind, never half a report.
    """
    text = render_report(bundle)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o600)  # a report holds salaries: owner only, whatever the umask
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("crossroads.report", "templates"),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["ticks"] = ticks
    env.filters["tip"] = tip          # a table header's glossary text, for its tooltip
    env.globals["glossary"] = TERMS   # the report's "what the words mean"
    return env


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    # A literal "</script" would end the inline script early; "<\/" is the same in JS.
    return str(get_plotlyjs()).replace("</script", "<\\/script")


_TICKS = re.compile(r"`([^`\n]+)`")


def ticks(text: object) -> Markup:
    """Escape ``text``, then show `backticked` names as code.

    >>> str(ticks("`p_em` <b>"))
    '<code>p_em</code> &lt;b&gt;'
    """
    return Markup(_TICKS.sub(r"<code>\1</code>", str(escape(str(text)))))


def _report_id(bundle: dict[str, Any]) -> str:
    """A stable id from the content, so two reports on one page do not share chart ids."""
    digest = hashlib.blake2b(json.dumps(bundle, sort_keys=True, default=str).encode(),
                             digest_size=5).hexdigest()
    return f"cr-{digest}"


def _script_json(obj: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``."""
    text = json.dumps(finite_json(obj), separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def finite_json(obj: Any) -> Any:
    """NaN and infinities (undefined statistics) become null, which JSON can carry; the
    report and the notebook views embed charts through it.

    >>> finite_json({"a": [1.0, float("nan")], "b": float("inf")})
    {'a': [1.0, None], 'b': None}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite_json(v) for v in obj]
    return obj
