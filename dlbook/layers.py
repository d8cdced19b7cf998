"""Layers: small classes with ``forward`` and ``backward``.

Every layer keeps the same contract (DESIGN §2.1):

- ``layer.params`` and ``layer.grads`` are dicts with the same keys (``"W"``,
  ``"b"``); ``backward`` writes gradients *in place* into the arrays of
  ``grads`` (``self.grads["W"][...] = dW``), so an optimiser that holds
  references to them stays valid.
- ``forward(x, train=False)`` returns a new output array and keeps what
  ``backward`` needs; every value it keeps is declared ``None`` in ``__init__``.
- ``backward(dout)`` fills ``grads`` and returns dx, the gradient with respect to
  the input. Neither ``x`` nor ``dout`` is ever modified.
- A layer keeps the dtype it is given (float32 for training); ``layer.astype(np.float64)``
  gives an independent float64 copy for gradient checks.
- ``type(layer).__name__`` and ``layer.config()`` (JSON-able constructor
  arguments) describe it; :func:`from_config` builds it again.

The loss layer :class:`SoftmaxCrossEntropy` has a different call:
``forward(scores, targets)`` returns the mean loss and ``backward()`` returns
dscores.

Built in chapter 02 (Layer, Dense, Sigmoid, Tanh, ReLU), chapter 03
(SoftmaxCrossEntropy) and chapter 04 (Dropout, BatchNorm, Flatten, initialisation).
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from . import backend
from . import functions as F
from .errors import check_float_array as _check_float

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
T = TypeVar("T")


#: Every public layer and loss class of dlbook by class name: the one table from saved
#: names to classes (:func:`from_config`, ``Sequential.save/load``). A class registers
#: itself by subclassing :class:`Layer` or :class:`Loss` in a ``dlbook`` module; names
#: starting with ``_`` and classes outside the package are not registered.
LAYERS: dict[str, type[Layer] | type[Loss]] = {}


def _register(cls: type[Layer] | type[Loss]) -> None:
    if not cls.__module__.startswith("dlbook.") or cls.__name__.startswith("_"):
        return
    old = LAYERS.get(cls.__name__)
    if old is not None and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise TypeError(
            f"{cls.__module__}.{cls.__name__}: {old.__module__} already defines a layer named "
            f"{cls.__name__!r}; saved models name layers by class, so choose another name."
        )
    LAYERS[cls.__name__] = cls


class Layer:
    """The base class: parameters, gradients, ``forward`` and ``backward``.

    Attributes
    ----------
    params : dict of str to ndarray
        The trainable arrays, e.g. ``{"W": ..., "b": ...}``; empty for layers without.
    grads : dict of str to ndarray
        Same keys and shapes as ``params``; filled in place by ``backward``.
    needs_input_grad : bool
        When False, ``backward`` may skip computing dx and return None. A model
        sets it on its first layers, whose input is the data: for a 784-256 Dense
        layer that saves a third of the backward pass.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register(cls)

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}
        self.needs_input_grad = True

    def forward(self, x: Array, train: bool = False) -> Array:
        """The output for a batch ``x``; keeps what ``backward`` needs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(x, train=False).")

    def backward(self, dout: Array) -> Array:
        """Fill ``self.grads`` from dout = ∂C/∂output and return ∂C/∂input."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(dout).")

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as JSON-able values (no arrays, no generators)."""
        return {}

    def astype(self: T, dtype: Any) -> T:
        """An independent copy whose parameters and gradients have ``dtype``.

        Used for gradient checks in float64: ``layer.astype(np.float64)``. Values
        kept for ``backward`` are dropped (the copy must be run forward first); a
        random generator is copied with its state, so the copy draws the same
        numbers the original would.
        """
        return _astype(self, dtype)

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Copy arrays into the parameters, in place (same keys, shapes; cast to the layer's dtype).

        Accepts NumPy arrays for a layer on a GPU (they are copied to the device),
        e.g. weights loaded from a file or copied from PyTorch.

        Raises
        ------
        ValueError
            For a missing or unknown key, or a shape that differs.
        """
        name = type(self).__name__
        if set(params) != set(self.params):
            raise ValueError(
                f"{name}.set_params: expected keys {sorted(self.params)}; got {sorted(params)}."
            )
        for key, value in params.items():
            target = self.params[key]
            xp = backend.array_module(target)
            value = xp.asarray(backend.to_cpu(value) if xp is not np else value)
            if value.shape != target.shape:
                raise ValueError(
                    f"{name}.set_params: {key} must have shape {target.shape}; "
                    f"got shape {value.shape}."
                )
            target[...] = value.astype(target.dtype, copy=False)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


# --- helpers -------------------------------------------------------------------


def check_cached(layer: Layer | Loss, value: Any) -> None:
    """RuntimeError when ``backward`` comes before ``forward`` (nothing kept yet)."""
    if value is None:
        raise RuntimeError(f"{type(layer).__name__}.backward: call forward first.")


def check_dout(layer: Layer, dout: Any, shape: tuple[int, ...]) -> None:
    """``dout`` must be a float array of the output's ``shape``."""
    _check_float(type(layer).__name__, dout, "dout")
    if dout.shape != shape:
        raise ValueError(
            f"{type(layer).__name__}.backward: dout must have the shape of the output "
            f"{shape}; got shape {dout.shape}."
        )


# The names the layers below use (and the chapters show): check_cached, check_dout.
_check_cached = check_cached
_check_dout = check_dout


def _is_array(value: Any) -> bool:
    return backend.is_array(value)


def _astype(obj: T, dtype: Any) -> T:
    """A deep copy of a layer or loss with parameters in ``dtype`` and caches dropped."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{type(obj).__name__}.astype: dtype must be a float type; got {dtype}.")
    state = vars(obj)
    params = {k: v.astype(dtype) for k, v in state["params"].items()}  # astype copies
    grads = {}
    for k, v in params.items():
        xp = backend.array_module(v)
        grads[k] = xp.zeros_like(v)
    shallow = copy.copy(obj)
    for name, value in state.items():
        if _is_array(value):  # a cached value: the copy recomputes it in forward
            setattr(shallow, name, None)
    memo: dict[int, Any] = {id(state["params"]): params, id(state["grads"]): grads}
    for value in state.values():
        if backend.is_rng(value):
            memo[id(value)] = backend.copy_rng(value)
    new = copy.deepcopy(shallow, memo)
    if "dtype" in state:
        new.dtype = dtype  # type: ignore[attr-defined]
    return new


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
        for arg, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Dense: {arg} must be a positive int; got {value!r}.")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
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
        ``Sequential.save`` and restored by ``Sequential.load``/``load_weights``;
        not restored by early stopping, which copies ``params`` only.

    Built in chapter 04.
    """

    def __init__(
        self, num_features: int, momentum: float = 0.1, eps: float = 1e-5, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        if (
            not isinstance(num_features, numbers.Integral)
            or isinstance(num_features, bool)
            or num_features < 1
        ):
            raise ValueError(
                f"BatchNorm: num_features must be a positive int; got {num_features!r}."
            )
        if not isinstance(momentum, numbers.Real) or not 0.0 < float(momentum) <= 1.0:
            raise ValueError(f"BatchNorm: momentum must be in (0, 1]; got {momentum!r}.")
        if not isinstance(eps, numbers.Real) or not float(eps) > 0.0:
            raise ValueError(f"BatchNorm: eps must be a float > 0; got {eps!r}.")
        self.num_features: int = int(num_features)
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


# --- the loss layer --------------------------------------------------------------


class Loss:
    """Base class of loss layers: ``forward(scores, targets)`` -> loss, ``backward()`` -> dscores.

    A loss has no parameters (``params`` and ``grads`` are empty) but the same
    ``config``/``astype`` as a layer, so a model can save it and check it.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register(cls)

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}

    def forward(self, scores: Array, targets: Array) -> Array:
        """The mean loss of ``scores`` (N, K) against ``targets``; keeps what backward needs.

        ``targets`` are integer labels (N,) or float rows (N, K). What is not checked
        here: integer labels are checked to lie in ``[0, K)`` on NumPy only; on a GPU
        (CuPy, and the fake device) the check would cost a device-to-host copy per
        batch, so it is not made, and a label out of range wraps around and silently
        gives the loss of another class. ``Sequential.fit`` and ``evaluate`` check
        the labels, and that ``x`` and float targets are finite, once per call.
        Float rows are not checked to be non-negative or to sum to 1.
        """
        raise NotImplementedError(f"{type(self).__name__} must define forward(scores, targets).")

    def backward(self) -> Array:
        raise NotImplementedError(f"{type(self).__name__} must define backward().")

    def config(self) -> dict[str, Any]:
        return {}

    def astype(self: T, dtype: Any) -> T:
        """An independent copy (a loss keeps no parameters; kept values are dropped)."""
        return _astype(self, dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


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


# --- building from a description -------------------------------------------------


def layer_class(name: str) -> type[Layer] | type[Loss]:
    """The layer or loss class that dlbook knows by ``name`` (:data:`LAYERS`).

    Raises
    ------
    ValueError
        For a name that no imported dlbook module defines.
    """
    cls = LAYERS.get(name)
    if cls is None:
        raise ValueError(
            f"from_config: unknown layer {name!r}; known layers are {sorted(LAYERS)}. "
            "A layer of another module (dlbook.conv, dlbook.rnn) is known once that module "
            "is imported."
        )
    return cls


def from_config(name: str, config: Mapping[str, Any]) -> Layer | Loss:
    """Build a layer from its class name and :meth:`Layer.config`, e.g. when loading a model.

    ``from_config("Dense", {"in_features": 4, "out_features": 3, "init": "he",
    "dtype": "float32"})``. Parameters are freshly initialised; copy saved ones in
    with :meth:`Layer.set_params`.

    Raises
    ------
    ValueError
        For a name that is not a layer of dlbook (:func:`layer_class`).
    """
    return layer_class(name)(**dict(config))
