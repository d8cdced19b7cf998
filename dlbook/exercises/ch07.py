"""Exercises and quizzes of chapter 07: restricted Boltzmann machines and contrastive divergence.

In the notebook::

    from dlbook.exercises import ch07
    ch07.energy.check(my_energy)
    ch07.factorial_quiz.check(None)       # a quiz: .check(option number)

Five code exercises (the energy of a configuration, the free energy, one block
Gibbs step with given random numbers, a CD-1 update, the exact log Z of a tiny
RBM by enumeration) and three quizzes. Every exercise knows at least four typical
wrong answers and the case that catches each; when the reader's answer is one of
them, the checker says which.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, Quiz, function_exercise
from .fixtures import fixed_array as _fixed
from .fixtures import fixed_bits as _bits
from .fixtures import fixed_uniform as _uniform
from .fixtures import sigmoid as _sigmoid

Mistake = tuple[Callable[..., Any], str]

__all__ = [
    "cd1_update",
    "cd_bias_quiz",
    "energy",
    "factorial_quiz",
    "free_energy",
    "gibbs_step",
    "log_z_exact",
    "pcd_quiz",
]


# --- 07.energy ---------------------------------------------------------------------------------


def _energy(v: np.ndarray, h: np.ndarray, W: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    return float(-(a @ v) - (b @ h) - v @ W @ h)  # E(v, h) = −a·v − b·h − vᵀ W h


def _energy_plus(v, h, W, a, b):
    # Mistake: every sign flipped (the "goodness" −E instead of the energy).
    return float(a @ v + b @ h + v @ W @ h)


def _energy_no_biases(v, h, W, a, b):
    # Mistake: only the interaction term.
    return float(-(v @ W @ h))


def _energy_interaction_plus(v, h, W, a, b):
    # Mistake: the interaction with the wrong sign.
    return float(-(a @ v) - (b @ h) + v @ W @ h)


def _energy_half(v, h, W, a, b):
    # Mistake: the ½ of a Hopfield net's energy, which counts each pair twice; an RBM's
    # sum over visible–hidden pairs counts each once.
    return float(-(a @ v) - (b @ h) - 0.5 * (v @ W @ h))


energy = function_exercise(
    id="07.energy",
    title="The energy of a configuration",
    prompt="""
    Write `energy(v, h, W, a, b)`: the energy E(v, h) = −a·v − b·h − vᵀ W h of one
    joint configuration of an RBM.

    - `v`: float array (V,) of 0s and 1s; `h`: float array (H,) of 0s and 1s;
    - `W`: float array (V, H), `W[i, j]` links visible unit i to hidden unit j;
    - `a`: (V,) visible biases; `b`: (H,) hidden biases;
    - returns a float.

    Example: `v = [1, 0, 1]`, `h = [1, 1]`, `W = [[1, -1], [2, 0], [0.5, 0.5]]`,
    `a = [0.1, 0.2, 0.3]`, `b = [-1, 1]` gives −(0.4) − (0) − (1.5 − 0.5) = −1.4.
    """,
    reference=_energy,
    cases=[
        Case(
            "the example",
            (
                np.array([1.0, 0.0, 1.0]),
                np.array([1.0, 1.0]),
                np.array([[1.0, -1.0], [2.0, 0.0], [0.5, 0.5]]),
                np.array([0.1, 0.2, 0.3]),
                np.array([-1.0, 1.0]),
            ),
        ),
        Case(
            "V = 5, H = 4",
            (
                _bits(5, seed=1),
                _bits(4, seed=2),
                _fixed(5, 4, seed=3),
                _fixed(5, seed=4),
                _fixed(4, seed=5),
            ),
        ),
        Case(
            "V = 6, H = 3, all units on",
            (np.ones(6), np.ones(3), _fixed(6, 3, seed=6), _fixed(6, seed=7), _fixed(3, seed=8)),
        ),
    ],
    hints=[
        "Three terms, each with a minus sign: one for the visible biases, one for the hidden "
        "biases, one for every visible–hidden pair that is on together.",
        "E = −Σ_i a_i v_i − Σ_j b_j h_j − Σ_i Σ_j v_i W_ij h_j; the double sum is vᵀ W h.",
        "return float(-(a @ v) - (b @ h) - v @ W @ h)",
    ],
    mistakes=[
        (_energy_plus, "every sign is flipped: the energy is −a·v − b·h − vᵀWh"),
        (_energy_no_biases, "you left out the biases a·v and b·h"),
        (_energy_interaction_plus, "the interaction term vᵀWh needs a minus sign too"),
        (
            _energy_half,
            "you halved vᵀWh, as a Hopfield net does when it sums over both (i, j) and (j, i); "
            "an RBM's pairs join two different layers and each is counted once",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 07.free_energy -----------------------------------------------------------------------------


def _free_energy(v: np.ndarray, W: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    x = v @ W + b  # (N, H): the hidden units' total inputs
    return -(v @ a) - np.logaddexp(0, x).sum(axis=1)  # softplus without overflow


def _free_energy_naive(v, W, a, b):
    # Mistake: log(1 + exp(x)) as written; exp overflows for x > 709.
    with np.errstate(over="ignore"):
        return -(v @ a) - np.log(1 + np.exp(v @ W + b)).sum(axis=1)


def _free_energy_no_log(v, W, a, b):
    # Mistake: Σ_j exp(x_j) instead of Σ_j log(1 + exp(x_j)).
    with np.errstate(over="ignore"):
        return -(v @ a) - np.exp(v @ W + b).sum(axis=1)


def _free_energy_no_hidden_bias(v, W, a, b):
    # Mistake: forgets the hidden bias inside the softplus.
    return -(v @ a) - np.logaddexp(0, v @ W).sum(axis=1)


def _free_energy_relu(v, W, a, b):
    # Mistake: max(0, x), the large-x limit of softplus, used everywhere.
    return -(v @ a) - np.maximum(0, v @ W + b).sum(axis=1)


def _free_energy_sign(v, W, a, b):
    # Mistake: the visible term with the wrong sign.
    return (v @ a) - np.logaddexp(0, v @ W + b).sum(axis=1)


free_energy = function_exercise(
    id="07.free_energy",
    title="The free energy",
    prompt="""
    Write `free_energy(v, W, a, b)`: F(v) = −a·v − Σ_j log(1 + e^(x_j)) with
    x = vW + b, for each row of `v`, so that p(v) = e^(−F(v)) / Z. It is what is left
    of the energy after the hidden units are summed out.

    - `v`: float array (N, V) of 0s and 1s; `W` (V, H); `a` (V,); `b` (H,);
    - returns a float array (N,);
    - must stay finite when some x_j is in the hundreds (e^800 overflows).

    Example: `v = [[1, 0]]`, `W = [[1, 0], [0, 1]]`, `a = [0.5, 0]`, `b = [0, 0]`
    gives −0.5 − log(1 + e) − log 2 = −2.506.
    """,
    reference=_free_energy,
    cases=[
        Case(
            "the example",
            (
                np.array([[1.0, 0.0]]),
                np.eye(2),
                np.array([0.5, 0.0]),
                np.zeros(2),
            ),
        ),
        Case(
            "N = 4, V = 5, H = 3",
            (_bits(4, 5, seed=1), _fixed(5, 3, seed=2), _fixed(5, seed=3), _fixed(3, seed=4)),
        ),
        Case(
            "large inputs: x = ±800",
            (
                np.array([[1.0, 1.0], [1.0, 0.0]]),
                np.array([[400.0, -800.0], [400.0, 3.0]]),
                np.array([0.1, -0.2]),
                np.array([0.0, 1.0]),
            ),
        ),
    ],
    hints=[
        "Sum the hidden units out: each one contributes a factor (1 + e^(x_j)) to Σ_h e^(−E).",
        "F(v) = −a·v − Σ_j softplus(x_j), x = vW + b; softplus(x) = log(1 + eˣ) = "
        "np.logaddexp(0, x), which never overflows.",
        "x = v @ W + b; return -(v @ a) - np.logaddexp(0, x).sum(axis=1)",
    ],
    mistakes=[
        (
            _free_energy_naive,
            "log(1 + np.exp(x)) overflows for x > 709 and gives −inf; use np.logaddexp(0, x)",
        ),
        (_free_energy_no_log, "each hidden unit contributes log(1 + e^x), not e^x"),
        (_free_energy_no_hidden_bias, "the hidden bias b belongs inside: x = vW + b"),
        (
            _free_energy_relu,
            "max(0, x) is only the limit of log(1 + e^x) for large |x|; at x = 0 it misses log 2",
        ),
        (_free_energy_sign, "the visible term is −a·v (lower free energy for likely v)"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 07.gibbs_step ------------------------------------------------------------------------------


def _gibbs_step(
    v: np.ndarray, W: np.ndarray, a: np.ndarray, b: np.ndarray, u_h: np.ndarray, u_v: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    h = (u_h < _sigmoid(v @ W + b)).astype(np.float64)  # h_j = 1 with probability p(h_j | v)
    v_new = (u_v < _sigmoid(h @ W.T + a)).astype(np.float64)
    return h, v_new


def _gibbs_greater(v, W, a, b, u_h, u_v):
    # Mistake: u > p, which switches a unit on with probability 1 − p.
    h = (u_h > _sigmoid(v @ W + b)).astype(np.float64)
    return h, (u_v > _sigmoid(h @ W.T + a)).astype(np.float64)


def _gibbs_probabilities(v, W, a, b, u_h, u_v):
    # Mistake: returns probabilities instead of binary samples.
    p_h = _sigmoid(v @ W + b)
    return p_h, _sigmoid(p_h @ W.T + a)


def _gibbs_mean_field_h(v, W, a, b, u_h, u_v):
    # Mistake: samples h but drives the visible units with p(h | v), not with the sample.
    p_h = _sigmoid(v @ W + b)
    h = (u_h < p_h).astype(np.float64)
    return h, (u_v < _sigmoid(p_h @ W.T + a)).astype(np.float64)


def _gibbs_wrong_bias(v, W, a, b, u_h, u_v):
    # Mistake: forgets the visible bias on the way down.
    h = (u_h < _sigmoid(v @ W + b)).astype(np.float64)
    return h, (u_v < _sigmoid(h @ W.T)).astype(np.float64)


gibbs_step = function_exercise(
    id="07.gibbs_step",
    title="One step of block Gibbs sampling",
    prompt="""
    Write `gibbs_step(v, W, a, b, u_h, u_v)`: one step v → h → v′ of block Gibbs
    sampling. The random numbers are given, so that the answer is checkable: a unit
    is switched on when its uniform number is *below* its probability.

    - `v`: (N, V) of 0s and 1s; `W` (V, H); `a` (V,); `b` (H,);
    - `u_h`: (N, H) and `u_v`: (N, V), uniform numbers in [0, 1);
    - returns `(h, v_new)`: binary float arrays (N, H) and (N, V), where
      h = [u_h < σ(vW + b)] and v_new = [u_v < σ(hWᵀ + a)], using the *sampled* h.

    Example: `v = [[1, 0]]`, `W = [[2, -2], [0, 0]]`, `a = [0, 0]`, `b = [0, 0]`,
    `u_h = [[0.5, 0.5]]`, `u_v = [[0.5, 0.9]]` gives `h = [[1, 0]]`, `v_new = [[1, 0]]`.
    """,
    reference=_gibbs_step,
    cases=[
        Case(
            "the example",
            (
                np.array([[1.0, 0.0]]),
                np.array([[2.0, -2.0], [0.0, 0.0]]),
                np.zeros(2),
                np.zeros(2),
                np.array([[0.5, 0.5]]),
                np.array([[0.5, 0.9]]),
            ),
        ),
        Case(
            "N = 6, V = 5, H = 4",
            (
                _bits(6, 5, seed=1),
                _fixed(5, 4, seed=2, scale=2.0),
                _fixed(5, seed=3, scale=2.0),
                _fixed(4, seed=4, scale=2.0),
                _uniform(6, 4, seed=5),
                _uniform(6, 5, seed=6),
            ),
        ),
        Case(
            "N = 8, V = 4, H = 6",
            (
                _bits(8, 4, seed=7),
                _fixed(4, 6, seed=8, scale=3.0),
                _fixed(4, seed=9, scale=3.0),
                _fixed(6, seed=10),
                _uniform(8, 6, seed=11),
                _uniform(8, 4, seed=12),
            ),
        ),
    ],
    hints=[
        "All hidden units at once from the visible ones, then all visible units at once from "
        "the sampled hidden ones: no unit depends on another in its own layer.",
        "h = (u_h < σ(vW + b)); v′ = (u_v < σ(hWᵀ + a)); σ(x) = 1/(1 + e^(−x)).",
        "sig = lambda x: 1 / (1 + np.exp(-x))\n"
        "h = (u_h < sig(v @ W + b)).astype(float)\n"
        "return h, (u_v < sig(h @ W.T + a)).astype(float)",
    ],
    mistakes=[
        (_gibbs_greater, "u > p switches a unit on with probability 1 − p; use u < p"),
        (
            _gibbs_probabilities,
            "you returned probabilities; a Gibbs step returns binary states drawn with them",
        ),
        (
            _gibbs_mean_field_h,
            "the visible units must be drawn given the sampled h, not given p(h | v)",
        ),
        (_gibbs_wrong_bias, "p(v_i = 1 | h) = σ(a_i + W[i, :]·h): the visible bias is missing"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 07.cd1_update ------------------------------------------------------------------------------


def _cd1_update(
    v0: np.ndarray,
    h0: np.ndarray,
    v1: np.ndarray,
    W: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    lr: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = v0.shape[0]
    p0 = _sigmoid(v0 @ W + b)  # positive phase: probabilities given the data
    p1 = _sigmoid(v1 @ W + b)  # negative phase: probabilities given the reconstruction
    W_new = W + lr * (v0.T @ p0 - v1.T @ p1) / n  # ⟨v h⟩_data − ⟨v h⟩_recon
    a_new = a + lr * (v0 - v1).mean(axis=0)
    b_new = b + lr * (p0 - p1).mean(axis=0)
    return W_new, a_new, b_new


def _cd1_wrong_sign(v0, h0, v1, W, a, b, lr):
    # Mistake: gradient descent on the log-likelihood: the update with the wrong sign.
    W1, a1, b1 = _cd1_update(v0, h0, v1, W, a, b, lr)
    return 2 * W - W1, 2 * a - a1, 2 * b - b1


def _cd1_no_negative(v0, h0, v1, W, a, b, lr):
    # Mistake: only the positive phase ("Hebb"), without the negative phase.
    p0 = _sigmoid(v0 @ W + b)
    n = v0.shape[0]
    return W + lr * v0.T @ p0 / n, a + lr * v0.mean(0), b + lr * p0.mean(0)


def _cd1_sampled_positive(v0, h0, v1, W, a, b, lr):
    # Mistake: the sampled h0 in the positive statistics instead of p(h | v0).
    n = v0.shape[0]
    p1 = _sigmoid(v1 @ W + b)
    return (
        W + lr * (v0.T @ h0 - v1.T @ p1) / n,
        a + lr * (v0 - v1).mean(0),
        b + lr * (h0 - p1).mean(0),
    )


def _cd1_sum(v0, h0, v1, W, a, b, lr):
    # Mistake: sums over the batch instead of averaging (lr then depends on N).
    n = v0.shape[0]
    W1, a1, b1 = _cd1_update(v0, h0, v1, W, a, b, lr * n)
    return W1, a1, b1


def _cd1_weights_only(v0, h0, v1, W, a, b, lr):
    # Mistake: updates W but leaves the biases as they were.
    W1, _, _ = _cd1_update(v0, h0, v1, W, a, b, lr)
    return W1, a.copy(), b.copy()


cd1_update = function_exercise(
    id="07.cd1_update",
    title="A CD-1 update",
    prompt="""
    Write `cd1_update(v0, h0, v1, W, a, b, lr)`: one step of contrastive divergence
    (CD-1, Hinton 2002) on a batch. The samples are given: `h0` was drawn from
    p(h | v0) and the reconstruction `v1` from p(v | h0).

    - `v0`: (N, V) data; `h0`: (N, H) binary; `v1`: (N, V) binary;
    - `W` (V, H), `a` (V,), `b` (H,), `lr`: float;
    - returns new arrays `(W_new, a_new, b_new)`:
      p0 = σ(v0 W + b), p1 = σ(v1 W + b),
      W_new = W + lr (v0ᵀ p0 − v1ᵀ p1) / N, a_new = a + lr · mean(v0 − v1),
      b_new = b + lr · mean(p0 − p1). Use the *probabilities* p0 and p1 in the
      statistics, not the samples: they carry the same expectation with less noise.

    Example: with `W` all zero, `a = b = 0`, `v0 = [[1, 0]]`, `v1 = [[0, 1]]`, any h0,
    `lr = 1`: p0 = p1 = ½, so `W_new = [[0.5, 0.5], [-0.5, -0.5]]` for H = 2.
    """,
    reference=_cd1_update,
    cases=[
        Case(
            "the example",
            (
                np.array([[1.0, 0.0]]),
                np.array([[1.0, 0.0]]),
                np.array([[0.0, 1.0]]),
                np.zeros((2, 2)),
                np.zeros(2),
                np.zeros(2),
                1.0,
            ),
        ),
        Case(
            "N = 5, V = 6, H = 4, lr = 0.1",
            (
                _bits(5, 6, seed=1),
                _bits(5, 4, seed=2),
                _bits(5, 6, seed=3),
                _fixed(6, 4, seed=4),
                _fixed(6, seed=5),
                _fixed(4, seed=6),
                0.1,
            ),
        ),
        Case(
            "N = 3, V = 4, H = 5, lr = 0.5",
            (
                _bits(3, 4, seed=7),
                _bits(3, 5, seed=8),
                _bits(3, 4, seed=9),
                _fixed(4, 5, seed=10),
                _fixed(4, seed=11),
                _fixed(5, seed=12),
                0.5,
            ),
        ),
    ],
    hints=[
        "The update raises the log-likelihood: ⟨v h⟩ with the data clamped minus ⟨v h⟩ after "
        "one step of the chain. Both terms, and a plus sign in front of lr.",
        "p0 = σ(v0 W + b), p1 = σ(v1 W + b); dW = (v0ᵀ p0 − v1ᵀ p1) / N; "
        "da = mean(v0 − v1); db = mean(p0 − p1).",
        "sig = lambda x: 1 / (1 + np.exp(-x))\n"
        "p0, p1 = sig(v0 @ W + b), sig(v1 @ W + b)\n"
        "n = len(v0)\n"
        "return (W + lr * (v0.T @ p0 - v1.T @ p1) / n, a + lr * (v0 - v1).mean(0),\n"
        "        b + lr * (p0 - p1).mean(0))",
    ],
    mistakes=[
        (
            _cd1_wrong_sign,
            "the update has the wrong sign: it lowers the likelihood of the data. Add "
            "lr · (positive − negative)",
        ),
        (
            _cd1_no_negative,
            "the negative phase is missing: without −⟨v h⟩_recon the weights only grow "
            "(pure Hebbian learning) and the model never unlearns its own fantasies",
        ),
        (
            _cd1_sampled_positive,
            "you used the sampled h0 in the positive statistics; use the probabilities "
            "p0 = σ(v0 W + b): the same expectation, less noise",
        ),
        (_cd1_sum, "you summed over the batch; divide by N so that lr does not depend on N"),
        (_cd1_weights_only, "the biases a and b learn too: a += lr·mean(v0 − v1), b likewise"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 07.log_z_exact ----------------------------------------------------------------------------


def _all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def _log_z(W: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    vs, hs = _all_states(len(a)), _all_states(len(b))
    neg_e = (vs @ a)[:, None] + (hs @ b)[None, :] + vs @ W @ hs.T  # −E for every (v, h)
    m = neg_e.max()
    return float(m + np.log(np.exp(neg_e - m).sum()))  # log Σ e^(−E), without overflow


def _log_z_no_log(W, a, b):
    # Mistake: returns Z itself.
    with np.errstate(over="ignore"):
        return float(np.exp(_log_z(W, a, b)))


def _log_z_visible_only(W, a, b):
    # Mistake: sums over v with the hidden units all off.
    vs = _all_states(len(a))
    return float(np.log(np.exp(vs @ a).sum()))


def _log_z_mean(W, a, b):
    # Mistake: log of the mean over states instead of the sum.
    return _log_z(W, a, b) - (len(a) + len(b)) * np.log(2.0)


def _log_z_positive_energy(W, a, b):
    # Mistake: Σ e^(+E) instead of Σ e^(−E).
    vs, hs = _all_states(len(a)), _all_states(len(b))
    e = -((vs @ a)[:, None] + (hs @ b)[None, :] + vs @ W @ hs.T)
    m = e.max()
    return float(m + np.log(np.exp(e - m).sum()))


def _log_z_overflow(W, a, b):
    # Mistake: np.log(np.exp(−E).sum()) without the shift: overflows for large weights.
    vs, hs = _all_states(len(a)), _all_states(len(b))
    neg_e = (vs @ a)[:, None] + (hs @ b)[None, :] + vs @ W @ hs.T
    with np.errstate(over="ignore"):
        return float(np.log(np.exp(neg_e).sum()))


log_z_exact = function_exercise(
    id="07.log_z_exact",
    title="The exact log partition function of a tiny RBM",
    prompt="""
    Write `log_z_exact(W, a, b)`: log Z = log Σ_v Σ_h e^(−E(v, h)) for a tiny RBM
    (V, H ≤ 6), by enumerating all 2^(V+H) joint states.

    - `W` (V, H), `a` (V,), `b` (H,), floats;
    - returns a float; it must stay finite for weights of a thousand
      (subtract the largest −E before exponentiating).

    Example: with all parameters zero every one of the 2^(V+H) states has energy 0,
    so a 3×2 RBM has log Z = 5 log 2 = 3.466.
    """,
    reference=_log_z,
    cases=[
        Case("the example: 3×2, all zero", (np.zeros((3, 2)), np.zeros(3), np.zeros(2))),
        Case("3×2", (_fixed(3, 2, seed=1), _fixed(3, seed=2), _fixed(2, seed=3))),
        Case("4×3", (_fixed(4, 3, seed=4, scale=2.0), _fixed(4, seed=5), _fixed(3, seed=6))),
        Case(
            "3×2, weights of 900",
            (_fixed(3, 2, seed=7, scale=900.0), _fixed(3, seed=8), _fixed(2, seed=9)),
        ),
    ],
    hints=[
        "List every binary v and every binary h (itertools.product([0, 1], repeat=n)), compute "
        "−E for each pair, and add up e^(−E).",
        "−E(v, h) = a·v + b·h + vᵀWh; for all pairs at once: (vs @ a)[:, None] + (hs @ b)[None, :] "
        "+ vs @ W @ hs.T. Then log Σ e^(−E) = m + log Σ e^(−E − m) with m = max(−E).",
        "vs = np.array(list(itertools.product([0., 1.], repeat=len(a))))\n"
        "hs = np.array(list(itertools.product([0., 1.], repeat=len(b))))\n"
        "s = (vs @ a)[:, None] + (hs @ b)[None, :] + vs @ W @ hs.T\n"
        "return float(s.max() + np.log(np.exp(s - s.max()).sum()))",
    ],
    mistakes=[
        (_log_z_visible_only, "sum over the hidden states too, not only over v with h = 0"),
        (_log_z_mean, "Z is the sum over the states, not the mean: drop the division by 2^(V+H)"),
        (_log_z_positive_energy, "Z = Σ e^(−E): states with low energy weigh most"),
        (
            _log_z_overflow,
            "e^(−E) overflows for weights of 900; subtract the largest −E first (log-sum-exp)",
        ),
        (_log_z_no_log, "you returned Z; the exercise asks for log Z"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- quizzes -------------------------------------------------------------------------------------

factorial_quiz = Quiz(
    id="07.factorial_quiz",
    question="""
    In a general Boltzmann machine, computing p(h | v) for 500 hidden units needs a
    sum over 2^500 hidden states. In an RBM the same conditional is a product of 500
    independent sigmoids. Why?
    """,
    options=[
        "Because the RBM's units are binary while a Boltzmann machine's are continuous",
        "Because there are no links among the hidden units, so they do not interact",
        "Because an RBM is trained by contrastive divergence rather than by annealing",
        "Because the weights of an RBM are symmetric, so W[i, j] equals W[j, i] there",
    ],
    answer=1,
    explanation=(
        "with v fixed, the energy −b·h − vᵀWh is a sum of one term per hidden unit, so "
        "e^(−E) factorises and each h_j is a separate sigmoid; both machines have binary "
        "units and symmetric weights (Smolensky 1986; Ackley, Hinton & Sejnowski 1985)."
    ),
    hint="Write the energy with v held fixed: what terms involve two hidden units at once?",
)

cd_bias_quiz = Quiz(
    id="07.cd_bias_quiz",
    question="""
    On a tiny RBM whose log-likelihood can be computed exactly, CD-1 and PCD are run
    with the same step size. What does contrastive divergence with k = 1 get wrong?
    """,
    options=[
        "Its gradient is noisy, but on average it is exactly the likelihood gradient",
        "It is biased: its chains start at the data, so modes far from it go unseen",
        "It cannot change the biases, only the weights, because it has no negative phase",
        "It needs the exact partition function at every step, which is why it is slow",
    ],
    answer=1,
    explanation=(
        "one Gibbs step from the data does not reach the model's distribution, so CD-k "
        "follows a biased direction (Carreira-Perpiñán & Hinton 2005) that need not climb "
        "the likelihood; persistent chains (Tieleman 2008) wander further."
    ),
    hint="Where do CD's negative samples come from, and how far can they get in one step?",
)

pcd_quiz = Quiz(
    id="07.pcd_quiz",
    question="""
    Persistent contrastive divergence (Tieleman 2008) changes one thing in CD-1.
    Which one?
    """,
    options=[
        "The positive phase uses samples of h rather than their probabilities p(h | v)",
        "The negative chains carry on from the last batch instead of restarting at data",
        "The learning rate is divided by the number of Gibbs steps taken in each update",
        "The partition function is estimated by AIS before every update of the weights",
    ],
    answer=1,
    explanation=(
        "PCD keeps a set of 'fantasy particles' and moves each by one Gibbs step per update; "
        "because the weights change slowly, the chains stay close to the model's distribution."
    ),
    hint="What is 'persistent' in persistent CD?",
)
