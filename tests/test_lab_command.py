"""`make lab` (tools/lab.py): root gets --allow-root, the chapters folder is opened."""

from __future__ import annotations

from tools import lab


def test_root_gets_allow_root_and_others_do_not():
    as_root = lab.command(["--port", "8899"], uid=0)
    assert as_root[1:3] == ["lab", "--allow-root"] and as_root[-3:-1] == ["--port", "8899"]
    assert as_root[-1].endswith("chapters")
    assert "--allow-root" not in lab.command([], uid=1000)
