"""`crossroads report`: one self-contained HTML file to read, print or email.

    crossroads report decision.yaml -o report.html [--samples 20000] [--seed 7]

The file carries plotly.js and every figure, so it opens offline. A decision file with an
error prints ``FILE:LINE:COL: message``, exits 1 and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from crossroads.cli.common import console, fail, load_or_exit
from crossroads.cli.options import FileArg, SamplesOpt, SeedOpt, progress


def report_command(
    file: FileArg,
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="Where to write the HTML report.")] = Path("report.html"),
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Write an HTML report: verdict, options, charts and how to read each one."""
    from crossroads.cli.journal import report_journal
    from crossroads.report import write_report
    from crossroads.report.bundle import build_bundle

    model = load_or_exit(file)
    if output.is_dir():
        fail(f"{output}: is a folder; give a file name such as {output / 'report.html'}")
    try:
        with progress("simulating and drawing the report", enabled=True) as update:
            hear = None if update is None else (lambda stage, f: update(f, stage))
            bundle = build_bundle(model, samples=samples, seed=seed, on_progress=hear)
            bundle["journal"] = report_journal(model.title)
            write_report(bundle, output)
    except OSError as exc:
        fail(f"{output}: cannot write the report: {exc.strerror or exc}")
    size = output.stat().st_size / 1e6
    console.print(f"[green]wrote[/green] {escape(str(output))} ({size:.1f} MB): open it in a "
                  "browser; it works offline and can be emailed as is.", soft_wrap=True)


__all__ = ["report_command"]
