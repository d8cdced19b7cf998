"""One template for the messages of wrong arguments, and the checks every module shares.

Every message says where, which argument, what was expected and what was given,
and, when there is one, the fix (DESIGN §2.1)::

    errors.message("SGD", "lr", "a float > 0", -1)
    # "SGD: lr must be a float > 0; got -1."
    raise ValueError(errors.message("Sequential.fit", "epochs", "an int >= 1", 0))

The checks below raise with that template: :func:`check_real` and
:func:`check_int` for hyper-parameters, :func:`check_float_array` for array
inputs. Nothing here imports the rest of the package.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["check_float_array", "check_int", "check_real", "message"]


def message(where: str, name: str, expected: str, got: Any, fix: str = "") -> str:
    """``"{where}: {name} must be {expected}; got {got!r}."``, then ``fix`` if given.

    ``got`` is shown with ``repr`` unless it is already a string describing what
    came (pass ``f"shape {x.shape}"`` for an array).
    """
    shown = got if isinstance(got, str) else repr(got)
    text = f"{where}: {name} must be {expected}; got {shown}."
    return f"{text} {fix}" if fix else text


def _interval(low: float, high: float | None, low_open: bool, high_open: bool) -> str:
    if high is None:
        return f"> {low:g}" if low_open else f">= {low:g}"
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    return f"in {left}{low:g}, {high:g}{right}"


def check_real(
    where: str,
    name: str,
    value: Any,
    low: float,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = True,
) -> float:
    """``value`` as a float in the stated interval.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is not).
    ValueError
        If it is not finite or lies outside the interval.
    """
    expected = f"a float {_interval(low, high, low_open, high_open)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(where, name, expected, value))
    v = float(value)
    ok = math.isfinite(v) and (v > low if low_open else v >= low)
    if high is not None:
        ok = ok and (v < high if high_open else v <= high)
    if not ok:
        raise ValueError(message(where, name, expected, value))
    return v


def check_int(where: str, name: str, value: Any, low: int = 1) -> int:
    """``value`` as an int >= ``low`` (a bool or a float is refused), else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(message(where, name, f"an int >= {low}", value))
    return int(value)


def check_float_array(where: str, x: Any, name: str = "input") -> None:
    """TypeError unless ``x`` is an array of a floating dtype, with the fix in the message."""
    dtype = getattr(x, "dtype", None)
    if dtype is None or not hasattr(x, "shape"):
        raise TypeError(
            message(
                where,
                name,
                "an array",
                type(x).__name__,
                "Make one with dlbook.backend.asarray(x, dtype=np.float32).",
            )
        )
    if dtype.kind != "f":
        raise TypeError(
            message(
                where,
                name,
                "a float array",
                f"dtype {dtype}",
                "Convert it with x.astype(np.float32).",
            )
        )
