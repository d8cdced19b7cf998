"""dlbook.gradcheck: the checker itself must find wrong gradients and say where."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend
from dlbook.gradcheck import (
    GradCheckReport,
    check_function,
    check_layer,
    check_model,
    numerical_gradient,
)
from dlbook.layers import Dense, Layer, ReLU, SoftmaxCrossEntropy

SEED = 7
RNG = np.random.default_rng(SEED)  # replaced before every test by _fresh_rng


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws from its own generator, seeded alike: data never depend on test order."""
    global RNG
    RNG = np.random.default_rng(SEED)


def host(a):
    return backend.to_cpu(a)


class Model:
    """A stand-in for network.Sequential: just ``layers`` and ``loss``."""

    def __init__(self, layers, loss):
        self.layers = layers
        self.loss = loss


class Square(Layer):
    """y = x², with a switchable bug in backward."""

    def __init__(self, bug=None):
        super().__init__()
        self.bug = bug
        self.x = None

    def forward(self, x, train=False):
        if self.bug == "mutate x":
            x *= 1.0
            x[0, 0] += 1.0
        self.x = x
        return x * x

    def backward(self, dout):
        if self.bug == "mutate dout":
            dout *= 2 * self.x
            return dout
        dx = 2 * self.x * dout
        if self.bug == "one element":
            dx[1, 2] += 0.01
        return dx


class BrokenDense(Dense):
    """A Dense layer that forgets to transpose x in dW (for square shapes it still runs)."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["W"][...] = self.x @ dout  # wrong: should be x.T @ dout
        return dx


def test_numerical_gradient_of_a_known_function(device):
    x = backend.asarray(RNG.normal(size=(3, 4)))
    before = host(x).copy()
    g = numerical_gradient(lambda a: (a**3).sum(), x)
    np.testing.assert_allclose(host(g), 3 * before**2, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(host(x), before)  # restored exactly
    assert backend.array_module(g) is device


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.arange(4.0)
    calls = []

    def f(a):
        calls.append(a.copy())
        if len(calls) == 2:
            raise RuntimeError("boom")
        return a.sum()

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, np.arange(4.0))
    assert calls[0][0] != 0.0  # it had been changed


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="x must be a float64 array.*got float32.*astype"):
        numerical_gradient(lambda a: a.sum(), np.zeros(3, np.float32))


def test_a_correct_layer_passes_and_a_wrong_one_fails_at_the_right_place(device):
    x = backend.asarray(RNG.uniform(0.5, 2.0, (3, 4)))
    assert check_layer(Square(), x).ok
    report = check_layer(Square(bug="one element"), x)
    assert not report.ok
    assert report.worst.name == "x" and report.worst.worst_index == (1, 2)
    assert report.worst.max_abs_error == pytest.approx(0.01, rel=1e-3)


def test_a_wrong_parameter_gradient_is_named(device):
    x = backend.asarray(RNG.normal(size=(4, 4)))
    report = check_layer(BrokenDense(4, 4), x)
    assert not report.ok
    assert report.worst.name == "W"
    assert report["b"].rel_error < 1e-6 and report["x"].rel_error < 1e-6
    assert set(report.errors) == {"x", "W", "b"}
    text = str(report)
    assert "FAILED" in text and "W" in text and "worst: W at" in text


def test_mutating_inputs_is_reported(device):
    x = backend.asarray(RNG.uniform(0.5, 2.0, (3, 4)))
    before = host(x).copy()
    report = check_layer(Square(bug="mutate dout"), x)
    assert "backward modified dout in place" in report.problems and not report.ok
    report = check_layer(Square(bug="mutate x"), x)
    assert "forward modified its input x in place" in report.problems and not report.ok
    np.testing.assert_array_equal(host(x), before)  # the check worked on a copy of x


def test_check_layer_works_on_a_float64_copy_and_leaves_the_layer_alone(device):
    layer = Dense(3, 2)
    W = host(layer.params["W"]).copy()
    x = backend.asarray(RNG.normal(size=(4, 3)).astype(np.float32))
    report = check_layer(layer, x)
    assert report.ok, report
    assert layer.params["W"].dtype == np.float32 and layer.x is None
    np.testing.assert_array_equal(host(layer.params["W"]), W)
    assert report.max_rel_error < 1e-6  # float64 accuracy, from a float32 layer


def test_report_fields_and_table():
    report = check_layer(Dense(3, 2), RNG.normal(size=(4, 3)))
    assert isinstance(report, GradCheckReport)
    assert report.max_rel_error == max(report.errors.values())
    assert report.worst.rel_error == report.max_rel_error
    assert report["W"].shape == (3, 2)
    text = str(report)
    assert text.startswith("gradient check of Dense(in_features=3")
    assert "passed: max relative error" in text
    with pytest.raises(KeyError, match="checked"):
        report["Q"]


def test_check_model_finds_the_broken_layer(device):
    y = backend.asarray(np.array([0, 1, 2, 1]))
    x = backend.asarray(RNG.normal(size=(4, 4)))
    good = Model([Dense(4, 4, rng=1), ReLU(), Dense(4, 3, rng=2)], SoftmaxCrossEntropy())
    report = check_model(good, x, y)
    assert report.ok, report
    bad = Model([BrokenDense(4, 4, rng=1), ReLU(), Dense(4, 3, rng=2)], SoftmaxCrossEntropy())
    report = check_model(bad, x, y)
    assert not report.ok
    assert report.worst.name == "layers[0].W (BrokenDense)"
    assert report["layers[2].W (Dense)"].rel_error < 1e-6


def test_check_model_needs_a_loss():
    with pytest.raises(ValueError, match="model.loss is None"):
        check_model(Model([Dense(2, 2)], None), np.zeros((1, 2)), np.zeros(1, int))


def test_check_function_scalar_and_elementwise_and_shape_error():
    x = RNG.normal(size=(3, 2))
    assert check_function(lambda a: (a**2).sum() / 2, lambda a: a, x).ok
    assert check_function(np.sin, np.cos, x).ok
    assert not check_function(np.sin, np.sin, x).ok
    with pytest.raises(ValueError, match=r"f\(x\) has shape \(3,\), neither a scalar"):
        check_function(lambda a: a.sum(axis=1), lambda a: a, x)
    with pytest.raises(TypeError, match="x must be an array"):
        check_function(np.sin, np.cos, [1.0, 2.0])


class Lookup(Layer):
    """A tiny embedding: integer indices (N,) -> rows of E (N, D); optionally a wrong dE."""

    def __init__(self, bug=False):
        super().__init__()
        self.params = {"E": RNG.normal(size=(5, 3))}
        self.grads = {"E": np.zeros((5, 3))}
        self.bug = bug
        self.idx = None

    def forward(self, idx, train=False):
        self.idx = idx
        return self.params["E"][idx]

    def backward(self, dout):
        self.grads["E"][...] = 0
        if self.bug:
            self.grads["E"][self.idx] += dout  # wrong for repeated indices: += on a gather
        else:
            np.add.at(self.grads["E"], self.idx, dout)
        return None  # indices have no gradient


def test_integer_input_checks_only_the_parameters():
    idx = np.array([0, 2, 2, 4])  # index 2 twice
    report = check_layer(Lookup(), idx)
    assert report.ok and [e.name for e in report.entries] == ["E"]
    bad = check_layer(Lookup(bug=True), idx)
    assert not bad.ok and bad.worst.worst_index[0] == 2
    model = Model([Lookup(), ReLU()], SoftmaxCrossEntropy())
    report = check_model(model, idx, np.array([0, 1, 2, 0]))
    assert report.ok and [e.name for e in report.entries] == ["layers[0].E (Lookup)"]
