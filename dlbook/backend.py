"""Where arrays live: NumPy by default, CuPy on request.

This is the only module of dlbook that knows which array library is in use, and
the only one that imports CuPy (lazily, so that importing dlbook never needs it).

Numeric code dispatches on its inputs::

    xp = backend.array_module(x)      # numpy, cupy, or the fake device's module
    y = xp.exp(x)

and makes new arrays on the chosen device with :func:`zeros`, :func:`empty`,
:func:`asarray`. Plots, printing and saving go through :func:`to_cpu`.

Built in chapter 00 (set-up) and used by every chapter; Appendix A runs the book
on a GPU.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from .errors import message

__all__ = [
    "GPUStatus",
    "arange",
    "array_module",
    "asarray",
    "copy_rng",
    "current_device",
    "default_rng",
    "empty",
    "gpu_available",
    "is_array",
    "is_reproducible",
    "is_rng",
    "ones",
    "scatter_add",
    "synchronize",
    "to_cpu",
    "use",
    "using_module",
    "xp",
    "zeros",
]

DEVICES = ("numpy", "cupy", "auto")


@dataclass(frozen=True)
class GPUStatus:
    """Whether CuPy can run here, and if not, why not (for ``dlbook doctor``)."""

    ok: bool
    reason: str
    device_name: str = ""
    cupy_version: str = ""

    def __bool__(self) -> bool:
        return self.ok


class _State:
    """The chosen device. One instance, module-private."""

    def __init__(self) -> None:
        self.name = "numpy"
        self.module: Any = np
        self.reproducible = False


_state = _State()


# A driver that hangs would hang the probe with it; the probe runs first in a child
# process that is given this long (seconds; DLBOOK_GPU_PROBE_TIMEOUT overrides).
GPU_PROBE_TIMEOUT = 60.0
_PROBE = (
    "import cupy\n"
    "if cupy.cuda.runtime.getDeviceCount() > 0:\n"
    "    float((cupy.arange(3, dtype=cupy.float32) ** 2).sum())\n"
)
_probe_hung: str | None = None  # the reason, once a probe has not answered (per process)


def _probe_timeout() -> float:
    text = os.environ.get("DLBOOK_GPU_PROBE_TIMEOUT", "").strip()
    try:
        value = float(text) if text else GPU_PROBE_TIMEOUT
    except ValueError:
        value = GPU_PROBE_TIMEOUT
    return value if value > 0 else GPU_PROBE_TIMEOUT


def _probe_answers() -> str | None:
    """Run the GPU probe in a child process; the reason it did not answer in time, or None.

    The child is killed on time-out and not waited for (a process stuck in a driver
    call may not die at once); what it found does not matter here, only that it
    finished: the real probe then runs in this process and says what it found.
    """
    global _probe_hung
    if _probe_hung is not None:
        return _probe_hung
    limit = _probe_timeout()
    env = {**os.environ, "DLBOOK_DEVICE": "numpy"}
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _PROBE],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except OSError:
        return None  # cannot start a child (a sandbox): probe in-process as before
    try:
        child.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        child.kill()
        _probe_hung = (
            f"the GPU probe did not answer within {limit:g} s (a hung GPU driver?); "
            "dlbook uses NumPy. Check nvidia-smi, or set DLBOOK_GPU_PROBE_TIMEOUT to wait longer"
        )
        return _probe_hung
    return None


def _cupy_installed() -> bool:
    """Whether ``import cupy`` could find something (without importing it)."""
    if "cupy" in sys.modules:
        return True
    try:
        return importlib.util.find_spec("cupy") is not None
    except (ImportError, ValueError):
        return False


def gpu_available() -> GPUStatus:
    """Say whether a CUDA GPU is usable through CuPy. Never raises, never hangs.

    Where CuPy is installed, the probe first runs in a child process with a time
    limit (``GPU_PROBE_TIMEOUT`` seconds, or ``DLBOOK_GPU_PROBE_TIMEOUT``), so that
    a hung driver makes the answer "no GPU" with the reason, not a hung
    ``import dlbook`` or ``dlbook doctor``. Without CuPy nothing is started.

    Returns
    -------
    GPUStatus
        Truthy when CuPy imports, finds a driver and at least one device, and can
        run a kernel; otherwise falsy with ``reason`` saying what is missing.
    """
    if _cupy_installed():
        hung = _probe_answers()
        if hung is not None:
            return GPUStatus(False, hung)
    try:
        import cupy  # lazy on purpose: CuPy is optional
    except Exception as exc:  # ImportError, or a broken CUDA install
        return GPUStatus(False, f"CuPy is not installed ({type(exc).__name__}: {exc})")
    version = getattr(cupy, "__version__", "?")
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        return GPUStatus(False, f"CuPy {version} found no CUDA driver ({exc})", "", version)
    if n < 1:
        return GPUStatus(False, f"CuPy {version} found no GPU device", "", version)
    try:
        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
        float((cupy.arange(3, dtype=cupy.float32) ** 2).sum())  # runs a kernel
    except Exception as exc:
        return GPUStatus(False, f"CuPy {version} could not run on the GPU ({exc})", "", version)
    return GPUStatus(True, f"{n} GPU(s) usable", name, version)


def use(device: str = "numpy", *, reproducible: bool = False) -> str:
    """Choose where new arrays are made: ``"numpy"``, ``"cupy"`` or ``"auto"``.

    ``"auto"`` picks CuPy when a GPU is usable, else NumPy. With
    ``reproducible=True`` random numbers are drawn on the host and copied, so a run
    gives the same numbers on both backends.

    Returns the name of the device now in use.

    Raises
    ------
    ValueError
        For an unknown device name.
    RuntimeError
        For ``"cupy"`` when no GPU is usable (the message says why).
    """
    if device not in DEVICES:
        raise ValueError(f"dlbook.use: device must be one of {DEVICES}; got {device!r}.")
    if device == "auto":
        device = "cupy" if gpu_available() else "numpy"
    if device == "cupy":
        status = gpu_available()
        if not status:
            raise RuntimeError(
                f"dlbook.use('cupy'): no usable GPU: {status.reason}. "
                "Install CuPy for your CUDA version (pip install 'dlbook[gpu]') "
                "or use dl.use('auto') to fall back to NumPy."
            )
        import cupy

        _set_module(cupy, "cupy", reproducible)
    else:
        _set_module(np, "numpy", reproducible)
    return _state.name


def _set_module(module: Any, name: str, reproducible: bool = False) -> None:
    """Install an array module as the current device (used by ``dlbook.testing``)."""
    _state.module = module
    _state.name = name
    _state.reproducible = reproducible


@contextlib.contextmanager
def using_module(module: Any, name: str, reproducible: bool = False) -> Iterator[Any]:
    """Run a block with ``module`` as the current array module, then restore the previous one.

    For devices that :func:`use` does not know: ``dlbook.testing.fake_device`` runs
    the package on a fake GPU with it.
    """
    old = (_state.module, _state.name, _state.reproducible)
    _set_module(module, name, reproducible)
    try:
        yield module
    finally:
        _set_module(*old)


def current_device() -> str:
    """The name of the device in use: ``"numpy"``, ``"cupy"`` or ``"fake"``."""
    return _state.name


def is_reproducible() -> bool:
    """True when random numbers are drawn on the host (``use(..., reproducible=True)``)."""
    return _state.reproducible


def xp() -> Any:
    """The array module of the current device (``numpy``, ``cupy`` or the fake one)."""
    return _state.module


def array_module(*arrays: Any) -> Any:
    """The array module that the given arrays live in.

    NumPy arrays and Python scalars give ``numpy``; CuPy arrays give ``cupy``; the
    fake device's arrays give the fake module. Mixed devices raise ``TypeError``.
    """
    found: Any = None
    for a in arrays:
        module = _module_of(a)
        if module is None:
            continue
        if found is not None and module is not found:
            raise TypeError(
                "array_module: arrays live on different devices "
                f"({_name(found)} and {_name(module)}); move them with backend.asarray "
                "or backend.to_cpu first."
            )
        found = module
    return np if found is None else found


def _module_of(a: Any) -> Any:
    if isinstance(a, (np.ndarray, np.generic)):
        return np
    fake = getattr(type(a), "__dlbook_module__", None)
    if fake is not None:
        return fake
    if type(a).__module__.startswith("cupy"):
        import cupy

        return cupy
    return None  # Python scalars, lists: no device of their own


def _name(module: Any) -> str:
    return getattr(module, "__name__", repr(module))


def asarray(a: Any, dtype: Any = None) -> Any:
    """``a`` as an array on the current device (copies host data to the device)."""
    return _state.module.asarray(a, dtype=dtype)


def zeros(shape: int | tuple[int, ...], dtype: Any = np.float32) -> Any:
    """Zeros on the current device; float32 unless ``dtype`` says otherwise."""
    return _state.module.zeros(shape, dtype=dtype)


def ones(shape: int | tuple[int, ...], dtype: Any = np.float32) -> Any:
    """Ones on the current device; float32 unless ``dtype`` says otherwise."""
    return _state.module.ones(shape, dtype=dtype)


def empty(shape: int | tuple[int, ...], dtype: Any = np.float32) -> Any:
    """An uninitialised array on the current device; float32 by default."""
    return _state.module.empty(shape, dtype=dtype)


def arange(*args: int, dtype: Any = None) -> Any:
    """``arange(stop)`` or ``arange(start, stop, step)`` on the current device."""
    return _state.module.arange(*args, dtype=dtype)


def is_array(a: Any) -> bool:
    """Whether ``a`` is an array of NumPy or of the current device."""
    return isinstance(a, (np.ndarray, _state.module.ndarray))


def to_cpu(a: Any) -> Any:
    """A NumPy copy of a device array (the array itself if it is already NumPy).

    Python scalars and lists pass through ``np.asarray``.
    """
    if isinstance(a, np.ndarray):
        return a
    to_host = getattr(a, "__dlbook_to_cpu__", None)
    if to_host is not None:
        return to_host()
    if type(a).__module__.startswith("cupy"):
        return a.get()
    return np.asarray(a)


def scatter_add(target: Any, indices: Any, values: Any) -> None:
    """``target[indices] += values`` with repeated indices accumulated, in place.

    Wraps ``np.add.at`` and ``cupyx.scatter_add``. Used by embeddings, word2vec and
    col2im. ``indices`` may be an integer array or a tuple of them.
    """
    module = array_module(target)
    if module is np:
        np.add.at(target, indices, values)
    elif _name(module) == "cupy":
        import cupyx

        cupyx.scatter_add(target, indices, values)
    else:
        module.scatter_add(target, indices, values)


def synchronize(module: Any = None) -> None:
    """Wait until the device has finished its queued work (a no-op on NumPy).

    ``module`` is the array module whose device to wait for (``numpy`` or
    ``cupy``); by default the current device's.
    """
    name = _state.name if module is None else module_name(module)
    if name == "cupy":
        import cupy

        cupy.cuda.get_current_stream().synchronize()


class HostRNG:
    """A NumPy ``Generator`` whose draws are copied to the current device.

    Used on CuPy with ``reproducible=True`` (and on the fake device), so a run gives
    the same numbers on every backend. It offers the Generator methods the book
    uses; each returns an array on the device the generator was made for.
    """

    def __init__(self, gen: np.random.Generator, module: Any) -> None:
        self.host = gen
        self.module = module

    def _dev(self, a: Any) -> Any:
        return self.module.asarray(a)

    def random(self, size: Any = None, dtype: Any = np.float64) -> Any:
        return self._dev(self.host.random(size, dtype=dtype))

    def standard_normal(self, size: Any = None, dtype: Any = np.float64) -> Any:
        return self._dev(self.host.standard_normal(size, dtype=dtype))

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Any = None) -> Any:
        return self._dev(self.host.normal(loc, scale, size))

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None) -> Any:
        return self._dev(self.host.uniform(low, high, size))

    def integers(self, low: int, high: int | None = None, size: Any = None) -> Any:
        return self._dev(self.host.integers(low, high, size))

    def permutation(self, n: int) -> Any:
        return self._dev(self.host.permutation(n))

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None) -> Any:
        p_host = None if p is None else to_cpu(p)
        return self._dev(self.host.choice(a, size, replace=replace, p=p_host))


RNG = Any  # np.random.Generator on NumPy, HostRNG or a CuPy generator elsewhere


def default_rng(seed: Any = None) -> RNG:
    """A random generator for the current device.

    Parameters
    ----------
    seed : None, int, numpy.random.Generator or a generator from this function
        ``None`` draws fresh entropy; an int gives a reproducible stream; a
        generator is returned as it is, so ``rng=`` arguments can be passed down.

    Raises
    ------
    ValueError
        ``seed`` is a negative int (or a bool).
    TypeError
        ``seed`` is of another type.

    Returns
    -------
    On NumPy, NumPy's own ``Generator``. On CuPy, CuPy's generator (draws on the
    device), or with ``reproducible=True`` a :class:`HostRNG` that draws on the host
    and copies. The methods used in the book (``random``, ``standard_normal``,
    ``normal``, ``uniform``, ``integers``, ``permutation``, ``choice``) exist on all.
    """
    if isinstance(seed, HostRNG) or _is_device_generator(seed):
        return seed
    if isinstance(seed, np.random.Generator):
        gen = seed
    elif seed is None or (
        isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0
    ):
        gen = np.random.default_rng(seed)
    else:
        got = f"{seed!r}" if isinstance(seed, (int, np.integer)) else type(seed).__name__
        raise (ValueError if isinstance(seed, (int, np.integer)) else TypeError)(
            message(
                "default_rng",
                "rng",
                "None, an int >= 0 (a seed) or a generator from dlbook.backend.default_rng",
                got,
            )
        )
    if _state.name == "numpy":
        return gen
    if _state.name == "cupy" and not _state.reproducible:
        import cupy

        return cupy.random.default_rng(int(gen.integers(2**63)))
    return HostRNG(gen, _state.module)


def _is_device_generator(obj: Any) -> bool:
    return type(obj).__module__.startswith("cupy")


def copy_rng(rng: Any) -> Any:
    """An independent generator in the same state as ``rng`` (the same draws follow)."""
    if isinstance(rng, HostRNG):
        return HostRNG(copy.deepcopy(rng.host), rng.module)
    return copy.deepcopy(rng)


def is_rng(value: Any) -> bool:
    """A generator from ``backend.default_rng`` (NumPy's, CuPy's or a HostRNG)."""
    return hasattr(value, "random") and hasattr(value, "integers") and hasattr(value, "permutation")


def _use_from_environment() -> None:
    """Apply ``DLBOOK_DEVICE`` at import time; a bad value warns, never raises."""
    wanted = os.environ.get("DLBOOK_DEVICE", "").strip().lower()
    if not wanted or wanted == "numpy":
        return
    try:
        use(wanted)
    except (ValueError, RuntimeError) as exc:
        import warnings

        warnings.warn(f"DLBOOK_DEVICE={wanted!r} ignored: {exc}", RuntimeWarning, stacklevel=2)


def module_name(module: ModuleType | Any) -> str:
    """``"numpy"``, ``"cupy"`` or ``"fake"`` for an array module."""
    name = _name(module)
    return "fake" if "fake" in name else name.split(".")[0]


_use_from_environment()
