"""Convolution and pooling: im2col/col2im, Conv2D, MaxPool2D, AvgPool2D.

A convolution layer slides a small kernel over an image. Written as loops it
has six of them (samples, output channels, output rows, output columns, kernel
rows, kernel columns); :func:`im2col` copies every patch of the input into one
column of a matrix, so that the whole layer becomes one matrix product::

    cols = im2col(x, (kh, kw), stride, padding)      # (C·kh·kw, OH·OW·N)
    out  = W.reshape(F, C·kh·kw) @ cols               # (F, OH·OW·N)

and its backward pass becomes two more products and :func:`col2im`, which adds
each column back where its patch came from.

Shapes follow DESIGN §2.1: images ``(N, C, H, W)``; ``Conv2D`` weights
``(C_out, C_in, kh, kw)`` and bias ``(C_out,)``, as in PyTorch, so weights copy
across in tests. The only Python loops are over the kh·kw kernel offsets (and
the size² offsets of a pooling window); each iteration moves a whole strided
slice of the batch.

Memory layout: the layers return arrays of shape (N, C, H, W) whose memory is
ordered (C, H, W, N), with the batch axis innermost, as in Krizhevsky's
cuda-convnet (2012). The matrix product above produces that order for free, the
next im2col reads it without a transpose, elementwise layers (ReLU) and pooling
keep it, and every slice that im2col, col2im and pooling move is a run of
OW·N contiguous numbers instead of OW: about twice as fast on LeNet's shapes.
Values and shapes are what you expect; only ``x.strides`` shows the difference.
``np.ascontiguousarray(x)`` gives a plain copy.

Built in chapter 05.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import backend
from .errors import check_float_array as _check_float
from .errors import check_int
from .layers import Layer
from .layers import check_cached as _check_cached
from .layers import check_dout as _check_dout

__all__ = ["AvgPool2D", "Conv2D", "MaxPool2D", "col2im", "im2col", "output_size"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


# --- sizes -------------------------------------------------------------------------


def _pair(value: Any, name: str, where: str, minimum: int) -> tuple[int, int]:
    """``3`` -> (3, 3); ``(3, 5)`` stays; anything else is a ValueError naming ``name``."""
    items: Any = value if isinstance(value, (tuple, list)) else (value, value)
    ok = len(items) == 2 and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and int(v) >= minimum
        for v in items
    )
    if not ok:
        raise ValueError(
            f"{where}: {name} must be an int >= {minimum} or a pair of them; got {value!r}."
        )
    return int(items[0]), int(items[1])


def output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """The output length ⌊(n + 2·padding − k) / stride⌋ + 1 of a window sliding over n cells.

    The same formula holds for height and width, for convolution and pooling.
    PyTorch rounds down (as here); :class:`Conv2D` also insists that the division
    is exact, so that no row of the input is silently left out.

    Built in chapter 05.
    """
    return (n + 2 * padding - k) // stride + 1


def _check_fits(
    where: str, shape: tuple[int, ...], k: tuple[int, int], s: tuple[int, int], p: tuple[int, int],
    exact: bool, window: str = "kernel",
) -> tuple[int, int]:  # fmt: skip
    """(OH, OW), or a ValueError naming the dimension that does not fit and what it would give."""
    out = []
    for axis, n, kk, ss, pp in (("height", shape[2], k[0], s[0], p[0]),
                                ("width", shape[3], k[1], s[1], p[1])):  # fmt: skip
        span = n + 2 * pp - kk
        formula = f"({n} + 2·{pp} − {kk}) / {ss} + 1"
        if span < 0:
            raise ValueError(
                f"{where}: input {axis} {n} (padding {pp}) is smaller than the {window} {axis} "
                f"{kk}; the output {axis} would be {formula} = {span / ss + 1:g}. "
                f"Use a smaller {window} or more padding; input shape {tuple(shape)}."
            )
        if exact and span % ss:
            raise ValueError(
                f"{where}: the windows do not tile the input {axis}: {formula} = "
                f"{span / ss + 1:g} is not a whole number, so the last {span % ss} "
                f"row(s)/column(s) would be left out. Change padding or stride so that "
                f"n + 2·padding − kernel is a multiple of the stride; input shape {tuple(shape)}."
            )
        out.append(span // ss + 1)
    return out[0], out[1]


def _check_images(where: str, x: Any, channels: int | None = None) -> None:
    _check_float(where, x)
    if x.ndim != 4:
        hint = " Add the channel axis: x[:, None]." if x.ndim == 3 else ""
        raise ValueError(
            f"{where}: input must have shape (N, C, H, W); got shape {tuple(x.shape)}.{hint}"
        )
    if channels is not None and x.shape[1] != channels:
        hint = " Did you forget the channel axis? x[:, None]" if x.shape[1] > 4 else ""
        raise ValueError(
            f"{where}: input has {x.shape[1]} channels, layer expects {channels} (C_in); "
            f"input shape {tuple(x.shape)}.{hint}"
        )


# --- im2col and col2im -------------------------------------------------------------


def im2col(x: Array, kernel_size: Any, stride: Any = 1, padding: Any = 0) -> Array:
    """Copy every kh×kw patch of ``x`` into one column of a matrix.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    kernel_size, stride, padding : int or pair of int
        Zero padding is added on every side.

    Returns
    -------
    cols : ndarray of shape (C·kh·kw, OH·OW·N), the dtype of ``x``
        Row ``c·kh·kw + i·kw + j`` holds input pixel (c, oy·s + i, ox·s + j) of
        the padded image; column ``(oy·OW + ox)·N + n`` is the patch under
        output pixel (oy, ox) of sample n (the batch varies fastest, see the
        module notes). Then ``W.reshape(F, -1) @ cols`` is the convolution, of
        shape (F, OH·OW·N).
        OH = ⌊(H + 2p − kh)/s⌋ + 1 (rows beyond the last whole window are unused).

    Raises
    ------
    ValueError
        If the window is larger than the padded input.

    Notes
    -----
    One Python loop over the kh·kw kernel offsets; each step copies one strided
    slice of the whole batch. ``x`` is not modified.

    Built in chapter 05.
    """
    k, s, p = (_pair(kernel_size, "kernel_size", "im2col", 1), _pair(stride, "stride", "im2col", 1),
               _pair(padding, "padding", "im2col", 0))  # fmt: skip
    _check_images("im2col", x)
    oh, ow = _check_fits("im2col", tuple(x.shape), k, s, p, exact=False)
    xp = backend.array_module(x)
    n, c, h, w = x.shape
    xc = x.transpose(1, 2, 3, 0)  # (C, H, W, N): a view, contiguous for this module's outputs
    if p == (0, 0):
        xc = xp.ascontiguousarray(xc)  # one transposing copy beats kh·kw strided gathers
    else:
        padded = xp.zeros((c, h + 2 * p[0], w + 2 * p[1], n), dtype=x.dtype)
        padded[:, p[0] : p[0] + h, p[1] : p[1] + w] = xc
        xc = padded
    cols = xp.empty((c, k[0], k[1], oh, ow, n), dtype=x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            # every output pixel's (i, j) neighbour, for all channels and samples at once
            cols[:, i, j] = xc[:, i : i + s[0] * oh : s[0], j : j + s[1] * ow : s[1]]
    return cols.reshape(c * k[0] * k[1], oh * ow * n)


def col2im(
    cols: Array, x_shape: tuple[int, ...], kernel_size: Any, stride: Any = 1, padding: Any = 0
) -> Array:
    """The adjoint of :func:`im2col`: add every column back onto the patch it came from.

    Where patches overlap the values add up, which is exactly what the gradient
    of a convolution with respect to its input needs.

    Parameters
    ----------
    cols : ndarray of shape (C·kh·kw, OH·OW·N)
        In :func:`im2col`'s layout.
    x_shape : (N, C, H, W)
        The shape of the image that :func:`im2col` was given.
    kernel_size, stride, padding : int or pair of int
        As given to :func:`im2col`.

    Returns
    -------
    ndarray of shape (N, C, H, W), the dtype of ``cols``
        Its memory is ordered (C, H, W, N) (see the module notes). The padding
        border is cut off.

    Raises
    ------
    ValueError
        If ``cols`` does not have the shape that ``x_shape`` and the window give.

    Notes
    -----
    kh·kw slice-adds, each over a strided slice of the whole batch. A scatter
    with ``np.add.at`` gives the same sums about ten times slower.

    Built in chapter 05.
    """
    k, s, p = (_pair(kernel_size, "kernel_size", "col2im", 1), _pair(stride, "stride", "col2im", 1),
               _pair(padding, "padding", "col2im", 0))  # fmt: skip
    if len(x_shape) != 4:
        raise ValueError(f"col2im: x_shape must be (N, C, H, W); got {tuple(x_shape)}.")
    n, c, h, w = (int(v) for v in x_shape)
    oh, ow = _check_fits("col2im", (n, c, h, w), k, s, p, exact=False)
    expected = (c * k[0] * k[1], oh * ow * n)
    if tuple(cols.shape) != expected:
        raise ValueError(
            f"col2im: cols must have shape (C·kh·kw, OH·OW·N) = {expected} for x_shape "
            f"{(n, c, h, w)}; got shape {tuple(cols.shape)}."
        )
    xp = backend.array_module(cols)
    hp, wp = h + 2 * p[0], w + 2 * p[1]
    cols6 = cols.reshape(c, k[0], k[1], oh, ow, n)
    overlap = s[0] < k[0] or s[1] < k[1]
    covered = s == k and p == (0, 0) and (h, w) == (oh * k[0], ow * k[1])
    # windows that tile the image exactly need no zero-fill: every cell is assigned once
    dx = xp.empty((c, hp, wp, n), cols.dtype) if covered else xp.zeros((c, hp, wp, n), cols.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            window = dx[:, i : i + s[0] * oh : s[0], j : j + s[1] * ow : s[1]]
            if overlap:
                window += cols6[:, i, j]  # overlapping patches add up
            else:
                window[...] = cols6[:, i, j]
    dx = dx[:, p[0] : p[0] + h, p[1] : p[1] + w]
    return dx.transpose(3, 0, 1, 2)  # (C, H, W, N) memory seen as (N, C, H, W)


# --- Conv2D ------------------------------------------------------------------------


def _reusable(buffer: Array, shape: tuple[int, ...], dtype: Any, like: Array) -> Array:
    """``buffer`` if it has ``shape``, ``dtype`` and the device of ``like``, else None.

    Conv2D keeps its large work arrays from call to call and writes over them: a
    fresh array of a few hundred kB or more costs the operating system a page
    fault per 4 kB page each time (glibc hands such memory back), often more
    time than the computation that fills it.
    """
    if buffer is None or tuple(buffer.shape) != tuple(shape) or buffer.dtype != dtype:
        return None
    return buffer if backend.array_module(buffer) is backend.array_module(like) else None


def _im2col_into(cols: Array, x: Array, k: Any, s: Any, p: Any) -> None:
    """:func:`im2col` written into ``cols`` (C·kh·kw, OH·OW·N), an array Conv2D reuses."""
    (kh, kw), (sh, sw), (ph, pw) = k, s, p
    n, c, h, w = x.shape
    xp = backend.array_module(x)
    xc = xp.ascontiguousarray(x.transpose(1, 2, 3, 0))
    if (ph, pw) != (0, 0):
        padded = xp.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=x.dtype)
        padded[:, ph : ph + h, pw : pw + w] = xc
        xc = padded
    oh, ow = (xc.shape[1] - kh) // sh + 1, (xc.shape[2] - kw) // sw + 1
    c6 = cols.reshape(c, kh, kw, oh, ow, n)
    for i in range(kh):
        for j in range(kw):
            c6[:, i, j] = xc[:, i : i + sh * oh : sh, j : j + sw * ow : sw]


class Conv2D(Layer):
    """A 2-D convolution (strictly, a cross-correlation, as in every framework).

    ``out[n, f, oy, ox] = b[f] + Σ_c Σ_i Σ_j W[f, c, i, j] · x_pad[n, c, oy·s + i, ox·s + j]``

    Parameters
    ----------
    in_channels, out_channels : int
        C_in and C_out (also called F, the number of filters).
    kernel_size : int or pair of int
        kh, kw.
    stride, padding : int or pair of int
        Step of the window and zero padding on every side.
    init : "he", "xavier" or float
        As for :class:`~dlbook.layers.Dense`, with fan-in C_in·kh·kw and
        fan-out C_out·kh·kw.
    rng : int or generator
        Seed or generator from ``backend.default_rng`` for the initial weights.
    dtype : float dtype
        float32 (default) for training, float64 for exact checks.

    Attributes
    ----------
    params : {"W": ndarray of shape (C_out, C_in, kh, kw), "b": ndarray of shape (C_out,)}
    cols : ndarray of shape (C_in·kh·kw, OH·OW·N)
        im2col of the last input, kept for ``backward``. It (and ``x_copy``, the
        input copied to this module's layout when it comes in another) is written
        over by the next call of the same shape instead of being allocated again;
        the arrays that ``forward`` and ``backward`` return are always new.

    Raises
    ------
    ValueError
        In ``forward``, for input that is not (N, C_in, H, W), or whose height or
        width the windows do not tile exactly: the message names the dimension
        and the output size it would give. (PyTorch rounds the output size
        down and ignores the last rows; here that is an error.)

    Built in chapter 05.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        init: str | float = "he",
        rng: Any = 0,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.in_channels = check_int("Conv2D", "in_channels", in_channels)
        self.out_channels = check_int("Conv2D", "out_channels", out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D", 1)
        self.stride = _pair(stride, "stride", "Conv2D", 1)
        self.padding = _pair(padding, "padding", "Conv2D", 0)
        self.init = init
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"Conv2D: dtype must be a float type; got {self.dtype}.")
        kh, kw = self.kernel_size
        fan_in, fan_out = self.in_channels * kh * kw, self.out_channels * kh * kw
        shape = (self.out_channels, self.in_channels, kh, kw)
        gen = backend.default_rng(rng)
        if init == "he":
            W = gen.standard_normal(shape) * np.sqrt(2.0 / fan_in)  # Var = 2 / fan_in
        elif init == "xavier":
            a = np.sqrt(6.0 / (fan_in + fan_out))  # Var = a²/3 = 2 / (fan_in + fan_out)
            W = gen.uniform(-a, a, shape)
        elif isinstance(init, numbers.Real) and not isinstance(init, bool) and init > 0:
            W = gen.standard_normal(shape) * float(init)
        else:
            raise ValueError(
                f"Conv2D: init must be 'he', 'xavier' or a standard deviation > 0; got {init!r}."
            )
        self.params = {"W": W.astype(self.dtype), "b": backend.zeros(self.out_channels, self.dtype)}
        self.grads = {k: backend.zeros(v.shape, self.dtype) for k, v in self.params.items()}
        self.cols: Array = None  # im2col of the input, (C_in·kh·kw, OH·OW·N)
        self.x_shape: tuple[int, ...] | None = None  # (N, C_in, H, W)
        self.x_copy: Array = None  # the input copied to the (C, H, W, N) layout, when it is not

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else float(self.init)
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": list(self.padding),
            "init": init,
            "dtype": self.dtype.name,
        }

    def __repr__(self) -> str:
        def short(v: tuple[int, int]) -> Any:
            return v[0] if v[0] == v[1] else v

        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size="
            f"{short(self.kernel_size)}, stride={short(self.stride)}, "
            f"padding={short(self.padding)})"
        )

    def output_shape(self, x_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
        """(N, C_out, OH, OW) for input (N, C_in, H, W); a ValueError if it does not fit."""
        oh, ow = _check_fits(
            "Conv2D", tuple(x_shape), self.kernel_size, self.stride, self.padding, exact=True
        )
        return (int(x_shape[0]), self.out_channels, oh, ow)

    def _own_layout(self, a: Array, buffer: str) -> Array:
        """``a`` (N, C, H, W) in this module's (C, H, W, N) memory and the layer's dtype.

        ``a`` itself when it is; else a copy into the array ``self.<buffer>``, kept
        and written over from call to call (see :func:`_reusable`). Never writes to ``a``.
        """
        dtype = self.params["W"].dtype
        view = a.transpose(1, 2, 3, 0)
        if view.flags.c_contiguous and a.dtype == dtype:
            return a
        copy = _reusable(getattr(self, buffer), view.shape, dtype, a)
        if copy is None:
            copy = backend.array_module(a).empty(view.shape, dtype)
            setattr(self, buffer, copy)
        copy[...] = view
        return copy.transpose(3, 0, 1, 2)

    def forward(self, x: Array, train: bool = False) -> Array:
        """The convolution of x (N, C_in, H, W); returns (N, C_out, OH, OW)."""
        _check_images("Conv2D", x, self.in_channels)
        n, f, oh, ow = self.output_shape(tuple(x.shape))
        W, b = self.params["W"], self.params["b"]
        xp = backend.array_module(x, W)
        x = self._own_layout(x, "x_copy")
        # (C·kh·kw, OH·OW·N), written over the last call's matrix when it has the same shape
        cols = _reusable(self.cols, (W[0].size, oh * ow * n), W.dtype, x)
        if cols is None:
            cols = im2col(x, self.kernel_size, self.stride, self.padding)
        else:
            _im2col_into(cols, x, self.kernel_size, self.stride, self.padding)
        out = xp.matmul(W.reshape(f, -1), cols)  # (F, C·kh·kw) @ (C·kh·kw, OH·OW·N)
        out += b[:, None]
        self.cols, self.x_shape = cols, tuple(x.shape)
        return out.reshape(f, oh, ow, n).transpose(3, 0, 1, 2)  # (N, F, OH, OW), a view

    def backward(self, dout: Array) -> Array:
        """dW = dout · colsᵀ, db = Σ dout, dx = col2im(Wᵀ · dout) (None if not needs_input_grad)."""
        _check_cached(self, self.cols)
        assert self.x_shape is not None
        f = self.out_channels
        _check_dout(self, dout, self.output_shape(self.x_shape))
        xp = backend.array_module(dout)
        W = self.params["W"]
        # (N, F, OH, OW) -> (F, OH·OW·N); no copy when dout has this module's layout
        d = dout.transpose(1, 2, 3, 0).reshape(f, -1)
        if d.dtype != W.dtype:
            d = d.astype(W.dtype)
        # (F, OH·OW·N) @ (OH·OW·N, C·kh·kw) -> (F, C·kh·kw)
        xp.matmul(d, self.cols.T, out=self.grads["W"].reshape(f, -1))
        d.sum(axis=1, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        dcols = xp.matmul(W.reshape(f, -1).T, d)  # (C·kh·kw, F) @ (F, OH·OW·N)
        return col2im(dcols, self.x_shape, self.kernel_size, self.stride, self.padding)


# --- pooling -----------------------------------------------------------------------


class _Pool2D(Layer):
    """Shared parts of the pooling layers: window, stride (default: the window), floor mode."""

    name = "Pool2D"

    def __init__(self, size: Any = 2, stride: Any = None) -> None:
        super().__init__()
        self.size = _pair(size, "size", type(self).__name__, 1)
        self.stride = self.size if stride is None else _pair(stride, "stride", self.name, 1)
        self.x_shape: tuple[int, ...] | None = None

    def config(self) -> dict[str, Any]:
        return {"size": list(self.size), "stride": list(self.stride)}

    def __repr__(self) -> str:
        size = self.size[0] if self.size[0] == self.size[1] else self.size
        if self.stride == self.size:
            return f"{type(self).__name__}({size})"
        stride = self.stride[0] if self.stride[0] == self.stride[1] else self.stride
        return f"{type(self).__name__}({size}, stride={stride})"

    def _out_hw(self, shape: tuple[int, ...]) -> tuple[int, int]:
        return _check_fits(type(self).__name__, shape, self.size, self.stride, (0, 0), exact=False,
                           window="window")  # fmt: skip

    def _windows(self, xm: Array, oh: int, ow: int) -> list[Array]:
        """The size² strided views of xm (C, H, W, N), one per offset in the window (no copies)."""
        (kh, kw), (sh, sw) = self.size, self.stride
        return [
            xm[:, i : i + sh * oh : sh, j : j + sw * ow : sw] for i in range(kh) for j in range(kw)
        ]

    def _scatter(self, parts: list[Array], dtype: Any) -> Array:
        """dx: the size² gradient parts (C, OH, OW, N) put back at their window offsets.

        Returned as (N, C, H, W) over (C, H, W, N) memory; the floor-mode border is 0.
        """
        assert self.x_shape is not None
        xp = backend.array_module(parts[0])
        n, c, h, w = self.x_shape
        _, oh, ow, _ = parts[0].shape
        (kh, kw), (sh, sw) = self.size, self.stride
        tiles = (sh, sw) == (kh, kw)  # non-overlapping windows: assign, no zero-fill
        covered = tiles and h == oh * kh and w == ow * kw
        dx = xp.empty((c, h, w, n), dtype) if covered else xp.zeros((c, h, w, n), dtype)
        for k, window in enumerate(self._windows(dx, oh, ow)):
            if tiles:
                window[...] = parts[k]
            else:
                window += parts[k]  # overlapping windows add up
        return dx.transpose(3, 0, 1, 2)


def _memory_order(a: Array) -> Array:
    """(N, C, H, W) -> the (C, H, W, N) view that pooling works on, contiguous (a copy if need be).

    NumPy iterates a transposed view in its logical order, which for this
    module's layout strides across memory; the (C, H, W, N) view runs along it.
    """
    xp = backend.array_module(a)
    return xp.ascontiguousarray(a.transpose(1, 2, 3, 0))


class MaxPool2D(_Pool2D):
    """The largest value of each size×size window (floor mode: leftover rows are dropped).

    Parameters
    ----------
    size : int or pair of int
        The window.
    stride : int or pair of int, optional
        Defaults to ``size`` (windows side by side).

    Notes
    -----
    The gradient of each window goes to its maximum; with tied maxima, to the
    first of them in row-major order (as PyTorch's CPU code does). Built on
    strided views: size² elementwise steps over the output, no copy of windows.

    Built in chapter 05.
    """

    name = "MaxPool2D"

    def __init__(self, size: Any = 2, stride: Any = None) -> None:
        super().__init__(size, stride)
        self.argmax: Array = None  # index (0 … size²−1) of the winner in each window, uint8

    def forward(self, x: Array, train: bool = False) -> Array:
        """(N, C, H, W) -> (N, C, OH, OW) with OH = ⌊(H − size)/stride⌋ + 1."""
        _check_images("MaxPool2D", x)
        oh, ow = self._out_hw(tuple(x.shape))
        xp = backend.array_module(x)
        windows = self._windows(_memory_order(x), oh, ow)  # size² views (C, OH, OW, N)
        out = windows[0].copy()
        argmax = xp.zeros(out.shape, dtype=xp.uint8)
        for k, v in enumerate(windows[1:], start=1):
            better = v > out  # strict: the first of tied maxima keeps the gradient
            xp.maximum(out, v, out=out)
            # k only grows, so the largest k that improved is the winner's index
            xp.maximum(argmax, better * xp.uint8(k), out=argmax)
        self.argmax, self.x_shape = argmax, tuple(x.shape)
        return out.transpose(3, 0, 1, 2)

    def backward(self, dout: Array) -> Array:
        """dx: dout routed to the winner of each window, 0 elsewhere."""
        _check_cached(self, self.argmax)
        c, oh, ow, n = self.argmax.shape
        _check_dout(self, dout, (n, c, oh, ow))
        d = _memory_order(dout)
        parts = [d * (self.argmax == k) for k in range(self.size[0] * self.size[1])]
        return self._scatter(parts, dout.dtype)


class AvgPool2D(_Pool2D):
    """The mean of each size×size window (floor mode: leftover rows are dropped).

    Parameters
    ----------
    size : int or pair of int
        The window.
    stride : int or pair of int, optional
        Defaults to ``size``.

    Notes
    -----
    Every input of a window gets dout / size² of the window's gradient.

    Built in chapter 05.
    """

    name = "AvgPool2D"

    def __init__(self, size: Any = 2, stride: Any = None) -> None:
        super().__init__(size, stride)
        self.out_shape: tuple[int, ...] | None = None

    def forward(self, x: Array, train: bool = False) -> Array:
        """(N, C, H, W) -> (N, C, OH, OW), the mean of each window."""
        _check_images("AvgPool2D", x)
        oh, ow = self._out_hw(tuple(x.shape))
        windows = self._windows(_memory_order(x), oh, ow)
        out = windows[0].copy()
        for v in windows[1:]:
            out += v
        out *= 1.0 / len(windows)
        out = out.transpose(3, 0, 1, 2)
        self.x_shape, self.out_shape = tuple(x.shape), tuple(out.shape)
        return out

    def backward(self, dout: Array) -> Array:
        """dx: dout / size² spread over each window."""
        if self.out_shape is None:
            raise RuntimeError("AvgPool2D.backward: call forward first.")
        _check_dout(self, dout, self.out_shape)
        share = _memory_order(dout) * (1.0 / (self.size[0] * self.size[1]))
        return self._scatter([share] * (self.size[0] * self.size[1]), dout.dtype)
