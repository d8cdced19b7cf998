"""One CD-k / PCD-k step of an RBM in preallocated buffers: the fast loop of ``RBM.fit``.

:meth:`dlbook.rbm.RBM.cd_gradient` is the readable version that chapter 07 shows;
:class:`CDStep` does the same operations in the same order into arrays made once per
``fit``, so a training run gives the same numbers to the last bit (tests/test_rbm.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import backend

if TYPE_CHECKING:
    from .rbm import RBM

__all__ = ["CDStep", "sigmoid_inplace", "uniform_into"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


def sigmoid_inplace(x: Array) -> Array:
    """σ(x) in place, with the same operations (so the same numbers) as ``functions.sigmoid``."""
    xp = backend.array_module(x)
    x *= 0.5  # σ(x) = ½ (1 + tanh(x/2)): never overflows
    xp.tanh(x, out=x)
    x += 1.0
    x *= 0.5
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

    - one matrix product per phase and two for the weight gradient, each writing
      into its buffer (``out=``); sigmoids are taken in place; samples are
      uniform draws into a preallocated float32 buffer compared in place
      (u < p → 1.0);
    - everything stays in the model's dtype; nothing is allocated per batch
      except the batch's row indices.

    The operations are those of ``cd_gradient`` and ``fit``, in the same order, so
    the numbers are the same to the last bit (float32 rounding included). (Putting
    both phases into one product, [v0; vk]ᵀ [p0/n0; −pk/nk], saves little and
    changes the rounding, so a training run would drift from the readable version.)
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
        self.neg = _zeros_like(rbm.params["W"])  # the negative phase's terms
        self.neg_a = _zeros_like(rbm.params["a"])
        self.neg_b = _zeros_like(rbm.params["b"])
        self.grads = {key: _zeros_like(p) for key, p in rbm.params.items()}
        self.decay = _zeros_like(rbm.params["W"]) if weight_decay else None

    def _sample_h(self, p: Array, rng: Any, h: Array) -> None:
        xp = backend.array_module(p)
        u = uniform_into(rng, self.uh[: p.shape[0]])
        xp.less(u, p, out=h)  # 1.0 where u < p

    def __call__(self, v: Array, rows: Array, rng: Any) -> None:
        rbm = self.rbm
        xp = backend.array_module(v)
        W, a, b = rbm.params["W"], rbm.params["a"], rbm.params["b"]
        n0 = rows.shape[0]
        nk = self.nk if self.persistent else n0  # CD: one chain per row of the batch
        vv, pp = self.vv[: nk + n0], self.pp[: nk + n0]
        v0, p0 = vv[nk:], pp[nk:]
        vk, pk = vv[:nk], pp[:nk]
        h = self.h[:nk]
        xp.take(v, rows, axis=0, out=v0)  # the batch
        xp.matmul(v0, W, out=p0)  # 1. positive phase p0 = σ(v0 W + b)
        p0 += b
        sigmoid_inplace(p0)
        if not self.persistent:  # 2. CD starts the chains at the data
            self._sample_h(p0, rng, h)
        for _ in range(self.k):  # 3. k Gibbs steps
            xp.matmul(h, W.T, out=vk)
            vk += a
            if rbm.visible == "gaussian":
                vk += rng.standard_normal(vk.shape, dtype=np.float32).astype(rbm.dtype)
            else:
                sigmoid_inplace(vk)
                xp.less(uniform_into(rng, self.uv[:nk]), vk, out=vk)
            xp.matmul(vk, W, out=pk)
            pk += b
            sigmoid_inplace(pk)
            self._sample_h(pk, rng, h)  # the chains' new states (PCD keeps them)
        g = self.grads  # 5. the gradient, with the operations of cd_gradient and fit
        xp.matmul(v0.T, p0, out=g["W"])  # (so the same numbers: float32 rounding included)
        xp.matmul(vk.T, pk, out=self.neg)
        g["W"] /= n0
        self.neg /= nk
        g["W"] -= self.neg  # v0ᵀ p0 / n0 − vkᵀ pk / nk
        xp.mean(v0, axis=0, out=g["a"])
        g["a"] -= xp.mean(vk, axis=0, out=self.neg_a)
        xp.mean(p0, axis=0, out=g["b"])
        g["b"] -= xp.mean(pk, axis=0, out=self.neg_b)
        if self.decay is not None:
            xp.multiply(self.weight_decay, W, out=self.decay)
            g["W"] -= self.decay
        for grad in g.values():
            grad *= self.lr
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
