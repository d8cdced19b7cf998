"""Loss layers: softmax with cross-entropy (fused), and the mean squared error.

``forward(scores, targets)`` returns the mean loss and ``backward()`` returns
dscores (:class:`~dlbook.layer_base.Loss`). Both are re-exported by
:mod:`dlbook.layers`.

Built in chapter 02 (MeanSquaredError) and chapter 03 (SoftmaxCrossEntropy).
"""

from __future__ import annotations

from typing import Any

from . import backend
from . import functions as F
from .errors import check_float_array as _check_float
from .layer_base import Loss
from .layer_base import check_cached as _check_cached

__all__ = ["MeanSquaredError", "SoftmaxCrossEntropy"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, fused: stable forward, backward (p − d)/N.

    ``forward(scores, targets)`` takes scores (logits) of shape (N, K) and targets
    as integer labels (N,) or one-hot rows (N, K), and returns the mean loss
    −(1/N) Σ_n Σ_k d_nk log p_nk as a 0-d array of the scores' dtype (a NumPy
    scalar on NumPy). It stays on the device, so a training loop does not wait
    for the GPU at every step; ``float(loss)`` gives a number.

    ``backward()`` returns dscores = (p − d) / N, the gradient of the mean loss,
    in one step: the softmax Jacobian and the 1/p of the logarithm cancel.

    Built in chapter 03.
    """

    def __init__(self) -> None:
        super().__init__()
        self.p: Array = None  # softmax(scores), (N, K)
        self.targets: Array = None  # labels (N,) or rows (N, K)

    def forward(self, scores: Array, targets: Array) -> Array:
        _check_float("SoftmaxCrossEntropy", scores, "scores")
        if scores.ndim != 2:
            raise ValueError(
                f"SoftmaxCrossEntropy: scores must have shape (N, K); got shape {scores.shape}."
            )
        xp = backend.array_module(scores)
        d = F.check_targets(targets, scores, "SoftmaxCrossEntropy")
        if d.dtype.kind == "f" and d.dtype != scores.dtype:
            d = d.astype(scores.dtype)  # float64 one-hot rows must not upcast p − d
        n = scores.shape[0]
        z = scores - scores.max(axis=1, keepdims=True)  # shift: softmax(x) = softmax(x − max x)
        p = xp.exp(z)
        s = p.sum(axis=1, keepdims=True)
        p /= s
        z -= xp.log(s)  # log p = z − log Σ e^z, never log(0)
        if d.dtype.kind in "iu":
            loss = -z[xp.arange(n), d].sum() / n
        else:
            z *= d
            loss = -z.sum() / n
        self.p, self.targets = p, d
        return loss

    def backward(self) -> Array:
        """dscores = (p − d) / N, shape (N, K)."""
        _check_cached(self, self.p)
        n = self.p.shape[0]
        d = self.targets
        if d.dtype.kind in "iu":
            xp = backend.array_module(self.p)
            dx = self.p.copy()
            dx[xp.arange(n), d] -= 1.0  # p − d, d one-hot
        else:
            dx = self.p - d
        dx /= n
        return dx


class MeanSquaredError(Loss):
    """C = (1/2N) Σ_n ‖p_n − d_n‖², the squared-error cost, as a loss layer.

    ``forward(p, d)`` returns the mean cost over the N rows (``functions.mse``) and
    ``backward()`` returns ∂C/∂p = (p − d)/N (``functions.mse_grad``). The targets
    ``d`` are float rows of the shape of ``p``.

    Built in chapter 02 (the XOR network's cost).
    """

    def __init__(self) -> None:
        super().__init__()
        self.p: Array = None
        self.d: Array = None

    def forward(self, scores: Array, targets: Array) -> Array:
        """The mean squared error of ``scores`` against ``targets``; keeps both for backward."""
        self.p, self.d = scores, targets
        return F.mse(scores, targets)

    def backward(self) -> Array:
        """dscores = (p − d)/N."""
        _check_cached(self, self.p)
        return F.mse_grad(self.p, self.d)
