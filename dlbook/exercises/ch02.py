"""Exercises and quizzes of chapter 02: multilayer networks and backpropagation.

In the notebook::

    from dlbook.exercises import ch02
    ch02.sigmoid_prime.check(my_sigmoid_prime)
    ch02.xor_hidden_layer.check(None)       # a quiz: .check(option number)

Six code exercises (the sigmoid's derivative, the chain rule for one unit, tanh for
the scalar autodiff, a Dense layer's backward pass, central finite differences, one
SGD step) and three quizzes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from ..autodiff import Value
from .checks import CheckFailure, call, expect_array, expect_close_gradient, expect_scalar
from .core import Case, Exercise, Quiz, function_exercise
from .fixtures import fixed_array

_fixed = partial(fixed_array, decimals=2)  # fixed numbers in [-1.5, 1.5], two places

__all__ = [
    "chain_rule",
    "dense_backward",
    "numerical_gradient",
    "reverse_mode_cost",
    "sgd_step",
    "sigmoid_prime",
    "stuck_xor",
    "value_tanh",
    "xor_hidden_layer",
]


def _sigmoid(z: Any) -> Any:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow


# --- 02.sigmoid_prime --------------------------------------------------------------------------


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z) = 1 / (1 + e^(−z)), without overflow at z = −800
    return s * (1.0 - s)  # σ'(z) = σ(z) (1 − σ(z))


def _sigmoid_prime_of_input(z: np.ndarray) -> np.ndarray:
    # Mistake: the formula s(1 − s) applied to the input z instead of to s = σ(z).
    return z * (1.0 - z)


def _sigmoid_prime_is_sigmoid(z: np.ndarray) -> np.ndarray:
    # Mistake: returns σ(z), as if the sigmoid were its own derivative (that is e^z).
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime_sign(z: np.ndarray) -> np.ndarray:
    # Mistake: σ(σ − 1), the right size with the wrong sign.
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (s - 1.0)


def _sigmoid_prime_exp_formula(z: np.ndarray) -> np.ndarray:
    # Mistake: e^(−z) / (1 + e^(−z))², right on paper; at z = −800 it is inf / inf = nan.
    e = np.exp(-z)
    return e / (1.0 + e) ** 2


def _sigmoid_prime_quarter(z: np.ndarray) -> np.ndarray:
    # Mistake: the value at z = 0, 1/4, everywhere.
    return np.full_like(z, 0.25)


sigmoid_prime = function_exercise(
    id="02.sigmoid_prime",
    title="The derivative of the sigmoid",
    prompt="""
    Write `sigmoid_prime(z)`: the derivative σ'(z) of the sigmoid σ(z) = 1 / (1 + e^(−z)),
    elementwise, taken at the **input** z.

    - `z`: float array of any shape;
    - returns a float array of the same shape.

    Example: `sigmoid_prime(np.array([0.0]))` gives `[0.25]`.
    """,
    reference=_sigmoid_prime,
    cases=[
        Case("z = 0", (np.array([0.0]),)),
        Case("z = -2, 1, 3", (np.array([-2.0, 1.0, 3.0]),)),
        Case("a 2x3 matrix", (np.linspace(-4.0, 4.0, 6).reshape(2, 3),)),
        Case("saturated: z = -30, 30", (np.array([-30.0, 30.0]),)),
        Case("extreme inputs: z = -800, 800", (np.array([-800.0, 800.0]),)),
    ],
    hints=[
        "Differentiate 1 / (1 + e^(−z)) with the chain rule, then write the result in terms "
        "of σ(z) itself.",
        "σ'(z) = e^(−z) / (1 + e^(−z))² = σ(z) (1 − σ(z)). Compute s = σ(z) first; the "
        "formula uses s, not z.",
        "s = 1 / (1 + np.exp(-z)); return s * (1 - s)",
    ],
    wrong_answers=[
        _sigmoid_prime_of_input,
        _sigmoid_prime_is_sigmoid,
        _sigmoid_prime_sign,
        _sigmoid_prime_exp_formula,
        _sigmoid_prime_quarter,
    ],
    rtol=1e-7,
    atol=1e-15,
)


# --- 02.chain_rule ---------------------------------------------------------------------------


def _chain_rule(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    z = w * x + b  # forward: z, then p, then C = ½ (p − d)²
    p = 1.0 / (1.0 + math.exp(-z))
    dC_dp = p - d  # backward: one local derivative per step
    dC_dz = dC_dp * p * (1.0 - p)
    return dC_dz * x, dC_dz, dC_dz * w  # dz/dw = x, dz/db = 1, dz/dx = w


def _chain_rule_no_sigmoid(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    # Mistake: skips the sigmoid's local derivative (the delta rule of a linear unit).
    p = 1.0 / (1.0 + math.exp(-(w * x + b)))
    return (p - d) * x, p - d, (p - d) * w


def _chain_rule_sign(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    # Mistake: (d − p) instead of (p − d): the direction of the update, not the gradient.
    p = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dz = (d - p) * p * (1.0 - p)
    return dz * x, dz, dz * w


def _chain_rule_swapped(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    # Mistake: dz/dw and dz/dx swapped (dz/dw is the input x, not the weight).
    p = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dz = (p - d) * p * (1.0 - p)
    return dz * w, dz, dz * x


def _chain_rule_no_x(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    # Mistake: dC/dw = dC/dz, forgetting the factor dz/dw = x (right only when x = 1).
    p = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dz = (p - d) * p * (1.0 - p)
    return dz, dz, dz * w


def _chain_rule_dx_zero(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    # Mistake: treats the input as a constant, dC/dx = 0 (right only when w = 0).
    p = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dz = (p - d) * p * (1.0 - p)
    return dz * x, dz, 0.0


def _chain_rule_db_times_x(x: float, w: float, b: float, d: float) -> tuple[float, float, float]:
    # Mistake: multiplies dC/db by x as well; z = w x + b gives dz/db = 1.
    p = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dz = (p - d) * p * (1.0 - p)
    return dz * x, dz * x, dz * w


chain_rule = function_exercise(
    id="02.chain_rule",
    title="The chain rule for one sigmoid unit",
    prompt="""
    One sigmoid unit and its cost, as a graph of three steps:
    z = w·x + b,  p = σ(z),  C = ½ (p − d)².

    Write `chain_rule(x, w, b, d)`: all four arguments are Python floats. Return the
    tuple of three floats `(dC_dw, dC_db, dC_dx)`, the partial derivatives of C.

    Example: `chain_rule(1.0, 0.0, 0.0, 1.0)`: z = 0, p = 0.5, dC/dp = −0.5,
    dp/dz = 0.25, so it returns `(-0.125, -0.125, 0.0)`.
    """,
    reference=_chain_rule,
    cases=[
        Case("x = 1, w = 0, b = 0, d = 1 (the example)", (1.0, 0.0, 0.0, 1.0)),
        Case("x = 2, w = -0.5, b = 0.3, d = 0", (2.0, -0.5, 0.3, 0.0)),
        Case("x = -1.5, w = 1.2, b = -0.4, d = 1", (-1.5, 1.2, -0.4, 1.0)),
        Case("x = 0.5, w = 3, b = 1, d = 0", (0.5, 3.0, 1.0, 0.0)),
    ],
    hints=[
        "Go backwards through the graph: first dC/dp, then dC/dz = dC/dp · dp/dz, then "
        "multiply by the local derivative of z with respect to w, b and x.",
        "dC/dp = p − d; dp/dz = p (1 − p); z = w x + b gives dz/dw = x, dz/db = 1, dz/dx = w.",
        "z = w * x + b; p = 1 / (1 + math.exp(-z)); dz = (p - d) * p * (1 - p); "
        "return dz * x, dz, dz * w",
    ],
    wrong_answers=[
        _chain_rule_no_sigmoid,
        _chain_rule_sign,
        _chain_rule_swapped,
        _chain_rule_no_x,
        _chain_rule_dx_zero,
        _chain_rule_db_times_x,
    ],
    rtol=1e-9,
    atol=1e-12,
)


# --- 02.value_tanh -----------------------------------------------------------------------------


def _value_tanh(v: Value) -> Value:
    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += (1.0 - t**2) * out.grad  # chain rule: local derivative × upstream gradient

    out._backward = _backward
    return out


def _value_tanh_uses_input(v: Value) -> Value:
    # Mistake: 1 − x² with the input x, instead of 1 − tanh(x)².
    out = Value(math.tanh(v.data), (v,), "tanh")

    def _backward() -> None:
        v.grad += (1.0 - v.data**2) * out.grad

    out._backward = _backward
    return out


def _value_tanh_assigns(v: Value) -> Value:
    # Mistake: `=` instead of `+=`; a value used twice loses one of its gradients.
    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad = (1.0 - t**2) * out.grad

    out._backward = _backward
    return out


def _value_tanh_no_upstream(v: Value) -> Value:
    # Mistake: forgets to multiply by out.grad, the gradient arriving from above.
    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += 1.0 - t**2

    out._backward = _backward
    return out


def _value_tanh_no_child(v: Value) -> Value:
    # Mistake: the new Value does not record its input, so backward() never reaches it.
    t = math.tanh(v.data)
    out = Value(t)

    def _backward() -> None:
        v.grad += (1.0 - t**2) * out.grad

    out._backward = _backward
    return out


def _value_tanh_no_square(v: Value) -> Value:
    # Mistake: 1 − tanh(x) instead of 1 − tanh(x)².
    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += (1.0 - t) * out.grad

    out._backward = _backward
    return out


def _tanh_value(fn: Any, v: Value, case: str) -> Value:
    out = call(fn, v, case=case, like=_value_tanh)
    if not isinstance(out, Value):
        raise CheckFailure(
            f"on case '{case}': return a new Value, e.g. out = Value(t, (v,), 'tanh'); "
            f"got {type(out).__name__}"
        )
    if out is v:
        raise CheckFailure(f"on case '{case}': return a new Value, not the input itself")
    if not any(c is v for c in out.children):
        raise CheckFailure(
            f"on case '{case}': your Value does not list its input as a child, so backward() "
            "never reaches it; make it with Value(t, (v,), 'tanh')"
        )
    return out


def _check_value_tanh(fn: Any) -> str:
    # 1. the forward value and the local derivative
    for x0 in (0.5, -1.3):
        case = f"tanh(x) at x = {x0}"
        x = Value(x0)
        out = _tanh_value(fn, x, case)
        expect_scalar(out.data, math.tanh(x0), case=case, name="forward value", rtol=1e-12)
        call(out.backward, case=case)
        expect_scalar(x.grad, 1 - math.tanh(x0) ** 2, case=case, name="x.grad", rtol=1e-9)
    # 2. the gradient from above must be multiplied in
    case = "3 * tanh(2 * x) at x = 0.4"
    x = Value(0.4)
    y = 3 * _tanh_value(fn, 2 * x, case)
    call(y.backward, case=case)
    expect_scalar(x.grad, 6 * (1 - math.tanh(0.8) ** 2), case=case, name="x.grad", rtol=1e-9)
    # 3. gradients accumulate when x is used twice
    case = "tanh(x) + x at x = 0.7 (x used twice)"
    x = Value(0.7)
    y = _tanh_value(fn, x, case) + x
    call(y.backward, case=case)
    expect_scalar(x.grad, 2 - math.tanh(0.7) ** 2, case=case, name="x.grad", rtol=1e-9)
    return "4 graphs"


value_tanh = Exercise(
    id="02.value_tanh",
    title="Teach the scalar autodiff tanh",
    prompt="""
    Write `tanh(v)` for the scalar autodiff: it takes a `dlbook.autodiff.Value` and
    returns a **new** `Value` whose data is tanh(v.data), which lists `v` as its child,
    and whose `_backward` function adds the right amount to `v.grad` when the backward
    pass reaches it.

    Example: `x = Value(0.5); y = tanh(x); y.backward()` gives `y.data = 0.4621…` and
    `x.grad = 1 − 0.4621² = 0.7864…`. Look at `Value.sigmoid` (`dl.show(Value.sigmoid)`)
    for the pattern.
    """,
    reference=_value_tanh,
    checker=_check_value_tanh,
    hints=[
        "Three parts: compute t = tanh(v.data); make out = Value(t, (v,), 'tanh'); give "
        "`out` a function `_backward` that applies the chain rule for this one step.",
        "d tanh(a)/da = 1 − tanh(a)², which uses the output t. The chain rule multiplies "
        "by the gradient arriving from above, out.grad, and gradients accumulate: +=.",
        "def _backward(): v.grad += (1 - t**2) * out.grad; then out._backward = _backward; "
        "return out",
    ],
    wrong_answers=[
        _value_tanh_uses_input,
        _value_tanh_assigns,
        _value_tanh_no_upstream,
        _value_tanh_no_child,
        _value_tanh_no_square,
    ],
)


# --- 02.dense_backward ------------------------------------------------------------------------


def _dense_backward(
    x: np.ndarray, W: np.ndarray, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dx = dout @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = x.T @ dout  # (D, N) @ (N, M) -> (D, M)
    db = dout.sum(axis=0)  # (M,): b is added to every row
    return dx, dW, db


def _dense_backward_db_per_row(
    x: np.ndarray, W: np.ndarray, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Mistake: db = dout, forgetting that b was broadcast over the N rows.
    return dout @ W.T, x.T @ dout, dout


def _dense_backward_no_transpose(
    x: np.ndarray, W: np.ndarray, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Mistake: dx = dout @ W: only "works" when W is square, and then gives wrong values.
    return dout @ W, x.T @ dout, dout.sum(axis=0)


def _dense_backward_mean(
    x: np.ndarray, W: np.ndarray, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Mistake: averages over the batch; the 1/N already sits in dout (the loss's gradient).
    n = x.shape[0]
    return dout @ W.T, x.T @ dout / n, dout.mean(axis=0)


def _dense_backward_dW_transposed(
    x: np.ndarray, W: np.ndarray, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Mistake: dW = dout.T @ x, the transpose of the gradient; the shape fits only when D = M.
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def _dense_backward_db_axis1(
    x: np.ndarray, W: np.ndarray, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Mistake: sums dout over the outputs (axis 1) instead of over the batch (axis 0).
    return dout @ W.T, x.T @ dout, dout.sum(axis=1)


def _dense_case(n: int, d: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _fixed(n, d, seed=seed), _fixed(d, m, seed=seed + 1), _fixed(n, m, seed=seed + 2)


_DENSE_CASES = [
    ("one sample, D = 3, M = 2", _dense_case(1, 3, 2, 0)),
    ("N = 4, D = 3, M = 2", _dense_case(4, 3, 2, 1)),
    ("N = 5, D = M = 3 (a square W)", _dense_case(5, 3, 3, 2)),
]


def _check_dense_backward(fn: Any) -> str:
    for case, (x, W, dout) in _DENSE_CASES:
        got = call(fn, x.copy(), W.copy(), dout.copy(), case=case, like=_dense_backward)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailure(
                f"on case '{case}': return the tuple (dx, dW, db); got "
                f"{type(got).__name__}{'' if not hasattr(got, '__len__') else f' of {len(got)}'}"
            )
        dx, dW, db = _dense_backward(x, W, dout)
        n, d = x.shape
        m = W.shape[1]
        for name, g, e, shape in (
            ("dx", got[0], dx, f"x's ({n}, {d})"),
            ("dW", got[1], dW, f"W's ({d}, {m})"),
            ("db", got[2], db, f"b's ({m},)"),
        ):
            if not hasattr(g, "shape") or tuple(g.shape) != e.shape:
                have = tuple(g.shape) if hasattr(g, "shape") else type(g).__name__
                raise CheckFailure(
                    f"on case '{case}': {name} must have {shape} shape (a gradient has the "
                    f"shape of what it is the gradient of); got {have}"
                )
            expect_array(g, e, case=case, name=name, rtol=1e-7, atol=1e-10)
    # The same as a gradient check: C = Σ dout ⊙ (x W + b) has exactly these gradients.
    case, (x, W, dout) = _DENSE_CASES[1]
    b = np.zeros(W.shape[1])
    got_dW = call(fn, x, W, dout, case=case)[1]
    err = expect_close_gradient(
        lambda W_: got_dW, lambda W_: float(np.sum(dout * (x @ W_ + b))), W, case=case, tol=1e-6
    )
    return f"3 cases; dW agrees with finite differences to {err:.0e}"


dense_backward = Exercise(
    id="02.dense_backward",
    title="The backward pass of a Dense layer",
    prompt="""
    A Dense layer computes `y = x @ W + b`. Given the gradient of the cost with respect
    to its output, `dout` = ∂C/∂y, write `dense_backward(x, W, dout)` that returns the
    tuple `(dx, dW, db)` of gradients with respect to its input, weights and bias.

    - `x`: float array (N, D); `W`: float array (D, M); `dout`: float array (N, M);
    - returns `dx` (N, D), `dW` (D, M), `db` (M,): each gradient has the shape of the
      thing it is the gradient of.

    Example: `x = [[1., 2.]]`, `W = [[1.], [0.]]`, `dout = [[3.]]` gives
    `dx = [[3., 0.]]`, `dW = [[3.], [6.]]`, `db = [3.]`.
    """,
    reference=_dense_backward,
    checker=_check_dense_backward,
    hints=[
        "Work out one entry first: y[n, j] = Σ_i x[n, i] W[i, j] + b[j]. Which entries of y "
        "does W[i, j] touch, and with which factor? Then match the shapes.",
        "∂C/∂W[i, j] = Σ_n x[n, i] dout[n, j]; ∂C/∂x[n, i] = Σ_j dout[n, j] W[i, j]; "
        "∂C/∂b[j] = Σ_n dout[n, j].",
        "dx = dout @ W.T;  dW = x.T @ dout;  db = dout.sum(axis=0)",
    ],
    wrong_answers=[
        _dense_backward_db_per_row,
        _dense_backward_no_transpose,
        _dense_backward_mean,
        _dense_backward_dW_transposed,
        _dense_backward_db_axis1,
    ],
)


# --- 02.numerical_gradient -------------------------------------------------------------------


def _numerical_gradient(f: Any, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(*x.shape):  # one component at a time
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old  # put it back exactly
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _numerical_gradient_forward(f: Any, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    # Mistake: the one-sided difference (f(x + h) − f(x)) / h, with an O(h) error.
    grad = np.zeros_like(x, dtype=np.float64)
    fx = f(x)
    for i in np.ndindex(*x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


def _numerical_gradient_no_restore(f: Any, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    # Mistake: x[i] is left at x[i] − h, so later components and the caller see a moved x.
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(*x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _numerical_gradient_over_h(f: Any, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    # Mistake: divides the central difference by h instead of 2h (twice too large).
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(*x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / h
    return grad


def _numerical_gradient_fixed_step(f: Any, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    # Mistake: ignores the argument h and always steps by 1e-5.
    return _numerical_gradient(f, x, 1e-5)


def _numerical_gradient_flat_index(f: Any, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    # Mistake: loops over range(len(x)), so a matrix is perturbed a whole row at a time.
    grad = np.zeros_like(x, dtype=np.float64)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _check_numerical_gradient(fn: Any) -> str:
    cases: list[tuple[str, Callable[[np.ndarray], float], np.ndarray, Callable[..., Any]]] = [
        (
            "f(x) = Σ x³ at x = [1, -2, 0.5]",
            lambda x: float(np.sum(x**3)),
            np.array([1.0, -2.0, 0.5]),
            lambda x: 3 * x**2,
        ),
        (
            "f(X) = Σ sin(X) · X² for a 2x3 matrix",
            lambda x: float(np.sum(np.sin(x) * x**2)),
            np.linspace(-2.0, 2.5, 6).reshape(2, 3),
            lambda x: np.cos(x) * x**2 + 2 * x * np.sin(x),
        ),
        (
            "f(x) = Σ exp(x) at x = [3, 4]",
            lambda x: float(np.sum(np.exp(x))),
            np.array([3.0, 4.0]),
            np.exp,
        ),
    ]
    for case, f, x0, grad in cases:
        x = x0.copy()
        got = call(fn, f, x, case=case, like=_numerical_gradient)
        if np.max(np.abs(x - x0)) > 1e-12 * max(1.0, float(np.max(np.abs(x0)))):
            raise CheckFailure(
                f"on case '{case}': your function left x changed (x[i] moved by up to "
                f"{float(np.max(np.abs(x - x0))):.1g}); put each x[i] back after perturbing it"
            )
        # central differences with h = 1e-5 are accurate to ~1e-10 here; forward ones to ~1e-5
        expect_array(got, grad(x0), case=case, name="gradient", rtol=1e-7, atol=1e-8)
    # The step h is an argument: with h = 0.1 the central difference of x³ is 3x² + h²,
    # and the answer must show that h² (a fixed step would not).
    case = "f(x) = Σ x³ at x = [1, -2, 0.5] with h = 0.1"
    x0 = np.array([1.0, -2.0, 0.5])
    got = call(fn, lambda x: float(np.sum(x**3)), x0.copy(), 0.1, case=case)
    expect_array(got, 3 * x0**2 + 0.01, case=case, name="gradient", rtol=1e-9, atol=1e-9)
    return f"{len(cases) + 1} functions, within 1e-7 of the exact gradient"


numerical_gradient = Exercise(
    id="02.numerical_gradient",
    title="Gradients by central finite differences",
    prompt="""
    Write `numerical_gradient(f, x, h=1e-5)`: the gradient of a scalar function by
    **central** differences, ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h.

    - `f`: a function from a float array (the shape of `x`) to a float;
    - `x`: float64 array of any shape; you may change its entries while you work, but
      must leave it as you found it;
    - returns a float array of the shape of `x`.

    Example: for `f = lambda x: float(np.sum(x**2))` and `x = np.array([1.0, -3.0])`,
    the result is close to `[2.0, -6.0]`.
    """,
    reference=_numerical_gradient,
    checker=_check_numerical_gradient,
    hints=[
        "Change one entry at a time: evaluate f with x_i a little larger and a little "
        "smaller, and divide the difference by the distance between the two points.",
        "grad[i] = (f(x with x[i] + h) − f(x with x[i] − h)) / (2h). Keep old = x[i] and put "
        "x[i] = old back before moving to the next i. np.ndindex(*x.shape) visits every i.",
        "for i in np.ndindex(*x.shape): old = x[i]; x[i] = old + h; fp = f(x); "
        "x[i] = old - h; fm = f(x); x[i] = old; grad[i] = (fp - fm) / (2 * h)",
    ],
    wrong_answers=[
        _numerical_gradient_forward,
        _numerical_gradient_no_restore,
        _numerical_gradient_over_h,
        _numerical_gradient_fixed_step,
        _numerical_gradient_flat_index,
    ],
)


# --- 02.sgd_step -------------------------------------------------------------------------------


def _sgd_step(params: dict, grads: dict, eta: float) -> dict:
    return {k: params[k] - eta * grads[k] for k in params}  # w ← w − η ∂C/∂w


def _sgd_step_ascent(params: dict, grads: dict, eta: float) -> dict:
    # Mistake: + instead of −, which climbs the cost.
    return {k: params[k] + eta * grads[k] for k in params}


def _sgd_step_no_eta(params: dict, grads: dict, eta: float) -> dict:
    # Mistake: forgets the learning rate.
    return {k: params[k] - grads[k] for k in params}


def _sgd_step_only_weights(params: dict, grads: dict, eta: float) -> dict:
    # Mistake: updates the weights and forgets the biases.
    return {k: params[k] - eta * grads[k] if k.startswith("W") else params[k] for k in params}


def _sgd_step_in_place(params: dict, grads: dict, eta: float) -> dict:
    # Mistake for this exercise: changes the caller's arrays (the package's optimisers do
    # update in place, on purpose; here the task is to return new arrays).
    for k in params:
        params[k] -= eta * grads[k]
    return params


def _sgd_step_mean_gradient(params: dict, grads: dict, eta: float) -> dict:
    # Mistake: steps every entry by the mean of its gradient array, not entry by entry.
    return {k: params[k] - eta * grads[k].mean() for k in params}


sgd_step = function_exercise(
    id="02.sgd_step",
    title="One step of gradient descent",
    prompt="""
    Write `sgd_step(params, grads, eta)`: one step of gradient descent,
    w ← w − η ∂C/∂w, for every parameter.

    - `params`: dict from names (`"W1"`, `"b1"`, …) to float arrays;
    - `grads`: dict with the same keys, arrays of the same shapes (∂C/∂ each parameter);
    - `eta`: the learning rate η, a float > 0;
    - returns a **new** dict with the same keys and the updated arrays; leave `params`
      unchanged.

    Example: `sgd_step({"W": np.array([1.0, 2.0])}, {"W": np.array([0.5, -1.0])}, 0.1)`
    gives `{"W": array([0.95, 2.1])}`.
    """,
    reference=_sgd_step,
    cases=[
        Case(
            "one weight vector, η = 0.1",
            ({"W": np.array([1.0, 2.0])}, {"W": np.array([0.5, -1.0])}, 0.1),
        ),
        Case(
            "a layer: W (2, 3) and b (3,), η = 0.5",
            (
                {"W": _fixed(2, 3, seed=0), "b": _fixed(3, seed=1)},
                {"W": _fixed(2, 3, seed=2), "b": _fixed(3, seed=3)},
                0.5,
            ),
        ),
        Case(
            "a 2-2-1 network, η = 2",
            (
                {"W1": _fixed(2, 2, seed=4), "b1": _fixed(2, seed=5), "W2": _fixed(2, 1, seed=6)},
                {"W1": _fixed(2, 2, seed=7), "b1": _fixed(2, seed=8), "W2": _fixed(2, 1, seed=9)},
                2.0,
            ),
        ),
    ],
    hints=[
        "Each parameter moves a small step against its own gradient: the same rule for "
        "every key of the dict.",
        "new[k] = params[k] − eta · grads[k] for every key k (weights and biases alike).",
        "return {k: params[k] - eta * grads[k] for k in params}",
    ],
    wrong_answers=[
        _sgd_step_ascent,
        _sgd_step_no_eta,
        _sgd_step_only_weights,
        _sgd_step_in_place,
        _sgd_step_mean_gradient,
    ],
    rtol=1e-12,
    atol=1e-12,
)


# --- quizzes -------------------------------------------------------------------------------------

xor_hidden_layer = Quiz(
    id="02.xor_hidden_layer",
    question="A single sigmoid unit p = σ(w·x + b), read as class 1 when p > 0.5, cannot "
    "compute XOR for any w and b. Why?",
    options=[
        "The sigmoid is not steep enough; a step function in its place would do it",
        "p > 0.5 exactly where w·x + b > 0, a half-plane; no line separates XOR",
        "XOR needs more than two inputs to be computed by any single unit at all",
        "Gradient descent cannot find the weights, although suitable weights exist",
    ],
    answer=1,
    explanation="σ is increasing, so thresholding σ(w·x + b) at 0.5 is thresholding w·x + b "
    "at 0: a linear decision boundary. XOR is not linearly separable (add the two "
    "inequalities for (0, 1) and (1, 0) and compare with those for (0, 0) and (1, 1)). A "
    "hidden layer bends the boundary.",
    hint="Where is p = 0.5? Write it as an equation in x.",
)

reverse_mode_cost = Quiz(
    id="02.reverse_mode_cost",
    question="A network has n weights. Finite differences need about 2n evaluations of the "
    "cost C to get all n partial derivatives ∂C/∂w. What does backpropagation (reverse-mode "
    "differentiation) need?",
    options=[
        "About n forward passes, one per weight, but each one cheaper than the last",
        "One forward and one backward pass: a small multiple of one evaluation of C",
        "About n² operations, one for every pair of weights in the network",
        "One backward pass per hidden layer, so it depends on the network's depth",
    ],
    answer=1,
    explanation="The backward pass visits each operation of the forward pass once and does a "
    "few multiplications there, so all n derivatives of one scalar cost a small constant "
    "times one evaluation (Linnainmaa 1970; Griewank & Walther's 'cheap gradient principle'). "
    "That is why networks with millions of weights can be trained at all.",
    hint="Count how often the backward pass visits each node of the graph.",
)

stuck_xor = Quiz(
    id="02.stuck_xor",
    question="Some 2-2-1 networks trained on XOR stop improving with C close to 1/16: two "
    "patterns sit at p ≈ 0.5, the hidden units are saturated (h near 0 or 1) for them, and "
    "the gradient norm keeps shrinking. What does this show?",
    options=[
        "The network has found the global minimum of C and can do no better",
        "Backpropagation computes the gradient wrongly when units are saturated",
        "A flat region where saturated units pass back almost no gradient",
        "The learning rate is too large, so each step overshoots the minimum",
    ],
    answer=2,
    explanation="C is still falling (slowly) toward 1/16 as the weights grow. For the 2-2-1 "
    "XOR network every finite point has a strictly decreasing path to zero error "
    "(Sprinkhuizen-Kuyper & Boers 1998, 1999; Hamey 1998): the flat regions where gradient "
    "descent stalls are approached only as the weights grow without bound. More hidden "
    "units, another seed or another initialisation avoid them.",
    hint="Look at what σ'(z) is when h is near 0 or 1.",
)
