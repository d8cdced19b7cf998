"""dlbook.rnn: gradient checks, shapes and errors, the fake device, PyTorch with copied weights."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend, optim
from dlbook.gradcheck import check_layer
from dlbook.network import Sequential
from dlbook.rnn import (
    LSTM,
    RNN,
    Embedding,
    TimeDense,
    TimeSoftmaxCrossEntropy,
    clip_grad_norm,
    forward_with_state,
)


def _x(shape, seed=0, dtype=np.float64):
    return backend.asarray(np.random.default_rng(seed).normal(size=shape).astype(dtype))


# --- gradient checks ----------------------------------------------------------------


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_recurrent_layers_pass_the_gradient_check(device, cls):
    layer = cls(3, 4, rng=1)
    report = check_layer(layer, _x((2, 5, 3)))
    assert report.max_rel_error < 1e-6, report


def test_time_dense_and_embedding_pass_the_gradient_check(device):
    assert check_layer(TimeDense(3, 4, rng=0), _x((2, 5, 3))).max_rel_error < 1e-6
    ids = backend.asarray(np.array([[0, 1, 1, 3], [3, 3, 2, 0]]))
    assert check_layer(Embedding(4, 3, rng=0), ids).max_rel_error < 1e-6


def _numeric_state_grad(layer, x, h0, c0, which, R, eps=1e-6):
    """Finite-difference ∂(Σ out ⊙ R)/∂h0 or c0 (float64, host)."""
    target = h0 if which == "h0" else c0
    grad = np.zeros_like(target)
    for idx in np.ndindex(*target.shape):
        vals = []
        for sign in (1, -1):
            t = target.copy()
            t[idx] += sign * eps
            args = {"h0": t, "c0": c0} if which == "h0" else {"h0": h0, "c0": t}
            if isinstance(layer, RNN):
                args.pop("c0")
            vals.append(float((layer.forward(x, **args) * R).sum()))
        grad[idx] = (vals[0] - vals[1]) / (2 * eps)
    return grad


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_gradient_with_respect_to_the_initial_state(cls):
    layer = cls(2, 3, rng=2, dtype=np.float64)
    x = _x((2, 4, 2))
    rng = np.random.default_rng(5)
    h0, c0, R = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 4, 3))
    kw = {"h0": h0} if cls is RNN else {"h0": h0, "c0": c0}
    layer.forward(x, **kw)
    layer.backward(R)
    np.testing.assert_allclose(
        layer.dh0, _numeric_state_grad(layer, x, h0, c0, "h0", R), rtol=1e-6, atol=1e-9
    )
    if cls is LSTM:
        np.testing.assert_allclose(
            layer.dc0, _numeric_state_grad(layer, x, h0, c0, "c0", R), rtol=1e-6, atol=1e-9
        )


def test_time_loss_gradient_and_value():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(2, 3, 5))
    d = rng.integers(0, 5, size=(2, 3))
    loss = TimeSoftmaxCrossEntropy()
    value = float(loss.forward(scores, d))
    p = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    expected = -np.log(np.take_along_axis(p, d[..., None], -1)).mean()
    assert value == pytest.approx(expected, rel=1e-12)
    g = loss.backward()
    eps, num = 1e-6, np.zeros_like(scores)
    for idx in np.ndindex(*scores.shape):
        s = scores.copy()
        s[idx] += eps
        up = float(TimeSoftmaxCrossEntropy().forward(s, d))
        s[idx] -= 2 * eps
        down = float(TimeSoftmaxCrossEntropy().forward(s, d))
        num[idx] = (up - down) / (2 * eps)
    np.testing.assert_allclose(g, num, atol=1e-8)


# --- behaviour --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_shapes_dtype_and_input_not_modified(device, cls):
    layer = cls(3, 4, rng=0)
    x = _x((2, 5, 3), dtype=np.float32)
    x_before = backend.to_cpu(x).copy()
    out = layer.forward(x)
    assert out.shape == (2, 5, 4) and out.dtype == np.float32
    dout = _x((2, 5, 4), seed=1, dtype=np.float32)
    dout_before = backend.to_cpu(dout).copy()
    dx = layer.backward(dout)
    assert dx.shape == (2, 5, 3) and dx.dtype == np.float32
    np.testing.assert_array_equal(backend.to_cpu(x), x_before)
    np.testing.assert_array_equal(backend.to_cpu(dout), dout_before)
    assert layer.h_n.shape == (2, 4)


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_h0_none_means_zeros_and_no_state_is_carried(cls):
    layer = cls(3, 4, rng=0, dtype=np.float64)
    x = _x((2, 5, 3))
    first = layer.forward(x)
    again = layer.forward(x)  # the state of the first call is not reused
    np.testing.assert_array_equal(first, again)
    zeros = np.zeros((2, 4))
    kw = {"h0": zeros} if cls is RNN else {"h0": zeros, "c0": zeros}
    np.testing.assert_array_equal(layer.forward(x, **kw), first)


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_carried_state_equals_one_long_sequence(cls):
    """Forward over two windows with the state passed equals forward over the whole."""
    layer = cls(3, 4, rng=0, dtype=np.float64)
    x = _x((2, 8, 3))
    whole = layer.forward(x)
    out1, state = forward_with_state([layer], x[:, :5])
    out2, _ = forward_with_state([layer], x[:, 5:], state)
    np.testing.assert_allclose(np.concatenate([out1, out2], axis=1), whole, rtol=1e-12)


def test_lstm_gates_follow_the_equations_at_one_step():
    layer = LSTM(2, 3, rng=4, dtype=np.float64)
    x = _x((1, 1, 2))
    h0, c0 = np.full((1, 3), 0.3), np.full((1, 3), -0.2)
    h = layer.forward(x, h0=h0, c0=c0)[:, 0]
    a = x[:, 0] @ layer.params["Wx"] + h0 @ layer.params["Wh"] + layer.params["b"]
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, g, o = sig(a[:, :3]), sig(a[:, 3:6]), np.tanh(a[:, 6:9]), sig(a[:, 9:])
    c = f * c0 + i * g
    np.testing.assert_allclose(h, o * np.tanh(c), rtol=1e-12)
    np.testing.assert_allclose(layer.c_n, c, rtol=1e-12)


def test_forget_bias_is_added_to_the_forget_gate_only():
    a, b = LSTM(2, 3, rng=0), LSTM(2, 3, rng=0, forget_bias=1.0)
    diff = b.params["b"] - a.params["b"]
    np.testing.assert_allclose(diff, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], atol=1e-6)


def test_embedding_adds_repeated_ids():
    emb = Embedding(4, 2, rng=0, dtype=np.float64)
    ids = np.array([[1, 1, 2]])
    emb.forward(ids)
    emb.backward(np.ones((1, 3, 2)))
    np.testing.assert_array_equal(emb.grads["W"], [[0, 0], [2, 2], [1, 1], [0, 0]])


def test_clip_grad_norm_scales_all_arrays_together(device):
    grads = [{"a": backend.asarray(np.array([3.0, 0.0]))}, {"b": backend.asarray(np.array([4.0]))}]
    total = clip_grad_norm(grads, 1.0)
    assert float(total) == pytest.approx(5.0)
    np.testing.assert_allclose(backend.to_cpu(grads[0]["a"]), [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(backend.to_cpu(grads[1]["b"]), [0.8], rtol=1e-5)
    small = {"a": backend.asarray(np.array([0.3, 0.4]))}
    assert float(clip_grad_norm(small, 1.0)) == pytest.approx(0.5)
    np.testing.assert_allclose(backend.to_cpu(small["a"]), [0.3, 0.4])  # below: untouched


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: LSTM(0, 3), ValueError, "input_size"),
        (lambda: RNN(2, 3).forward(np.zeros((2, 3), np.float32)), ValueError, "(N, T, D)"),
        (lambda: LSTM(2, 3).forward(np.zeros((1, 4, 5), np.float32)), ValueError, "input_size"),
        (lambda: LSTM(2, 3).forward(np.zeros((1, 4, 2), np.int64)), TypeError, "float"),
        (
            lambda: LSTM(2, 3).forward(np.zeros((2, 4, 2), np.float32), h0=np.zeros((3, 3))),
            ValueError,
            "h0",
        ),
        (lambda: Embedding(3, 2).forward(np.array([[0, 3]])), ValueError, "[0, 3)"),
        (lambda: Embedding(3, 2).forward(np.zeros((1, 2))), TypeError, "integer"),
        (lambda: clip_grad_norm({"a": np.ones(2)}, 0), ValueError, "max_norm"),
        (
            lambda: TimeSoftmaxCrossEntropy().forward(np.zeros((2, 3, 4)), np.zeros(6, int)),
            ValueError,
            "(N, T)",
        ),
    ],
)
def test_errors_name_the_argument(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value)


def test_save_and_load_a_char_model(tmp_path):
    model = Sequential(
        [Embedding(10, 4, rng=0), LSTM(4, 6, rng=1), TimeDense(6, 10, rng=2)],
        loss=TimeSoftmaxCrossEntropy(),
    )
    ids = np.random.default_rng(0).integers(0, 10, size=(3, 7))
    before = model.forward(ids)
    path = model.save(tmp_path / "char.npz")
    loaded = Sequential.load(path)
    np.testing.assert_array_equal(loaded.forward(ids), before)
    assert isinstance(loaded.loss, TimeSoftmaxCrossEntropy)
    assert loaded.layers[1].config() == model.layers[1].config()


def test_a_char_model_learns_a_repeating_text(device):
    """A few hundred steps of truncated BPTT learn 'abcabc…' almost perfectly."""
    text = np.tile(np.arange(3), 200)  # a b c a b c ...
    model = Sequential(
        [Embedding(3, 4, rng=0), LSTM(4, 8, rng=1), TimeDense(8, 3, rng=2)],
        loss=TimeSoftmaxCrossEntropy(),
    )
    opt = optim.Adam(lr=0.05)
    data = backend.asarray(text.reshape(4, 150))
    losses = []
    for _ in range(3):
        state = None
        for s in range(0, 140, 10):
            out, state = forward_with_state(model.layers, data[:, s : s + 10], state, train=True)
            losses.append(float(model.loss.forward(out, data[:, s + 1 : s + 11])))
            model.backward(input_grad=False)
            clip_grad_norm(model.grads, 5.0)
            opt.step(model.params, model.grads)
    assert losses[-1] < 0.05 < losses[0]


# --- PyTorch with copied weights ------------------------------------------------------


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed (the bench extra)")


def _copy_to_ours(ours, torch_layer):
    Wx = torch_layer.weight_ih_l0.detach().numpy().T
    Wh = torch_layer.weight_hh_l0.detach().numpy().T
    b = (torch_layer.bias_ih_l0 + torch_layer.bias_hh_l0).detach().numpy()
    ours.set_params({"Wx": Wx, "Wh": Wh, "b": b})


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_forward_backward_and_adam_steps_equal_pytorch(kind):
    torch = _torch()
    torch.manual_seed(0)
    n, t, d, h = 3, 6, 4, 5
    if kind == "lstm":
        peer = torch.nn.LSTM(d, h, batch_first=True).double()
        ours = LSTM(d, h, rng=0, dtype=np.float64)
    else:
        peer = torch.nn.RNN(d, h, batch_first=True, nonlinearity="tanh").double()
        ours = RNN(d, h, rng=0, dtype=np.float64)
    # one bias in ours: put PyTorch's sum into bias_ih and zero bias_hh, so both stay equal
    with torch.no_grad():
        peer.bias_ih_l0 += peer.bias_hh_l0
        peer.bias_hh_l0.zero_()
    peer.bias_hh_l0.requires_grad_(False)
    _copy_to_ours(ours, peer)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, t, d))
    h0, c0 = rng.normal(size=(n, h)), rng.normal(size=(n, h))
    R = rng.normal(size=(n, t, h))
    params = [peer.weight_ih_l0, peer.weight_hh_l0, peer.bias_ih_l0]
    topt = torch.optim.Adam(params, lr=0.01)
    opt = optim.Adam(lr=0.01)
    for _ in range(3):
        xt = torch.tensor(x, requires_grad=True)
        h0t = torch.tensor(h0[None], requires_grad=True)
        if kind == "lstm":
            c0t = torch.tensor(c0[None], requires_grad=True)
            out_t, (hn, cn) = peer(xt, (h0t, c0t))
            out = ours.forward(x, h0=h0, c0=c0)
        else:
            out_t, hn = peer(xt, h0t)
            out = ours.forward(x, h0=h0)
        np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.h_n, hn[0].detach().numpy(), rtol=1e-10, atol=1e-12)
        topt.zero_grad()
        (out_t * torch.tensor(R)).sum().backward()
        dx = ours.backward(R)
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.dh0, h0t.grad[0].numpy(), rtol=1e-9, atol=1e-12)
        if kind == "lstm":
            np.testing.assert_allclose(ours.dc0, c0t.grad[0].numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.grads["Wx"], peer.weight_ih_l0.grad.numpy().T, rtol=1e-9)
        np.testing.assert_allclose(ours.grads["Wh"], peer.weight_hh_l0.grad.numpy().T, rtol=1e-9)
        np.testing.assert_allclose(ours.grads["b"], peer.bias_ih_l0.grad.numpy(), rtol=1e-9)
        topt.step()
        opt.step([ours.params], [ours.grads])
        np.testing.assert_allclose(
            ours.params["Wh"], peer.weight_hh_l0.detach().numpy().T, rtol=1e-9, atol=1e-12
        )


def test_clip_grad_norm_equals_pytorch():
    torch = _torch()
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=(5,))]
    tensors = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in arrays]
    for t, a in zip(tensors, arrays, strict=True):
        t.grad = torch.tensor(a)
    total_t = torch.nn.utils.clip_grad_norm_(tensors, 1.5)
    grads = [a.copy() for a in arrays]
    total = clip_grad_norm(grads, 1.5)
    assert float(total) == pytest.approx(float(total_t), rel=1e-12)
    for g, t in zip(grads, tensors, strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_of_huge_float32_gradients_does_not_overflow():
    g = {"W": np.full(4, 1e20, dtype=np.float32)}
    total = clip_grad_norm(g, 1.0)
    assert float(total) == pytest.approx(2e20, rel=1e-6)
    np.testing.assert_allclose(g["W"], 0.5, rtol=1e-5)
    assert g["W"].dtype == np.float32
