"""Exercises and quizzes of chapter 01 (the perceptron).

In the notebook::

    from dlbook.exercises import ch01
    ch01.step_function.check(step)          # ✓ / ✗ what is wrong / · not attempted yet
    ch01.xor_cycles.check(None)             # a quiz: .check(option number)

Six code exercises (the step function, the net input, one update, one epoch, logic
gates by hand, the margin) and four quizzes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .checks import CheckFailure, call
from .core import Case, Exercise, Quiz, function_exercise

__all__ = [
    "eta_from_zero",
    "logic_gates",
    "margin",
    "mark1_layers",
    "net_input",
    "novikoff_bound",
    "perceptron_update",
    "step_function",
    "train_epoch",
    "xor_cycles",
]

_TRUTH_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


class _HostCases:
    """Draws case data on the host, whatever device is in use (case data is host data)."""

    def __init__(self, seed: int) -> None:
        self._gen = backend.default_rng(seed)

    def normal(self, size: Any) -> np.ndarray:
        return np.asarray(backend.to_cpu(self._gen.normal(size=size)), dtype=np.float64)

    def uniform(self, low: float, high: float, size: Any) -> np.ndarray:
        return np.asarray(backend.to_cpu(self._gen.uniform(low, high, size=size)), np.float64)


def _rng_cases(seed: int) -> _HostCases:
    """Host generator for making case data, from ``dlbook.backend.default_rng(seed)``."""
    return _HostCases(seed)


# --- 01.step_function ----------------------------------------------------------------------------


def _step(z: np.ndarray) -> np.ndarray:
    return np.where(z >= 0, 1.0, 0.0)  # fires at and above the threshold


def _step_strict(z: np.ndarray) -> np.ndarray:
    # Mistake: z > 0, so a net input exactly at the threshold does not fire.
    return (z > 0).astype(float)


def _step_sign(z: np.ndarray) -> np.ndarray:
    # Mistake: the sign function gives -1 below zero (and 0 at zero), not 0 and 1.
    return np.sign(z)


def _step_heaviside_half(z: np.ndarray) -> np.ndarray:
    # Mistake: NumPy's heaviside with the value 0.5 at z = 0.
    return np.heaviside(z, 0.5)


def _step_scalar(z: np.ndarray) -> float:
    # Mistake: an if on the whole array works for one number only.
    return 1.0 if z >= 0 else 0.0


def _step_bool(z: np.ndarray) -> np.ndarray:
    # Mistake: returns the comparison itself, an array of True/False, not floats 1.0/0.0.
    return z >= 0


def _step_int(z: np.ndarray) -> np.ndarray:
    # Mistake: integers 0/1; the prompt asks for a float array.
    return (z >= 0).astype(np.int64)


step_function = function_exercise(
    id="01.step_function",
    title="The step function, with the z = 0 convention",
    prompt="""
    Write `step(z)`: `z` is a float array of any shape (the net inputs). Return a float
    array of the same shape with 1.0 where `z >= 0` and 0.0 where `z < 0`.

    The convention at the boundary matters: a net input **exactly at** the threshold,
    z = 0, fires (gives 1), as in Rosenblatt's units. Work on whole arrays: no Python
    `if` on `z`.

    Example: `step(np.array([-1.0, 0.0, 2.5]))` gives `array([0., 1., 1.])`.
    """,
    reference=_step,
    cases=[
        Case("z = 0 (the boundary)", (np.array([0.0]),)),
        Case("mixed signs", (np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),)),
        Case("tiny values either side of 0", (np.array([-1e-12, 1e-12]),)),
        Case("minus zero, -0.0 (it equals 0)", (np.array([-0.0]),)),
        Case("a batch of shape (2, 3)", (np.array([[-3.0, 0.0, 3.0], [1.0, -1.0, 0.0]]),)),
    ],
    hints=[
        "Compare the whole array with 0 at once: the comparison gives an array of "
        "True/False, one per input.",
        "y = 1 where z >= 0 (note: >=, so z = 0 gives 1), else 0. np.where(condition, a, b) "
        "picks a where the condition holds.",
        "return np.where(z >= 0, 1.0, 0.0)   # or (z >= 0).astype(float)",
    ],
    wrong_answers=[
        _step_strict,
        _step_sign,
        _step_heaviside_half,
        _step_scalar,
        _step_bool,
        _step_int,
    ],
    check_dtype=True,
)


# --- 01.net_input ---------------------------------------------------------------------------------


def _net_input(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return x @ w + b  # (N, D) @ (D,) -> (N,), plus b for every sample


def _net_input_no_bias(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    # Mistake: forgets the bias.
    return x @ w


def _net_input_threshold_sign(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    # Mistake: subtracts b, mixing up the bias with the threshold (b = -threshold).
    return x @ w - b


def _net_input_sum_all(x: np.ndarray, w: np.ndarray, b: float) -> Any:
    # Mistake: sums over the samples too, giving one number for the whole batch.
    return (x * w).sum() + b


def _net_input_mean(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    # Mistake: the mean of x[n, i] w[i] over the inputs, not their sum.
    return (x * w).mean(axis=1) + b


def _net_input_wrong_axis(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    # Mistake: sums over the samples (axis 0), giving one number per input; the shape is
    # right only when N = D, and then the values are wrong.
    return (x * w).sum(axis=0) + b


_g = _rng_cases(101)
net_input = function_exercise(
    id="01.net_input",
    title="The net input of a batch: z = x @ w + b",
    prompt="""
    Write `net_input(x, w, b)`:

    - `x`: float array of shape (N, D), one sample per row;
    - `w`: float array of shape (D,), the weights;
    - `b`: a float, the bias.

    Return the float array `z` of shape (N,) with z_n = Σ_i x[n, i] w[i] + b, for all
    samples at once (no loop).

    Example: `x = [[1., 2.], [0., -1.]]`, `w = [0.5, -1.]`, `b = 1.` gives `[-0.5, 2.]`.
    """,
    reference=_net_input,
    cases=[
        Case(
            "the example: 2 samples, 2 inputs",
            (np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0.5, -1.0]), 1.0),
        ),
        Case("5 samples, 3 inputs", (_g.normal(size=(5, 3)), _g.normal(size=3), -0.7)),
        Case("one sample, shape (1, 4)", (_g.normal(size=(1, 4)), _g.normal(size=4), 2.0)),
        Case("4 samples, 4 inputs", (_g.normal(size=(4, 4)), _g.normal(size=4), 0.25)),
    ],
    hints=[
        "Each sample's net input is a dot product of its row with w, plus b. A matrix "
        "times a vector does all the rows at once.",
        "z = x w + b: (N, D) @ (D,) gives (N,), and adding the number b adds it to every "
        "entry (broadcasting).",
        "return x @ w + b",
    ],
    wrong_answers=[
        _net_input_no_bias,
        _net_input_threshold_sign,
        _net_input_sum_all,
        _net_input_mean,
        _net_input_wrong_axis,
    ],
)


# --- 01.perceptron_update ------------------------------------------------------------------------


def _update(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    y = 1.0 if x_i @ w + b >= 0 else 0.0  # the unit's output for this one sample
    w_new = w + eta * (d_i - y) * x_i  # w <- w + eta (d - y) x
    b_new = b + eta * (d_i - y)  # b <- b + eta (d - y)
    return w_new, b_new


def _update_hebbian(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    # Mistake: moves towards the target even when the output is already right.
    return w + eta * d_i * x_i, b + eta * d_i


def _update_flipped(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    # Mistake: (y - d) instead of (d - y): walks away from the target.
    y = 1.0 if x_i @ w + b >= 0 else 0.0
    return w + eta * (y - d_i) * x_i, b + eta * (y - d_i)


def _update_no_bias(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    # Mistake: forgets to update the bias.
    y = 1.0 if x_i @ w + b >= 0 else 0.0
    return w + eta * (d_i - y) * x_i, b


def _update_in_place(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    # Mistake: changes the caller's w in place.
    y = 1.0 if x_i @ w + b >= 0 else 0.0
    w += eta * (d_i - y) * x_i
    return w, b + eta * (d_i - y)


def _update_no_eta(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    # Mistake: ignores the learning rate (right only when eta = 1).
    y = 1.0 if x_i @ w + b >= 0 else 0.0
    return w + (d_i - y) * x_i, b + (d_i - y)


def _update_strict(
    w: np.ndarray, b: float, x_i: np.ndarray, d_i: int, eta: float
) -> tuple[np.ndarray, float]:
    # Mistake: z > 0 for the output, so z = 0 does not fire.
    y = 1.0 if x_i @ w + b > 0 else 0.0
    return w + eta * (d_i - y) * x_i, b + eta * (d_i - y)


perceptron_update = function_exercise(
    id="01.perceptron_update",
    title="One step of Rosenblatt's learning rule",
    prompt="""
    Write `update(w, b, x_i, d_i, eta)` for **one** sample:

    - `w`: float array (D,), `b`: float — the current weights and bias;
    - `x_i`: float array (D,), one input; `d_i`: its target, 0 or 1;
    - `eta`: float > 0, the learning rate.

    Compute the output y = step(x_i · w + b) (with z = 0 giving 1) and return the new
    `(w_new, b_new)` from the rule w ← w + η (d − y) x, b ← b + η (d − y).
    Return new values; do not change `w` in place.

    Example: `w = [0., 0.]`, `b = 0.`, `x_i = [1., 2.]`, `d_i = 0`, `eta = 1.`: z = 0 so
    y = 1, a mistake; the result is `(array([-1., -2.]), -1.0)`.
    """,
    reference=_update,
    cases=[
        Case(
            "the example: z = 0 on a class-0 sample",
            (np.zeros(2), 0.0, np.array([1.0, 2.0]), 0, 1.0),
        ),
        Case(
            "a missed class-1 sample",
            (np.array([0.5, -1.0]), -0.5, np.array([1.0, 1.0]), 1, 1.0),
        ),
        Case(
            "a correct class-1 sample (no change)",
            (np.array([1.0, 1.0]), 0.0, np.array([2.0, 0.5]), 1, 1.0),
        ),
        Case(
            "a correct class-0 sample (no change)",
            (np.array([1.0, 1.0]), -3.0, np.array([1.0, 1.0]), 0, 0.5),
        ),
        Case(
            "eta = 0.1, three inputs",
            (np.array([0.2, -0.1, 0.4]), 0.3, np.array([1.0, 2.0, -1.0]), 0, 0.1),
        ),
        Case(
            "eta = 0.25, a missed class-1 sample",
            (np.array([0.5, -1.0, 0.0]), -0.2, np.array([1.0, 1.0, 2.0]), 1, 0.25),
        ),
        Case(
            "eta = 0.1, a false 1 on three inputs",
            (np.array([0.2, 0.1, 0.4]), 0.3, np.array([1.0, 2.0, -1.0]), 0, 0.1),
        ),
    ],
    hints=[
        "First compute what the unit says for this sample (y, 0 or 1), then compare it "
        "with the target. Nothing changes when they agree.",
        "y = 1 if x_i · w + b >= 0 else 0; the correction is eta (d_i - y): +eta for a "
        "missed 1, -eta for a false 1, 0 when right. Add correction · x_i to w and the "
        "correction to b.",
        "y = 1.0 if x_i @ w + b >= 0 else 0.0\n"
        "return w + eta * (d_i - y) * x_i, b + eta * (d_i - y)",
    ],
    wrong_answers=[
        _update_hebbian,
        _update_flipped,
        _update_no_bias,
        _update_in_place,
        _update_no_eta,
        _update_strict,
    ],
)


# --- 01.train_epoch ------------------------------------------------------------------------------


def _epoch(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    w = w.copy()
    mistakes = 0
    for x_i, d_i in zip(x, d, strict=True):  # one sample at a time, in the given order
        y = 1.0 if x_i @ w + b >= 0 else 0.0
        if y != d_i:
            w = w + eta * (d_i - y) * x_i
            b = b + eta * (d_i - y)
            mistakes += 1
    return w, b, mistakes


def _epoch_batch(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    # Mistake: judges every sample with the weights from the start of the epoch, then
    # adds all the corrections at once (a different algorithm: batch updates).
    y = (x @ w + b >= 0).astype(float)
    delta = eta * (d - y)
    return w + delta @ x, b + delta.sum(), int((y != d).sum())


def _epoch_counts_after(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    # Mistake: counts the mistakes of the weights at the END of the epoch.
    w_new, b_new, _ = _epoch(w, b, x, d, eta)
    y = (x @ w_new + b_new >= 0).astype(float)
    return w_new, b_new, int((y != d).sum())


def _epoch_strict(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    # Mistake: uses z > 0 for the output, so z = 0 (as at the very start) does not fire.
    w = w.copy()
    mistakes = 0
    for x_i, d_i in zip(x, d, strict=True):
        y = 1.0 if x_i @ w + b > 0 else 0.0
        if y != d_i:
            w, b, mistakes = w + eta * (d_i - y) * x_i, b + eta * (d_i - y), mistakes + 1
    return w, b, mistakes


def _epoch_no_eta(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    # Mistake: ignores the learning rate (right only when eta = 1).
    return _epoch(w, b, x, d, 1.0)


def _epoch_in_place(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    # Mistake: updates the caller's w in place (w += ...), so the caller's array changes.
    mistakes = 0
    for x_i, d_i in zip(x, d, strict=True):
        y = 1.0 if x_i @ w + b >= 0 else 0.0
        if y != d_i:
            w += eta * (d_i - y) * x_i
            b = b + eta * (d_i - y)
            mistakes += 1
    return w, b, mistakes


def _epoch_no_bias(
    w: np.ndarray, b: float, x: np.ndarray, d: np.ndarray, eta: float
) -> tuple[np.ndarray, float, int]:
    # Mistake: updates the weights but never the bias.
    w = w.copy()
    mistakes = 0
    for x_i, d_i in zip(x, d, strict=True):
        y = 1.0 if x_i @ w + b >= 0 else 0.0
        if y != d_i:
            w, mistakes = w + eta * (d_i - y) * x_i, mistakes + 1
    return w, b, mistakes


_g = _rng_cases(102)
_sep_x = _g.uniform(-1.0, 1.0, size=(12, 2))
_sep_d = (_sep_x @ np.array([1.0, -2.0]) + 0.3 > 0).astype(np.int64)
train_epoch = function_exercise(
    id="01.train_epoch",
    title="One epoch of perceptron training, counting the mistakes",
    prompt="""
    Write `train_epoch(w, b, x, d, eta)`: one pass through the data **in the order
    given**, applying the learning rule to each sample in turn.

    - `w`: float array (D,), `b`: float — the weights and bias at the start;
    - `x`: float array (N, D); `d`: int array (N,) of 0/1 targets; `eta`: float.

    Each sample is judged by the weights that the previous samples left (this is why
    the loop cannot be replaced by one matrix product). Return `(w, b, mistakes)`: the
    weights and bias after the epoch and the number of samples that were misclassified
    when they were presented (= the number of updates), an int. Do not change the
    caller's `w` in place.

    Example: AND from zero, `x = [[0,0],[0,1],[1,0],[1,1]]`, `d = [0,0,0,1]`, `w = [0,0]`,
    `b = 0`, `eta = 1` gives `(array([1., 1.]), 0.0, 2)`.
    """,
    reference=_epoch,
    cases=[
        Case("AND from zero", (np.zeros(2), 0.0, _TRUTH_INPUTS, np.array([0, 0, 0, 1]), 1.0)),
        Case(
            "OR from w = [1, 0], b = -1",
            (np.array([1.0, 0.0]), -1.0, _TRUTH_INPUTS, np.array([0, 1, 1, 1]), 1.0),
        ),
        Case("XOR from zero", (np.zeros(2), 0.0, _TRUTH_INPUTS, np.array([0, 1, 1, 0]), 1.0)),
        Case("12 separable points, eta = 0.5", (np.zeros(2), 0.0, _sep_x, _sep_d, 0.5)),
        Case(
            "12 points from w = [0.3, 0.1], b = 0.2",
            (np.array([0.3, 0.1]), 0.2, _sep_x, _sep_d, 1.0),
        ),
    ],
    hints=[
        "Loop over the samples in order, keeping the current w and b. For each: compute "
        "its output with the current weights, and update only if it is wrong.",
        "for x_i, d_i in zip(x, d): y = step(x_i · w + b); if y != d_i: w += eta (d_i - y) "
        "x_i, b += eta (d_i - y), mistakes += 1.",
        "w = w.copy(); mistakes = 0\n"
        "for x_i, d_i in zip(x, d):\n"
        "    y = 1.0 if x_i @ w + b >= 0 else 0.0\n"
        "    if y != d_i:\n"
        "        w = w + eta * (d_i - y) * x_i; b = b + eta * (d_i - y); mistakes += 1\n"
        "return w, b, mistakes",
    ],
    wrong_answers=[
        _epoch_batch,
        _epoch_counts_after,
        _epoch_strict,
        _epoch_no_eta,
        _epoch_in_place,
        _epoch_no_bias,
    ],
)


# --- 01.logic_gates ------------------------------------------------------------------------------

_GATES = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
}


def _gate_weights(name: str) -> tuple[np.ndarray, float]:
    if name == "AND":  # fires only when x1 + x2 >= 1.5
        return np.array([1.0, 1.0]), -1.5
    if name == "OR":  # fires when x1 + x2 >= 0.5
        return np.array([1.0, 1.0]), -0.5
    if name == "NAND":  # the negation of AND: flip every sign
        return np.array([-1.0, -1.0]), 1.5
    raise ValueError(f"unknown gate {name!r}")


def _gates_on_the_edge(name: str) -> tuple[np.ndarray, float]:
    # Mistake: thresholds exactly on an input's net input; z = 0 fires, so AND
    # fires on (0, 1) and OR fires on (0, 0).
    w = np.array([1.0, 1.0])
    return {"AND": (w, -1.0), "OR": (w, 0.0), "NAND": (-w, 1.0)}[name]


def _gates_nand_as_and(name: str) -> tuple[np.ndarray, float]:
    # Mistake: NAND by negating only the bias of AND.
    if name == "NAND":
        return np.array([1.0, 1.0]), 1.5
    return _gate_weights(name)


def _gates_and_or_swapped(name: str) -> tuple[np.ndarray, float]:
    # Mistake: the biases of AND and OR swapped.
    return {"AND": _gate_weights("OR"), "OR": _gate_weights("AND")}.get(name) or _gate_weights(name)


def _gates_nand_negates_w_only(name: str) -> tuple[np.ndarray, float]:
    # Mistake: NAND by negating only the weights of AND: z < 0 on every input, it never fires.
    if name == "NAND":
        return np.array([-1.0, -1.0]), -1.5
    return _gate_weights(name)


def _gates_threshold_as_bias(name: str) -> tuple[np.ndarray, float]:
    # Mistake: writes the threshold (1.5, 0.5) where the bias (−threshold) goes.
    w, b = _gate_weights(name)
    return (w, -b) if name != "NAND" else (w, b)


def _check_gates(fn: Any) -> str:
    for name, target in _GATES.items():
        out = call(fn, name, case=name, like=_gate_weights)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise CheckFailure(
                f"on case '{name}': return a pair (w, b): w an array of 2 weights and b a "
                f"number; got {type(out).__name__}"
            )
        w, b = out
        w = np.asarray(w, dtype=float).reshape(-1)
        if w.shape != (2,):
            raise CheckFailure(f"on case '{name}': w must hold 2 weights; got shape {w.shape}")
        try:
            b = float(np.asarray(b, dtype=float).reshape(()))
        except (TypeError, ValueError):
            raise CheckFailure(f"on case '{name}': b must be one number; got {b!r}") from None
        if not (np.all(np.isfinite(w)) and np.isfinite(b)):
            raise CheckFailure(f"on case '{name}': w and b must be finite numbers")
        z = _TRUTH_INPUTS @ w + b
        y = (z >= 0).astype(int)
        for r in range(4):
            if y[r] != target[r]:
                x1, x2 = int(_TRUTH_INPUTS[r, 0]), int(_TRUTH_INPUTS[r, 1])
                edge = " (z = 0 counts as firing)" if z[r] == 0 else ""
                raise CheckFailure(
                    f"on case '{name}': with w = {w.tolist()}, b = {b:g} the input "
                    f"({x1}, {x2}) has z = {z[r]:g}, so the unit gives {y[r]}{edge}; "
                    f"{name} of ({x1}, {x2}) is {target[r]}"
                )
    return "AND, OR and NAND on all 4 inputs"


logic_gates = Exercise(
    id="01.logic_gates",
    title="AND, OR and NAND by hand",
    prompt="""
    Before learning, set the weights yourself. Write `gate_weights(name)` that returns
    `(w, b)` — `w` an array of 2 floats, `b` a float — such that a perceptron
    y = step(x1 w1 + x2 w2 + b), with z = 0 giving 1, computes the gate `name`, one of
    `"AND"`, `"OR"`, `"NAND"`, on the four inputs (0,0), (0,1), (1,0), (1,1).

    Example of the check: `w = [1., 1.]`, `b = -1.5` gives z = -1.5, -0.5, -0.5, 0.5 and
    outputs 0, 0, 0, 1: that is AND.

    Tip: keep every net input away from 0; a boundary that passes exactly through an
    input is fragile.
    """,
    reference=_gate_weights,
    checker=_check_gates,
    hints=[
        "Draw the four inputs in the plane. Each gate is a line with the 1s on one side; "
        "w points towards the 1s and b shifts the line.",
        "With w = (1, 1), z = (x1 + x2) + b, and x1 + x2 is 0, 1, 1, 2 on the four inputs. "
        "The unit fires when x1 + x2 >= -b: put -b between the counts, between 1 and 2 for "
        "AND, between 0 and 1 for OR. NAND is the opposite of AND: negate w and b.",
        'if name == "AND": return np.array([1., 1.]), -1.5\n'
        'if name == "OR": return np.array([1., 1.]), -0.5\n'
        'if name == "NAND": return np.array([-1., -1.]), 1.5',
    ],
    wrong_answers=[
        _gates_on_the_edge,
        _gates_nand_as_and,
        _gates_and_or_swapped,
        _gates_nand_negates_w_only,
        _gates_threshold_as_bias,
    ],
)


# --- 01.margin -----------------------------------------------------------------------------------


def _margin(x: np.ndarray, d: np.ndarray, w: np.ndarray, b: float) -> float:
    s = 2 * d - 1  # targets 0/1 as signs -1/+1
    return float(np.min(s * (x @ w + b)) / np.linalg.norm(w))  # signed distance of the closest


def _margin_unnormalised(x: np.ndarray, d: np.ndarray, w: np.ndarray, b: float) -> float:
    # Mistake: forgets to divide by ||w||, so doubling w doubles the "margin".
    return float(np.min((2 * d - 1) * (x @ w + b)))


def _margin_unsigned(x: np.ndarray, d: np.ndarray, w: np.ndarray, b: float) -> float:
    # Mistake: plain distance, blind to which side a point is on.
    return float(np.min(np.abs(x @ w + b)) / np.linalg.norm(w))


def _margin_uses_d(x: np.ndarray, d: np.ndarray, w: np.ndarray, b: float) -> float:
    # Mistake: multiplies by d (0/1) instead of the sign 2d - 1.
    return float(np.min(d * (x @ w + b)) / np.linalg.norm(w))


def _margin_mean(x: np.ndarray, d: np.ndarray, w: np.ndarray, b: float) -> float:
    # Mistake: the mean signed distance; the margin is that of the closest sample.
    return float(np.mean((2 * d - 1) * (x @ w + b)) / np.linalg.norm(w))


def _margin_norm_squared(x: np.ndarray, d: np.ndarray, w: np.ndarray, b: float) -> float:
    # Mistake: divides by ‖w‖², not ‖w‖ (right only for a unit vector w).
    return float(np.min((2 * d - 1) * (x @ w + b)) / (w @ w))


_g = _rng_cases(103)
_m_x = _g.uniform(-1.0, 1.0, size=(20, 2))
_m_d = (_m_x @ np.array([2.0, 1.0]) - 0.2 > 0).astype(np.int64)
margin = function_exercise(
    id="01.margin",
    title="The margin of a data set for a given boundary",
    prompt="""
    Write `margin(x, d, w, b)`: the signed distance from the boundary x · w + b = 0 to
    the closest sample, counted positive on the sample's own side.

    - `x`: float array (N, D); `d`: int array (N,) of 0/1 targets;
    - `w`: float array (D,), not all zero; `b`: float.

    With signs s = 2d − 1 (−1 for class 0, +1 for class 1), return the float
    min_n s_n (x_n · w + b) / ‖w‖. It is positive when (w, b) separates the classes and
    negative when some sample is on the wrong side.

    Example: `x = [[2., 0.], [0., 0.]]`, `d = [1, 0]`, `w = [1., 0.]`, `b = -1.` gives
    1.0 (both points at distance 1, each on its own side).
    """,
    reference=_margin,
    cases=[
        Case(
            "the example",
            (np.array([[2.0, 0.0], [0.0, 0.0]]), np.array([1, 0]), np.array([1.0, 0.0]), -1.0),
        ),
        Case(
            "w = [3, 4] (not a unit vector)",
            (np.array([[1.0, 1.0], [-1.0, 0.0]]), np.array([1, 0]), np.array([3.0, 4.0]), 0.0),
        ),
        Case(
            "one point on the wrong side",
            (np.array([[1.0, 0.0], [0.5, 0.0]]), np.array([1, 0]), np.array([1.0, 0.0]), 0.0),
        ),
        Case("20 points, a separating boundary", (_m_x, _m_d, np.array([2.0, 1.0]), -0.2)),
        Case("20 points, a poor boundary", (_m_x, _m_d, np.array([1.0, -1.0]), 0.1)),
    ],
    hints=[
        "The distance of a point to the line x · w + b = 0 is |x · w + b| / ‖w‖. The sign "
        "tells the side; multiply by +1 or -1 so that 'own side' is positive.",
        "s = 2 d - 1; signed distances s (x w + b) / ‖w‖ for all samples at once; the "
        "margin is their minimum.",
        "s = 2 * d - 1\nreturn float(np.min(s * (x @ w + b)) / np.linalg.norm(w))",
    ],
    wrong_answers=[
        _margin_unnormalised,
        _margin_unsigned,
        _margin_uses_d,
        _margin_mean,
        _margin_norm_squared,
    ],
)


# --- quizzes -------------------------------------------------------------------------------------

xor_cycles = Quiz(
    id="01.xor_cycles",
    question="Why does the perceptron rule never stop on XOR, however many epochs it runs?",
    options=[
        "The learning rate is too large; with a small enough η it would converge",
        "No line separates the classes, so every epoch misclassifies some input",
        "It needs more than 1,000 epochs; the bound (R/γ)² is very large for XOR",
        "The inputs are 0 and 1, and the rule only works for real-valued inputs",
    ],
    answer=1,
    explanation="The rule stops only when an epoch has no mistake, which needs a separating "
    "line. For XOR none exists, so some input is always wrong. η cannot help: from zero it "
    "only rescales the weights. The Novikoff bound needs a margin γ > 0, which XOR does not "
    "have.",
    hint="When does the rule stop changing the weights?",
)

eta_from_zero = Quiz(
    id="01.eta_from_zero",
    question="Two perceptrons start at w = 0, b = 0 and see the same samples in the same "
    "order, one with η = 1 and one with η = 0.01. What happens?",
    options=[
        "The one with η = 0.01 makes 100 times fewer mistakes on the same data",
        "The same mistakes at the same steps, with weights 0.01 times the other's",
        "The one with η = 0.01 needs about 100 times more epochs to converge",
        "The one with η = 0.01 ends with a better boundary, closer to the middle of the gap",
    ],
    answer=1,
    explanation="By induction: if w' = η w and b' = η b, then z' = η z has the same sign, so "
    "both make the same decision and the same update, scaled by η. The boundary w·x + b = 0 is "
    "the same line. (With a start away from zero, η does matter.)",
    hint="Multiply w and b by a positive number. Does the sign of z change?",
)

novikoff_bound = Quiz(
    id="01.novikoff_bound",
    question="Novikoff's theorem bounds the number of mistakes of the perceptron rule, "
    "started at zero, on data separable with margin γ and radius R. On what does the bound "
    "depend?",
    options=[
        "On the number of samples N: the more data, the more mistakes it makes",
        "On the input dimension D: every extra input adds to the mistakes",
        "Only on (R/γ)²: not on N, D, η or the order of the samples",
        "On the learning rate η: a smaller η allows more mistakes before it stops",
    ],
    answer=2,
    explanation="The proof shows w·u grows by at least ηγ per mistake while ‖w‖² grows by at "
    "most η²R², so k mistakes need kηγ <= ηR√k, that is k <= (R/γ)². N, D and η cancel or "
    "never enter.",
    hint="Look at the two inequalities of the proof: what survives when η cancels?",
)

mark1_layers = Quiz(
    id="01.mark1_layers",
    question="How was Rosenblatt's Mark I Perceptron (1958-1960) organised?",
    options=[
        "One threshold unit with 400 adjustable weights, one per photocell of the camera",
        "400 photocells wired at random to 512 fixed units; only the last layer learned",
        "A multilayer network whose every layer was trained by backpropagation of errors",
        "A program on the IBM 704 computer; no special hardware was ever built for it",
    ],
    answer=1,
    explanation="The 'single-layer perceptron' of the textbooks is the trained A-to-R layer; "
    "the machine also had a fixed random S-to-A layer (Hay & Wightman 1960, Research Trends "
    "8(1); Rosenblatt 1962). The 1958 press demonstration ran on an IBM 704; the Mark I was "
    "described in public in 1960.",
    hint="Which connections were fixed and which ones had motors?",
)
