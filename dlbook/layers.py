"""Layers: small classes with ``forward`` and ``backward``.

Every layer keeps the same contract (DESIGN §2.1), set out in :mod:`dlbook.layer_base`:
``params`` and ``grads`` dicts with the same keys, ``forward(x, train=False)`` returning a
new array, ``backward(dout)`` filling ``grads`` in place and returning dx, the dtype kept,
``config()`` and :func:`from_config` to describe and rebuild it.

The loss layer :class:`SoftmaxCrossEntropy` has a different call:
``forward(scores, targets)`` returns the mean loss and ``backward()`` returns
dscores. It lives in :mod:`dlbook.losses`, :class:`BatchNorm` in
:mod:`dlbook.batchnorm`; this module re-exports both, and the base classes.

Built in chapter 02 (Layer, Dense, Sigmoid, Tanh, ReLU), chapter 03
(SoftmaxCrossEntropy) and chapter 04 (Dropout, BatchNorm, Flatten, initialisation).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import backend
from . import functions as F
from .batchnorm import BatchNorm
from .errors import check_float_array as _check_float
from .errors import check_int
from .layer_base import LAYERS, Layer, Loss, check_cached, check_dout, from_config, layer_class
from .losses import MeanSquaredError, SoftmaxCrossEntropy

__all__ = [
    "LAYERS",
    "BatchNorm",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "Loss",
    "MeanSquaredError",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "check_cached",
    "check_dout",
    "from_config",
    "layer_class",
]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array

# The names the layers below use (and the chapters show): check_cached, check_dout.
_check_cached = check_cached
_check_dout = check_dout


# --- Dense ---------------------------------------------------------------------


class Dense(Layer):
    """A fully connected layer y = x W + b.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input and output vectors.
    init : "he", "xavier" or float
        How W is drawn (b starts at zero):

        - ``"he"``: normal with variance 2 / in_features, for ReLU layers
          (He, Zhang, Ren & Sun 2015, "Delving deep into rectifiers", ICCV, eq. 10).
        - ``"xavier"``: Glorot's "normalized initialization", *uniform* on
          [−a, a] with a = √(6 / (in + out)), so the variance is 2 / (in + out)
          (Glorot & Bengio 2010, "Understanding the difficulty of training deep
          feedforward neural networks", AISTATS, eq. 16); for sigmoid and tanh.
        - a float s: normal with standard deviation s.
    rng : int or generator
        Seed or generator from ``backend.default_rng`` for the initial weights.
    dtype : float dtype
        float32 (default) for training, float64 for exact checks.

    Attributes
    ----------
    params : {"W": ndarray of shape (in_features, out_features), "b": ndarray of shape
        (out_features,)}

    Notes
    -----
    Input of another float precision is converted to the layer's dtype.

    Built in chapter 02; initialisation in chapter 04.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        init: str | float = "he",
        rng: Any = 0,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.in_features = check_int("Dense", "in_features", in_features)
        self.out_features = check_int("Dense", "out_features", out_features)
        self.init = init
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"Dense: dtype must be a float type; got {self.dtype}.")
        gen = backend.default_rng(rng)
        shape = (self.in_features, self.out_features)
        if init == "he":
            W = gen.standard_normal(shape) * np.sqrt(2.0 / self.in_features)  # Var = 2 / n_in
        elif init == "xavier":
            a = np.sqrt(6.0 / (self.in_features + self.out_features))  # Var = a²/3 = 2/(in+out)
            W = gen.uniform(-a, a, shape)
        elif isinstance(init, numbers.Real) and not isinstance(init, bool) and init > 0:
            W = gen.standard_normal(shape) * float(init)
        else:
            raise ValueError(
                f"Dense: init must be 'he', 'xavier' or a standard deviation > 0; got {init!r}."
            )
        self.params = {"W": W.astype(self.dtype), "b": backend.zeros(self.out_features, self.dtype)}
        self.grads = {k: backend.zeros(v.shape, self.dtype) for k, v in self.params.items()}
        self.x: Array = None  # the input, kept for dW = xᵀ dout

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else float(self.init)
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "init": init,
            "dtype": self.dtype.name,
        }

    def forward(self, x: Array, train: bool = False) -> Array:
        """y = x W + b for x of shape (N, in_features); returns shape (N, out_features)."""
        _check_float("Dense", x)
        if x.ndim != 2:
            hint = " Add a Flatten() layer before Dense." if x.ndim > 2 else ""
            raise ValueError(
                f"Dense: input must have shape (N, in_features) = (N, {self.in_features}); "
                f"got shape {x.shape}.{hint}"
            )
        if x.shape[1] != self.in_features:
            raise ValueError(
                f"Dense: input has {x.shape[1]} features, layer expects {self.in_features} "
                f"(in_features); input shape {x.shape}."
            )
        W, b = self.params["W"], self.params["b"]
        if x.dtype != W.dtype:
            x = x.astype(W.dtype)
        xp = backend.array_module(x, W)
        self.x = x
        y = xp.matmul(x, W)  # (N, in) @ (in, out) -> (N, out)
        y += b
        return y

    def backward(self, dout: Array) -> Array:
        """dW = xᵀ dout, db = Σ_n dout, returns dx = dout Wᵀ (None if not needs_input_grad)."""
        _check_cached(self, self.x)
        _check_dout(self, dout, (self.x.shape[0], self.out_features))
        xp = backend.array_module(dout)
        W = self.params["W"]
        xp.matmul(self.x.T, dout, out=self.grads["W"])  # (in, N) @ (N, out) -> (in, out)
        dout.sum(axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return xp.matmul(dout, W.T)  # (N, out) @ (out, in) -> (N, in)


# --- activations ---------------------------------------------------------------


class Sigmoid(Layer):
    """σ(x) = 1 / (1 + e^(−x)) elementwise; backward uses σ' = s (1 − s) with the kept output s.

    Built in chapter 02.
    """

    def __init__(self) -> None:
        super().__init__()
        self.out: Array = None  # s = σ(x)

    def forward(self, x: Array, train: bool = False) -> Array:
        _check_float("Sigmoid", x)
        self.out = F.sigmoid(x)
        return self.out

    def backward(self, dout: Array) -> Array:
        _check_cached(self, self.out)
        _check_dout(self, dout, self.out.shape)
        dx = 1.0 - self.out
        dx *= self.out  # σ' = s (1 − s)
        dx *= dout
        return dx


class Tanh(Layer):
    """tanh elementwise; backward uses tanh' = 1 − t² with the kept output t.

    Built in chapter 02.
    """

    def __init__(self) -> None:
        super().__init__()
        self.out: Array = None  # t = tanh(x)

    def forward(self, x: Array, train: bool = False) -> Array:
        _check_float("Tanh", x)
        xp = backend.array_module(x)
        self.out = xp.tanh(x)
        return self.out

    def backward(self, dout: Array) -> Array:
        _check_cached(self, self.out)
        _check_dout(self, dout, self.out.shape)
        xp = backend.array_module(dout)
        dx = xp.multiply(self.out, self.out)
        xp.subtract(1.0, dx, out=dx)  # tanh' = 1 − t²
        dx *= dout
        return dx


class ReLU(Layer):
    """max(0, x) elementwise; the gradient passes where x > 0 and is 0 elsewhere (also at 0).

    Built in chapter 02.
    """

    def __init__(self) -> None:
        super().__init__()
        self.mask: Array = None  # x > 0, boolean

    def forward(self, x: Array, train: bool = False) -> Array:
        _check_float("ReLU", x)
        xp = backend.array_module(x)
        self.mask = x > 0
        return xp.maximum(x, 0)

    def backward(self, dout: Array) -> Array:
        _check_cached(self, self.mask)
        _check_dout(self, dout, self.mask.shape)
        return backend.array_module(dout).multiply(dout, self.mask)  # a new array: dout is kept


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit with probability ``p``, scale the rest.

    Kept units are multiplied by 1/(1 − p).

    At test time (``train=False``) the layer is the identity and returns its input
    itself. Scaling the kept units during training, instead of the weights at test
    time as in Srivastava et al. (2014, "Dropout: a simple way to prevent neural
    networks from overfitting", JMLR 15), keeps the expected activation equal in
    both modes.

    Parameters
    ----------
    p : float in [0, 1)
        The probability of *dropping* a unit (PyTorch's convention).
    rng : int or generator
        Seed or generator for the masks, drawn with ``backend.default_rng``.

    Built in chapter 04.
    """

    def __init__(self, p: float = 0.5, rng: Any = 0) -> None:
        super().__init__()
        if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0.0 <= p < 1.0:
            raise ValueError(
                f"Dropout: p (the probability of dropping a unit) must be in [0, 1); got {p!r}."
            )
        self.p: float = float(p)
        self.rng: Any = backend.default_rng(rng)
        self.mask: Array = None  # 0 or 1/(1−p) per unit; None in eval mode

    def config(self) -> dict[str, Any]:
        return {"p": self.p}

    def forward(self, x: Array, train: bool = False) -> Array:
        _check_float("Dropout", x)
        if not train or self.p == 0.0:
            self.mask = None
            return x
        xp = backend.array_module(x)
        mask = self.rng.random(x.shape, dtype=x.dtype)  # u ~ U[0, 1)
        xp.greater_equal(mask, self.p, out=mask)  # keep (1) with probability 1 − p, else 0
        mask *= 1.0 / (1.0 - self.p)  # inverted: E[mask] = 1
        self.mask = mask
        return x * mask

    def backward(self, dout: Array) -> Array:
        _check_float("Dropout", dout, "dout")
        if self.mask is None:
            return dout
        _check_dout(self, dout, self.mask.shape)
        return dout * self.mask


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1·d2·...): images to vectors for a Dense layer.

    Built in chapter 04.
    """

    def __init__(self) -> None:
        super().__init__()
        self.in_shape: tuple[int, ...] | None = None

    def forward(self, x: Array, train: bool = False) -> Array:
        _check_float("Flatten", x)
        if x.ndim < 1:
            raise ValueError("Flatten: input must have a batch axis, shape (N, ...); got a scalar.")
        self.in_shape = tuple(x.shape)
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: Array) -> Array:
        shape = self.in_shape
        if shape is None:
            raise RuntimeError("Flatten.backward: call forward first.")
        _check_dout(self, dout, (shape[0], int(np.prod(shape[1:]))))
        return dout.reshape(shape)
