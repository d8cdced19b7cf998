"""The perceptron (chapter 01): the step, the rule, convergence, cycling, Novikoff's bound."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import backend
from dlbook.perceptron import (
    Perceptron,
    augment,
    margin,
    mistake_bound,
    separable_data,
    step,
)
from dlbook.testing import FakeArray

X_GATES = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
}
XOR = np.array([0, 1, 1, 0])


def reference_fit(x, d, eta, epochs, orders):
    """The rule in plain Python floats, as the chapter writes it inline."""
    w = [0.0] * x.shape[1]
    b = 0.0
    mistakes = []
    for e in range(epochs):
        count = 0
        for i in orders[e]:
            z = sum(wj * xj for wj, xj in zip(w, x[i], strict=True)) + b
            y = 1.0 if z >= 0 else 0.0
            delta = d[i] - y
            w = [wj + eta * delta * xj for wj, xj in zip(w, x[i], strict=True)]
            b = b + eta * delta
            count += delta != 0
        mistakes.append(count)
    return np.array(w), b, mistakes


# --- step ------------------------------------------------------------------------------------


def test_step_fires_at_zero_and_keeps_dtype(device):
    z = backend.asarray(np.array([-1.0, -1e-30, -0.0, 0.0, 1e-30, 2.0], dtype=np.float32))
    y = step(z)
    assert backend.array_module(y) is device
    assert y.dtype == np.float32
    np.testing.assert_array_equal(backend.to_cpu(y), [0, 0, 1, 1, 1, 1])


def test_step_of_integers_gives_floats():
    assert step(np.array([-2, 0, 3])).dtype == np.float64


# --- learning --------------------------------------------------------------------------------


@pytest.mark.parametrize("gate", sorted(GATES))
def test_learns_the_separable_gates(device, gate):
    p = Perceptron(2, rng=1)
    history = p.fit(backend.asarray(X_GATES), backend.asarray(GATES[gate]), epochs=50)
    assert history.converged
    assert history.mistakes[-1] == 0
    pred = p.predict(backend.asarray(X_GATES))
    assert backend.array_module(pred) is device
    assert pred.dtype == np.int64
    np.testing.assert_array_equal(backend.to_cpu(pred), GATES[gate])
    assert p.accuracy(backend.asarray(X_GATES), backend.asarray(GATES[gate])) == 1.0


def test_fit_equals_the_plain_python_rule():
    x, d, _, _ = separable_data(40, 0.05, rng=3)
    p = Perceptron(2, eta=0.7, rng=11)
    h = p.fit(x, d, epochs=30, until_converged=False)
    w, b, mistakes = reference_fit(x, d, 0.7, len(h), h.order)
    assert h.mistakes == mistakes
    np.testing.assert_allclose(p.w, w, rtol=1e-12, atol=1e-12)
    assert float(p.b) == pytest.approx(b, abs=1e-12)


def test_fit_same_on_fake_device_as_on_numpy(device):
    x, d, _, _ = separable_data(30, 0.1, rng=5)
    ref = Perceptron(2, rng=2)
    h_ref = ref.fit(np.asarray(backend.to_cpu(x)), np.asarray(backend.to_cpu(d)), epochs=20)
    p = Perceptron(2, rng=2)
    h = p.fit(backend.asarray(backend.to_cpu(x)), backend.asarray(backend.to_cpu(d)), epochs=20)
    assert h.mistakes == h_ref.mistakes
    np.testing.assert_array_equal(h.w, h_ref.w)
    if device is not np:
        assert isinstance(p.w, FakeArray)


def test_history_shapes_and_record():
    x, d, _, _ = separable_data(25, 0.1, rng=0)
    p = Perceptron(2, rng=0)
    h = p.fit(x, d, epochs=40)
    n = len(h)
    assert h.epochs == list(range(1, n + 1))  # epoch numbers, as History.epochs
    assert h.w.shape == (n + 1, 2) and h.b.shape == (n + 1,)
    assert h.order.shape == (n, 25) and h.wrong.shape == (n, 25)
    assert h.wrong.sum(axis=1).tolist() == h.mistakes
    assert h.total_mistakes == sum(h.mistakes)
    np.testing.assert_array_equal(h.w[0], [0.0, 0.0])
    np.testing.assert_array_equal(h.w[-1], p.w)
    for row in h.order:  # each epoch presents every sample once
        assert sorted(row.tolist()) == list(range(25))
    assert "converged" in repr(h)


def test_fit_leaves_its_inputs_alone():
    x, d, _, _ = separable_data(20, 0.1, rng=1)
    x0, d0 = x.copy(), d.copy()
    Perceptron(2).fit(x, d, epochs=5)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(d, d0)


def test_unshuffled_order_is_the_given_order():
    p = Perceptron(2)
    h = p.fit(X_GATES, GATES["AND"], epochs=3, shuffle=False, until_converged=False)
    assert (h.order == np.arange(4)).all()


def test_xor_never_converges_and_the_weights_cycle():
    p = Perceptron(2)
    h = p.fit(X_GATES, XOR, epochs=200, shuffle=False)
    assert not h.converged
    assert min(h.mistakes) >= 1
    # From zero, in the fixed order, the state after epoch 2 repeats after every epoch.
    np.testing.assert_array_equal(h.w[2], [-1.0, 0.0])
    assert (h.w[2:] == h.w[2]).all() and (h.b[2:] == h.b[2]).all()


def test_xor_weights_stay_bounded_when_shuffled():
    p = Perceptron(2, rng=0)
    h = p.fit(X_GATES, XOR, epochs=500)
    assert not h.converged and min(h.mistakes) >= 1
    assert np.abs(h.w).max() <= 4 and np.abs(h.b).max() <= 4


def test_eta_only_scales_the_weights_from_zero():
    x, d, _, _ = separable_data(60, 0.02, rng=4)
    runs = {}
    for eta in (1.0, 0.01, 0.37, 25.0):
        p = Perceptron(2, eta=eta, rng=9)
        runs[eta] = (p.fit(x, d, epochs=200), p)
    h1, p1 = runs[1.0]
    for eta, (h, p) in runs.items():
        assert h.mistakes == h1.mistakes
        np.testing.assert_array_equal(h.wrong, h1.wrong)
        np.testing.assert_allclose(h.w / eta, h1.w, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(p.w / eta, p1.w, rtol=1e-9, atol=1e-12)


def test_continues_from_current_weights_and_reset():
    p = Perceptron(2)
    p.fit(X_GATES, GATES["OR"], epochs=10)
    w = p.w.copy()
    h = p.fit(X_GATES, GATES["OR"], epochs=10)
    assert h.mistakes == [0]  # already right
    np.testing.assert_array_equal(p.w, w)
    p.reset()
    assert not p.w.any() and float(p.b) == 0.0


def test_update_applies_the_rule_once():
    p = Perceptron(2, eta=0.5)
    assert p.update(np.array([1.0, 2.0]), 0) == -1  # z = 0 fires, target 0: a mistake
    np.testing.assert_array_equal(p.w, [-0.5, -1.0])
    assert float(p.b) == -0.5
    assert p.update(np.array([1.0, 2.0]), 0) == 0  # now right: no change
    np.testing.assert_array_equal(p.w, [-0.5, -1.0])


@pytest.mark.slow
def test_iris_setosa_versicolor_separable_versicolor_virginica_not(dlbook_home):
    from dlbook import datasets

    ds = datasets.load("iris")
    x = np.concatenate([ds.x_train, ds.x_test]).astype(np.float64)
    y = np.concatenate([ds.y_train, ds.y_test])
    sel = y < 2
    p = Perceptron(4, rng=0)
    assert p.fit(x[sel], y[sel], epochs=100).converged
    sel = y > 0
    p = Perceptron(4, rng=0)
    h = p.fit(x[sel], (y[sel] == 2).astype(int), epochs=300)
    assert not h.converged and min(h.mistakes) >= 1


# --- errors that say what to do ----------------------------------------------------------------


def test_bad_arguments_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="n_inputs"):
        Perceptron(0)
    with pytest.raises(TypeError, match="n_inputs"):
        Perceptron(2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eta"):
        Perceptron(2, eta=0.0)
    with pytest.raises(ValueError, match="eta"):
        Perceptron(2, eta=float("inf"))
    p = Perceptron(2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, D\).*x\[None, :\]"):
        p.predict(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="n_inputs=2"):
        p.predict(np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"d must hold only 0 and 1.*\(d \+ 1\) // 2"):
        p.fit(X_GATES, np.array([-1, 1, 1, -1]))
    with pytest.raises(ValueError, match=r"d must have shape \(4,\)"):
        p.fit(X_GATES, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="epochs"):
        p.fit(X_GATES, XOR, epochs=0)
    with pytest.raises(ValueError, match="x_i must have shape"):
        p.update(np.ones(3), 1)
    with pytest.raises(ValueError, match="d_i must be 0 or 1"):
        p.update(np.ones(2), 2)


# --- geometry ------------------------------------------------------------------------------------


def test_margin_by_hand():
    x = np.array([[2.0, 0.0], [0.0, 0.0], [3.0, 1.0]])
    d = np.array([1, 0, 1])
    assert margin(x, d, np.array([1.0, 0.0]), -1.0) == pytest.approx(1.0)
    assert margin(x, d, np.array([10.0, 0.0]), -10.0) == pytest.approx(1.0)  # scale-free
    assert margin(x, d, np.array([1.0, 0.0]), -2.5) == pytest.approx(-0.5)  # one point wrong
    with pytest.raises(ValueError, match="all zeros"):
        margin(x, d, np.zeros(2), 1.0)


def test_mistake_bound_by_hand():
    x = np.array([[1.0, 0.0], [-1.0, 0.0]])
    d = np.array([1, 0])
    mb = mistake_bound(x, d, np.array([1.0, 0.0]), 0.0)
    assert mb.R == pytest.approx(np.sqrt(2.0))
    assert mb.gamma == pytest.approx(1.0)
    assert mb.bound == pytest.approx(2.0)
    bad = mistake_bound(x, d, np.array([-1.0, 0.0]), 0.0)
    assert bad.gamma < 0 and bad.bound == float("inf")


def test_augment_appends_ones(device):
    xa = augment(backend.asarray(np.array([[1.0, 2.0], [3.0, 4.0]])))
    assert backend.array_module(xa) is device
    np.testing.assert_array_equal(backend.to_cpu(xa), [[1, 2, 1], [3, 4, 1]])


@pytest.mark.parametrize("band", [None, 0.1])
def test_separable_data_has_exactly_the_planted_margin(band):
    x, d, w, b = separable_data(80, 0.07, rng=2, band=band)
    assert x.shape == (80, 2) and d.shape == (80,)
    assert set(np.unique(d).tolist()) == {0, 1}
    assert np.linalg.norm(np.append(w, b)) == pytest.approx(1.0)
    assert mistake_bound(x, d, w, b).gamma == pytest.approx(0.07, abs=1e-12)
    if band is not None:
        scores = np.abs(augment(x) @ np.append(w, b))
        assert scores.max() <= 0.07 + 0.1 + 1e-12


def test_separable_data_refuses_impossible_margins():
    with pytest.raises(ValueError, match="gamma"):
        separable_data(10, 0.0)
    with pytest.raises(ValueError, match="band"):
        separable_data(10, 0.1, band=-1.0)


@settings(max_examples=25, deadline=None)
@given(
    gamma=st.floats(0.02, 0.3),
    seed=st.integers(0, 10_000),
    eta=st.sampled_from([0.1, 1.0, 7.0]),
    dim=st.integers(2, 4),
)
def test_novikoff_bound_holds(gamma, seed, eta, dim):
    """Mistakes from zero never exceed (R / γ)² for the planted separator."""
    x, d, w, b = separable_data(50, gamma, rng=seed, dim=dim, band=0.2)
    bound = mistake_bound(x, d, w, b).bound
    p = Perceptron(dim, eta=eta, rng=seed)
    h = p.fit(x, d, epochs=10_000)
    assert h.converged
    assert h.total_mistakes <= bound


def test_geometry_and_updates_run_on_the_device(device):
    """separable_data, margin, mistake_bound, update, predict and accuracy on one device."""
    x, d, w, b = separable_data(40, 0.1, rng=3)
    assert backend.array_module(x) is device and backend.array_module(d) is device
    m = margin(x, d, w, b)
    bound = mistake_bound(x, d, w, b)
    assert m == pytest.approx(0.1 / float(np.linalg.norm(backend.to_cpu(w))), rel=1e-9)
    assert bound.gamma == pytest.approx(0.1, rel=1e-9)
    p = Perceptron(2, rng=0)
    assert p.update(x[0], int(backend.to_cpu(d)[0])) in (-1, 0, 1)
    h = p.fit(x, d, epochs=1000)
    assert h.converged and h.total_mistakes <= bound.bound
    assert backend.array_module(p.predict(x)) is device
    assert p.accuracy(x, d) == 1.0
