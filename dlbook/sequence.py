"""Layers around the recurrences: Embedding, TimeDense, a loss over time; gradient clipping.

Sequences are batches first, ``(N, T, D)``. These layers act at every time step
at once (no loop over time), and keep the contract of :mod:`dlbook.layers`. The
input checks that the recurrent layers share live here too. Re-exported by
:mod:`dlbook.rnn`, where the book imports them from.

Built in chapter 06.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import backend
from . import layers as L
from .errors import check_float_array, check_int

__all__ = [
    "Embedding",
    "TimeDense",
    "TimeSoftmaxCrossEntropy",
    "check_dtype",
    "check_sequence",
    "clip_grad_norm",
]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


def _check_dtype(layer: str, dtype: Any) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{layer}: dtype must be a float type; got {dtype}.")
    return dtype


def _check_sequence(layer: str, x: Any, size: int) -> None:
    check_float_array(layer, x)
    if x.ndim != 3:
        hint = " For one sequence use x[None]." if x.ndim == 2 else ""
        raise ValueError(
            f"{layer}: input must have shape (N, T, D) = (N, T, {size}); got shape "
            f"{tuple(x.shape)}.{hint}"
        )
    if x.shape[2] != size:
        raise ValueError(
            f"{layer}: input has {x.shape[2]} features per step, layer expects {size} "
            f"(input_size); input shape {tuple(x.shape)}."
        )


# Public names for the recurrent layers (dlbook.rnn), which use the ones above.
check_dtype, check_sequence = _check_dtype, _check_sequence


class Embedding(L.Layer):
    """A lookup table: token ids (N, T) -> rows of W, (N, T, E).

    It equals a one-hot input times W, without building the one-hot matrix. In the
    gradient, a token that occurs several times in the batch adds up its rows
    (``backend.scatter_add``).

    Parameters
    ----------
    num_embeddings, embedding_dim : int
        V (vocabulary size) and E.
    rng : int or generator
        Seed for W, drawn from N(0, 1) as PyTorch's ``nn.Embedding``.

    Attributes
    ----------
    params : {"W": ndarray of shape (V, E)}

    Built in chapter 06.
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, rng: Any = 0, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        self.num_embeddings = check_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_int("Embedding", "embedding_dim", embedding_dim)
        self.dtype = _check_dtype("Embedding", dtype)
        gen = backend.default_rng(rng)
        shape = (self.num_embeddings, self.embedding_dim)
        self.params = {"W": gen.standard_normal(shape).astype(self.dtype)}
        self.grads = {"W": backend.zeros(shape, self.dtype)}
        self.ids: Array = None  # the token ids of the last forward

    def config(self) -> dict[str, Any]:
        return {
            "num_embeddings": self.num_embeddings,
            "embedding_dim": self.embedding_dim,
            "dtype": self.dtype.name,
        }

    def forward(self, x: Array, train: bool = False) -> Array:
        """Rows ``W[x]``: shape ``x.shape + (E,)``, for integer ids in [0, V)."""
        dtype = getattr(x, "dtype", None)
        if dtype is None or dtype.kind not in "iu":
            raise TypeError(
                f"Embedding: input must be an integer array of token ids; got "
                f"{getattr(dtype, 'name', type(x).__name__)}. Use ids.astype(np.int64)."
            )
        # checked on the host only: on a GPU it would wait for the device at every step
        if (
            backend.array_module(x) is np
            and x.size
            and (x.min() < 0 or x.max() >= self.num_embeddings)
        ):
            raise ValueError(
                f"Embedding: token ids must lie in [0, {self.num_embeddings}) "
                f"(num_embeddings); got ids from {int(x.min())} to {int(x.max())}."
            )
        self.ids = x
        return self.params["W"][x]

    def backward(self, dout: Array) -> None:
        """dW[v] = Σ of the dout rows where the id is v; there is no gradient for ids."""
        L.check_cached(self, self.ids)
        L.check_dout(self, dout, (*self.ids.shape, self.embedding_dim))
        dW = self.grads["W"]
        dW[...] = 0.0
        backend.scatter_add(dW, self.ids.reshape(-1), dout.reshape(-1, self.embedding_dim))
        return None


class TimeDense(L.Layer):
    """The same Dense layer at every step: (N, T, D) -> (N, T, O), y_t = x_t W + b.

    Parameters
    ----------
    in_features, out_features : int
    init, rng, dtype
        As :class:`~dlbook.layers.Dense` (default ``"xavier"``).

    Attributes
    ----------
    params : {"W": (in_features, out_features), "b": (out_features,)}

    Built in chapter 06.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        init: str | float = "xavier",
        rng: Any = 0,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.dense = L.Dense(in_features, out_features, init=init, rng=rng, dtype=dtype)
        self.params = self.dense.params
        self.grads = self.dense.grads
        self.in_shape: tuple[int, ...] | None = None

    @property
    def dtype(self) -> np.dtype:
        return self.dense.dtype

    def config(self) -> dict[str, Any]:
        return self.dense.config()

    def astype(self, dtype: Any) -> TimeDense:
        new = TimeDense.__new__(TimeDense)
        L.Layer.__init__(new)
        new.dense = self.dense.astype(dtype)
        new.params, new.grads = new.dense.params, new.dense.grads
        new.in_shape = None
        new.needs_input_grad = self.needs_input_grad
        return new

    def forward(self, x: Array, train: bool = False) -> Array:
        """x of shape (N, T, in_features) -> (N, T, out_features)."""
        _check_sequence("TimeDense", x, self.dense.in_features)
        n, t, d = x.shape
        self.in_shape = (n, t, d)
        y = self.dense.forward(x.reshape(n * t, d))  # (N·T, D) @ (D, O)
        return y.reshape(n, t, -1)

    def backward(self, dout: Array) -> Array:
        if self.in_shape is None:
            raise RuntimeError("TimeDense.backward: call forward first.")
        n, t, d = self.in_shape
        L.check_dout(self, dout, (n, t, self.dense.out_features))
        self.dense.needs_input_grad = self.needs_input_grad
        dx = self.dense.backward(dout.reshape(n * t, -1))
        return None if dx is None else dx.reshape(n, t, d)


class TimeSoftmaxCrossEntropy(L.Loss):
    """Softmax cross-entropy at every step, averaged over all N·T predictions.

    ``forward(scores, targets)`` takes scores (N, T, C) and integer targets (N, T);
    returns −(1/(N·T)) Σ_{n,t} log p_{n,t}[d_{n,t}]. ``backward()`` returns
    dscores = (p − d) / (N·T), shape (N, T, C). exp(loss) is the perplexity.

    Built in chapter 06.
    """

    def __init__(self) -> None:
        super().__init__()
        self.inner = L.SoftmaxCrossEntropy()
        self.shape: tuple[int, ...] | None = None

    def forward(self, scores: Array, targets: Array) -> Array:
        check_float_array("TimeSoftmaxCrossEntropy", scores, "scores")
        if scores.ndim != 3:
            raise ValueError(
                "TimeSoftmaxCrossEntropy: scores must have shape (N, T, C); got shape "
                f"{tuple(scores.shape)}."
            )
        n, t, c = scores.shape
        if not hasattr(targets, "shape") or tuple(targets.shape) != (n, t):
            raise ValueError(
                f"TimeSoftmaxCrossEntropy: targets must be integer labels of shape (N, T) = "
                f"{(n, t)}; got shape {tuple(getattr(targets, 'shape', ()))}."
            )
        self.shape = (n, t, c)
        return self.inner.forward(scores.reshape(n * t, c), targets.reshape(n * t))

    def backward(self) -> Array:
        if self.shape is None:
            raise RuntimeError("TimeSoftmaxCrossEntropy.backward: call forward first.")
        return self.inner.backward().reshape(self.shape)

    def astype(self, dtype: Any) -> TimeSoftmaxCrossEntropy:
        return TimeSoftmaxCrossEntropy()


def clip_grad_norm(grads: Any, max_norm: float) -> Array:
    """Scale all gradients together, in place, so that their global L2 norm is ≤ ``max_norm``.

    The global norm is ‖g‖ = √(Σ over all arrays of Σ g²). When it exceeds
    ``max_norm``, every array is multiplied by max_norm / (‖g‖ + 1e−6), as
    ``torch.nn.utils.clip_grad_norm_`` does; the direction is kept (Pascanu,
    Mikolov & Bengio 2013).

    Parameters
    ----------
    grads : dict of arrays, list of such dicts, or list of arrays
        E.g. ``layer.grads`` or ``model.grads``.
    max_norm : float > 0

    Returns
    -------
    The total norm before clipping, a 0-d float64 array on the device (``float(...)``
    for a number): the scaling happens on the device, without waiting for it. An
    infinite or nan norm (an overflow upstream) sets every gradient to 0 or nan;
    check the returned norm.

    Built in chapter 06.
    """
    if not isinstance(max_norm, numbers.Real) or isinstance(max_norm, bool) or not max_norm > 0:
        raise ValueError(f"clip_grad_norm: max_norm must be a number > 0; got {max_norm!r}.")
    arrays = list(_arrays(grads))
    if not arrays:
        raise ValueError("clip_grad_norm: grads holds no arrays.")
    xp = backend.array_module(*arrays)
    # the sum of squares in float64: float32 overflows once the norm passes ~1.8e19
    total = xp.sqrt(
        sum(xp.vdot(g64, g64) for g64 in (g.ravel().astype(np.float64) for g in arrays))
    )
    scale = xp.minimum(max_norm / (total + 1e-6), 1.0).astype(arrays[0].dtype)
    for g in arrays:
        g *= scale
    return total


def _arrays(grads: Any) -> Iterable[Array]:
    if isinstance(grads, Mapping):
        yield from grads.values()
    elif isinstance(grads, Sequence) and not hasattr(grads, "shape"):
        for item in grads:
            yield from _arrays(item)
    elif hasattr(grads, "shape"):
        yield grads
    else:
        raise TypeError(
            "clip_grad_norm: grads must be a dict of arrays (layer.grads), a list of them "
            f"(model.grads) or a list of arrays; got {type(grads).__name__}."
        )
