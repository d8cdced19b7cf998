"""``dlbook doctor``: what this machine has, and what to do about what it lacks.

    python -m dlbook doctor          # a readable report
    python -m dlbook doctor --json   # the same as JSON, for bug reports and CI logs

:func:`report` gathers plain data (it never raises: a part that fails says so in
its entry); :func:`format_report` turns it into text; the command always exits 0.
Versions are read from the installed packages' metadata, so heavy packages
(PyTorch) are not imported. Nothing here downloads or changes the device in use.

Built in chapter 00 (set-up); Appendix A uses it to check a GPU.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["format_report", "progress_path", "report"]

# Distribution names on PyPI, shown under the names readers know, with what installs a
# missing one. The first group is what dlbook needs; then the lab, the tests, the benchmarks.
PACKAGES = {
    "numpy": "numpy",
    "scipy": "scipy",
    "matplotlib": "matplotlib",
    "ipywidgets": "ipywidgets",
    "scikit-learn": "scikit-learn",
    "mlxtend": "mlxtend",
    "pooch": "pooch",
    "pillow": "pillow",
    "platformdirs": "platformdirs",
    "tqdm": "tqdm",
    "jupyterlab": "jupyterlab",
    "pytest": "pytest",
    "nbval": "nbval",
    "torch": "torch",
}
INSTALL = {
    "scipy": "pip install scipy (comes with scikit-learn)",
    "jupyterlab": "make lab, or pip install 'dlbook[lab]'",
    "pytest": "make test, or pip install 'dlbook[test]'",
    "nbval": "make test, or pip install 'dlbook[test]'",
    "torch": "optional, for benchmarks and comparison tests: pip install 'dlbook[bench]'",
}  # anything else is a dependency of dlbook: `pip install NAME` (or reinstall dlbook)
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def progress_path() -> Path:
    """Where exercise progress is kept: ``$DLBOOK_HOME/progress.json``, else in the platform's
    user data folder for dlbook. Asks ``dlbook.exercises.progress``; the same rule if it fails."""
    try:
        from .exercises import progress

        return Path(progress.path())
    except Exception:  # exercises unavailable: the doctor must still answer
        pass
    home = os.environ.get("DLBOOK_HOME", "").strip()
    if not home:
        import platformdirs

        home = platformdirs.user_data_dir("dlbook")
    return Path(home).expanduser() / "progress.json"


def _safe(part: Callable[[], Any]) -> Any:
    """Run one part of the report; an exception becomes ``{"error": ...}``, never a crash."""
    try:
        return part()
    except Exception as exc:  # the doctor must report, not fail
        return {"error": f"{type(exc).__name__}: {exc}"}


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _packages() -> dict[str, str | None]:
    from . import __version__

    versions: dict[str, str | None] = {"dlbook": __version__}
    versions.update({name: _version(dist) for name, dist in PACKAGES.items()})
    return versions


def _blas() -> dict[str, Any]:
    """The BLAS NumPy calls: threadpoolctl's view (it comes with scikit-learn), else NumPy's."""
    import numpy as np

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        libs = [
            {
                "library": lib.get("internal_api"),
                "version": lib.get("version"),
                "threads": lib.get("num_threads"),
                "threading_layer": lib.get("threading_layer"),
                "architecture": lib.get("architecture"),
                "path": lib.get("filepath"),
            }
            for lib in threadpool_info()
            if lib.get("user_api") == "blas"
        ]
        return {"source": "threadpoolctl", "libraries": libs}
    config = np.show_config(mode="dicts")  # NumPy >= 1.25
    blas = config.get("Build Dependencies", {}).get("blas", {}) if config else {}
    lib = {"library": blas.get("name"), "version": blas.get("version"), "threads": None}
    return {"source": "numpy.show_config", "libraries": [lib]}


def _threads(blas: dict[str, Any]) -> dict[str, Any]:
    try:
        usable: int | None = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on macOS or Windows
        usable = os.cpu_count()
    libs = blas.get("libraries", []) if isinstance(blas, dict) else []
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
        "blas_threads": next((lib["threads"] for lib in libs if lib.get("threads")), None),
        "environment": {v: os.environ.get(v) for v in _THREAD_VARS},
    }


def _gpu() -> dict[str, Any]:
    """CuPy and the GPU as ``backend.gpu_available`` sees them.

    CuPy counts as installed when it imported (the status has its version) or when
    its package is on the path but failed to import (a broken CUDA set-up): the
    fix is then to repair CuPy, not to install it.
    """
    import importlib.util

    from . import backend

    status = backend.gpu_available()
    try:
        on_path = importlib.util.find_spec("cupy") is not None
    except (ImportError, ValueError):  # a half-installed or stubbed module
        on_path = "cupy" in sys.modules
    reason = status.reason
    if on_path and not status.cupy_version and reason.startswith("CuPy is not installed"):
        reason = "CuPy is installed but does not import" + reason[len("CuPy is not installed") :]
    return {
        "cupy_installed": bool(status.cupy_version) or on_path,
        "cupy_version": status.cupy_version or None,
        "usable": status.ok,
        "reason": reason,
        "device_name": status.device_name or None,
    }


def _device() -> dict[str, Any]:
    from . import backend

    return {"DLBOOK_DEVICE": os.environ.get("DLBOOK_DEVICE"), "in_use": backend.current_device()}


def _files() -> dict[str, Any]:
    from .datasets import data_dir

    progress = progress_path()
    return {
        "progress": str(progress),
        "progress_exists": progress.exists(),
        "data_dir": str(data_dir()),
    }


def _datasets() -> list[dict[str, Any]]:
    from . import datasets

    return [
        {"name": s.name, "present": s.present, "where": s.where, "fix": s.fix}
        for s in datasets.status()
    ]


def report() -> dict[str, Any]:
    """Everything the doctor knows, as plain data (JSON-serialisable). Never raises.

    Keys: ``python``, ``platform``, ``packages`` (name -> version or None),
    ``blas``, ``threads``, ``gpu``, ``device``, ``files``, ``datasets``. A part that
    could not be determined holds ``{"error": "..."}`` instead.
    """
    blas = _safe(_blas)
    return {
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "platform": _safe(platform.platform),
        "packages": _safe(_packages),
        "blas": blas,
        "threads": _safe(lambda: _threads(blas)),
        "gpu": _safe(_gpu),
        "device": _safe(_device),
        "files": _safe(_files),
        "datasets": _safe(_datasets),
    }


def _error(part: Any) -> str | None:
    return part["error"] if isinstance(part, dict) and "error" in part else None


def _section(title: str, part: Any, lines: Callable[[Any], list[str]]) -> list[str]:
    error = _error(part)
    if error:
        return [title, f"  could not tell: {error}"]
    try:
        return [title, *lines(part)]
    except Exception as exc:  # an unexpected shape of data: say so, do not crash
        return [title, f"  could not tell: {type(exc).__name__}: {exc}"]


def _package_lines(p: dict[str, str | None]) -> list[str]:
    out = []
    for name, version in p.items():
        hint = INSTALL.get(name, f"pip install {PACKAGES.get(name, name)} (dlbook needs it)")
        out.append(f"  {name:<15} {version or 'not installed: ' + hint}")
    return out


def _blas_lines(blas: dict[str, Any]) -> list[str]:
    out = []
    for lib in blas["libraries"] or [{"library": None}]:
        extra = ", ".join(
            str(lib[k]) for k in ("threading_layer", "architecture") if lib.get(k) is not None
        )
        text = f"  {lib.get('library') or 'unknown'} {lib.get('version') or ''}".rstrip()
        out.append(text + (f" ({extra})" if extra else ""))
        if lib.get("path"):
            out.append(f"    {lib['path']}")
    return out


def _thread_lines(t: dict[str, Any]) -> list[str]:
    env = ", ".join(f"{k}={v}" for k, v in t["environment"].items() if v is not None)
    blas = t["blas_threads"] if t["blas_threads"] is not None else "unknown"
    return [
        f"  CPU cores       {t['usable_cpus']} usable of {t['cpu_count']}",
        f"  BLAS threads    {blas}",
        f"  environment     {env or 'no thread variables set'}",
    ]


def _gpu_lines(g: dict[str, Any]) -> list[str]:
    if not g["cupy_installed"]:
        cupy = "not installed"
    else:
        cupy = g["cupy_version"] or "installed, but it does not import"
    usable = f"yes: {g['device_name']} ({g['reason']})" if g["usable"] else f"no: {g['reason']}"
    out = [f"  CuPy            {cupy}", f"  GPU usable      {usable}"]
    if not g["cupy_installed"]:
        out.append("  to use a GPU    pip install 'dlbook[gpu]' (CuPy for CUDA 12)")
    elif not g["usable"]:
        out.append(
            "  to use a GPU    check the NVIDIA driver (nvidia-smi) and that the CuPy wheel "
            "matches its CUDA version"
        )
    else:
        out.append("  to use it       dl.use('cupy'), or DLBOOK_DEVICE=cupy for a whole chapter")
    return out


def _dataset_lines(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    for row in rows:
        mark = "ok " if row["present"] else "-- "
        out.append(f"  {mark}{row['name']:<14} {row['where']}")
        if row["fix"]:
            out.append(f"  {'':<17} to get it: {row['fix']}")
    return out


def format_report(rep: dict[str, Any]) -> str:
    """The report of :func:`report` as text for a terminal (about 50 lines). Never raises.."""
    py = rep.get("python") or {}
    platform_name = rep.get("platform")
    lines = [
        "dlbook doctor",
        f"  Python          {py.get('version', '?')} ({py.get('executable', '?')})",
        f"  platform        {platform_name if isinstance(platform_name, str) else '?'}",
    ]
    lines += _section("Packages", rep.get("packages"), _package_lines)
    lines += _section("BLAS used by NumPy", rep.get("blas"), _blas_lines)
    lines += _section("Threads", rep.get("threads"), _thread_lines)
    lines += _section("GPU", rep.get("gpu"), _gpu_lines)
    lines += _section(
        "Device",
        rep.get("device"),
        lambda d: [
            f"  DLBOOK_DEVICE   {d['DLBOOK_DEVICE'] or '(not set: numpy)'}",
            f"  in use          {d['in_use']}",
        ],
    )
    lines += _section(
        "Files",
        rep.get("files"),
        lambda f: [
            f"  progress        {f['progress']}"
            + ("" if f["progress_exists"] else " (not created yet)"),
            f"  data folder     {f['data_dir']}",
        ],
    )
    lines += _section("Data sets", rep.get("datasets"), _dataset_lines)
    return "\n".join(lines)
