"""Measuring what goes wrong in deep networks: weights, gradients, signals and label noise.

    from dlbook import diagnostics
    diagnostics.generalization(model, (x, y), (x_test, y_test))      # train/test accuracy, gap
    diagnostics.gradient_norms(model, x, y)                            # ‖∂C/∂W‖ per Dense layer
    diagnostics.activation_std(model, x)                               # the forward signal
    diagnostics.gradient_noise(model, x, y, batch_sizes=[1, 16, 256])  # E‖g_B − g‖² and σ²/B
    diagnostics.noisy_labels(y, 0.2, n_classes=10, rng=0)              # a fifth of them wrong

Everything numeric runs on the current device; results come back as NumPy arrays,
lists and floats, ready to print or plot (figures are in :mod:`dlbook.plots.training`).
Nothing here draws.

Built in chapter 04.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import backend
from .models import ACTIVATIONS
from .network import Sequential

__all__ = [
    "GradientNoise",
    "activation_std",
    "flat_gradient",
    "generalization",
    "gradient_noise",
    "gradient_norms",
    "near_zero_fraction",
    "noisy_labels",
    "weight_arrays",
]


# --- weights and accuracy --------------------------------------------------------------------


def weight_arrays(model: Sequential) -> list[np.ndarray]:
    """The weight matrices ``W`` of the model's Dense layers, first layer first, on the host."""
    return [backend.to_cpu(layer.params["W"]) for layer in model.layers if "W" in layer.params]


def near_zero_fraction(model: Sequential, tol: float = 1e-3) -> float:
    """The fraction of all weights (``W`` of every Dense layer) with ``|w| < tol``."""
    ws = weight_arrays(model)
    total = sum(w.size for w in ws)
    return float(sum(int(np.count_nonzero(np.abs(w) < tol)) for w in ws)) / max(total, 1)


def generalization(
    model: Sequential, train: tuple[Any, Any], test: tuple[Any, Any]
) -> dict[str, float]:
    """Accuracy and loss on the training and the test set, and the gap between them.

    Parameters
    ----------
    model : Sequential
    train, test : (x, y) pairs
        Evaluated with :meth:`Sequential.evaluate` (evaluation mode: no dropout).

    Returns
    -------
    dict
        ``train_accuracy``, ``test_accuracy``, ``gap`` (train − test accuracy, in
        [−1, 1]), ``train_loss``, ``test_loss``.
    """
    tr = model.evaluate(*train)
    te = model.evaluate(*test)
    return {
        "train_accuracy": tr["accuracy"],
        "test_accuracy": te["accuracy"],
        "gap": tr["accuracy"] - te["accuracy"],
        "train_loss": tr["loss"],
        "test_loss": te["loss"],
    }


# --- label noise --------------------------------------------------------------------------------


def noisy_labels(y: Any, fraction: float, n_classes: int, rng: Any = 0) -> np.ndarray:
    """A copy of the labels in which a random ``fraction`` of them is changed to another class.

    Each chosen label is replaced by one of the *other* ``n_classes − 1`` classes,
    uniformly, so exactly the chosen ones are wrong.

    Parameters
    ----------
    y : ndarray of shape (N,), int
    fraction : float in [0, 1]
    n_classes : int >= 2
    rng : int or generator

    Returns
    -------
    ndarray of shape (N,), int64, on the host.

    Raises
    ------
    ValueError
        For a fraction outside [0, 1] or fewer than two classes.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"noisy_labels: fraction must lie in [0, 1]; got {fraction!r}.")
    if n_classes < 2:
        raise ValueError(f"noisy_labels: n_classes must be >= 2; got {n_classes!r}.")
    labels = np.array(backend.to_cpu(y), dtype=np.int64)  # host: a copy we change
    gen = backend.default_rng(rng)
    flip = backend.to_cpu(gen.random(len(labels))) < fraction
    shift = backend.to_cpu(gen.integers(1, n_classes, size=len(labels)))  # 1 … K−1: never 0
    labels[flip] = (labels[flip] + shift[flip]) % n_classes
    return labels


# --- gradients, layer by layer -------------------------------------------------------------------


def _backprop(model: Sequential, x: Any, y: Any) -> float:
    """Forward (evaluation mode) and backward on one batch; the layers' grads are filled."""
    xb = backend.asarray(x, dtype=model.dtype)
    yb = backend.asarray(y)
    scores = model.forward(xb, train=False)
    loss = model.loss.forward(scores, yb)
    model.backward(input_grad=False)
    return float(loss)


def gradient_norms(model: Sequential, x: Any, y: Any) -> np.ndarray:
    """‖∂C/∂W‖ (Frobenius norm) of every Dense layer's weights, first layer first.

    One forward and backward pass on the batch ``(x, y)`` in evaluation mode (no
    dropout), at the model's current weights; the weights do not change.

    Parameters
    ----------
    model : Sequential
    x : ndarray of shape (N, D)
    y : ndarray of shape (N,), int

    Returns
    -------
    ndarray of shape (number of Dense layers,), float64, on the host.
    """
    _backprop(model, x, y)
    norms = []
    for layer in model.layers:
        if "W" in layer.params:
            g = layer.grads["W"]
            xp = backend.array_module(g)
            norms.append(float(xp.sqrt((g.astype(np.float64) ** 2).sum())))
    return np.array(norms)  # host: a handful of numbers to print and plot


def activation_std(model: Sequential, x: Any) -> np.ndarray:
    """The standard deviation of each activation layer's output over a batch (the forward signal).

    Returns
    -------
    ndarray of shape (number of activation layers,), float64, on the host.
    """
    h = backend.asarray(x, dtype=model.dtype)
    out = []
    for layer in model.layers:
        h = layer.forward(h, train=False)
        if isinstance(layer, tuple(ACTIVATIONS.values())):
            out.append(float(h.astype(np.float64).std()))
    return np.array(out)  # host


def flat_gradient(model: Sequential, x: Any, y: Any) -> np.ndarray:
    """The gradient of the mean loss on ``(x, y)`` with respect to every parameter, as one vector.

    Evaluation mode (no dropout); parameters in layer order, ``W`` before ``b``.

    Returns
    -------
    ndarray of shape (model.n_params,), float64, on the host.
    """
    _backprop(model, x, y)
    parts = [
        backend.to_cpu(g).astype(np.float64).ravel()
        for layer in model.layers
        for g in layer.grads.values()
    ]
    return np.concatenate(parts)


@dataclass
class GradientNoise:
    """The result of :func:`gradient_noise` (host arrays, one entry per batch size).

    Attributes
    ----------
    batch_sizes : ndarray of int
    measured : ndarray
        E‖g_B − g‖², averaged over the drawn mini-batches.
    predicted : ndarray
        σ²/B · (N − B)/(N − 1): the variance of a mean of B samples drawn without
        replacement from N, with σ² the mean ‖g_i − g‖² of single-sample gradients.
    full_norm2 : float
        ‖g‖², the squared norm of the full-batch gradient.
    sigma2 : float
        σ².
    """

    batch_sizes: np.ndarray
    measured: np.ndarray
    predicted: np.ndarray
    full_norm2: float
    sigma2: float

    def table(self) -> str:
        """Batch size, measured and predicted noise, and the noise-to-signal ratio.

        A measured value below 1e-12 σ² is rounding error (at B = N every batch is the
        whole set and g_B = g exactly), and is printed as 0.
        """
        lines = [
            f"{'B':>6}  {'E|g_B - g|^2':>13}  {'sigma^2/B (N-B)/(N-1)':>22}  {'noise / |g|^2':>13}"
        ]
        floor = 1e-12 * self.sigma2
        for b, m, p in zip(self.batch_sizes, self.measured, self.predicted, strict=True):
            m = 0.0 if abs(m) < floor else m
            lines.append(f"{b:>6}  {m:>13.3g}  {p:>22.3g}  {m / self.full_norm2:>13.3g}")
        return "\n".join(lines)


def gradient_noise(
    model: Sequential,
    x: Any,
    y: Any,
    batch_sizes: Sequence[int],
    n_draws: int = 100,
    rng: Any = 0,
) -> GradientNoise:
    """How far mini-batch gradients scatter around the full-batch gradient, measured and predicted.

    At the model's current weights (a float64 copy is used, so the numbers agree
    across BLAS builds to far more digits than are printed), the full-batch
    gradient g on all N samples is computed, then for each batch size B,
    ``n_draws`` mini-batches of B distinct samples are drawn and E‖g_B − g‖² is
    averaged. (A mini-batch gradient is the mean of its samples' gradients, so each
    g_B is computed exactly from the N single-sample gradients, which are computed
    once.) The prediction uses the single-sample gradients g_i:
    σ² = (1/N) Σ‖g_i − g‖², and a mean of B samples drawn without
    replacement has E‖g_B − g‖² = σ²/B · (N − B)/(N − 1).

    Parameters
    ----------
    model : Sequential
        Not changed.
    x : ndarray of shape (N, D)
    y : ndarray of shape (N,), int
    batch_sizes : sequence of int in [1, N]
    n_draws : int
        Mini-batches per batch size.
    rng : int or generator

    Returns
    -------
    GradientNoise

    Raises
    ------
    ValueError
        For a batch size outside [1, N].
    """
    x = backend.to_cpu(x)
    y = backend.to_cpu(y)
    n = len(x)
    sizes = [int(b) for b in batch_sizes]
    bad = [b for b in sizes if not 1 <= b <= n]
    if bad:
        raise ValueError(f"gradient_noise: batch sizes must lie in [1, N] = [1, {n}]; got {bad}.")
    m64 = model.astype(np.float64)
    g = flat_gradient(m64, x, y)
    per_sample = np.stack([flat_gradient(m64, x[i : i + 1], y[i : i + 1]) for i in range(n)])
    sigma2 = float(((per_sample - g) ** 2).sum(axis=1).mean())
    gen = backend.default_rng(rng)
    measured = []
    for b in sizes:
        total = 0.0
        for _ in range(n_draws):
            idx = backend.to_cpu(gen.permutation(n))[:b]
            total += float(((per_sample[idx].mean(axis=0) - g) ** 2).sum())
        measured.append(total / n_draws)
    bs = np.array(sizes)  # host
    predicted = sigma2 / bs * (n - bs) / max(n - 1, 1)
    return GradientNoise(bs, np.array(measured), predicted, float(g @ g), sigma2)  # host
