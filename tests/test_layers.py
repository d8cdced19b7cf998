"""dlbook.layers: gradients, shapes, dtypes, buffers, Dropout statistics, config and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlbook import backend
from dlbook import functions as F
from dlbook.gradcheck import check_function, check_layer, check_model
from dlbook.layers import (
    LAYERS,
    Dense,
    Dropout,
    Flatten,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
    from_config,
)

SEED = 2024
RNG = np.random.default_rng(SEED)  # replaced before every test by _fresh_rng


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws from its own generator, seeded alike: data never depend on test order."""
    global RNG
    RNG = np.random.default_rng(SEED)


FIXTURE_OK = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=30
)


def host(a):
    return backend.to_cpu(a)


def batch(*shape, low=-2.0, high=2.0, dtype=np.float64):
    """A device batch with no entry within 1e-3 of 0 (ReLU's kink)."""
    x = RNG.uniform(low, high, shape)
    x[np.abs(x) < 1e-3] = 0.5
    return backend.asarray(x.astype(dtype))


class Model:
    """A stand-in for network.Sequential: just ``layers`` and ``loss``."""

    def __init__(self, layers, loss):
        self.layers = layers
        self.loss = loss


def all_layers():
    return [Dense(4, 3), Sigmoid(), Tanh(), ReLU(), Dropout(0.3), Flatten()]


# --- gradients -----------------------------------------------------------------------


MAKERS = {
    "Dense he": lambda: Dense(4, 3),
    "Dense xavier": lambda: Dense(4, 3, init="xavier"),
    "Dense 0.3": lambda: Dense(4, 3, init=0.3),
    "Sigmoid": Sigmoid,
    "Tanh": Tanh,
    "ReLU": ReLU,
    "Flatten": Flatten,
}


@pytest.mark.parametrize("name", MAKERS)
def test_every_layer_passes_the_gradient_check(device, name):
    layer = MAKERS[name]()  # made on the device under test
    report = check_layer(layer, batch(5, 4))
    assert report.ok, report
    assert {e.name for e in report.entries} == {"x", *layer.params}


@pytest.mark.parametrize("train", [False, True])
def test_dropout_passes_the_gradient_check_with_a_fixed_mask(device, train):
    layer = Dropout(0.4, rng=1)
    x = batch(6, 5)
    report = check_layer(layer, x, train=train)
    assert report.ok, report
    if train:  # the check really ran with units dropped
        layer.forward(x, train=True)
        assert 0 < float((layer.mask == 0).sum()) < 30


def test_flatten_of_images_passes_the_gradient_check(device):
    report = check_layer(Flatten(), batch(2, 3, 2, 2))
    assert report.ok, report


def test_softmax_cross_entropy_layer_gradient(device):
    scores = batch(5, 4, low=-3, high=3)
    labels = backend.asarray(RNG.integers(0, 4, 5))
    for targets in (labels, F.one_hot(labels, 4, dtype=np.float64)):
        loss = SoftmaxCrossEntropy()

        def grad(s, loss=loss, targets=targets):
            loss.forward(s, targets)
            return loss.backward()

        report = check_function(
            lambda s, loss=loss, targets=targets: loss.forward(s, targets), grad, scores
        )
        assert report.ok, report


def test_a_whole_model_passes_the_gradient_check(device):
    layers = [
        Flatten(),
        Dense(6, 5, rng=1),
        Tanh(),
        Dropout(0.3, rng=2),
        Dense(5, 4, rng=3),
        Sigmoid(),
        Dense(4, 3, rng=4),
        ReLU(),
    ]
    model = Model(layers, SoftmaxCrossEntropy())
    y = backend.asarray(RNG.integers(0, 3, 4))
    report = check_model(model, batch(4, 2, 3), y, train=True)
    assert report.ok, report
    assert len(report.entries) == 1 + 6  # x and W, b of three Dense layers


def test_layer_gradients_agree_with_the_function_derivatives(device):
    z = batch(3, 4)
    dout = batch(3, 4)
    for layer, fprime in (
        (Sigmoid(), F.sigmoid_prime),
        (Tanh(), F.tanh_prime),
        (ReLU(), F.relu_prime),
    ):
        layer.forward(z)
        np.testing.assert_allclose(host(layer.backward(dout)), host(fprime(z) * dout), rtol=1e-12)


# --- shapes, dtypes and the in-place contract -------------------------------------------


@FIXTURE_OK
@given(n=st.integers(1, 9), d=st.integers(1, 9), k=st.integers(1, 9))
def test_dense_shapes(device, n, d, k):
    layer = Dense(d, k, rng=n)
    x = batch(n, d, dtype=np.float32)
    y = layer.forward(x, train=True)
    assert y.shape == (n, k) and y.dtype == np.float32
    dx = layer.backward(batch(n, k, dtype=np.float32))
    assert dx.shape == (n, d) and dx.dtype == np.float32
    for key, p in layer.params.items():
        assert layer.grads[key].shape == p.shape and layer.grads[key].dtype == np.float32
    assert backend.array_module(y, dx, *layer.grads.values()) is device


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layers_keep_dtype_and_never_mutate_inputs(device, dtype):
    for layer in all_layers():
        layer = layer.astype(dtype)
        x = batch(5, 4, dtype=dtype)
        x_before = host(x).copy()
        y = layer.forward(x, train=True)
        dout = batch(*y.shape, dtype=dtype)
        dout_before = host(dout).copy()
        dx = layer.backward(dout)
        np.testing.assert_array_equal(host(x), x_before, err_msg=repr(layer))
        np.testing.assert_array_equal(host(dout), dout_before, err_msg=repr(layer))
        assert y.dtype == dtype and dx.dtype == dtype, repr(layer)
        assert dx.shape == x.shape


def test_gradients_are_written_in_place(device):
    layer = Dense(4, 3)
    grads = dict(layer.grads)  # the optimiser's references
    layer.forward(batch(5, 4, dtype=np.float32))
    layer.backward(batch(5, 3, dtype=np.float32))
    for key, g in layer.grads.items():
        assert g is grads[key]
        assert float(abs(g).sum()) > 0


def test_a_second_forward_does_not_corrupt_kept_outputs(device):
    """Outputs are fresh arrays: a later forward never overwrites one still in use."""
    for layer in all_layers():
        y1 = layer.forward(batch(5, 4, dtype=np.float32), train=True)
        kept = host(y1).copy()
        layer.forward(batch(5, 4, dtype=np.float32), train=True)
        np.testing.assert_array_equal(host(y1), kept, err_msg=repr(layer))
    # In a network, Dense keeps the ReLU's output as its input: running the ReLU on
    # another batch (as evaluation in the middle of a step would) must not change it.
    relu, dense = ReLU(), Dense(4, 3)
    dense.forward(relu.forward(batch(5, 4, dtype=np.float32)))
    dout = batch(5, 3, dtype=np.float32)
    dense.backward(dout)
    expected = host(dense.grads["W"]).copy()
    relu.forward(batch(5, 4, dtype=np.float32))
    dense.backward(dout)
    np.testing.assert_array_equal(host(dense.grads["W"]), expected)


def test_needs_input_grad_false_skips_dx_but_fills_grads(device):
    layer = Dense(4, 3)
    layer.needs_input_grad = False
    layer.forward(batch(5, 4, dtype=np.float32))
    assert layer.backward(batch(5, 3, dtype=np.float32)) is None
    assert float(abs(layer.grads["W"]).sum()) > 0


def test_dense_converts_other_float_precision_to_its_own(device):
    layer = Dense(4, 3)
    assert layer.forward(batch(2, 4, dtype=np.float64)).dtype == np.float32


def test_float32_agrees_with_float64(device):
    layers = [Dense(4, 3), Sigmoid(), Tanh(), ReLU(), Flatten()]
    for layer in layers:
        x = batch(5, 4, dtype=np.float32)
        wide = layer.astype(np.float64)
        y32 = layer.forward(x)
        y64 = wide.forward(x.astype(np.float64))
        np.testing.assert_allclose(host(y32), host(y64), rtol=1e-5, atol=1e-6)
        dout = batch(*y32.shape, dtype=np.float32)
        np.testing.assert_allclose(
            host(layer.backward(dout)),
            host(wide.backward(dout.astype(np.float64))),
            rtol=1e-5,
            atol=1e-6,
        )


def test_astype_is_an_independent_copy(device):
    layer = Dense(4, 3)
    layer.forward(batch(2, 4, dtype=np.float32))
    wide = layer.astype(np.float64)
    assert wide.params["W"].dtype == np.float64 and wide.grads["W"].dtype == np.float64
    assert wide.x is None  # kept values are dropped
    np.testing.assert_allclose(host(wide.params["W"]), host(layer.params["W"]))
    wide.params["W"][...] = 0
    assert float(abs(layer.params["W"]).sum()) > 0
    assert wide.config()["dtype"] == "float64" and layer.config()["dtype"] == "float32"


def test_astype_copies_the_dropout_generator_with_its_state(device):
    layer = Dropout(0.5, rng=7)
    twin = layer.astype(np.float32)
    x = batch(4, 6, dtype=np.float32)
    a = host(layer.forward(x, train=True))
    b = host(twin.forward(x, train=True))
    np.testing.assert_array_equal(a, b)  # the same state: the same mask
    c = host(layer.forward(x, train=True))
    assert not np.array_equal(a, c)  # and each call draws a new mask


# --- Dropout ----------------------------------------------------------------------------


def test_dropout_is_the_identity_at_test_time(device):
    x = batch(3, 4)
    layer = Dropout(0.5)
    assert layer.forward(x) is x
    dout = batch(3, 4)
    assert layer.backward(dout) is dout


@FIXTURE_OK
@given(p=st.floats(0.0, 0.9))
def test_dropout_drops_a_fraction_p_and_preserves_the_mean(device, p):
    n = 40_000
    layer = Dropout(p, rng=3)
    x = backend.ones((200, n // 200), np.float32)
    y = host(layer.forward(x, train=True))
    dropped = float((y == 0).mean())
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / n) + 1e-12
    kept = y[y != 0]
    np.testing.assert_allclose(kept, 1 / (1 - p), rtol=1e-6)  # inverted dropout scale
    sd_mean = np.sqrt(p / (1 - p) / n)  # sd of the mean of n masks with E = 1
    assert abs(y.mean() - 1.0) < 5 * sd_mean + 1e-6
    dx = host(layer.backward(backend.ones(x.shape, np.float32)))
    np.testing.assert_array_equal(dx, y)  # the same mask backward


def test_dropout_masks_are_reproducible_from_the_seed(device):
    x = backend.ones((10, 10), np.float32)
    a = host(Dropout(0.5, rng=11).forward(x, train=True))
    b = host(Dropout(0.5, rng=11).forward(x, train=True))
    c = host(Dropout(0.5, rng=12).forward(x, train=True))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# --- Dense initialisation ------------------------------------------------------------------


def test_he_and_xavier_initialisation_have_the_stated_variance():
    fan_in, fan_out = 400, 300
    W = Dense(fan_in, fan_out, init="he").params["W"]
    assert W.std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.01)
    assert abs(W.mean()) < 0.01 * W.std()
    W = Dense(fan_in, fan_out, init="xavier").params["W"]
    a = np.sqrt(6 / (fan_in + fan_out))
    assert np.abs(W).max() <= a
    assert np.abs(W).max() > 0.99 * a  # uniform: it fills the interval
    assert W.var() == pytest.approx(2 / (fan_in + fan_out), rel=0.02)
    W = Dense(fan_in, fan_out, init=0.05).params["W"]
    assert W.std() == pytest.approx(0.05, rel=0.01)
    assert not Dense(3, 2).params["b"].any()


def test_initialisation_is_reproducible_and_the_same_in_every_dtype(device):
    a = host(Dense(5, 4, rng=3).params["W"])
    b = host(Dense(5, 4, rng=3).params["W"])
    c = host(Dense(5, 4, rng=4).params["W"])
    d = host(Dense(5, 4, rng=3, dtype=np.float64).params["W"])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_allclose(a, d, rtol=1e-6)
    assert backend.array_module(Dense(2, 2).params["W"]) is device


# --- the loss layer --------------------------------------------------------------------


def test_softmax_cross_entropy_layer_matches_the_functions(device):
    scores = batch(6, 5, low=-4, high=4, dtype=np.float32)
    labels = backend.asarray(RNG.integers(0, 5, 6))
    for targets in (labels, F.one_hot(labels, 5)):
        loss = SoftmaxCrossEntropy()
        value = loss.forward(scores, targets)
        assert value.dtype == np.float32 and value.shape == ()
        assert float(value) == pytest.approx(
            float(F.softmax_cross_entropy(scores, targets)), rel=1e-6
        )
        dscores = loss.backward()
        assert dscores.dtype == np.float32
        expected = host(F.softmax_cross_entropy_grad(scores, targets))
        np.testing.assert_allclose(host(dscores), expected, rtol=1e-6, atol=1e-7)


def test_softmax_cross_entropy_layer_is_stable_for_huge_scores(device):
    scores = backend.asarray(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], np.float32))
    loss = SoftmaxCrossEntropy()
    value = float(loss.forward(scores, backend.asarray(np.array([1, 2]))))
    assert np.isfinite(value) and value == pytest.approx((2e4 + np.log(2)) / 2, rel=1e-6)
    assert np.all(np.isfinite(host(loss.backward())))


# --- config, from_config, set_params ---------------------------------------------------------


def test_config_round_trips_through_json(device):
    for layer in [*all_layers(), Dense(4, 3, init=0.1, dtype=np.float64), SoftmaxCrossEntropy()]:
        name, config = type(layer).__name__, json.loads(json.dumps(layer.config()))
        again = from_config(name, config)
        assert type(again) is type(layer) and again.config() == layer.config()
        assert repr(again) == repr(layer)
    assert set(LAYERS) >= {"Dense", "ReLU", "Sigmoid", "Tanh", "Dropout", "Flatten"}


def test_set_params_copies_in_place_and_accepts_host_arrays(device):
    layer = Dense(3, 2)
    W = layer.params["W"]
    layer.set_params({"W": np.arange(6.0).reshape(3, 2), "b": np.array([1.0, 2.0])})
    assert layer.params["W"] is W and W.dtype == np.float32
    np.testing.assert_array_equal(host(W), np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match=r"W must have shape \(3, 2\); got shape \(2, 3\)"):
        layer.set_params({"W": np.zeros((2, 3)), "b": np.zeros(2)})
    with pytest.raises(ValueError, match=r"expected keys \['W', 'b'\]"):
        layer.set_params({"W": np.zeros((3, 2))})


# --- errors a reader can act on ------------------------------------------------------------


def test_dense_errors_name_the_layer_the_argument_and_the_shapes():
    layer = Dense(4, 2)
    with pytest.raises(
        ValueError, match=r"Dense: input has 3 features, layer expects 4 \(in_features\)"
    ):
        layer.forward(np.zeros((5, 3), np.float32))
    with pytest.raises(ValueError, match=r"shape \(N, in_features\).*Flatten"):
        layer.forward(np.zeros((5, 2, 2), np.float32))
    with pytest.raises(TypeError, match="Dense: input must be a float array; got dtype int64"):
        layer.forward(np.zeros((5, 4), np.int64))
    with pytest.raises(TypeError, match="must be an array; got list"):
        layer.forward([[0.0] * 4])
    with pytest.raises(RuntimeError, match="call forward first"):
        Dense(4, 2).backward(np.zeros((5, 2), np.float32))
    layer.forward(np.zeros((5, 4), np.float32))
    with pytest.raises(
        ValueError, match=r"dout must have the shape of the output \(5, 2\); got shape \(5, 3\)"
    ):
        layer.backward(np.zeros((5, 3), np.float32))


def test_constructor_errors():
    with pytest.raises(ValueError, match="init must be 'he', 'xavier' or a standard deviation"):
        Dense(4, 2, init="glorot")
    with pytest.raises(ValueError, match="init must be"):
        Dense(4, 2, init=-1.0)
    with pytest.raises(ValueError, match="in_features must be an int >= 1; got 0"):
        Dense(0, 2)
    with pytest.raises(TypeError, match="dtype must be a float type"):
        Dense(4, 2, dtype=np.int32)
    for p in (-0.1, 1.0, 1.5, True, "0.5"):
        with pytest.raises(ValueError, match=r"Dropout: p .* must be in \[0, 1\)"):
            Dropout(p)
    with pytest.raises(ValueError, match="unknown layer 'Conv9D'"):
        from_config("Conv9D", {})


def test_activation_and_loss_errors():
    for layer in (Sigmoid(), Tanh(), ReLU(), Dropout(), Flatten()):
        with pytest.raises(TypeError, match=f"{type(layer).__name__}: input must be a float array"):
            layer.forward(np.zeros((2, 2), np.int32))
        with pytest.raises((RuntimeError, TypeError)):
            layer.backward(None)
    loss = SoftmaxCrossEntropy()
    with pytest.raises(
        ValueError, match=r"SoftmaxCrossEntropy: integer targets must have shape \(N,\) = \(3,\)"
    ):
        loss.forward(np.zeros((3, 2), np.float32), np.zeros(4, int))
    with pytest.raises(ValueError, match=r"scores must have shape \(N, K\)"):
        loss.forward(np.zeros(3, np.float32), np.zeros(3, int))
    with pytest.raises(RuntimeError, match="call forward first"):
        SoftmaxCrossEntropy().backward()


def test_mixing_host_input_with_a_device_layer_is_a_clear_error():
    from dlbook.testing import fake_device

    with fake_device():
        layer = Dense(4, 2)
        with pytest.raises(TypeError, match="different devices"):
            layer.forward(np.zeros((1, 4), np.float32))


# --- gradients, as properties ------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 6),
    d=st.integers(1, 6),
    k=st.integers(1, 6),
    init=st.sampled_from(["he", "xavier", 0.5]),
    seed=st.integers(0, 2**16),
)
def test_dense_gradient_check_for_any_shape(n, d, k, init, seed):
    layer = Dense(d, k, init=init, rng=seed)
    layer.set_params({"W": layer.params["W"], "b": RNG.normal(size=k)})
    report = check_layer(layer, batch(n, d), seed=seed)
    assert report.ok, str(report)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 4)),
    name=st.sampled_from(["Sigmoid", "Tanh", "ReLU", "Flatten"]),
)
def test_activation_layers_gradient_check_for_any_shape(shape, name):
    layer = MAKERS[name]()
    report = check_layer(layer, batch(*shape))  # 3-D input: elementwise layers take any shape
    assert report.ok, str(report)


def test_float64_one_hot_targets_do_not_upcast_float32_scores(device):
    scores = batch(4, 3, dtype=np.float32)
    targets = F.one_hot(backend.asarray(np.array([0, 2, 1, 1])), 3, dtype=np.float64)
    loss = SoftmaxCrossEntropy()
    assert loss.forward(scores, targets).dtype == np.float32
    assert loss.backward().dtype == np.float32
