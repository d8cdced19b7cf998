"""dlbook.conv: im2col/col2im, Conv2D, MaxPool2D, AvgPool2D.

Gradient checks over stride/padding/odd sizes on NumPy and on the fake device,
properties (inputs never modified, dtypes kept, col2im the adjoint of im2col),
errors, save/load. The comparisons with PyTorch are in test_torch_compare_conv.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend
from dlbook.conv import AvgPool2D, Conv2D, MaxPool2D, col2im, im2col, output_size
from dlbook.gradcheck import check_layer, check_model
from dlbook.layers import Dense, Flatten, ReLU, SoftmaxCrossEntropy
from dlbook.network import Sequential

SEED = 5
RNG = np.random.default_rng(SEED)  # replaced before every test by _fresh_rng


@pytest.fixture(autouse=True)
def _fresh_rng():
    """Every test draws from its own generator, seeded alike: data never depend on test order."""
    global RNG
    RNG = np.random.default_rng(SEED)


def batch(*shape, dtype=np.float64):
    return backend.asarray(RNG.normal(size=shape).astype(dtype))


def naive_conv(x, W, b, stride, padding):
    """Six loops, straight from the definition (the test oracle; float64)."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(n):
        for k in range(f):
            for y in range(oh):
                for z in range(ow):
                    patch = x[i, :, y * stride : y * stride + kh, z * stride : z * stride + kw]
                    out[i, k, y, z] = (patch * W[k]).sum() + b[k]
    return out


# (N, C_in, H, W, C_out, kernel, stride, padding): odd sizes, strides, paddings, rectangles
CONV_CASES = [
    (2, 1, 5, 5, 1, 3, 1, 0),
    (2, 3, 7, 7, 4, 3, 1, 1),
    (2, 2, 9, 7, 3, 3, 2, 0),
    (3, 1, 8, 8, 2, 5, 1, 2),
    (1, 2, 7, 9, 3, (3, 1), (2, 1), (0, 1)),
    (2, 3, 6, 6, 2, 2, 2, 0),
    (2, 2, 5, 5, 2, 1, 1, 0),
    (1, 1, 4, 4, 2, 4, 1, 0),
    (2, 2, 7, 7, 2, 3, 3, 1),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv2d_passes_the_gradient_check(device, case):
    n, c, h, w, f, k, s, p = case
    layer = Conv2D(c, f, k, stride=s, padding=p, rng=1)
    layer.set_params({"W": layer.params["W"], "b": RNG.normal(size=f)})
    report = check_layer(layer, batch(n, c, h, w))
    assert report.ok, report
    assert {e.name for e in report.entries} == {"x", "W", "b"}


SQUARE_CASES = [c for c in CONV_CASES if all(isinstance(v, int) for v in c)]


@pytest.mark.parametrize("case", SQUARE_CASES, ids=str)
def test_conv2d_forward_equals_the_six_loops(case):
    n, c, h, w, f, k, s, p = case
    layer = Conv2D(c, f, k, stride=s, padding=p, rng=2, dtype=np.float64)
    layer.set_params({"W": layer.params["W"], "b": RNG.normal(size=f)})
    x = RNG.normal(size=(n, c, h, w))
    expected = naive_conv(x, layer.params["W"], layer.params["b"], s, p)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)


POOL_CASES = [  # (size, stride, H, W): 2x2 fast path, odd sizes (floor mode), overlaps, gaps
    (2, None, 8, 8),
    (2, None, 7, 9),
    (3, None, 9, 7),
    (3, 2, 9, 8),
    (3, 1, 6, 5),
    (2, 3, 8, 8),
    ((2, 3), (1, 2), 6, 7),
]


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_pooling_passes_the_gradient_check(device, cls, case):
    size, stride, h, w = case
    report = check_layer(cls(size, stride), batch(2, 3, h, w))
    assert report.ok, report


def test_max_pool_gives_a_tie_to_the_first_maximum_only(device):
    x = backend.asarray(np.array([[[[1.0, 1.0], [1.0, 0.0]]]], dtype=np.float32))
    pool = MaxPool2D(2)
    assert backend.to_cpu(pool.forward(x)).item() == 1.0
    dx = backend.to_cpu(pool.backward(backend.ones((1, 1, 1, 1))))
    np.testing.assert_array_equal(dx, [[[[1.0, 0.0], [0.0, 0.0]]]])


def test_max_pool_by_hand():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    x[0, 0, 0, 0] = 99
    pool = MaxPool2D(2)
    np.testing.assert_array_equal(pool.forward(x)[0, 0], [[99, 7], [13, 15]])
    dx = pool.backward(np.array([[[[1, 2], [3, 4]]]], dtype=np.float32))
    expected = np.zeros((4, 4), np.float32)
    expected[0, 0], expected[1, 3], expected[3, 1], expected[3, 3] = 1, 2, 3, 4
    np.testing.assert_array_equal(dx[0, 0], expected)
    avg = AvgPool2D(2)
    np.testing.assert_allclose(
        avg.forward(np.ones((1, 1, 5, 5), np.float32)), np.ones((1, 1, 2, 2))
    )
    dx = avg.backward(np.ones((1, 1, 2, 2), np.float32))
    assert dx.shape == (1, 1, 5, 5)
    assert dx[0, 0, 4].sum() == 0 and dx[0, 0, :, 4].sum() == 0  # floor mode: the last row unused
    np.testing.assert_allclose(dx[0, 0, :4, :4], 0.25)


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_im2col_rows_and_columns_are_the_documented_pixels(case):
    n, c, h, w, _, k, s, p = case
    kh, kw = (k, k) if isinstance(k, int) else k
    sh, sw = (s, s) if isinstance(s, int) else s
    ph, pw = (p, p) if isinstance(p, int) else p
    x = RNG.normal(size=(n, c, h, w))
    cols = im2col(x, k, s, p)
    oh, ow = output_size(h, kh, sh, ph), output_size(w, kw, sw, pw)
    assert cols.shape == (c * kh * kw, n * oh * ow)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    for _ in range(20):  # random entries against the formula in the docstring
        ci, i, j = RNG.integers(c), RNG.integers(kh), RNG.integers(kw)
        ni, oy, ox = RNG.integers(n), RNG.integers(oh), RNG.integers(ow)
        value = cols[ci * kh * kw + i * kw + j, (oy * ow + ox) * n + ni]
        assert value == xp[ni, ci, oy * sh + i, ox * sw + j]


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_col2im_is_the_adjoint_of_im2col(device, case):
    """<im2col(x), c> = <x, col2im(c)> for all x, c: col2im is exactly the transpose."""
    n, c, h, w, _, k, s, p = case
    x = batch(n, c, h, w)
    cols = im2col(x, k, s, p)
    r = batch(*cols.shape)
    back = col2im(r, x.shape, k, s, p)
    assert back.shape == x.shape
    lhs = float((cols * r).sum())
    rhs = float((x * back).sum())
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_col2im_with_non_overlapping_windows_counts_each_pixel_once(device):
    x = backend.ones((2, 3, 6, 6), np.float64)
    for k, s in ((2, 2), (3, 3), (2, 3)):
        back = backend.to_cpu(col2im(im2col(x, k, s), x.shape, k, s))
        covered = np.zeros(6)
        for start in range(0, 6 - k + 1, s):
            covered[start : start + k] = 1
        np.testing.assert_array_equal(back[0, 0], np.outer(covered, covered))
    back = backend.to_cpu(col2im(im2col(x, 3, 1), x.shape, 3, 1))
    assert back[0, 0, 2, 2] == 9 and back[0, 0, 0, 0] == 1  # overlaps add up


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layers_keep_dtype_and_never_mutate_inputs(device, dtype):
    x = batch(3, 2, 8, 8, dtype=dtype)
    for layer in (
        Conv2D(2, 3, 3, padding=1, dtype=dtype),
        MaxPool2D(2),
        AvgPool2D(3, 1),
        MaxPool2D(3, 2),
    ):
        x_before = backend.to_cpu(x).copy()
        y = layer.forward(x, train=True)
        assert y.dtype == dtype
        dout = batch(*y.shape, dtype=dtype)
        dout_before = backend.to_cpu(dout).copy()
        dx = layer.backward(dout)
        assert dx.dtype == dtype and dx.shape == x.shape
        np.testing.assert_array_equal(backend.to_cpu(x), x_before)
        np.testing.assert_array_equal(backend.to_cpu(dout), dout_before)


def test_conv2d_converts_input_to_its_dtype_and_writes_gradients_in_place(device):
    layer = Conv2D(1, 2, 3)
    y = layer.forward(batch(2, 1, 5, 5, dtype=np.float64))
    assert y.dtype == np.float32
    gW, gb = layer.grads["W"], layer.grads["b"]
    layer.backward(backend.ones(y.shape))
    assert layer.grads["W"] is gW and layer.grads["b"] is gb
    assert float(abs(gW).sum()) > 0


def test_float32_agrees_with_float64(device):
    layer = Conv2D(3, 4, 3, stride=1, padding=1, rng=3)
    x = batch(4, 3, 9, 9)
    y32 = backend.to_cpu(layer.forward(x.astype(np.float32)))
    d = batch(*y32.shape)
    dx32 = backend.to_cpu(layer.backward(d.astype(np.float32)))
    l64 = layer.astype(np.float64)
    y64 = backend.to_cpu(l64.forward(x))
    dx64 = backend.to_cpu(l64.backward(d))
    np.testing.assert_allclose(y32, y64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx32, dx64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        backend.to_cpu(layer.grads["W"]), backend.to_cpu(l64.grads["W"]), rtol=1e-4, atol=1e-4
    )


def test_first_layer_skips_the_input_gradient():
    layer = Conv2D(1, 2, 3)
    layer.needs_input_grad = False
    y = layer.forward(RNG.normal(size=(2, 1, 6, 6)).astype(np.float32))
    assert layer.backward(np.ones(y.shape, np.float32)) is None
    assert np.abs(layer.grads["W"]).sum() > 0


def test_he_initialisation_uses_the_fan_in_of_the_kernel():
    layer = Conv2D(8, 64, 5, rng=0)
    assert np.std(layer.params["W"]) == pytest.approx(np.sqrt(2 / (8 * 25)), rel=0.05)
    a = np.sqrt(6 / (8 * 25 + 64 * 25))
    W = Conv2D(8, 64, 5, init="xavier", rng=0).params["W"]
    assert np.abs(W).max() <= a and np.std(W) == pytest.approx(a / np.sqrt(3), rel=0.05)
    np.testing.assert_array_equal(
        Conv2D(2, 3, 3, rng=4).params["W"], Conv2D(2, 3, 3, rng=4).params["W"]
    )


def test_a_small_cnn_passes_the_model_gradient_check(device):
    model = Sequential(
        [
            Conv2D(1, 2, 3, padding=1, rng=1),
            ReLU(),
            MaxPool2D(2),
            Conv2D(2, 3, 3, rng=2),
            AvgPool2D(2),
            Flatten(),
            Dense(3, 3, rng=3),
        ],
        SoftmaxCrossEntropy(),
    )
    y = backend.asarray(RNG.integers(0, 3, 3))
    report = check_model(model, batch(3, 1, 8, 8), y)
    assert report.ok, report


def test_a_small_cnn_learns_two_patterns():
    """Vertical vs horizontal bars, anywhere in a 8x8 image: a CNN reaches 100 % quickly."""
    rng = np.random.default_rng(0)
    n = 200
    x = rng.normal(0, 0.1, (n, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 2, n)
    pos = rng.integers(0, 8, n)
    for i in range(n):  # building the data set, not the model
        if y[i]:
            x[i, 0, :, pos[i]] += 1
        else:
            x[i, 0, pos[i], :] += 1
    model = Sequential(
        [Conv2D(1, 4, 3, padding=1, rng=1), ReLU(), MaxPool2D(2), Flatten(), Dense(64, 2, rng=2)],
        SoftmaxCrossEntropy(),
    )
    from dlbook.optim import SGD

    model.fit(x, y, epochs=10, batch_size=20, optimizer=SGD(0.1), rng=0)
    assert model.evaluate(x, y)["accuracy"] >= 0.99


def test_save_load_round_trip(tmp_path, device):
    model = Sequential(
        [
            Conv2D(1, 3, (3, 2), stride=(1, 2), padding=(1, 0), init="xavier", rng=1),
            ReLU(),
            MaxPool2D(2, stride=1),
            AvgPool2D((2, 1)),
            Flatten(),
            Dense(3 * 3 * 1, 2, rng=2),
        ],
        SoftmaxCrossEntropy(),
    )
    x = batch(4, 1, 7, 4, dtype=np.float32)
    path = model.save(tmp_path / "cnn.npz")
    loaded = Sequential.load(path)
    assert [repr(layer) for layer in loaded.layers] == [repr(layer) for layer in model.layers]
    assert loaded.layers[0].config() == model.layers[0].config()
    np.testing.assert_array_equal(
        backend.to_cpu(loaded.predict_scores(x)), backend.to_cpu(model.predict_scores(x))
    )


def test_shape_errors_name_the_dimension_and_the_output_size():
    conv = Conv2D(1, 2, 5)
    with pytest.raises(ValueError, match=r"height 3 .*smaller than the kernel height 5.*= -1\."):
        conv.forward(np.zeros((1, 1, 3, 9), np.float32))
    with pytest.raises(ValueError, match=r"width: \(8 \+ 2·0 − 3\) / 2 \+ 1 = 3.5 is not a whole"):
        Conv2D(1, 2, 3, stride=2).forward(np.zeros((1, 1, 9, 8), np.float32))
    with pytest.raises(ValueError, match=r"3 channels, layer expects 1 \(C_in\)"):
        conv.forward(np.zeros((2, 3, 9, 9), np.float32))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*x\[:, None\]"):
        conv.forward(np.zeros((2, 9, 9), np.float32))
    with pytest.raises(TypeError, match="float"):
        conv.forward(np.zeros((2, 1, 9, 9), np.int64))
    with pytest.raises(ValueError, match=r"MaxPool2D: input width 1 .*window width 2.*= 0.5\."):
        MaxPool2D(2).forward(np.zeros((1, 1, 4, 1), np.float32))
    with pytest.raises(RuntimeError, match="forward first"):
        Conv2D(1, 1, 1).backward(np.zeros((1, 1, 1, 1), np.float32))
    with pytest.raises(RuntimeError, match="forward first"):
        MaxPool2D(2).backward(np.zeros((1, 1, 1, 1), np.float32))
    with pytest.raises(RuntimeError, match="forward first"):
        AvgPool2D(2).backward(np.zeros((1, 1, 1, 1), np.float32))
    y = conv.forward(np.zeros((2, 1, 9, 9), np.float32))
    with pytest.raises(ValueError, match=r"dout must have the shape of the output \(2, 2, 5, 5\)"):
        conv.backward(np.zeros((2, 2, 4, 5), np.float32))
    assert y.shape == (2, 2, 5, 5)
    with pytest.raises(ValueError, match=r"col2im: cols must have shape"):
        col2im(np.zeros((9, 10)), (1, 1, 5, 5), 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 2, 3), "in_channels must be an int >= 1"),
        ((1, 2.0, 3), "out_channels must be an int >= 1"),
        ((1, 2, 0), "kernel_size must be an int >= 1"),
        ((1, 2, (3, 3, 3)), "kernel_size must be an int >= 1 or a pair"),
        ((1, 2, 3, 0), "stride must be an int >= 1"),
        ((1, 2, 3, 1, -1), "padding must be an int >= 0"),
        ((1, 2, 3, 1, 0, "lecun"), "init must be"),
    ],
)
def test_constructor_errors(args, message):
    with pytest.raises(ValueError, match=message):
        Conv2D(*args)


def test_pool_constructor_errors():
    with pytest.raises(ValueError, match="MaxPool2D: size must be"):
        MaxPool2D(0)
    with pytest.raises(ValueError, match="AvgPool2D: stride must be"):
        AvgPool2D(2, stride=True)


def test_output_size_formula():
    assert output_size(28, 5) == 24
    assert output_size(28, 5, 1, 2) == 28
    assert output_size(28, 3, 2, 1) == 14  # floor of 14.5
    assert output_size(7, 3, 2) == 3


def test_conv2d_reuses_its_work_arrays_but_never_what_it_returns(device):
    """cols and the layout copy of the input are written over from call to call; outputs are fresh."""
    layer = Conv2D(2, 3, 3, padding=1, rng=1)
    fresh = Conv2D(2, 3, 3, padding=1, rng=1)
    xs = [batch(4, 2, 6, 6, dtype=np.float32) for _ in range(2)]  # NCHW: copied to the layout
    outs, dxs = [], []
    for x in xs:
        y = layer.forward(x, train=True)
        dout = backend.ones(y.shape, np.float32)
        outs.append((y, backend.to_cpu(y).copy()))
        dxs.append((layer.backward(dout), backend.to_cpu(layer.grads["W"]).copy()))
        if len(outs) == 1:
            buffers = (layer.cols, layer.x_copy)
    assert all(b is not None for b in buffers)
    assert layer.cols is buffers[0] and layer.x_copy is buffers[1]  # the same arrays
    np.testing.assert_array_equal(backend.to_cpu(outs[0][0]), outs[0][1])  # not overwritten
    assert dxs[0][0] is not dxs[1][0]
    for x, (y, _), (dx, gW) in zip(xs, outs, dxs, strict=True):  # each call as a fresh layer's
        np.testing.assert_allclose(backend.to_cpu(fresh.forward(x)), backend.to_cpu(y), rtol=1e-6)
        dx_fresh = fresh.backward(backend.ones(y.shape, np.float32))
        np.testing.assert_allclose(backend.to_cpu(dx_fresh), backend.to_cpu(dx), rtol=1e-6)
        np.testing.assert_allclose(backend.to_cpu(fresh.grads["W"]), gW, rtol=1e-6)
        fresh = Conv2D(2, 3, 3, padding=1, rng=1)
    layer.forward(batch(5, 2, 6, 6, dtype=np.float32))  # a new batch size: new buffers
    assert layer.cols.shape == (2 * 9, 36 * 5) and layer.cols is not buffers[0]
