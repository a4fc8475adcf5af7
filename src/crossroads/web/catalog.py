"""Decision files the server may touch: listing, safe path resolution, atomic saving.

The served folders are the whole world of the web app. A path from a request is resolved
(symlinks included) and must land inside one of them, end in ``.yaml``/``.yml`` and
contain no hidden or ``..`` component; anything else is :class:`OutsideFolders`.
Saving writes a temporary file next to the target and ``os.replace``-s it, so a crash or
a full disk never leaves half a decision file behind.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from crossroads.errors import UsageError

__all__ = ["Catalog", "DecisionFile", "OutsideFolders", "atomic_write"]

SUFFIXES = (".yaml", ".yml")
MAX_FILES = 500


class OutsideFolders(UsageError):
    """A requested path is not a decision file inside the served folders."""


@dataclass(frozen=True)
class DecisionFile:
    """A decision file as the web app names it: folder number + path inside that folder."""

    folder: int
    rel: str
    path: Path

    @property
    def key(self) -> str:
        """``0/why-i-quit-data-science.yaml``: the part of URLs naming this file."""
        return f"{self.folder}/{self.rel}"

    def url(self, prefix: str) -> str:
        """This file's page under ``prefix`` (``d``, ``edit``, ``report``, ``api/whatif``).

        >>> DecisionFile(0, "my plans/a.yaml", Path("a.yaml")).url("d")
        '/d/0/my%20plans/a.yaml'
        """
        return f"/{prefix}/{self.folder}/{quote(self.rel)}"


class Catalog:
    """The served folders, and the only way routes turn request paths into file paths."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = tuple(Path(f).resolve() for f in folders)

    def files(self) -> list[DecisionFile]:
        """Every decision file in the folders (subfolders too, hidden ones skipped).

        The same rule as :meth:`resolve`: a symlink is listed only when it resolves to a
        file inside its folder, so one pointing elsewhere is neither shown nor compiled.
        """
        found: list[DecisionFile] = []
        for index, root in enumerate(self.folders):
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root).as_posix()
                if (path.suffix in SUFFIXES and path.is_file() and not _hidden(rel)
                        and path.resolve().is_relative_to(root)):
                    found.append(DecisionFile(index, rel, path))
                if len(found) >= MAX_FILES:
                    return found
        return found

    def resolve(self, folder: int, rel: str, *, must_exist: bool = True) -> DecisionFile:
        """The file ``rel`` inside folder number ``folder``, or :class:`OutsideFolders`.

        >>> import tempfile; root = Path(tempfile.mkdtemp())
        >>> Catalog((root,)).resolve(0, "../etc/passwd.yaml", must_exist=False)
        Traceback (most recent call last):
        ...
        crossroads.web.catalog.OutsideFolders: '../etc/passwd.yaml' is not a decision file ...
        """
        refuse = OutsideFolders(f"{rel!r} is not a decision file in the served folders")
        if not 0 <= folder < len(self.folders) or not rel or "\x00" in rel or "\\" in rel:
            raise refuse
        pure = PurePosixPath(rel)
        if pure.is_absolute() or _hidden(rel) or pure.suffix not in SUFFIXES:
            raise refuse
        root = self.folders[folder]
        path = (root / pure).resolve()
        if not path.is_relative_to(root):  # also catches symlinks pointing out
            raise refuse
        try:
            _check_place(path, rel, folder, must_exist=must_exist)
        except OSError as exc:  # a name longer than the file system allows, say
            short = rel if len(rel) <= 60 else rel[:57] + "..."
            raise OutsideFolders(f"cannot use {short!r} here: "
                                 f"{(exc.strerror or str(exc)).lower()}") from None
        return DecisionFile(folder, pure.as_posix(), path)


def _check_place(path: Path, rel: str, folder: int, *, must_exist: bool) -> None:
    """An existing decision file, or (``must_exist=False``) a place one can be written.

    A folder named ``x.yaml`` is no place for a file: ``os.replace`` would fail half way.
    """
    if must_exist and not path.is_file():
        raise OutsideFolders(f"no decision file {rel!r} in folder {folder}")
    if not must_exist and not path.parent.is_dir():
        raise OutsideFolders(f"no folder for {rel!r}: create the folder first")
    if path.is_dir():
        raise OutsideFolders(f"{rel!r} is a folder, not a decision file: choose another name")
    if path.exists() and not path.is_file():
        raise OutsideFolders(f"{rel!r} is not a regular file: choose another name")


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in PurePosixPath(rel).parts)


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once: temp file, fsync, ``os.replace``.

    The file keeps its permissions; the temporary file is removed if anything fails.
    """
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    # A shortened name: the longest name the file system allows must still get a temp file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:64]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
