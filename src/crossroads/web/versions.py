"""No lost work: every save names the version it edited, and a stale one is refused.

Two tabs, or two people, edit the same decision file: without a check the second save
silently wipes out the first. So the editor carries the *version* of the text it loaded
(a hash of the file's bytes) and sends it with each save; the save goes through only when
the file on disk still has that version (409 with the current text otherwise, and the page
asks: take theirs, or overwrite with yours). The check and the write hold one lock per file,
so two saves racing with the same version cannot both pass.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from crossroads.web.catalog import atomic_write

__all__ = ["Conflict", "read_versioned", "save_if_unchanged", "version_of"]

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def version_of(data: str | bytes | None) -> str | None:
    """The version of a file's text: the first 16 hex digits of its SHA-256; None if absent.

    >>> version_of("a: 1\\n")
    '37b128c59f1f5097'
    >>> version_of(None) is None
    True
    """
    if data is None:
        return None
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:16]


def read_versioned(path: Path) -> tuple[str | None, str | None]:
    """(the file's text, its version), or (None, None) when there is no such file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    return raw.decode("utf-8", errors="replace"), version_of(raw)


@dataclass(frozen=True)
class Conflict:
    """The file changed since the editor loaded it: what is on disk now, and its version."""

    current: str | None
    version: str | None


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(str(path), threading.Lock())


def save_if_unchanged(path: Path, text: str, base: str | None) -> Conflict | str:
    """Write ``text`` when ``path`` still has version ``base`` (None: it must not exist).

    Returns the new version, or the :class:`Conflict` when another save came first.
    """
    with _lock(path):
        current, version = read_versioned(path)
        if version != base:
            return Conflict(current, version)
        atomic_write(path, text)
        return version_of(text) or ""
