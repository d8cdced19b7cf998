"""Activations and losses, with their derivatives.

Every function here works on whole batches at once (no Python loop over samples),
dispatches on its input (``xp = backend.array_module(x)``, so it runs on NumPy,
CuPy or the fake device), keeps the input's floating dtype (float32 in, float32
out) and never modifies its arguments.

Two naming conventions:

- ``f_prime(z)`` is the elementwise derivative f'(z) of an activation, taken at
  the *input* z: ``sigmoid_prime(z) = sigmoid(z) * (1 - sigmoid(z))``.
- ``loss_grad(y, d)`` is the gradient of a scalar loss with respect to its first
  argument, with the same shape as ``y``.

Losses are means over the batch (the first axis), so that the learning rate does
not depend on the batch size. Targets ``d`` are either integer class labels of
shape (N,) or one-hot (or any probability) rows of shape (N, K).

Built in chapter 02 (sigmoid, tanh, ReLU, MSE) and chapter 03 (softmax,
log-sum-exp, cross-entropy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend
from .errors import message

__all__ = [
    "check_targets",
    "cross_entropy",
    "cross_entropy_grad",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "mse",
    "mse_grad",
    "one_hot",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "tanh",
    "tanh_prime",
]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


def _float_array(x: Any, name: str, where: str) -> Array:
    """``x`` as an array of a floating dtype on its device (lists and ints become float64)."""
    xp = backend.array_module(x)
    x = xp.asarray(x)
    if x.dtype.kind == "f":
        return x
    if x.dtype.kind in "iub":
        return x.astype(np.float64)
    raise TypeError(message(where, name, "a real array", f"dtype {x.dtype}"))


# --- activations ---------------------------------------------------------------


def sigmoid(x: Any) -> Array:
    """The logistic sigmoid σ(x) = 1 / (1 + e^(−x)), elementwise.

    Written as ``0.5 * (1 + tanh(x / 2))``, which is the same function and never
    overflows: ``exp(-x)`` overflows float32 for x < −88, ``tanh`` saturates.
    Its error is absolute, about one rounding step of 1: far in the negative
    tail (x < −17 in float32, x < −37 in float64) it returns exactly 0 where the
    true value is smaller than that step. For log-probabilities use
    :func:`log_sigmoid`, which is exact there.

    Parameters
    ----------
    x : ndarray of any shape, float

    Returns
    -------
    ndarray of the shape and dtype of ``x``, values in [0, 1].

    Built in chapter 02.
    """
    x = _float_array(x, "x", "sigmoid")
    xp = backend.array_module(x)
    s = xp.multiply(x, 0.5)  # σ(x) = ½ (1 + tanh(x/2))
    xp.tanh(s, out=s)
    s += 1.0
    s *= 0.5
    return s


def sigmoid_prime(z: Any) -> Array:
    """The derivative σ'(z) = σ(z) (1 − σ(z)), taken at the input ``z``.

    Returns an array of the shape and dtype of ``z``, values in [0, 1/4].
    Layers that have kept the output s = σ(z) use ``s * (1 - s)`` directly.

    Built in chapter 02.
    """
    z = _float_array(z, "z", "sigmoid_prime")
    xp = backend.array_module(z)
    s = sigmoid(z)
    ds = xp.subtract(1.0, s)
    ds *= s  # σ' = σ (1 − σ)
    return ds


def log_sigmoid(x: Any) -> Array:
    """log σ(x), elementwise, accurate in both tails; same shape and dtype as ``x``.

    Its derivative is 1 − σ(x) = σ(−x). Used for the binary cross-entropy
    −[d log σ(x) + (1 − d) log σ(−x)] without ever taking log(0).

    Built in chapter 03.
    """
    x = _float_array(x, "x", "log_sigmoid")
    xp = backend.array_module(x)
    return -xp.logaddexp(0, -x)  # log σ(x) = −log(1 + e^(−x)) = −logaddexp(0, −x)


def tanh(x: Any) -> Array:
    """The hyperbolic tangent, elementwise; same shape and dtype as ``x``.

    tanh(x) = 2 σ(2x) − 1, a sigmoid centred on zero with range (−1, 1).

    Built in chapter 02.
    """
    x = _float_array(x, "x", "tanh")
    xp = backend.array_module(x)
    return xp.tanh(x)


def tanh_prime(z: Any) -> Array:
    """The derivative tanh'(z) = 1 − tanh²(z), taken at the input ``z``.

    Built in chapter 02.
    """
    z = _float_array(z, "z", "tanh_prime")
    xp = backend.array_module(z)
    t = xp.tanh(z)
    t *= t
    return xp.subtract(1.0, t, out=t)  # 1 − tanh²


def relu(x: Any) -> Array:
    """The rectified linear unit max(0, x), elementwise; same shape and dtype as ``x``.

    Built in chapter 02.
    """
    x = _float_array(x, "x", "relu")
    xp = backend.array_module(x)
    return xp.maximum(x, 0)


def relu_prime(z: Any) -> Array:
    """The derivative of ReLU at ``z``: 1 where z > 0, else 0.

    At z = 0 the function has a kink; we take the derivative there to be 0, as
    PyTorch does. Same shape and dtype as ``z``.

    Built in chapter 02.
    """
    z = _float_array(z, "z", "relu_prime")
    return (z > 0).astype(z.dtype)


# --- softmax and log-sum-exp ----------------------------------------------------


def _row_max(x: Array, axis: int) -> Array:
    """max(x) along ``axis``, kept as a length-1 axis; 0 for rows whose max is ±inf."""
    xp = backend.array_module(x)
    m = x.max(axis=axis, keepdims=True)
    return xp.where(xp.isfinite(m), m, 0)  # shifting an all −inf row by −inf would give nan


def logsumexp(x: Any, axis: int = -1, keepdims: bool = False) -> Array:
    """log Σ exp(x) along ``axis``, without overflow or underflow.

    Uses log Σ_k e^(x_k) = m + log Σ_k e^(x_k − m) with m = max_k x_k, so the
    largest term is e^0 = 1 and nothing overflows. A row that is all −inf gives −inf.

    Parameters
    ----------
    x : ndarray, float
    axis : int
        The axis to reduce (default: the last one, the classes).
    keepdims : bool
        Keep the reduced axis with length 1, for broadcasting against ``x``.

    Built in chapter 03.
    """
    x = _float_array(x, "x", "logsumexp")
    xp = backend.array_module(x)
    m = _row_max(x, axis)
    s = xp.exp(x - m).sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):  # log 0 = −inf is the right answer for −inf rows
        out = xp.log(s)
    out += m  # m + log Σ e^(x − m)
    return out if keepdims else out.squeeze(axis)


def softmax(x: Any, axis: int = -1) -> Array:
    """Softmax along ``axis``: p_k = e^(x_k) / Σ_j e^(x_j).

    The row maximum is subtracted first (softmax(x) = softmax(x − c) for any c),
    so logits of ±1e4 give exact zeros and ones instead of inf/inf = nan.

    Parameters
    ----------
    x : ndarray of shape (N, K) (any shape works), float
    axis : int
        The axis of the classes.

    Returns
    -------
    ndarray of the shape and dtype of ``x``; entries in [0, 1], summing to 1 along ``axis``.

    Built in chapter 03.
    """
    x = _float_array(x, "x", "softmax")
    xp = backend.array_module(x)
    p = x - x.max(axis=axis, keepdims=True)  # softmax(x) = softmax(x − max x)
    xp.exp(p, out=p)
    p /= p.sum(axis=axis, keepdims=True)
    return p


def log_softmax(x: Any, axis: int = -1) -> Array:
    """log softmax(x) = x − logsumexp(x), along ``axis``.

    Never takes the log of a probability that has underflowed to 0: for logits
    of ±1e4 it gives exact large negative numbers where ``log(softmax(x))``
    would give −inf. Same shape and dtype as ``x``.

    Built in chapter 03.
    """
    x = _float_array(x, "x", "log_softmax")
    xp = backend.array_module(x)
    z = x - _row_max(x, axis)  # log p_k = (x_k − m) − log Σ_j e^(x_j − m)
    with np.errstate(divide="ignore"):
        z -= xp.log(xp.exp(z).sum(axis=axis, keepdims=True))
    return z


# --- targets --------------------------------------------------------------------


def one_hot(labels: Any, n_classes: int, dtype: Any = np.float32) -> Array:
    """Integer labels (N,) as one-hot rows (N, n_classes): row n has a 1 at ``labels[n]``.

    Raises
    ------
    TypeError
        If ``labels`` are not integers.
    ValueError
        If ``labels`` is not 1-D, or (for host arrays) a label is outside
        ``[0, n_classes)``.

    Built in chapter 03.
    """
    xp = backend.array_module(labels)
    labels = xp.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"one_hot: labels must be integers; got dtype {labels.dtype}. "
            "Convert with labels.astype(int) if they are whole numbers."
        )
    if labels.ndim != 1:
        raise ValueError(f"one_hot: labels must have shape (N,); got shape {labels.shape}.")
    _check_label_range(labels, n_classes, "one_hot")
    out = xp.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[xp.arange(labels.shape[0]), labels] = 1
    return out


def _check_label_range(labels: Array, n_classes: int, where: str) -> None:
    """Labels in [0, n_classes). Checked on the host only: on a GPU it would cost a sync.

    The losses' docstrings say so; ``inputs.prepare`` checks once per ``fit`` call.
    """
    if backend.array_module(labels) is not np or labels.size == 0:
        return
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0 or hi >= n_classes:
        raise ValueError(
            f"{where}: labels must lie in [0, {n_classes}) for {n_classes} classes; "
            f"got labels from {lo} to {hi}."
        )


def check_targets(d: Any, scores: Array, where: str) -> Array:
    """Targets for ``scores`` (N, K) on their device: integer labels (N,) or rows (N, K)."""
    xp = backend.array_module(scores)
    d = xp.asarray(d)
    n, c = scores.shape
    if d.dtype.kind in "iu":
        if d.shape != (n,):
            raise ValueError(
                f"{where}: integer targets must have shape (N,) = ({n},); got shape {d.shape}."
            )
        _check_label_range(d, c, where)
        return d
    if d.dtype.kind == "f":
        if d.shape != (n, c):
            raise ValueError(
                f"{where}: one-hot targets must have shape (N, K) = {(n, c)}; got shape {d.shape}."
            )
        return d
    raise TypeError(
        f"{where}: targets must be integer labels (N,) or float one-hot rows (N, K); "
        f"got dtype {d.dtype}."
    )


def _check_2d(x: Array, name: str, where: str) -> None:
    if x.ndim != 2:
        raise ValueError(f"{where}: {name} must have shape (N, K); got shape {x.shape}.")


# --- losses ---------------------------------------------------------------------


def cross_entropy(p: Any, d: Any) -> Array:
    """Mean cross-entropy C = −(1/N) Σ_n Σ_k d_nk log p_nk of probabilities ``p``.

    Parameters
    ----------
    p : ndarray of shape (N, K), float
        Predicted probabilities (rows of a softmax).
    d : ndarray of shape (N,), int, or of shape (N, K), float
        Targets: class labels, or one-hot (or any probability) rows.

    Returns
    -------
    0-d array of the dtype of ``p`` (on NumPy, a NumPy scalar); ``float(...)`` for a number.

    Notes
    -----
    ``p`` is clipped below at the smallest normal number of its dtype, so a
    confident wrong answer costs −log(tiny) ≈ 87 (float32) or 708 (float64) nats
    instead of inf, and 0 · log 0 counts as 0. From logits, use
    :func:`softmax_cross_entropy`, which is exact and stable.

    What is not checked: integer labels are checked to lie in ``[0, K)`` on NumPy
    only. On a GPU (CuPy, and the fake device) they are not, because the check
    would cost a device-to-host copy on every call; there a label out of range
    wraps around and silently gives the loss of another class. ``Sequential.fit``
    and ``evaluate`` check the labels once per call. One-hot rows are not checked
    to be non-negative or to sum to 1, and no input is checked to be finite.

    Built in chapter 03.
    """
    p = _float_array(p, "p", "cross_entropy")
    xp = backend.array_module(p)
    _check_2d(p, "p", "cross_entropy")
    d = check_targets(d, p, "cross_entropy")
    n = p.shape[0]
    if d.dtype.kind in "iu":
        picked = p[xp.arange(n), d]  # p_n,d_n
        logp = xp.log(xp.maximum(picked, xp.finfo(p.dtype).tiny))
        return -logp.sum() / n
    logp = xp.log(xp.maximum(p, xp.finfo(p.dtype).tiny))
    logp *= d
    return -logp.sum() / n


def cross_entropy_grad(p: Any, d: Any) -> Array:
    """∂C/∂p of :func:`cross_entropy`: −d / (N p), shape (N, K), dtype of ``p``.

    With the same clipping of ``p`` at the smallest normal number.

    Built in chapter 03.
    """
    p = _float_array(p, "p", "cross_entropy_grad")
    xp = backend.array_module(p)
    _check_2d(p, "p", "cross_entropy_grad")
    d = check_targets(d, p, "cross_entropy_grad")
    if d.dtype.kind in "iu":
        d = one_hot(d, p.shape[1], dtype=p.dtype)
    g = xp.maximum(p, xp.finfo(p.dtype).tiny)
    g *= -p.shape[0]
    return xp.divide(d, g, out=g)  # −d / (N p)


def softmax_cross_entropy(logits: Any, d: Any) -> Array:
    """Mean cross-entropy of softmax(logits) against targets ``d``, from the logits.

    C = −(1/N) Σ_n Σ_k d_nk log_softmax(x)_nk, with log_softmax by log-sum-exp, so
    logits of ±1e4 give a finite loss (up to 2e4) and never nan.

    Parameters
    ----------
    logits : ndarray of shape (N, K), float
    d : ndarray of shape (N,), int, or of shape (N, K), float

    Returns
    -------
    0-d array of the dtype of ``logits`` (on NumPy, a NumPy scalar).

    Built in chapter 03.
    """
    x = _float_array(logits, "logits", "softmax_cross_entropy")
    xp = backend.array_module(x)
    _check_2d(x, "logits", "softmax_cross_entropy")
    d = check_targets(d, x, "softmax_cross_entropy")
    logp = log_softmax(x)
    n = x.shape[0]
    if d.dtype.kind in "iu":
        return -logp[xp.arange(n), d].sum() / n
    logp *= d
    return -logp.sum() / n


def softmax_cross_entropy_grad(logits: Any, d: Any) -> Array:
    """∂C/∂logits of :func:`softmax_cross_entropy`: (softmax(x) − d) / N.

    The whole chain softmax → log → cross-entropy collapses to this difference,
    which is why the two are fused into one layer. Shape (N, K), dtype of ``logits``.

    Built in chapter 03.
    """
    x = _float_array(logits, "logits", "softmax_cross_entropy_grad")
    xp = backend.array_module(x)
    _check_2d(x, "logits", "softmax_cross_entropy_grad")
    d = check_targets(d, x, "softmax_cross_entropy_grad")
    n = x.shape[0]
    g = softmax(x)
    if d.dtype.kind in "iu":
        g[xp.arange(n), d] -= 1  # p − d with d one-hot
    else:
        g -= d
    g /= n
    return g


def mse(y: Any, d: Any) -> Array:
    """Mean squared error C = (1 / 2N) Σ_n ‖y_n − d_n‖².

    The factor ½ makes the gradient simply (y − d)/N. The mean runs over the batch
    only: PyTorch's ``F.mse_loss`` averages over all N·K elements and has no ½, so
    ``mse(y, d) == F.mse_loss(y, d) * K / 2`` for outputs of shape (N, K).

    Parameters
    ----------
    y : ndarray of shape (N, ...) , float
        Outputs.
    d : ndarray of the same shape
        Targets.

    Returns
    -------
    0-d array of the dtype of ``y`` (on NumPy, a NumPy scalar).

    Raises
    ------
    ValueError
        If ``y`` and ``d`` differ in shape.

    Built in chapter 02.
    """
    y = _float_array(y, "y", "mse")
    xp = backend.array_module(y)
    d = xp.asarray(d).astype(y.dtype, copy=False)
    _same_shape(y, d, "mse")
    r = y - d
    r *= r
    return r.sum() / (2 * y.shape[0])


def mse_grad(y: Any, d: Any) -> Array:
    """∂C/∂y of :func:`mse`: (y − d) / N, same shape and dtype as ``y``.

    Built in chapter 02.
    """
    y = _float_array(y, "y", "mse_grad")
    xp = backend.array_module(y)
    d = xp.asarray(d).astype(y.dtype, copy=False)
    _same_shape(y, d, "mse_grad")
    g = y - d
    g /= y.shape[0]
    return g


def _same_shape(y: Array, d: Array, where: str) -> None:
    if y.shape != d.shape:
        raise ValueError(
            f"{where}: outputs y and targets d must have the same shape; "
            f"got y {y.shape} and d {d.shape}."
        )
    if y.ndim == 0:
        raise ValueError(f"{where}: y must have a batch axis (N, ...); got a scalar.")
