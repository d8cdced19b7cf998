"""Restricted Boltzmann machines trained by contrastive divergence.

    rbm = RBM(784, 256, rng=0)                        # W (V, H), a (V,), b (H,)
    rbm.fit(v, epochs=10, batch_size=100, lr=0.1, k=1, persistent=True)
    rbm.free_energy(v); rbm.p_h_given_v(v); rbm.p_v_given_h(h); rbm.gibbs(v, k=1000)
    rbm.pseudo_likelihood(v)                          # mean over rows of Σ_i log p(v_i | v_−i)
    rbm.log_partition_exact()                         # small models: enumerate the smaller layer
    log_z, spread = rbm.log_partition_ais(n_betas=10_000, n_runs=100)

The energy of a joint configuration of binary visible units v and hidden units h is

    E(v, h) = −a·v − b·h − v W h,

so p(v, h) = e^(−E(v, h)) / Z. Summing the hidden units out gives the *free energy*

    F(v) = −a·v − Σ_j log(1 + e^(b_j + v·W[:, j])),   p(v) = e^(−F(v)) / Z.

With Gaussian visible units (unit variance, ``visible="gaussian"``) the term −a·v
becomes ½‖v − a‖² and p(v | h) is a normal density with mean a + W h.

Built in chapter 07 (the RBM, CD-k, PCD, exact and AIS partition functions);
chapter 08 stacks RBMs into a deep belief network (:mod:`dlbook.dbn`).
"""

from __future__ import annotations

import json
import math
import numbers
import time
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import backend
from ._io import NpzArchive, atomic_write, check_declared_sizes
from .cd_step import CDStep
from .errors import check_int, message
from .functions import sigmoid
from .progressbar import Bar, progress_enabled

__all__ = ["RBM"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array

FORMAT = "dlbook.RBM"
FORMAT_VERSION = 1
VISIBLE_TYPES = ("bernoulli", "gaussian")
#: The most states :meth:`RBM.log_partition_exact` enumerates (2**24 rows).
MAX_EXACT_BITS = 24


def softplus(x: Array) -> Array:
    """log(1 + e^x), elementwise, without overflow; same shape and dtype as ``x``.

    Computed as max(x, 0) + log(1 + e^(−|x|)), the same as ``logaddexp(0, x)``
    (to an absolute error of one rounding step) and three times faster, because
    NumPy vectorises ``exp`` and ``log`` but not ``logaddexp``.
    """
    xp = backend.array_module(x)
    y = xp.abs(x)
    xp.negative(y, out=y)
    xp.exp(y, out=y)  # e^(−|x|) in (0, 1]: never overflows
    y += 1.0
    xp.log(y, out=y)
    y += xp.maximum(x, 0)
    return y


def _nonnegative(where: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value) >= 0:
        raise ValueError(message(where, name, "a float >= 0", value))
    return float(value)


class RBM:
    """A restricted Boltzmann machine: V visible and H hidden units, no links within a layer.

    Parameters
    ----------
    n_visible, n_hidden : int
        V and H.
    visible : "bernoulli" or "gaussian"
        Binary visible units (the default), or real-valued ones with unit variance.
    rng : int or generator
        Seed or generator (``backend.default_rng``) for the initial weights and for
        all the sampling that this model does later (``fit``, ``gibbs``, AIS).
    dtype : float dtype
        float32 (default) for training; float64 for exact checks.
    init_scale : float
        Standard deviation of the initial weights (0.01, as Hinton's guide and
        scikit-learn use); biases start at zero.

    Attributes
    ----------
    params : {"W": ndarray of shape (V, H), "a": ndarray of shape (V,), "b": ndarray of shape (H,)}
        ``W[i, j]`` links visible unit i to hidden unit j; ``a`` is the visible
        bias, ``b`` the hidden bias.
    history : dict of str to list of float
        After :meth:`fit`, per epoch: ``"reconstruction_error"`` (mean over the
        monitored rows of Σ_i (v_i − p(v_i | p(h | v)))²) and ``"pseudo_likelihood"``
        (:meth:`pseudo_likelihood` of the monitored rows; Bernoulli units only).
    chain : ndarray of shape (n_chains, H) or None
        The hidden states of the persistent chains after PCD training.
    base_rate : ndarray of shape (V,) or None
        The mean of the training data, the base-rate model of AIS.

    Built in chapter 07.
    """

    def __init__(
        self,
        n_visible: int,
        n_hidden: int,
        *,
        visible: str = "bernoulli",
        rng: Any = 0,
        dtype: Any = np.float32,
        init_scale: float = 0.01,
    ) -> None:
        self.n_visible = check_int("RBM", "n_visible", n_visible)
        self.n_hidden = check_int("RBM", "n_hidden", n_hidden)
        if visible not in VISIBLE_TYPES:
            raise ValueError(f"RBM: visible must be one of {VISIBLE_TYPES}; got {visible!r}.")
        self.visible = visible
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"RBM: dtype must be a float type; got {self.dtype}.")
        self.init_scale = _nonnegative("RBM", "init_scale", init_scale)
        self.rng = backend.default_rng(rng)
        W = self.rng.standard_normal((self.n_visible, self.n_hidden)) * self.init_scale
        self.params: dict[str, Array] = {
            "W": W.astype(self.dtype),
            "a": backend.zeros(self.n_visible, self.dtype),
            "b": backend.zeros(self.n_hidden, self.dtype),
        }
        self.history: dict[str, list[float]] = {"reconstruction_error": [], "pseudo_likelihood": []}
        self.chain: Array = None
        self.base_rate: Array = None
        self._velocity: dict[str, Array] | None = None

    # --- the parts of the model --------------------------------------------------------
    @property
    def W(self) -> Array:  # the maths' name
        """The weights, shape (V, H)."""
        return self.params["W"]

    @property
    def a(self) -> Array:
        """The visible bias, shape (V,)."""
        return self.params["a"]

    @property
    def b(self) -> Array:
        """The hidden bias, shape (H,)."""
        return self.params["b"]

    def _check(self, x: Any, n: int, name: str, where: str) -> Array:
        """``x`` as a 2-D float array of width ``n`` in the model's dtype, on its device."""
        xp = backend.array_module(self.params["W"])
        if backend.array_module(x) is not xp and not isinstance(x, (list, tuple)):
            raise TypeError(
                f"RBM.{where}: {name} lives on another device than the model; move it with "
                "backend.asarray (or backend.to_cpu) first."
            )
        x = xp.asarray(x)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != n:
            raise ValueError(
                f"RBM.{where}: {name} must have shape (N, {n}); got shape {tuple(x.shape)}."
            )
        if x.dtype.kind not in "fiub":
            raise TypeError(f"RBM.{where}: {name} must be numeric; got dtype {x.dtype}.")
        return x.astype(self.dtype, copy=False)

    def energy(self, v: Any, h: Any) -> Array:
        """E(v, h) = −a·v − b·h − v W h for each row; shape (N,).

        With Gaussian visible units the first term is ½‖v − a‖².
        """
        v = self._check(v, self.n_visible, "v", "energy")
        h = self._check(h, self.n_hidden, "h", "energy")
        W, a, b = self.params["W"], self.params["a"], self.params["b"]
        interaction = ((v @ W) * h).sum(axis=1)  # v W h, row by row
        return self._visible_term(v, a) - h @ b - interaction

    def _visible_term(self, v: Array, a: Array) -> Array:
        if self.visible == "gaussian":
            return 0.5 * ((v - a) ** 2).sum(axis=1)  # ½‖v − a‖²
        return -(v @ a)

    def free_energy(self, v: Any) -> Array:
        """F(v) = −a·v − Σ_j softplus(b_j + v·W[:, j]), so that p(v) = e^(−F(v)) / Z; shape (N,)."""
        v = self._check(v, self.n_visible, "v", "free_energy")
        x = v @ self.params["W"] + self.params["b"]  # (N, H): the hidden units' inputs
        return self._visible_term(v, self.params["a"]) - softplus(x).sum(axis=1)

    def p_h_given_v(self, v: Any) -> Array:
        """p(h_j = 1 | v) = σ(b_j + v·W[:, j]); shape (N, H)."""
        v = self._check(v, self.n_visible, "v", "p_h_given_v")
        return sigmoid(v @ self.params["W"] + self.params["b"])

    def p_v_given_h(self, h: Any) -> Array:
        """p(v_i = 1 | h) = σ(a_i + W[i, :]·h); shape (N, V). Gaussian units: the mean a + W h."""
        h = self._check(h, self.n_hidden, "h", "p_v_given_h")
        x = h @ self.params["W"].T + self.params["a"]
        return x if self.visible == "gaussian" else sigmoid(x)

    def _bernoulli(self, p: Array, rng: Any) -> Array:
        """Binary samples with probabilities ``p``: 1 where a uniform draw is below p."""
        u = rng.random(p.shape, dtype=np.float32)
        return (u < p).astype(self.dtype)

    def _sample_v(self, h: Array, rng: Any) -> Array:
        x = h @ self.params["W"].T + self.params["a"]
        if self.visible == "gaussian":
            return x + rng.standard_normal(x.shape, dtype=np.float32).astype(self.dtype)
        return self._bernoulli(sigmoid(x), rng)

    def sample_h(self, v: Any, rng: Any = None) -> Array:
        """Binary hidden states drawn from p(h | v); shape (N, H)."""
        rng = self.rng if rng is None else backend.default_rng(rng)
        return self._bernoulli(self.p_h_given_v(v), rng)

    def sample_v(self, h: Any, rng: Any = None) -> Array:
        """Visible states drawn from p(v | h); shape (N, V)."""
        rng = self.rng if rng is None else backend.default_rng(rng)
        return self._sample_v(self._check(h, self.n_hidden, "h", "sample_v"), rng)

    def gibbs(self, v: Any, k: int = 1, rng: Any = None) -> Array:
        """Run k steps of block Gibbs sampling v → h → v from each row of ``v``.

        Each step draws all hidden units at once from p(h | v), then all visible
        units from p(v | h): no unit depends on another in its own layer, so one
        step updates a whole layer. Returns the visible states after k steps,
        shape (N, V).
        """
        k = check_int("RBM.gibbs", "k", k)
        rng = self.rng if rng is None else backend.default_rng(rng)
        v = self._check(v, self.n_visible, "v", "gibbs")
        for _ in range(k):
            h = self._bernoulli(sigmoid(v @ self.params["W"] + self.params["b"]), rng)
            v = self._sample_v(h, rng)
        return v

    # --- learning ------------------------------------------------------------------------
    def cd_gradient(
        self, v0: Any, k: int = 1, h_start: Any = None, rng: Any = None
    ) -> tuple[dict[str, Array], Array]:
        """The CD-k estimate of ∂ log p(v)/∂θ, averaged over the rows of ``v0``.

        ⟨v h⟩_data − ⟨v h⟩_model, with the model term taken after k Gibbs steps:

        1. positive phase: p0 = p(h | v0), probabilities (no sampling noise);
        2. draw h from p(h | v0) (or start from ``h_start``, the persistent chains);
        3. k times: draw v from p(v | h), then h from p(h | v) (the last h kept as
           probabilities, pk);
        4. negative phase: the sampled v_k with pk;
        5. dW = (v0ᵀ p0 − v_kᵀ pk) / N, da = mean(v0 − v_k), db = mean(p0 − pk).

        Returns ``(grads, h_end)``: the gradient (to be *added*, it points uphill in
        the log-likelihood) and the binary hidden states that end the chains, which
        persistent CD feeds back as ``h_start`` of the next batch.
        """
        rng = self.rng if rng is None else backend.default_rng(rng)
        v0 = self._check(v0, self.n_visible, "v0", "cd_gradient")
        W, b = self.params["W"], self.params["b"]
        p0 = sigmoid(v0 @ W + b)  # (N, H) positive phase
        h = self._bernoulli(p0, rng) if h_start is None else h_start
        for _ in range(k):
            vk = self._sample_v(h, rng)
            pk = sigmoid(vk @ W + b)
            h = self._bernoulli(pk, rng)
        n0, nk = v0.shape[0], vk.shape[0]
        grads = {
            "W": v0.T @ p0 / n0 - vk.T @ pk / nk,  # (V, N) @ (N, H) -> (V, H)
            "a": v0.mean(axis=0) - vk.mean(axis=0),
            "b": p0.mean(axis=0) - pk.mean(axis=0),
        }
        return grads, h

    def fit(
        self,
        v: Any,
        *,
        epochs: int = 10,
        batch_size: int = 100,
        lr: float = 0.1,
        k: int = 1,
        persistent: bool = False,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        monitor: Any = None,
        rng: Any = None,
        progress: bool | None = None,
        shuffle: bool = True,
    ) -> RBM:
        """Train by CD-k (Hinton 2002) or persistent CD (Tieleman 2008); returns self.

        Each epoch visits the rows of ``v`` once, in a new random order (or, with
        ``shuffle=False``, in the same batches every epoch, as scikit-learn's
        ``BernoulliRBM`` does). For each batch the update is
        Δθ ← momentum·Δθ + lr·(g − weight_decay·W), θ ← θ + Δθ, with g the
        batch-mean :meth:`cd_gradient` (weight decay on W only). The loop computes
        that gradient from the same random numbers, up to rounding, in buffers made
        once per call (see ``cd_step.CDStep``): no arrays are allocated per batch.

        Parameters
        ----------
        v : ndarray of shape (N, V)
            Training data: binary or probabilities in [0, 1] for Bernoulli units.
        epochs, batch_size, k : int >= 1
        lr : float > 0
            Scales the batch-mean gradient (scikit-learn's ``learning_rate``).
        persistent : bool
            PCD: the negative phase continues ``batch_size`` chains from where the
            previous batch left them, instead of restarting at the data.
        momentum, weight_decay : float >= 0
        monitor : ndarray of shape (M, V), or False, optional
            Rows on which :attr:`history` is measured after each epoch; by default
            up to 256 training rows drawn once; False records nothing.
        rng : int or generator, optional
            For the order and the sampling; by default the model's own.
        progress : bool, optional
            A ``tqdm`` bar; default on, off under tests (``DLBOOK_PROGRESS=0``).
        shuffle : bool
            A new order of the rows each epoch (default), or the rows in their own
            order, the same batches every epoch.
        """
        epochs = check_int("RBM.fit", "epochs", epochs)
        batch_size = check_int("RBM.fit", "batch_size", batch_size)
        k = check_int("RBM.fit", "k", k)
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0:
            raise ValueError(message("RBM.fit", "lr", "a float > 0", lr))
        momentum = _nonnegative("RBM.fit", "momentum", momentum)
        weight_decay = _nonnegative("RBM.fit", "weight_decay", weight_decay)
        rng = self.rng if rng is None else backend.default_rng(rng)
        v = self._check(v, self.n_visible, "v", "fit")
        n = v.shape[0]
        xp = backend.array_module(v)
        if monitor is None:
            monitor = v[rng.permutation(n)[: min(n, 256)]]
        elif monitor is False:
            monitor = None  # no history: for many short fits, where it would cost most
        else:
            monitor = self._check(monitor, self.n_visible, "monitor", "fit")
        self.base_rate = v.mean(axis=0)
        if self._velocity is None:
            self._velocity = {key: xp.zeros_like(p) for key, p in self.params.items()}
        if persistent and (self.chain is None or self.chain.shape[0] != batch_size):
            self.chain = backend.zeros((batch_size, self.n_hidden), self.dtype)
        step = CDStep(self, batch_size, k, persistent, lr, momentum, weight_decay)
        n_batches = -(-n // batch_size)
        show = progress_enabled() if progress is None else progress
        bar = Bar(epochs * n_batches, "RBM.fit") if show else None
        for _ in range(epochs):
            start = time.perf_counter()
            order = rng.permutation(n) if shuffle else xp.arange(n)
            for i in range(n_batches):
                step(v, order[i * batch_size : (i + 1) * batch_size], rng)
                if bar is not None:
                    bar.update(1)
            if monitor is not None:
                self._record(monitor)
            if bar is not None and monitor is not None:
                bar.metrics(
                    f"recon {self.history['reconstruction_error'][-1]:.3g}  "
                    f"{time.perf_counter() - start:.1f} s/epoch"
                )
        if bar is not None:
            bar.finish()
        return self

    def _record(self, monitor: Array) -> None:
        self.history["reconstruction_error"].append(self.reconstruction_error(monitor))
        pl = self.pseudo_likelihood(monitor) if self.visible == "bernoulli" else math.nan
        self.history["pseudo_likelihood"].append(pl)

    def reconstruction_error(self, v: Any) -> float:
        """Mean over rows of Σ_i (v_i − r_i)², with r = p(v | h = p(h | v)) (no sampling)."""
        v = self._check(v, self.n_visible, "v", "reconstruction_error")
        r = self.p_v_given_h(self.p_h_given_v(v))
        return float(((v - r) ** 2).sum(axis=1).mean())

    # --- how good is the model -------------------------------------------------------------
    def pseudo_likelihood(self, v: Any, chunk: int = 4_000_000) -> float:
        """Mean over rows of Σ_i log p(v_i | v_−i), exact over all V bits; Bernoulli units.

        p(v_i | v_−i) = σ(F(v with bit i flipped) − F(v)). Flipping bit i changes the
        hidden inputs x = b + v W by s_i W[i, :] with s_i = 1 − 2 v_i, so all V flips
        of a row cost one (V, H) array:

            F(v⁽ⁱ⁾) − F(v) = −s_i a_i − Σ_j [softplus(x_j + s_i W_ij) − softplus(x_j)].

        (scikit-learn's ``score_samples`` flips one random bit per row and multiplies
        by V: an unbiased but noisy estimate of the same sum.) Rows are processed in
        groups of about ``chunk`` numbers of the (rows, V, H) array, in the model's
        dtype; the sums are accumulated in float64.
        """
        if self.visible != "bernoulli":
            raise ValueError("RBM.pseudo_likelihood: defined here for Bernoulli visible units.")
        v = self._check(v, self.n_visible, "v", "pseudo_likelihood")
        W, a, b = self.params["W"], self.params["a"], self.params["b"]
        xp = backend.array_module(v)
        rows = max(1, chunk // (self.n_visible * self.n_hidden))
        total = 0.0
        for i in range(0, v.shape[0], rows):
            vb = v[i : i + rows]  # (n, V)
            x = vb @ W + b  # (n, H)
            s = 1.0 - 2.0 * vb  # (n, V): +1 where v_i = 0, −1 where v_i = 1
            flipped = softplus(x[:, None, :] + s[:, :, None] * W[None, :, :]).sum(axis=2)
            delta = -s * a - (flipped - softplus(x).sum(axis=1, keepdims=True))  # F(v⁽ⁱ⁾) − F(v)
            total += float(
                (-xp.logaddexp(0, -delta)).sum(dtype=np.float64)
            )  # log σ(Δ) = −logaddexp(0, −Δ)
        return total / v.shape[0]

    def log_partition_exact(self) -> float:
        """log Z by enumerating the smaller layer's 2^min(V, H) states, in float64.

        With the hidden states enumerated, the visible units sum out analytically:
        log Z = logsumexp_h [b·h + Σ_i softplus(a_i + W[i, :]·h)] (for Gaussian
        visible units the integral gives ½‖a + W h‖² − ½‖a‖² + (V/2) log 2π instead of
        the softplus sum); enumerating the visible states is the mirror image.

        Raises
        ------
        ValueError
            When the smaller layer has more than 24 units (2^24 states).
        """
        W = backend.to_cpu(self.params["W"]).astype(np.float64)
        a = backend.to_cpu(self.params["a"]).astype(np.float64)
        b = backend.to_cpu(self.params["b"]).astype(np.float64)
        V, H = W.shape
        if self.visible == "gaussian" or H <= V:
            bits, other, bias, M = H, a, b, W.T  # enumerate h: M h-rows hit visible units
        else:
            bits, other, bias, M = V, b, a, W
        if bits > MAX_EXACT_BITS:
            raise ValueError(
                f"RBM.log_partition_exact: the smaller layer has {bits} units, too many to "
                f"enumerate (at most {MAX_EXACT_BITS}); use log_partition_ais."
            )
        parts = []
        step = 1 << min(bits, 16)
        for start in range(0, 1 << bits, step):
            codes = np.arange(start, min(start + step, 1 << bits))  # host: exact, in float64
            bit = np.arange(bits)  # host: exact, in float64
            states = ((codes[:, None] >> bit) & 1).astype(np.float64)  # (S, bits)
            x = states @ M + other  # (S, other layer)
            if self.visible == "gaussian":
                summed = 0.5 * (x**2).sum(axis=1) - 0.5 * (a @ a) + 0.5 * V * math.log(2 * math.pi)
            else:
                summed = np.logaddexp(0, x).sum(axis=1)
            parts.append(_logsumexp(states @ bias + summed))
        return _logsumexp(np.asarray(parts))  # host: a few numbers

    def log_partition_ais(
        self,
        n_betas: int = 10_000,
        n_runs: int = 100,
        *,
        base_rate: Any = None,
        rng: Any = None,
    ) -> tuple[float, float]:
        """Estimate log Z by annealed importance sampling (Salakhutdinov & Murray 2008).

        The runs start from the *base-rate model*: an RBM with no weights whose
        visible biases are the log-odds of the training data's pixel means
        (``base_rate``, by default the mean that :meth:`fit` kept; 0.5 for an
        untrained model), whose log Z_A = Σ_i softplus(a_A,i) + H log 2 is known.
        Each run moves through distributions p_β(v) ∝ e^{(1−β) a_A·v} ·
        e^{β a·v} Π_j (1 + e^{β(b_j + v·W[:, j])}) for β from 0 to 1 (spaced as in
        the paper: a tenth of the steps in [0, 0.5], about a quarter in [0.5, 0.9], the
        rest in [0.9, 1]), one Gibbs step at each β, adding log p*_β(v) − log p*_β′(v)
        to its log-weight. In float64.

        Returns
        -------
        (log_z, spread) : tuple of float
            log Z_A + log mean(w), and its standard error in nats by the delta method,
            std(w) / (√n_runs · mean(w)): about ± spread is how far log_z wanders
            between repetitions. AIS tends to *under*-estimate log Z.
        """
        n_betas = check_int("RBM.log_partition_ais", "n_betas", n_betas)
        n_runs = check_int("RBM.log_partition_ais", "n_runs", n_runs)
        if self.visible != "bernoulli":
            raise ValueError("RBM.log_partition_ais: written for Bernoulli visible units.")
        rng = self.rng if rng is None else backend.default_rng(rng)
        xp = backend.array_module(self.params["W"])
        W = self.params["W"].astype(np.float64)
        a = self.params["a"].astype(np.float64)
        b = self.params["b"].astype(np.float64)
        if base_rate is None:
            base_rate = self.base_rate
        if base_rate is None:
            a_base = xp.zeros_like(a)
        else:
            p = xp.asarray(base_rate).astype(np.float64)
            if p.ndim == 2:
                p = p.mean(axis=0)
            p = xp.clip(p, 1e-3, 1 - 1e-3)  # log-odds of smoothed pixel means
            a_base = xp.log(p) - xp.log1p(-p)
        betas = _ais_betas(n_betas)

        # log p*_β(v) = (1 − β) a_A·v + β a·v + Σ_j softplus(β x_j), x = v W + b. One
        # product v W per temperature serves both the weight and the Gibbs step.
        v = (rng.random((n_runs, self.n_visible)) < sigmoid(a_base)).astype(np.float64)
        log_w = xp.zeros(n_runs, dtype=np.float64)
        for prev, beta in zip(betas[:-1], betas[1:], strict=True):
            prev, beta = float(prev), float(beta)
            x = v @ W + b  # (R, H)
            va_base, va = v @ a_base, v @ a
            log_w += (prev - beta) * va_base + (beta - prev) * va
            log_w += softplus(beta * x).sum(axis=1) - softplus(prev * x).sum(axis=1)
            if beta < 1.0:  # move v with a Gibbs step that leaves p_β unchanged
                h = (rng.random((n_runs, self.n_hidden)) < sigmoid(beta * x)).astype(np.float64)
                pv = sigmoid((1 - beta) * a_base + beta * (h @ W.T + a))
                v = (rng.random(pv.shape) < pv).astype(np.float64)
        log_z_base = float(softplus(a_base).sum()) + self.n_hidden * math.log(2.0)
        lw = backend.to_cpu(log_w)
        shift = float(lw.max())
        w = np.exp(lw - shift)  # host: n_runs weights
        log_z = log_z_base + shift + math.log(float(w.mean()))
        spread = float(w.std() / (math.sqrt(n_runs) * w.mean()))
        return log_z, spread

    def log_likelihood(self, v: Any, log_z: float) -> float:
        """Mean over rows of log p(v) = −F(v) − log Z, for a given log Z (exact or AIS)."""
        f = self.free_energy(v).astype(np.float64)
        return float(-f.mean()) - float(log_z)

    # --- saving and loading ---------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The constructor arguments as JSON-able values."""
        return {
            "n_visible": self.n_visible,
            "n_hidden": self.n_hidden,
            "visible": self.visible,
            "dtype": self.dtype.name,
            "init_scale": self.init_scale,
        }

    def save(self, path: str | Path) -> Path:
        """Write the model to one ``.npz`` (architecture as JSON text, then W, a, b), atomically."""
        arch = {"format": FORMAT, "version": FORMAT_VERSION, "config": self.config()}
        arrays: dict[str, Any] = {"architecture": np.array(json.dumps(arch))}  # host: 0-d text
        for key, p in self.params.items():
            arrays[key] = backend.to_cpu(p)

        def write(f: IO[bytes]) -> None:
            np.savez(f, **arrays)

        return atomic_write(path, write)

    @classmethod
    def load(cls, path: str | Path, rng: Any = 0) -> RBM:
        """Read a model written by :meth:`save`; its parameters go to the current device.

        Raises
        ------
        FileNotFoundError
            If there is no such file.
        ValueError
            If the file is not a readable dlbook RBM (the message names the file).
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"RBM.load: no model file at {path}. Write one with rbm.save.")
        try:
            with NpzArchive(path) as data:  # headers checked; closed on every path
                arch = json.loads(str(data["architecture"][()]))
                if not isinstance(arch, dict) or arch.get("format") != FORMAT:
                    raise ValueError(f"its architecture is not a {FORMAT}")
                if arch.get("version") != FORMAT_VERSION:
                    raise ValueError(f"it has format version {arch.get('version')!r}")
                check_declared_sizes(arch["config"], data, "its config")
                model = cls(**arch["config"], rng=rng)
                for key, p in model.params.items():
                    saved = data[key]
                    if saved.shape != p.shape:
                        raise ValueError(f"{key} has shape {saved.shape}, expected {p.shape}")
                    p[...] = backend.asarray(saved, dtype=p.dtype)
        except PermissionError:
            raise
        except (
            ValueError,
            KeyError,
            TypeError,
            OSError,
            RuntimeError,
            EOFError,
            NotImplementedError,
            zlib.error,
            zipfile.BadZipFile,
        ) as exc:
            raise ValueError(
                f"RBM.load: {path} is not a readable dlbook RBM file ({exc}); save it again "
                "with rbm.save(path)."
            ) from exc
        return model

    def __repr__(self) -> str:
        extra = "" if self.visible == "bernoulli" else f", visible={self.visible!r}"
        return f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden}{extra})"


def _logsumexp(x: np.ndarray) -> float:
    m = float(x.max())
    return m + math.log(float(np.exp(x - m).sum()))


def _ais_betas(n: int) -> np.ndarray:
    """n + 1 inverse temperatures 0 = β_0 < … < β_n = 1, denser near 1 (S&M 2008's proportions)."""
    n1 = max(1, round(n * 500 / 14_500))
    n2 = max(1, round(n * 4_000 / 14_500))
    n3 = max(1, n - n1 - n2)
    return np.concatenate(  # host: a schedule, not data
        [
            np.linspace(0.0, 0.5, n1, endpoint=False),
            np.linspace(0.5, 0.9, n2, endpoint=False),
            np.linspace(0.9, 1.0, n3 + 1),
        ]
    )
