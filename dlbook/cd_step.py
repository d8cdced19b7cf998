"""One CD-k / PCD-k step of an RBM in preallocated buffers: the fast loop of ``RBM.fit``.

:meth:`dlbook.rbm.RBM.cd_gradient` is the readable version that chapter 07 shows;
:class:`CDStep` computes the same update from the same random numbers, arranged for
speed, so a training run gives the same numbers up to rounding (tests/test_rbm.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import backend

if TYPE_CHECKING:
    from .rbm import RBM

__all__ = ["CDStep", "sigmoid_inplace", "uniform_into"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


def sigmoid_inplace(x: Array, negated: bool = False) -> Array:
    """σ(x) = 1 / (1 + e^−x) in place: one ``exp`` (about twice as fast as ``tanh`` in
    NumPy's float32 loops). With ``negated=True`` the array holds −x already (the
    caller made it in the same pass that added the bias) and σ(x) is written over it.
    e^−x overflows to inf for x below about −88 (float32), and 1 / inf = 0 is then
    the right answer, so the overflow warning is silenced. Equal to
    ``functions.sigmoid`` (the tanh form) up to rounding."""
    xp = backend.array_module(x)
    if not negated:
        xp.negative(x, out=x)
    if xp is np:
        with np.errstate(over="ignore"):
            xp.exp(x, out=x)
    else:
        xp.exp(x, out=x)
    x += 1.0
    xp.reciprocal(x, out=x)
    return x


def uniform_into(rng: Any, out: Array) -> Array:
    """Fill the float32 ``out`` with uniform draws in [0, 1): the numbers ``rng.random(shape,
    dtype=float32)`` would give, without a new array where the generator can write in place."""
    if type(rng).__module__.startswith("numpy"):  # NumPy's Generator writes into out
        rng.random(out=out, dtype=np.float32)
    else:  # CuPy's generator, HostRNG (the fake device, reproducible CuPy)
        out[...] = rng.random(out.shape, dtype=np.float32)
    return out


class CDStep:
    """One CD-k / PCD-k update of an RBM's parameters per call, in preallocated buffers.

    The same computation as :meth:`RBM.cd_gradient` followed by the update of
    :meth:`RBM.fit`, drawing the same uniform numbers in the same order, arranged
    for speed:

    - each matrix product writes into its buffer (``out=``); in persistent CD the
      positive phase and the last p_k are one product, [v_k; v_0] W, since the
      chains do not depend on the batch; the bias is added in the same pass that
      negates the product for the sigmoid, −(v W + b) = (−b) − v W, and the sigmoid
      is taken in place with one ``exp``; samples are uniform draws into a
      preallocated float32 buffer compared in place (u < p → 1.0);
    - with c = [−η / n_k, …; η / n_0, …] (one entry per row of [v_k; v_0]), the
      bias steps are two vector products, c [v_k; v_0] and c [p_k; p_0] (four
      ``mean`` calls took six times as long), and the weight step of both phases
      is one matrix product, [v_k; v_0]ᵀ (c ⊙ [p_k; p_0]): the statistics are
      scaled (small arrays) before the product instead of the (V, H) results after
      it, and one product with 2N rows runs faster than two with N;
    - the batch is gathered with ``take(..., mode="clip")`` on NumPy: the default
      mode buffers the output and took twice as long (the indices are the
      loop's own, always in range);
    - everything stays in the model's dtype; nothing is allocated per batch
      except the batch's row indices.

    The result equals ``cd_gradient`` and ``fit`` up to rounding (float64: to about
    1e-12; tests/test_rbm.py); the random numbers, and so the samples, are the same.
    """

    def __init__(
        self,
        rbm: RBM,
        batch_size: int,
        k: int,
        persistent: bool,
        lr: float,
        momentum: float,
        weight_decay: float,
    ) -> None:
        self.rbm, self.k, self.persistent = rbm, k, persistent
        self.lr, self.momentum, self.weight_decay = float(lr), momentum, weight_decay
        V, H, dt, n = rbm.n_visible, rbm.n_hidden, rbm.dtype, batch_size
        self.nk = n  # the negative rows when persistent: the chains
        self.vv = backend.zeros((2 * n, V), dt)  # [v_k; v_0]
        self.pp = backend.zeros((2 * n, H), dt)  # [p_k; p_0]
        self.h = rbm.chain if persistent else backend.zeros((n, H), dt)
        self.uv = backend.zeros((n, V), np.float32)  # uniform draws, as cd_gradient's
        self.uh = backend.zeros((n, H), np.float32)
        self.neg_a = _zeros_like(rbm.params["a"])  # −a and −b, refreshed each call
        self.neg_b = _zeros_like(rbm.params["b"])
        self.c = backend.zeros((2 * n,), dt)  # the rows' weights in the gradient
        self.grads = {key: _zeros_like(p) for key, p in rbm.params.items()}
        self.decay = _zeros_like(rbm.params["W"]) if weight_decay else None

    def _sample_h(self, p: Array, rng: Any, h: Array) -> None:
        xp = backend.array_module(p)
        u = uniform_into(rng, self.uh[: p.shape[0]])
        xp.less(u, p, out=h)  # 1.0 where u < p

    def _p_h(self, v: Array, out: Array) -> None:
        """out = p(h = 1 | v) = σ(v W + b), for every row of v."""
        xp = backend.array_module(v)
        xp.matmul(v, self.rbm.params["W"], out=out)
        xp.subtract(self.neg_b, out, out=out)  # −(v W + b)
        sigmoid_inplace(out, negated=True)

    def _sample_v(self, h: Array, rng: Any, out: Array) -> None:
        """out = a sample of v given h (Bernoulli, or Gaussian with unit variance)."""
        rbm = self.rbm
        xp = backend.array_module(h)
        xp.matmul(h, rbm.params["W"].T, out=out)
        if rbm.visible == "gaussian":
            out += rbm.params["a"]
            out += rng.standard_normal(out.shape, dtype=np.float32).astype(rbm.dtype)
        else:
            xp.subtract(self.neg_a, out, out=out)  # −(h Wᵀ + a)
            sigmoid_inplace(out, negated=True)
            xp.less(uniform_into(rng, self.uv[: out.shape[0]]), out, out=out)

    def __call__(self, v: Array, rows: Array, rng: Any) -> None:
        rbm = self.rbm
        xp = backend.array_module(v)
        W = rbm.params["W"]
        n0 = rows.shape[0]
        nk = self.nk if self.persistent else n0  # CD: one chain per row of the batch
        vv, pp = self.vv[: nk + n0], self.pp[: nk + n0]
        v0, p0 = vv[nk:], pp[nk:]
        vk, pk = vv[:nk], pp[:nk]
        h = self.h[:nk]
        xp.negative(rbm.params["a"], out=self.neg_a)
        xp.negative(rbm.params["b"], out=self.neg_b)
        if xp is np:  # "clip": no buffered copy; the rows are the loop's own, in range
            xp.take(v, rows, axis=0, out=v0, mode="clip")  # the batch
        else:  # CuPy's take has no mode
            xp.take(v, rows, axis=0, out=v0)
        if not self.persistent:  # 1.–2. positive phase; CD starts the chains at the data
            self._p_h(v0, p0)
            self._sample_h(p0, rng, h)
        for step in range(self.k):  # 3. k Gibbs steps
            self._sample_v(h, rng, vk)
            if self.persistent and step == self.k - 1:
                self._p_h(vv, pp)  # 1. and the last p_k: both phases in one product
            else:
                self._p_h(vk, pk)
            self._sample_h(pk, rng, h)  # the chains' new states (PCD keeps them)
        g, lr = self.grads, self.lr  # 5. the gradient, times the learning rate
        c = self.c[: nk + n0]  # c [vk; v0] = η (mean of v0 − mean of vk)
        c[:nk] = -lr / nk
        c[nk:] = lr / n0
        xp.matmul(c, vv, out=g["a"])  # η (⟨v⟩_data − ⟨v⟩_model)
        xp.matmul(c, pp, out=g["b"])  # η (⟨h⟩_data − ⟨h⟩_model)
        xp.multiply(pp, c[:, None], out=pp)
        xp.matmul(vv.T, pp, out=g["W"])  # η (v0ᵀ p0 / n0 − vkᵀ pk / nk), one product
        if self.decay is not None:
            xp.multiply(lr * self.weight_decay, W, out=self.decay)
            g["W"] -= self.decay
        velocity = rbm._velocity
        for key, p in rbm.params.items():
            if self.momentum and velocity is not None:
                vel = velocity[key]
                vel *= self.momentum
                vel += g[key]
                p += vel
            else:
                p += g[key]


def _zeros_like(a: Array) -> Array:
    """Zeros of the shape, dtype and device of ``a``."""
    return backend.array_module(a).zeros_like(a)
