"""dlbook doctor: reports the machine as it is, with CuPy absent, present without a GPU, or
working, and never raises.

CuPy's three states are played two ways: by a stub ``cupy`` module in ``sys.modules``
(so that ``backend.gpu_available`` itself runs), and by monkeypatching
``dlbook.backend.gpu_available`` (so that the doctor's handling of each answer is
checked on its own). Nothing here touches the network.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import socket
import sys
import types

import numpy as np
import pytest

from dlbook import backend, cli, doctor
from dlbook.backend import GPUStatus


def _stub_cupy(devices: int | Exception, name: bytes = b"Stub GPU 80GB") -> types.ModuleType:
    """A fake ``cupy`` module: ``devices`` GPUs, or an exception from the driver query."""

    def count():
        if isinstance(devices, Exception):
            raise devices
        return devices

    cupy = types.ModuleType("cupy")
    cupy.__version__ = "13.9.9"
    runtime = types.SimpleNamespace(
        getDeviceCount=count, getDeviceProperties=lambda i: {"name": name}
    )
    cupy.cuda = types.SimpleNamespace(runtime=runtime)
    cupy.arange, cupy.float32 = np.arange, np.float32  # the kernel gpu_available() runs
    return cupy


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("dlbook doctor used the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def rep(dlbook_home):
    r = doctor.report()
    json.dumps(r)  # plain data
    return r


def test_report_of_this_machine(rep, dlbook_home):
    assert rep["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert rep["packages"]["numpy"] == np.__version__
    assert rep["packages"]["dlbook"] == __import__("dlbook").__version__
    assert set(rep["packages"]) >= {"scipy", "matplotlib", "ipywidgets", "jupyterlab", "torch"}
    assert rep["blas"]["libraries"], "NumPy always links some BLAS"
    assert rep["threads"]["cpu_count"] >= 1
    assert rep["device"]["in_use"] == backend.current_device()
    assert rep["files"]["progress"] == str(dlbook_home / "progress.json")
    assert [d["name"] for d in rep["datasets"]] == [
        "digits", "iris", "mnist5k", "mnist", "fashion_mnist", "photos", "shakespeare",
    ]  # fmt: skip
    text = doctor.format_report(rep)
    for heading in ("Packages", "BLAS used by NumPy", "Threads", "GPU", "Device", "Data sets"):
        assert f"\n{heading}\n" in text
    assert str(dlbook_home / "progress.json") in text and "dlbook data fetch mnist" in text


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed here")
def test_cupy_absent(rep):
    assert rep["gpu"]["cupy_installed"] is False and rep["gpu"]["usable"] is False
    assert "not installed" in rep["gpu"]["reason"]
    text = doctor.format_report(rep)
    assert "CuPy            not installed" in text and "pip install 'dlbook[gpu]'" in text


def test_missing_package_says_not_installed(monkeypatch, dlbook_home):
    monkeypatch.setitem(doctor.PACKAGES, "torch", "no-such-distribution-dlbook")
    rep = doctor.report()
    assert rep["packages"]["torch"] is None
    assert "torch           not installed" in doctor.format_report(rep)


@pytest.mark.parametrize(
    ("devices", "reason"),
    [
        (0, "found no GPU device"),
        (RuntimeError("cudaErrorInsufficientDriver"), "found no CUDA driver"),
    ],
)
def test_cupy_without_a_usable_gpu(monkeypatch, dlbook_home, devices, reason):
    monkeypatch.setitem(sys.modules, "cupy", _stub_cupy(devices))
    gpu = doctor.report()["gpu"]
    assert gpu["cupy_installed"] is True and gpu["cupy_version"] == "13.9.9"
    assert gpu["usable"] is False and reason in gpu["reason"]
    text = doctor.format_report(doctor.report())
    assert "CuPy            13.9.9" in text and f"GPU usable      no: CuPy 13.9.9 {reason}" in text
    assert "pip install 'dlbook[gpu]'" not in text


def test_cupy_with_a_working_gpu(monkeypatch, dlbook_home):
    monkeypatch.setitem(sys.modules, "cupy", _stub_cupy(2))
    gpu = doctor.report()["gpu"]
    assert gpu["usable"] is True and gpu["device_name"] == "Stub GPU 80GB"
    assert "2 GPU(s) usable" in gpu["reason"]
    assert "GPU usable      yes: Stub GPU 80GB" in doctor.format_report(doctor.report())
    assert backend.current_device() == "numpy"  # the doctor looks; it does not switch devices


def test_dlbook_device_is_reported(monkeypatch, dlbook_home):
    monkeypatch.setenv("DLBOOK_DEVICE", "auto")
    rep = doctor.report()
    assert rep["device"]["DLBOOK_DEVICE"] == "auto"
    assert "DLBOOK_DEVICE   auto" in doctor.format_report(rep)


def test_blas_without_threadpoolctl(monkeypatch, dlbook_home):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import now raises ImportError
    blas = doctor.report()["blas"]
    assert blas["source"] == "numpy.show_config"
    assert blas["libraries"][0]["library"]  # e.g. scipy-openblas, accelerate, mkl


def test_a_failing_part_is_reported_not_raised(monkeypatch, dlbook_home):
    def broken():
        raise OSError("permission denied")

    monkeypatch.setattr(doctor, "_blas", broken)
    monkeypatch.setattr(doctor, "_datasets", broken)
    monkeypatch.setattr(backend, "gpu_available", broken)
    rep = doctor.report()
    assert rep["blas"] == {"error": "OSError: permission denied"}
    assert rep["gpu"] == {"error": "OSError: permission denied"}
    assert rep["threads"]["blas_threads"] is None
    text = doctor.format_report(rep)
    assert text.count("could not tell: OSError: permission denied") == 3


# --- the doctor's reading of each answer of backend.gpu_available (monkeypatched) ----------


def _cupy_on_path(monkeypatch, present: bool) -> None:
    """Make ``importlib.util.find_spec("cupy")`` say whether CuPy's package is on the path."""
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "cupy":
            return importlib.machinery.ModuleSpec("cupy", None) if present else None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_backend_says_cupy_present_but_no_gpu(monkeypatch, dlbook_home, capsys):
    status = GPUStatus(False, "CuPy 13.3.0 found no GPU device", "", "13.3.0")
    monkeypatch.setattr(backend, "gpu_available", lambda: status)
    _cupy_on_path(monkeypatch, True)
    gpu = doctor.report()["gpu"]
    assert gpu == {
        "cupy_installed": True,
        "cupy_version": "13.3.0",
        "usable": False,
        "reason": "CuPy 13.3.0 found no GPU device",
        "device_name": None,
    }
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "CuPy            13.3.0" in out
    assert "GPU usable      no: CuPy 13.3.0 found no GPU device" in out
    assert "check the NVIDIA driver" in out and "pip install 'dlbook[gpu]'" not in out


def test_backend_says_gpu_usable(monkeypatch, dlbook_home, capsys):
    status = GPUStatus(True, "1 GPU(s) usable", "NVIDIA H100 80GB HBM3", "13.3.0")
    monkeypatch.setattr(backend, "gpu_available", lambda: status)
    _cupy_on_path(monkeypatch, True)
    gpu = doctor.report()["gpu"]
    assert gpu["usable"] is True and gpu["device_name"] == "NVIDIA H100 80GB HBM3"
    assert cli.main(["doctor", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["gpu"] == gpu
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "GPU usable      yes: NVIDIA H100 80GB HBM3 (1 GPU(s) usable)" in out
    assert "dl.use('cupy')" in out
    assert backend.current_device() == "numpy"


def test_backend_says_cupy_absent(monkeypatch, dlbook_home):
    status = GPUStatus(False, "CuPy is not installed (ModuleNotFoundError: No module named 'cupy')")
    monkeypatch.setattr(backend, "gpu_available", lambda: status)
    _cupy_on_path(monkeypatch, False)
    gpu = doctor.report()["gpu"]
    assert gpu["cupy_installed"] is False and gpu["cupy_version"] is None
    text = doctor.format_report(doctor.report())
    assert "CuPy            not installed" in text and "pip install 'dlbook[gpu]'" in text


def test_cupy_on_the_path_that_does_not_import_is_not_called_absent(monkeypatch, dlbook_home):
    status = GPUStatus(False, "CuPy is not installed (ImportError: libcudart.so.12: not found)")
    monkeypatch.setattr(backend, "gpu_available", lambda: status)
    _cupy_on_path(monkeypatch, True)
    gpu = doctor.report()["gpu"]
    assert gpu["cupy_installed"] is True
    assert (
        gpu["reason"]
        == "CuPy is installed but does not import (ImportError: libcudart.so.12: not found)"
    )
    text = doctor.format_report(doctor.report())
    assert "CuPy            installed, but it does not import" in text
    assert "pip install 'dlbook[gpu]'" not in text


def test_missing_packages_say_what_to_install(monkeypatch, dlbook_home):
    monkeypatch.setitem(doctor.PACKAGES, "jupyterlab", "no-such-distribution-dlbook")
    monkeypatch.setitem(doctor.PACKAGES, "mlxtend", "no-such-distribution-dlbook-2")
    text = doctor.format_report(doctor.report())
    assert "jupyterlab      not installed: make lab, or pip install 'dlbook[lab]'" in text
    assert (
        "mlxtend         not installed: pip install no-such-distribution-dlbook-2 (dlbook" in text
    )


def test_the_command_exits_0_even_when_the_report_breaks(monkeypatch, dlbook_home, capsys):
    def broken():
        raise MemoryError("out of memory")

    monkeypatch.setattr(doctor, "report", broken)
    assert cli.main(["doctor"]) == 0
    assert "could not finish the report (MemoryError: out of memory)" in capsys.readouterr().out


def test_format_report_survives_a_part_of_unexpected_shape(dlbook_home):
    rep = doctor.report()
    rep["gpu"] = {"surprise": 1}
    del rep["python"]
    text = doctor.format_report(rep)
    assert "GPU\n  could not tell: KeyError" in text and "Data sets" in text


# --- a hung driver: real processes ----------------------------------------------------------


def _hanging_cupy(tmp_path):
    """A ``cupy`` on PYTHONPATH whose import never returns, as with a hung GPU driver."""
    pkg = tmp_path / "hung" / "cupy"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("import time\ntime.sleep(3600)\n")
    return {
        **__import__("os").environ,
        "PYTHONPATH": str(tmp_path / "hung"),
        "DLBOOK_GPU_PROBE_TIMEOUT": "2",
        "DLBOOK_HOME": str(tmp_path / "home"),
        "DLBOOK_DATA": str(tmp_path / "data"),
    }


@pytest.mark.parametrize("how", ["import-auto", "doctor"])
def test_a_hung_gpu_probe_is_time_limited(tmp_path, how):
    import subprocess
    import time

    env = _hanging_cupy(tmp_path)
    if how == "import-auto":
        env["DLBOOK_DEVICE"] = "auto"
        cmd = [
            sys.executable,
            "-c",
            "import dlbook\nfrom dlbook import backend\n"
            "print(backend.current_device())\nprint(backend.gpu_available().reason)",
        ]
    else:
        cmd = [sys.executable, "-m", "dlbook", "doctor"]
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - start
    assert out.returncode == 0, out.stderr
    assert "did not answer within 2 s" in out.stdout
    if how == "import-auto":
        assert out.stdout.splitlines()[0] == "numpy"
        assert took < 30  # one time-out of 2 s (the verdict is kept), plus start-up
    else:
        assert took < 45  # the doctor asks more than once; each answer is the kept verdict
