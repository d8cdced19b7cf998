"""Checking a model's inputs and targets and moving them to its device, once per call.

    x = inputs(model, x, "predict")                  # an array on the device, model's dtype
    x, y, labels = prepare(model, x, y, "fit")       # also the targets and the class labels

Every message names the method (``Sequential.fit``), the argument, what was
expected and what was given (DESIGN §2.1). Used by :mod:`dlbook.network` and
:mod:`dlbook.training`; built in chapter 03.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend, errors

__all__ = ["check_finite", "check_int", "dry_run", "inputs", "prepare", "targets"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


def check_int(where: str, name: str, value: Any) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``Sequential.where`` and ``name``."""
    return errors.check_int(f"Sequential.{where}", name, value)


def inputs(model: Any, x: Any, where: str) -> Array:
    """``x`` on the current device in the model's dtype, with a batch axis."""
    if not hasattr(x, "shape"):
        if isinstance(x, (list, tuple)):
            x = backend.asarray(x)
        else:
            raise TypeError(
                f"Sequential.{where}: x must be an array of shape (N, ...); got {type(x).__name__}."
            )
    if x.dtype.kind not in "fiub":
        raise TypeError(f"Sequential.{where}: x must be numeric; got dtype {x.dtype}.")
    if x.ndim < 2:
        raise ValueError(
            f"Sequential.{where}: x must have a batch axis, shape (N, features) or "
            f"(N, C, H, W); got shape {tuple(x.shape)}. For one sample use x[None]."
        )
    if x.shape[0] == 0:
        raise ValueError(f"Sequential.{where}: x holds no samples (shape {tuple(x.shape)}).")
    return backend.asarray(x, dtype=model.dtype)


def dry_run(model: Any, x: Array, where: str) -> Array:
    """Run one sample through the model, turning a shape error into one about ``x``."""
    try:
        return model.forward(x[:1], train=False)
    except (ValueError, TypeError) as exc:
        raise type(exc)(
            f"Sequential.{where}: x of shape {tuple(x.shape)} does not fit the model: {exc}"
        ) from exc


def targets(model: Any, y: Any, n: int, where: str) -> Array:
    """``y`` on the current device: float rows in the model's dtype, or integer labels."""
    if not hasattr(y, "shape"):
        y = backend.asarray(y)
    if y.dtype.kind == "f":
        y = backend.asarray(y, dtype=model.dtype)
    elif y.dtype.kind in "iu":
        y = backend.asarray(y)
    else:
        raise TypeError(
            f"Sequential.{where}: y must hold integer class labels (N,) or float one-hot "
            f"rows (N, K); got dtype {y.dtype}."
        )
    if y.ndim == 0 or len(y) != n:
        n_y = "a scalar" if y.ndim == 0 else f"{len(y)} targets"
        raise ValueError(
            f"Sequential.{where}: x has {n} samples but y has {n_y}; they must match "
            "(one target per row of x)."
        )
    return y


def _integer_labels(y: Array, n_out: int | None, where: str) -> None:
    if y.ndim != 1:
        raise ValueError(
            f"Sequential.{where}: integer labels y must have shape (N,); got shape "
            f"{tuple(y.shape)}."
        )
    if n_out is not None:
        lo, hi = int(y.min()), int(y.max())  # one sync per call, not per batch
        if lo < 0 or hi >= n_out:
            raise ValueError(
                f"Sequential.{where}: labels y must lie in [0, {n_out}) because the model "
                f"has {n_out} outputs; got labels from {lo} to {hi}. Is the last layer's "
                "out_features the number of classes?"
            )


def _one_hot_rows(y: Array, n_out: int, where: str) -> None:
    if y.ndim == 1:
        raise TypeError(
            f"Sequential.{where}: y holds floats of shape {tuple(y.shape)}; class labels "
            "must be integers: pass y.astype(np.int64)."
        )
    if y.ndim != 2 or y.shape[1] != n_out:
        raise ValueError(
            f"Sequential.{where}: one-hot targets y must have shape (N, {n_out}) for a "
            f"model with {n_out} outputs; got shape {tuple(y.shape)}."
        )


def check_finite(a: Array, name: str, where: str) -> None:
    """A ValueError naming the first row of ``a`` that holds NaN or inf (float arrays only).

    One sum and one number read back per call (not per batch): one NaN in the data would
    otherwise turn every weight into NaN within a step. A NaN or inf anywhere makes the sum
    NaN or inf, so a finite sum clears the array without an (N, D) mask; only a sum that
    is not finite (bad data, or finite numbers whose sum overflows) looks element by element.
    """
    if a.dtype.kind not in "fc":
        return
    xp = backend.array_module(a)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing sum is looked into
        total = a.sum()
    if bool(xp.isfinite(total)):
        return
    ok = xp.isfinite(a)
    if bool(ok.all()):
        return  # the sum overflowed; every number is finite
    row = int((~ok.reshape(len(a), -1).all(axis=1)).argmax())
    values = backend.to_cpu(a[row]).reshape(-1)
    column = int((~np.isfinite(values)).argmax())
    at = f"row {row}" if a.ndim == 1 else f"row {row} (element {column} of the row)"
    raise ValueError(
        f"The '{name}' parameter of Sequential.{where} must hold finite numbers only; drop "
        f"or repair the rows with NaN or inf. Got {values[column]} in {at} instead."
    )


def prepare(model: Any, x: Any, y: Any, where: str) -> tuple[Array, Array, Array]:
    """Check and move ``x`` and ``y``; also returns the labels (None for a non-classifier).

    Raises ``ValueError`` for NaN or inf in ``x`` or in float targets ``y``, naming
    the first bad row, and for integer labels outside ``[0, K)`` (on every device:
    a GPU's indexing would wrap around instead of failing).
    """
    x = inputs(model, x, where)
    check_finite(x, "x", where)
    y = targets(model, y, len(x), where)
    check_finite(y, "y", where)
    out = dry_run(model, x, where)
    n_out = out.shape[1] if out.ndim == 2 else None
    classifier = n_out is not None and n_out >= 2
    if y.dtype.kind in "iu":
        _integer_labels(y, n_out, where)
        return x, y, (y if classifier else None)
    if n_out is not None and n_out >= 2:
        _one_hot_rows(y, n_out, where)
        return x, y, y.argmax(axis=1)
    return x, y, None
