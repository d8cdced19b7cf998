"""`make lab` (tools/lab.py): root gets --allow-root, the chapters folder is opened."""

from __future__ import annotations

import json

import pytest

from tools import lab


def test_root_gets_allow_root_and_others_do_not():
    as_root = lab.command(["--port", "8899"], uid=0)
    assert as_root[1:3] == ["lab", "--allow-root"] and as_root[-3:-1] == ["--port", "8899"]
    assert as_root[-1].endswith("chapters")
    assert "--allow-root" not in lab.command([], uid=1000)


def test_overrides_make_code_cells_wrap(tmp_path):
    path = lab.write_overrides(tmp_path / "settings")
    assert path == tmp_path / "settings" / "overrides.d" / "dlbook.json"
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/notebook-extension:tracker"]["codeCellConfig"]["lineWrap"] is True


def test_overrides_name_a_real_setting():
    """The override names a setting of the installed JupyterLab (a renamed key would be ignored)."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed here")
    schema = lab.app_settings_dir().parent / "schemas" / "@jupyterlab" / "notebook-extension"
    props = json.loads((schema / "tracker.json").read_text())["properties"]
    assert set(props["codeCellConfig"]["default"]) >= {"lineWrap", "lineNumbers"}
