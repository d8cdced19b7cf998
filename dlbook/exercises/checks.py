"""Helpers for writing exercise checkers: call the reader's code, compare, explain.

A checker is a function ``checker(fn) -> None | str`` that raises
:class:`CheckFailure` with a reader-facing message when ``fn`` is wrong. The helpers
here do the common parts and phrase the messages the same way in every chapter::

    def check_dense_backward(fn):
        dx = checks.call(fn, x, W, dout, case="one sample")
        checks.expect_array(dx, x_expected, case="one sample", rtol=1e-6)
        checks.expect_close_gradient(grad_fn, loss_fn, x0, case="random 3x4")
        return "2 cases"

Every message starts with the case (``on case 'z = 0': ...``) so that the reader
knows which input to try. Arrays from the GPU (CuPy or the fake device) are
compared on the host. Used by every chapter's exercises (``dlbook.exercises.chNN``).
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .. import backend
from . import limits
from .fixtures import fixed_array  # one source, re-exported for checkers

__all__ = [
    "fixed_array",
    "CheckFailure",
    "NotAttempted",
    "call",
    "expect_array",
    "expect_close_gradient",
    "expect_finite",
    "expect_output",
    "expect_scalar",
    "expect_shape",
    "plain_signature",
    "same_value",
]


class CheckFailure(Exception):
    """The reader's answer is wrong; the message says what is wrong, for the reader."""


class NotAttempted(Exception):
    """The reader's function is still the stub (it raised ``NotImplementedError``)."""


# --- small formatting helpers -------------------------------------------------------------


def _on(case: str | None) -> str:
    return f"on case '{case}': " if case else ""


def _num(v: Any) -> str:
    """A number as a short, stable text: ``1.0``, ``-0.25``, ``1e-08``, ``nan``."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError):
        return repr(v)
    if math.isnan(f) or math.isinf(f):
        return str(f)
    text = f"{f:.6g}"
    return text + ".0" if text.lstrip("-").isdigit() else text


def _index(idx: Sequence[Any]) -> str:
    """``(2,)`` -> ``2``; ``(1, 0)`` -> ``(1, 0)``."""
    idx = tuple(int(i) for i in idx)
    return str(idx[0]) if len(idx) == 1 else str(idx)


def _type_name(obj: Any) -> str:
    return type(obj).__name__


def _is_array(obj: Any) -> bool:
    return hasattr(obj, "shape") and hasattr(obj, "dtype") and not isinstance(obj, type)


def _host(a: Any) -> np.ndarray:
    """A NumPy view or copy of an array from any device."""
    return np.asarray(backend.to_cpu(a))


def plain_signature(fn: Callable[..., Any]) -> str:
    """The parameters of ``fn`` without annotations: ``(z, alpha=0.01)``.

    Returns ``"(...)"`` when Python cannot tell (some built-ins).
    """
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return "(...)"
    parts = []
    for p in sig.parameters.values():
        name = p.name
        if p.kind is p.VAR_POSITIONAL:
            name = "*" + name
        elif p.kind is p.VAR_KEYWORD:
            name = "**" + name
        if p.default is not p.empty:
            name += f"={p.default!r}"
        parts.append(name)
    return "(" + ", ".join(parts) + ")"


# --- calling the reader's code -------------------------------------------------------------


def call(
    fn: Callable[..., Any],
    *args: Any,
    case: str | None = None,
    like: Callable[..., Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Call the reader's ``fn(*args, **kwargs)`` and turn its errors into a message.

    Parameters
    ----------
    fn : callable
        The reader's function.
    *args, **kwargs
        What to call it with.
    case : str, optional
        The name of the case, used in messages.
    like : callable, optional
        The reference; when ``fn`` cannot take these arguments the message shows
        the reference's parameters as the signature to aim for.

    Returns
    -------
    Whatever ``fn`` returns.

    Raises
    ------
    NotAttempted
        ``fn`` raised ``NotImplementedError`` (the shipped stub).
    CheckFailure
        ``fn`` cannot be called with these arguments, raised any other exception
        (``SystemExit`` too: anything but ``KeyboardInterrupt``), or did not return
        within the per-case time limit (:func:`limits.default_seconds`, 5 s unless
        set). The message names the case and the exception or the limit.
    """
    if not callable(fn):
        raise CheckFailure(f"expected a function, got {_type_name(fn)}")
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        try:
            sig.bind(*args, **kwargs)
        except TypeError as exc:
            name = getattr(fn, "__name__", "your function")
            expected = f"; expected a signature like {plain_signature(like)}" if like else ""
            raise CheckFailure(
                f"{_on(case)}{name}{plain_signature(fn)} cannot be called with "
                f"{len(args)} argument(s) ({exc}){expected}"
            ) from None

    def attempt() -> Any:
        # Overflow warnings from the reader's code are not printed: the checks that
        # follow report the NaN/inf they produce, once, with the case. (Entered here,
        # in whichever thread runs the call: NumPy's error state is per thread.)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    seconds = limits.default_seconds()
    try:
        return limits.run(attempt, seconds)
    except limits.TimeLimitExceeded as exc:
        where = f" on case '{case}'" if case else ""
        raise CheckFailure(
            f"your function did not return within {limits.format_seconds(exc.seconds)}{where}. "
            "Look for a loop whose condition never changes; if it is only slow, allow more "
            f"time: exercises.set_time_limit({_more(exc.seconds)})"
        ) from None
    except NotImplementedError as exc:
        raise NotAttempted(str(exc)) from None
    except limits.PASS_THROUGH:
        raise
    except BaseException as exc:  # the reader's bug, sys.exit() too: report, never raise
        detail = f": {exc}" if str(exc) else ""
        raise CheckFailure(f"{_on(case)}your function raised {_type_name(exc)}{detail}") from None


def _more(seconds: float) -> str:
    """A limit worth trying next: four times this one, rounded up to whole seconds."""
    return str(max(1, math.ceil(4 * seconds)))


# --- comparing outputs ---------------------------------------------------------------------


def expect_shape(got: Any, shape: Sequence[int], *, case: str | None = None) -> None:
    """Fail unless ``got`` is an array of exactly this shape.

    Raises
    ------
    CheckFailure
        ``"on case X: expected shape (3, 4), got (4, 3)"``.
    """
    shape = tuple(int(s) for s in shape)
    if not _is_array(got):
        raise CheckFailure(f"{_on(case)}expected an array of shape {shape}, got {_describe(got)}")
    if tuple(got.shape) != shape:
        raise CheckFailure(f"{_on(case)}expected shape {shape}, got {tuple(got.shape)}")


def expect_finite(got: Any, *, case: str | None = None) -> None:
    """Fail if the array (or number) ``got`` holds NaN or infinity.

    Raises
    ------
    CheckFailure
        ``"on case X: returned NaN/inf at index 3 (large inputs? ...)"``.
    """
    a = _host(got)
    if a.dtype.kind not in "fc":
        return
    bad = ~np.isfinite(a)
    if bad.any():
        where = f" at index {_index(np.argwhere(bad)[0])}" if a.ndim else ""
        raise CheckFailure(
            f"{_on(case)}returned NaN/inf{where} (large inputs? look for exp() of a "
            f"large number, a log of 0 or a division by 0)"
        )


def expect_array(
    got: Any,
    expected: Any,
    *,
    case: str | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    check_dtype: bool = False,
    name: str = "",
) -> None:
    """Fail unless ``got`` is an array equal to ``expected`` within the tolerances.

    The checks, in order: an array (a list of numbers is accepted), the shape, the
    dtype kind (float / int / bool, only when ``check_dtype``), NaN/inf where a finite
    value is expected, then the values (``|got - expected| <= atol + rtol * |expected|``).

    Parameters
    ----------
    got : array-like
        The reader's output (NumPy, CuPy or the fake device).
    expected : array-like
        The reference output.
    case : str, optional
        Name of the case, for the message.
    rtol, atol : float
        Relative and absolute tolerance.
    check_dtype : bool
        Also require the same dtype kind (``"f"``, ``"i"``, ``"b"`` ...).
    name : str
        What the output is called in messages when there are several (``"output 2"``).

    Raises
    ------
    CheckFailure
        With the first problem found, e.g. ``"on case 'z = 0': expected 1.0 at index
        0, got 0.0; max abs error 1.0"``.
    """
    what = f"{name}: " if name else ""
    prefix = _on(case) + what
    exp = _host(expected)
    if got is None:
        raise CheckFailure(f"{prefix}your function returned None (did you forget `return`?)")
    if _is_array(got):
        a = _host(got)
    elif isinstance(got, (list, tuple)):
        try:
            a = np.asarray(got)
        except (ValueError, TypeError):
            a = np.asarray(None, dtype=object)
        if a.dtype == object:
            raise CheckFailure(f"{prefix}expected an array, got a {_type_name(got)} of mixed items")
    elif isinstance(got, (int, float, np.number, bool)) and exp.ndim == 0:
        a = np.asarray(got)
    else:
        raise CheckFailure(
            f"{prefix}expected an array of shape {tuple(exp.shape)}, got {_describe(got)}"
        )
    if a.shape != exp.shape:
        raise CheckFailure(f"{prefix}expected shape {tuple(exp.shape)}, got {tuple(a.shape)}")
    if check_dtype and a.dtype.kind != exp.dtype.kind:
        raise CheckFailure(
            f"{prefix}expected {_KIND.get(exp.dtype.kind, exp.dtype.name)} values "
            f"(dtype {exp.dtype.name}), got dtype {a.dtype.name}"
        )
    if a.dtype.kind not in "biufc" or exp.dtype.kind not in "biufc":
        if not np.array_equal(a, exp):
            raise CheckFailure(f"{prefix}expected {exp!r}, got {a!r}")
        return
    exp_finite = np.isfinite(exp) if exp.dtype.kind in "fc" else np.ones(exp.shape, bool)
    got_bad = ~np.isfinite(a) if a.dtype.kind in "fc" else np.zeros(a.shape, bool)
    if (got_bad & exp_finite).any():
        idx = np.argwhere(got_bad & exp_finite)[0] if a.ndim else ()
        where = f" at index {_index(idx)}" if a.ndim else ""
        raise CheckFailure(
            f"{prefix}returned NaN/inf{where} where {_num(exp[tuple(idx)])} was expected "
            f"(large inputs? look for exp() of a large number, a log of 0 or a division by 0)"
        )
    with np.errstate(all="ignore"):
        af, ef = a.astype(np.float64), exp.astype(np.float64)
        close = np.isclose(af, ef, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        bad = np.argwhere(~close)
        idx = tuple(bad[0]) if a.ndim else ()
        with np.errstate(all="ignore"):
            err = np.abs(af - ef)[exp_finite]
        max_err = _num(np.max(err)) if err.size else "nan"
        at = f" at index {_index(idx)}" if a.ndim else ""
        many = f" ({len(bad)} of {a.size} values differ)" if a.size > 1 else ""
        raise CheckFailure(
            f"{prefix}expected {_num(exp[idx])}{at}, got {_num(a[idx])}; "
            f"max abs error {max_err}{many}"
        )


_KIND = {"f": "float", "i": "integer", "u": "unsigned integer", "b": "boolean", "c": "complex"}


def _describe(obj: Any) -> str:
    """``"int"``, ``"None"``, ``"an array of shape (3,)"``, ``"a tuple of 2 items"``."""
    if obj is None:
        return "None"
    if _is_array(obj):
        return f"an array of shape {tuple(obj.shape)}"
    if isinstance(obj, (tuple, list, dict)):
        return f"a {_type_name(obj)} of {len(obj)} items"
    return _type_name(obj)


def expect_scalar(
    got: Any,
    expected: Any,
    *,
    case: str | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    name: str = "",
) -> None:
    """Fail unless ``got`` is one number close to ``expected``.

    Python numbers, NumPy scalars and 0-d arrays count as one number; an array of
    shape ``(1,)`` does not (the message says to use ``float(...)`` or ``.sum()``).

    Raises
    ------
    CheckFailure
        ``"on case X: expected 0.5, got 0.25 (abs error 0.25)"``.
    """
    prefix = _on(case) + (f"{name}: " if name else "")
    if got is None:
        raise CheckFailure(f"{prefix}your function returned None (did you forget `return`?)")
    if _is_array(got):
        a = _host(got)
        if a.ndim != 0:
            raise CheckFailure(
                f"{prefix}expected a single number, got an array of shape {tuple(a.shape)} "
                f"(float(...), .item() or .sum() give one number)"
            )
        got = a[()]
    if not isinstance(got, (int, float, complex, np.number, bool, np.bool_)):
        raise CheckFailure(f"{prefix}expected a number, got {_describe(got)}")
    e = _host(expected)[()]
    if isinstance(e, (bool, np.bool_)):
        if bool(got) != bool(e) or not isinstance(got, (bool, np.bool_)):
            raise CheckFailure(f"{prefix}expected {_num(e)}, got {_num(got)}")
        return
    g, ef = complex(got), complex(e)
    if math.isfinite(abs(ef)) and not math.isfinite(abs(g)):
        raise CheckFailure(
            f"{prefix}returned NaN/inf where {_num(e)} was expected "
            f"(large inputs? look for exp() of a large number, a log of 0 or a division by 0)"
        )
    if not (abs(g - ef) <= atol + rtol * abs(ef) or (g == ef)):
        raise CheckFailure(
            f"{prefix}expected {_num(e)}, got {_num(got)} (abs error {_num(abs(g - ef))})"
        )


def expect_output(
    got: Any,
    expected: Any,
    *,
    case: str | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    check_dtype: bool = False,
    name: str = "",
) -> None:
    """Compare any output by the shape of ``expected``.

    A tuple or list of outputs is compared item by item (``output 2: ...`` in the
    message), a dict key by key, an array with :func:`expect_array`, a number with
    :func:`expect_scalar`, and anything else with ``==``.

    Raises
    ------
    CheckFailure
        Naming the case, the item and what differs.
    """
    prefix = _on(case) + (f"{name}: " if name else "")
    opts: dict[str, Any] = {"case": case, "rtol": rtol, "atol": atol}
    if isinstance(expected, tuple) or (
        isinstance(expected, list) and any(_is_array(e) for e in expected)
    ):
        if not isinstance(got, (tuple, list)) or _is_array(got):
            raise CheckFailure(
                f"{prefix}expected a tuple of {len(expected)} outputs, got {_describe(got)}"
            )
        if len(got) != len(expected):
            raise CheckFailure(f"{prefix}expected {len(expected)} outputs, got {len(got)}")
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            sub = f"{name} output {i + 1}".strip() if len(expected) > 1 else name
            expect_output(g, e, check_dtype=check_dtype, name=sub, **opts)
        return
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            raise CheckFailure(
                f"{prefix}expected a dict with keys {sorted(expected)}, got {_describe(got)}"
            )
        if set(got) != set(expected):
            raise CheckFailure(
                f"{prefix}expected the keys {sorted(expected)}, got {sorted(got, key=str)}"
            )
        for k in expected:
            sub = f"{name}[{k!r}]" if name else f"[{k!r}]"
            expect_output(got[k], expected[k], check_dtype=check_dtype, name=sub, **opts)
        return
    if _is_array(expected) and _host(expected).ndim > 0:
        expect_array(got, expected, check_dtype=check_dtype, name=name, **opts)
        return
    if _is_array(expected) or isinstance(expected, (int, float, complex, np.number, np.bool_)):
        expect_scalar(got, expected, name=name, **opts)
        return
    if not same_value(got, expected):
        raise CheckFailure(f"{prefix}expected {expected!r}, got {got!r}")


def same_value(a: Any, b: Any, _depth: int = 0) -> bool:
    """Whether two values are equal, looking inside arrays, containers and plain objects.

    NaN equals NaN; arrays must have the same shape and dtype. Objects without their
    own ``__eq__`` are compared by their attributes, so that a deep copy equals its
    original. Used to find a reader's function that changed its input in place.
    """
    if _depth > 20:
        return True
    if _is_array(a) or _is_array(b):
        if not (_is_array(a) and _is_array(b)):
            return False
        x, y = _host(a), _host(b)
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        return bool(np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same_value(x, y, _depth + 1) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same_value(a[k], b[k], _depth + 1) for k in a)
        )
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a).__eq__ is object.__eq__:
        da, db = getattr(a, "__dict__", None), getattr(b, "__dict__", None)
        if da is None or db is None:
            return True  # nothing we can look into (e.g. a C object): assume unchanged
        return same_value(da, db, _depth + 1)
    try:
        return bool(a == b)
    except Exception:  # an __eq__ that does not give a truth value
        return True


# --- gradients -------------------------------------------------------------------------------


def expect_close_gradient(
    fn_grad: Callable[[Any], Any],
    f: Callable[[Any], Any],
    x: Any,
    *,
    case: str | None = None,
    tol: float = 1e-5,
    eps: float = 1e-6,
) -> float:
    """Check an analytic gradient against central finite differences, in float64.

    ``fn_grad(x)`` must return an array of ``x``'s shape, the gradient of the scalar
    ``f(x)``. Each component is compared with
    ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` by the relative error
    ``|a - n| / max(|a|, |n|, 1e-8)``.

    Parameters
    ----------
    fn_grad : callable
        The gradient to check (usually the reader's), ``x -> array like x``.
    f : callable
        The scalar function, ``x -> float``.
    x : array-like
        The point; copied to float64, never changed.
    case : str, optional
        Name of the case, for the message.
    tol : float
        Largest relative error accepted.
    eps : float
        Step of the finite differences.

    Returns
    -------
    float
        The max relative error (at most ``tol``).

    Raises
    ------
    CheckFailure
        Wrong shape, NaN, or ``"on case X: gradient differs from finite differences:
        max relative error 0.5 at index 1 (yours 1.0, numerical 2.0); should be below 1e-05"``.
    NotAttempted
        ``fn_grad`` is the stub.
    """
    x0 = np.array(_host(x), dtype=np.float64)
    analytic = call(fn_grad, x0.copy(), case=case)
    if isinstance(analytic, (int, float, np.number)) and x0.ndim == 0:
        analytic = np.asarray(analytic)
    expect_shape(analytic, x0.shape, case=case)
    a = _host(analytic).astype(np.float64)
    expect_finite(a, case=case)
    numeric = np.zeros_like(x0)
    for i in np.ndindex(*x0.shape):  # a loop over components: test time only, small x
        xp, xm = x0.copy(), x0.copy()
        xp[i] += eps
        xm[i] -= eps
        fp = float(_host(call(f, xp, case=case)))
        fm = float(_host(call(f, xm, case=case)))
        numeric[i] = (fp - fm) / (2 * eps)
    rel = np.abs(a - numeric) / np.maximum(np.maximum(np.abs(a), np.abs(numeric)), 1e-8)
    worst = float(rel.max()) if rel.size else 0.0
    if worst > tol:
        idx = tuple(np.unravel_index(int(np.argmax(rel)), rel.shape))
        at = f" at index {_index(idx)}" if idx else ""
        raise CheckFailure(
            f"{_on(case)}gradient differs from finite differences: max relative error "
            f"{worst:.2g}{at} (yours {_num(a[idx])}, numerical {_num(numeric[idx])}); "
            f"should be below {tol:g}"
        )
    return worst
