"""Files that are never left half-written, and never trusted: atomic writes, locks, checked reads.

Used by the data-set caches (``dlbook.datasets``), the exercise progress store
(``dlbook.exercises``) and model files (``Sequential.save``). A reader's files are
never deleted: a corrupt one is renamed beside itself with a time stamp, and the
caller warns where it went. The only files removed are this module's own temporary
files that an interrupted write left behind (named ``.NAME.PID.XXXX.tmp``).
:class:`NpzArchive` reads ``.npz`` files that may be damaged or hostile: every
array's header is checked against the bytes the archive really holds before
anything is allocated, and the file is closed on every path.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

__all__ = [
    "NpzArchive",
    "check_declared_sizes",
    "atomic_write",
    "atomic_write_text",
    "locked",
    "set_aside",
    "write_target",
]

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
    import filelock  # only for the few writes that need it

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


# DEFLATE expands at most about 1032:1; a member that claims more is lying.
_MAX_DEFLATE_RATIO = 1032


class NpzArchive:
    """An ``.npz`` file opened for reading, checked before anything large is read.

    ``np.load`` trusts each ``.npy`` header: a 7 KB file that declares a shape of
    ``(10**9, 10**3)`` makes it allocate terabytes before it finds out, and when the
    zip is truncated it leaves the file open. Here, on opening, the header of
    every member is read (a few hundred bytes each) and refused unless

    - its dtype holds no Python objects (no pickles, as ``allow_pickle=False``);
    - its shape times the item size is exactly the bytes the member holds; and
    - the member holds no more than its compressed size can hold (stored: equal;
      deflated: at most 1032 times).

    So reading every array allocates at most what the file can really deliver.
    The file is closed when the ``with`` block ends, and at once when opening
    fails. ``shapes`` maps each array name to its ``(shape, dtype)``.

    Raises
    ------
    ValueError
        On opening: the file is not a zip, a header is damaged, or a member fails
        a check above. The message names the member; callers add the file's name.
    OSError
        The file cannot be opened.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file: IO[bytes] = open(self.path, "rb")  # closed below, or by close()
        try:
            self._zip = zipfile.ZipFile(self._file)
            self.shapes = {
                info.filename[: -len(".npy")]: self._header(info)
                for info in self._zip.infolist()
                if info.filename.endswith(".npy")
            }
            others = [i.filename for i in self._zip.infolist() if not i.filename.endswith(".npy")]
            if others:
                raise ValueError(f"it holds members that are not arrays: {others[:3]}")
        except BaseException:
            self.close()
            raise

    @property
    def files(self) -> list[str]:
        """The array names, in the archive's order."""
        return list(self.shapes)

    def largest_dimension(self, skip: tuple[str, ...] = ("architecture",)) -> int:
        """The largest dimension of any array (from the headers; ``skip``: names left out)."""
        dims = [n for name, (shape, _) in self.shapes.items() if name not in skip for n in shape]
        return max(dims, default=0)

    def _header(self, info: zipfile.ZipInfo) -> tuple[tuple[int, ...], np.dtype]:
        fmt = np.lib.format
        limit = info.compress_size * (
            1 if info.compress_type == zipfile.ZIP_STORED else _MAX_DEFLATE_RATIO
        )
        if info.file_size > limit + 1024:
            raise ValueError(
                f"member {info.filename!r} claims {info.file_size} bytes, more than its "
                f"{info.compress_size} compressed bytes can hold"
            )
        with self._zip.open(info) as fp:
            version = fmt.read_magic(fp)
            if version == (1, 0):
                shape, _, dtype = fmt.read_array_header_1_0(fp)
            elif version == (2, 0):
                shape, _, dtype = fmt.read_array_header_2_0(fp)
            else:
                raise ValueError(f"member {info.filename!r} has .npy format {version}")
            header = fp.tell()
        if dtype.hasobject:
            raise ValueError(
                f"member {info.filename!r} holds Python objects (pickles), which are never loaded"
            )
        promised = math.prod(shape) * dtype.itemsize
        if header + promised != info.file_size:
            raise ValueError(
                f"member {info.filename!r} declares shape {shape} {dtype} "
                f"({promised} bytes) but holds {info.file_size - header}"
            )
        return tuple(int(n) for n in shape), dtype

    def __getitem__(self, name: str) -> np.ndarray:
        """The array ``name`` (read now, with ``allow_pickle=False``)."""
        if name not in self.shapes:
            raise KeyError(f"{name} is not in {self.path.name}")
        with self._zip.open(name + ".npy") as fp:
            return np.lib.format.read_array(fp, allow_pickle=False)

    def __contains__(self, name: object) -> bool:
        return name in self.shapes

    def close(self) -> None:
        """Close the archive and the file (safe to call twice)."""
        zf = getattr(self, "_zip", None)
        if zf is not None:
            zf.close()
        self._file.close()

    def __enter__(self) -> NpzArchive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# A declared integer up to this is allowed even when no array of the file is as large
# (a pooling size, a stride); anything larger must be a dimension of the file's arrays.
_SMALL_SIZE = 64


def check_declared_sizes(config: Any, archive: NpzArchive, where: str) -> None:
    """Refuse a saved model's config whose integers are larger than anything in its file.

    A model allocates its parameters when it is built from its config: a 7 KB file
    declaring ``Dense(10**7, 10**5)`` would cost terabytes before its arrays are
    compared. Every size a layer allocates is a dimension of one of its saved
    arrays, so an integer in the config (searched through lists and dicts) above the
    largest dimension in the archive, and above a small floor for strides and pool
    sizes, means a damaged or hostile file: ``ValueError`` naming ``where`` and the
    value, before anything is built. Used by ``Sequential.load``, ``RBM.load`` and
    ``DBN.load``.
    """
    largest = archive.largest_dimension()
    bound = max(largest, _SMALL_SIZE)

    def walk(value: Any, key: str) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int) and abs(value) > bound:
            raise ValueError(
                f"{where} declares {key or 'a size'} = {value}, larger than any array in the "
                f"file (the largest dimension is {largest}); refused before building it"
            )
        if isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))

    walk(config, "")
