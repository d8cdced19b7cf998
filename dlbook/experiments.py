"""Helpers for the experiments of chapter 04: what goes wrong in deep networks, measured.

    from dlbook import experiments as ex
    model = ex.mlp([784, 128, 10], activation="relu", init="he", dropout=0.5, rng=0)
    ex.generalization(model, (x, y), (x_test, y_test))      # train/test accuracy and the gap
    ex.gradient_norms(model, x, y)                            # ‖∂C/∂W‖ per Dense layer
    ex.gradient_noise(model, x, y, batch_sizes=[1, 16, 256])  # E‖g_B − g‖² against σ²/B
    opt = ex.L1Penalty(SGD(0.1), l1=1e-4)                     # an L1 penalty around any optimiser
    ex.random_search(space, n_trials=9, objective=f, rng=0)   # and ex.grid_search
    ex.matmul_gflops(1024, np.float32)                        # this machine's matrix throughput

Everything numeric runs on the current device (NumPy, or CuPy with ``dl.use``);
results that are plotted or printed come back as NumPy arrays, lists and floats.
Nothing here draws (figures are in :mod:`dlbook.plots.training`).

Built in chapter 04.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import backend
from .layers import Dense, Dropout, ReLU, Sigmoid, Tanh
from .network import Sequential

__all__ = [
    "ACTIVATIONS",
    "GradientNoise",
    "L1Penalty",
    "Trial",
    "activation_std",
    "best_trial",
    "flat_gradient",
    "generalization",
    "gradient_noise",
    "gradient_norms",
    "grid_points",
    "grid_search",
    "matmul_gflops",
    "mlp",
    "near_zero_fraction",
    "noisy_labels",
    "optimizer_path",
    "random_points",
    "random_search",
    "training_flops",
    "weight_arrays",
]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array

ACTIVATIONS: dict[str, type] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


# --- building models -----------------------------------------------------------------------------


def mlp(
    sizes: Sequence[int],
    *,
    activation: str = "relu",
    init: str | float = "he",
    dropout: float = 0.0,
    rng: int = 0,
    dtype: Any = np.float32,
) -> Sequential:
    """A multilayer perceptron ``sizes[0] → sizes[1] → … → sizes[-1]`` as a :class:`Sequential`.

    Every hidden layer is ``Dense`` then the activation, then ``Dropout(dropout)``
    when ``dropout > 0``; the last layer is a plain ``Dense`` (scores for the
    softmax–cross-entropy loss).

    Parameters
    ----------
    sizes : sequence of int, at least two
        Layer widths, input first: ``[784, 128, 10]`` is one hidden layer of 128.
    activation : {"relu", "sigmoid", "tanh"}
    init : "he", "xavier" or float
        Passed to every :class:`~dlbook.layers.Dense` (a float is the standard deviation).
    dropout : float in [0, 1)
        Probability of dropping a hidden unit in training.
    rng : int
        Seed; layer ``i`` uses ``rng + i``, so that two models built with the same
        seed start from the same weights whatever their dropout.
    dtype : float dtype

    Returns
    -------
    Sequential

    Raises
    ------
    ValueError
        For fewer than two sizes or an unknown activation.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(
            f"mlp: sizes must list at least the input and output widths, e.g. [784, 10]; "
            f"got {sizes}."
        )
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"mlp: activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}."
        )
    layers: list[Any] = []
    n_dense = len(sizes) - 1
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(Dense(n_in, n_out, init=init, rng=rng + i, dtype=dtype))
        if i < n_dense - 1:
            layers.append(ACTIVATIONS[activation]())
            if dropout:
                layers.append(Dropout(dropout, rng=rng + 1000 + i))
    return Sequential(layers)


def weight_arrays(model: Sequential) -> list[np.ndarray]:
    """The weight matrices ``W`` of the model's Dense layers, first layer first, on the host."""
    return [backend.to_cpu(layer.params["W"]) for layer in model.layers if "W" in layer.params]


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
    shift = backend.to_cpu(gen.integers(1, n_classes, size=len(labels)))  # 1 … C−1: never 0
    labels[flip] = (labels[flip] + shift[flip]) % n_classes
    return labels


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


# --- an L1 penalty around any optimiser ----------------------------------------------------------


class L1Penalty:
    """Add the L1 penalty λ·Σ|W| to the cost, by its subgradient, around any optimiser.

    ``dlbook.optim`` offers the L2 penalty (``weight_decay``) only. The L1 penalty
    (Tibshirani 1996, the *lasso*) adds λ·Σ|w| to the cost; its subgradient is
    λ·sign(w) (0 at w = 0). Before each step this wrapper adds λ·sign(W) to the
    gradient of every parameter named in ``keys`` (the weight matrices ``W`` by
    default, not the biases), then calls the wrapped optimiser::

        opt = L1Penalty(SGD(0.1), l1=1e-4)
        model.fit(x, y, optimizer=opt)

    With plain subgradient steps a weight does not land exactly on 0: it jitters
    around 0 with steps of size η·λ. Count "near zero" weights (``|w| < tol``)
    to see the sparsity; proximal methods (soft-thresholding) give exact zeros.

    Parameters
    ----------
    optimizer : optimiser with ``step(params, grads)``
    l1 : float >= 0
        λ.
    keys : sequence of str
        Which parameters are penalised.

    Notes
    -----
    The gradients are changed in place (a layer writes them afresh at every
    backward pass, so nothing else sees the change).

    Built in chapter 04.
    """

    def __init__(self, optimizer: Any, l1: float, keys: Sequence[str] = ("W",)) -> None:
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError(
                f"L1Penalty: optimizer must have a step(params, grads) method, like "
                f"dlbook.optim.SGD(0.1); got {type(optimizer).__name__}."
            )
        if isinstance(l1, bool) or not isinstance(l1, (int, float)) or not l1 >= 0:
            raise ValueError(f"The 'l1' parameter of L1Penalty must be a float >= 0. Got {l1!r}.")
        self.optimizer = optimizer
        self.l1 = float(l1)
        self.keys = tuple(keys)

    def step(self, params: Any, grads: Any) -> None:
        """Add λ·sign(θ) to the gradients named in ``keys``, then step the wrapped optimiser."""
        pds = [params] if isinstance(params, Mapping) else list(params)
        gds = [grads] if isinstance(grads, Mapping) else list(grads)
        if self.l1:
            for pd, gd in zip(pds, gds, strict=True):
                for key in self.keys:
                    if key in pd:
                        p, g = pd[key], gd[key]
                        g += self.l1 * backend.array_module(p).sign(p)  # ∂(λ|w|)/∂w = λ·sign(w)
        self.optimizer.step(params, grads)

    def __repr__(self) -> str:
        return f"L1Penalty({self.optimizer!r}, l1={self.l1!r})"


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
            norms.append(float(backend.array_module(g).sqrt((g.astype(np.float64) ** 2).sum())))
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


# --- hyper-parameter search ----------------------------------------------------------------------


@dataclass
class Trial:
    """One point of a hyper-parameter search and the score it got (higher is better)."""

    params: dict[str, float]
    score: float


def _check_space(space: Mapping[str, tuple[float, float]], where: str) -> None:
    if not space:
        raise ValueError(f"{where}: space must name at least one hyper-parameter.")
    for name, bounds in space.items():
        if not (isinstance(bounds, (tuple, list)) and len(bounds) == 2):
            raise ValueError(
                f"{where}: space[{name!r}] must be a (low, high) pair; got {bounds!r}."
            )
        low, high = bounds
        if not 0 < low < high:
            raise ValueError(
                f"{where}: space[{name!r}] = {bounds!r} must satisfy 0 < low < high "
                "(the search is on a log scale)."
            )


def grid_points(
    space: Mapping[str, tuple[float, float]], n_per_axis: int
) -> list[dict[str, float]]:
    """Every combination of ``n_per_axis`` values per hyper-parameter, evenly spaced on a log scale.

    ``grid_points({"lr": (1e-3, 1), "weight_decay": (1e-6, 1e-2)}, 3)`` gives 9
    points; each axis holds low, the geometric middle and high.

    Raises
    ------
    ValueError
        For an empty space, bounds that are not 0 < low < high, or ``n_per_axis < 1``.
    """
    _check_space(space, "grid_points")
    if n_per_axis < 1:
        raise ValueError(f"grid_points: n_per_axis must be >= 1; got {n_per_axis}.")
    axes = [
        [float(v) for v in np.geomspace(lo, hi, n_per_axis)]
        if n_per_axis > 1
        else [math.sqrt(lo * hi)]
        for lo, hi in space.values()
    ]
    return [dict(zip(space, combo, strict=True)) for combo in itertools.product(*axes)]


def random_points(
    space: Mapping[str, tuple[float, float]], n: int, rng: Any = 0
) -> list[dict[str, float]]:
    """``n`` points drawn independently, each hyper-parameter log-uniform on its (low, high).

    Raises
    ------
    ValueError
        For an empty space or bounds that are not 0 < low < high.
    """
    _check_space(space, "random_points")
    gen = backend.default_rng(rng)
    u = backend.to_cpu(gen.random((int(n), len(space))))
    lows = np.log([lo for lo, _ in space.values()])  # host
    highs = np.log([hi for _, hi in space.values()])  # host
    values = np.exp(lows + u * (highs - lows))
    return [dict(zip(space, map(float, row), strict=True)) for row in values]


def _run(objective: Callable[..., float], points: list[dict[str, float]]) -> list[Trial]:
    return [Trial(p, float(objective(**p))) for p in points]


def grid_search(
    objective: Callable[..., float], space: Mapping[str, tuple[float, float]], n_trials: int
) -> list[Trial]:
    """Try every point of a log-scale grid with ``n_trials`` points in all.

    Parameters
    ----------
    objective : callable
        ``objective(**params)`` returns a score to maximise (e.g. validation accuracy).
    space : dict of name -> (low, high)
    n_trials : int
        Must be a perfect power of the number of hyper-parameters (9 for two: 3 × 3).

    Returns
    -------
    list of Trial, in grid order.

    Raises
    ------
    ValueError
        If ``n_trials`` is not k**d for d hyper-parameters.
    """
    d = len(space)
    k = round(n_trials ** (1.0 / d)) if d else 0
    if d == 0 or k**d != n_trials:
        raise ValueError(
            f"grid_search: n_trials must be k**{d} for {d} hyper-parameter(s) (e.g. "
            f"{', '.join(str(i ** max(d, 1)) for i in (2, 3, 4))}); got {n_trials}."
        )
    return _run(objective, grid_points(space, k))


def random_search(
    objective: Callable[..., float],
    space: Mapping[str, tuple[float, float]],
    n_trials: int,
    rng: Any = 0,
) -> list[Trial]:
    """Try ``n_trials`` points drawn log-uniformly from the space (Bergstra & Bengio 2012).

    Parameters and return value as :func:`grid_search`.
    """
    return _run(objective, random_points(space, n_trials, rng))


def best_trial(trials: Sequence[Trial]) -> Trial:
    """The trial with the highest score (the first one on ties).

    Raises
    ------
    ValueError
        For an empty list.
    """
    if not trials:
        raise ValueError("best_trial: no trials given.")
    return max(trials, key=lambda t: t.score)


# --- optimisers on a surface ---------------------------------------------------------------------


def optimizer_path(
    optimizer: Any, grad: Callable[[np.ndarray], Any], start: Sequence[float], steps: int
) -> np.ndarray:
    """The points an optimiser visits on a small function, from ``start``, for ``steps`` steps.

    The parameter is one float64 vector ``{"w": w}`` handed to
    ``optimizer.step``; ``grad(w)`` gives the gradient of the function at ``w``
    (a NumPy array of the same shape).

    Returns
    -------
    ndarray of shape (steps + 1, len(start)), float64, on the host.
    """
    w = np.array(start, dtype=np.float64)  # host: a 2-D toy problem, not a model
    params, grads = {"w": w}, {"w": np.zeros_like(w)}
    path = [w.copy()]
    for _ in range(int(steps)):
        grads["w"][...] = grad(w.copy())
        optimizer.step(params, grads)
        path.append(w.copy())
    return np.stack(path)


# --- the cost of training ------------------------------------------------------------------------


def training_flops(model: Sequential, n_samples: int) -> float:
    """Floating-point operations of one epoch of training, counting the Dense layers' products.

    A Dense layer of ``in × out`` weights costs 2·in·out operations per sample
    forward (a multiply and an add per weight) and twice that backward (∂W and
    ∂x), so an epoch costs about 6 · n_samples · Σ in·out. Activations, the loss
    and the update add a few per cent and are not counted.
    """
    weights = sum(int(layer.params["W"].size) for layer in model.layers if "W" in layer.params)
    return 6.0 * float(n_samples) * weights


def _sync(xp: Any) -> None:
    """Wait for the device of ``xp`` (GPU kernels run asynchronously)."""
    if backend.module_name(xp) == "cupy":
        xp.cuda.get_current_stream().synchronize()
    else:
        backend.synchronize()


def matmul_gflops(
    n: int, dtype: Any = np.float32, xp: Any = None, min_seconds: float = 0.2
) -> float:
    """The measured speed of an n × n matrix product ``a @ b``, in GFLOP/s.

    One product costs 2n³ floating-point operations (n³ multiplies and n³ adds).
    After one warm-up product, products are timed in rounds of enough products to
    take about a millisecond, until ``min_seconds`` have passed; the speed of the
    fastest round is returned, so that a moment when another program held the
    processor does not count against the machine. The device is synchronised
    before the clock is read, so that a GPU's asynchronous launches are not
    mistaken for finished work.

    Parameters
    ----------
    n : int >= 1
    dtype : float dtype
        float32 or float64.
    xp : array module, optional
        ``numpy`` or ``cupy`` (default: the current device's, ``backend.xp()``).
    min_seconds : float
        Least time to measure for.

    Returns
    -------
    float
        10⁹ floating-point operations per second.

    Raises
    ------
    ValueError
        For n < 1.
    """
    if n < 1:
        raise ValueError(f"matmul_gflops: n must be >= 1; got {n}.")
    xp = backend.xp() if xp is None else xp
    k = xp.arange(n * n, dtype=dtype).reshape(n, n)
    a = (k % 7 - 3) * 0.1  # any values will do; these are exact and never denormal
    b = (k % 5 - 2) * 0.1
    c = xp.empty((n, n), dtype=dtype)
    xp.matmul(a, b, out=c)  # warm up: library loading, thread pools, GPU kernels
    _sync(xp)
    per_round = 1
    best = math.inf  # seconds per product in the fastest round
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        for _ in range(per_round):
            xp.matmul(a, b, out=c)
        _sync(xp)
        t = time.perf_counter() - t0
        best = min(best, t / per_round)
        if t < 1e-3:
            per_round *= 2  # rounds of about a millisecond or more: the clock's cost is negligible
        if time.perf_counter() - start >= min_seconds:
            break
    return 2.0 * n**3 / best / 1e9
