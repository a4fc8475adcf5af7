"""`crossroads serve`: the local web app (see docs/web.md).

    crossroads serve                          # ./examples on http://127.0.0.1:8000
    crossroads serve plans/ --port 9000
    CROSSROADS_TOKEN=... crossroads serve --host 0.0.0.0 plans/

Every address needs a token by default: other users of the same machine can reach
127.0.0.1 too, and the pages show salaries. Without ``--token`` (or ``CROSSROADS_TOKEN``)
a random one is made and printed once, inside the link to open (as Jupyter does); the link
logs the browser in with a cookie. ``--no-token`` serves without one, on loopback only,
with a warning. Prefer ``CROSSROADS_TOKEN`` to ``--token``, which other users of the
machine can read in the process list.
"""

from __future__ import annotations

import copy
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

from crossroads.cli.common import console, err_console, fail
from crossroads.cli.options import DbOpt


def serve_command(
    folders: Annotated[list[Path] | None, typer.Argument(
        help="Folders of decision files to serve (default: ./examples if present).",
        show_default=False)] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        help="Require this token on every request [default: a random one, printed once].",
        envvar="CROSSROADS_TOKEN", show_default=False)] = None,
    no_token: Annotated[bool, typer.Option(
        "--no-token", help="Serve without a token (loopback only): anyone with an account "
        "on this machine can then read and change your decisions.")] = False,
    db: DbOpt = None,
    workers: Annotated[int, typer.Option(
        help="Simulation worker processes.", min=1, max=64)] = 2,
) -> None:
    """Serve the decisions, the what-if dashboard, the research log and the market explorer."""
    import uvicorn

    from crossroads.errors import mask_url
    from crossroads.web import Settings, SettingsError, create_app

    chosen = tuple(folders or ())
    if not chosen and (Path.cwd() / "examples").is_dir():
        chosen = (Path.cwd() / "examples",)
    missing = [str(f) for f in chosen if not f.is_dir()]
    if missing:
        fail(f"not a folder: {', '.join(missing)}", code=2)
    if no_token and token:
        fail("crossroads serve: --no-token and --token (or CROSSROADS_TOKEN) exclude each "
             "other", code=2)
    made = not no_token and not token
    token = None if no_token else (token or secrets.token_urlsafe(24))
    try:
        settings = Settings(folders=chosen, host=host, port=port, token=token, db=db,
                            workers=workers)
    except SettingsError as exc:
        how = (". Pass --token (or set CROSSROADS_TOKEN), or keep the default --host "
               "127.0.0.1" if exc.argument == "token" else "")
        fail(f"crossroads serve: {mask_url(str(exc))}{how}", code=2)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    console.print(f"crossroads: serving {len(chosen)} folder(s) on {url}", markup=False)
    if no_token:
        err_console.print("warning: --no-token: anyone with an account on this machine can "
                          "read and change your decisions and research log", markup=False)
    elif made:
        console.print(f"open this link once (it logs the browser in): {url}?token={token}",
                      markup=False)
    else:
        console.print(f"open {url}?token=<your token> once; the browser keeps a cookie",
                      markup=False)
    # Ctrl-C: open requests get 3 s, then the pool stops its workers (see docs/web.md).
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=False,
                server_header=False, log_level="info", timeout_graceful_shutdown=3,
                log_config=log_config())


def log_config() -> dict[str, Any]:
    """uvicorn's logging setup with the access log's ``?token=`` hidden."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_token"] = {
        "()": "crossroads.web.security.RedactToken"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_token")
    return config
