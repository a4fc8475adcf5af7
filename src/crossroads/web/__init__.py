"""The local web app: `crossroads serve` (see docs/web.md).

    from crossroads.web import Settings, create_app
    app = create_app(Settings(folders=(Path("examples"),)))

An I/O edge, like the CLI: it serves decision files from the folders it is given, the
research log from the database, and runs simulations in a bounded worker pool.
"""

from crossroads.web.app import create_app
from crossroads.web.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError", "create_app"]
