"""Files that are never left half-written: atomic writes, locks, and setting bad files aside.

Used by the data-set caches (``dlbook.datasets``), the exercise progress store
(``dlbook.exercises``) and model files (``Sequential.save``). A reader's files are
never deleted: a corrupt one is renamed beside itself with a time stamp, and the
caller warns where it went. The only files removed are this module's own temporary
files that an interrupted write left behind (named ``.NAME.PID.XXXX.tmp``).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_write", "atomic_write_text", "locked", "set_aside", "write_target"]

# A temporary file older than this whose writer cannot be asked (not POSIX) is stale.
_STALE_SECONDS = 24 * 3600


def write_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` must replace: a symbolic link's final target.

    Replacing the link itself would turn it into a plain file and leave the file it
    points to (in a synced folder, say) out of date; editors and SQLite write
    through the link for the same reason. ``~`` is expanded.
    """
    return Path(os.path.realpath(Path(path).expanduser()))


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (POSIX); True where it cannot be told."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def clean_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporary files left beside ``path`` by writes that were interrupted.

    Only files named as :func:`atomic_write` names them for this ``path``
    (``.NAME.PID.XXXX.tmp``) are considered, and only when their writer is gone: on
    POSIX the process ``PID`` no longer runs (the machine's own processes only; a
    folder shared over the network may hold another machine's), elsewhere the file is
    older than a day. Returns the files removed; errors are ignored (a later write
    tries again).
    """
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)\.[A-Za-z0-9_]+\.tmp")
    removed: list[Path] = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    for p in candidates:
        m = pattern.fullmatch(p.name)
        if m is None or int(m.group(1)) == os.getpid():
            continue
        try:
            stale = (
                not _pid_alive(int(m.group(1)))
                if os.name == "posix"
                else now - p.stat().st_mtime > _STALE_SECONDS
            )
            if stale and p.is_file() and not p.is_symlink():
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Write a file so that readers see the old file or the whole new one, never a part.

    ``write(f)`` receives a binary file open in the same folder; the file is then
    flushed, synced and renamed over ``path`` (``os.replace`` is atomic on POSIX and
    Windows). On any error the temporary file is removed and ``path`` is untouched.
    The new file keeps the old one's permissions, or gets the usual ones for a new
    file (0o666 less the umask), not the owner-only mode of a temporary file, so a
    shared data folder stays readable by the others who use it. A symbolic link is
    written through (its target is replaced; the link stays a link), and temporary
    files that an earlier, interrupted write to the same ``path`` left behind (a
    killed kernel) are removed first (:func:`clean_stale_temporaries`).

    Returns
    -------
    Path
        The file written: ``path``, or the target of the link ``path`` is.
    """
    path = write_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
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


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` (a file beside it, ``NAME.lock``) across processes.

    A read → change → write of a small file (the progress store) inside this block
    is one critical section for every process on the machine that uses the same
    path, so that two kernels never lose each other's changes. The lock is
    ``filelock``'s (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows): the
    operating system releases it when a process dies, so a killed kernel never
    leaves the store locked. The lock file itself is left in place (removing it
    would race with a waiting process). Symbolic links are followed first, so that
    two links to one file share one lock.

    Raises
    ------
    TimeoutError
        The lock was not had within ``timeout`` seconds (another process holds it).
    OSError
        The lock file cannot be created (a read-only folder).
    """
    import filelock  # noqa: PLC0415  (only for the few writes that need it)

    target = write_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(target.with_name(target.name + ".lock")), timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        raise TimeoutError(
            f"{target} is locked by another process (waited {timeout:g} s). Close the "
            "other notebook or kernel that writes it, then try again."
        ) from exc
    try:
        yield target
    finally:
        lock.release()


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
