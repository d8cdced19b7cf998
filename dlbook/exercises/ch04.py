"""Exercises and quizzes of chapter 04: training deep networks.

In the notebook::

    from dlbook.exercises import ch04
    ch04.dropout_forward.check(my_dropout_forward)
    ch04.vanishing_quiz.check(None)        # a quiz: .check(option number)

Seven code exercises (inverted dropout forward and backward, the gradient of the L1
and L2 penalties, He and Xavier initialisation, a momentum step, an Adam step, the
patience rule of early stopping) and three quizzes. When a wrong answer is one of
the typical mistakes, the checker says which.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, Quiz, function_exercise
from .fixtures import fixed_array as _fixed
from .fixtures import fixed_mask

__all__ = [
    "adam_step",
    "dropout_backward",
    "dropout_forward",
    "dropout_test_quiz",
    "early_stopping",
    "init_std",
    "momentum_step",
    "penalty_gradient",
    "search_quiz",
    "vanishing_quiz",
]

Mistake = tuple[Callable[..., Any], str]


# --- 04.dropout_forward --------------------------------------------------------------------------


# The mistakes both dropout exercises catch: forward and backward multiply by the same m.


def _mask_only(a: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: the mask without the 1/(1 − p) scaling (the original, non-inverted dropout).
    return a * keep


def _mask_flipped(a: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: keeps the units the mask marks as dropped (~keep).
    return a * ~keep / (1.0 - p)


def _scale_two(a: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: ignores p and always scales by 2, right only for p = 0.5.
    return a * keep * 2.0


def _dropout_forward(x: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    return x * keep / (1.0 - p)  # kept units scaled by 1/(1 − p), so that E[output] = x


def _dropout_forward_times(x: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: multiplies by (1 − p), the test-time rule of the original dropout.
    return x * keep * (1.0 - p)


def _dropout_forward_by_p(x: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: divides by p, mixing up the drop and the keep probability.
    return x * keep / p


dropout_forward = function_exercise(
    id="04.dropout_forward",
    title="Inverted dropout, forward",
    prompt="""
    Write `dropout_forward(x, keep, p)`: the training-time forward pass of
    **inverted dropout**. Each unit is dropped with probability `p`; the units that
    are kept are scaled up by 1/(1 − p), so that the expected output equals the
    input and the layer can do nothing at test time.

    - `x`: float array (N, D), the layer's input;
    - `keep`: bool array (N, D), True where the unit is kept (the random mask,
      given so that the answer is checkable);
    - `p`: float in [0, 1), the probability of *dropping* a unit;
    - returns a new float array (N, D).

    Example: `x = [[1., 2., 3., 4.]]`, `keep = [[True, False, True, True]]`,
    `p = 0.25` gives `[[1.333, 0., 4., 5.333]]`.
    """,
    reference=_dropout_forward,
    cases=[
        Case(
            "the example: p = 0.25",
            (np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[True, False, True, True]]), 0.25),
        ),
        Case("N = 3, D = 5, p = 0.5", (_fixed(3, 5, seed=1), fixed_mask(3, 5, seed=1), 0.5)),
        Case("N = 4, D = 6, p = 0.2", (_fixed(4, 6, seed=2), fixed_mask(4, 6, seed=2, p=0.8), 0.2)),
        Case("p = 0: nothing dropped", (_fixed(2, 3, seed=3), np.ones((2, 3), bool), 0.0)),
    ],
    hints=[
        "Two things happen to each unit: it is zeroed where keep is False, and the units that "
        "survive are made larger, so that on average over masks nothing changes.",
        "A unit survives with probability 1 − p; to keep E[output] = x, multiply the survivors "
        "by 1/(1 − p): out = x · keep / (1 − p).",
        "return x * keep / (1 - p)    # keep is bool: True counts as 1, False as 0",
    ],
    mistakes=[
        (
            _mask_flipped,
            "you kept the dropped units: keep is True where a unit stays",
        ),
        (
            _scale_two,
            "you scaled by 2 whatever p is; the survivors are scaled by 1/(1 − p)",
        ),
        (
            _mask_only,
            "you zeroed the dropped units but did not scale the kept ones by 1/(1 − p); "
            "inverted dropout scales at training time so that test time needs nothing",
        ),
        (
            _dropout_forward_times,
            "you multiplied by (1 − p); that is the test-time rule of the original dropout. "
            "Inverted dropout divides the kept units by (1 − p) during training",
        ),
        (
            _dropout_forward_by_p,
            "you divided by p, the probability of dropping; divide by 1 − p, the probability "
            "of keeping",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 04.dropout_backward -------------------------------------------------------------------------


def _dropout_backward(dout: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    return dout * keep / (1.0 - p)  # the same mask and scale: out = x · m, so ∂out/∂x = m


def _dropout_backward_identity(dout: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: passes the gradient through unchanged, as if the layer were the identity.
    return dout.copy()


def _dropout_backward_scale_only(dout: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    # Mistake: scales but lets the gradient flow into the dropped units.
    return dout / (1.0 - p)


dropout_backward = function_exercise(
    id="04.dropout_backward",
    title="Inverted dropout, backward",
    prompt="""
    Write `dropout_backward(dout, keep, p)`: the backward pass of the inverted
    dropout of the previous exercise. Its forward pass was out = x · m with
    m = keep / (1 − p) fixed for this batch.

    - `dout`: float array (N, D), ∂C/∂out;
    - `keep`: bool array (N, D), the *same* mask as in the forward pass;
    - `p`: float in [0, 1);
    - returns dx = ∂C/∂x, a new float array (N, D).

    Example: `dout = [[1., 1., 1., 1.]]`, `keep = [[True, False, True, True]]`,
    `p = 0.25` gives `[[1.333, 0., 1.333, 1.333]]`.
    """,
    reference=_dropout_backward,
    cases=[
        Case(
            "the example: p = 0.25",
            (np.ones((1, 4)), np.array([[True, False, True, True]]), 0.25),
        ),
        Case("N = 3, D = 5, p = 0.5", (_fixed(3, 5, seed=4), fixed_mask(3, 5, seed=4), 0.5)),
        Case("N = 2, D = 7, p = 0.1", (_fixed(2, 7, seed=5), fixed_mask(2, 7, seed=5, p=0.9), 0.1)),
    ],
    hints=[
        "The forward pass multiplies each x by a number m that does not depend on x. What is "
        "the derivative of m·x with respect to x?",
        "∂out/∂x = m = keep / (1 − p) elementwise, so dx = dout · keep / (1 − p): dropped units "
        "get no gradient, kept ones get it scaled.",
        "return dout * keep / (1 - p)",
    ],
    mistakes=[
        (
            _mask_flipped,
            "the gradient goes to the units that were kept (keep True)",
        ),
        (_scale_two, "you scaled by 2 whatever p is; use the forward pass's 1/(1 − p)"),
        (
            _dropout_backward_identity,
            "you passed dout through unchanged; a dropped unit had no effect on the cost, so "
            "its gradient must be 0, and kept units carry the 1/(1 − p) factor",
        ),
        (
            _mask_only,
            "you masked the gradient but left out the 1/(1 − p) factor that the forward pass "
            "applied to the kept units",
        ),
        (
            _dropout_backward_scale_only,
            "you scaled by 1/(1 − p) but forgot the mask: dropped units must get zero gradient",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 04.penalty_gradient -------------------------------------------------------------------------


def _penalty_gradient(W: np.ndarray, dW: np.ndarray, l2: float, l1: float) -> np.ndarray:
    # C_total = C + (λ₂/2)·Σ w² + λ₁·Σ|w|  ->  ∂/∂w = ∂C/∂w + λ₂·w + λ₁·sign(w)
    return dW + l2 * W + l1 * np.sign(W)


def _penalty_gradient_twice(W: np.ndarray, dW: np.ndarray, l2: float, l1: float) -> np.ndarray:
    # Mistake: 2·λ₂·w, forgetting that the penalty is (λ₂/2)·Σ w².
    return dW + 2 * l2 * W + l1 * np.sign(W)


def _penalty_gradient_l1_as_w(W: np.ndarray, dW: np.ndarray, l2: float, l1: float) -> np.ndarray:
    # Mistake: λ₁·w for the L1 term, as if |w| were w²/2.
    return dW + l2 * W + l1 * W


def _penalty_gradient_sign(W: np.ndarray, dW: np.ndarray, l2: float, l1: float) -> np.ndarray:
    # Mistake: subtracts the penalties (the direction of the update, not the gradient).
    return dW - l2 * W - l1 * np.sign(W)


def _penalty_gradient_no_l1(W: np.ndarray, dW: np.ndarray, l2: float, l1: float) -> np.ndarray:
    # Mistake: ignores the argument l1.
    return dW + l2 * W


def _penalty_gradient_sign_at_zero(
    W: np.ndarray, dW: np.ndarray, l2: float, l1: float
) -> np.ndarray:
    # Mistake: a sign that gives +1 at w = 0 (np.where(W >= 0, 1, -1)); the prompt says sign(0) = 0.
    return dW + l2 * W + l1 * np.where(W >= 0, 1.0, -1.0)


penalty_gradient = function_exercise(
    id="04.penalty_gradient",
    title="The gradient of the L2 and L1 penalties",
    prompt="""
    Regularised training minimises C + (λ₂/2)·Σ w² + λ₁·Σ |w| over the weights.
    Write `penalty_gradient(W, dW, l2, l1)` that returns the gradient of this total
    cost with respect to W, given dW = ∂C/∂W from backpropagation. Use sign(0) = 0
    for the L1 term (its subgradient at 0).

    - `W`, `dW`: float arrays of the same shape, e.g. (D, M);
    - `l2`, `l1`: floats ≥ 0, λ₂ and λ₁;
    - returns a new float array of W's shape.

    Example: `W = [[2., -1., 0.]]`, `dW = [[0.5, 0.5, 0.5]]`, `l2 = 0.1`, `l1 = 0.01`
    gives `[[0.71, 0.39, 0.5]]`.
    """,
    reference=_penalty_gradient,
    cases=[
        Case(
            "the example: λ₂ = 0.1, λ₁ = 0.01",
            (np.array([[2.0, -1.0, 0.0]]), np.array([[0.5, 0.5, 0.5]]), 0.1, 0.01),
        ),
        Case("L2 only: 3x4, λ₂ = 0.05", (_fixed(3, 4, seed=6), _fixed(3, 4, seed=7), 0.05, 0.0)),
        Case("L1 only: 4x3, λ₁ = 0.2", (_fixed(4, 3, seed=8), _fixed(4, 3, seed=9), 0.0, 0.2)),
        Case("both: 2x5", (_fixed(2, 5, seed=10), _fixed(2, 5, seed=11), 0.3, 0.1)),
    ],
    hints=[
        "Differentiate each penalty term by one weight w; the sums over the other weights "
        "do not depend on it.",
        "d/dw (λ₂/2)·w² = λ₂·w (the 1/2 is there to cancel the 2); d/dw λ₁·|w| = λ₁·sign(w). "
        "Add both to dW.",
        "return dW + l2 * W + l1 * np.sign(W)",
    ],
    mistakes=[
        (_penalty_gradient_no_l1, "the L1 term is missing: add λ₁·sign(W)"),
        (_penalty_gradient_sign_at_zero, "at w = 0 the L1 term must be 0 (sign(0) = 0), not +λ₁"),
        (
            _penalty_gradient_twice,
            "your L2 term is 2·λ₂·w; the penalty is (λ₂/2)·Σ w², whose derivative is λ₂·w",
        ),
        (
            _penalty_gradient_l1_as_w,
            "your L1 term is λ₁·w; the derivative of λ₁·|w| is λ₁·sign(w), a constant "
            "push towards 0 whatever the size of w (that is why L1 makes weights exactly small)",
        ),
        (
            _penalty_gradient_sign,
            "you subtracted the penalty terms; the gradient of a penalty points away from 0 "
            "(the update, θ − η·gradient, then pulls towards 0)",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 04.init_std ---------------------------------------------------------------------------------


def _init_std(fan_in: int, fan_out: int, scheme: str) -> float:
    if scheme == "he":
        return math.sqrt(2.0 / fan_in)  # He et al. 2015: Var(w) = 2 / n_in
    return math.sqrt(2.0 / (fan_in + fan_out))  # Glorot & Bengio 2010: Var(w) = 2 / (n_in + n_out)


def _init_std_variance(fan_in: int, fan_out: int, scheme: str) -> float:
    # Mistake: returns the variance instead of the standard deviation.
    return 2.0 / fan_in if scheme == "he" else 2.0 / (fan_in + fan_out)


def _init_std_lecun(fan_in: int, fan_out: int, scheme: str) -> float:
    # Mistake: √(1/n_in) for He (the factor 2 for the ReLU's half-zero output is missing).
    return math.sqrt(1.0 / fan_in) if scheme == "he" else math.sqrt(2.0 / (fan_in + fan_out))


def _init_std_uniform_limit(fan_in: int, fan_out: int, scheme: str) -> float:
    # Mistake: for Xavier returns the limit a = √(6/(n_in + n_out)) of the uniform distribution.
    return math.sqrt(2.0 / fan_in) if scheme == "he" else math.sqrt(6.0 / (fan_in + fan_out))


def _init_std_ignores_scheme(fan_in: int, fan_out: int, scheme: str) -> float:
    # Mistake: He's formula whatever the scheme.
    return math.sqrt(2.0 / fan_in)


def _init_std_fan_out(fan_in: int, fan_out: int, scheme: str) -> float:
    # Mistake: He with the fan-out (right only for a square layer).
    if scheme == "he":
        return math.sqrt(2.0 / fan_out)
    return math.sqrt(2.0 / (fan_in + fan_out))


init_std = function_exercise(
    id="04.init_std",
    title="He and Xavier initialisation",
    prompt="""
    Write `init_std(fan_in, fan_out, scheme)`: the standard deviation of the initial
    weights of a Dense layer with `fan_in` inputs and `fan_out` outputs.

    - `scheme = "he"`: He et al. (2015), for ReLU layers, Var(w) = 2 / fan_in;
    - `scheme = "xavier"`: Glorot & Bengio (2010), Var(w) = 2 / (fan_in + fan_out);
    - returns a Python float (the standard deviation, not the variance).

    Example: `init_std(784, 256, "he")` gives 0.0505 (√(2/784)).
    """,
    reference=_init_std,
    cases=[
        Case("the example: He, 784 -> 256", (784, 256, "he")),
        Case("He, 64 -> 64", (64, 64, "he")),
        Case("Xavier, 256 -> 10", (256, 10, "xavier")),
        Case("Xavier, 64 -> 64", (64, 64, "xavier")),
    ],
    hints=[
        "Both schemes choose the variance so that a signal keeps its size from layer to "
        "layer; the standard deviation is the square root of the variance.",
        "He: σ = √(2 / fan_in). Xavier: σ = √(2 / (fan_in + fan_out)).",
        "if scheme == 'he': return math.sqrt(2 / fan_in)\nreturn math.sqrt(2 / (fan_in + fan_out))",
    ],
    mistakes=[
        (
            _init_std_ignores_scheme,
            "for 'xavier' you used He's formula; Xavier uses fan_in + fan_out",
        ),
        (_init_std_fan_out, "He divides by fan_in, the number of inputs of a unit, not fan_out"),
        (
            _init_std_variance,
            "you returned the variance; the standard deviation is its square root",
        ),
        (
            _init_std_lecun,
            "for 'he' you used √(1/fan_in); a ReLU zeroes half of its inputs, and He's factor 2 "
            "makes up for the lost half of the variance: √(2/fan_in)",
        ),
        (
            _init_std_uniform_limit,
            "for 'xavier' you returned √(6/(fan_in + fan_out)), the limit a of Glorot's uniform "
            "distribution U[−a, a]; its standard deviation is a/√3 = √(2/(fan_in + fan_out))",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 04.momentum_step ----------------------------------------------------------------------------


def _momentum_step(
    theta: np.ndarray, v: np.ndarray, g: np.ndarray, lr: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    v_new = mu * v + g  # the velocity: a running sum of gradients, decaying by μ per step
    return theta - lr * v_new, v_new


def _momentum_step_old_velocity(
    theta: np.ndarray, v: np.ndarray, g: np.ndarray, lr: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    # Mistake: moves θ with the old velocity, then updates v.
    return theta - lr * v, mu * v + g


def _momentum_step_plain(
    theta: np.ndarray, v: np.ndarray, g: np.ndarray, lr: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    # Mistake: updates v but steps with the gradient alone (plain SGD).
    return theta - lr * g, mu * v + g


def _momentum_step_no_decay(
    theta: np.ndarray, v: np.ndarray, g: np.ndarray, lr: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    # Mistake: v ← v + g, the velocity never forgets (μ ignored).
    v_new = v + g
    return theta - lr * v_new, v_new


def _momentum_step_no_lr(
    theta: np.ndarray, v: np.ndarray, g: np.ndarray, lr: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    # Mistake: ignores the learning rate.
    v_new = mu * v + g
    return theta - v_new, v_new


momentum_step = function_exercise(
    id="04.momentum_step",
    title="One step of SGD with momentum",
    prompt="""
    Write `momentum_step(theta, v, g, lr, mu)`: one step of gradient descent with
    momentum, in the form `dlbook.optim.SGD` and PyTorch use:

        v ← μ·v + g
        θ ← θ − η·v

    - `theta`, `v`, `g`: float arrays of the same shape (parameters, velocity, gradient);
    - `lr`: η > 0; `mu`: μ in [0, 1);
    - returns the tuple `(theta_new, v_new)` of new arrays (leave the inputs unchanged).

    Example: `theta = [1.]`, `v = [2.]`, `g = [0.5]`, `lr = 0.1`, `mu = 0.9` gives
    `v_new = [2.3]` and `theta_new = [0.77]`.
    """,
    reference=_momentum_step,
    cases=[
        Case(
            "the example",
            (np.array([1.0]), np.array([2.0]), np.array([0.5]), 0.1, 0.9),
        ),
        Case(
            "first step, v = 0",
            (_fixed(3, seed=12), np.zeros(3), _fixed(3, seed=13), 0.05, 0.9),
        ),
        Case(
            "a 2x3 matrix, μ = 0.5",
            (_fixed(2, 3, seed=14), _fixed(2, 3, seed=15), _fixed(2, 3, seed=16), 0.2, 0.5),
        ),
    ],
    hints=[
        "First update the velocity with the new gradient, then move the parameters with the "
        "*new* velocity.",
        "v_new = μ·v + g; θ_new = θ − η·v_new.",
        "v_new = mu * v + g\nreturn theta - lr * v_new, v_new",
    ],
    mistakes=[
        (_momentum_step_no_lr, "θ moved by the whole velocity; multiply it by the learning rate η"),
        (
            _momentum_step_old_velocity,
            "you moved θ with the old velocity; update v first (v ← μ·v + g), then step with it",
        ),
        (
            _momentum_step_plain,
            "θ moved by η·g, a plain SGD step; with momentum θ moves by η·v_new",
        ),
        (
            _momentum_step_no_decay,
            "your velocity does not decay (v ← v + g); multiply the old velocity by μ",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 04.adam_step --------------------------------------------------------------------------------


def _adam_step(
    theta: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = beta1 * m + (1 - beta1) * g  # first moment: a running mean of g
    v = beta2 * v + (1 - beta2) * g**2  # second moment: a running mean of g²
    m_hat = m / (1 - beta1**t)  # bias correction: m and v started at 0
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_mistake(
    name: str, *, bias_correction: bool = True, sqrt: bool = True, corrected_state: bool = False
) -> Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Adam's step, as :func:`_adam_step`, with one typical mistake switched on.

    Mistakes: ``bias_correction=False`` steps with m and v themselves, without the
    bias correction; ``sqrt=False`` divides by v̂ instead of its square root;
    ``corrected_state=True`` returns the bias-corrected m̂, v̂ as the new state (they
    must stay uncorrected).
    """

    def step(
        theta: np.ndarray,
        g: np.ndarray,
        m: np.ndarray,
        v: np.ndarray,
        t: int,
        lr: float,
        beta1: float,
        beta2: float,
        eps: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if bias_correction else (m, v)
        root = np.sqrt(v_hat) if sqrt else v_hat
        m_new, v_new = (m_hat, v_hat) if corrected_state else (m, v)
        return theta - lr * m_hat / (root + eps), m_new, v_new

    step.__name__ = step.__qualname__ = name
    return step


_adam_no_bias_correction = _adam_mistake("_adam_no_bias_correction", bias_correction=False)
_adam_no_sqrt = _adam_mistake("_adam_no_sqrt", sqrt=False)
_adam_corrected_state = _adam_mistake("_adam_corrected_state", corrected_state=True)


def _adam_no_eps(
    theta: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Mistake: leaves out ε; a parameter whose gradient has always been 0 gets 0 / 0 = nan.
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / np.sqrt(v_hat), m, v


_ADAM = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def _adam_case(n: int, t: int, seed: int, state: bool) -> tuple[Any, ...]:
    theta, g = _fixed(n, seed=seed), _fixed(n, seed=seed + 1)
    m = 0.1 * _fixed(n, seed=seed + 2) if state else np.zeros(n)
    v = 0.01 * _fixed(n, seed=seed + 3) ** 2 if state else np.zeros(n)
    return (theta, g, m, v, t, *_ADAM.values())


adam_step = function_exercise(
    id="04.adam_step",
    title="One step of Adam, with bias correction",
    prompt="""
    Write `adam_step(theta, g, m, v, t, lr, beta1, beta2, eps)`: step t (t = 1, 2, …)
    of Adam (Kingma & Ba 2015, Algorithm 1):

        m ← β₁·m + (1 − β₁)·g              v ← β₂·v + (1 − β₂)·g²
        m̂ = m / (1 − β₁ᵗ)                  v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η·m̂ / (√v̂ + ε)

    - `theta`, `g`, `m`, `v`: float arrays of the same shape; `t`: int ≥ 1;
    - `lr` (η), `beta1`, `beta2`, `eps`: floats;
    - returns the tuple `(theta_new, m_new, v_new)`: the *uncorrected* m and v are
      the state for the next step.

    Example: at t = 1 with m = v = 0, m̂ = g and v̂ = g², so each parameter moves by
    about η against the sign of its gradient: `theta = [1.]`, `g = [-3.]` with the
    defaults η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 gives `theta_new = [1.001]`,
    `m_new = [-0.3]`, `v_new = [0.009]`.
    """,
    reference=_adam_step,
    cases=[
        Case(
            "the example: t = 1",
            (np.array([1.0]), np.array([-3.0]), np.zeros(1), np.zeros(1), 1, *_ADAM.values()),
        ),
        Case("t = 1, five parameters", _adam_case(5, 1, seed=20, state=False)),
        Case("t = 3, with state", _adam_case(4, 3, seed=30, state=True)),
        Case("t = 50, with state", _adam_case(6, 50, seed=40, state=True)),
        Case(
            "t = 1, a parameter whose gradient is 0",
            (
                np.array([1.0, 2.0]),
                np.array([0.5, 0.0]),
                np.zeros(2),
                np.zeros(2),
                1,
                *_ADAM.values(),
            ),
        ),
    ],
    hints=[
        "Update the two running means first, then correct them for having started at zero, "
        "then step. The state you return is the running means before correction.",
        "m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; m̂ = m/(1−β₁**t); v̂ = v/(1−β₂**t); "
        "θ_new = θ − η·m̂/(√v̂ + ε).",
        "m = beta1 * m + (1 - beta1) * g\nv = beta2 * v + (1 - beta2) * g**2\n"
        "m_hat = m / (1 - beta1**t); v_hat = v / (1 - beta2**t)\n"
        "return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v",
    ],
    mistakes=[
        (_adam_no_eps, "without ε a zero gradient gives 0 / 0 = nan: divide by √v̂ + ε"),
        (
            _adam_no_bias_correction,
            "θ moved without the bias correction; m and v start at 0, so early on they are "
            "too small by the factors (1 − β₁ᵗ) and (1 − β₂ᵗ): divide by them",
        ),
        (_adam_no_sqrt, "you divided by v̂; Adam divides by its square root, √v̂ + ε"),
        (
            _adam_corrected_state,
            "θ is right, but you returned the corrected m̂ and v̂ as the new state; return the "
            "uncorrected running means m and v (the correction is redone at every step)",
        ),
    ],
    rtol=1e-9,
    atol=1e-12,
)


# --- 04.early_stopping ---------------------------------------------------------------------------


def _early_stopping(val_losses: list[float], patience: int) -> tuple[int, int]:
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:  # a new best: remember it, start waiting again
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stopping_previous(val_losses: list[float], patience: int) -> tuple[int, int]:
    # Mistake: compares each loss with the previous epoch's instead of with the best so far.
    best_epoch, waited = 1, 0
    for epoch in range(2, len(val_losses) + 1):
        if val_losses[epoch - 1] < val_losses[epoch - 2]:
            waited = 0
            if val_losses[epoch - 1] < val_losses[best_epoch - 1]:
                best_epoch = epoch
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stopping_late(val_losses: list[float], patience: int) -> tuple[int, int]:
    # Mistake: waits one epoch too long (stops when waited > patience).
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stopping_zero_based(val_losses: list[float], patience: int) -> tuple[int, int]:
    # Mistake: counts epochs from 0.
    best_epoch, stop = _early_stopping(val_losses, patience)
    return best_epoch - 1, stop - 1


def _early_stopping_ties_improve(val_losses: list[float], patience: int) -> tuple[int, int]:
    # Mistake: counts a loss equal to the best as an improvement (<= instead of <).
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stopping_no_patience(val_losses: list[float], patience: int) -> tuple[int, int]:
    # Mistake: ignores the patience and stops at the first epoch that does not improve.
    return _early_stopping(val_losses, 1)


early_stopping = function_exercise(
    id="04.early_stopping",
    title="When does early stopping stop?",
    prompt="""
    Early stopping with *patience* k watches the validation loss after each epoch and
    stops training when it has not improved on its best value for k epochs in a row;
    the weights of the best epoch are then restored (this is what
    `Sequential.fit(..., early_stopping=k)` does). An epoch improves when its loss is
    strictly below the best so far.

    Write `early_stopping(val_losses, patience)`:

    - `val_losses`: list of floats, the validation loss after epochs 1, 2, …;
    - `patience`: int ≥ 1;
    - returns the tuple `(best_epoch, stop_epoch)` of ints, counted from 1:
      the epoch whose weights are kept, and the last epoch that was run
      (`len(val_losses)` if the rule never fires).

    Example: `early_stopping([0.9, 0.7, 0.8, 0.75, 0.72, 0.71], 2)` gives `(2, 4)`:
    epoch 2 is best, epochs 3 and 4 do not beat it, training stops after epoch 4.
    """,
    reference=_early_stopping,
    cases=[
        Case("the example, patience 2", ([0.9, 0.7, 0.8, 0.75, 0.72, 0.71], 2)),
        Case("never stops", ([1.0, 0.8, 0.7, 0.65, 0.6], 2)),
        Case(
            "a dip below the previous epoch is not an improvement",
            ([1.0, 0.6, 0.9, 0.8, 0.7, 0.65, 0.5], 3),
        ),
        Case("patience 1", ([0.5, 0.4, 0.45, 0.3], 1)),
        Case("a tie with the best is not an improvement", ([0.5, 0.4, 0.4, 0.4, 0.3], 2)),
        Case(
            "patience 3, long run",
            ([2.0, 1.5, 1.2, 1.1, 1.15, 1.12, 1.05, 1.06, 1.07, 1.08, 1.0], 3),
        ),
    ],
    hints=[
        "Keep three things as you walk through the epochs: the best loss so far, the epoch it "
        "came from, and how many epochs you have waited since.",
        "If loss < best: best, best_epoch, waited = loss, epoch, 0. Otherwise waited += 1, and "
        "when waited reaches patience, stop at this epoch.",
        "best, best_epoch, waited = math.inf, 0, 0\n"
        "for epoch, loss in enumerate(val_losses, start=1):\n"
        "    if loss < best: best, best_epoch, waited = loss, epoch, 0\n"
        "    else:\n"
        "        waited += 1\n"
        "        if waited >= patience: return best_epoch, epoch\n"
        "return best_epoch, len(val_losses)",
    ],
    mistakes=[
        (
            _early_stopping_ties_improve,
            "a loss equal to the best is not an improvement: use <, not <=",
        ),
        (
            _early_stopping_no_patience,
            "you stopped at the first epoch without improvement; wait `patience` epochs",
        ),
        (
            _early_stopping_previous,
            "you compared each loss with the previous epoch's; compare with the best loss so "
            "far, or a slow zig-zag keeps training going for ever",
        ),
        (
            _early_stopping_late,
            "you stopped one epoch late: stop when the number of epochs without improvement "
            "*reaches* the patience",
        ),
        (_early_stopping_zero_based, "count epochs from 1, as Sequential.fit and History do"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- quizzes -------------------------------------------------------------------------------------

vanishing_quiz = Quiz(
    id="04.vanishing_quiz",
    question="""
    A 10-layer sigmoid network trained with SGD keeps its training loss at 2.30 (chance
    level for 10 classes) for 12 epochs. At its weights, the gradient of the first
    layer is a million times smaller than that of the last layer, but not zero. What
    is going on?
    """,
    options=[
        "Gradient descent has found a local minimum, so no method can improve on it",
        "The error signal shrinks on its way back through the layers: a plateau",
        "The learning rate is too large, so training diverges and the loss stays high",
        "Ten classes cannot be separated by any network built from sigmoid units",
    ],
    answer=1,
    explanation=(
        "a nonzero gradient means the point is not a minimum at all; the trouble is the size "
        "of the gradient at the early layers (Hochreiter 1991; Bengio, Simard & Frasconi "
        "1994), which the chapter measures layer by layer."
    ),
    hint="At a local minimum the gradient is zero in every direction. Is it here?",
)

dropout_test_quiz = Quiz(
    id="04.dropout_test_quiz",
    question="""
    A network was trained with inverted dropout, p = 0.5 (half of the hidden units
    dropped in each training step, the survivors scaled by 2). What does the dropout
    layer do when the trained network classifies a test image?
    """,
    options=[
        "It drops half of the units at random, exactly as it did during training",
        "It multiplies every unit's output by 0.5, the keep probability",
        "Nothing: it passes its input through; training already did the scaling",
        "It multiplies every unit's output by 2, to undo the dropped half",
    ],
    answer=2,
    explanation=(
        "inverted dropout scales the kept units by 1/(1 − p) while training, so the expected "
        "activation already equals the test-time one; the original dropout (Hinton et al. "
        "2012, arXiv:1207.0580) instead halved the outgoing weights at test time."
    ),
    hint="Where did the factor 1/(1 − p) go during training?",
)

search_quiz = Quiz(
    id="04.search_quiz",
    question="""
    You have 9 training runs to tune the learning rate and the weight decay, and
    (unknown to you) only the learning rate matters much. How many different
    learning rates does a 3 × 3 grid search try, and how many does a random search
    of 9 points?
    """,
    options=["3 and 9", "9 and 9", "3 and 3", "9 and 3"],
    answer=0,
    explanation=(
        "a grid repeats each learning rate three times (once per weight decay), while nine "
        "random points almost surely have nine different learning rates; this is Bergstra & "
        "Bengio's (2012) argument for random search when few hyper-parameters matter."
    ),
    hint="Write the 9 grid points down as (lr, weight decay) pairs.",
)
