"""Exercises and quizzes of chapter 06: recurrent networks and LSTM.

In the notebook::

    from dlbook.exercises import ch06
    ch06.rnn_step.check(my_rnn_step)
    ch06.vanishing_quiz.check(None)       # a quiz: .check(option number)

Five code exercises (one step of a tanh RNN, backpropagation through time for a
scalar RNN, one step of an LSTM cell, clipping gradients by their global norm,
drawing a character at a temperature) and three quizzes. Every exercise knows at
least four typical wrong answers and the case that catches each; when the
reader's answer is one of them, the checker says which.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, Quiz, function_exercise
from .fixtures import fixed_array as _fixed
from .fixtures import sigmoid as _sigmoid

Mistake = tuple[Callable[..., Any], str]

__all__ = [
    "bptt_scalar",
    "cell_state_quiz",
    "clip_by_global_norm",
    "lstm_cell",
    "rnn_step",
    "sample_with_temperature",
    "temperature_quiz",
    "vanishing_quiz",
]


# --- 06.rnn_step ---------------------------------------------------------------------------------


def _rnn_step(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)  # h_t = tanh(x_t Wx + h_{t−1} Wh + b)


def _rnn_step_linear(x, h_prev, Wx, Wh, b):
    # Mistake: no nonlinearity.
    return x @ Wx + h_prev @ Wh + b


def _rnn_step_no_recurrence(x, h_prev, Wx, Wh, b):
    # Mistake: the previous state is ignored (a feedforward layer applied at each step).
    return np.tanh(x @ Wx + b)


def _rnn_step_sigmoid(x, h_prev, Wx, Wh, b):
    # Mistake: the logistic sigmoid instead of tanh.
    return _sigmoid(x @ Wx + h_prev @ Wh + b)


def _rnn_step_transposed(x, h_prev, Wx, Wh, b):
    # Mistake: Wh used the other way round (h_{t−1} Whᵀ); W[i, j] goes from unit i to unit j.
    return np.tanh(x @ Wx + h_prev @ Wh.T + b)


def _rnn_step_no_bias(x, h_prev, Wx, Wh, b):
    # Mistake: the bias forgotten.
    return np.tanh(x @ Wx + h_prev @ Wh)


rnn_step = function_exercise(
    id="06.rnn_step",
    title="One step of a simple recurrent network",
    prompt="""
    Write `rnn_step(x, h_prev, Wx, Wh, b)`: one time step of Elman's network,
    h_t = tanh(x_t Wx + h_{t−1} Wh + b), for a batch.

    - `x`: float array (N, D), the inputs at step t;
    - `h_prev`: float array (N, H), the hidden states of step t − 1;
    - `Wx`: (D, H), `Wh`: (H, H) with `Wh[i, j]` from unit i to unit j, `b`: (H,);
    - returns a new float array (N, H).

    Example: `x = [[1., 2.]]`, `h_prev = [[0.5, -0.5]]`, `Wx = [[0.1, 0.2], [0.3, 0.4]]`,
    `Wh = [[1., 0.], [2., 1.]]`, `b = [0., 0.1]` gives tanh([0.2, 0.6]) = `[[0.197, 0.537]]`.
    """,
    reference=_rnn_step,
    cases=[
        Case(
            "the example",
            (
                np.array([[1.0, 2.0]]),
                np.array([[0.5, -0.5]]),
                np.array([[0.1, 0.2], [0.3, 0.4]]),
                np.array([[1.0, 0.0], [2.0, 1.0]]),
                np.array([0.0, 0.1]),
            ),
        ),
        Case(
            "N = 3, D = 4, H = 5",
            (
                _fixed(3, 4, seed=1),
                _fixed(3, 5, seed=2),
                _fixed(4, 5, seed=3, scale=0.5),
                _fixed(5, 5, seed=4, scale=0.5),
                _fixed(5, seed=5, scale=0.3),
            ),
        ),
        Case(
            "large inputs: tanh saturates at ±1",
            (
                np.array([[400.0, -400.0]]),
                np.array([[0.0, 0.0]]),
                np.array([[1.0, -1.0], [-1.0, 1.0]]),
                np.eye(2),
                np.zeros(2),
            ),
        ),
    ],
    hints=[
        "The new state mixes the new input and the old state, then squashes the sum into (−1, 1).",
        "a = x Wx + h_prev Wh + b, of shape (N, H); h = tanh(a).",
        "return np.tanh(x @ Wx + h_prev @ Wh + b)",
    ],
    mistakes=[
        (_rnn_step_linear, "the values are not squashed: apply tanh to the sum"),
        (
            _rnn_step_no_recurrence,
            "your output does not depend on h_prev: the recurrent term h_prev @ Wh is missing",
        ),
        (_rnn_step_sigmoid, "you used the logistic sigmoid; Elman's layer here uses tanh"),
        (
            _rnn_step_transposed,
            "you multiplied by Wh transposed; with W[i, j] from unit i to unit j the term is "
            "h_prev @ Wh",
        ),
        (_rnn_step_no_bias, "the bias b is missing"),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 06.bptt_scalar ------------------------------------------------------------------------------


def _forward_scalar(x: np.ndarray, w: float, u: float) -> list[float]:
    h = [0.0]
    for xt in x:
        h.append(float(np.tanh(w * h[-1] + u * xt)))
    return h


def _bptt_scalar(x, w, u):
    h = _forward_scalar(x, w, u)
    dw = du = 0.0
    delta = 1.0  # ∂C/∂h_T, for C = h_T
    for t in range(len(x), 0, -1):
        da = delta * (1.0 - h[t] ** 2)  # through tanh
        dw += da * h[t - 1]
        du += da * float(x[t - 1])
        delta = da * w  # ∂C/∂h_{t−1}
    return dw, du


def _bptt_last_step_only(x, w, u):
    # Mistake: only the last step's contribution (no backpropagation through time).
    h = _forward_scalar(x, w, u)
    da = 1.0 - h[-1] ** 2
    return da * h[-2], da * float(x[-1])


def _bptt_no_tanh_derivative(x, w, u):
    # Mistake: the factor (1 − h_t²) of tanh forgotten.
    h = _forward_scalar(x, w, u)
    dw = du = 0.0
    delta = 1.0
    for t in range(len(x), 0, -1):
        dw += delta * h[t - 1]
        du += delta * float(x[t - 1])
        delta = delta * w
    return dw, du


def _bptt_h_t_not_h_prev(x, w, u):
    # Mistake: h_t instead of h_{t−1} in ∂a_t/∂w.
    h = _forward_scalar(x, w, u)
    dw = du = 0.0
    delta = 1.0
    for t in range(len(x), 0, -1):
        da = delta * (1.0 - h[t] ** 2)
        dw += da * h[t]
        du += da * float(x[t - 1])
        delta = da * w
    return dw, du


def _bptt_no_w_factor(x, w, u):
    # Mistake: the error goes back a step without the factor w (∂a_t/∂h_{t−1} = w).
    h = _forward_scalar(x, w, u)
    dw = du = 0.0
    delta = 1.0
    for t in range(len(x), 0, -1):
        da = delta * (1.0 - h[t] ** 2)
        dw += da * h[t - 1]
        du += da * float(x[t - 1])
        delta = da
    return dw, du


def _bptt_skips_tanh_on_way_back(x, w, u):
    # Mistake: the factor (1 − h²) applied to the step's own term but not passed back.
    h = _forward_scalar(x, w, u)
    dw = du = 0.0
    delta = 1.0
    for t in range(len(x), 0, -1):
        da = delta * (1.0 - h[t] ** 2)
        dw += da * h[t - 1]
        du += da * float(x[t - 1])
        delta = delta * w
    return dw, du


bptt_scalar = function_exercise(
    id="06.bptt_scalar",
    title="Backpropagation through time for a scalar RNN",
    prompt="""
    A recurrent network with one unit: h_0 = 0, h_t = tanh(w·h_{t−1} + u·x_t) for
    t = 1 … T, and the cost C = h_T. Write `bptt_scalar(x, w, u)` that returns the
    pair (∂C/∂w, ∂C/∂u), summed over all time steps.

    - `x`: float array (T,), the inputs; `w`, `u`: floats;
    - returns a tuple of two floats.

    Example: `x = [1., 0.]`, `w = 0.5`, `u = 1.` gives h_1 = tanh(1) = 0.762,
    h_2 = tanh(0.381) = 0.364 and (∂C/∂w, ∂C/∂u) = `(0.661, 0.182)`.
    """,
    reference=_bptt_scalar,
    cases=[
        Case("the example", (np.array([1.0, 0.0]), 0.5, 1.0)),
        Case("T = 6", (_fixed(6, seed=1), 0.9, 0.7)),
        Case("T = 4, w < 0", (_fixed(4, seed=2), -0.8, 1.3)),
        Case("T = 1: one step", (np.array([0.7]), 0.4, -0.6)),
    ],
    hints=[
        "w and u are used at every step, so their gradients are sums over the steps. Go "
        "backwards from t = T, carrying δ_t = ∂C/∂h_t.",
        "With a_t = w h_{t−1} + u x_t: ∂C/∂a_t = δ_t (1 − h_t²); add ∂C/∂a_t · h_{t−1} to "
        "∂C/∂w and ∂C/∂a_t · x_t to ∂C/∂u; then δ_{t−1} = ∂C/∂a_t · w. Start with δ_T = 1.",
        "h = [0.0]; for xt in x: h.append(np.tanh(w*h[-1] + u*xt)); then for t from T down "
        "to 1: da = delta*(1 - h[t]**2); dw += da*h[t-1]; du += da*x[t-1]; delta = da*w",
    ],
    mistakes=[
        (
            _bptt_last_step_only,
            "you kept only the last step's term; w and u act at every step, and the error "
            "must be carried back through h_{T−1}, h_{T−2}, … (that is BPTT)",
        ),
        (_bptt_no_tanh_derivative, "the factor tanh'(a_t) = 1 − h_t² is missing"),
        (
            _bptt_h_t_not_h_prev,
            "∂a_t/∂w is h_{t−1}, the state that w multiplies, not h_t",
        ),
        (
            _bptt_no_w_factor,
            "going back one step multiplies the error by ∂a_t/∂h_{t−1} = w; that factor is missing",
        ),
        (
            _bptt_skips_tanh_on_way_back,
            "the error passed back to h_{t−1} must go through tanh' as well: δ_{t−1} = "
            "δ_t (1 − h_t²) w",
        ),
    ],
    rtol=1e-9,
    atol=1e-10,
)


# --- 06.lstm_cell --------------------------------------------------------------------------------


def _gates(x, h_prev, Wx, Wh, b):
    a = x @ Wx + h_prev @ Wh + b
    return np.split(a, 4, axis=1)  # i, f, g, o blocks of H columns


def _lstm_cell(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _gates(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _lstm_order_ifog(x, h_prev, c_prev, Wx, Wh, b):
    # Mistake: the blocks read in the order i, f, o, g (g and o swapped).
    ai, af, ao, ag = _gates(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _lstm_no_input_gate(x, h_prev, c_prev, Wx, Wh, b):
    # Mistake: c = f c_prev + g, the input gate forgotten.
    ai, af, ag, ao = _gates(x, h_prev, Wx, Wh, b)
    f, g, o = _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + g
    return o * np.tanh(c), c


def _lstm_no_tanh_c(x, h_prev, c_prev, Wx, Wh, b):
    # Mistake: h = o c, without squashing the cell.
    ai, af, ag, ao = _gates(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    return o * c, c


def _lstm_sigmoid_g(x, h_prev, c_prev, Wx, Wh, b):
    # Mistake: the sigmoid on the candidate g too (it must be able to be negative).
    ai, af, ag, ao = _gates(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), _sigmoid(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _lstm_swapped_if(x, h_prev, c_prev, Wx, Wh, b):
    # Mistake: the input gate on the old cell and the forget gate on the candidate.
    ai, af, ag, ao = _gates(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = i * c_prev + f * g
    return o * np.tanh(c), c


lstm_cell = function_exercise(
    id="06.lstm_cell",
    title="One step of an LSTM cell",
    prompt="""
    Write `lstm_cell(x, h_prev, c_prev, Wx, Wh, b)`: one step of an LSTM with a forget
    gate. With a = x Wx + h_prev Wh + b split into four blocks of H columns in the
    order **i, f, g, o** (PyTorch's): i = σ(a_i), f = σ(a_f), g = tanh(a_g),
    o = σ(a_o); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).

    - `x`: (N, D); `h_prev`, `c_prev`: (N, H); `Wx`: (D, 4H); `Wh`: (H, 4H); `b`: (4H,);
    - returns the tuple `(h, c)` of two new float arrays (N, H).

    Example (N = D = H = 1): `x = [[1.]]`, `h_prev = [[0.]]`, `c_prev = [[2.]]`,
    `Wx = [[0., 0., 1., 0.]]`, `Wh = [[0., 0., 0., 0.]]`, `b = [0., 0., 0., 0.]`:
    every gate is σ(0) = 0.5, g = tanh(1) = 0.762, c = 0.5·2 + 0.5·0.762 = 1.381,
    h = 0.5·tanh(1.381) = `0.441`.
    """,
    reference=_lstm_cell,
    cases=[
        Case(
            "the example",
            (
                np.array([[1.0]]),
                np.array([[0.0]]),
                np.array([[2.0]]),
                np.array([[0.0, 0.0, 1.0, 0.0]]),
                np.zeros((1, 4)),
                np.zeros(4),
            ),
        ),
        Case(
            "N = 2, D = 3, H = 2",
            (
                _fixed(2, 3, seed=1),
                _fixed(2, 2, seed=2),
                _fixed(2, 2, seed=3, scale=2.0),
                _fixed(3, 8, seed=4),
                _fixed(2, 8, seed=5),
                _fixed(8, seed=6, scale=0.5),
            ),
        ),
        Case(
            "N = 3, D = 2, H = 3",
            (
                _fixed(3, 2, seed=7),
                _fixed(3, 3, seed=8),
                _fixed(3, 3, seed=9, scale=3.0),
                _fixed(2, 12, seed=10),
                _fixed(3, 12, seed=11),
                _fixed(12, seed=12),
            ),
        ),
    ],
    hints=[
        "Compute all four pre-activations with one product, split them, and apply a sigmoid "
        "to the three gates and tanh to the candidate.",
        "ai, af, ag, ao = np.split(x @ Wx + h_prev @ Wh + b, 4, axis=1); the cell keeps "
        "f·c_prev and adds i·g; the output is o·tanh(c).",
        "i, f, g, o = sig(ai), sig(af), np.tanh(ag), sig(ao); c = f*c_prev + i*g; "
        "return o*np.tanh(c), c",
    ],
    mistakes=[
        (
            _lstm_order_ifog,
            "you read the blocks as i, f, o, g; the order here (and in PyTorch) is i, f, g, o",
        ),
        (_lstm_no_input_gate, "the candidate g must be scaled by the input gate: c = f·c + i·g"),
        (_lstm_no_tanh_c, "h = o·tanh(c): the cell is squashed before the output gate"),
        (
            _lstm_sigmoid_g,
            "the candidate g uses tanh, not the sigmoid, so that it can add and subtract",
        ),
        (
            _lstm_swapped_if,
            "the forget gate f multiplies the old cell and the input gate i the candidate; "
            "you swapped them",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 06.clip_by_global_norm --------------------------------------------------------------------


def _clip(grads, max_norm):
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))  # ‖g‖ over all arrays
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads]


def _clip_each(grads, max_norm):
    # Mistake: each array clipped by its own norm.
    out = []
    for g in grads:
        n = float(np.sqrt(np.sum(g * g)))
        out.append(g * min(1.0, max_norm / (n + 1e-6)))
    return out


def _clip_values(grads, max_norm):
    # Mistake: every entry clipped to [−max_norm, max_norm] (clipping by value).
    return [np.clip(g, -max_norm, max_norm) for g in grads]


def _clip_always(grads, max_norm):
    # Mistake: always rescaled to the norm max_norm, also when it is smaller.
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    return [g * (max_norm / (total + 1e-6)) for g in grads]


def _clip_sum_of_norms(grads, max_norm):
    # Mistake: the norms of the arrays added instead of combined as √(Σ‖g_k‖²).
    total = sum(float(np.sqrt(np.sum(g * g))) for g in grads)
    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads]


def _clip_inverted(grads, max_norm):
    # Mistake: multiplied by ‖g‖ / max_norm instead of max_norm / ‖g‖.
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = total / max_norm if total > max_norm else 1.0
    return [g * scale for g in grads]


clip_by_global_norm = function_exercise(
    id="06.clip_by_global_norm",
    title="Clipping gradients by their global norm",
    prompt="""
    Write `clip_by_global_norm(grads, max_norm)`: when the global norm
    ‖g‖ = √(Σ over all arrays of Σ g²) is larger than `max_norm`, scale **every**
    array by max_norm / (‖g‖ + 1e−6); otherwise leave them as they are. The direction
    of the whole gradient is kept (Pascanu, Mikolov & Bengio 2013).

    - `grads`: a list of float arrays of any shapes; `max_norm`: float > 0;
    - returns a list of new arrays (leave the inputs unchanged).

    Example: `grads = [[3., 0.], [4.]]` (norm 5) and `max_norm = 1` give
    `[[0.6, 0.], [0.8]]`.
    """,
    reference=_clip,
    cases=[
        Case("the example", ([np.array([3.0, 0.0]), np.array([4.0])], 1.0)),
        Case(
            "three arrays, norm 7.4, max_norm 2",
            ([_fixed(3, 4, seed=1, scale=3.0), _fixed(5, seed=2), _fixed(2, 2, seed=3)], 2.0),
        ),
        Case("below the threshold: unchanged", ([np.array([0.3, -0.4]), np.array([0.1])], 1.0)),
        Case("one large entry", ([np.array([10.0, 0.1]), np.array([[0.2, -0.2]])], 5.0)),
    ],
    hints=[
        "One norm for all arrays together, and one scale factor for all of them.",
        "total = √(Σ_k Σ g_k²); scale = min(1, max_norm / (total + 1e−6)); each g_k · scale.",
        "total = np.sqrt(sum(np.sum(g * g) for g in grads)); "
        "s = min(1.0, max_norm / (total + 1e-6)); return [g * s for g in grads]",
    ],
    mistakes=[
        (
            _clip_each,
            "you clipped each array by its own norm; clip by the global norm of all arrays "
            "together, so the direction of the whole gradient is kept",
        ),
        (
            _clip_values,
            "you clipped the entries one by one (clipping by value); scale all arrays by "
            "one factor instead",
        ),
        (
            _clip_always,
            "a gradient whose norm is already below max_norm must be left as it is",
        ),
        (
            _clip_sum_of_norms,
            "the global norm is √(Σ_k ‖g_k‖²), not the sum of the arrays' norms",
        ),
        (_clip_inverted, "the factor is max_norm / ‖g‖, which is < 1; yours is its inverse"),
    ],
    rtol=1e-9,
    atol=1e-10,
)


# --- 06.sample_with_temperature ----------------------------------------------------------------


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _sample(logits, temperature, u):
    p = _softmax(np.asarray(logits, dtype=np.float64) / temperature)
    return int(np.searchsorted(np.cumsum(p), u, side="right"))  # first i with Σ_{j≤i} p_j > u


def _sample_times_t(logits, temperature, u):
    # Mistake: logits multiplied by the temperature instead of divided.
    p = _softmax(np.asarray(logits, dtype=np.float64) * temperature)
    return int(np.searchsorted(np.cumsum(p), u, side="right"))


def _sample_argmax(logits, temperature, u):
    # Mistake: the most likely character every time (u and the temperature ignored).
    return int(np.argmax(logits))


def _sample_ignores_t(logits, temperature, u):
    # Mistake: the temperature ignored.
    p = _softmax(np.asarray(logits, dtype=np.float64))
    return int(np.searchsorted(np.cumsum(p), u, side="right"))


def _sample_unshifted(logits, temperature, u):
    # Mistake: softmax without subtracting the maximum: overflows to nan for large logits.
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    p = e / e.sum()
    return int(np.searchsorted(np.cumsum(p), u, side="right"))


def _sample_off_by_one(logits, temperature, u):
    # Mistake: the last index whose cumulative sum is still ≤ u (one too low).
    p = _softmax(np.asarray(logits, dtype=np.float64) / temperature)
    return max(int(np.searchsorted(np.cumsum(p), u, side="right")) - 1, 0)


sample_with_temperature = function_exercise(
    id="06.sample_with_temperature",
    title="Drawing a character at a temperature",
    prompt="""
    Write `sample_with_temperature(logits, temperature, u)`: the index of the
    character drawn from p = softmax(logits / τ), using the given uniform random number
    u ∈ [0, 1) by inverting the cumulative distribution: the smallest i with
    p_0 + … + p_i > u.

    - `logits`: float array (V,); `temperature` τ: float > 0; `u`: float in [0, 1);
    - returns an int in [0, V).

    Example: `logits = [0., 0., log 2]` at τ = 1 gives p = [0.25, 0.25, 0.5]; u = 0.3
    gives `1`, u = 0.6 gives `2`.
    """,
    reference=_sample,
    cases=[
        Case("the example, u = 0.3", (np.array([0.0, 0.0, np.log(2.0)]), 1.0, 0.3)),
        Case("the example, u = 0.6", (np.array([0.0, 0.0, np.log(2.0)]), 1.0, 0.6)),
        Case("τ = 0.5, u = 0.65", (np.array([3.0, 0.0, 1.0, 2.0]), 0.5, 0.65)),
        Case("τ = 2, u = 0.25", (np.array([2.0, 0.0, 1.0, 3.0]), 2.0, 0.25)),
        Case("τ = 3, u = 0.05", (np.array([3.0, 0.0, 1.0, 2.0]), 3.0, 0.05)),
        Case("large logits, τ = 0.5", (np.array([0.0, 999.0, 1000.0]), 0.5, 0.5)),
    ],
    hints=[
        "Divide the logits by τ, turn them into probabilities, then walk along the "
        "cumulative sum until it passes u.",
        "p = softmax(z / τ) (subtract the maximum first); c = cumsum(p); the answer is the "
        "first i with c_i > u.",
        "z = logits / temperature; p = np.exp(z - z.max()); p /= p.sum(); "
        "return int(np.searchsorted(np.cumsum(p), u, side='right'))",
    ],
    mistakes=[
        (
            _sample_times_t,
            "you multiplied the logits by τ; divide by it, so that a small τ sharpens the "
            "distribution",
        ),
        (_sample_argmax, "you returned the most likely index; draw with u instead"),
        (_sample_ignores_t, "the temperature has no effect in your answer: use logits / τ"),
        (
            _sample_unshifted,
            "exp overflows for large logits: subtract the largest value before exp "
            "(softmax does not change)",
        ),
        (
            _sample_off_by_one,
            "one index too low: return the first i whose cumulative sum exceeds u",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- quizzes ------------------------------------------------------------------------------------

vanishing_quiz = Quiz(
    id="06.vanishing_quiz",
    question="""
    In a tanh RNN, ∂h_T/∂h_t is a product of T − t Jacobians diag(1 − h²) Whᵀ. The
    recurrent matrix has largest singular value 0.9. What happens to ‖∂h_T/∂h_t‖
    as the lag T − t grows from 10 to 100 steps?
    """,
    options=[
        "It grows without bound, since the tanh slope is at most one",
        "It shrinks at least as fast as 0.9 to the power of the lag",
        "It stays about the same because the weights are shared",
        "It oscillates in sign but keeps about the same magnitude",
    ],
    answer=1,
    explanation=(
        "each factor has norm at most 0.9 · max(1 − h²) ≤ 0.9, so the product is at most "
        "0.9^(T−t): about 0.35 at lag 10 and 3e−5 at lag 100 (Hochreiter 1991; Bengio, "
        "Simard & Frasconi 1994). The chapter measures it."
    ),
    hint="Bound the norm of a product by the product of the norms.",
)

cell_state_quiz = Quiz(
    id="06.cell_state_quiz",
    question="""
    In an LSTM, c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t. Along the cell, what is ∂c_t/∂c_{t−1}
    (ignoring the paths through h), and why does this help with long lags?
    """,
    options=[
        "It is diag(f_t); with f near 1 the error passes many steps",
        "It is Whᵀ, the same matrix at every step, so it never vanishes",
        "It is diag(1 − c²), which is the tanh slope of the cell state",
        "It is diag(i_t ⊙ g_t), which the input gate keeps near one",
    ],
    answer=0,
    explanation=(
        "the cell is updated additively, so the Jacobian along it is the forget gate itself; "
        "a forget gate near 1 keeps the error (Hochreiter & Schmidhuber 1997 had f = 1, the "
        "'constant error carousel'; Gers, Schmidhuber & Cummins 2000 added the gate)."
    ),
    hint="Differentiate f ⊙ c_{t−1} + i ⊙ g with respect to c_{t−1}, holding the gates fixed.",
)

temperature_quiz = Quiz(
    id="06.temperature_quiz",
    question="""
    A character model is sampled at temperature τ = 0.3 instead of τ = 1. What do
    you expect to see?
    """,
    options=[
        "More varied text with many rare characters and unusual words",
        "Exactly the same text, since the ranking of characters is kept",
        "Safer, repetitive text that keeps to the most likely characters",
        "Random characters, since dividing by τ < 1 destroys the model",
    ],
    answer=2,
    explanation=(
        "dividing the logits by τ < 1 stretches their differences, so the likely characters "
        "take almost all the probability: the text becomes conservative and often loops. "
        "τ > 1 flattens the distribution instead."
    ),
    hint="What does softmax(z / τ) tend to as τ → 0?",
)
