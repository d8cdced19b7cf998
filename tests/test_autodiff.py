"""dlbook.autodiff: gradients against PyTorch autograd (when installed) and finite differences."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.autodiff import Value, topological_order

try:  # PyTorch is a benchmark dependency; the comparison skips, saying so, without it
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed (pip install torch)")


# --- expressions used by several tests, written once for Value and once for torch ---------


def _sanity(x):
    """micrograd's first check: every operation, and x used many times."""
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y


def _more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return g


def _smooth(a, b):
    """exp, log, tanh, sigmoid, division and subtraction from the left."""
    u = (a * b).tanh() + (a - 2 * b).sigmoid()
    v = (a * a + 1).log() - (0.5 * b).exp()
    return u * v + 1 / (v * v + 1) - 3 / (2 + u)


def _t(x: float):
    return torch.tensor([x], dtype=torch.float64, requires_grad=True)


# --- PyTorch comparisons (as micrograd's tests do) ------------------------------------------


@needs_torch
def test_sanity_against_torch():
    x = Value(-4.0)
    y = _sanity(x)
    y.backward()
    xt = _t(-4.0)
    yt = _sanity(xt)
    yt.backward()
    assert y.data == pytest.approx(yt.item(), rel=1e-12)
    assert x.grad == pytest.approx(xt.grad.item(), rel=1e-12)


@needs_torch
def test_more_ops_against_torch():
    a, b = Value(-4.0), Value(2.0)
    g = _more_ops(a, b)
    g.backward()
    at, bt = _t(-4.0), _t(2.0)
    gt = _more_ops(at, bt)
    gt.backward()
    tol = 1e-6
    assert abs(g.data - gt.item()) < tol
    assert abs(a.grad - at.grad.item()) < tol
    assert abs(b.grad - bt.grad.item()) < tol


@needs_torch
@pytest.mark.parametrize(("a0", "b0"), [(0.7, -1.3), (-2.0, 0.4), (1.5, 1.5)])
def test_smooth_ops_against_torch(a0, b0):
    a, b = Value(a0), Value(b0)
    out = _smooth(a, b)
    out.backward()
    at, bt = _t(a0), _t(b0)
    ot = _smooth(at, bt)
    ot.backward()
    assert out.data == pytest.approx(ot.item(), rel=1e-12)
    assert a.grad == pytest.approx(at.grad.item(), rel=1e-10, abs=1e-12)
    assert b.grad == pytest.approx(bt.grad.item(), rel=1e-10, abs=1e-12)


@needs_torch
def test_tiny_sigmoid_network_against_torch():
    """A 2-2-1 sigmoid network with squared error: every weight's gradient."""
    x = [1.0, 0.5]
    W1 = [[0.15, -0.4], [0.6, 0.25]]
    b1 = [0.1, -0.2]
    W2 = [0.8, -1.1]
    b2, d = 0.05, 1.0

    def net(W1, b1, W2, b2, x):
        h = [(x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j]).sigmoid() for j in range(2)]
        p = (h[0] * W2[0] + h[1] * W2[1] + b2).sigmoid()
        return 0.5 * (p - d) ** 2

    W1v = [[Value(w) for w in row] for row in W1]
    b1v = [Value(b) for b in b1]
    W2v = [Value(w) for w in W2]
    b2v = Value(b2)
    C = net(W1v, b1v, W2v, b2v, x)
    C.backward()

    W1t = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    b1t = torch.tensor(b1, dtype=torch.float64, requires_grad=True)
    W2t = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    b2t = torch.tensor(b2, dtype=torch.float64, requires_grad=True)
    xt = torch.tensor(x, dtype=torch.float64)
    pt = torch.sigmoid(torch.sigmoid(xt @ W1t + b1t) @ W2t + b2t)
    Ct = 0.5 * (pt - d) ** 2
    Ct.backward()

    assert C.data == pytest.approx(Ct.item(), rel=1e-12)
    for i in range(2):
        for j in range(2):
            assert W1v[i][j].grad == pytest.approx(W1t.grad[i, j].item(), rel=1e-10)
        assert b1v[i].grad == pytest.approx(b1t.grad[i].item(), rel=1e-10)
        assert W2v[i].grad == pytest.approx(W2t.grad[i].item(), rel=1e-10)
    assert b2v.grad == pytest.approx(b2t.grad.item(), rel=1e-10)


# --- finite differences, pure Python (no PyTorch needed) --------------------------------------


def _central(f, xs, i, h=1e-6):
    up = list(xs)
    dn = list(xs)
    up[i] += h
    dn[i] -= h
    return (f(*up) - f(*dn)) / (2 * h)


def _plain(fn):
    """Evaluate an expression built for Value on plain floats, via Value (data only)."""
    return lambda *xs: fn(*(Value(x) for x in xs)).data


@pytest.mark.parametrize(
    ("fn", "point"),
    [
        (_more_ops, (-4.0, 2.0)),
        (_smooth, (0.7, -1.3)),
        (_smooth, (-2.0, 0.4)),
        (lambda a: _sanity(a), (-4.0,)),
    ],
)
def test_gradients_match_finite_differences(fn, point):
    vs = [Value(x) for x in point]
    fn(*vs).backward()
    f = _plain(fn)
    for i, v in enumerate(vs):
        num = _central(f, point, i)
        assert v.grad == pytest.approx(num, rel=1e-5, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-3, 3, allow_nan=False),
    st.floats(-3, 3, allow_nan=False),
)
def test_random_points_match_finite_differences(a0, b0):
    """The same smooth expression, at points hypothesis picks."""
    a, b = Value(a0), Value(b0)
    _smooth(a, b).backward()
    f = _plain(_smooth)
    for i, v in enumerate((a, b)):
        assert v.grad == pytest.approx(_central(f, (a0, b0), i), rel=1e-4, abs=1e-6)


# --- the rules themselves ----------------------------------------------------------------------


def test_value_used_twice_accumulates():
    x = Value(3.0)
    y = x * x  # dy/dx = 2x, from two paths of one node
    y.backward()
    assert x.grad == 6.0
    z = Value(2.0)
    w = z.tanh() + z  # the tanh path and the direct path both reach z
    w.backward()
    assert z.grad == pytest.approx(1 - math.tanh(2.0) ** 2 + 1)


def test_backward_accumulates_across_calls_until_reset():
    x = Value(1.5)
    y = 2 * x
    y.backward()
    y.backward()
    assert x.grad == 4.0  # documented: gradients accumulate like PyTorch's
    x.grad = 0.0
    (2 * x).backward()
    assert x.grad == 2.0


def test_topological_order_puts_children_first():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    pos = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is e and len(order) == 5
    for v in order:
        for ch in v.children:
            assert pos[id(ch)] < pos[id(v)]


def test_long_chain_does_not_hit_recursion_limit():
    x = Value(0.5)
    y = x
    n = sys.getrecursionlimit() + 500
    for _ in range(n):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_sigmoid_is_stable_and_exact():
    for z in (-1000.0, -30.0, 0.0, 2.5, 1000.0):
        v = Value(z)
        s = v.sigmoid()
        s.backward()
        expected = 1 / (1 + math.exp(-z)) if z > -700 else 0.0
        assert s.data == pytest.approx(expected, abs=1e-15)
        assert v.grad == pytest.approx(expected * (1 - expected), abs=1e-15)


def test_relu_gradient_is_zero_at_and_below_zero():
    for z, g in ((-1.0, 0.0), (0.0, 0.0), (2.0, 1.0)):
        v = Value(z)
        v.relu().backward()
        assert v.grad == g


def test_inputs_are_not_changed_by_forward():
    a, b = Value(1.0), Value(2.0)
    _more_ops(a, b)
    assert (a.data, b.data, a.grad, b.grad) == (1.0, 2.0, 0.0, 0.0)


def test_repr_names_label_value_and_grad():
    v = Value(0.25, label="w1")
    assert repr(v) == "Value(w1=0.25, grad=0)"


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value("1.0"), TypeError, "real number"),
        (lambda: Value(1.0) + [1.0], TypeError, "Value or a real number"),
        (lambda: Value(2.0) ** Value(2.0), TypeError, "exponent"),
        (lambda: Value(-1.0).log(), ValueError, "positive"),
        (lambda: Value(0.0).log(), ValueError, "positive"),
    ],
)
def test_errors_say_what_to_do(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_numpy_scalars_are_accepted():
    np = pytest.importorskip("numpy")
    v = Value(np.float32(1.5)) * np.float64(2.0)
    assert v.data == 3.0
