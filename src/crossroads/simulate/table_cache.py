"""Tables kept on disk between runs (docs/performance.md, "Start-up").

Some numbers cost a fresh process more to compute than to read, and are the same for
every run that asks for them, so a fresh process reads them from the user's cache folder:

* ``intersection``: a table of the intersection rank (:mod:`crossroads.simulate.intersection`)
  costs 0.1-0.3 s to build and is the same for every run with the same number of skills
  and correlation;
* ``beta``: the quantile table a beta or PERT is drawn from
  (:func:`crossroads.simulate.sampling.from_normal`) costs about 10 ms a shape to build with
  SciPy's inverse incomplete beta function (whose import alone costs a few tenths of a
  second, when nothing else in the file needs it).

How they are kept:

* one file per table, named by a digest of the crossroads version, the source of the
  module that builds it (any change to the algorithm is a new name), the table's kind, its
  arguments and anything else its numbers depend on (the SciPy and NumPy versions for a
  beta); its shape and dtype are checked on reading;
* in ``platformdirs.user_cache_dir("crossroads")/<folder>`` (``CROSSROADS_CACHE_DIR``
  moves it; ``off`` turns the cache off), a 0700 folder of 0600 files, written to a
  temporary file and renamed, so a reader never sees half a table;
* bounded: a folder keeps at most :data:`MAX_FILES` files; past that a table is built
  and used but not kept;
* safe to lose: a missing, unreadable or malformed file is built again, and a folder
  that cannot be written is silently left alone. The numbers are the same either way:
  a file holds exactly the bits its builder returned.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

Table = npt.NDArray[Any]
T = TypeVar("T", bound=Table)


def cache_dir(folder: str = "intersection") -> Path | None:
    """Where the tables of ``folder`` live, or None when ``CROSSROADS_CACHE_DIR=off``."""
    where = os.environ.get("CROSSROADS_CACHE_DIR")
    if where == "off":
        return None
    if where:
        return Path(where) / folder
    import platformdirs

    return Path(platformdirs.user_cache_dir("crossroads")) / folder


def _name(kind: str, args: tuple[object, ...], source: Path) -> str:
    from crossroads import __version__

    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{__version__}|{kind}|{args!r}|".encode())
    digest.update(source.read_bytes())
    return f"{kind}-{digest.hexdigest()}.npy"


def cached(kind: str, args: tuple[object, ...], shape: tuple[int, ...], source: Path,
           build: Callable[[], T], *, dtype: type[np.generic] = np.float32,
           folder: str = "intersection") -> T:
    """The table ``build()`` makes, read from the cache when a valid copy is there.

    ``args`` names the table (with everything its numbers depend on besides ``source``);
    a copy is valid when it has ``shape``, ``dtype`` and no NaN.
    """
    where = cache_dir(folder)
    if where is None:
        return build()
    try:
        path = where / _name(kind, args, source)
        table = np.load(path, allow_pickle=False)
        if table.shape == shape and table.dtype == dtype and not np.isnan(table).any():
            return cast("T", np.asarray(table))
    except (OSError, ValueError):
        pass  # missing or malformed: build it
    table = build()
    _write(where, path, table)
    return table


def beta_fit(lo: float, hi: float, solve: Callable[[float, float], tuple[float, float]],
             source: str) -> tuple[float, float]:
    """The shape ``(a, b)`` of the beta fitted to the probability range ``lo`` to ``hi``:
    ``solve(lo, hi)`` (:func:`crossroads.estimate.dists._fit_beta`, SciPy's inverse incomplete
    beta) the first time, then read back bit for bit, so that a later run of the file imports
    no :mod:`scipy.special`. Named like a beta table (folder ``beta``), by ``source`` (the
    file of the module that solves it) and the libraries' versions; kept here so that
    :mod:`crossroads.estimate` itself does no I/O."""
    a, b = cached("fit", (lo, hi, library_versions()), (2,), Path(source),
                  lambda: np.array(solve(lo, hi), dtype=np.float64), dtype=np.float64,
                  folder="beta")
    return float(a), float(b)


def library_versions() -> str:
    """The SciPy and NumPy versions, for the name of a table built with their functions:
    a table read back must hold the bits this process would compute. SciPy's top-level
    package is a few milliseconds to import (its ``special`` module is what costs), and is
    already imported when the file fitted a beta; its installed metadata is slower to read.
    """
    import scipy

    return f"scipy {scipy.__version__}, numpy {np.__version__}"


MAX_FILES = 2_000
"""The most files a cache folder keeps (a beta table is 32 KB, so about 64 MB). Every
distinct probability range or beta shape in a file is a table, so a hostile or generated
file, or the web app fed many of them, could otherwise fill the disk: past this many, a
table is still built and used, just not kept."""


def _full(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return sum(1 for _ in entries) >= MAX_FILES
    except OSError:
        return False  # no folder yet: mkdir below makes it


def _write(folder: Path, path: Path, table: Table) -> None:
    """Write atomically, owner-only; give up quietly if the folder is not writable or full."""
    try:
        if _full(folder):
            return
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
