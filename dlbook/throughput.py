"""The cost of training and this machine's speed: operations per epoch, matrix-product GFLOP/s.

    from dlbook import throughput
    throughput.training_flops(model, n_samples=60_000)   # ≈ 6 · N · Σ in·out
    throughput.matmul_gflops(1024, np.float32)           # measured on the current device

Built in chapter 04 (why GPUs).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from . import backend

__all__ = ["matmul_gflops", "training_flops"]


def training_flops(model: Any, n_samples: int) -> float:
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
    backend.synchronize(xp)


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
