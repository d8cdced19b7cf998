"""Gradient checks by finite differences, for functions, layers and whole models.

Backpropagation is easy to get almost right. The check compares the analytic
gradient with the central difference

    ∂L/∂θ_i ≈ (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε,

whose error is O(ε²), one element at a time, in float64. (A loop over elements
is allowed here: this is a check, not a training step.)

For an array-valued output y the scalar checked is L = Σ y ⊙ R with a fixed
random R, so that every output element, and every path back to the input,
counts; the analytic gradient of L is what ``backward(R)`` returns.

The error of one array is the relative error of the whole vector,

    ‖a − n‖ / (‖a‖ + ‖n‖),

which is 0 for a perfect match and 1 for unrelated vectors; below 1e-6 in
float64 means the backward pass is right. Where a gradient is nearly zero
(saturated units) this ratio measures rounding noise; look then at the absolute
error, which the report also gives.

Built in chapter 02; used in every chapter that writes a new layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import backend

__all__ = [
    "GradCheckEntry",
    "GradCheckReport",
    "check_function",
    "check_layer",
    "check_model",
    "numerical_gradient",
]

Array = Any


def numerical_gradient(f: Callable[[Array], Any], x: Array, eps: float = 1e-6) -> Array:
    """The gradient of a scalar function by central differences, element by element.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar (a float or 0-d array). It is called 2·x.size
        times, with ``x`` changed in place one element at a time.
    x : ndarray, float64
        The point; it is restored exactly afterwards (also if ``f`` raises).
    eps : float
        The step ε.

    Returns
    -------
    ndarray of the shape of ``x``, float64, on the device of ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not float64: a step of 1e-6 is below float32's resolution.

    Built in chapter 02.
    """
    dtype = getattr(x, "dtype", None)
    if dtype != np.float64:
        raise TypeError(
            f"numerical_gradient: x must be a float64 array (a step of {eps:g} is lost "
            f"in float32 rounding); got {dtype if dtype is not None else type(x).__name__}. "
            "Use x.astype(np.float64)."
        )
    xp = backend.array_module(x)
    grad = xp.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        old = float(x[idx])
        try:
            x[idx] = old + eps
            f_plus = float(f(x))
            x[idx] = old - eps
            f_minus = float(f(x))
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


@dataclass(frozen=True)
class GradCheckEntry:
    """The comparison for one array: the input ``x`` or a parameter."""

    name: str
    shape: tuple[int, ...]
    rel_error: float  # ‖a − n‖ / (‖a‖ + ‖n‖)
    max_abs_error: float  # max_i |a_i − n_i|
    worst_index: tuple[int, ...]  # argmax_i |a_i − n_i|
    analytic: float  # a at the worst index
    numeric: float  # n at the worst index


@dataclass
class GradCheckReport:
    """The result of a gradient check: one :class:`GradCheckEntry` per array.

    ``report.max_rel_error`` is the largest relative error, ``report.worst`` its
    entry, ``report.errors`` the relative error per array, ``report.ok`` whether
    all are below ``tol`` and no input was modified. ``print(report)`` gives a table.
    """

    what: str
    entries: list[GradCheckEntry]
    eps: float
    tol: float
    problems: list[str] = field(default_factory=list)

    @property
    def max_rel_error(self) -> float:
        return max((e.rel_error for e in self.entries), default=0.0)

    @property
    def worst(self) -> GradCheckEntry:
        if not self.entries:
            raise ValueError(f"GradCheckReport: nothing was checked for {self.what}.")
        return max(self.entries, key=lambda e: e.rel_error)

    @property
    def errors(self) -> dict[str, float]:
        return {e.name: e.rel_error for e in self.entries}

    @property
    def ok(self) -> bool:
        return self.max_rel_error < self.tol and not self.problems

    def __getitem__(self, name: str) -> GradCheckEntry:
        for e in self.entries:
            if e.name == name:
                return e
        raise KeyError(f"{name!r} was not checked; checked: {[e.name for e in self.entries]}.")

    def __str__(self) -> str:
        width = max([len(e.name) for e in self.entries] + [5])
        lines = [
            f"gradient check of {self.what} (float64, central differences, eps={self.eps:g})",
            f"  {'array':<{width}}  {'shape':<14} {'rel. error':>10}  {'max |a − n|':>11}  "
            "worst index",
        ]
        for e in self.entries:
            lines.append(
                f"  {e.name:<{width}}  {str(e.shape):<14} {e.rel_error:>10.1e}  "
                f"{e.max_abs_error:>11.1e}  {e.worst_index}"
            )
        if self.entries:
            w = self.worst
            lines.append(
                f"worst: {w.name} at {w.worst_index}, relative error {w.rel_error:.1e} "
                f"(analytic {w.analytic:.8g}, numeric {w.numeric:.8g})"
            )
        lines += [f"problem: {p}" for p in self.problems]
        verdict = "passed" if self.ok else "FAILED"
        lines.append(
            f"{verdict}: max relative error {self.max_rel_error:.1e} (tolerance {self.tol:g})"
        )
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython shows the table
        p.text(str(self))


def _compare(name: str, analytic: Array, numeric: Array) -> GradCheckEntry:
    a = np.asarray(backend.to_cpu(analytic), dtype=np.float64)  # host: compared on the CPU
    n = np.asarray(backend.to_cpu(numeric), dtype=np.float64)  # host: compared on the CPU
    if a.shape != n.shape:
        raise ValueError(
            f"gradient check: the analytic gradient of {name} has shape {a.shape}, "
            f"but {name} has shape {n.shape}."
        )
    if a.size == 0:
        return GradCheckEntry(name, tuple(a.shape), 0.0, 0.0, (), 0.0, 0.0)
    diff = np.abs(a - n)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    rel = float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0
    if not np.all(np.isfinite(diff)):
        rel = math.inf
    flat = int(np.argmax(np.where(np.isnan(diff), np.inf, diff)))  # a nan is the worst
    worst: tuple[int, ...] = tuple(int(i) for i in np.unravel_index(flat, a.shape))
    return GradCheckEntry(
        name=name,
        shape=tuple(a.shape),
        rel_error=rel,
        max_abs_error=float(diff[worst]),
        worst_index=worst,
        analytic=float(a[worst]),
        numeric=float(n[worst]),
    )


def _float64(a: Any, name: str, where: str) -> Array:
    """A float64 copy of ``a`` on its own device."""
    if not hasattr(a, "dtype"):
        raise TypeError(f"{where}: {name} must be an array; got {type(a).__name__}.")
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{where}: {name} must be a real array; got dtype {a.dtype}.")
    return a.astype(np.float64)  # astype copies: the caller's array is never touched


def _is_index(x: Any) -> bool:
    """Integer input (token indices for an Embedding): it has no gradient to check."""
    return getattr(getattr(x, "dtype", None), "kind", "f") in "iu"


def _projection(shape: tuple[int, ...], seed: int, like: Array) -> Array:
    """A fixed standard-normal R of ``shape`` on the device of ``like`` (drawn on the host)."""
    r = backend.to_cpu(backend.default_rng(seed).standard_normal(shape))  # float64, on the host
    xp = backend.array_module(like)
    return xp.asarray(r)


def _same(a: Array, b: Array) -> bool:
    xp = backend.array_module(a)
    return bool(xp.array_equal(a, b))


def _rng_resetter(layers: list[Any], train: bool) -> Callable[[], None]:
    """In train mode, a function that puts every layer's generator back to its present state.

    So a Dropout layer draws the same mask at every evaluation of the loss.
    """
    saved = [
        (layer, backend.copy_rng(layer.rng)) for layer in layers if train and hasattr(layer, "rng")
    ]

    def reset() -> None:
        for layer, rng in saved:
            layer.rng = backend.copy_rng(rng)

    return reset


def check_layer(
    layer: Any,
    x: Array,
    *,
    train: bool = False,
    seed: int = 0,
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> GradCheckReport:
    """Check a layer's ``backward`` against finite differences, on a float64 copy.

    The loss is L = Σ forward(x) ⊙ R with a fixed random R (``seed``); the
    gradient with respect to ``x`` and to every parameter is checked. The layer
    itself is not changed: the check runs on ``layer.astype(np.float64)``.

    Parameters
    ----------
    layer : Layer
    x : ndarray
        A batch for ``layer.forward``, on the layer's device; used as float64.
        Integer input (token indices for an embedding) is used as it is, and
        only the parameters are checked.
    train : bool
        Run ``forward`` in training mode. A layer with a generator (Dropout) is
        then checked with a fixed mask: its generator is reset to the same state
        before every evaluation, so the + and − evaluations see the same mask.
        With ``train=False`` Dropout is the identity.
    seed : int
        Seed of the projection R.
    eps, tol : float
        The finite-difference step and the relative error that passes.

    Returns
    -------
    GradCheckReport
        Also notes when ``forward`` modified ``x`` or ``backward`` modified ``dout``.

    Built in chapter 02.
    """
    work = layer.astype(np.float64)
    x_is_index = _is_index(x)
    work.needs_input_grad = not x_is_index
    x64 = x.copy() if x_is_index else _float64(x, "x", "check_layer")
    x_before = x64.copy()
    reset_rng = _rng_resetter([work], train)

    def run() -> Array:
        reset_rng()
        return work.forward(x64, train=train)

    out = run()
    problems = [] if _same(x64, x_before) else ["forward modified its input x in place"]
    R = _projection(tuple(out.shape), seed, x64)
    dout = R.copy()
    dx = work.backward(dout)
    if not _same(dout, R):
        problems.append("backward modified dout in place")
    analytic = {k: g.copy() for k, g in work.grads.items()}

    def loss(_: Array) -> float:
        return float((run() * R).sum())

    entries = [] if x_is_index else [_compare("x", dx, numerical_gradient(loss, x64, eps))]
    for k, p in work.params.items():
        entries.append(_compare(k, analytic[k], numerical_gradient(loss, p, eps)))
    return GradCheckReport(repr(layer), entries, eps, tol, problems)


def check_function(
    f: Callable[[Array], Any],
    grad: Callable[[Array], Any],
    x: Array,
    *,
    seed: int = 0,
    eps: float = 1e-6,
    tol: float = 1e-6,
    name: str | None = None,
) -> GradCheckReport:
    """Check the derivative ``grad`` of a function ``f`` at ``x``, in float64.

    Two kinds of ``f`` are understood:

    - scalar-valued (a loss): ``grad(x)`` is ∂f/∂x, of the shape of ``x``;
      e.g. ``check_function(lambda y: mse(y, d), lambda y: mse_grad(y, d), y)``.
    - elementwise (an activation), ``f(x)`` of the shape of ``x``: ``grad(x)``
      is f'(x) elementwise; e.g. ``check_function(sigmoid, sigmoid_prime, z)``.

    For a function that mixes elements (softmax), check a scalar of it instead.

    Returns
    -------
    GradCheckReport
        Also notes when ``f`` or ``grad`` modified ``x``.

    Built in chapter 02.
    """
    label = name or str(getattr(f, "__name__", "f"))
    x64 = _float64(x, "x", "check_function")
    x_before = x64.copy()
    y = f(x64)
    scalar = getattr(y, "ndim", 0) == 0
    if not scalar and tuple(y.shape) != tuple(x64.shape):
        raise ValueError(
            f"check_function: f(x) has shape {tuple(y.shape)}, neither a scalar nor the shape "
            f"of x {tuple(x64.shape)}. Check a scalar of it, e.g. lambda x: (f(x) * R).sum()."
        )
    if scalar:
        analytic = grad(x64)

        def loss(_: Array) -> float:
            return float(f(x64))
    else:
        R = _projection(tuple(x64.shape), seed, x64)
        analytic = grad(x64) * R  # ∂/∂x Σ f(x) ⊙ R = f'(x) ⊙ R, elementwise f

        def loss(_: Array) -> float:
            return float((f(x64) * R).sum())

    problems = [] if _same(x64, x_before) else ["f or grad modified its input x in place"]
    entry = _compare("x", analytic, numerical_gradient(loss, x64, eps))
    return GradCheckReport(label, [entry], eps, tol, problems)


def check_model(
    model: Any,
    x: Array,
    y: Array,
    *,
    train: bool = False,
    seed: int = 0,
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> GradCheckReport:
    """Check backpropagation through a whole model with its loss, on float64 copies.

    ``model`` needs ``model.layers`` (a list of layers) and ``model.loss`` (a loss
    layer, e.g. ``SoftmaxCrossEntropy()``), as :class:`dlbook.network.Sequential`
    has. The loss checked is ``model.loss.forward(output, y)``; the gradients with
    respect to ``x`` and to every parameter of every layer are compared, named
    like ``layers[0].W (Dense)``. The model is not changed.

    ``train`` as in :func:`check_layer` (Dropout with fixed masks).

    Built in chapter 02.
    """
    if getattr(model, "loss", None) is None:
        raise ValueError(
            "check_model: model.loss is None; give the model a loss, "
            "e.g. Sequential([...], loss=SoftmaxCrossEntropy())."
        )
    layers = [layer.astype(np.float64) for layer in model.layers]
    loss_layer = model.loss.astype(np.float64)
    x_is_index = _is_index(x)
    for i, layer in enumerate(layers):
        layer.needs_input_grad = not (x_is_index and i == 0)
    x64 = x.copy() if x_is_index else _float64(x, "x", "check_model")
    targets = y.astype(np.float64) if y.dtype.kind == "f" else y
    reset_rng = _rng_resetter(layers, train)

    def loss(_: Array) -> float:
        reset_rng()
        h = x64
        for layer in layers:
            h = layer.forward(h, train=train)
        return float(loss_layer.forward(h, targets))

    loss(x64)
    dx = loss_layer.backward()
    for layer in reversed(layers):
        dx = layer.backward(dx)
    analytic = [{k: g.copy() for k, g in layer.grads.items()} for layer in layers]
    entries = [] if x_is_index else [_compare("x", dx, numerical_gradient(loss, x64, eps))]
    for i, layer in enumerate(layers):
        for k, p in layer.params.items():
            name = f"layers[{i}].{k} ({type(layer).__name__})"
            entries.append(_compare(name, analytic[i][k], numerical_gradient(loss, p, eps)))
    what = f"{type(model).__name__} of {len(layers)} layers with {type(model.loss).__name__}"
    return GradCheckReport(what, entries, eps, tol)
