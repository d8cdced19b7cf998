"""Optimisers: SGD with momentum and Nesterov, AdaGrad, RMSProp and Adam; an L1 penalty.

Built in chapter 04 (training deep networks); chapter 02 uses plain SGD.

Every optimiser updates parameters **in place**, so that a layer's ``params``
dict, the optimiser's state and anyone else holding a reference keep seeing the
same arrays::

    opt = SGD(lr=0.1, momentum=0.9)
    opt.step(layer.params, layer.grads)                  # one layer
    opt.step([l.params for l in layers], [l.grads for l in layers])   # a model

An optimiser learns its parameters at the first step (or :meth:`Optimizer.bind`)
and keeps their state in a list aligned with them, under the names of the maths:
``v`` for momentum's velocity, ``G`` for AdaGrad's sum of squares, ``s`` for
RMSProp's mean square, ``m`` and ``v`` for Adam's moments (``opt.state[i].m``).

**Weight decay** here is the L2 penalty ``(λ/2)·‖θ‖²`` added to the cost, that is
``λ·θ`` added to the gradient *before* the update (as ``torch.optim`` does for
these four optimisers). For SGD this is exactly "decay the weights by ``η·λ`` each
step". For the adaptive methods it is not: the decay term is rescaled by the same
per-parameter factor as the gradient. Loshchilov & Hutter (2019) showed this and
proposed the *decoupled* form, AdamW, which subtracts ``η·λ·θ`` outside the
adaptive scaling; AdamW is not what ``Adam(weight_decay=…)`` computes.

References
----------
- B. T. Polyak (1964), Some methods of speeding up the convergence of iteration
  methods. USSR Computational Mathematics and Mathematical Physics 4(5), 1-17.
- Y. Nesterov (1983), A method for solving the convex programming problem with
  convergence rate O(1/k^2). Soviet Mathematics Doklady 27, 372-376.
- I. Sutskever, J. Martens, G. Dahl, G. Hinton (2013), On the importance of
  initialization and momentum in deep learning. ICML.
- J. Duchi, E. Hazan, Y. Singer (2011), Adaptive subgradient methods for online
  learning and stochastic optimization. JMLR 12, 2121-2159.
- T. Tieleman, G. Hinton (2012), Lecture 6.5, rmsprop: divide the gradient by a
  running average of its recent magnitude. Coursera, Neural Networks for Machine
  Learning (slides "lecture 6e").
- D. P. Kingma, J. Ba (2015), Adam: a method for stochastic optimization. ICLR.
- I. Loshchilov, F. Hutter (2019), Decoupled weight decay regularization. ICLR.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from . import backend
from .errors import check_real, message

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "CosineDecay",
    "L1Penalty",
    "Optimizer",
    "RMSProp",
    "State",
    "get",
    "optimizer_path",
]

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]


class State:
    """What an optimiser keeps for one parameter, under the names the maths gives it.

    ``t`` counts the steps taken and ``tmp`` is scratch space reused by every
    step; the method's own arrays are zeros of the parameter's shape and dtype,
    named as in its update rule: ``v`` (SGD's velocity), ``G`` (AdaGrad's sum of
    squares), ``s`` (RMSProp's mean square), ``m`` and ``v`` (Adam's moments).
    """

    t: int
    tmp: Any
    g_decay: Any  # g + λ·θ, allocated at the first step with weight decay
    v: Any
    G: Any
    s: Any
    m: Any

    def __init__(self, p: Any, names: Sequence[str], decays: bool) -> None:
        xp = backend.array_module(p)
        self.t = 0
        self.decays = decays  # whether weight decay acts on this parameter (``decay=``)
        self.tmp = xp.empty_like(p)
        self.g_decay = None
        for name in names:
            setattr(self, name, xp.zeros_like(p))


class Optimizer:
    """Base class: learns the parameters once, keeps their state, applies weight decay.

    The first :meth:`step` (or :meth:`bind`) checks the parameters against their
    gradients and allocates each one's :class:`State`; ``self.params`` and
    ``self.state`` are lists aligned with each other. Later steps only check that
    the same arrays are passed (an identity test per array) and update: no
    structure checks, no look-up. Passing other parameters binds again, with
    fresh state. Subclasses name their state arrays in ``names`` and implement
    :meth:`_update` for one array. ``lr`` and the other hyper-parameters are
    plain attributes and may be changed between steps (a learning-rate schedule).
    """

    names: tuple[str, ...] = ()  # the state arrays of the method, as in its maths
    where: list[tuple[int, str]]  # (dict index, key) of each parameter
    params: list[Any]  # the parameter arrays, in order
    state: list[State]  # their state, aligned with params
    n_dicts: int  # how many dicts the parameters came in

    def __init__(
        self, lr: float, weight_decay: float = 0.0, decay: Collection[str] | None = None
    ) -> None:
        name = type(self).__name__
        self.lr = check_real(name, "lr", lr, 0.0, low_open=True)
        self.weight_decay = check_real(name, "weight_decay", weight_decay, 0.0)
        self.decay = _check_decay(name, decay)
        self.reset()

    def bind(self, params: Params, grads: Params) -> None:
        """Learn the parameters: check them against ``grads`` and allocate their state.

        Called by the first :meth:`step`; call it yourself to allocate the state
        before training. Raises as :meth:`step` does.
        """
        where, arrays, state = [], [], []
        for i, key, p, g in _pairs(params, grads):
            _check_pair(type(self).__name__, p, g)
            where.append((i, key))
            arrays.append(p)
            state.append(State(p, self.names, self.decay is None or key in self.decay))
        self.where, self.params, self.state = where, arrays, state
        self.n_dicts = 1 if isinstance(params, Mapping) else len(params)

    def step(self, params: Params, grads: Params) -> None:
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        params, grads : dict of str to ndarray, or a list of such dicts
            ``layer.params`` and ``layer.grads`` of one layer, or lists of them (one
            dict per layer) in the same order. Each gradient has the shape and dtype
            of its parameter and lives on the same device.

        Raises
        ------
        ValueError, TypeError
            When parameters are seen for the first time and do not match their
            gradients (keys, lengths, shapes, dtypes or devices).
        """
        pds = [params] if isinstance(params, Mapping) else params
        if not self._bound_to(pds):
            self.bind(params, grads)
        gds = [grads] if isinstance(grads, Mapping) else grads
        wd = self.weight_decay
        for (i, key), p, st in zip(self.where, self.params, self.state, strict=True):
            g = gds[i][key]
            st.t += 1
            if wd and st.decays:
                g = _decayed(p, g, wd, st)
            self._update(p, g, st)

    def _bound_to(self, pds: Sequence[Mapping[str, Any]]) -> bool:
        """Whether ``pds`` holds the very arrays bound, at the same places."""
        if not self.params or len(pds) != self.n_dicts:
            return False
        return all(pds[i][key] is p for (i, key), p in zip(self.where, self.params, strict=True))

    def _update(self, p: Any, g: Any, st: State) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the parameters and all state (velocities, running averages, step counts)."""
        self.where, self.params, self.state, self.n_dicts = [], [], [], 0

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({args})"

    def _hyper(self) -> dict[str, Any]:
        return {"lr": self.lr, "weight_decay": self.weight_decay, **self._decay_hyper()}

    def _decay_hyper(self) -> dict[str, Any]:
        return {} if self.decay is None else {"decay": tuple(sorted(self.decay))}


def _decayed(p: Any, g: Any, wd: float, st: State) -> Any:
    """g + λ·θ, the L2 penalty's gradient, in the state's own buffer."""
    xp = backend.array_module(p)
    if st.g_decay is None:
        st.g_decay = xp.empty_like(p)
    xp.multiply(p, wd, out=st.g_decay)
    st.g_decay += g
    return st.g_decay


def _check_pair(owner: str, p: Any, g: Any) -> None:
    backend.array_module(p, g)  # raises TypeError when they live on different devices
    if g.dtype != p.dtype:
        raise TypeError(
            f"{owner}.step: a gradient has dtype {g.dtype} but its "
            f"parameter has {p.dtype}; layers must write gradients in the parameter's dtype."
        )


def _check_decay(owner: str, decay: Any) -> frozenset[str] | None:
    """``decay`` as a set of parameter names, or None for "every parameter"."""
    if decay is None:
        return None
    if isinstance(decay, str) or not all(isinstance(k, str) for k in decay):
        raise TypeError(
            f"The 'decay' parameter of {owner} must be a collection of parameter names such as "
            f"('W',) (the weight matrices), or None for every parameter. Got {decay!r} instead."
        )
    return frozenset(decay)


def _pairs(params: Params, grads: Params) -> Iterator[tuple[int, str, Any, Any]]:
    """``(index, name, parameter, gradient)`` from a dict or a list of dicts; checks they match."""
    if isinstance(params, Mapping):
        params, grads = [params], [grads]  # type: ignore[list-item]
    elif isinstance(grads, Mapping) or len(params) != len(grads):
        raise ValueError(
            "step(params, grads): params and grads must both be dicts or lists of the same "
            f"length (one dict per layer); got {_describe(params)} and {_describe(grads)}."
        )
    for i, (pd, gd) in enumerate(zip(params, grads, strict=True)):
        if pd.keys() != gd.keys():
            raise ValueError(
                f"step(params, grads): entry {i} has parameters {sorted(pd)} but gradients "
                f"{sorted(gd)}; pass layer.params with the same layer's grads."
            )
        for key, p in pd.items():
            g = gd[key]
            if p.shape != g.shape:
                raise ValueError(
                    f"step(params, grads): gradient {key!r} of entry {i} has shape {g.shape}, "
                    f"its parameter has shape {p.shape}."
                )
            yield i, key, p, g


def _describe(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return "a dict"
    try:
        return f"a {type(obj).__name__} of {len(obj)}"
    except TypeError:
        return type(obj).__name__


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and Nesterov momentum.

    Without momentum: ``θ ← θ − η·g``. With momentum μ (Polyak 1964; in this
    form, PyTorch's)::

        v ← μ·v + g
        θ ← θ − η·v                  (classical, "heavy ball")
        θ ← θ − η·(g + μ·v)          (Nesterov, as rewritten by Sutskever et al. 2013)

    The velocity ``v`` starts at zero, so the first step is a plain SGD step. For a
    constant η this is the same method as the other common form ``v ← μ·v − η·g;
    θ ← θ + v`` (scale ``v`` by ``−η``).

    Parameters
    ----------
    lr : float > 0
        Learning rate η.
    momentum : float in [0, 1)
        μ; 0 gives plain SGD.
    nesterov : bool
        Use Nesterov's look-ahead gradient (needs ``momentum > 0``).
    weight_decay : float >= 0
        λ of the L2 penalty, added to the gradient as ``λ·θ`` (see the module's
        docstring).
    decay : collection of str, optional
        The names of the parameters that weight decay acts on, e.g. ``("W",)`` for the
        weight matrices and not the biases; None (the default, as in PyTorch) decays
        every parameter.

    Raises
    ------
    ValueError, TypeError
        For a hyper-parameter outside its range or of the wrong type.

    Built in chapter 02 (plain SGD) and chapter 04 (momentum).
    """

    def __init__(
        self,
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        decay: Collection[str] | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, decay)
        self.momentum = check_real("SGD", "momentum", momentum, 0.0, 1.0)
        if not isinstance(nesterov, bool):
            raise TypeError(message("SGD", "nesterov", "a bool", nesterov))
        if nesterov and self.momentum == 0:
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 (Nesterov's method is a kind of "
                "momentum). Got momentum=0; pass e.g. momentum=0.9."
            )
        self.nesterov = nesterov

    @property
    def names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("v",) if self.momentum else ()  # the velocity, with momentum only

    def _update(self, p: Any, g: Any, st: State) -> None:
        xp = backend.array_module(p)
        lr, mu, tmp = self.lr, self.momentum, st.tmp
        if not mu:
            p -= xp.multiply(g, lr, out=tmp)  # θ ← θ − η·g
            return
        v = st.v
        v *= mu  # v ← μ·v + g
        v += g
        if self.nesterov:  # θ ← θ − η·(g + μ·v), in two in-place steps
            p -= xp.multiply(v, lr * mu, out=tmp)
            p -= xp.multiply(g, lr, out=tmp)
        else:
            p -= xp.multiply(v, lr, out=tmp)  # θ ← θ − η·v

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
            **self._decay_hyper(),
        }


def _step_by_root(p: Any, g: Any, acc: Any, tmp: Any, lr: float, eps: float) -> None:
    """θ ← θ − η·g/(√acc + ε), in place, with ``tmp`` as scratch (AdaGrad and RMSProp)."""
    xp = backend.array_module(p)
    xp.sqrt(acc, out=tmp)
    tmp += eps  # √acc + ε
    xp.divide(g, tmp, out=tmp)
    p -= xp.multiply(tmp, lr, out=tmp)


class AdaGrad(Optimizer):
    """AdaGrad (Duchi, Hazan & Singer 2011): a learning rate per parameter that only shrinks.

    ::

        G ← G + g²
        θ ← θ − η·g / (√G + ε)

    Parameters
    ----------
    lr : float > 0
        Learning rate η (0.01 is PyTorch's default).
    eps : float >= 0
        ε, added to √G so that a parameter whose gradients were all zero does
        not divide by zero (1e-10, as PyTorch).
    weight_decay : float >= 0
        λ of the L2 penalty, added to the gradient (coupled; see the module's docstring).
    decay : collection of str, optional
        The names of the parameters that weight decay acts on, e.g. ``("W",)`` for the
        weight matrices and not the biases; None (the default, as in PyTorch) decays
        every parameter.

    Built in chapter 04.
    """

    def __init__(
        self,
        lr: float = 0.01,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
        decay: Collection[str] | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, decay)
        self.eps = check_real("AdaGrad", "eps", eps, 0.0)

    names = ("G",)  # the sum of squared gradients

    def _update(self, p: Any, g: Any, st: State) -> None:
        xp = backend.array_module(p)
        G, tmp = st.G, st.tmp
        G += xp.multiply(g, g, out=tmp)  # G ← G + g²
        _step_by_root(p, g, G, tmp, self.lr, self.eps)  # θ ← θ − η·g/(√G + ε)

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            **self._decay_hyper(),
        }


class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton 2012): divide the gradient by a running RMS of its recent values.

    ::

        s ← ρ·s + (1 − ρ)·g²
        θ ← θ − η·g / (√s + ε)

    Hinton's lecture slide (6e) uses ρ = 0.9 and no ε; the ε here (added outside
    the square root, as in PyTorch, whose ``alpha`` is this ``rho``) only guards
    against division by zero. Never published as a paper: the source is the
    Coursera lecture "Neural Networks for Machine Learning", 2012.

    Parameters
    ----------
    lr : float > 0
        Learning rate η.
    rho : float in [0, 1)
        Decay of the running mean square (0.9, Hinton's value; PyTorch's default is 0.99).
    eps : float >= 0
        ε (1e-8).
    weight_decay : float >= 0
        λ of the L2 penalty, added to the gradient (coupled; see the module's docstring).
    decay : collection of str, optional
        The names of the parameters that weight decay acts on, e.g. ``("W",)`` for the
        weight matrices and not the biases; None (the default, as in PyTorch) decays
        every parameter.

    Built in chapter 04.
    """

    def __init__(
        self,
        lr: float = 0.001,
        rho: float = 0.9,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decay: Collection[str] | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, decay)
        self.rho = check_real("RMSProp", "rho", rho, 0.0, 1.0)
        self.eps = check_real("RMSProp", "eps", eps, 0.0)

    names = ("s",)  # the running mean of squared gradients

    def _update(self, p: Any, g: Any, st: State) -> None:
        xp = backend.array_module(p)
        s, tmp = st.s, st.tmp
        s *= self.rho  # s ← ρ·s + (1 − ρ)·g²
        xp.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.rho
        s += tmp
        _step_by_root(p, g, s, tmp, self.lr, self.eps)  # θ ← θ − η·g/(√s + ε)

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "rho": self.rho,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            **self._decay_hyper(),
        }


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum and RMSProp together, with bias correction.

    Algorithm 1 of the paper, at step t = 1, 2, …::

        m ← β₁·m + (1 − β₁)·g            first moment (a running mean of g)
        v ← β₂·v + (1 − β₂)·g²           second moment (a running mean of g²)
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)     bias correction: m, v start at 0
        θ ← θ − η·m̂ / (√v̂ + ε)

    Parameters
    ----------
    lr : float > 0
        Step size η (the paper's α; 0.001 is its default).
    beta1, beta2 : float in [0, 1)
        Decay rates of the two moments (0.9 and 0.999, the paper's defaults).
    eps : float >= 0
        ε (1e-8, the paper's default).
    weight_decay : float >= 0
        λ of the L2 penalty, added to the gradient before the moments (coupled, as
        ``torch.optim.Adam``). This is *not* AdamW (Loshchilov & Hutter 2019),
        which decays θ directly, outside the adaptive scaling.
    decay : collection of str, optional
        The names of the parameters that weight decay acts on, e.g. ``("W",)`` for the
        weight matrices and not the biases; None (the default, as in PyTorch) decays
        every parameter.

    Built in chapter 04.
    """

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decay: Collection[str] | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, decay)
        self.beta1 = check_real("Adam", "beta1", beta1, 0.0, 1.0)
        self.beta2 = check_real("Adam", "beta2", beta2, 0.0, 1.0)
        self.eps = check_real("Adam", "eps", eps, 0.0)

    names = ("m", "v")  # the first and second moments

    def _update(self, p: Any, g: Any, st: State) -> None:
        xp = backend.array_module(p)
        b1, b2, tmp = self.beta1, self.beta2, st.tmp
        m, v, t = st.m, st.v, st.t
        m *= b1  # m ← β₁·m + (1 − β₁)·g
        m += xp.multiply(g, 1.0 - b1, out=tmp)
        v *= b2  # v ← β₂·v + (1 − β₂)·g²
        xp.multiply(g, g, out=tmp)
        tmp *= 1.0 - b2
        v += tmp
        bias1 = 1.0 - b1**t
        bias2 = 1.0 - b2**t
        xp.sqrt(v, out=tmp)
        tmp *= 1.0 / math.sqrt(bias2)  # √v̂ = √v / √(1 − β₂ᵗ)
        tmp += self.eps
        xp.divide(m, tmp, out=tmp)  # m / (√v̂ + ε)
        p -= xp.multiply(tmp, self.lr / bias1, out=tmp)  # θ ← θ − η·m̂/(√v̂ + ε)

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "beta1": self.beta1,
            "beta2": self.beta2,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            **self._decay_hyper(),
        }


# --- an L1 penalty around any optimiser ----------------------------------------------------------


class L1Penalty:
    """Add the L1 penalty λ·Σ|W| to the cost, by its subgradient, around any optimiser.

    ``dlbook.optim`` offers the L2 penalty (``weight_decay``) only. The L1 penalty
    (Tibshirani 1996, the *lasso*) adds λ·Σ|w| to the cost; its subgradient is
    λ·sign(w) (0 at w = 0). Before each step this wrapper adds λ·sign(W) to the
    gradient of every parameter named in ``keys`` (the weight matrices ``W`` by
    default, not the biases), then calls the wrapped optimiser::

        opt = L1Penalty(SGD(0.1), l1=1e-4)
        model.fit(x, y, optimizer=opt)

    With plain subgradient steps a weight does not land exactly on 0: it jitters
    around 0 with steps of size η·λ. Count "near zero" weights (``|w| < tol``)
    to see the sparsity; proximal methods (soft-thresholding) give exact zeros.

    Parameters
    ----------
    optimizer : optimiser with ``step(params, grads)``
    l1 : float >= 0
        λ.
    keys : sequence of str
        Which parameters are penalised.

    Notes
    -----
    The gradients are changed in place (a layer writes them afresh at every
    backward pass, so nothing else sees the change).

    Built in chapter 04.
    """

    def __init__(self, optimizer: Any, l1: float, keys: Sequence[str] = ("W",)) -> None:
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError(
                f"L1Penalty: optimizer must have a step(params, grads) method, like "
                f"dlbook.optim.SGD(0.1); got {type(optimizer).__name__}."
            )
        if isinstance(l1, bool) or not isinstance(l1, (int, float)) or not l1 >= 0:
            raise ValueError(message("L1Penalty", "l1", "a float >= 0", l1))
        self.optimizer = optimizer
        self.l1 = float(l1)
        self.keys = tuple(keys)

    def step(self, params: Any, grads: Any) -> None:
        """Add λ·sign(θ) to the gradients named in ``keys``, then step the wrapped optimiser."""
        pds = [params] if isinstance(params, Mapping) else list(params)
        gds = [grads] if isinstance(grads, Mapping) else list(grads)
        if self.l1:
            for pd, gd in zip(pds, gds, strict=True):
                for key in self.keys:
                    if key in pd:
                        p, g = pd[key], gd[key]
                        g += self.l1 * backend.array_module(p).sign(p)  # ∂(λ|w|)/∂w = λ·sign(w)
        self.optimizer.step(params, grads)

    def __repr__(self) -> str:
        return f"L1Penalty({self.optimizer!r}, l1={self.l1!r})"


# --- a learning-rate schedule --------------------------------------------------------------------


class CosineDecay:
    """Lower the learning rate of any optimiser along a half cosine, from its ``lr`` to ``lr_min``.

    Before step t (t = 0, 1, …) the wrapped optimiser's ``lr`` is set to::

        η_t = η_min + ½ (η_0 − η_min) (1 + cos(π · min(t, T) / T))

    so that the first step uses η_0 and step T and later ones use η_min
    (Loshchilov & Hutter 2017, "SGDR: stochastic gradient descent with warm
    restarts", ICLR, without the restarts)::

        opt = CosineDecay(SGD(0.1, momentum=0.9), total_steps=epochs * batches_per_epoch)
        model.fit(x, y, optimizer=opt, ...)

    Parameters
    ----------
    optimizer : Optimizer
        Any optimiser of this module (its ``lr`` attribute is changed).
    total_steps : int >= 1
        T, the number of steps over which the rate falls.
    lr_min : float >= 0
        The final learning rate.

    Built in chapter 04.
    """

    def __init__(self, optimizer: Optimizer, total_steps: int, lr_min: float = 0.0) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                "CosineDecay: optimizer must be a dlbook.optim optimiser such as SGD(0.1); "
                f"got {type(optimizer).__name__}."
            )
        message = (
            f"The 'total_steps' parameter of CosineDecay must be an int >= 1. Got {total_steps!r}."
        )
        if isinstance(total_steps, bool) or not isinstance(total_steps, numbers.Integral):
            raise TypeError(message)
        if total_steps < 1:
            raise ValueError(message)
        self.optimizer: Optimizer = optimizer
        self.lr0: float = optimizer.lr
        self.lr_min: float = check_real("CosineDecay", "lr_min", lr_min, 0.0)
        self.total_steps: int = int(total_steps)
        self.t: int = 0  # steps taken

    def lr_at(self, t: int) -> float:
        """The learning rate used at step ``t`` (0-based)."""
        frac = min(t, self.total_steps) / self.total_steps
        return self.lr_min + 0.5 * (self.lr0 - self.lr_min) * (1.0 + math.cos(math.pi * frac))

    def step(self, params: Params, grads: Params) -> None:
        """Set the wrapped optimiser's ``lr`` for this step, then take the step."""
        self.optimizer.lr = max(self.lr_at(self.t), 1e-300)  # an optimiser's lr stays > 0
        self.optimizer.step(params, grads)
        self.t += 1

    def __repr__(self) -> str:
        return (
            f"CosineDecay({self.optimizer!r}, total_steps={self.total_steps}, "
            f"lr_min={self.lr_min!r})"
        )


# --- optimisers on a surface ---------------------------------------------------------------------


def optimizer_path(
    optimizer: Any, grad: Callable[[np.ndarray], Any], start: Sequence[float], steps: int
) -> np.ndarray:
    """The points an optimiser visits on a small function, from ``start``, for ``steps`` steps.

    The parameter is one float64 vector ``{"w": w}`` handed to
    ``optimizer.step``; ``grad(w)`` gives the gradient of the function at ``w``
    (a NumPy array of the same shape).

    Returns
    -------
    ndarray of shape (steps + 1, len(start)), float64, on the host.
    """
    w = np.array(start, dtype=np.float64)  # host: a 2-D toy problem, not a model
    params, grads = {"w": w}, {"w": np.zeros_like(w)}  # host, as w
    path = [w.copy()]
    for _ in range(int(steps)):
        grads["w"][...] = grad(w.copy())
        optimizer.step(params, grads)
        path.append(w.copy())
    return np.stack(path)


#: The optimisers by name, for ``get("adam")`` and ``model.fit(..., optimizer="adam")``.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def get(optimizer: str | Optimizer, **hyper: Any) -> Optimizer:
    """An optimiser from its name (``"sgd"``, ``"adagrad"``, ``"rmsprop"``, ``"adam"``).

    An :class:`Optimizer` is returned as it is (with its state). A name is matched
    case-insensitively and the class is built with ``hyper``; ``"sgd"`` without
    ``lr`` gets ``lr=0.1``, the others their own defaults. ``get("sgd", lr=0.1,
    momentum=0.9)`` is ``SGD(0.1, momentum=0.9)``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones and the closest).
    TypeError
        For anything that is neither a name nor an optimiser, or hyper-parameters
        given together with an optimiser object.

    Built in chapter 04.
    """
    if isinstance(optimizer, Optimizer):
        if hyper:
            raise TypeError(
                f"optim.get: hyper-parameters {sorted(hyper)} were given with an optimiser "
                f"object {optimizer!r}; set them when you build it, e.g. SGD(0.1, momentum=0.9)."
            )
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(
            "optim.get: optimizer must be a name such as 'adam' or an optimiser such as "
            f"SGD(lr=0.1); got {type(optimizer).__name__}."
        )
    key = optimizer.strip().lower()
    if key not in OPTIMIZERS:
        import difflib

        close = difflib.get_close_matches(key, list(OPTIMIZERS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"optim.get: unknown optimiser {optimizer!r}; known names are "
            f"{sorted(OPTIMIZERS)}.{hint} Or pass an object, e.g. dlbook.optim.Adam(lr=1e-3)."
        )
    if key == "sgd":
        hyper.setdefault("lr", 0.1)
    try:
        return OPTIMIZERS[key](**hyper)
    except TypeError as exc:
        if "unexpected keyword" not in str(exc):
            raise
        raise TypeError(
            f"optim.get: {OPTIMIZERS[key].__name__} does not take {sorted(hyper)}: {exc}."
        ) from exc
