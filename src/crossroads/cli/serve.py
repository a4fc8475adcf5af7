"""`crossroads serve`: the local web app (see docs/web.md).

    crossroads serve                          # ./examples on http://127.0.0.1:8000
    crossroads serve plans/ --port 9000
    CROSSROADS_TOKEN=... crossroads serve --host 0.0.0.0 plans/

Listening anywhere but the loopback interface needs a token (exit 2 otherwise): the pages
show salaries. Prefer ``CROSSROADS_TOKEN`` to ``--token``, which other users of the machine
can read in the process list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crossroads.cli.common import console, fail


def serve_command(
    folders: Annotated[list[Path] | None, typer.Argument(
        help="Folders of decision files to serve (default: ./examples if present).",
        show_default=False)] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        help="Require this token on every request (needed for any host but 127.0.0.1).",
        envvar="CROSSROADS_TOKEN", show_default=False)] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="Research log: SQLAlchemy URL or SQLite file (default: $CROSSROADS_DB, "
        "else crossroads.sqlite3 in the user data directory)", show_default=False)] = None,
    workers: Annotated[int, typer.Option(
        help="Simulation worker processes.", min=1, max=64)] = 2,
) -> None:
    """Serve the decisions, the what-if dashboard, the research log and the market explorer."""
    import uvicorn

    from crossroads.web import Settings, SettingsError, create_app

    chosen = tuple(folders or ())
    if not chosen and (Path.cwd() / "examples").is_dir():
        chosen = (Path.cwd() / "examples",)
    missing = [str(f) for f in chosen if not f.is_dir()]
    if missing:
        fail(f"not a folder: {', '.join(missing)}", code=2)
    try:
        settings = Settings(folders=chosen, host=host, port=port, token=token or None, db=db,
                            workers=workers)
    except SettingsError as exc:
        fail(f"crossroads serve: {exc}", code=2)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    console.print(f"crossroads: serving {len(chosen)} folder(s) on {url}", markup=False)
    if token:
        console.print(f"open {url}?token=<your token> once; the browser keeps a cookie",
                      markup=False)
    # Ctrl-C: open requests get 3 s, then the pool stops its workers (see docs/web.md).
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=False,
                server_header=False, log_level="info", timeout_graceful_shutdown=3)
