"""What every loader shares: the containers, the errors, where data lives, the split, the cache.

Built in chapter 00 (the data the book uses); see :mod:`dlbook.datasets`.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from .._io import NpzArchive, atomic_write, set_aside

__all__ = [
    "ChecksumError",
    "Dataset",
    "DatasetInfo",
    "DatasetNotFoundError",
    "DatasetStatus",
    "DownloadError",
    "data_dir",
    "seeded_permutation",
    "sha256_of",
    "stratified_split",
]


class DatasetNotFoundError(FileNotFoundError):
    """A data set's source is not on this machine; the message says how to get it."""


class ChecksumError(ValueError):
    """A data file's SHA-256 is not the published one; the file has been set aside."""


class DownloadError(OSError):
    """No mirror could deliver a file with the expected SHA-256."""


@dataclass(frozen=True)
class DatasetInfo:
    """Where a data set comes from and what it holds.

    Attributes
    ----------
    name : str
        The name ``datasets.load`` takes.
    title : str
        A one-line description.
    description : str
        What the samples are and how dlbook prepares them.
    source : str
        Where the data comes from (URL or package file).
    citation : str
        Whom to cite, with year.
    licence : str
        The licence of the data.
    size : str
        How many samples, and the size of the files on disk.
    shapes : str
        Shapes, dtypes and value ranges of the arrays ``load`` returns.
    """

    name: str
    title: str
    description: str
    source: str
    citation: str
    licence: str
    size: str
    shapes: str

    def __str__(self) -> str:
        rows = [
            ("source", self.source),
            ("cite", self.citation),
            ("licence", self.licence),
            ("size", self.size),
            ("arrays", self.shapes),
        ]
        body = "\n".join(f"  {k:<8} {v}" for k, v in rows)
        return f"{self.name}: {self.title}\n  {self.description}\n{body}"


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set split into training and test parts (NumPy arrays on the host).

    Attributes
    ----------
    x_train, x_test : ndarray
        Images as float32 in [0, 1], shaped ``(N, H, W)`` or ``(N, C, H, W)``;
        feature vectors as float32 ``(N, D)``.
    y_train, y_test : ndarray of shape (N,), int64
        Class labels, ``0 .. len(classes) - 1``.
    classes : list of str
        The name of each label.
    info : DatasetInfo
        Source, citation, licence, size.

    Move the arrays to the chosen device with ``dlbook.backend.asarray``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: list[str]
    info: DatasetInfo

    def __repr__(self) -> str:
        def shape(a: np.ndarray) -> str:
            return f"{a.shape} {a.dtype}"

        return (
            f"Dataset({self.info.name!r}: x_train {shape(self.x_train)}, "
            f"y_train {shape(self.y_train)}, x_test {shape(self.x_test)}, "
            f"y_test {shape(self.y_test)}, {len(self.classes)} classes)"
        )


@dataclass(frozen=True)
class DatasetStatus:
    """Whether a data set can be loaded here (for ``dlbook doctor`` and ``dlbook data list``).

    ``where`` is the file or folder it is read from (or the folders searched);
    ``fix`` says what to run or install when ``present`` is False (empty otherwise).
    """

    name: str
    present: bool
    where: str
    fix: str


def data_dir() -> Path:
    """The user's data folder: ``$DLBOOK_DATA``, else the platform's cache folder for dlbook.

    Downloads (full MNIST, Fashion-MNIST) and ``.npz`` caches go here. On Linux the
    default is ``~/.cache/dlbook``.
    """
    env = os.environ.get("DLBOOK_DATA", "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs  # only when needed

    return Path(platformdirs.user_cache_dir("dlbook"))


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, as 64 hexadecimal digits (read in 1 MiB chunks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _mix64(x: np.ndarray) -> np.ndarray:
    """One SplitMix64 step (add the golden-ratio increment, then mix): a bijection of uint64.

    G. L. Steele, D. Lea, C. H. Flood (2014), Fast splittable pseudorandom number
    generators, OOPSLA; constants from S. Vigna's ``splitmix64.c``. Products wrap
    modulo 2**64, as intended.
    """
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def seeded_permutation(n: int, seed: int, stream: int = 0) -> np.ndarray:
    """A permutation of ``0 .. n-1`` fixed by ``(seed, stream)``, the same on every machine.

    Data splits are index arithmetic on the host and must not depend on the device
    in use (``backend.default_rng`` draws on the GPU under CuPy), so they sort the
    indices by a hash instead of drawing from a generator: the keys are SplitMix64
    of ``index XOR mix(4 * seed + stream)``, distinct because the mix is a bijection.
    ``stream`` (0..3) gives independent permutations for the same seed.

    Returns
    -------
    ndarray of shape (n,), int64
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**62:
        raise ValueError(f"seed must be an int in [0, 2**62); got {seed!r}.")
    salt = _mix64(np.array([4 * int(seed) + stream], dtype=np.uint64))
    keys = _mix64(np.arange(n, dtype=np.uint64) ^ salt)
    return np.argsort(keys, kind="stable").astype(np.int64)


def stratified_split(
    y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a shuffled, class-stratified train/test split, fixed by ``seed``.

    Each class gives ``test_fraction`` of its samples to the test part (rounded so
    that the test part has ``round(N * test_fraction)`` samples in all, the extra
    samples going to the classes with the largest remainders).

    Parameters
    ----------
    y : ndarray of shape (N,), integer
        Labels.
    test_fraction : float in (0, 1)
    seed : int

    Returns
    -------
    train, test : ndarray of int64
        Disjoint indices into ``y`` that together cover it, each in random order.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"stratified_split: test_fraction must be in (0, 1); got {test_fraction}.")
    y = np.asarray(y)
    _, counts = np.unique(y, return_counts=True)
    exact = counts * test_fraction
    n_test = np.floor(exact).astype(np.int64)
    short = round(len(y) * test_fraction) - int(n_test.sum())
    n_test[np.argsort(-(exact - n_test), kind="stable")[:short]] += 1
    # Shuffle, then a stable sort by label groups each class with its members in random order.
    perm = seeded_permutation(len(y), seed, 0)
    by_class = perm[np.argsort(y[perm], kind="stable")]
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    rank_in_class = np.arange(len(y)) - starts
    is_test = rank_in_class < np.repeat(n_test, counts)
    train, test = by_class[~is_test], by_class[is_test]
    train = train[seeded_permutation(len(train), seed, 1)]  # no longer grouped by class
    test = test[seeded_permutation(len(test), seed, 2)]
    return train, test


# --- .npz caches ---------------------------------------------------------------------------

Spec = Mapping[str, tuple[tuple[int | None, ...], str]]  # key -> (shape, None = any; dtype)


def read_cache(path: Path, spec: Spec) -> dict[str, np.ndarray] | None:
    """Read an ``.npz`` cache if it exists and matches ``spec``; ``None`` if it must be (re)built.

    A cache that cannot be read, or has other keys, shapes or dtypes than ``spec``
    says, is never trusted: it is set aside beside itself (renamed, not deleted)
    with a ``RuntimeWarning`` and ``None`` is returned so that the caller rebuilds it.
    Loaded with ``allow_pickle=False``.
    """
    if not path.exists():
        return None
    try:
        with NpzArchive(path) as z:  # headers checked first; closed on every path
            arrays = {k: z[k] for k in z.files}
        problem = _mismatch(arrays, spec)
    except Exception as exc:  # BadZipFile, EOFError, ValueError, OSError...: all mean corrupt
        problem = f"unreadable ({type(exc).__name__}: {exc})"
    if problem is None:
        return arrays
    try:
        moved: Any = set_aside(path, "corrupt")
        where = f"set aside as {moved}"
    except OSError as exc:
        where = f"could not be set aside ({exc}); it will be overwritten"
    warnings.warn(
        f"dlbook.datasets: the cache {path} is corrupt ({problem}); {where}. "
        "Rebuilding it from the source.",
        RuntimeWarning,
        stacklevel=3,
    )
    return None


def _mismatch(arrays: dict[str, np.ndarray], spec: Spec) -> str | None:
    if set(arrays) != set(spec):
        return f"keys {sorted(arrays)}, expected {sorted(spec)}"
    for key, (shape, dtype) in spec.items():
        a = arrays[key]
        ok = a.ndim == len(shape) and all(
            s is None or s == n for s, n in zip(shape, a.shape, strict=True)
        )
        if not ok or a.dtype != np.dtype(dtype):
            return f"{key!r} is {a.shape} {a.dtype}, expected {shape} {dtype}"
    return None


def write_cache(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write an ``.npz`` cache atomically; a folder that cannot be written only warns."""
    try:
        atomic_write(path, lambda f: np.savez(f, **cast(dict[str, Any], arrays)))
    except OSError as exc:
        warnings.warn(
            f"dlbook.datasets: could not write the cache {path} ({exc}); the data is loaded "
            "without it. Set DLBOOK_DATA to a writable folder to cache it.",
            RuntimeWarning,
            stacklevel=3,
        )
