"""dlbook.conv against torch.nn.functional.conv2d / max_pool2d / avg_pool2d, forward and backward.

Random shapes, strides and paddings, with weights copied across (both keep W as
(C_out, C_in, kh, kw)). Skipped, saying why, when PyTorch is absent.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.conv import AvgPool2D, Conv2D, MaxPool2D

torch = pytest.importorskip(
    "torch", reason="PyTorch not installed (pip install 'dlbook[bench]'); comparisons skipped"
)
TF = torch.nn.functional

TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 1e-4, "atol": 1e-5}}


def random_conv_case(seed):
    """A random shape that the windows tile exactly (Conv2D refuses the others)."""
    rng = np.random.default_rng(seed)
    kh, kw = (int(v) for v in rng.integers(1, 6, 2))
    sh, sw = (int(v) for v in rng.integers(1, 4, 2))
    ph, pw = int(rng.integers(0, kh)), int(rng.integers(0, kw))
    oh, ow = (int(v) for v in rng.integers(1, 7, 2))
    h, w = (oh - 1) * sh + kh - 2 * ph, (ow - 1) * sw + kw - 2 * pw
    if h < 1 or w < 1:
        ph, pw = 0, 0
        h, w = (oh - 1) * sh + kh, (ow - 1) * sw + kw
    n, c, f = (int(v) for v in rng.integers(1, 5, 3))
    return rng, n, c, h, w, f, (kh, kw), (sh, sw), (ph, pw)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(12))
def test_conv2d_matches_f_conv2d(seed, dtype):
    rng, n, c, h, w, f, k, s, p = random_conv_case(seed)
    layer = Conv2D(c, f, k, stride=s, padding=p, rng=seed, dtype=dtype)
    layer.set_params({"W": layer.params["W"], "b": rng.normal(size=f)})
    x = rng.normal(size=(n, c, h, w)).astype(dtype)
    y = layer.forward(x)
    dout = rng.normal(size=y.shape).astype(dtype)
    dx = layer.backward(dout)

    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    Wt = torch.from_numpy(layer.params["W"].copy()).requires_grad_(True)
    bt = torch.from_numpy(layer.params["b"].copy()).requires_grad_(True)
    yt = TF.conv2d(xt, Wt, bt, stride=s, padding=p)
    yt.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(y, yt.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(layer.grads["W"], Wt.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(layer.grads["b"], bt.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(("cls", "torch_f"), [(MaxPool2D, "max_pool2d"), (AvgPool2D, "avg_pool2d")])
def test_pooling_matches_torch(seed, dtype, cls, torch_f):
    rng = np.random.default_rng(100 + seed)
    size = tuple(int(v) for v in rng.integers(1, 4, 2))
    stride = None if seed % 3 == 0 else tuple(int(v) for v in rng.integers(1, 4, 2))
    n, c = (int(v) for v in rng.integers(1, 4, 2))
    h, w = int(rng.integers(size[0], 10)), int(rng.integers(size[1], 10))
    x = rng.normal(size=(n, c, h, w)).astype(dtype)
    layer = cls(size, stride)
    y = layer.forward(x)
    dout = rng.normal(size=y.shape).astype(dtype)
    dx = layer.backward(dout)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = getattr(TF, torch_f)(xt, size, stride)  # floor mode, no padding: the defaults
    yt.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(y, yt.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL[dtype])


def test_max_pool_ties_match_torch():
    """Tied maxima (ReLU zeros, quantised pixels): the gradient goes to the same one as PyTorch's."""
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, (4, 3, 8, 8)).astype(np.float32)  # many ties
    layer = MaxPool2D(2)
    y = layer.forward(x)
    dout = rng.normal(size=y.shape).astype(np.float32)
    dx = layer.backward(dout)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    TF.max_pool2d(xt, 2).backward(torch.from_numpy(dout))
    np.testing.assert_array_equal(dx, xt.grad.numpy())


def test_a_lenet_step_matches_torch():
    """The whole LeNet-style stack, forward and backward, against torch.nn layers."""
    from dlbook.layers import Dense, Flatten, ReLU, SoftmaxCrossEntropy
    from dlbook.network import Sequential

    model = Sequential(
        [
            Conv2D(1, 6, 5, padding=2, rng=1),
            ReLU(),
            MaxPool2D(2),
            Conv2D(6, 16, 5, rng=2),
            ReLU(),
            MaxPool2D(2),
            Flatten(),
            Dense(400, 10, rng=3),
        ],
        SoftmaxCrossEntropy(),
    )
    rng = np.random.default_rng(0)
    x = rng.random((8, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 8)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 10),
    )
    with torch.no_grad():
        for ours, theirs in ((model.layers[0], net[0]), (model.layers[3], net[3])):
            theirs.weight.copy_(torch.from_numpy(ours.params["W"]))
            theirs.bias.copy_(torch.from_numpy(ours.params["b"]))
        net[7].weight.copy_(torch.from_numpy(model.layers[7].params["W"].T.copy()))
        net[7].bias.copy_(torch.from_numpy(model.layers[7].params["b"]))
    loss = model.loss.forward(model.forward(x, train=True), y)
    model.backward()
    lt = TF.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
    lt.backward()
    assert float(loss) == pytest.approx(lt.item(), rel=1e-5)
    np.testing.assert_allclose(
        model.layers[0].grads["W"], net[0].weight.grad.numpy(), rtol=1e-3, atol=1e-6
    )
    np.testing.assert_allclose(
        model.layers[3].grads["W"], net[3].weight.grad.numpy(), rtol=1e-3, atol=1e-6
    )
