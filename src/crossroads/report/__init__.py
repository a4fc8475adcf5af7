"""The HTML report: one self-contained file a person can open offline, print or email.

    import crossroads
    from crossroads.report import render_report, write_report
    from crossroads.report.bundle import build_bundle

    bundle = build_bundle(crossroads.load("decision.yaml"), samples=20_000)
    write_report(bundle, "report.html")          # or: html = render_report(bundle)

A *bundle* is ``{"run": ..., "voi": ..., "sensitivity": ..., "smaa": ..., "skills": ...,
"coverage": ..., "market": ...}``: the JSON of each analysis (the shapes of docs/cli.md), every key
but ``run`` optional. :mod:`crossroads.report.charts` turns each into a Plotly figure dict
and a one-line reading; :mod:`crossroads.report.render` lays them out with Jinja2.
"""

from __future__ import annotations

from crossroads.report.render import render_report, write_report

__all__ = ["render_report", "write_report"]
