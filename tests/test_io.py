"""Atomic writes never leave a half-written file; bad files are set aside, not deleted."""

from __future__ import annotations

import os

import pytest

from dlbook._io import atomic_write, atomic_write_text, set_aside


def test_atomic_write_replaces_whole_file(tmp_path):
    p = tmp_path / "sub" / "f.txt"
    atomic_write_text(p, "one")
    atomic_write_text(p, "two")
    assert p.read_text() == "two"
    assert [q.name for q in p.parent.iterdir()] == ["f.txt"]  # no temporary left behind


def test_failed_write_keeps_old_file(tmp_path):
    p = tmp_path / "f.txt"
    atomic_write_text(p, "old")

    def boom(f):
        f.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(p, boom)
    assert p.read_text() == "old"
    assert [q.name for q in tmp_path.iterdir()] == ["f.txt"]


def test_set_aside_keeps_the_bytes(tmp_path):
    p = tmp_path / "progress.json"
    p.write_text("{not json")
    first = set_aside(p)
    p.write_text("{again")
    second = set_aside(p)
    assert not p.exists()
    assert first != second
    assert first.read_text() == "{not json" and second.read_text() == "{again"
    assert first.name.startswith("progress.json.corrupt-")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_files_get_the_usual_mode_and_replacements_keep_theirs(tmp_path):
    old = os.umask(0o022)
    try:
        new = atomic_write_text(tmp_path / "cache.npz", "x")
        assert new.stat().st_mode & 0o777 == 0o644  # not 0o600 from mkstemp
        new.chmod(0o640)
        atomic_write_text(new, "y")
        assert new.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="the writer's pid is asked on POSIX")
def test_temporaries_of_an_interrupted_write_are_removed_next_time(tmp_path):
    """A write killed before its rename leaves ``.NAME.PID.XXXX.tmp``; the next write removes it."""
    import subprocess
    import sys

    target = tmp_path / "model.npz"
    code = (
        "import os, sys\n"
        "from dlbook._io import atomic_write\n"
        "def write(f):\n"
        "    f.write(b'half')\n"
        "    f.flush()\n"
        "    os._exit(9)  # killed mid-write: no cleanup runs\n"
        "atomic_write(sys.argv[1], write)\n"
    )
    assert subprocess.run([sys.executable, "-c", code, str(target)]).returncode == 9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".model.npz.") and left[0].endswith(".tmp")
    mine = tmp_path / "mine.txt"  # a reader's file that merely looks alike stays
    (tmp_path / ".model.npz.notes.tmp").write_text("keep")
    mine.write_text("keep")
    atomic_write_text(target, "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".model.npz.notes.tmp",
        "mine.txt",
        "model.npz",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix", reason="POSIX symlinks")
def test_a_link_is_written_through(tmp_path):
    (tmp_path / "real").mkdir()
    link = tmp_path / "f.txt"
    link.symlink_to(tmp_path / "real" / "f.txt")
    assert atomic_write_text(link, "one") == tmp_path / "real" / "f.txt"
    atomic_write_text(link, "two")
    assert link.is_symlink() and link.read_text() == "two"


# --- .npz files that may be damaged or hostile ------------------------------------------------


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _forged_npz(path, shape, data: bytes, dtype="<f4") -> None:
    """An .npz whose member's header declares ``shape`` but holds ``data`` (stored, not deflated)."""
    import io
    import zipfile

    import numpy as np

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": dtype, "fortran_order": False, "shape": shape}
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("W.npy", buf.getvalue() + data)


def test_npz_archive_reads_what_np_savez_writes(tmp_path):
    import numpy as np

    from dlbook._io import NpzArchive

    a, b = np.arange(6, dtype=np.float32).reshape(2, 3), np.array("text")
    np.savez_compressed(tmp_path / "ok.npz", a=a, b=b)
    with NpzArchive(tmp_path / "ok.npz") as z:
        assert z.files == ["a", "b"] and z.shapes["a"] == ((2, 3), np.dtype("<f4"))
        np.testing.assert_array_equal(z["a"], a)
        assert str(z["b"][()]) == "text"


def test_npz_header_declaring_a_huge_shape_is_refused_before_allocating(tmp_path):
    from dlbook._io import NpzArchive

    path = tmp_path / "hostile.npz"
    _forged_npz(path, (10**9, 10**3), b"\0" * 4096)  # 4 TB declared, 4 KB held
    assert path.stat().st_size < 10_000
    with pytest.raises(ValueError, match=r"'W\.npy' declares shape \(1000000000, 1000\)"):
        NpzArchive(path)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
@pytest.mark.parametrize("damage", ["truncated", "not-a-zip", "pickle"])
def test_npz_archive_closes_the_file_on_every_error(tmp_path, damage):
    import numpy as np

    from dlbook._io import NpzArchive

    path = tmp_path / "bad.npz"
    if damage == "truncated":
        np.savez(path, a=np.zeros(1000))
        path.write_bytes(path.read_bytes()[:300])
    elif damage == "not-a-zip":
        path.write_bytes(b"hello")
    else:
        np.savez(path, a=np.array([{"x": 1}], dtype=object))
    before = _open_fds()
    with pytest.raises(Exception) as err:  # any error; what matters is the fd
        NpzArchive(path)
    assert _open_fds() == before  # closed although the error (and its frames) is still held
    if damage == "pickle":
        assert "pickles" in str(err.value)
    if damage == "truncated":  # what np.load itself does: the file stays open with the error
        with pytest.raises(Exception) as err_np:
            np.load(path, allow_pickle=False)
        assert _open_fds() == before + 1
        del err_np
