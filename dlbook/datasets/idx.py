"""Full MNIST and Fashion-MNIST: the four official IDX files, found, checked, parsed.

The files are looked for in a system folder (``/usr/share/datasets/mnist``,
``/usr/share/datasets/fashion-mnist``), then in the user's data folder
(``$DLBOOK_DATA/mnist`` or ``~/.cache/dlbook/mnist``). Every file found is checked
against its published SHA-256 before it is read. Nothing is downloaded unless asked:
``datasets.fetch(name)``, ``dlbook data fetch NAME`` or ``load(name, download=True)``
download with ``pooch`` into the user's data folder. The gzipped IDX files are
their own cache: reading all four takes about a second.

Built in chapter 00; the benchmarks and readers who download the data use it.
"""

from __future__ import annotations

import gzip
import math
import struct
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

__all__ = ["IDX_NAMES", "fetch", "load_idx_dataset", "read_idx", "status"]

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
    ValueError
        Naming the file, if the gzip stream is truncated or damaged, the magic
        number or type code is wrong, a size is zero, or the payload is shorter or
        longer than the sizes promise.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (EOFError, OSError, zlib.error) as exc:
        raise ValueError(
            f"{path}: not a complete gzip file ({type(exc).__name__}: {exc}). The file is "
            "truncated or damaged: move it away and fetch it again (dlbook data fetch NAME)."
        ) from exc
    if len(data) < 4:
        raise ValueError(f"{path}: {len(data)} bytes, too short for an IDX header (4 bytes).")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"{path}: wrong IDX magic number 0x{data[:4].hex()}; expected 0x0000TTDD with "
            f"type TT in {{{', '.join(f'{c:02x}' for c in _IDX_DTYPES)}}} and DD >= 1 "
            "dimensions. Is this an IDX file?"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: header promises {ndim} dimensions but the file ends first.")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    if 0 in dims:
        raise ValueError(f"{path}: dimensions {dims} include a zero.")
    dtype = np.dtype(_IDX_DTYPES[code])
    expected = math.prod(dims) * dtype.itemsize
    got = len(data) - header
    if got != expected:
        raise ValueError(
            f"{path}: the payload has {got} bytes but the header promises {expected} "
            f"(shape {dims}, {dtype.name}). The file is truncated or not an IDX file."
        )
    return (
        np.frombuffer(data, dtype=dtype, offset=header)
        .reshape(dims)
        .astype(dtype.newbyteorder("="))
    )


def search_dirs(name: str) -> list[Path]:
    """The folders searched for ``name``'s files, in order: system folder, then user folder."""
    return [SYSTEM_DIRS[name], data_dir() / _SUBDIR[name]]


def _locate(name: str) -> dict[str, tuple[Path | None, bool]]:
    """For each of the four files: the first copy with the right SHA-256, else the first copy.

    Returns ``{file name: (path or None, checksum ok)}``. A damaged copy in the
    system folder therefore does not hide a good one in the user folder.
    """
    dirs = search_dirs(name)
    found: dict[str, tuple[Path | None, bool]] = {}
    for fname, want in SHA256[name].items():
        copies = [d / fname for d in dirs if (d / fname).is_file()]
        good = next((p for p in copies if sha256_of(p) == want), None)
        found[fname] = (good, True) if good else (copies[0] if copies else None, False)
    return found


def _fix(name: str) -> str:
    return (
        f"run `dlbook data fetch {name}` (downloads {_DOWNLOAD_MB[name]} MB and checks "
        f'SHA-256), or in Python datasets.fetch("{name}") or '
        f'datasets.load("{name}", download=True)'
    )


def _verify(name: str, path: Path) -> None:
    """Raise :class:`ChecksumError` (after setting the file aside) if ``path`` is not official."""
    want = SHA256[name][path.name]
    got = sha256_of(path)
    if got == want:
        return
    try:
        where = f"It has been set aside as {set_aside(path, 'bad-checksum')}"
    except OSError as exc:
        where = f"It could not be set aside ({exc}); move or delete it by hand"
    raise ChecksumError(
        f"{name}: {path} has SHA-256 {got}, expected {want}: the file is damaged or not the "
        f"official one. {where}. Fix: {_fix(name)}."
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

    Files already present (system or user folder) with the right SHA-256 are kept.
    A file with a wrong SHA-256 in the user folder is set aside (renamed, not
    deleted) with a warning and downloaded again. Downloads use ``pooch`` (which
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
    """
    folder = data_dir() / _SUBDIR[name]
    paths = []
    for fname, (path, ok) in _locate(name).items():
        if path is not None and ok:
            paths.append(path)
            continue
        if path is not None:
            try:
                _verify(name, path)  # sets the bad copy aside and raises
            except ChecksumError as exc:
                warnings.warn(str(exc), RuntimeWarning, stacklevel=2)
        paths.append(_download(name, fname, folder, progress))
    return paths


def _download(name: str, fname: str, folder: Path, progress: bool) -> Path:
    import pooch  # noqa: PLC0415  (only when downloading)

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
        If a file's SHA-256 is wrong (the file is set aside first).
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
            _verify(name, p)  # sets the bad copy aside and raises ChecksumError
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
