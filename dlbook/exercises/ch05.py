"""Exercises and quizzes of chapter 05: convolutional networks.

In the notebook::

    from dlbook.exercises import ch05
    ch05.output_size.check(my_output_size)
    ch05.pooling_quiz.check(None)          # a quiz: .check(option number)

Five code exercises (the output-size formula, im2col, a convolution forward pass,
the backward pass of max pooling, counting the parameters of a network) and
three quizzes. Each exercise lists the typical wrong answers, and the checker
names the mistake when it recognises one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .core import Case, Quiz, function_exercise
from .fixtures import fixed_array as _fixed

__all__ = [
    "conv_forward",
    "count_params",
    "im2col",
    "maxpool_backward",
    "output_size",
    "pooling_quiz",
    "receptive_field_quiz",
    "sharing_quiz",
]


# --- 05.output_size ------------------------------------------------------------------------------


def _output_size(n: int, k: int, stride: int, padding: int) -> int:
    return (n + 2 * padding - k) // stride + 1  # windows that fit: ⌊(n + 2p − k)/s⌋ + 1


def _output_size_no_padding(n: int, k: int, stride: int, padding: int) -> int:
    # Mistake: ignores the padding argument.
    return (n - k) // stride + 1


def _output_size_one_side(n: int, k: int, stride: int, padding: int) -> int:
    # Mistake: pads one side only (n + p instead of n + 2p).
    return (n + padding - k) // stride + 1


def _output_size_no_plus_one(n: int, k: int, stride: int, padding: int) -> int:
    # Mistake: counts the steps between windows, not the windows (a fence-post error).
    return (n + 2 * padding - k) // stride


def _output_size_true_division(n: int, k: int, stride: int, padding: int) -> float:
    # Mistake: / instead of //: a fractional size when the stride does not divide evenly.
    return (n + 2 * padding - k) / stride + 1


def _output_size_ceil(n: int, k: int, stride: int, padding: int) -> int:
    # Mistake: rounds up, counting a last window that hangs over the edge.
    return math.ceil((n + 2 * padding - k) / stride) + 1


output_size = function_exercise(
    id="05.output_size",
    title="The output size of a convolution",
    prompt="""
    Write `output_size(n, k, stride, padding)`: how many positions a k-wide
    window takes along an input of n cells that is padded with `padding` zeros
    on *each* side, moving `stride` cells at a time. Only windows that lie
    entirely inside the padded input count (PyTorch's rule; a leftover strip
    is ignored).

    - `n`, `k`, `stride`: ints ≥ 1; `padding`: int ≥ 0;
    - returns an int.

    Example: a 28-pixel-wide image, a 5×5 kernel, stride 1, padding 2 gives `28`
    ("same" padding); without padding it gives `24`.
    """,
    reference=_output_size,
    cases=[
        Case("the example: n = 28, k = 5, stride 1, padding 2", (28, 5, 1, 2)),
        Case("no padding: n = 28, k = 5", (28, 5, 1, 0)),
        Case("stride 2: n = 7, k = 3", (7, 3, 2, 0)),
        Case("stride 2 that does not divide: n = 28, k = 3, padding 1", (28, 3, 2, 1)),
        Case("stride 3, padding 2: n = 10, k = 4", (10, 4, 3, 2)),
        Case("the kernel as large as the input: n = 5, k = 5", (5, 5, 1, 0)),
    ],
    hints=[
        "Pad first: the input is now n + 2·padding long. Count where the left edge of the "
        "window can start so that the whole window still fits.",
        "The left edge can be at 0, s, 2s, … up to n + 2p − k: that is ⌊(n + 2p − k)/s⌋ "
        "steps, and one more window than steps.",
        "return (n + 2 * padding - k) // stride + 1",
    ],
    mistakes=[
        (_output_size_no_padding, "your answer ignores the padding: pad first, n + 2·padding"),
        (
            _output_size_one_side,
            "you added the padding once; it is added on both sides: n + 2·padding",
        ),
        (
            _output_size_no_plus_one,
            "you counted the steps between windows; there is one more window than steps (+ 1)",
        ),
        (
            _output_size_true_division,
            "a fractional size: when the stride does not divide n + 2p − k, round down "
            "with // (the last, incomplete window is dropped)",
        ),
        (
            _output_size_ceil,
            "you rounded up, counting a last window that sticks out of the padded input; "
            "round down with //",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 05.im2col -----------------------------------------------------------------------------------


def _im2col(x: np.ndarray, k: int) -> np.ndarray:
    n, c, h, w = x.shape
    oh, ow = h - k + 1, w - k + 1
    cols = np.empty((c * k * k, oh * ow * n), dtype=x.dtype)
    for oy in range(oh):
        for ox in range(ow):
            patch = x[:, :, oy : oy + k, ox : ox + k]  # (N, C, k, k): this position, every sample
            start = (oy * ow + ox) * n
            cols[:, start : start + n] = patch.reshape(n, -1).T  # one column per sample
    return cols


def _im2col_rows(x: np.ndarray, k: int) -> np.ndarray:
    # Mistake: patches as rows, (OH·OW·N, C·k·k), the transpose of what is asked.
    return _im2col(x, k).T.copy()


def _im2col_sample_major(x: np.ndarray, k: int) -> np.ndarray:
    # Mistake: columns ordered by sample first, n·OH·OW + oy·OW + ox.
    n, c, h, w = x.shape
    oh, ow = h - k + 1, w - k + 1
    cols = _im2col(x, k).reshape(c * k * k, oh, ow, n)
    return cols.transpose(0, 3, 1, 2).reshape(c * k * k, -1).copy()


def _im2col_swapped_axes(x: np.ndarray, k: int) -> np.ndarray:
    # Mistake: the patch read with rows and columns swapped (x[..., ox:ox+k, oy:oy+k]).
    return _im2col(x.transpose(0, 1, 3, 2), k)


def _im2col_channels_last(x: np.ndarray, k: int) -> np.ndarray:
    # Mistake: each patch flattened in (i, j, c) order instead of (c, i, j).
    n, c, h, w = x.shape
    cols = _im2col(x, k).reshape(c, k, k, -1)
    return cols.transpose(1, 2, 0, 3).reshape(c * k * k, -1).copy()


def _im2col_missing_last(x: np.ndarray, k: int) -> np.ndarray:
    # Mistake: range(h - k) instead of range(h - k + 1): the last row and column of windows lost.
    n, c, h, w = x.shape
    oh, ow = h - k, w - k
    full = _im2col(x, k).reshape(c * k * k, h - k + 1, w - k + 1, n)
    return full[:, :oh, :ow].reshape(c * k * k, -1).copy()


def _seq(*shape: int) -> np.ndarray:
    """0, 1, 2, … in ``shape``: every pixel tells where it came from."""
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)


im2col = function_exercise(
    id="05.im2col",
    title="im2col: every patch a column",
    prompt="""
    Write `im2col(x, k)` for a k×k kernel, stride 1, no padding, in the layout
    that `dlbook.conv.im2col` uses:

    - `x`: float array (N, C, H, W);
    - returns a float array of shape (C·k·k, OH·OW·N), OH = H − k + 1, OW = W − k + 1,
      whose column number (oy·OW + ox)·N + n holds the patch `x[n, :, oy:oy+k, ox:ox+k]`
      flattened in (c, i, j) order (C-order `reshape`). The N samples of one output
      position sit side by side.

    Example: `x = np.arange(9.).reshape(1, 1, 3, 3)`, `k = 2` gives the 4×4 matrix
    with columns `[0, 1, 3, 4]`, `[1, 2, 4, 5]`, `[3, 4, 6, 7]`, `[4, 5, 7, 8]`.
    Loops over the output positions (oy, ox) are fine here.
    """,
    reference=_im2col,
    cases=[
        Case("the example: one 3x3 image, k = 2", (_seq(1, 1, 3, 3), 2)),
        Case("two samples, one channel, 4x5, k = 3", (_seq(2, 1, 4, 5), 3)),
        Case("three samples, two channels, 5x4, k = 2", (_fixed(3, 2, 5, 4, seed=1), 2)),
        Case("k = 1: every pixel its own patch", (_fixed(2, 3, 3, 3, seed=2), 1)),
    ],
    hints=[
        "Loop over the output positions. At each one, cut the k×k patch out of every sample "
        "and channel at once: x[:, :, oy:oy+k, ox:ox+k] has shape (N, C, k, k).",
        "Flatten each sample's patch to C·k·k numbers: patch.reshape(N, -1) is (N, C·k·k); "
        "its transpose is N columns, which go to columns (oy·OW + ox)·N … + N − 1.",
        "cols = np.empty((C*k*k, OH*OW*N))\nfor oy in range(OH):\n    for ox in range(OW):\n"
        "        s = (oy*OW + ox) * N\n"
        "        cols[:, s:s+N] = x[:, :, oy:oy+k, ox:ox+k].reshape(N, -1).T",
    ],
    mistakes=[
        (
            _im2col_rows,
            "your patches are rows, shape (OH·OW·N, C·k·k); here each patch is a column "
            "(transpose)",
        ),
        (
            _im2col_sample_major,
            "your columns go sample by sample (n·OH·OW + oy·OW + ox); here the N samples of "
            "one output position sit side by side: (oy·OW + ox)·N + n",
        ),
        (
            _im2col_swapped_axes,
            "rows and columns are swapped: the patch is x[n, :, oy:oy+k, ox:ox+k], oy along H",
        ),
        (
            _im2col_channels_last,
            "each patch is flattened channel-last (i, j, c); flatten it as (c, i, j), the "
            "order of W.reshape(F, -1)",
        ),
        (
            _im2col_missing_last,
            "the last row and column of windows are missing: there are H − k + 1 positions, "
            "range(H - k + 1)",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 05.conv_forward -----------------------------------------------------------------------------


def _conv_forward(
    x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int, padding: int
) -> np.ndarray:
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    out = np.empty((n, f, oh, ow))
    for oy in range(oh):
        for ox in range(ow):
            patch = xp[:, :, oy * stride : oy * stride + kh, ox * stride : ox * stride + kw]
            # (N, C·kh·kw) @ (C·kh·kw, F): every sample and filter at this position
            out[:, :, oy, ox] = patch.reshape(n, -1) @ W.reshape(f, -1).T + b
    return out


def _conv_forward_flipped(x: Any, W: Any, b: Any, stride: int, padding: int) -> np.ndarray:
    # Mistake: the textbook convolution, kernel flipped; layers compute the cross-correlation.
    return _conv_forward(x, W[:, :, ::-1, ::-1], b, stride, padding)


def _conv_forward_no_bias(x: Any, W: Any, b: Any, stride: int, padding: int) -> np.ndarray:
    # Mistake: forgets the bias.
    return _conv_forward(x, W, np.zeros_like(b), stride, padding)


def _conv_forward_no_stride(x: Any, W: Any, b: Any, stride: int, padding: int) -> np.ndarray:
    # Mistake: ignores the stride (always 1).
    return _conv_forward(x, W, b, 1, padding)


def _conv_forward_no_padding(x: Any, W: Any, b: Any, stride: int, padding: int) -> np.ndarray:
    # Mistake: ignores the padding.
    return _conv_forward(x, W, b, stride, 0)


def _conv_forward_first_channel(x: Any, W: Any, b: Any, stride: int, padding: int) -> np.ndarray:
    # Mistake: does not sum over the input channels (only channel 0 is used).
    return _conv_forward(x[:, :1], W[:, :1], b, stride, padding)


conv_forward = function_exercise(
    id="05.conv_forward",
    title="The forward pass of a convolution layer",
    prompt="""
    Write `conv_forward(x, W, b, stride, padding)`, the forward pass of `Conv2D`:

        out[n, f, oy, ox] = b[f] + Σ_c Σ_i Σ_j W[f, c, i, j] · x_pad[n, c, oy·s + i, ox·s + j]

    where x_pad is x with `padding` zeros on every side of H and W.

    - `x`: float array (N, C, H, W); `W`: float array (F, C, kh, kw); `b`: float array (F,);
    - `stride`, `padding`: ints (the same along H and W);
    - returns a new float array (N, F, OH, OW) with OH = ⌊(H + 2p − kh)/s⌋ + 1.

    Example: `x = np.arange(16.).reshape(1, 1, 4, 4)`, `W = np.ones((1, 1, 2, 2))`,
    `b = np.array([0.5])`, stride 2, padding 0 gives `[[[[10.5, 18.5], [42.5, 50.5]]]]`.
    Loops over output positions are fine; `np.pad` pads.
    """,
    reference=_conv_forward,
    cases=[
        Case(
            "the example: 4x4 input, 2x2 ones, stride 2",
            (_seq(1, 1, 4, 4), np.ones((1, 1, 2, 2)), np.array([0.5]), 2, 0),
        ),
        Case(
            "an asymmetric 3x3 kernel, stride 1, padding 1",
            (_fixed(2, 1, 5, 5, seed=3), _fixed(2, 1, 3, 3, seed=4), np.array([0.1, -0.2]), 1, 1),
        ),
        Case(
            "three channels, 2x3 kernel, stride 2, padding 1",
            (_fixed(2, 3, 6, 7, seed=5), _fixed(4, 3, 2, 3, seed=6), _fixed(4, seed=7), 2, 1),
        ),
        Case(
            "two channels, stride 1, no padding",
            (_fixed(1, 2, 4, 4, seed=8), _fixed(3, 2, 3, 3, seed=9), np.zeros(3), 1, 0),
        ),
    ],
    hints=[
        "Each output number is one dot product: a patch of the padded input (all channels) "
        "with one filter, plus that filter's bias. Pad first, then slide.",
        "For output position (oy, ox), the patch is x_pad[:, :, oy·s:oy·s+kh, ox·s:ox·s+kw]; "
        "flattened to (N, C·kh·kw), it multiplies W.reshape(F, -1).T to give (N, F).",
        "x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))\n"
        "for oy in range(OH):\n    for ox in range(OW):\n"
        "        patch = x_pad[:, :, oy*s:oy*s+kh, ox*s:ox*s+kw]\n"
        "        out[:, :, oy, ox] = patch.reshape(N, -1) @ W.reshape(F, -1).T + b",
    ],
    mistakes=[
        (
            _conv_forward_flipped,
            "you flipped the kernel (the convolution of the maths books); Conv2D, like every "
            "framework, computes the cross-correlation: W[f, c, i, j] meets x[oy·s + i, ox·s + j]",
        ),
        (_conv_forward_no_bias, "the bias b[f] is missing"),
        (_conv_forward_no_stride, "you moved the window one pixel at a time; use the stride"),
        (
            _conv_forward_no_padding,
            "you did not pad: add `padding` zeros on every side first (np.pad)",
        ),
        (
            _conv_forward_first_channel,
            "only the first input channel counts in your sum; a filter sees all C channels",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 05.maxpool_backward -------------------------------------------------------------------------


def _maxpool_backward(x: np.ndarray, dout: np.ndarray, size: int) -> np.ndarray:
    n, c, h, w = x.shape
    oh, ow = h // size, w // size
    windows = x[:, :, : oh * size, : ow * size].reshape(n, c, oh, size, ow, size)
    windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, size * size)
    first = windows.argmax(axis=-1)  # the first maximum in row-major order wins ties
    onehot = np.arange(size * size) == first[..., None]  # (N, C, OH, OW, size²)
    grad = (onehot * dout[..., None]).reshape(n, c, oh, ow, size, size)
    dx = np.zeros_like(x)
    dx[:, :, : oh * size, : ow * size] = grad.transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, oh * size, ow * size
    )
    return dx


def _maxpool_backward_spread(x: np.ndarray, dout: np.ndarray, size: int) -> np.ndarray:
    # Mistake: spreads dout evenly over the window (the backward pass of average pooling).
    n, c, h, w = x.shape
    oh, ow = h // size, w // size
    dx = np.zeros_like(x)
    dx[:, :, : oh * size, : ow * size] = np.repeat(np.repeat(dout, size, 2), size, 3) / size**2
    return dx


def _maxpool_backward_all_ties(x: np.ndarray, dout: np.ndarray, size: int) -> np.ndarray:
    # Mistake: every tied maximum gets the whole gradient (mask = x == max).
    n, c, h, w = x.shape
    oh, ow = h // size, w // size
    xc = x[:, :, : oh * size, : ow * size]
    big = np.repeat(
        np.repeat(xc.reshape(n, c, oh, size, ow, size).max(axis=(3, 5)), size, 2), size, 3
    )
    dx = np.zeros_like(x)
    dx[:, :, : oh * size, : ow * size] = (xc == big) * np.repeat(np.repeat(dout, size, 2), size, 3)
    return dx


def _maxpool_backward_last_tie(x: np.ndarray, dout: np.ndarray, size: int) -> np.ndarray:
    # Mistake: the last of tied maxima wins (argmax on the reversed window).
    flipped = _maxpool_backward(x[:, :, ::-1, ::-1].copy(), dout[:, :, ::-1, ::-1].copy(), size)
    h, w = x.shape[2:]
    dx = np.zeros_like(x)
    oh, ow = h // size * size, w // size * size
    # undo the flip on the part that the windows cover (floor mode drops the rest)
    dx[:, :, :oh, :ow] = flipped[:, :, h - oh :, w - ow :][:, :, ::-1, ::-1]
    return dx


def _maxpool_backward_values(x: np.ndarray, dout: np.ndarray, size: int) -> np.ndarray:
    # Mistake: puts x's maximum (the forward value) where dout belongs.
    n, c, h, w = x.shape
    oh, ow = h // size, w // size
    ones = np.ones((n, c, oh, ow))
    return _maxpool_backward(x, ones, size) * x


def _maxpool_backward_cropped(x: np.ndarray, dout: np.ndarray, size: int) -> np.ndarray:
    # Mistake: returns dx only for the covered part, (OH·size, OW·size), not x's shape.
    n, c, h, w = x.shape
    return _maxpool_backward(x, dout, size)[:, :, : h // size * size, : w // size * size].copy()


def _ties() -> np.ndarray:
    """A 4x4 image whose 2x2 windows hold tied maxima (like ReLU zeros or saturated pixels)."""
    return np.array([[[[1.0, 1.0, 0.0, 2.0], [0.0, 1.0, 2.0, 2.0],
                       [3.0, 0.0, 0.0, 0.0], [3.0, 3.0, 0.0, 0.0]]]])  # fmt: skip


maxpool_backward = function_exercise(
    id="05.maxpool_backward",
    title="The backward pass of max pooling",
    prompt="""
    Write `maxpool_backward(x, dout, size)`: the gradient of `MaxPool2D(size)`
    (windows of size×size side by side, stride = size; leftover rows and columns
    at the bottom and right are not in any window).

    - `x`: float array (N, C, H, W), the forward pass's input;
    - `dout`: float array (N, C, OH, OW), OH = H // size, OW = W // size;
    - returns dx, a new float array of x's shape: each window's dout goes to the
      position of its maximum, every other entry is 0. When several entries tie
      for the maximum, the first in row-major order gets it (as PyTorch does).

    Example: `x = [[[[1., 3.], [3., 0.]]]]` (one 2×2 window with a tie),
    `dout = [[[[5.]]]]`, size 2 gives `[[[[0., 5.], [0., 0.]]]]`.
    """,
    reference=_maxpool_backward,
    cases=[
        Case(
            "the example: a tie in one window",
            (np.array([[[[1.0, 3.0], [3.0, 0.0]]]]), np.array([[[[5.0]]]]), 2),
        ),
        Case("2x2 windows with ties", (_ties(), _fixed(1, 1, 2, 2, seed=10), 2)),
        Case(
            "odd sizes 5x7: the last row and column are in no window",
            (_fixed(2, 3, 5, 7, seed=11), _fixed(2, 3, 2, 3, seed=12), 2),
        ),
        Case("3x3 windows, 6x6", (_fixed(1, 2, 6, 6, seed=13), _fixed(1, 2, 2, 2, seed=14), 3)),
    ],
    hints=[
        "Max pooling copies one entry of each window forward; only that entry influences the "
        "output, so only it gets a gradient, and it gets the window's dout unchanged.",
        "For each window find the index of its (first) maximum with argmax over the window's "
        "size² entries, then write dout there; start from dx = np.zeros_like(x).",
        "for each window (oy, ox):\n    win = x[n, c, oy*s:oy*s+s, ox*s:ox*s+s]\n"
        "    i, j = np.unravel_index(win.argmax(), win.shape)\n"
        "    dx[n, c, oy*s + i, ox*s + j] = dout[n, c, oy, ox]",
    ],
    mistakes=[
        (
            _maxpool_backward_spread,
            "you spread dout evenly over the window; that is average pooling's gradient. "
            "Max pooling sends it all to the maximum",
        ),
        (
            _maxpool_backward_all_ties,
            "every tied maximum got the gradient, so it is counted twice; give it to the first "
            "of them only (argmax)",
        ),
        (
            _maxpool_backward_last_tie,
            "the last of the tied maxima got the gradient; the convention is the first in "
            "row-major order (argmax)",
        ),
        (
            _maxpool_backward_values,
            "you wrote the maximum's value x where dout belongs; the gradient is dout itself",
        ),
        (
            _maxpool_backward_cropped,
            "dx must have x's shape; rows and columns that no window covers get gradient 0",
        ),
    ],
    rtol=1e-7,
    atol=1e-10,
)


# --- 05.count_params -----------------------------------------------------------------------------


def _count_params(layers: Sequence[tuple[Any, ...]]) -> int:
    total = 0
    for kind, *sizes in layers:
        if kind == "conv":  # ("conv", C_in, C_out, k): W (C_out, C_in, k, k) and b (C_out,)
            c_in, c_out, k = sizes
            total += c_out * c_in * k * k + c_out
        elif kind == "dense":  # ("dense", n_in, n_out): W (n_in, n_out) and b (n_out,)
            n_in, n_out = sizes
            total += n_in * n_out + n_out
    return total  # ("pool", size) and ("relu",) have no parameters


def _count_params_factory(
    conv: Any = None, dense: Any = None, pool: Any = None
) -> Any:  # builds a mistaken counter
    def count(layers: Sequence[tuple[Any, ...]]) -> int:
        total = 0
        for kind, *sizes in layers:
            if kind == "conv":
                total += (conv or (lambda c, f, k: f * c * k * k + f))(*sizes)
            elif kind == "dense":
                total += (dense or (lambda a, b: a * b + b))(*sizes)
            elif kind == "pool" and pool:
                total += pool(*sizes)
        return total

    return count


_count_params_no_bias = _count_params_factory(
    conv=lambda c, f, k: f * c * k * k, dense=lambda a, b: a * b
)
_count_params_no_bias.__name__ = "_count_params_no_bias"  # Mistake: no biases
_count_params_conv_no_c_in = _count_params_factory(conv=lambda c, f, k: f * k * k + f)
_count_params_conv_no_c_in.__name__ = "_count_params_conv_no_c_in"  # Mistake: C_in forgotten
_count_params_conv_bias_per_input = _count_params_factory(conv=lambda c, f, k: f * c * k * k + c)
_count_params_conv_bias_per_input.__name__ = "_count_params_conv_bias_per_input"
_count_params_pool_weights = _count_params_factory(pool=lambda s: s * s)
_count_params_pool_weights.__name__ = "_count_params_pool_weights"  # Mistake: pooling learns
_count_params_dense_bias_in = _count_params_factory(dense=lambda a, b: a * b + a)
_count_params_dense_bias_in.__name__ = "_count_params_dense_bias_in"  # Mistake: n_in biases

_LENET = [
    ("conv", 1, 6, 5),
    ("relu",),
    ("pool", 2),
    ("conv", 6, 16, 5),
    ("relu",),
    ("pool", 2),
    ("dense", 400, 120),
    ("relu",),
    ("dense", 120, 84),
    ("relu",),
    ("dense", 84, 10),
]

count_params = function_exercise(
    id="05.count_params",
    title="Counting the parameters of a network",
    prompt="""
    Write `count_params(layers)`: the number of trainable numbers (weights and
    biases) in a network described as a list of tuples:

    - `("conv", C_in, C_out, k)`: a Conv2D with a k×k kernel, W (C_out, C_in, k, k), b (C_out,);
    - `("dense", n_in, n_out)`: a Dense layer, W (n_in, n_out), b (n_out,);
    - `("pool", size)` and `("relu",)`: no parameters.

    Returns an int.

    Example: `[("conv", 3, 8, 3), ("pool", 2), ("dense", 10, 2)]` gives
    8·3·3·3 + 8 + 10·2 + 2 = `246`.
    """,
    reference=_count_params,
    cases=[
        Case("the example", ([("conv", 3, 8, 3), ("pool", 2), ("dense", 10, 2)],)),
        Case("one conv layer, 3 -> 4 channels, 5x5", ([("conv", 3, 4, 5)],)),
        Case("chapter 05's LeNet", (_LENET,)),
        Case("dense only: 784-100-10", ([("dense", 784, 100), ("relu",), ("dense", 100, 10)],)),
    ],
    hints=[
        "Count each layer's W and b separately and add them up; look at their shapes. Pooling "
        "and ReLU compute a fixed function: nothing to learn.",
        "Conv2D: C_out·C_in·k·k weights (one k×k kernel per pair of channels) + C_out biases. "
        "Dense: n_in·n_out + n_out.",
        "for kind, *sizes in layers:\n    if kind == 'conv':\n        c_in, c_out, k = sizes\n"
        "        total += c_out * c_in * k * k + c_out\n    elif kind == 'dense': ...",
    ],
    mistakes=[
        (_count_params_no_bias, "the biases are missing: one per output channel or unit"),
        (
            _count_params_conv_no_c_in,
            "a conv filter has a k×k kernel for *each* input channel: C_out·C_in·k·k weights",
        ),
        (
            _count_params_conv_bias_per_input,
            "a conv layer has one bias per output channel (C_out), not per input channel",
        ),
        (_count_params_pool_weights, "pooling has no parameters: max and mean are fixed"),
        (_count_params_dense_bias_in, "a Dense layer has one bias per output unit (n_out)"),
    ],
    rtol=0.0,
    atol=0.0,
)


# --- quizzes -------------------------------------------------------------------------------------

sharing_quiz = Quiz(
    id="05.sharing_quiz",
    question="""
    A Conv2D(1, 6, 5, padding=2) layer maps a 28×28 image to 6×28×28 = 4,704
    numbers with 156 parameters. A Dense layer from the 784 pixels to the same
    4,704 outputs has 3,692,640. Where does the factor of about 24,000 come from?
    """,
    options=[
        "Each filter is reused at all 784 positions and sees only a 5×5 patch",
        "The convolution stores its weights in float16, which halves the count",
        "Padding adds zeros, and zeros are parameters that need not be stored",
        "The Dense layer counts each weight twice, once forward and once back",
    ],
    answer=0,
    explanation=(
        "weight sharing (the same 25 weights and bias at every position) and local "
        "connections (a 5×5 patch instead of all 784 pixels): 6·(25 + 1) = 156."
    ),
    hint="How many different 5×5 kernels does the layer have, and where is each used?",
)

pooling_quiz = Quiz(
    id="05.pooling_quiz",
    question="""
    A 2×2 max pooling layer follows a convolution. The input image is shifted
    right by one pixel. What happens to the pooled output?
    """,
    options=[
        "Nothing ever changes: max pooling makes a network shift-invariant",
        "Often little: a maximum can move inside its window and stay the same",
        "Everything changes: the output is shifted by half a pixel, blurred",
        "It shifts right by one pixel, exactly like the feature map before it",
    ],
    answer=1,
    explanation=(
        "a 1-pixel shift keeps many maxima inside their 2×2 windows, but not those that "
        "cross a window border; the chapter measures how much accuracy falls for 1–3 px."
    ),
    hint="Think of one window: when does its maximum leave it?",
)

receptive_field_quiz = Quiz(
    id="05.receptive_field_quiz",
    question="""
    A network has Conv2D(k=3, stride 1), then Conv2D(k=3, stride 1), then
    MaxPool2D(2). How many input pixels across does one output unit of the
    pooling layer see (its receptive field)?
    """,
    options=["5 × 5 pixels", "6 × 6 pixels", "7 × 7 pixels", "9 × 9 pixels"],
    answer=1,
    explanation=(
        "each 3×3 convolution widens the field by 2 (3, then 5); a 2×2 window over the "
        "second map adds one more position: 6 × 6. The receptive-field widget shows it."
    ),
    hint="Count the first layer's field, then add k − 1 per later layer (times the stride).",
)
