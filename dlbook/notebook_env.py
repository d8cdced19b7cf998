"""The environment every chapter runs in under test, when its outputs are stored, and when graded.

Strict nbval compares a fresh run with the stored outputs, digit for digit. Training
a network for a few epochs amplifies the last bit of every sum: the same seeds on
the same NumPy give a test accuracy of 86.9 % with one matrix-multiply kernel and
87.0 % with another. Which kernel runs depends on the machine — OpenBLAS picks one
for the processor it finds (Haswell, SkylakeX, Zen…) and splits the work by its
thread count, and NumPy dispatches its own loops (exp, sums) to AVX-512 where the
processor has it. So the chapters are run, and their outputs stored, with these
fixed: the kernels of an AVX2 machine and two BLAS threads (CI's two cores).

A reader's own run uses the fastest kernels of their machine; their numbers may
differ in the last printed digit, never in what a chapter concludes.
"""

from __future__ import annotations

import atexit
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

BLAS_THREADS = "2"


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _numpy_dispatch_targets() -> list[str]:
    """The SIMD targets this NumPy can dispatch to at run time (names vary by version)."""
    import importlib

    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):  # 2.x, 1.x
        try:
            return list(importlib.import_module(name).__cpu_dispatch__)
        except (ImportError, AttributeError):
            continue
    return []


def float_pins(
    machine: str | None = None,
    cpu_flags: set[str] | None = None,
    dispatch: list[str] | None = None,
) -> dict[str, str]:
    """Environment variables that fix the floating-point code paths of NumPy and its BLAS.

    On x86-64 with AVX2: OpenBLAS's Haswell kernels, MKL's AVX2 code path, and NumPy
    without its AVX-512 loops. On other machines (Arm, or x86 without AVX2) only the
    thread count is fixed: forcing Haswell kernels there would crash.
    """
    machine = platform.machine().lower() if machine is None else machine.lower()
    flags = _cpu_flags() if cpu_flags is None else cpu_flags
    targets = _numpy_dispatch_targets() if dispatch is None else dispatch
    pins = {"OPENBLAS_NUM_THREADS": BLAS_THREADS, "MKL_NUM_THREADS": BLAS_THREADS}
    if machine in ("x86_64", "amd64") and "avx2" in flags:
        pins["OPENBLAS_CORETYPE"] = "Haswell"
        pins["MKL_CBWR"] = "AVX2"
        wide = [t for t in targets if t.startswith("AVX512") or t == "X86_V4"]
        if wide:
            pins["NPY_DISABLE_CPU_FEATURES"] = " ".join(wide)
    return pins


def apply(environ: dict[str, str] | None = None, pin_floats: bool = True) -> dict[str, str]:
    """Set the chapters' environment in ``environ`` (default ``os.environ``); return what was set.

    Progress bars off, a throw-away ``DLBOOK_HOME`` (so no reader's exercise progress
    is read or written and every stub says "not attempted yet"; removed when this process
    exits), the Agg backend, and,
    with ``pin_floats``, :func:`float_pins`. Apart from the progress bars, a variable the
    caller has already set is kept.
    """
    env: dict[str, str] = os.environ if environ is None else environ  # type: ignore[assignment]
    env["DLBOOK_PROGRESS"] = "0"
    wanted: Mapping[str, str] = {"MPLBACKEND": "Agg", **(float_pins() if pin_floats else {})}
    set_now = {"DLBOOK_PROGRESS": "0"}
    for key, value in wanted.items():
        if key not in env:
            env[key] = value
            set_now[key] = value
    if "DLBOOK_HOME" not in env:
        home = tempfile.mkdtemp(prefix="dlbook-home-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)  # thrown away with the process
        env["DLBOOK_HOME"] = set_now["DLBOOK_HOME"] = home
    return set_now


def describe(environ: Mapping[str, str] | None = None) -> str:
    """One line naming the floating-point settings in force, for the test report."""
    env = os.environ if environ is None else environ
    keys = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "MKL_CBWR", "NPY_DISABLE_CPU_FEATURES")
    return ", ".join(f"{k}={env[k]}" for k in keys if k in env) or "none"
