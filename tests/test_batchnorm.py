"""BatchNorm (chapter 04): gradient checks in both modes, the statistics it keeps, its errors,
its running statistics through Sequential.save/load (and a file saved without them), and
PyTorch's BatchNorm1d with the same parameters (skipped without PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend
from dlbook.gradcheck import check_layer
from dlbook.layers import LAYERS, BatchNorm, Dense, ReLU, SoftmaxCrossEntropy, from_config
from dlbook.network import Sequential

SEED = 14
RNG = np.random.default_rng(SEED)  # replaced before every test by _fresh_rng


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws from its own generator, seeded alike: data never depend on test order."""
    global RNG
    RNG = np.random.default_rng(SEED)


def batch(*shape, dtype=np.float64):
    return backend.asarray((RNG.normal(size=shape) * 3 + 1).astype(dtype))


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_passes_the_gradient_check(device, train):
    layer = BatchNorm(4)
    layer.set_params({"gamma": np.array([1.5, -0.5, 2.0, 0.7]), "beta": np.array([0.1, 0, -1, 2])})
    layer.forward(batch(16, 4), train=True)  # running statistics away from 0 and 1
    report = check_layer(layer, batch(6, 4), train=train)
    assert report.ok, report
    assert {e.name for e in report.entries} == {"x", "gamma", "beta"}


def test_training_output_is_standardised_then_scaled_and_shifted(device):
    layer = BatchNorm(3, dtype=np.float64)
    layer.set_params({"gamma": np.array([2.0, 1.0, 0.5]), "beta": np.array([-1.0, 0.0, 3.0])})
    y = backend.to_cpu(layer.forward(batch(200, 3), train=True))
    np.testing.assert_allclose(y.mean(axis=0), [-1.0, 0.0, 3.0], atol=1e-10)
    np.testing.assert_allclose(y.std(axis=0), [2.0, 1.0, 0.5], rtol=1e-5)


def test_running_statistics_follow_the_momentum_rule_with_the_unbiased_variance(device):
    layer = BatchNorm(2, momentum=0.25, dtype=np.float64)
    x = batch(8, 2)
    layer.forward(x, train=True)
    xh = backend.to_cpu(x)
    np.testing.assert_allclose(backend.to_cpu(layer.buffers["running_mean"]), 0.25 * xh.mean(0))
    expected_var = 0.75 * 1.0 + 0.25 * xh.var(axis=0, ddof=1)
    np.testing.assert_allclose(backend.to_cpu(layer.buffers["running_var"]), expected_var)


def test_test_mode_uses_the_running_statistics_and_leaves_them_alone(device):
    layer = BatchNorm(2, dtype=np.float64)
    for _ in range(5):
        layer.forward(batch(10, 2), train=True)
    mean = backend.to_cpu(layer.buffers["running_mean"]).copy()
    var = backend.to_cpu(layer.buffers["running_var"]).copy()
    x = batch(3, 2)
    y = backend.to_cpu(layer.forward(x))
    np.testing.assert_allclose(y, (backend.to_cpu(x) - mean) / np.sqrt(var + 1e-5))
    np.testing.assert_array_equal(backend.to_cpu(layer.buffers["running_mean"]), mean)


def test_inputs_are_not_modified_and_dtype_is_kept(device):
    layer = BatchNorm(3)
    x = batch(5, 3, dtype=np.float32)
    x0 = backend.to_cpu(x).copy()
    y = layer.forward(x, train=True)
    dout = batch(5, 3, dtype=np.float32)
    d0 = backend.to_cpu(dout).copy()
    dx = layer.backward(dout)
    assert y.dtype == dx.dtype == np.float32
    np.testing.assert_array_equal(backend.to_cpu(x), x0)
    np.testing.assert_array_equal(backend.to_cpu(dout), d0)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(0)
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm(3, momentum=0.0)
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        BatchNorm(3).forward(np.zeros((4, 2), np.float32))
    with pytest.raises(ValueError, match="at least 2"):
        BatchNorm(3).forward(np.zeros((1, 3), np.float32), train=True)


def test_batchnorm_is_in_the_layer_table():
    layer = BatchNorm(5, momentum=0.2)
    again = from_config("BatchNorm", layer.config())
    assert LAYERS["BatchNorm"] is BatchNorm and again.config() == layer.config()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batchnorm_matches_torch_batchnorm1d(dtype):
    torch = pytest.importorskip(
        "torch", reason="PyTorch not installed (pip install 'dlbook[bench]'); comparison skipped"
    )
    tol = {"rtol": 1e-9, "atol": 1e-11} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-5}
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    layer = BatchNorm(4, momentum=0.1, eps=1e-5, dtype=dtype)
    gamma, beta = RNG.normal(size=4), RNG.normal(size=4)
    layer.set_params({"gamma": gamma, "beta": beta})
    bn = torch.nn.BatchNorm1d(4, momentum=0.1, eps=1e-5).to(tdtype)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma.astype(dtype)))
        bn.bias.copy_(torch.from_numpy(beta.astype(dtype)))
    bn.train()
    for step in range(3):
        x = (RNG.normal(size=(9, 4)) * 2 + step).astype(dtype)
        dout = RNG.normal(size=(9, 4)).astype(dtype)
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        bn.zero_grad()
        yt = bn(xt)
        yt.backward(torch.from_numpy(dout))
        y = layer.forward(x, train=True)
        dx = layer.backward(dout)
        np.testing.assert_allclose(y, yt.detach().numpy(), **tol)
        np.testing.assert_allclose(dx, xt.grad.numpy(), **tol)
        np.testing.assert_allclose(layer.grads["gamma"], bn.weight.grad.numpy(), **tol)
        np.testing.assert_allclose(layer.grads["beta"], bn.bias.grad.numpy(), **tol)
    np.testing.assert_allclose(layer.buffers["running_mean"], bn.running_mean.numpy(), **tol)
    np.testing.assert_allclose(layer.buffers["running_var"], bn.running_var.numpy(), **tol)
    bn.eval()
    x = RNG.normal(size=(5, 4)).astype(dtype)
    np.testing.assert_allclose(layer.forward(x), bn(torch.from_numpy(x)).detach().numpy(), **tol)


def bn_model() -> Sequential:
    return Sequential(
        [Dense(4, 6, rng=1), BatchNorm(6), ReLU(), Dense(6, 3, rng=2)], loss=SoftmaxCrossEntropy()
    )


def trained_bn_model() -> Sequential:
    """A model whose running statistics are far from their start (mean 0, variance 1)."""
    model = bn_model()
    x = backend.asarray((RNG.normal(size=(60, 4)) * 3 + 2).astype(np.float32))
    y = backend.asarray(RNG.integers(0, 3, size=60))
    model.fit(x, y, epochs=3, batch_size=20, rng=0, progress=False)
    return model


def eval_outputs(model: Sequential, x) -> np.ndarray:
    return backend.to_cpu(model.forward(x, train=False))


def test_running_statistics_survive_save_and_load(device, tmp_path):
    model = trained_bn_model()
    bn = model.layers[1]
    assert not np.allclose(backend.to_cpu(bn.buffers["running_mean"]), 0.0)
    x = backend.asarray((RNG.normal(size=(7, 4)) * 3 + 2).astype(np.float32))
    path = model.save(tmp_path / "bn.npz")
    with np.load(path) as data:
        assert {"layers.1.running_mean", "layers.1.running_var"} <= set(data.files)
    loaded = Sequential.load(path)
    for key, value in bn.buffers.items():
        np.testing.assert_array_equal(
            backend.to_cpu(loaded.layers[1].buffers[key]), backend.to_cpu(value)
        )
    np.testing.assert_array_equal(eval_outputs(loaded, x), eval_outputs(model, x))
    fresh = bn_model().load_weights(path)  # into a model built in code
    np.testing.assert_array_equal(eval_outputs(fresh, x), eval_outputs(model, x))


def test_a_file_saved_without_running_statistics_loads_with_a_warning(tmp_path):
    model = trained_bn_model()
    path = model.save(tmp_path / "new.npz")
    old = tmp_path / "old.npz"  # as the dlbook before this change wrote it: parameters only
    with np.load(path) as data:
        np.savez(old, **{k: data[k] for k in data.files if "running" not in k})
    with pytest.warns(UserWarning, match=r"layers\[1\] \(BatchNorm\) running_mean.*train=True"):
        loaded = Sequential.load(old)
    np.testing.assert_array_equal(loaded.layers[1].buffers["running_mean"], np.zeros(6))
    np.testing.assert_array_equal(loaded.layers[1].buffers["running_var"], np.ones(6))
    for a, b in zip(loaded.params, model.params, strict=True):  # the weights still load
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
    with pytest.warns(UserWarning, match="older dlbook"):
        bn_model().load_weights(old)


def test_running_statistics_of_the_wrong_shape_are_refused(tmp_path):
    path = bn_model().save(tmp_path / "bn.npz")
    bad = tmp_path / "bad.npz"
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["layers.1.running_var"] = np.ones(5, np.float32)
    np.savez(bad, **arrays)
    with pytest.raises(ValueError, match=r"layers\.1\.running_var has shape \(5,\)"):
        Sequential.load(bad)


def test_early_stopping_restores_the_running_statistics_of_the_best_epoch():
    """Early stopping gives back the best epoch's weights *and* running statistics: the same
    model trained for exactly that many epochs (same seeds, same batches) ends identical."""
    gen = np.random.default_rng(3)
    x = (gen.normal(size=(80, 4)) * 3 + 2).astype(np.float32)
    y = (x[:, 0] > 2).astype(np.int64)  # a rule the model can learn
    x_val = (gen.normal(size=(40, 4)) * 3 + 2).astype(np.float32)
    y_val = (x_val[:, 0] <= 2).astype(np.int64)  # its opposite: the validation loss soon rises
    stopped = bn_model()
    h = stopped.fit(x, y, epochs=12, batch_size=10, optimizer="adam", rng=0, progress=False,
                    validation=(x_val, y_val), early_stopping=2)  # fmt: skip
    assert h.best_epoch < len(h), "the run must go past its best epoch for this test to bite"
    again = bn_model()
    again.fit(x, y, epochs=h.best_epoch, batch_size=10, optimizer="adam", rng=0, progress=False)
    assert len(stopped.state) == len(again.state) == 4  # Dense, BatchNorm params and buffers, Dense
    for mine, theirs in zip(stopped.state, again.state, strict=True):
        for key in mine:
            np.testing.assert_array_equal(mine[key], theirs[key], err_msg=key)
