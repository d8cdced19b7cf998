"""Batch normalisation of (N, D) inputs (Ioffe & Szegedy 2015), re-exported by ``dlbook.layers``.

Built in chapter 04.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import backend
from .errors import check_float_array as _check_float
from .errors import check_int
from .layer_base import Layer
from .layer_base import check_cached as _check_cached
from .layer_base import check_dout as _check_dout

__all__ = ["BatchNorm"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


class BatchNorm(Layer):
    """Batch normalisation of (N, D) inputs over the batch (Ioffe & Szegedy 2015).

    In training each feature is standardised with the batch's mean and (biased)
    variance, then scaled and shifted by learned ``gamma`` and ``beta``::

        mu = mean_n x,  var = mean_n (x − mu)²,  x̂ = (x − mu) / √(var + eps),  y = γ x̂ + β

    and running estimates are updated for test time, as PyTorch's ``BatchNorm1d``
    does: ``running ← (1 − momentum) running + momentum · batch statistic``, with the
    *unbiased* variance N/(N − 1) var for ``running_var``. At test time
    (``train=False``) the layer uses the running estimates: y = γ (x − running_mean)
    / √(running_var + eps) + β.

    Parameters
    ----------
    num_features : int
        D, the number of features (units of the layer before).
    momentum : float in (0, 1]
        Weight of the new batch in the running estimates (PyTorch's convention).
    eps : float > 0
        Added to the variance for stability.
    dtype : float dtype

    Attributes
    ----------
    params : {"gamma": ndarray of shape (D,), "beta": ndarray of shape (D,)}
        Start at 1 and 0, so that the layer first just standardises.
    buffers : {"running_mean": ndarray of shape (D,), "running_var": ndarray of shape (D,)}
        Not trained by the optimiser; start at 0 and 1. Written by
        ``Sequential.save`` and restored by ``Sequential.load``/``load_weights``; early
        stopping keeps and restores them with the weights (``Sequential.state``).

    Built in chapter 04.
    """

    def __init__(
        self, num_features: int, momentum: float = 0.1, eps: float = 1e-5, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        self.num_features: int = check_int("BatchNorm", "num_features", num_features)
        if not isinstance(momentum, numbers.Real) or not 0.0 < float(momentum) <= 1.0:
            raise ValueError(f"BatchNorm: momentum must be in (0, 1]; got {momentum!r}.")
        if not isinstance(eps, numbers.Real) or not float(eps) > 0.0:
            raise ValueError(f"BatchNorm: eps must be a float > 0; got {eps!r}.")
        self.momentum: float = float(momentum)
        self.eps: float = float(eps)
        self.dtype: np.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"BatchNorm: dtype must be a float type; got {self.dtype}.")
        D = self.num_features
        self.params = {
            "gamma": backend.zeros(D, self.dtype) + 1,
            "beta": backend.zeros(D, self.dtype),
        }
        self.grads = {k: backend.zeros(v.shape, self.dtype) for k, v in self.params.items()}
        self.buffers: dict[str, Array] = {
            "running_mean": backend.zeros(D, self.dtype),
            "running_var": backend.zeros(D, self.dtype) + 1,
        }
        self.x_hat: Array = None  # the standardised input, kept for backward
        self.inv_std: Array = None  # 1 / √(var + eps), (D,)
        self.trained: bool = False  # whether the last forward used batch statistics

    def config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "momentum": self.momentum,
            "eps": self.eps,
            "dtype": self.dtype.name,
        }

    def forward(self, x: Array, train: bool = False) -> Array:
        """y = γ x̂ + β for x of shape (N, D); batch statistics when ``train``, else running ones."""
        _check_float("BatchNorm", x)
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm: input must have shape (N, num_features) = (N, {self.num_features}); "
                f"got shape {x.shape}."
            )
        gamma, beta = self.params["gamma"], self.params["beta"]
        if x.dtype != gamma.dtype:
            x = x.astype(gamma.dtype)
        xp = backend.array_module(x, gamma)
        if train:
            n = x.shape[0]
            if n < 2:
                raise ValueError(
                    "BatchNorm: training needs a batch of at least 2 samples to estimate a "
                    f"variance; got a batch of {n}."
                )
            mu = x.mean(axis=0)  # (D,)
            centred = x - mu
            var = (centred * centred).mean(axis=0)  # biased, as in the normalisation
            m = self.momentum
            run_mean, run_var = self.buffers["running_mean"], self.buffers["running_var"]
            run_mean *= 1 - m
            run_mean += m * mu.astype(run_mean.dtype)
            run_var *= 1 - m
            run_var += m * (var * (n / (n - 1))).astype(run_var.dtype)  # unbiased, as PyTorch
        else:
            centred = x - self.buffers["running_mean"].astype(x.dtype)
            var = self.buffers["running_var"].astype(x.dtype)
        self.inv_std = 1.0 / xp.sqrt(var + self.eps)
        self.x_hat = centred * self.inv_std
        self.trained = bool(train)
        return self.x_hat * gamma + beta

    def backward(self, dout: Array) -> Array:
        """dγ = Σ_n dout x̂, dβ = Σ_n dout; dx through the batch statistics when trained.

        dx = (γ / (N σ)) (N dout − Σ_n dout − x̂ Σ_n dout x̂), with σ = √(var + eps).
        """
        _check_cached(self, self.x_hat)
        _check_dout(self, dout, self.x_hat.shape)
        self.grads["gamma"][...] = (dout * self.x_hat).sum(axis=0)
        self.grads["beta"][...] = dout.sum(axis=0)
        if not self.needs_input_grad:
            return None
        dx_hat = dout * self.params["gamma"]  # (N, D)
        if not self.trained:  # fixed statistics: a per-feature affine map
            return dx_hat * self.inv_std
        n = dout.shape[0]
        sum_dx_hat = dx_hat.sum(axis=0)
        sum_dx_hat_x_hat = (dx_hat * self.x_hat).sum(axis=0)
        return (self.inv_std / n) * (n * dx_hat - sum_dx_hat - self.x_hat * sum_dx_hat_x_hat)
