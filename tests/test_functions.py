"""dlbook.functions: values, derivatives, stability, dtypes, and no mutation of inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlbook import backend
from dlbook import functions as F
from dlbook.gradcheck import check_function

SEED = 12345
RNG = np.random.default_rng(SEED)  # replaced before every test by _fresh_rng


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws from its own generator, seeded alike: data never depend on test order."""
    global RNG
    RNG = np.random.default_rng(SEED)


FIXTURE_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def logits(dtype=np.float64, low=-1e4, high=1e4, max_rows=6, max_cols=8):
    """Strategy: (N, C) logits with entries in [low, high], N ≥ 1, C ≥ 1."""
    shape = st.tuples(st.integers(1, max_rows), st.integers(1, max_cols))
    width = 32 if dtype == np.float32 else 64
    elements = st.floats(low, high, allow_nan=False, width=width)
    return arrays(dtype, shape, elements=elements)


def labels_for(x):
    return RNG.integers(0, x.shape[1], x.shape[0])


def host(a):
    return backend.to_cpu(a)


# --- values against the textbook formulas ------------------------------------------


def test_activations_match_naive_formulas(device):
    z = RNG.uniform(-8, 8, (5, 7))
    zd = backend.asarray(z)
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(host(F.sigmoid(zd)), s, rtol=1e-12)
    np.testing.assert_allclose(host(F.sigmoid_prime(zd)), s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(host(F.tanh(zd)), np.tanh(z), rtol=1e-12)
    np.testing.assert_allclose(host(F.tanh_prime(zd)), 1 - np.tanh(z) ** 2, rtol=1e-12)
    np.testing.assert_array_equal(host(F.relu(zd)), np.where(z > 0, z, 0))
    np.testing.assert_array_equal(host(F.relu_prime(zd)), (z > 0).astype(float))
    for f in (F.sigmoid, F.sigmoid_prime, F.tanh, F.tanh_prime, F.relu, F.relu_prime):
        assert backend.array_module(f(zd)) is device, f.__name__


def test_relu_prime_at_zero_is_zero_like_pytorch():
    np.testing.assert_array_equal(F.relu_prime(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])


def test_softmax_and_losses_match_naive_formulas(device):
    x = RNG.normal(0, 3, (6, 4))
    d = labels_for(x)
    xd, dd = backend.asarray(x), backend.asarray(d)
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(host(F.softmax(xd)), p, rtol=1e-12)
    np.testing.assert_allclose(host(F.log_softmax(xd)), np.log(p), rtol=1e-12)
    np.testing.assert_allclose(host(F.logsumexp(xd)), np.log(np.exp(x).sum(1)), rtol=1e-12)
    ce = -np.log(p[np.arange(6), d]).mean()
    assert float(F.cross_entropy(backend.asarray(p), dd)) == pytest.approx(ce, rel=1e-12)
    assert float(F.softmax_cross_entropy(xd, dd)) == pytest.approx(ce, rel=1e-12)
    onehot = F.one_hot(dd, 4, dtype=np.float64)
    assert float(F.softmax_cross_entropy(xd, onehot)) == pytest.approx(ce, rel=1e-12)
    np.testing.assert_array_equal(host(onehot), np.eye(4)[d])
    y, t = RNG.normal(size=(6, 3)), RNG.normal(size=(6, 3))
    mse = float(F.mse(backend.asarray(y), backend.asarray(t)))
    assert mse == pytest.approx(((y - t) ** 2).sum() / (2 * 6), rel=1e-12)


def test_softmax_along_another_axis():
    x = RNG.normal(size=(3, 5))
    np.testing.assert_allclose(F.softmax(x, axis=0), F.softmax(x.T).T, rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(x, axis=0), F.log_softmax(x.T).T, rtol=1e-12)


def test_logsumexp_of_all_minus_inf_rows_is_minus_inf_without_nan():
    x = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    np.testing.assert_array_equal(F.logsumexp(x), [-np.inf, 0.0])


def test_cross_entropy_of_a_zero_probability_is_finite_and_documented():
    p = np.array([[1.0, 0.0]], dtype=np.float32)
    loss = float(F.cross_entropy(p, np.array([1])))
    assert loss == pytest.approx(-np.log(np.finfo(np.float32).tiny), rel=1e-6)  # ≈ 87.3 nats
    assert float(F.cross_entropy(p, np.array([0]))) == 0.0
    assert float(F.cross_entropy(p, np.array([[1.0, 0.0]]))) == 0.0  # 0 · log 0 counts as 0


def test_lists_and_integers_become_float64():
    assert F.sigmoid([0, 1]).dtype == np.float64
    np.testing.assert_allclose(F.softmax([[0, 0]]), [[0.5, 0.5]])


# --- derivatives, by finite differences, on NumPy and the fake device ---------------


@pytest.mark.parametrize(
    ("f", "fprime"),
    [
        (F.sigmoid, F.sigmoid_prime),
        (F.tanh, F.tanh_prime),
        (F.relu, F.relu_prime),
        (F.log_sigmoid, lambda z: F.sigmoid(-z)),  # (log σ)' = 1 − σ(z) = σ(−z)
    ],
)
def test_activation_derivatives(device, f, fprime):
    z = RNG.uniform(-3, 3, (4, 5))
    z[np.abs(z) < 1e-3] = 0.5  # keep ReLU away from its kink
    report = check_function(f, fprime, backend.asarray(z))
    assert report.ok, report


def test_loss_gradients(device):
    # logits of scale 1: every probability stays far enough from 0 that a central difference
    # of cross_entropy (whose gradient is -d/p) is accurate to the tolerance
    x = RNG.normal(0, 1, (5, 4))
    d = labels_for(x)
    xd, dd, hot = backend.asarray(x), backend.asarray(d), F.one_hot(backend.asarray(d), 4)
    p = F.softmax(xd)
    y, t = backend.asarray(RNG.normal(size=(5, 3))), backend.asarray(RNG.normal(size=(5, 3)))
    cases = {
        "softmax_cross_entropy labels": (F.softmax_cross_entropy, F.softmax_cross_entropy_grad, dd),
        "softmax_cross_entropy one-hot": (
            F.softmax_cross_entropy,
            F.softmax_cross_entropy_grad,
            hot,
        ),
        "cross_entropy labels": (F.cross_entropy, F.cross_entropy_grad, dd),
        "cross_entropy one-hot": (F.cross_entropy, F.cross_entropy_grad, hot),
    }
    for name, (loss, grad, targets) in cases.items():
        point = p if name.startswith("cross") else xd
        report = check_function(
            lambda a, loss=loss, targets=targets: loss(a, targets),
            lambda a, grad=grad, targets=targets: grad(a, targets),
            point,
            name=name,
        )
        assert report.ok, report
    report = check_function(lambda a: F.mse(a, t), lambda a: F.mse_grad(a, t), y, name="mse")
    assert report.ok, report


def test_logsumexp_gradient_is_softmax_and_log_softmax_gradient(device):
    x = backend.asarray(RNG.normal(0, 2, (4, 6)))
    report = check_function(lambda a: F.logsumexp(a).sum(), F.softmax, x)
    assert report.ok, report
    R = backend.asarray(RNG.normal(size=(4, 6)))

    def grad(a):  # ∂/∂x Σ R ⊙ log_softmax(x) = R − softmax(x) Σ_k R_k
        return R - F.softmax(a) * R.sum(axis=1, keepdims=True)

    report = check_function(lambda a: (F.log_softmax(a) * R).sum(), grad, x)
    assert report.ok, report


def test_a_wrong_derivative_fails_the_check():
    report = check_function(F.sigmoid, F.tanh_prime, RNG.normal(size=(3, 3)))
    assert not report.ok
    assert report.max_rel_error > 0.1


# --- properties --------------------------------------------------------------------


@given(logits())
def test_softmax_is_a_distribution_even_for_huge_logits(x):
    p = F.softmax(x)
    assert p.shape == x.shape
    assert np.all(np.isfinite(p)) and np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    logp = F.log_softmax(x)
    assert np.all(np.isfinite(logp)) and np.all(logp <= 0)
    np.testing.assert_allclose(np.exp(logp), p, atol=1e-12)


@given(logits(np.float32))
def test_float32_logits_of_1e4_give_no_nan_or_inf(x):
    for f in (F.softmax, F.log_softmax, F.logsumexp):
        out = f(x)
        assert out.dtype == np.float32
        assert np.all(np.isfinite(out)), f.__name__
    d = labels_for(x)
    for loss in (F.softmax_cross_entropy, F.softmax_cross_entropy_grad):
        assert np.all(np.isfinite(loss(x, d))), loss.__name__
    assert np.isfinite(F.cross_entropy(F.softmax(x), d))


@given(logits())
def test_logsumexp_lies_between_max_and_max_plus_log_c(x):
    lse = F.logsumexp(x)
    m = x.max(axis=1)
    assert np.all(lse >= m - 1e-9)
    assert np.all(lse <= m + np.log(x.shape[1]) + 1e-9 * np.maximum(1, np.abs(m)))


@given(logits())
def test_softmax_cross_entropy_is_nonnegative_and_equals_minus_log_p(x):
    d = labels_for(x)
    loss = float(F.softmax_cross_entropy(x, d))
    assert np.isfinite(loss) and loss >= 0
    expected = -F.log_softmax(x)[np.arange(len(d)), d].mean()
    assert loss == pytest.approx(expected, rel=1e-12, abs=1e-12)


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_is_finite_in_unit_interval_and_symmetric(x):
    for dtype in (np.float64, np.float32):
        s = F.sigmoid(x.astype(dtype))
        assert s.dtype == dtype
        assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
        np.testing.assert_allclose(s + F.sigmoid(-x.astype(dtype)), 1.0, atol=1e-6)
    assert np.all(np.isfinite(F.sigmoid_prime(x)))
    logs = F.log_sigmoid(x)
    assert np.all(np.isfinite(logs)) and np.all(logs <= 0)
    np.testing.assert_allclose(np.exp(logs), F.sigmoid(x), atol=1e-15)


FUNCTIONS = [
    F.sigmoid,
    F.sigmoid_prime,
    F.tanh,
    F.tanh_prime,
    F.relu,
    F.relu_prime,
    F.log_sigmoid,
    F.softmax,
    F.log_softmax,
    F.logsumexp,
]


@given(logits(np.float32, low=-50, high=50))
def test_float32_agrees_with_float64(x):
    x64 = x.astype(np.float64)  # the same numbers, exactly
    for f in FUNCTIONS:
        np.testing.assert_allclose(f(x), f(x64), rtol=2e-5, atol=2e-6, err_msg=f.__name__)
    d = labels_for(x)
    for loss in (F.softmax_cross_entropy, F.softmax_cross_entropy_grad):
        np.testing.assert_allclose(loss(x, d), loss(x64, d), rtol=2e-5, atol=2e-6)


@FIXTURE_OK
@given(x=logits(low=-20, high=20))
def test_functions_keep_dtype_and_never_mutate_inputs(device, x):
    for dtype in (np.float32, np.float64):
        xd = backend.asarray(x.astype(dtype))
        before = host(xd).copy()
        d = backend.asarray(labels_for(x))
        outs = [f(xd) for f in FUNCTIONS]
        outs += [F.softmax_cross_entropy(xd, d), F.softmax_cross_entropy_grad(xd, d)]
        p = F.softmax(xd)
        p_before = host(p).copy()
        outs += [F.cross_entropy(p, d), F.cross_entropy_grad(p, d)]
        outs += [F.mse(xd, p), F.mse_grad(xd, p)]
        np.testing.assert_array_equal(host(xd), before)
        np.testing.assert_array_equal(host(p), p_before)
        for out in outs:
            assert out.dtype == dtype


# --- errors a reader can act on ----------------------------------------------------


def test_clear_errors():
    with pytest.raises(TypeError, match="labels must be integers"):
        F.one_hot(np.array([0.0, 1.0]), 3)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\).*from 0 to 3"):
        F.one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match=r"shape \(N,\)"):
        F.one_hot(np.zeros((2, 2), int), 3)
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"integer targets must have shape \(N,\) = \(4,\)"):
        F.softmax_cross_entropy(x, np.zeros(5, int))
    with pytest.raises(ValueError, match=r"one-hot targets must have shape \(N, K\) = \(4, 3\)"):
        F.cross_entropy(x + 1 / 3, np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        F.softmax_cross_entropy(x, np.array([0, 1, 2, -1]))
    with pytest.raises(ValueError, match=r"logits must have shape \(N, K\)"):
        F.softmax_cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"same shape; got y \(4, 3\) and d \(4, 2\)"):
        F.mse(x, np.zeros((4, 2)))
    with pytest.raises(TypeError, match="real array"):
        F.sigmoid(np.array([1j]))


# --- gradients, as properties ------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(x=logits(low=-30, high=30), one_hot=st.booleans())
def test_softmax_cross_entropy_grad_matches_finite_differences(x, one_hot):
    d = labels_for(x)
    if one_hot:
        d = F.one_hot(d, x.shape[1], dtype=np.float64)
    report = check_function(
        lambda z: F.softmax_cross_entropy(z, d), lambda z: F.softmax_cross_entropy_grad(z, d), x
    )
    # Absolute: where the model is confidently right the gradient is ~0 and the ratio is noise.
    assert report.worst.max_abs_error < 1e-6 or report.ok, str(report)


@settings(max_examples=40, deadline=None)
@given(x=logits(low=-6, high=6), pair=st.sampled_from(["sigmoid", "tanh", "log_sigmoid"]))
def test_activation_derivatives_match_finite_differences(x, pair):
    f, fprime = {
        "sigmoid": (F.sigmoid, F.sigmoid_prime),
        "tanh": (F.tanh, F.tanh_prime),
        "log_sigmoid": (F.log_sigmoid, lambda z: F.sigmoid(-z)),  # d/dz log σ(z) = σ(−z)
    }[pair]
    report = check_function(f, fprime, x)
    assert report.ok or report.worst.max_abs_error < 1e-8, str(report)
