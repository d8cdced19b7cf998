"""The exercise progress store: atomic, sticky, and never trusting a corrupt file."""

from __future__ import annotations

import json
import os
import types

import pytest

from dlbook import exercises
from dlbook.exercises import Quiz, core, progress


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
    with pytest.raises(ValueError, match="status must be one of"):
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
    assert sorted(p.name for p in dlbook_home.iterdir()) == ["progress.json"]  # no temp left


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2, 3]",
        json.dumps({"version": 99, "exercises": {}}),
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
    monkeypatch.setattr(core, "chapter_modules", lambda: {"00": module})
    q0.check(1)
    q0.check(0)
    q1.check(0)
    s = progress.summary()
    assert s.counts == {"passed": 1, "failed": 1, "not attempted": 1}
    assert [(r[0], r[2], r[3]) for r in s.rows] == [
        ("00.a", "passed", 2),
        ("00.b", "failed", 1),
        ("01.c", "not attempted", 0),
    ]
    assert progress.summary("01").counts == {"passed": 0, "failed": 0, "not attempted": 1}
    capsys.readouterr()
    exercises.show_progress()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 of 3 passed, 1 failed, 1 not attempted"
    assert out[2].startswith("✓ 00.a  Question a?  2 attempts, last ")
    assert out[4] == "· 01.c  Question c?"
