"""The perceptron: Rosenblatt's threshold unit and its error-correcting learning rule.

Built in chapter 01 (the perceptron). One unit computes the net input
``z = x @ w + b`` and fires, ``y = step(z)``, when ``z >= 0``. Learning is
Rosenblatt's error-correction rule, applied one sample at a time::

    w <- w + eta * (d - y) * x          b <- b + eta * (d - y)

with targets ``d`` in {0, 1}. The rule changes the weights only on a mistake.

The update is *inherently sequential*: sample k+1 is judged by the weights that
sample k left behind. So :meth:`Perceptron.fit` loops over the samples, which is
the algorithm itself (DESIGN §2.1 allows loops over what is sequential).
Predictions are vectorised over the batch.

The loop keeps host and device apart: a decision is an array operation, never a
Python ``if`` on a device number, and the mistakes of an epoch come back to the
host once, at the end of the epoch.

References
----------
- F. Rosenblatt (1958), The perceptron: a probabilistic model for information
  storage and organization in the brain. Psychological Review 65(6), 386-408.
- F. Rosenblatt (1962), Principles of Neurodynamics. Spartan Books, Washington DC.
- H. D. Block (1962), The perceptron: a model for brain functioning. I. Reviews of
  Modern Physics 34(1), 123-135.
- A. B. J. Novikoff (1962), On convergence proofs on perceptrons. Proceedings of the
  Symposium on the Mathematical Theory of Automata, vol. XII, 615-622.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import backend

__all__ = [
    "MistakeBound",
    "Perceptron",
    "PerceptronHistory",
    "augment",
    "margin",
    "mistake_bound",
    "separable_data",
    "step",
]


def step(z: Any) -> Any:
    """The step (Heaviside) activation: 1 where ``z >= 0``, 0 where ``z < 0``.

    The convention at the boundary is that ``z = 0`` fires (gives 1), as in
    Rosenblatt (1958): a unit fires when its input reaches the threshold.

    Parameters
    ----------
    z : ndarray of any shape, float
        Net inputs.

    Returns
    -------
    ndarray of the same shape and dtype as ``z``, holding 0.0 and 1.0.
    """
    xp = backend.array_module(z)
    z = xp.asarray(z)
    dtype = z.dtype if z.dtype.kind == "f" else np.float64
    return (z >= 0).astype(dtype)


def augment(x: Any) -> Any:
    """Append a column of ones: ``x`` (N, D) -> ``(x, 1)`` (N, D+1).

    With it the bias is one more weight, ``z = x @ w + b = augment(x) @ (w, b)``,
    which is how the convergence proof treats it.
    """
    xp = backend.array_module(x)
    x = _as_2d(x, "augment", "x")
    return xp.concatenate([x, xp.ones((x.shape[0], 1), dtype=x.dtype)], axis=1)


@dataclass
class PerceptronHistory:
    """What :meth:`Perceptron.fit` did, epoch by epoch (host arrays).

    Attributes
    ----------
    mistakes : list of int
        Mistakes (= updates) in each epoch.
    w : ndarray of shape (epochs + 1, D)
        The weights before training (row 0) and after each epoch.
    b : ndarray of shape (epochs + 1,)
        The bias before training and after each epoch.
    order : ndarray of shape (epochs, N), int64
        The order in which the samples were presented in each epoch.
    wrong : ndarray of shape (epochs, N), bool
        ``wrong[e, k]`` is True when the k-th sample presented in epoch e was a
        mistake (and so caused an update).
    converged : bool
        True when the last epoch made no mistake.
    """

    mistakes: list[int] = field(default_factory=list)
    # The history is a record for plots and tables, so it lives on the host.
    w: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # host: a record
    b: np.ndarray = field(default_factory=lambda: np.zeros(0))  # host: a record
    order: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.int64)  # host: a record
    )
    wrong: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=bool)  # host: a record
    )
    converged: bool = False

    def __len__(self) -> int:
        """How many epochs were run (as ``len(history)`` for :class:`dlbook.History`)."""
        return len(self.mistakes)

    @property
    def epochs(self) -> list[int]:
        """The epoch numbers, 1, 2, …, len(history) (as :attr:`dlbook.History.epochs`)."""
        return list(range(1, len(self) + 1))

    @property
    def total_mistakes(self) -> int:
        """Mistakes over the whole run: the number of updates."""
        return int(sum(self.mistakes))

    def __repr__(self) -> str:
        state = "converged" if self.converged else "not converged"
        return (
            f"PerceptronHistory({len(self)} epochs, {self.total_mistakes} mistakes in all, "
            f"{state}; mistakes per epoch {self.mistakes[:8]}{' ...' if len(self) > 8 else ''})"
        )


class Perceptron:
    """One threshold unit trained with Rosenblatt's error-correction rule.

    Parameters
    ----------
    n_inputs : int
        D, the number of inputs.
    eta : float
        The learning rate η > 0.
    rng : None, int or generator
        Seeds the order in which :meth:`fit` presents the samples.
    dtype : numpy dtype
        Of the weights; float64 by default, because this chapter counts mistakes
        exactly and compares runs bit for bit.

    Attributes
    ----------
    w : ndarray of shape (D,)
        The weights, zero at the start.
    b : ndarray of shape ()
        The bias, zero at the start.

    Examples
    --------
    >>> p = Perceptron(2)
    >>> x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> history = p.fit(x, [0, 0, 0, 1], epochs=20)     # AND
    >>> history.converged, p.predict(x).tolist()
    (True, [0, 0, 0, 1])

    Built in chapter 01.
    """

    def __init__(self, n_inputs: int, eta: float = 1.0, rng: Any = 0, dtype: Any = np.float64):
        if not isinstance(n_inputs, (int, np.integer)) or isinstance(n_inputs, bool):
            raise TypeError(
                f"Perceptron: n_inputs must be an int (the number of inputs D); "
                f"got {type(n_inputs).__name__}."
            )
        if n_inputs < 1:
            raise ValueError(f"Perceptron: n_inputs must be >= 1; got {n_inputs}.")
        if not isinstance(eta, (int, float, np.number)) or isinstance(eta, bool):
            raise TypeError(f"Perceptron: eta must be a number > 0; got {type(eta).__name__}.")
        if not (math.isfinite(float(eta)) and eta > 0):
            raise ValueError(f"Perceptron: eta must be a finite number > 0; got {eta}.")
        self.n_inputs = int(n_inputs)
        self.eta = float(eta)
        self.dtype = np.dtype(dtype)
        self.rng = backend.default_rng(rng)
        self.w: Any = None
        self.b: Any = None
        self.reset()

    def reset(self) -> None:
        """Set the weights and the bias back to zero."""
        self.w = backend.zeros(self.n_inputs, dtype=self.dtype)
        self.b = backend.zeros((), dtype=self.dtype)

    def __repr__(self) -> str:
        return f"Perceptron(n_inputs={self.n_inputs}, eta={self.eta:g})"

    # --- the forward pass, vectorised over the batch ------------------------------------
    def net_input(self, x: Any) -> Any:
        """``z = x @ w + b`` for a batch ``x`` of shape (N, D); returns shape (N,)."""
        x = self._check_x(x, "net_input")
        return x @ self.w + self.b  # (N, D) @ (D,) -> (N,)

    def predict(self, x: Any) -> Any:
        """Class labels ``step(x @ w + b)`` as int64, shape (N,), for ``x`` of shape (N, D)."""
        return step(self.net_input(x)).astype(np.int64)

    def accuracy(self, x: Any, d: Any) -> float:
        """The fraction of samples classified correctly, in [0, 1]."""
        x = self._check_x(x, "accuracy")
        d = self._check_d(d, x.shape[0], "accuracy")
        return float((self.predict(x) == d).mean())

    # --- learning: one sample at a time ------------------------------------------------
    def update(self, x_i: Any, d_i: Any) -> int:
        """Apply the learning rule to one sample; return ``d - y`` (-1, 0 or +1).

        ``x_i`` has shape (D,), ``d_i`` is 0 or 1. Used by the chapter's
        step-through playground; :meth:`fit` runs the same rule on device arrays.
        """
        xp = backend.array_module(self.w)
        x_i = xp.asarray(x_i, dtype=self.dtype)
        if tuple(x_i.shape) != (self.n_inputs,):
            raise ValueError(
                f"Perceptron.update: x_i must have shape ({self.n_inputs},); "
                f"got {tuple(x_i.shape)}."
            )
        if d_i not in (0, 1):
            raise ValueError(f"Perceptron.update: d_i must be 0 or 1; got {d_i!r}.")
        y = step(x_i @ self.w + self.b)  # 0.0 or 1.0
        delta = d_i - y  # -1, 0 or +1
        self.w += self.eta * delta * x_i  # w <- w + eta (d - y) x
        self.b += self.eta * delta  # b <- b + eta (d - y)
        return int(delta)

    def fit(
        self,
        x: Any,
        d: Any,
        epochs: int = 100,
        *,
        shuffle: bool = True,
        until_converged: bool = True,
    ) -> PerceptronHistory:
        """Train with the error-correction rule, one sample at a time.

        Training continues from the current weights (call :meth:`reset` to start
        again from zero).

        Parameters
        ----------
        x : ndarray of shape (N, D)
            Inputs.
        d : ndarray of shape (N,)
            Targets, 0 or 1 (int or float).
        epochs : int
            The most passes through the data.
        shuffle : bool
            Present the samples in a new random order each epoch (from ``rng``);
            with False, in the order given.
        until_converged : bool
            Stop after the first epoch without a mistake.

        Returns
        -------
        PerceptronHistory

        Raises
        ------
        ValueError
            If ``x`` is not (N, D), ``d`` is not (N,) or holds values other than 0
            and 1, or ``epochs`` < 1.
        """
        x = self._check_x(x, "fit")
        d = self._check_d(d, x.shape[0], "fit")
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"Perceptron.fit: epochs must be an int >= 1; got {epochs!r}.")
        xp = backend.array_module(self.w)
        x = xp.asarray(x, dtype=self.dtype)
        d = xp.asarray(d, dtype=self.dtype)
        n = x.shape[0]
        ws = [backend.to_cpu(self.w).copy()]
        bs = [float(self.b)]
        history = PerceptronHistory()
        orders, wrongs = [], []
        for _ in range(int(epochs)):
            # The order drives a Python loop, so it is a host array (one copy per epoch).
            if shuffle:
                order = np.asarray(backend.to_cpu(self.rng.permutation(n)), dtype=np.int64)  # host
            else:
                order = np.arange(n, dtype=np.int64)  # host: indices for the Python loop
            wrong = backend.zeros(n, dtype=bool)
            for k, i in enumerate(order.tolist()):  # sequential by nature: see module doc
                x_i = x[i]
                y = x_i @ self.w + self.b >= 0  # y = step(z): True (1) where z >= 0
                delta = d[i] - y  # d - y: -1, 0 or +1
                correction = self.eta * delta  # eta (d - y), zero when the unit was right
                self.w += correction * x_i  # w <- w + eta (d - y) x
                self.b += correction  # b <- b + eta (d - y)
                wrong[k] = delta != 0
            wrong_host = np.asarray(backend.to_cpu(wrong), dtype=bool)  # host: once per epoch
            history.mistakes.append(int(wrong_host.sum()))
            orders.append(order)
            wrongs.append(wrong_host)
            ws.append(backend.to_cpu(self.w).copy())
            bs.append(float(self.b))
            if until_converged and history.mistakes[-1] == 0:
                break
        history.w = np.stack(ws)
        history.b = np.asarray(bs)  # host: a record
        history.order = np.stack(orders)
        history.wrong = np.stack(wrongs)
        history.converged = history.mistakes[-1] == 0
        return history

    # --- checks ---------------------------------------------------------------------------
    def _check_x(self, x: Any, where: str) -> Any:
        x = _as_2d(x, f"Perceptron.{where}", "x")
        if x.shape[1] != self.n_inputs:
            raise ValueError(
                f"Perceptron.{where}: x has {x.shape[1]} columns, the perceptron has "
                f"n_inputs={self.n_inputs}. x must have shape (N, {self.n_inputs})."
            )
        return x

    def _check_d(self, d: Any, n: int, where: str) -> Any:
        return _check_targets(d, n, f"Perceptron.{where}")


def _as_2d(x: Any, where: str, name: str) -> Any:
    xp = backend.array_module(x)
    x = xp.asarray(x)
    if x.ndim != 2:
        hint = f" For one sample use {name}[None, :]." if x.ndim == 1 else ""
        raise ValueError(
            f"{where}: {name} must have shape (N, D); got shape {tuple(x.shape)}.{hint}"
        )
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {name} must hold numbers; got dtype {x.dtype}.")
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return x


def _check_targets(d: Any, n: int, where: str) -> Any:
    xp = backend.array_module(d)
    d = xp.asarray(d)
    if tuple(d.shape) != (n,):
        raise ValueError(
            f"{where}: d must have shape ({n},), one target per row of x; got {tuple(d.shape)}."
        )
    values = np.unique(np.asarray(backend.to_cpu(d), dtype=np.float64))  # host: a check
    if not set(values.tolist()) <= {0.0, 1.0}:
        raise ValueError(
            f"{where}: d must hold only 0 and 1 (the two classes); got values "
            f"{values[:5].tolist()}. For labels -1/+1 use (d + 1) // 2."
        )
    return d


# --- geometry: margins and Novikoff's bound ------------------------------------------------


def _signs(d: Any) -> Any:
    """Targets 0/1 as signs -1/+1: s = 2d - 1."""
    return 2.0 * d - 1.0


def margin(x: Any, d: Any, w: Any, b: float) -> float:
    """The geometric margin of the boundary ``x @ w + b = 0`` on a labelled data set.

    ``min_i s_i (x_i @ w + b) / ||w||`` with ``s_i = 2 d_i - 1``: the distance from the
    boundary to the closest sample, negative when some sample is on the wrong side.

    Parameters
    ----------
    x : ndarray of shape (N, D)
    d : ndarray of shape (N,), values 0 or 1
    w : ndarray of shape (D,), not all zero
    b : float

    Raises
    ------
    ValueError
        For wrong shapes or ``w = 0`` (then there is no boundary).
    """
    x = _as_2d(x, "margin", "x")
    d = _check_targets(d, x.shape[0], "margin")
    xp = backend.array_module(x)
    w = xp.asarray(w, dtype=x.dtype)
    if tuple(w.shape) != (x.shape[1],):
        raise ValueError(f"margin: w must have shape ({x.shape[1]},); got {tuple(w.shape)}.")
    norm = float(xp.linalg.norm(w))
    if norm == 0.0:
        raise ValueError("margin: w is all zeros, so there is no boundary to measure from.")
    return float(xp.min(_signs(d) * (x @ w + b))) / norm


@dataclass(frozen=True)
class MistakeBound:
    """Novikoff's bound for one separator, in the augmented space (x, 1).

    Attributes
    ----------
    R : float
        ``max_i ||(x_i, 1)||``, the radius of the augmented data.
    gamma : float
        ``min_i s_i (x_i, 1) @ u`` for the unit vector ``u = (w, b) / ||(w, b)||``:
        the separator's margin in the augmented space (<= 0 if it does not separate).
    bound : float
        ``(R / gamma)**2``, the most mistakes a perceptron started at zero can make
        (``inf`` when ``gamma <= 0``).
    """

    R: float
    gamma: float
    bound: float


def mistake_bound(x: Any, d: Any, w: Any, b: float) -> MistakeBound:
    """Novikoff's (1962) bound ``(R / γ)²`` on the mistakes of the perceptron rule.

    If a unit vector ``u`` in the augmented space separates the data with margin
    ``γ > 0`` (``s_i u @ (x_i, 1) >= γ`` for all i) and ``R = max ||(x_i, 1)||``, then
    the rule, started at ``w = 0, b = 0``, makes at most ``(R / γ)²`` mistakes, for
    any learning rate and any order of presentation. Any separator gives a valid
    bound; the best separator gives the smallest.

    Parameters
    ----------
    x : ndarray of shape (N, D)
    d : ndarray of shape (N,), values 0 or 1
    w : ndarray of shape (D,) and b : float
        A separator, for example the one the data were made with.

    Returns
    -------
    MistakeBound
    """
    xa = augment(x)
    d = _check_targets(d, xa.shape[0], "mistake_bound")
    xp = backend.array_module(xa)
    u = xp.concatenate([xp.asarray(w, dtype=xa.dtype).reshape(-1), xp.asarray([b], dtype=xa.dtype)])
    if tuple(u.shape) != (xa.shape[1],):
        raise ValueError(
            f"mistake_bound: w must have shape ({xa.shape[1] - 1},); got {u.shape[0] - 1} values."
        )
    norm = float(xp.linalg.norm(u))
    if norm == 0.0:
        raise ValueError("mistake_bound: (w, b) is all zeros; it separates nothing.")
    gamma = float(xp.min(_signs(d) * (xa @ u))) / norm
    radius = float(xp.max(xp.linalg.norm(xa, axis=1)))
    bound = (radius / gamma) ** 2 if gamma > 0 else math.inf
    return MistakeBound(R=radius, gamma=gamma, bound=bound)


def separable_data(
    n: int,
    gamma: float,
    rng: Any = 0,
    *,
    dim: int = 2,
    band: float | None = None,
    max_tries: int = 1000,
) -> tuple[Any, Any, Any, float]:
    """Points in the square [-1, 1]^dim, split by a planted boundary with a given margin.

    A random unit vector ``u = (w, b)`` in the augmented space is drawn, and points
    with ``|u @ (x, 1)| < gamma`` are thrown away (and, with ``band``, those with
    ``|u @ (x, 1)| > gamma + band``), so the augmented margin of the planted
    separator is at least ``gamma``. Labels are ``d = 1`` on the side
    ``u @ (x, 1) > 0``. The point closest to the boundary is then moved along ``u``
    onto the margin, so that the planted separator's margin is exactly ``gamma``.

    Parameters
    ----------
    n : int
        How many points to return.
    gamma : float
        The margin, > 0 and small enough for points to remain (about < 0.5).
    rng : None, int or generator
    dim : int
        D, the number of inputs.
    band : float, optional
        Keep only points within ``gamma + band`` of the boundary: every point is
        then close to it, which makes the data harder to learn.
    max_tries : int
        Rounds of rejection sampling before giving up.

    Returns
    -------
    x : ndarray of shape (n, dim), float64
    d : ndarray of shape (n,), int64, values 0 and 1
    w : ndarray of shape (dim,) and b : float
        The planted separator, with ``||(w, b)|| = 1``.

    Raises
    ------
    ValueError
        If ``gamma`` is not in (0, 1) or too few points survive.
    """
    if not 0 < gamma < 1:
        raise ValueError(f"separable_data: gamma must be in (0, 1); got {gamma}.")
    if band is not None and not band > 0:
        raise ValueError(f"separable_data: band must be > 0 or None; got {band}.")
    gen = backend.default_rng(rng)
    # The data are made on the host (rejection sampling) and moved once at the end.
    direction = np.asarray(backend.to_cpu(gen.normal(size=dim)), dtype=np.float64)  # host
    direction /= np.linalg.norm(direction)
    offset = float(backend.to_cpu(gen.uniform(-0.25, 0.25)))
    u = np.concatenate([direction, [offset]])
    u /= np.linalg.norm(u)
    kept: list[np.ndarray] = []
    count = 0
    for _ in range(max_tries):
        cand = np.asarray(backend.to_cpu(gen.uniform(-1.0, 1.0, size=(4 * n, dim))))  # host
        score = cand @ u[:dim] + u[dim]
        far = np.abs(score) >= gamma
        if band is not None:
            far &= np.abs(score) <= gamma + band
        keep = cand[far]
        kept.append(keep)
        count += len(keep)
        if count >= n:
            break
    if count < n:
        raise ValueError(
            f"separable_data: only {count} of {n} points have margin >= {gamma}; "
            "use a smaller gamma."
        )
    x_host = np.concatenate(kept)[:n]
    score = x_host @ u[:dim] + u[dim]
    # Move the closest point along u until it sits exactly at margin gamma, so that
    # the planted separator's margin is gamma itself, not gamma plus sampling luck.
    i = int(np.argmin(np.abs(score)))
    side = 1.0 if score[i] > 0 else -1.0
    x_host[i] += (side * gamma - score[i]) / (u[:dim] @ u[:dim]) * u[:dim]
    d_host = (x_host @ u[:dim] + u[dim] > 0).astype(np.int64)
    return (
        backend.asarray(x_host, dtype=np.float64),
        backend.asarray(d_host, dtype=np.int64),
        backend.asarray(u[:dim]),
        float(u[dim]),
    )
