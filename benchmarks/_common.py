"""Shared helpers of the benchmarks: thread limits, the machine's description, statistics.

Not part of the package: ``benchmarks/`` is run by ``make bench`` (``benchmarks/run.py``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def default_threads() -> int:
    """The number of threads both sides get: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_env(threads: int) -> dict[str, str]:
    """Environment for a worker process: every thread pool capped at ``threads``."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["DLBOOK_PROGRESS"] = "0"
    env["DLBOOK_DEVICE"] = "numpy"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def have_module(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it (and its thread pools)."""
    return importlib.util.find_spec(name) is not None


def limit_threads(threads: int) -> dict[str, Any]:
    """Cap NumPy's BLAS at ``threads`` with threadpoolctl (a dependency of scikit-learn).

    PyTorch is capped by its worker (``torch.set_num_threads``). Returns what was
    found, for the report.
    """
    if not have_module("threadpoolctl"):  # the *_NUM_THREADS variables still apply
        return {"threads": threads, "pools": []}
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(threads)
    pools = [
        f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
        for p in threadpool_info()
    ]
    return {"threads": threads, "pools": pools}


def run_worker(script: Path, args: list[str], threads: int, timeout: float = 900) -> Any:
    """Run ``script --worker ...`` in a fresh process and return the JSON it prints last."""
    cmd = [sys.executable, str(script), *args, "--threads", str(threads)]
    out = subprocess.run(
        cmd, env=thread_env(threads), capture_output=True, text=True, timeout=timeout
    )
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(xs: list[float]) -> float:
    """The median of ``xs`` as a float."""
    return float(statistics.median(xs))


def _status_mb(field: str) -> float | None:
    """A ``kB`` field of ``/proc/self/status`` (Linux) in MB, or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_memory() -> None:
    """Reset this process's peak resident memory (VmHWM) to its current RSS, where Linux can."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the peak then counts from the start of the process


def memory_mb() -> dict[str, float]:
    """This process's resident memory now (``rss``) and its peak (``peak``), in MB.

    The peak is VmHWM since :func:`reset_peak_memory` (Linux), else ``ru_maxrss``.
    """
    peak = _status_mb("VmHWM")
    if peak is None:
        import resource  # Unix only; Linux has /proc and never gets here

        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS
    rss = _status_mb("VmRSS")
    return {"rss": peak if rss is None else rss, "peak": peak}


def machine() -> dict[str, Any]:
    """CPU model, core count, OS, Python, NumPy, PyTorch and BLAS, for RESULTS.md."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "usable_cpus": default_threads(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    info["torch"] = _version_in_fresh_process("torch")
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = sorted(
            {
                f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture', '?')})"
                for p in threadpool_info()
                if p.get("user_api") == "blas"
            }
        )
    except ImportError:
        info["blas"] = []
    try:
        info["load_average"] = os.getloadavg()
    except OSError:
        info["load_average"] = None
    return info


def _version_in_fresh_process(module: str) -> str | None:
    """``module.__version__`` read in a child process (None when it is not installed).

    Importing PyTorch here would start its OpenMP pool in the parent, which then
    runs the Fashion-MNIST training; a child keeps the parent clean.
    """
    if not have_module(module):
        return None
    code = f"import {module}; print({module}.__version__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return out.stdout.strip() or None
