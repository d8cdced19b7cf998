"""Files that are never left half-written: atomic writes, and setting bad files aside.

Used by the data-set caches (``dlbook.datasets``) and the exercise progress store
(``dlbook.exercises``). A reader's files are never deleted: a corrupt one is
renamed beside itself with a time stamp, and the caller warns where it went.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["atomic_write", "atomic_write_text", "set_aside"]


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Write a file so that readers see the old file or the whole new one, never a part.

    ``write(f)`` receives a binary file open in the same folder; the file is then
    flushed, synced and renamed over ``path`` (``os.replace`` is atomic on POSIX and
    Windows). On any error the temporary file is removed and ``path`` is untouched.
    The new file keeps the old one's permissions, or gets the usual ones for a new
    file (0o666 less the umask), not the owner-only mode of a temporary file, so a
    shared data folder stays readable by the others who use it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, mode)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _mode_for(path: Path) -> int:
    """Permission bits for ``path``: those of the file it replaces, else 0o666 & ~umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; put it straight back
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """:func:`atomic_write` for UTF-8 text."""
    return atomic_write(path, lambda f: f.write(text.encode("utf-8")))


def set_aside(path: str | os.PathLike[str], reason: str = "corrupt") -> Path:
    """Rename a bad file to ``NAME.REASON-YYYYmmdd-HHMMSS`` beside it and return the new path.

    Nothing is deleted: the reader (or a maintainer) can still look at what was there.
    """
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{reason}-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{reason}-{stamp}-{n}")
        n += 1
    os.replace(path, target)
    return target
