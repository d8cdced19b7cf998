"""The exercise progress store: atomic, sticky, and never trusting a corrupt file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types

import pytest

from dlbook import exercises
from dlbook.exercises import Quiz, index, progress


def test_path_follows_dlbook_home(dlbook_home):
    assert progress.path() == dlbook_home / "progress.json"


def test_record_counts_attempts_and_passed_is_sticky(dlbook_home, monkeypatch):
    times = iter(
        ["2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00", "2024-01-03T00:00:00+00:00"]
    )
    monkeypatch.setattr(progress, "_now", lambda: next(times))
    progress.record("01.step", "failed")
    progress.record("01.step", "passed")
    entry = progress.record("01.step", "failed")
    assert entry == {
        "status": "failed",
        "best": "passed",
        "attempts": 3,
        "first": "2024-01-01T00:00:00+00:00",
        "last": "2024-01-03T00:00:00+00:00",
    }
    data = json.loads((dlbook_home / "progress.json").read_text(encoding="utf-8"))
    assert data == {"version": 1, "exercises": {"01.step": entry}}


def test_not_attempted_is_not_recorded(dlbook_home):
    assert progress.record("01.step", "not attempted") == {}
    assert not (dlbook_home / "progress.json").exists()
    with pytest.raises(ValueError, match="progress.record: status must be one of"):
        progress.record("01.step", "great")


def test_write_is_atomic(dlbook_home, monkeypatch):
    progress.record("01.step", "passed")
    before = (dlbook_home / "progress.json").read_bytes()

    def fail(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)  # fails after the new text is written to a temp file
    with pytest.raises(OSError, match="disk full"):
        progress.record("02.other", "failed")
    assert (dlbook_home / "progress.json").read_bytes() == before
    # no temporary file left (the lock file stays: removing it would race with a waiter)
    assert sorted(p.name for p in dlbook_home.iterdir()) == ["progress.json", "progress.json.lock"]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2, 3]",
        json.dumps({"version": "1", "exercises": {}}),
        json.dumps({"version": 1, "exercises": {"01.step": {"status": "passed"}}}),
        json.dumps(
            {
                "version": 1,
                "exercises": {
                    "01.step": {
                        "status": "passed",
                        "best": "passed",
                        "attempts": "3",
                        "first": "x",
                        "last": "x",
                    }
                },
            }
        ),
    ],
    ids=["bad-json", "a-list", "wrong-version", "missing-keys", "attempts-not-int"],
)
def test_corrupt_file_is_set_aside_with_a_warning(dlbook_home, content):
    dlbook_home.mkdir(parents=True)
    (dlbook_home / "progress.json").write_text(content, encoding="utf-8")
    with pytest.warns(
        UserWarning, match=r"was corrupt; it was moved to .*progress\.json\.corrupt-"
    ):
        assert progress.load() == {}
    aside = [p for p in dlbook_home.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_text(encoding="utf-8") == content  # kept, not deleted
    progress.record("01.step", "passed")  # a fresh store starts
    assert progress.load()["01.step"]["attempts"] == 1


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere"
)
def test_read_only_home_warns_and_check_works(dlbook_home, capsys):
    dlbook_home.mkdir(parents=True)
    dlbook_home.chmod(0o500)
    try:
        quiz = Quiz("00.q", "?", ["a", "b"], 0, "because")
        with pytest.warns(UserWarning, match="could not save exercise progress"):
            result = quiz.check(0)
        assert result.status == "passed"
        assert capsys.readouterr().out == "✓ 00.q: right: because\n"
    finally:
        dlbook_home.chmod(0o700)


def test_summary_and_show_progress(dlbook_home, monkeypatch, capsys):
    q0 = Quiz("00.a", "Question a?", ["x", "y"], 0, "e")
    q1 = Quiz("00.b", "Question b?", ["x", "y"], 1, "e")
    q2 = Quiz("01.c", "Question c?", ["x", "y"], 1, "e")
    module = types.ModuleType("dlbook.exercises.ch00")
    module.a, module.b, module.c = q0, q1, q2
    monkeypatch.setattr(index, "chapter_modules", lambda: {"00": module})
    q0.check(1)
    q0.check(0)
    q1.check(0)
    s = exercises.summary()
    assert s.counts == {"passed": 1, "failed": 1, "not attempted": 1}
    assert [(r[0], r[2], r[3]) for r in s.rows] == [
        ("00.a", "passed", 2),
        ("00.b", "failed", 1),
        ("01.c", "not attempted", 0),
    ]
    assert exercises.summary("01").counts == {"passed": 0, "failed": 0, "not attempted": 1}
    capsys.readouterr()
    exercises.show_progress()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 of 3 passed, 1 failed, 1 not attempted"
    assert out[2].startswith("✓ 00.a  Question a?  2 attempts, last ")
    assert out[4] == "· 01.c  Question c?"


# --- several kernels, odd files ------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from dlbook.exercises import progress
    me, n, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    while not go.exists():  # start together, so that the writes overlap
        time.sleep(0.001)
    for i in range(n):
        progress.record(f"00.{me}", "failed")
        progress.record("00.shared", "passed" if (me == "b" and i == n // 2) else "failed")
    """
)


def test_two_processes_writing_at_once_lose_nothing(dlbook_home, tmp_path):
    """Real processes, as two kernels: 2 × 200 records of one id, 200 of each own id."""
    n = 200
    go = tmp_path / "go"
    env = {**os.environ, "DLBOOK_HOME": str(dlbook_home)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, me, str(n), str(go)], env=env)
        for me in ("a", "b")
    ]
    go.touch()
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    entries = progress.load()
    assert entries["00.a"]["attempts"] == n
    assert entries["00.b"]["attempts"] == n
    assert entries["00.shared"]["attempts"] == 2 * n
    assert entries["00.shared"]["best"] == "passed"  # the lone pass among 399 failures is kept


def test_the_lock_is_released_when_a_writer_is_killed(dlbook_home):
    """A kernel killed while it holds the lock does not block the others."""
    dlbook_home.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from dlbook._io import locked; from dlbook.exercises import progress\n"
            "with locked(progress.path()):\n    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        holder.kill()
        holder.wait(timeout=30)
    finally:
        holder.kill()
    assert progress.record("00.q", "passed")["attempts"] == 1


def test_a_file_from_a_newer_dlbook_is_newer_not_corrupt(dlbook_home):
    dlbook_home.mkdir(parents=True)
    entry = {"status": "passed", "best": "passed", "attempts": 2, "first": "x", "last": "y"}
    text = json.dumps({"version": 2, "exercises": {"01.step": entry}, "streak": 3})
    (dlbook_home / "progress.json").write_text(text, encoding="utf-8")
    with pytest.warns(UserWarning, match="written by a newer dlbook"):
        assert progress.load() == {"01.step": entry}  # what this version understands
    with pytest.raises(progress.NewerProgressError, match="newer dlbook"):
        progress.record("01.step", "failed")
    assert (dlbook_home / "progress.json").read_text(encoding="utf-8") == text  # untouched
    assert not [p for p in dlbook_home.iterdir() if "corrupt" in p.name]
    quiz = Quiz("00.q", "?", ["a", "b"], 0, "because")
    with pytest.warns(UserWarning, match="could not save exercise progress.*newer dlbook"):
        assert quiz.check(0).passed  # the check itself still works


def test_a_file_that_is_not_text_is_set_aside(dlbook_home):
    dlbook_home.mkdir(parents=True)
    junk = bytes(range(256)) * 4  # not UTF-8
    (dlbook_home / "progress.json").write_bytes(junk)
    with pytest.warns(UserWarning, match="was corrupt; it was moved to"):
        assert progress.load() == {}
    (aside,) = [p for p in dlbook_home.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert aside.read_bytes() == junk
    assert progress.record("01.step", "passed")["attempts"] == 1


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix", reason="POSIX symlinks")
def test_a_symlinked_progress_file_stays_a_link(dlbook_home, tmp_path):
    synced = tmp_path / "synced"
    synced.mkdir()
    dlbook_home.mkdir(parents=True)
    (dlbook_home / "progress.json").symlink_to(synced / "progress.json")
    progress.record("01.step", "passed")
    progress.record("01.step", "failed")
    link = dlbook_home / "progress.json"
    assert link.is_symlink()
    data = json.loads((synced / "progress.json").read_text(encoding="utf-8"))
    assert data["exercises"]["01.step"]["attempts"] == 2


def test_tilde_in_dlbook_home_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DLBOOK_HOME", "~/books")
    assert progress.path() == tmp_path / "books" / "progress.json"
