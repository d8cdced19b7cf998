"""Full MNIST and Fashion-MNIST: the four official IDX files, found, checked, parsed.

The files are looked for in a system folder (``/usr/share/datasets/mnist``,
``/usr/share/datasets/fashion-mnist``, where Debian's package
``dataset-fashion-mnist`` puts them), then in the user's data folder
(``$DLBOOK_DATA/mnist`` or ``~/.cache/dlbook/mnist``). Every file found is checked
before it is read, by content, not by packaging: a file is official when its
SHA-256 is the published one of the ``.gz``, or when the SHA-256 of its
decompressed IDX bytes is the recorded one (``CONTENT_SHA256``; Debian re-gzips the
files without their names, so their ``.gz`` hashes differ while the data is the
same). Files outside the user's data folder are only ever read: never renamed,
deleted or written. Nothing is downloaded unless asked: ``datasets.fetch(name)``,
``dlbook data fetch NAME`` or ``load(name, download=True)`` download with ``pooch``
into the user's data folder. The gzipped IDX files are their own cache: reading all
four takes about a second.

Built in chapter 00; the benchmarks and readers who download the data use it.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import tempfile
import warnings
import zlib
from pathlib import Path

import numpy as np

from .._io import set_aside
from ._base import (
    ChecksumError,
    Dataset,
    DatasetInfo,
    DatasetNotFoundError,
    DatasetStatus,
    DownloadError,
    data_dir,
    sha256_of,
)

__all__ = [
    "CONTENT_SHA256",
    "IDX_NAMES",
    "fetch",
    "is_official",
    "load_idx_dataset",
    "read_idx",
    "read_idx_bytes",
    "status",
]

IDX_NAMES = ("mnist", "fashion_mnist")
FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

# SHA-256 of the official files (also in datasets/README.md, with MD5s for a check by
# hand). Taken from torchvision, torchvision/prototype/datasets/_builtin/mnist.py
# (MNIST._CHECKSUMS, FashionMNIST._CHECKSUMS); many other projects pin the same
# values. Not recomputed here (no download at build time). Tests swap in their own.
SHA256: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
        ),
        "train-labels-idx1-ubyte.gz": (
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
        ),
    },
    "fashion_mnist": {
        "train-images-idx3-ubyte.gz": (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
        ),
        "train-labels-idx1-ubyte.gz": (
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
        ),
    },
}

# SHA-256 of the decompressed IDX bytes, which do not depend on how a file was gzipped.
# Fashion-MNIST: computed from Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1
# (re-gzipped official files); the MD5s of the same decompressed bytes (8181f547...,
# 15d48437..., f4a8712d..., 9018921c...) are the ones other loaders pin for the official
# release, so the content is the published one. MNIST: none recorded yet (no package
# to compute them from here); only the official .gz files are accepted.
CONTENT_SHA256: dict[str, dict[str, str]] = {
    "mnist": {},
    "fashion_mnist": {
        "train-images-idx3-ubyte.gz": (
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
        ),
        "train-labels-idx1-ubyte.gz": (
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
        ),
    },
}

# Mirrors, tried in order (yann.lecun.com no longer serves the files reliably).
MIRRORS: dict[str, tuple[str, ...]] = {
    "mnist": (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",  # torchvision's mirror
        "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's mirror
    ),
    "fashion_mnist": (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # Keras' mirror
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # Zalando's own
    ),
}

SYSTEM_DIRS: dict[str, Path] = {
    "mnist": Path("/usr/share/datasets/mnist"),
    "fashion_mnist": Path("/usr/share/datasets/fashion-mnist"),
}
_SUBDIR = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}
_DOWNLOAD_MB = {"mnist": 11.6, "fashion_mnist": 30.9}

INFO = {
    "mnist": DatasetInfo(
        name="mnist",
        title="70,000 handwritten digits, 28×28 pixels (MNIST)",
        description=(
            "Digits written by US Census Bureau employees and high-school students, "
            "size-normalised and centred; the published 60,000 / 10,000 split."
        ),
        source="https://yann.lecun.com/exdb/mnist/ (mirrors: " + ", ".join(MIRRORS["mnist"]) + ")",
        citation=(
            "Y. LeCun, C. Cortes, C. J. C. Burges (1998), The MNIST database of handwritten "
            "digits; Y. LeCun et al. (1998), Proc. IEEE 86(11), 2278-2324"
        ),
        licence="CC BY-SA 3.0 (copyright Y. LeCun and C. Cortes)",
        size="60,000 train / 10,000 test; 4 gzipped IDX files, 11.6 MB",
        shapes="x: (N, 28, 28) float32 in [0, 1]; y: (N,) int64 in 0..9",
    ),
    "fashion_mnist": DatasetInfo(
        name="fashion_mnist",
        title="70,000 Zalando article images, 28×28 pixels, 10 kinds of clothing",
        description=(
            "A drop-in replacement for MNIST that is harder to classify; "
            "the published 60,000 / 10,000 split."
        ),
        source="https://github.com/zalandoresearch/fashion-mnist (mirrors: "
        + ", ".join(MIRRORS["fashion_mnist"])
        + ")",
        citation=(
            "H. Xiao, K. Rasul, R. Vollgraf (2017), Fashion-MNIST: a Novel Image Dataset for "
            "Benchmarking Machine Learning Algorithms, arXiv:1708.07747"
        ),
        licence="MIT (copyright Zalando SE)",
        size="60,000 train / 10,000 test; 4 gzipped IDX files, 30.9 MB",
        shapes="x: (N, 28, 28) float32 in [0, 1]; y: (N,) int64 in 0..9",
    ),
}
CLASSES = {
    "mnist": [str(d) for d in range(10)],
    "fashion_mnist": [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
}

# IDX type codes (third byte of the magic number) -> big-endian dtypes.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


# DEFLATE cannot expand data more than about 1032:1, so a header that promises more
# than this many bytes per compressed byte is a lie (or a bomb), refused before reading.
_MAX_RATIO = 1032


def read_idx_bytes(path: str | Path) -> tuple[bytes, int, tuple[int, ...]]:
    """The decompressed bytes of one gzipped IDX file, checked against its own header.

    Reads the header first, then exactly the promised number of bytes plus one: a
    stream that decompresses to more than its header promises is refused without
    being decompressed further, and so is a header that promises more than the
    compressed file could hold.

    Returns
    -------
    data : bytes
        Header and payload.
    code : int
        The IDX type code (``0x08`` for unsigned bytes).
    dims : tuple of int
        The sizes in the header.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist (the message names it).
    ValueError
        Naming the file, for a truncated or damaged gzip stream, a wrong magic
        number or type code, a zero size, or a payload shorter or longer than promised.
    """
    path = Path(path)
    try:
        compressed = path.stat().st_size
        with gzip.open(path, "rb") as f:
            head = _read_exactly(f, 4)
            if len(head) < 4:
                raise ValueError(
                    f"{path}: {len(head)} bytes, too short for an IDX header (4 bytes)."
                )
            zero, code, ndim = struct.unpack(">HBB", head)
            if zero != 0 or code not in _IDX_DTYPES or ndim == 0:
                raise ValueError(
                    f"{path}: wrong IDX magic number 0x{head.hex()}; expected 0x0000TTDD "
                    f"with type TT in {{{', '.join(f'{c:02x}' for c in _IDX_DTYPES)}}} and "
                    "DD >= 1 dimensions. Is this an IDX file?"
                )
            sizes = _read_exactly(f, 4 * ndim)
            if len(sizes) < 4 * ndim:
                raise ValueError(
                    f"{path}: header promises {ndim} dimensions but the file ends first."
                )
            dims = struct.unpack(f">{ndim}I", sizes)
            if 0 in dims:
                raise ValueError(f"{path}: dimensions {dims} include a zero.")
            expected = math.prod(dims) * np.dtype(_IDX_DTYPES[code]).itemsize
            if expected > _MAX_RATIO * compressed + 4096:
                raise ValueError(
                    f"{path}: the header promises {expected} bytes (shape {dims}), more than "
                    f"a gzip file of {compressed} bytes can hold. The file is damaged or "
                    "hostile: move it away and fetch it again (dlbook data fetch NAME)."
                )
            payload = _read_exactly(f, expected + 1)  # one more byte: is there too much?
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: no such file. Check the path, or let datasets.load(name) find the "
            "files (dlbook data list shows where it looks)."
        ) from None
    except (EOFError, OSError, zlib.error) as exc:
        raise ValueError(
            f"{path}: not a complete gzip file ({type(exc).__name__}: {exc}). The file is "
            "truncated or damaged: move it away and fetch it again (dlbook data fetch NAME)."
        ) from exc
    if len(payload) != expected:
        got = f"{len(payload)}" if len(payload) < expected else f"more than {expected}"
        raise ValueError(
            f"{path}: the payload has {got} bytes but the header promises {expected} "
            f"(shape {dims}, {np.dtype(_IDX_DTYPES[code]).name}). The file is truncated, "
            "padded or not an IDX file: move it away and fetch it again (dlbook data fetch NAME)."
        )
    return head + sizes + payload, code, dims


def _read_exactly(f: gzip.GzipFile, n: int) -> bytes:
    """Up to ``n`` bytes from ``f`` (fewer only at the end), in chunks of at most 16 MiB."""
    parts, left = [], n
    while left > 0:
        chunk = f.read(min(left, 1 << 24))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def read_idx(path: str | Path) -> np.ndarray:
    """Read one gzipped IDX file (the format of MNIST) into a NumPy array.

    The header is a magic number ``00 00 TT DD`` (``TT`` the element type, ``DD``
    the number of dimensions), then ``DD`` big-endian 32-bit sizes, then the
    elements, big-endian, in C order.

    Returns
    -------
    ndarray
        Of the shape in the header, in native byte order (uint8 for MNIST).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        Naming the file, if the gzip stream is truncated or damaged, the magic
        number or type code is wrong, a size is zero, or the payload is shorter or
        longer than the sizes promise (see :func:`read_idx_bytes`).
    """
    data, code, dims = read_idx_bytes(path)
    dtype = np.dtype(_IDX_DTYPES[code])
    return (
        np.frombuffer(data, dtype=dtype, offset=4 + 4 * len(dims))
        .reshape(dims)
        .astype(dtype.newbyteorder("="))
    )


def search_dirs(name: str) -> list[Path]:
    """The folders searched for ``name``'s files, in order: system folder, then user folder."""
    return [SYSTEM_DIRS[name], data_dir() / _SUBDIR[name]]


def is_official(name: str, path: Path) -> bool:
    """Whether ``path`` holds the official content of one of ``name``'s four files.

    True when the ``.gz`` has the published SHA-256, or when its decompressed IDX
    bytes have the recorded one (:data:`CONTENT_SHA256`), whoever gzipped them. A
    file that cannot be read or decompressed is not official. Only reads.
    """
    if sha256_of(path) == SHA256[name][path.name]:
        return True
    want = CONTENT_SHA256[name].get(path.name)
    if want is None:
        return False
    try:
        data, _, _ = read_idx_bytes(path)
    except (OSError, ValueError):
        return False
    return hashlib.sha256(data).hexdigest() == want


def _locate(name: str) -> dict[str, tuple[Path | None, bool]]:
    """For each of the four files: the first official copy, else the first copy.

    Returns ``{file name: (path or None, official)}``. A damaged copy in the
    system folder therefore does not hide a good one in the user folder.
    """
    dirs = search_dirs(name)
    found: dict[str, tuple[Path | None, bool]] = {}
    for fname in SHA256[name]:
        copies = [d / fname for d in dirs if (d / fname).is_file()]
        good = next((p for p in copies if is_official(name, p)), None)
        found[fname] = (good, True) if good else (copies[0] if copies else None, False)
    return found


def _fix(name: str) -> str:
    return (
        f"run `dlbook data fetch {name}` (downloads {_DOWNLOAD_MB[name]} MB and checks "
        f'SHA-256), or in Python datasets.fetch("{name}") or '
        f'datasets.load("{name}", download=True)'
    )


def _in_user_folder(path: Path) -> bool:
    """Whether ``path`` lies in the user's data folder (the only place dlbook changes)."""
    try:
        return path.resolve().is_relative_to(data_dir().resolve())
    except OSError:
        return False


def _verify(name: str, path: Path) -> None:
    """Raise :class:`ChecksumError` if ``path`` is not official.

    A bad file in the user's data folder is set aside (renamed beside itself) first;
    a bad file anywhere else (a system folder) is left exactly as it is.
    """
    if is_official(name, path):
        return
    want = SHA256[name][path.name]
    got = sha256_of(path)
    if not _in_user_folder(path):
        where = (
            f"It is outside your data folder {data_dir()}, so dlbook leaves it as it is "
            "(reinstall the package that put it there, or ignore it)"
        )
    else:
        try:
            where = f"It has been set aside as {set_aside(path, 'bad-checksum')}"
        except OSError as exc:
            where = f"It could not be set aside ({exc}); move or delete it by hand"
    raise ChecksumError(
        f"{name}: {path} has SHA-256 {got}, expected {want} (or decompressed content with "
        f"the SHA-256 in datasets/README.md): the file is damaged or not the official one. "
        f"{where}. Fix: {_fix(name)}."
    )


def _missing_error(name: str, missing: list[str]) -> DatasetNotFoundError:
    dirs = search_dirs(name)
    return DatasetNotFoundError(
        f"{name}: {'all 4' if len(missing) == 4 else f'{len(missing)} of the 4'} IDX files "
        f"are missing ({', '.join(missing)}). "
        f"Searched: {', '.join(str(d) for d in dirs)}. Fix: {_fix(name)}; "
        f"or copy the official files into {dirs[-1]} (SHA-256 in datasets/README.md)."
    )


def fetch(name: str, *, progress: bool = True) -> list[Path]:
    """Make sure the four official files of ``name`` are here; download those that are not.

    Files already present (system or user folder) with official content are kept
    (:func:`is_official`). A file that is not official is downloaded again into the
    user folder, with a warning; if it was in the user folder it is set aside
    first (renamed, not deleted); anywhere else it is left as it is. Downloads use ``pooch`` (which
    checks the SHA-256 before the file appears) into ``data_dir()/mnist`` or
    ``data_dir()/fashion-mnist``, trying each mirror in turn.

    Returns
    -------
    list of Path
        The four files, in the order train images, train labels, test images, test labels.

    Raises
    ------
    DownloadError
        If no mirror delivered a file (the message lists each mirror's error).
    PermissionError
        If a file must be downloaded and the user's data folder cannot be written
        (the message names the folder and says to set ``DLBOOK_DATA``).
    """
    folder = data_dir() / _SUBDIR[name]
    paths = []
    located = _locate(name)
    if not all(ok for _, ok in located.values()):
        _check_writable(folder)
    for fname, (path, ok) in located.items():
        if path is not None and ok:
            paths.append(path)
            continue
        if path is not None:
            try:
                _verify(name, path)  # sets a bad copy in the user folder aside and raises
            except ChecksumError as exc:
                warnings.warn(str(exc), RuntimeWarning, stacklevel=2)
        paths.append(_download(name, fname, folder, progress))
    return paths


def _check_writable(folder: Path) -> None:
    """Raise ``PermissionError`` naming ``folder`` and the fix, unless a file can be made there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        env = "DLBOOK_DATA" if os.environ.get("DLBOOK_DATA", "").strip() else "the default"
        raise PermissionError(
            f"The data folder {folder} (from {env}) cannot be written ({exc.strerror or exc}). "
            "Set DLBOOK_DATA to a folder you can write, e.g. export DLBOOK_DATA=~/dlbook-data."
        ) from None


def _download(name: str, fname: str, folder: Path, progress: bool) -> Path:
    import pooch  # only when downloading

    errors = []
    for base in MIRRORS[name]:
        try:
            got = pooch.retrieve(
                base + fname,
                known_hash=f"sha256:{SHA256[name][fname]}",
                fname=fname,
                path=folder,
                progressbar=progress,
            )
            return Path(got)
        except Exception as exc:  # network errors, HTTP errors, checksum mismatch
            errors.append(f"{base}{fname}: {type(exc).__name__}: {exc}")
    raise DownloadError(
        f"{name}: could not download {fname} from any mirror:\n  "
        + "\n  ".join(errors)
        + f"\nCheck the network, or copy the official file into {folder} "
        "(SHA-256 in datasets/README.md)."
    )


def load_idx_dataset(name: str, *, download: bool = False) -> Dataset:
    """Full MNIST or Fashion-MNIST from the four official IDX files, as published.

    ``name`` is ``"mnist"`` (Y. LeCun, C. Cortes, C. J. C. Burges, 1998; CC BY-SA
    3.0; 11.6 MB) or ``"fashion_mnist"`` (H. Xiao, K. Rasul, R. Vollgraf, 2017; MIT;
    30.9 MB). The split is the published one, 60,000 train / 10,000 test, in the
    published order.

    Returns
    -------
    Dataset
        ``x`` of shape (N, 28, 28), float32 in [0, 1]; ``y`` of shape (N,), int64.

    Raises
    ------
    DatasetNotFoundError
        If a file is missing and ``download`` is False; the message gives the
        command that fetches it and the folders searched.
    ChecksumError
        If a file is not official (set aside first when it is in the user's data
        folder; left alone anywhere else).
    ValueError
        If a file's content is not a valid IDX file (named in the message).
    """
    if download:
        fetch(name)
    found = _locate(name)
    missing = [f for f, (p, _) in found.items() if p is None]
    if missing:
        raise _missing_error(name, missing)
    paths = [p for p, _ in found.values() if p is not None]
    for p, ok in found.values():
        if p is not None and not ok:
            _verify(name, p)  # raises ChecksumError (a bad copy of the user's is set aside)
    xs, ys = [], []
    for images_path, labels_path in (paths[0:2], paths[2:4]):
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.dtype != np.uint8 or images.ndim != 3:
            raise ValueError(
                f"{images_path}: {images.dtype} {images.shape}, expected uint8 (N, H, W)."
            )
        if labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
            raise ValueError(
                f"{labels_path}: {labels.dtype} {labels.shape}, expected uint8 "
                f"({images.shape[0]},) to match {images_path.name}."
            )
        if labels.max() >= len(CLASSES[name]):
            raise ValueError(f"{labels_path}: label {labels.max()} is out of range 0..9.")
        xs.append(np.divide(images, np.float32(255), dtype=np.float32))
        ys.append(labels.astype(np.int64))
    return Dataset(xs[0], ys[0], xs[1], ys[1], list(CLASSES[name]), INFO[name])


def status() -> list[DatasetStatus]:
    """Whether the four files of mnist and fashion_mnist are here, with the right SHA-256."""
    out = []
    for name in IDX_NAMES:
        found = _locate(name)
        missing = [f for f, (p, _) in found.items() if p is None]
        bad = [str(p) for p, ok in found.values() if p is not None and not ok]
        folders = sorted({str(p.parent) for p, _ in found.values() if p is not None})
        if missing:
            where = "searched " + ", ".join(str(d) for d in search_dirs(name))
            out.append(DatasetStatus(name, False, where, _fix(name)))
        elif bad:
            fix = f"wrong SHA-256 in {', '.join(bad)}: {_fix(name)}"
            out.append(DatasetStatus(name, False, ", ".join(folders), fix))
        else:
            out.append(DatasetStatus(name, True, ", ".join(folders), ""))
    return out
