"""Recurrent layers: RNN, LSTM, Embedding, TimeDense, a loss over time, gradient clipping.

Sequences are batches first, ``(N, T, D)``: N sequences of T steps of D features.
Every layer keeps the contract of :mod:`dlbook.layers` (``params``/``grads`` with
the same keys, ``forward(x, train=False)``, ``backward(dout)`` that fills ``grads``
in place and returns dx).

The recurrent layers take an initial state, ``forward(x, h0=None)`` (LSTM:
``h0=None, c0=None``); ``None`` means zeros, so no state is carried from one call
to the next unless it is passed. After a call, ``layer.h_n`` (and ``layer.c_n``)
hold the last state as a new array, ready to be passed as ``h0`` to the next call:
that is *truncated* backpropagation through time, where a long text is cut into
windows, the state flows forward across the cut and the gradient stops there.
``backward`` also leaves ``dh0`` (and ``dc0``), the gradient with respect to the
initial state, for full BPTT across calls.

Inside, the time loop is the only Python loop: the input projections of all T
steps are one matrix product, ``(T·N, D) @ (D, 4H)``, and the four LSTM gates are
one ``(N, H) @ (H, 4H)`` product and one ``tanh`` per step, with the sigmoid
written as ½(1 + tanh(x/2)). Arrays are kept time-major, ``(T, N, ·)``, so that
each step reads and writes contiguous memory.

Embedding, TimeDense, TimeSoftmaxCrossEntropy and clip_grad_norm live in
:mod:`dlbook.sequence` and are re-exported here.

Built in chapter 06.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import backend
from . import layers as L
from .errors import check_float_array
from .sequence import Embedding, TimeDense, TimeSoftmaxCrossEntropy, clip_grad_norm
from .sequence import check_dtype as _check_dtype
from .sequence import check_sequence as _check_sequence
from .sequence import check_size as _check_size

__all__ = [
    "LSTM",
    "RNN",
    "Embedding",
    "TimeDense",
    "TimeSoftmaxCrossEntropy",
    "clip_grad_norm",
    "forward_with_state",
]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


def _state(layer: str, name: str, s: Any, shape: tuple[int, int], like: Array) -> Array:
    """The initial state ``s`` (None: zeros) as an (N, H) array in the layer's dtype."""
    xp = backend.array_module(like)
    if s is None:
        return xp.zeros(shape, dtype=like.dtype)
    check_float_array(layer, s, name)
    if tuple(s.shape) != shape:
        raise ValueError(f"{layer}: {name} must have shape (N, H) = {shape}; got {tuple(s.shape)}.")
    return s.astype(like.dtype, copy=False)


def _uniform(gen: Any, bound: float, shape: tuple[int, ...], dtype: np.dtype) -> Array:
    return gen.uniform(-bound, bound, shape).astype(dtype)


_BLAS: Any = None  # threadpoolctl's controller, made on first use; False where unavailable


@contextlib.contextmanager
def _one_blas_thread(xp: Any) -> Iterator[None]:
    """Run a recurrent layer's matrix products on one BLAS thread (NumPy only).

    One step multiplies (N, H) by (H, 4H): for N = 32, H = 128 about 4 MFLOP, too
    little to share between threads. With two OpenBLAS threads each step waits for
    the other thread to wake; on a busy machine this made a forward+backward pass 10×
    slower (700–1800 ms instead of 69 ms, measured for benchmarks/lstm_step.py), and
    a small layer's backward pass 600× slower (500 ms instead of 0.8 ms). The few
    large products (all input projections at once, the weight gradients) lose little
    on one thread: about a millisecond for the benchmark's LSTM.
    """
    global _BLAS
    if xp is not np:
        yield
        return
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController  # with scikit-learn

            _BLAS = ThreadpoolController()
        except Exception:  # an optional speed-up must never break a layer
            _BLAS = False
    if _BLAS is False:
        yield
        return
    with _BLAS.limit(limits=1, user_api="blas"):
        yield


def _input_projection(x: Array, Wx: Array, b: Array) -> Array:
    """Wx-products of all steps in one matmul, time-major: (N, T, D) -> (T, N, G)."""
    xp = backend.array_module(x, Wx)
    n, t, d = x.shape
    xt = xp.ascontiguousarray(x.transpose(1, 0, 2)).reshape(t * n, d)
    a = xp.matmul(xt, Wx)  # (T·N, D) @ (D, G) -> (T·N, G)
    a += b
    return a.reshape(t, n, -1)


# --- RNN ----------------------------------------------------------------------------


class RNN(L.Layer):
    """Elman's simple recurrent layer: h_t = tanh(x_t W_x + h_{t−1} W_h + b).

    Parameters
    ----------
    input_size, hidden_size : int
        D and H.
    rng : int or generator
        Seed for the initial weights: uniform on ±1/√H, as PyTorch's ``nn.RNN``.
    dtype : float dtype

    Attributes
    ----------
    params : {"Wx": (D, H), "Wh": (H, H), "b": (H,)}
    h_n : ndarray of shape (N, H)
        The last hidden state after ``forward``, to pass as ``h0`` next time.
    dh0 : ndarray of shape (N, H)
        ∂C/∂h0 after ``backward``.

    Notes
    -----
    PyTorch's ``nn.RNN`` has two biases; ``b = b_ih + b_hh`` and ``Wx = W_ih.T``,
    ``Wh = W_hh.T`` give the same layer.

    Built in chapter 06.
    """

    def __init__(
        self, input_size: int, hidden_size: int, rng: Any = 0, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        self.input_size = _check_size("RNN", "input_size", input_size)
        self.hidden_size = _check_size("RNN", "hidden_size", hidden_size)
        self.dtype = _check_dtype("RNN", dtype)
        gen = backend.default_rng(rng)
        d, h, k = self.input_size, self.hidden_size, 1.0 / np.sqrt(hidden_size)
        self.params = {
            "Wx": _uniform(gen, k, (d, h), self.dtype),
            "Wh": _uniform(gen, k, (h, h), self.dtype),
            "b": _uniform(gen, k, (h,), self.dtype),
        }
        self.grads = {k_: backend.zeros(v.shape, self.dtype) for k_, v in self.params.items()}
        self.x: Array = None  # the input (N, T, D)
        self.hs: Array = None  # hidden states, time-major (T + 1, N, H); hs[0] = h0
        self.h_n: Array = None
        self.dh0: Array = None

    def config(self) -> dict[str, Any]:
        return {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "dtype": self.dtype.name,
        }

    def forward(  # type: ignore[override]  # DESIGN §2.2: the state comes before train
        self, x: Array, h0: Array = None, train: bool = False
    ) -> Array:
        """Hidden states of all steps, shape (N, T, H), for x of shape (N, T, D)."""
        with _one_blas_thread(backend.array_module(x)):
            return self._forward(x, h0)

    def _forward(self, x: Array, h0: Array) -> Array:
        _check_sequence("RNN", x, self.input_size)
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        if x.dtype != Wx.dtype:
            x = x.astype(Wx.dtype)
        xp = backend.array_module(x, Wx)
        n, t, _ = x.shape
        hs = xp.empty((t + 1, n, self.hidden_size), dtype=Wx.dtype)
        hs[0] = _state("RNN", "h0", h0, (n, self.hidden_size), Wx)
        a = _input_projection(x, Wx, b)  # (T, N, H): x_t Wx + b for every t
        for s in range(t):
            h = hs[s + 1]
            xp.matmul(hs[s], Wh, out=h)  # (N, H) @ (H, H)
            h += a[s]
            xp.tanh(h, out=h)  # h_t = tanh(x_t Wx + h_{t−1} Wh + b)
        self.x, self.hs = x, hs
        self.h_n = hs[t].copy()
        return hs[1:].transpose(1, 0, 2).copy()  # (N, T, H)

    def backward(self, dout: Array) -> Array:
        """BPTT: fills dWx, dWh, db and ``dh0``; returns dx of shape (N, T, D)."""
        with _one_blas_thread(backend.array_module(dout)):
            return self._backward(dout)

    def _backward(self, dout: Array) -> Array:
        L.check_cached(self, self.hs)
        n, t, _ = self.x.shape
        L.check_dout(self, dout, (n, t, self.hidden_size))
        xp = backend.array_module(dout)
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        hs = self.hs
        da = xp.ascontiguousarray(dout.transpose(1, 0, 2))  # (T, N, H), becomes ∂C/∂a_t
        dh = xp.zeros((n, self.hidden_size), dtype=Wh.dtype)  # from step t+1
        for s in range(t - 1, -1, -1):
            g = da[s]
            g += dh  # ∂C/∂h_t: from the output at t and from step t+1
            h = hs[s + 1]
            g *= 1.0 - h * h  # tanh' = 1 − h²
            dh = xp.matmul(g, Wh.T)  # ∂C/∂h_{t−1} through Wh
        self.dh0 = dh
        da2 = da.reshape(t * n, -1)
        xp.matmul(hs[:t].reshape(t * n, -1).T, da2, out=self.grads["Wh"])  # Σ_t h_{t−1}ᵀ a_t
        x2 = self.x.transpose(1, 0, 2).reshape(t * n, -1)
        xp.matmul(x2.T, da2, out=self.grads["Wx"])  # Σ_t x_tᵀ da_t
        da2.sum(axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return xp.matmul(da2, Wx.T).reshape(t, n, -1).transpose(1, 0, 2).copy()


# --- LSTM ---------------------------------------------------------------------------


class LSTM(L.Layer):
    """Long short-term memory (Hochreiter & Schmidhuber 1997) with a forget gate (Gers et al. 2000).

    For each step, with σ the logistic sigmoid and ⊙ the elementwise product::

        a = x_t Wx + h_{t−1} Wh + b          # (N, 4H), split into i, f, g, o
        i, f, o = σ(a_i), σ(a_f), σ(a_o)     # input, forget, output gates
        g = tanh(a_g)                        # the candidate cell input
        c_t = f ⊙ c_{t−1} + i ⊙ g
        h_t = o ⊙ tanh(c_t)

    Parameters
    ----------
    input_size, hidden_size : int
        D and H.
    rng : int or generator
        Seed for the initial weights: uniform on ±1/√H, as PyTorch's ``nn.LSTM``.
    forget_bias : float
        Added to the forget gate's bias at initialisation (default 0, as PyTorch);
        1 keeps the cell open at the start of training (Jozefowicz, Zaremba &
        Sutskever 2015).
    dtype : float dtype

    Attributes
    ----------
    params : {"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}
        Gate blocks in PyTorch's order i, f, g, o, so ``Wx = weight_ih_l0.T``,
        ``Wh = weight_hh_l0.T``, ``b = bias_ih_l0 + bias_hh_l0``.
    h_n, c_n : ndarray of shape (N, H)
        The last state after ``forward``, to pass as ``h0, c0`` next time.
    dh0, dc0 : ndarray of shape (N, H)
        ∂C/∂h0 and ∂C/∂c0 after ``backward``.
    gates, cells : ndarray of shapes (T, N, 4H) and (T + 1, N, H)
        The activations of the last ``forward``, time-major, for plots.

    Built in chapter 06.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        rng: Any = 0,
        forget_bias: float = 0.0,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.input_size = _check_size("LSTM", "input_size", input_size)
        self.hidden_size = _check_size("LSTM", "hidden_size", hidden_size)
        self.dtype = _check_dtype("LSTM", dtype)
        if not isinstance(forget_bias, numbers.Real) or isinstance(forget_bias, bool):
            raise TypeError(f"LSTM: forget_bias must be a number; got {forget_bias!r}.")
        self.forget_bias: float = float(forget_bias)
        gen = backend.default_rng(rng)
        d, h, k = self.input_size, self.hidden_size, 1.0 / np.sqrt(hidden_size)
        self.params = {
            "Wx": _uniform(gen, k, (d, 4 * h), self.dtype),
            "Wh": _uniform(gen, k, (h, 4 * h), self.dtype),
            "b": _uniform(gen, k, (4 * h,), self.dtype),
        }
        self.params["b"][h : 2 * h] += self.forget_bias
        self.grads = {k_: backend.zeros(v.shape, self.dtype) for k_, v in self.params.items()}
        self.x: Array = None  # the input (N, T, D)
        self.hs: Array = None  # (T + 1, N, H), hs[0] = h0
        self.cells: Array = None  # (T + 1, N, H), cells[0] = c0
        self.gates: Array = None  # (T, N, 4H): i, f, g, o after their nonlinearity
        self.tanh_c: Array = None  # (T, N, H)
        self.h_n: Array = None
        self.c_n: Array = None
        self.dh0: Array = None
        self.dc0: Array = None

    def config(self) -> dict[str, Any]:
        return {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "forget_bias": self.forget_bias,
            "dtype": self.dtype.name,
        }

    def forward(  # type: ignore[override]  # DESIGN §2.2: the state comes before train
        self, x: Array, h0: Array = None, c0: Array = None, train: bool = False
    ) -> Array:
        """Hidden states of all steps, shape (N, T, H), for x of shape (N, T, D)."""
        with _one_blas_thread(backend.array_module(x)):
            return self._forward(x, h0, c0)

    def _forward(self, x: Array, h0: Array, c0: Array) -> Array:
        _check_sequence("LSTM", x, self.input_size)
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        if x.dtype != Wx.dtype:
            x = x.astype(Wx.dtype)
        xp = backend.array_module(x, Wx)
        n, t, _ = x.shape
        h_ = self.hidden_size
        hs = xp.empty((t + 1, n, h_), dtype=Wx.dtype)
        cs = xp.empty((t + 1, n, h_), dtype=Wx.dtype)
        hs[0] = _state("LSTM", "h0", h0, (n, h_), Wx)
        cs[0] = _state("LSTM", "c0", c0, (n, h_), Wx)
        gates = _input_projection(x, Wx, b)  # (T, N, 4H): x_t Wx + b for every t, one matmul
        tanh_c = xp.empty((t, n, h_), dtype=Wx.dtype)
        # σ(a) = ½ (1 + tanh(a/2)): one tanh for all four gates, after scaling i, f, o by ½
        scale = xp.full((4 * h_,), 0.5, dtype=Wx.dtype)
        scale[2 * h_ : 3 * h_] = 1.0
        tmp = xp.empty((n, 4 * h_), dtype=Wx.dtype)
        for s in range(t):
            a = gates[s]
            xp.matmul(hs[s], Wh, out=tmp)  # (N, H) @ (H, 4H)
            a += tmp
            a *= scale
            xp.tanh(a, out=a)
            ifo = a[:, : 2 * h_]  # i, f
            ifo += 1.0
            ifo *= 0.5
            o = a[:, 3 * h_ :]
            o += 1.0
            o *= 0.5
            i, f, g = a[:, :h_], a[:, h_ : 2 * h_], a[:, 2 * h_ : 3 * h_]
            c = cs[s + 1]
            xp.multiply(f, cs[s], out=c)
            c += i * g  # c_t = f ⊙ c_{t−1} + i ⊙ g
            tc = tanh_c[s]
            xp.tanh(c, out=tc)
            xp.multiply(o, tc, out=hs[s + 1])  # h_t = o ⊙ tanh(c_t)
        self.x, self.hs, self.cells, self.gates, self.tanh_c = x, hs, cs, gates, tanh_c
        self.h_n, self.c_n = hs[t].copy(), cs[t].copy()
        return hs[1:].transpose(1, 0, 2).copy()  # (N, T, H)

    def backward(self, dout: Array) -> Array:
        """BPTT: fills dWx, dWh, db, ``dh0`` and ``dc0``; returns dx of shape (N, T, D)."""
        with _one_blas_thread(backend.array_module(dout)):
            return self._backward(dout)

    def _backward(self, dout: Array) -> Array:
        L.check_cached(self, self.hs)
        n, t, _ = self.x.shape
        h_ = self.hidden_size
        L.check_dout(self, dout, (n, t, h_))
        xp = backend.array_module(dout)
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        dht = xp.ascontiguousarray(dout.transpose(1, 0, 2))  # (T, N, H)
        da = xp.empty((t, n, 4 * h_), dtype=Wh.dtype)
        dh = xp.zeros((n, h_), dtype=Wh.dtype)  # ∂C/∂h_t from step t+1
        dc = xp.zeros((n, h_), dtype=Wh.dtype)  # ∂C/∂c_t from step t+1
        tmp = xp.empty((n, h_), dtype=Wh.dtype)
        for s in range(t - 1, -1, -1):
            gate = self.gates[s]
            i, f, g, o = (gate[:, k * h_ : (k + 1) * h_] for k in range(4))
            tc = self.tanh_c[s]
            dh += dht[s]  # ∂C/∂h_t
            d = da[s]
            di, df, dg, do = (d[:, k * h_ : (k + 1) * h_] for k in range(4))
            xp.multiply(dh, tc, out=do)  # ∂C/∂o
            xp.multiply(tc, tc, out=tmp)
            xp.subtract(1.0, tmp, out=tmp)  # tanh' = 1 − tanh²(c)
            tmp *= o
            tmp *= dh
            dc += tmp  # ∂C/∂c_t = from c_{t+1} + through h_t
            xp.multiply(dc, g, out=di)
            xp.multiply(dc, i, out=dg)
            xp.multiply(dc, self.cells[s], out=df)
            dc *= f  # ∂C/∂c_{t−1} = ∂C/∂c_t ⊙ f
            # through the nonlinearities: σ' = s (1 − s), tanh' = 1 − g²
            xp.multiply(i, 1.0 - i, out=tmp)
            di *= tmp
            xp.multiply(f, 1.0 - f, out=tmp)
            df *= tmp
            xp.multiply(o, 1.0 - o, out=tmp)
            do *= tmp
            xp.multiply(g, g, out=tmp)
            xp.subtract(1.0, tmp, out=tmp)
            dg *= tmp
            dh = xp.matmul(d, Wh.T)  # ∂C/∂h_{t−1} through Wh, (N, 4H) @ (4H, H)
        self.dh0, self.dc0 = dh, dc
        da2 = da.reshape(t * n, 4 * h_)
        xp.matmul(self.hs[:t].reshape(t * n, h_).T, da2, out=self.grads["Wh"])
        x2 = self.x.transpose(1, 0, 2).reshape(t * n, -1)
        xp.matmul(x2.T, da2, out=self.grads["Wx"])  # (D, T·N) @ (T·N, 4H)
        da2.sum(axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return xp.matmul(da2, Wx.T).reshape(t, n, -1).transpose(1, 0, 2).copy()


# --- Embedding and TimeDense ------------------------------------------------------------


# --- the loss over time -------------------------------------------------------------------


# --- helpers -----------------------------------------------------------------------------


def forward_with_state(
    layers: Sequence[Any], x: Array, state: Sequence[Any] | None = None, train: bool = False
) -> tuple[Array, list[Any]]:
    """Run layers in order, passing each recurrent layer its initial state; return the new state.

    Parameters
    ----------
    layers : sequence of layers
        E.g. ``model.layers`` of a :class:`~dlbook.network.Sequential`.
    x : ndarray
        The input batch.
    state : list or None
        One entry per layer, as returned by the previous call: ``(h, c)`` for an
        LSTM, ``(h,)`` for an RNN, None for other layers. None means zeros.
    train : bool

    Returns
    -------
    (output, new_state)
        The new state holds the last hidden states, to pass to the next call: this
        carries the state across windows of a long text (truncated BPTT), or from
        one sampled character to the next.

    Built in chapter 06.
    """
    if state is None:
        state = [None] * len(layers)
    if len(state) != len(layers):
        raise ValueError(
            f"forward_with_state: state has {len(state)} entries, one per layer is needed "
            f"({len(layers)})."
        )
    new: list[Any] = []
    for layer, s in zip(layers, state, strict=True):
        if isinstance(layer, LSTM):
            h0, c0 = (None, None) if s is None else s
            x = layer.forward(x, h0=h0, c0=c0, train=train)
            new.append((layer.h_n, layer.c_n))
        elif isinstance(layer, RNN):
            x = layer.forward(x, h0=None if s is None else s[0], train=train)
            new.append((layer.h_n,))
        else:
            x = layer.forward(x, train=train)
            new.append(None)
    return x, new
