"""The intersection tables kept on disk between runs (docs/performance.md, "Start-up").

A table of the intersection rank (:mod:`crossroads.simulate.intersection`) costs 0.1-0.3 s
to build and is the same for every run with the same number of skills and correlation, so
a fresh process reads it from the user's cache folder instead of building it again:

* one file per table, named by a digest of the crossroads version, the source of the
  module that builds it (any change to the algorithm is a new name), the table's kind and
  its arguments; its shape and dtype are checked on reading;
* in ``platformdirs.user_cache_dir("crossroads")/intersection`` (``CROSSROADS_CACHE_DIR``
  moves it; ``off`` turns the cache off), a 0700 folder of 0600 files, written to a
  temporary file and renamed, so a reader never sees half a table;
* safe to lose: a missing, unreadable or malformed file is built again, and a folder
  that cannot be written is silently left alone. The numbers are the same either way.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

Table = npt.NDArray[np.float32]


def cache_dir() -> Path | None:
    """Where the tables live, or None when ``CROSSROADS_CACHE_DIR=off``."""
    where = os.environ.get("CROSSROADS_CACHE_DIR")
    if where == "off":
        return None
    if where:
        return Path(where) / "intersection"
    import platformdirs

    return Path(platformdirs.user_cache_dir("crossroads")) / "intersection"


def _name(kind: str, args: tuple[object, ...], source: Path) -> str:
    from crossroads import __version__

    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{__version__}|{kind}|{args!r}|".encode())
    digest.update(source.read_bytes())
    return f"{kind}-{digest.hexdigest()}.npy"


def cached(kind: str, args: tuple[object, ...], shape: tuple[int, ...], source: Path,
           build: Callable[[], Table]) -> Table:
    """The table ``build()`` makes, read from the cache when a valid copy is there."""
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        path = folder / _name(kind, args, source)
        table = np.load(path, allow_pickle=False)
        if table.shape == shape and table.dtype == np.float32 and not np.isnan(table).any():
            return np.asarray(table)
    except (OSError, ValueError):
        pass  # missing or malformed: build it
    table = build()
    _write(folder, path, table)
    return table


def _write(folder: Path, path: Path, table: Table) -> None:
    """Write atomically, owner-only; give up quietly if the folder is not writable."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npy")  # 0600
        try:
            with os.fdopen(fd, "wb") as f:
                np.save(f, table, allow_pickle=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
