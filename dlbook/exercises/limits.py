"""Time limits for running a reader's code: one piece, for checks now and grading later.

``run(fn, seconds)`` calls ``fn()`` and returns what it returns, or raises
:class:`TimeLimitExceeded` when it has not returned within ``seconds``; either way
the kernel stays usable. How, in the order tried:

1. **An alarm signal** (POSIX, main thread: where a notebook's cells run). A
   ``SIGALRM`` timer raises an exception *inside* the reader's code, which
   unwinds it (its ``finally`` blocks run) and leaves the process as it was. This
   is pytest-timeout's default method. The exception is a ``BaseException``, so
   ``except Exception:`` in the reader's code does not catch it, and the signal
   repeats every 0.1 s after the limit, so code that catches it once with a bare
   ``except:`` is stopped at the next. (A bare ``except:`` inside an endless loop
   around another endless loop catches every one; nothing short of killing the
   process stops that, the kernel's Stop button included.) A long call inside C
   (one huge matrix product) is interrupted when it returns to Python. A timer
   already running (an outer limit, a test runner's) is put back, less the time
   spent.
2. **A worker thread** (Windows, or called off the main thread). ``fn`` runs in a
   daemon thread; at the limit the caller is answered at once, and the exception
   is injected into the worker (``PyThreadState_SetAsyncExc``), which stops it at
   its next Python instruction. A thread cannot be killed from outside, so a
   worker blocked in C (``time.sleep(10**6)``) sleeps on, idle, until that call
   returns.

A child process (fork or spawn) would also stop code stuck in C, but the reader's
function would run on a copy: changes it makes to its inputs (which the checks
look for), functions defined in a notebook (not picklable for spawn), GPU state
(CUDA does not survive a fork) and a kernel's own threads (fork copies only the
calling thread) all break it. Code that the limit must cut short is a reader's
loop, which both methods above stop.

Used by ``dlbook.exercises`` (every check, per case: :func:`checks.call`, and the
whole checker); ``dlbook grade`` is meant to reuse it. Built for chapter 00's
exercise machinery.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = [
    "DEFAULT_SECONDS",
    "PASS_THROUGH",
    "TimeLimitExceeded",
    "default_seconds",
    "format_seconds",
    "per_case",
    "run",
    "set_default_seconds",
]

T = TypeVar("T")

# Per case; DLBOOK_TIME_LIMIT (seconds; 0 = no limit) or set_default_seconds() changes it.
DEFAULT_SECONDS = 5.0
_REPEAT = 0.1  # after the limit, the alarm fires again this often until the code stops
_default: list[float | None] = []  # set_default_seconds() writes here


class TimeLimitExceeded(BaseException):
    """The code did not return within its time limit.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that the reader's
    ``except Exception:`` does not swallow it. ``seconds`` is the limit.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"did not return within {format_seconds(seconds)}")
        self.seconds = seconds


def format_seconds(seconds: float) -> str:
    """``5 s``, ``0.5 s``, ``2.25 s``."""
    return f"{seconds:g} s"


def _check_seconds(seconds: Any, name: str = "seconds") -> float | None:
    """A limit as float seconds, or None for no limit; the package's message otherwise."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(
            f"The '{name}' parameter must be a number of seconds > 0 or None (no limit). "
            f"Got {seconds!r} instead."
        )
    value = float(seconds)
    if math.isnan(value) or value < 0:
        raise ValueError(
            f"The '{name}' parameter must be a number of seconds > 0 or None (no limit). "
            f"Got {seconds!r} instead."
        )
    return None if value == 0 or math.isinf(value) else value


def default_seconds() -> float | None:
    """The per-case limit now in force: :func:`set_default_seconds`, else
    ``DLBOOK_TIME_LIMIT``, else :data:`DEFAULT_SECONDS`; None means no limit."""
    if _default:
        return _default[-1]
    text = os.environ.get("DLBOOK_TIME_LIMIT", "").strip()
    if text:
        try:
            return _check_seconds(float(text), "DLBOOK_TIME_LIMIT")
        except ValueError:
            pass  # a bad value: the default, as for an unset variable
    return DEFAULT_SECONDS


def set_default_seconds(seconds: float | None) -> None:
    """Set the per-case limit of every check in this kernel (``None`` or 0: no limit).

    Raises
    ------
    TypeError, ValueError
        ``seconds`` is not a number ≥ 0 or None.
    """
    _default[:] = [_check_seconds(seconds)]


@contextlib.contextmanager
def per_case(seconds: float | None) -> Iterator[None]:
    """Within the block, :func:`default_seconds` is ``seconds`` (``None``: no limit)."""
    _default.append(_check_seconds(seconds))
    try:
        yield
    finally:
        _default.pop()


def run(fn: Callable[[], T], seconds: float | None) -> T:
    """Call ``fn()`` and return its result, or raise :class:`TimeLimitExceeded` after ``seconds``.

    Parameters
    ----------
    fn : callable
        Taking no arguments (wrap the call: ``lambda: f(x)``). Whatever it raises
        is raised here unchanged.
    seconds : float or None
        The limit; ``None`` (or 0) runs ``fn`` without one.

    Raises
    ------
    TimeLimitExceeded
        ``fn`` did not return in time. It has been stopped (alarm method), or will
        stop at its next Python instruction (thread method).
    """
    limit = _check_seconds(seconds)
    if limit is None:
        return fn()
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _run_with_alarm(fn, limit)
    return _run_in_thread(fn, limit)


class _Alarm(BaseException):
    """Raised by the alarm handler inside the code being timed; never seen outside."""


# What a handler that reports a reader's exceptions must let through: the reader's own
# Ctrl-C (interrupt the kernel) and the stop signal of an enclosing time limit.
PASS_THROUGH: tuple[type[BaseException], ...] = (KeyboardInterrupt, _Alarm)


def _run_with_alarm(fn: Callable[[], T], limit: float) -> T:
    armed, fired = [True], [False]

    def on_alarm(signum: int, frame: Any) -> None:
        if armed[0]:
            fired[0] = True
            raise _Alarm

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, limit, _REPEAT)
    start = time.monotonic()
    try:
        value = fn()
    except _Alarm:
        armed[0] = False
        raise TimeLimitExceeded(limit) from None
    else:
        armed[0] = False
        if fired[0]:  # the code caught the alarm and went on: it still ran out of time
            raise TimeLimitExceeded(limit)
        return value
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay > 0:  # an outer timer: put it back, less the time spent here
            left = old_delay - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), old_interval)


def _run_in_thread(fn: Callable[[], T], limit: float) -> T:
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = fn()
        except _Alarm:
            outcome["stopped"] = True
        except BaseException as exc:  # handed to the caller as it is
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="dlbook-time-limited", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        _stop(worker)
        raise TimeLimitExceeded(limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _stop(worker: threading.Thread) -> None:
    """Ask the interpreter to raise :class:`_Alarm` in ``worker`` at its next instruction."""
    ident = worker.ident
    if ident is None:
        return
    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
    set_async_exc(ident, _Alarm)
