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
one ``(N, H) @ (H, 4H)`` product and one ``exp`` per step, with σ(a) = 1/(1 + e^−a)
and tanh(a) = 2σ(2a) − 1. The backward pass computes the gates' local derivatives
for all steps at once before its loop, which is then a handful of operations per
step into preallocated arrays. Arrays are kept time-major, ``(T, N, ·)``, so that
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
from .errors import check_float_array, check_int
from .sequence import Embedding, TimeDense, TimeSoftmaxCrossEntropy, clip_grad_norm
from .sequence import check_dtype as _check_dtype
from .sequence import check_sequence as _check_sequence

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


_THREADED_WORK = 1 << 20  # multiply-adds from which a product is worth sharing between threads


@contextlib.contextmanager
def _one_blas_thread(xp: Any, work: int = 0) -> Iterator[None]:
    """Run matrix products of fewer than ``work`` = 2^20 multiply-adds on one BLAS thread.

    NumPy only. ``work`` is the size of each product in the block: for a time loop,
    one step's (N, H) @ (H, G). Sharing a product between OpenBLAS threads costs a
    wake-up of the other thread per call: for small products that costs more than
    it saves (a small layer's backward pass took 500 ms instead of 0.8 ms on a busy
    machine). From about a million multiply-adds the second thread pays: the
    benchmark's LSTM step, (32, 128) @ (128, 512), 2 million, takes 60 µs on one
    thread and 30–45 µs on two on a quiet 2-core machine, so its time loop uses every
    thread the caller allows (benchmarks/lstm_step.py). On a machine with more busy
    threads than cores, threads wait for each other: cap the BLAS threads there
    (``threadpoolctl``, or ``OPENBLAS_NUM_THREADS=1``).
    """
    global _BLAS
    if xp is not np or work >= _THREADED_WORK:
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


@contextlib.contextmanager
def _quiet_overflow(xp: Any) -> Iterator[None]:
    """Silence NumPy's overflow warning, where an overflow to inf is the right answer."""
    if xp is np:
        with np.errstate(over="ignore"):
            yield
    else:
        yield


def _matmul(a: Array, b: Array, out: Array = None) -> Array:
    """``a @ b`` for 2-d arrays: on one BLAS thread unless large (see ``_one_blas_thread``)."""
    xp = backend.array_module(a, b)
    with _one_blas_thread(xp, work=a.shape[0] * a.shape[1] * b.shape[1]):
        return xp.matmul(a, b, out=out)


def _input_projection(x: Array, Wx: Array, b: Array) -> Array:
    """Wx-products of all steps in one matmul, time-major: (N, T, D) -> (T, N, G)."""
    xp = backend.array_module(x, Wx)
    n, t, d = x.shape
    xt = xp.ascontiguousarray(x.transpose(1, 0, 2)).reshape(t * n, d)
    a = _matmul(xt, Wx)  # (T·N, D) @ (D, G) -> (T·N, G)
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
        self.input_size = check_int("RNN", "input_size", input_size)
        self.hidden_size = check_int("RNN", "hidden_size", hidden_size)
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
        self.input_size = check_int("LSTM", "input_size", input_size)
        self.hidden_size = check_int("LSTM", "hidden_size", hidden_size)
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
        return self._forward(x, h0, c0)

    def _forward(self, x: Array, h0: Array, c0: Array) -> Array:
        _check_sequence("LSTM", x, self.input_size)
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        if x.dtype != Wx.dtype:
            x = x.astype(Wx.dtype)
        xp = backend.array_module(x, Wx)
        n, t, _ = x.shape
        H = self.hidden_size
        hs = xp.empty((t + 1, n, H), dtype=Wx.dtype)
        cs = xp.empty((t + 1, n, H), dtype=Wx.dtype)
        hs[0] = _state("LSTM", "h0", h0, (n, H), Wx)
        cs[0] = _state("LSTM", "c0", c0, (n, H), Wx)
        # σ(a) = 1 / (1 + e^−a) and tanh(a) = 2σ(2a) − 1 = 2 / (1 + e^−2a) − 1: one exp for
        # all four gates, once the weights are scaled by −1 (i, f, o) and −2 (g), both
        # exact; then m / (1 + e) + d with m = 1, d = 0 (i, f, o) and m = 2, d = −1 (g),
        # whole rows at a time (ufuncs on contiguous rows run faster than on one block)
        k = xp.full((4 * H,), -1.0, dtype=Wx.dtype)
        k[2 * H : 3 * H] = -2.0
        m = xp.ones((4 * H,), dtype=Wx.dtype)
        m[2 * H : 3 * H] = 2.0
        d = xp.zeros((4 * H,), dtype=Wx.dtype)
        d[2 * H : 3 * H] = -1.0
        Whk = Wh * k
        gates = _input_projection(x, Wx * k, b * k)  # (T, N, 4H), one matmul for all steps
        tanh_c = xp.empty((t, n, H), dtype=Wx.dtype)
        tmp, ig = xp.empty((n, 4 * H), dtype=Wx.dtype), xp.empty((n, H), dtype=Wx.dtype)
        # threads for the step's product when large enough; e^−a = inf gives σ = 0, rightly
        with _one_blas_thread(xp, work=n * H * 4 * H), _quiet_overflow(xp):
            for s in range(t):
                a = gates[s]
                xp.matmul(hs[s], Whk, out=tmp)  # (N, H) @ (H, 4H): all four gates at once
                a += tmp
                xp.exp(a, out=a)
                a += 1.0
                xp.divide(m, a, out=a)
                a += d  # i, f, o = σ(a); g = tanh(a_g)
                i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
                c = cs[s + 1]
                xp.multiply(f, cs[s], out=c)
                xp.multiply(i, g, out=ig)
                c += ig  # c_t = f ⊙ c_{t−1} + i ⊙ g
                xp.tanh(c, out=tanh_c[s])
                xp.multiply(o, tanh_c[s], out=hs[s + 1])  # h_t = o ⊙ tanh(c_t)
        self.x, self.hs, self.cells, self.gates, self.tanh_c = x, hs, cs, gates, tanh_c
        self.h_n, self.c_n = hs[t].copy(), cs[t].copy()
        return hs[1:].transpose(1, 0, 2).copy()  # (N, T, H)

    def backward(self, dout: Array) -> Array:
        """BPTT: fills dWx, dWh, db, ``dh0`` and ``dc0``; returns dx of shape (N, T, D)."""
        return self._backward(dout)

    def _local_derivatives(self) -> tuple[Array, Array]:
        """What each step's backward multiplies by, for all steps at once (time-major).

        Returns ``q`` of shape (T, N, 4H), the factors that turn ∂C/∂c_t (blocks i, f, g)
        and ∂C/∂h_t (block o) into ∂C/∂a_t, and ``r`` = o ⊙ (1 − tanh²(c_t)), shape
        (T, N, H), the path from h_t into c_t. σ' = σ (1 − σ), tanh' = 1 − tanh².
        """
        xp = backend.array_module(self.gates)
        t, n, _ = self.gates.shape
        H = self.hidden_size
        gate = self.gates.reshape(t, n, 4, H)  # i, f, g, o after their nonlinearity
        q = xp.subtract(1.0, self.gates).reshape(t, n, 4, H)
        q *= gate  # σ' = σ (1 − σ) for i, f, o
        qg = q[:, :, 2]
        xp.multiply(gate[:, :, 2], gate[:, :, 2], out=qg)
        xp.subtract(1.0, qg, out=qg)  # tanh' = 1 − g² for g
        q[:, :, 0] *= gate[:, :, 2]  # ∂c/∂i = g
        q[:, :, 1] *= self.cells[:t]  # ∂c/∂f = c_{t−1}
        q[:, :, 2] *= gate[:, :, 0]  # ∂c/∂g = i
        q[:, :, 3] *= self.tanh_c  # ∂h/∂o = tanh(c_t)
        r = self.tanh_c * self.tanh_c
        xp.subtract(1.0, r, out=r)
        r *= gate[:, :, 3]  # ∂h/∂c = o (1 − tanh²(c_t))
        return q, r

    def _backward(self, dout: Array) -> Array:
        L.check_cached(self, self.hs)
        n, t, _ = self.x.shape
        H = self.hidden_size
        L.check_dout(self, dout, (n, t, H))
        xp = backend.array_module(dout)
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        WhT = xp.ascontiguousarray(Wh.T)  # (4H, H)
        dht = xp.ascontiguousarray(dout.transpose(1, 0, 2))  # (T, N, H)
        da, r = self._local_derivatives()  # da becomes ∂C/∂a, (T, N, 4, H), step by step
        f = self.gates.reshape(t, n, 4, H)[:, :, 1]
        dh = xp.zeros((n, H), dtype=Wh.dtype)  # ∂C/∂h_t from step t+1
        dc = xp.zeros((n, H), dtype=Wh.dtype)  # ∂C/∂c_t from step t+1
        tmp = xp.empty((n, H), dtype=Wh.dtype)
        with _one_blas_thread(xp, work=n * H * 4 * H):
            for s in range(t - 1, -1, -1):
                dh += dht[s]  # ∂C/∂h_t: from the output at t and from step t+1
                xp.multiply(dh, r[s], out=tmp)
                dc += tmp  # ∂C/∂c_t: from c_{t+1} and through h_t
                d = da[s]
                d[:, :3] *= dc[:, None, :]  # ∂C/∂a for i, f, g
                d[:, 3] *= dh  # ∂C/∂a for o
                dc *= f[s]  # ∂C/∂c_{t−1} along the cell
                xp.matmul(d.reshape(n, 4 * H), WhT, out=dh)  # ∂C/∂h_{t−1}: (N, 4H) @ (4H, H)
        self.dh0, self.dc0 = dh, dc
        da2 = da.reshape(t * n, 4 * H)  # the products over all steps at once
        _matmul(self.hs[:t].reshape(t * n, H).T, da2, out=self.grads["Wh"])  # (H, T·N) @ (T·N, 4H)
        x2 = self.x.transpose(1, 0, 2).reshape(t * n, -1)
        _matmul(x2.T, da2, out=self.grads["Wx"])  # (D, T·N) @ (T·N, 4H)
        da2.sum(axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return _matmul(da2, Wx.T).reshape(t, n, -1).transpose(1, 0, 2).copy()


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
