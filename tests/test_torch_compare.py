"""dlbook.functions and dlbook.layers against PyTorch on the CPU, with copied weights.

PyTorch is a benchmark dependency (the ``bench`` extra), not needed by readers:
without it these tests are skipped, saying why.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import functions as F
from dlbook.layers import Dense, Dropout, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh

torch = pytest.importorskip(
    "torch", reason="PyTorch not installed (pip install 'dlbook[bench]'); comparisons skipped"
)
TF = torch.nn.functional

SEED = 99
RNG = np.random.default_rng(SEED)  # replaced before every test by _fresh_rng


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws from its own generator, seeded alike: data never depend on test order."""
    global RNG
    RNG = np.random.default_rng(SEED)


TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 1e-5, "atol": 1e-6}}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_forward_and_backward_match_nn_linear(dtype):
    n, d_in, d_out = 7, 5, 3
    layer = Dense(d_in, d_out, rng=1, dtype=dtype)
    layer.set_params({"W": layer.params["W"], "b": RNG.normal(size=d_out)})  # a non-zero bias
    lin = torch.nn.Linear(d_in, d_out).to(torch.float64 if dtype == np.float64 else torch.float32)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))  # torch keeps (out, in)
        lin.bias.copy_(torch.from_numpy(layer.params["b"]))
    x = RNG.normal(size=(n, d_in)).astype(dtype)
    dout = RNG.normal(size=(n, d_out)).astype(dtype)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = lin(xt)
    yt.backward(torch.from_numpy(dout))
    y = layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(y, yt.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(layer.grads["W"], lin.weight.grad.numpy().T, **TOL[dtype])
    np.testing.assert_allclose(layer.grads["b"], lin.bias.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_cross_entropy_matches_f_cross_entropy(one_hot):
    scores = RNG.normal(0, 3, (8, 5))
    labels = RNG.integers(0, 5, 8)
    targets = F.one_hot(labels, 5, dtype=np.float64) if one_hot else labels
    st = torch.from_numpy(scores.copy()).requires_grad_(True)
    lt = TF.cross_entropy(st, torch.from_numpy(targets))  # probabilities or class indices
    lt.backward()
    loss = SoftmaxCrossEntropy()
    assert float(loss.forward(scores, targets)) == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(loss.backward(), st.grad.numpy(), rtol=1e-10, atol=1e-14)
    assert float(F.softmax_cross_entropy(scores, targets)) == pytest.approx(lt.item(), rel=1e-12)


def test_softmax_cross_entropy_of_huge_logits_matches_pytorch():
    scores = np.array([[1e4, -1e4, 0.0], [3.0, 1e4, -1e4]])
    labels = np.array([1, 2])
    expected = TF.cross_entropy(torch.from_numpy(scores), torch.from_numpy(labels)).item()
    assert float(F.softmax_cross_entropy(scores, labels)) == pytest.approx(expected, rel=1e-12)


def test_softmax_log_softmax_logsumexp_match():
    x = RNG.normal(0, 5, (4, 6))
    xt = torch.from_numpy(x)
    np.testing.assert_allclose(F.softmax(x), torch.softmax(xt, -1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        F.log_softmax(x), torch.log_softmax(xt, -1).numpy(), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(F.logsumexp(x), torch.logsumexp(xt, -1).numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("layer_cls", "f", "fprime", "torch_f"),
    [
        (Sigmoid, F.sigmoid, F.sigmoid_prime, torch.sigmoid),
        (Tanh, F.tanh, F.tanh_prime, torch.tanh),
        (ReLU, F.relu, F.relu_prime, torch.relu),
    ],
)
def test_activation_gradients_match_autograd(layer_cls, f, fprime, torch_f):
    x = RNG.normal(0, 3, (5, 6))
    x[0, :3] = [0.0, 40.0, -40.0]  # ReLU's kink (both take 0 there) and saturation
    dout = RNG.normal(size=x.shape)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = torch_f(xt)
    yt.backward(torch.from_numpy(dout))
    layer = layer_cls()
    # σ as ½(1 + tanh(x/2)) is accurate to one rounding step of 1 (absolute), see its docstring
    tol = {"rtol": 1e-12, "atol": 1e-15}
    np.testing.assert_allclose(layer.forward(x), yt.detach().numpy(), **tol)
    np.testing.assert_allclose(layer.backward(dout), xt.grad.numpy(), **tol)
    np.testing.assert_allclose(f(x), yt.detach().numpy(), **tol)
    np.testing.assert_allclose(fprime(x) * dout, xt.grad.numpy(), **tol)


def test_log_sigmoid_matches_logsigmoid_in_both_tails():
    x = np.array([-1e4, -40.0, -3.0, 0.0, 3.0, 40.0, 1e4])
    expected = TF.logsigmoid(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(F.log_sigmoid(x), expected, rtol=1e-12, atol=1e-300)


def test_mse_relates_to_f_mse_loss_as_documented():
    y, d = RNG.normal(size=(6, 4)), RNG.normal(size=(6, 4))
    yt = torch.from_numpy(y.copy()).requires_grad_(True)
    lt = TF.mse_loss(yt, torch.from_numpy(d)) * 4 / 2  # mse = F.mse_loss * K / 2
    lt.backward()
    assert float(F.mse(y, d)) == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(F.mse_grad(y, d), yt.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_scaling_matches_f_dropout(p):
    x = np.ones((100, 500), np.float32)
    torch.manual_seed(0)
    yt = TF.dropout(torch.from_numpy(x), p=p, training=True).numpy()
    y = Dropout(p, rng=0).forward(x, train=True)
    for out in (y, yt):
        np.testing.assert_allclose(np.unique(out), [0.0, 1 / (1 - p)], rtol=1e-6)
    assert abs((y == 0).mean() - (yt == 0).mean()) < 0.01  # both drop a fraction p
    assert abs(y.mean() - yt.mean()) < 0.03
    np.testing.assert_array_equal(TF.dropout(torch.from_numpy(x), p=p, training=False).numpy(), x)
    np.testing.assert_array_equal(Dropout(p).forward(x, train=False), x)


@pytest.mark.parametrize("opt_name", ["sgd_nesterov_wd", "adam"])
def test_a_whole_mlp_trains_like_pytorch(opt_name):
    """Sequential 6-8-8-3 (Tanh, ReLU) and nn.Sequential, same weights, same batches, float64.

    Five optimiser steps; the losses, the input gradient and every parameter agree.
    """
    from dlbook.network import Sequential
    from dlbook.optim import SGD, Adam

    sizes = [(6, 8), (8, 8), (8, 3)]
    dense = [Dense(a, b, rng=i, dtype=np.float64) for i, (a, b) in enumerate(sizes)]
    for layer in dense:  # non-zero biases, so that db is tested too
        layer.set_params({"W": layer.params["W"], "b": RNG.normal(0, 0.1, layer.out_features)})
    model = Sequential([dense[0], Tanh(), dense[1], ReLU(), dense[2]])
    linears = [torch.nn.Linear(a, b).double() for a, b in sizes]
    with torch.no_grad():
        for lin, layer in zip(linears, dense, strict=True):
            lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
            lin.bias.copy_(torch.from_numpy(layer.params["b"]))
    net = torch.nn.Sequential(linears[0], torch.nn.Tanh(), linears[1], torch.nn.ReLU(), linears[2])
    if opt_name == "adam":
        opt, topt = Adam(lr=0.01), torch.optim.Adam(net.parameters(), lr=0.01)
    else:
        opt = SGD(0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
        topt = torch.optim.SGD(
            net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01
        )
    for step in range(5):
        x = RNG.normal(size=(16, 6))
        y = RNG.integers(0, 3, 16)
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        topt.zero_grad()
        lt = TF.cross_entropy(net(xt), torch.from_numpy(y))
        lt.backward()
        topt.step()
        loss = model.loss.forward(model.forward(x, train=True), y)
        dx = model.backward()
        opt.step(model.params, model.grads)
        assert float(loss) == pytest.approx(lt.item(), rel=1e-10), step
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for lin, layer in zip(linears, dense, strict=True):
        np.testing.assert_allclose(layer.params["W"], lin.weight.detach().numpy().T, rtol=1e-9)
        np.testing.assert_allclose(layer.params["b"], lin.bias.detach().numpy(), rtol=1e-9)
