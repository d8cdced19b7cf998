"""The dlbook command: doctor, data list, data fetch, fetch (through main(argv), and as -m)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dlbook import cli, datasets
from dlbook.datasets import idx
from tests.test_datasets import fake_pooch, make_idx_set, register

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def private(dlbook_home, tmp_path, monkeypatch):
    """Private data folders, empty system folders, and no network."""
    import pooch

    monkeypatch.setitem(idx.SYSTEM_DIRS, "mnist", tmp_path / "system" / "mnist")
    monkeypatch.setitem(idx.SYSTEM_DIRS, "fashion_mnist", tmp_path / "system" / "fashion-mnist")

    def refuse(*a, **k):
        raise AssertionError("the network was used")

    monkeypatch.setattr(pooch, "retrieve", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "doctor" in capsys.readouterr().out
    assert cli.main(["data"]) == 2
    assert "fetch" in capsys.readouterr().out


def test_doctor_text_and_json(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dlbook doctor\n") and "BLAS used by NumPy" in out
    assert cli.main(["doctor", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert {"python", "packages", "blas", "gpu", "datasets"} <= set(rep)


def test_data_list(capsys):
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for name in datasets.names():
        assert name in out
    assert "ok mnist5k" in out and "-- mnist " in out
    assert "to get it: run `dlbook data fetch mnist`" in out
    assert "licence: MIT (copyright Zalando SE)" in out


def test_data_fetch_bundled_and_unknown(capsys):
    assert cli.main(["data", "fetch", "digits"]) == 0
    assert "nothing to download" in capsys.readouterr().out
    assert cli.main(["data", "fetch", "cifar10"]) == 2
    assert "unknown data set 'cifar10'" in capsys.readouterr().err


def test_data_fetch_downloads(capsys, tmp_path, monkeypatch):
    server = tmp_path / "server"
    make_idx_set(server)
    register(monkeypatch, "mnist", server)
    fake_pooch(monkeypatch, server)
    assert cli.main(["data", "fetch", "mnist", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "mnist: 4 files present, SHA-256 checked" in out
    assert str(datasets.data_dir() / "mnist" / idx.FILES[0]) in out
    assert cli.main(["data", "list"]) == 0
    assert "ok mnist " in capsys.readouterr().out


def test_fetch_is_a_shortcut_for_data_fetch(capsys, tmp_path, monkeypatch):
    server = tmp_path / "server"
    make_idx_set(server, seed=4)
    register(monkeypatch, "fashion_mnist", server)
    calls = fake_pooch(monkeypatch, server, fail_first_mirror=False)
    assert cli.main(["fetch", "fashion-mnist", "-q"]) == 0
    assert "fashion_mnist: 4 files present, SHA-256 checked" in capsys.readouterr().out
    assert len(calls) == 4 and all(u.startswith(idx.MIRRORS["fashion_mnist"][0]) for u in calls)
    assert datasets.load("fashion-mnist").x_train.shape == (12, 28, 28)


def test_data_fetch_failure_exits_1(capsys, monkeypatch):
    import pooch

    def down(url, **kw):
        raise ConnectionError("offline")

    monkeypatch.setattr(pooch, "retrieve", down)
    assert cli.main(["data", "fetch", "fashion-mnist", "-q"]) == 1
    err = capsys.readouterr().err
    assert "could not download" in err and "offline" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["data", "list"], "ok mnist5k"), (["doctor"], "GPU usable      ")],
)
def test_python_dash_m(dlbook_home, argv, expected):
    env = {**os.environ, "DLBOOK_DATA": os.environ["DLBOOK_DATA"]}
    done = subprocess.run(
        [sys.executable, "-m", "dlbook", *argv],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout and not done.stderr


def test_importing_main_does_not_run_the_command():
    done = subprocess.run(
        [sys.executable, "-c", "import dlbook.__main__; print('imported')"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout == "imported\n"


def test_doctor_into_a_closed_pipe_ends_quietly(dlbook_home):
    """`dlbook doctor | head -1`: one line out, no BrokenPipe traceback, status 0."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlbook", "doctor"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does after its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert first.decode().startswith("dlbook doctor")
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_data_list_on_an_ascii_terminal(dlbook_home):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    out = subprocess.run(
        [sys.executable, "-m", "dlbook", "data", "list"], capture_output=True, env=env
    )
    assert out.returncode == 0, out.stderr.decode()
    text = out.stdout.decode("ascii")  # pure ASCII
    assert "8x8 pixels" in text and "Traceback" not in out.stderr.decode()
