"""How `crossroads serve` is configured: one frozen table, checked when it is built.

The checks that protect salaries live here rather than in the CLI so that every way of
building the app (the CLI, tests, an embedding script) gets them: an app that listens on
anything but the loopback interface must have a token.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from crossroads.errors import UsageError

__all__ = ["LOOPBACK_NAMES", "MiB", "Settings", "SettingsError", "is_loopback"]

MiB = 1024 * 1024
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class SettingsError(UsageError):
    """A configuration that must not run (for example a public host without a token)."""


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine.

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "192.168.1.9")]
    [True, True, True, False, False]
    """
    name = host.strip().lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; the defaults are the safe, local ones.

    ``folders`` are the only places decision files are read from and written to.
    ``token``, when set, is required on every request (see docs/web.md).
    ``pool`` is ``"process"`` (true parallelism for the CPU-bound simulations) or
    ``"thread"`` (no process start-up; what the in-process tests use).

    >>> Settings(host="0.0.0.0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crossroads.web.settings.SettingsError: refusing to listen on 0.0.0.0 without a token: ...
    """

    folders: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    db: str | None = None
    workers: int = 2
    queue: int = 64
    pool: Literal["process", "thread"] = "process"
    max_body: int = MiB
    whatif_samples: int = 20_000
    extra_hosts: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "folders", tuple(Path(f) for f in self.folders))
        if self.token is not None:
            _check_token(self.token)
        if not is_loopback(self.host) and not self.token:
            raise SettingsError(  # `crossroads serve` adds which options would do
                f"refusing to listen on {self.host} without a token: anyone who can reach "
                "this machine could read your salaries", argument="token")
        if self.workers < 1 or self.queue < 1 or self.max_body < 1:
            raise SettingsError("workers, queue and max_body must be positive")
        if self.pool not in ("process", "thread"):
            raise SettingsError(f"pool must be 'process' or 'thread', got {self.pool!r}")

    @property
    def checks_host_header(self) -> bool:
        """Without a token, only loopback Host headers are served (DNS rebinding guard)."""
        return self.token is None


def _check_token(token: str) -> None:
    """Refuse a token that is short, blank, or has whitespace at its ends.

    Eight spaces pass a length check but guard nothing; and a token with a space at an
    end cannot be sent intact as ``Authorization: Bearer ...`` (HTTP trims header values),
    so it would lock out the very person who set it.

    >>> _check_token(" " * 8)
    Traceback (most recent call last):
    ...
    crossroads.web.settings.SettingsError: the token must not be blank ...
    """
    if not token.strip():
        raise SettingsError("the token must not be blank or whitespace only: use a random "
                            "one, like python -c 'import secrets; print(secrets.token_urlsafe())'")
    if token != token.strip():
        raise SettingsError("the token must not start or end with whitespace")
    if len(token) < 8:
        raise SettingsError("the token must be at least 8 characters long")
