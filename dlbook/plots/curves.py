"""Loss curves and one-dimensional function fits, the two figures of training.

    from dlbook.plots import curves
    curves.learning_curves(history)                               # a History from model.fit
    curves.history_curves(history)                                # its loss and accuracy panels
    curves.learning_curves({"η = 0.01": c1, "η = 0.5": c2}, logy=True)
    curves.function_fit(x, y_true, y_pred, hidden=contributions)  # what hidden units do

Train and validation keep the same colours in every chapter (``COLORS``). Arrays from
the GPU are copied to the host first. matplotlib is imported inside the functions.
Built in chapter 02; used again in chapters 03 and 04.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import backend

__all__ = ["COLORS", "function_fit", "history_curves", "learning_curves", "series_of"]

# The same thing has the same colour across the book.
COLORS = {"train": "C0", "validation": "C1", "test": "C2", "target": "0.25"}

_VALIDATION_KEYS = ("val", "valid", "validation")


def _host1d(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(backend.to_cpu(a), dtype=np.float64)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (N,) or a column (N, 1); got shape {arr.shape}."
        )
    return arr


def series_of(history: Any) -> dict[str, np.ndarray]:
    """The named per-epoch series in ``history``, as float arrays on the host.

    Accepts a ``History`` from :meth:`dlbook.network.Sequential.fit` (anything with a
    ``history`` mapping, or ``as_dict()`` / ``to_dict()``), a mapping from names to
    sequences of numbers, or a mapping from names to such histories (their
    ``"loss"`` series is taken).

    Raises
    ------
    TypeError
        If ``history`` is none of these.
    ValueError
        If a series is not one-dimensional, or there are none.
    """
    mapping = _as_mapping(history)
    if mapping is None:
        raise TypeError(
            "learning_curves: history must be a History from model.fit, or a dict of "
            f"name -> sequence of numbers; got {type(history).__name__}."
        )
    out: dict[str, np.ndarray] = {}
    for name, series in mapping.items():
        inner = _as_mapping(series) if not _is_sequence(series) else None
        if inner is not None:
            if "loss" not in inner:
                raise ValueError(
                    f"learning_curves: the history for {name!r} has no 'loss' series "
                    f"(it has {sorted(inner)})."
                )
            series = inner["loss"]
        out[str(name)] = _host1d(series, f"learning_curves: series {name!r}")
    if not out:
        raise ValueError("learning_curves: history holds no series to plot.")
    return out


def _is_sequence(obj: Any) -> bool:
    return isinstance(obj, (Sequence, np.ndarray)) or hasattr(obj, "shape")


def _as_mapping(obj: Any) -> Mapping[str, Any] | None:
    if isinstance(obj, Mapping):
        return obj
    for attr in ("as_dict", "to_dict"):
        fn = getattr(obj, attr, None)
        if callable(fn):
            got = fn()
            if isinstance(got, Mapping):
                return got
    inner = getattr(obj, "history", None)
    if isinstance(inner, Mapping):
        return inner
    return None


def _color_for(name: str, i: int) -> str:
    low = name.lower()
    if any(low.startswith(k) for k in _VALIDATION_KEYS):
        return COLORS["validation"]
    if low.startswith("test"):
        return COLORS["test"]
    if low in ("loss", "train", "train loss", "accuracy", "train accuracy"):
        return COLORS["train"]
    return f"C{i % 10}"


def learning_curves(
    history: Any,
    *,
    keys: Sequence[str] | None = None,
    ax: Any = None,
    title: str = "Learning curves",
    xlabel: str = "epoch",
    ylabel: str = "cost C",
    logy: bool = False,
    start: int = 1,
    diverged_above: float | None = None,
) -> Any:
    """Plot per-epoch series (losses, accuracies) against the epoch.

    A series that stops being finite (training diverged), or that exceeds
    ``diverged_above`` when given, is drawn up to its last value before that and
    marked with a cross labelled "diverged".

    Parameters
    ----------
    history : History or mapping
        See :func:`series_of`: a ``History``, ``{"name": [c0, c1, ...], ...}``, or
        ``{"name": History, ...}`` to compare runs.
    keys : sequence of str, optional
        Which series to draw (all by default), e.g. ``["loss", "val_loss"]``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    title, xlabel, ylabel : str
        Labels; give units in ``ylabel`` when the series has one.
    logy : bool
        Logarithmic y axis (for costs that fall by orders of magnitude).
    start : int
        The epoch number of the first value (1: the value after the first epoch;
        0: the value before training).
    diverged_above : float, optional
        Treat values above this as divergence (so that a cost that explodes to
        1e300 does not squash the other curves).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    KeyError
        If a name in ``keys`` is not in ``history``.
    """
    import matplotlib.pyplot as plt  # drawing is imported lazily

    series = series_of(history)
    names = list(series) if keys is None else list(keys)
    missing = [k for k in names if k not in series]
    if missing:
        raise KeyError(f"learning_curves: no series {missing}; history has {sorted(series)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.6))
    for i, name in enumerate(names):
        y = series[name]
        epochs = np.arange(start, start + len(y))
        limit = np.finfo(np.float64).max / 10 if diverged_above is None else diverged_above
        with np.errstate(invalid="ignore"):
            finite = np.isfinite(y) & (y <= limit)
        stop = len(y) if finite.all() else int(np.argmin(finite))
        color = _color_for(name, i)
        ax.plot(epochs[:stop], y[:stop], color=color, label=name, lw=1.6)
        if stop < len(y) and stop > 0:
            ax.plot(epochs[stop - 1], y[stop - 1], "x", color=color, ms=9, mew=2)
            ax.annotate(
                "diverged",
                (epochs[stop - 1], y[stop - 1]),
                textcoords="offset points",
                xytext=(4, 4),
                color=color,
            )
    if logy:
        ax.set_yscale("log")
        _plain_log_labels(ax.yaxis)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(names) > 1:
        ax.legend(frameon=False)
    return ax


def _plain_log_labels(axis: Any) -> None:
    """Label a log axis 0.001, 0.01, 0.1 rather than 10⁻³ (plain text draws much faster).

    Minor ticks are labelled only when the axis spans less than a decade, where there
    would otherwise be at most one label.
    """
    from matplotlib.ticker import FuncFormatter

    def major(v: float, _: Any) -> str:
        return f"{v:g}"

    def minor(v: float, _: Any) -> str:
        lo, hi = sorted(axis.get_view_interval())
        if lo > 0 and hi / lo < 10:
            return f"{v:.2g}"
        return ""

    axis.set_major_formatter(FuncFormatter(major))
    axis.set_minor_formatter(FuncFormatter(minor))


def history_curves(history: Any, axes: Any = None) -> Any:
    """Loss and accuracy of a ``History`` against the epoch, training and validation.

    The best epoch (``history.best_epoch``, the weights early stopping keeps) is a
    dotted vertical line in both panels.

    Parameters
    ----------
    history : History
        From :meth:`dlbook.network.Sequential.fit`.
    axes : a pair of matplotlib Axes, optional
        Where to draw the loss and the accuracy; a new figure of two panels
        when omitted.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If the history holds no epoch yet.
    """
    import matplotlib.pyplot as plt  # drawing is imported lazily

    if not len(history):
        raise ValueError("history_curves: there is nothing to plot yet (no epoch was run).")
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.4))
    else:
        fig = axes[0].figure
    h = history.history
    loss = {"train": h["loss"], **({"validation": h["val_loss"]} if "val_loss" in h else {})}
    acc = {
        "train": h["accuracy"],
        **({"validation": h["val_accuracy"]} if "val_accuracy" in h else {}),
    }
    learning_curves(loss, ax=axes[0], title="Loss", ylabel="mean loss per sample")
    learning_curves(acc, ax=axes[1], title="Accuracy", ylabel="accuracy (fraction)")
    best = history.best_epoch
    if best is not None:
        for ax in axes[:2]:
            ax.axvline(best, color="0.6", lw=0.8, ls=":", label="best epoch")
    fig.tight_layout()
    return fig


def function_fit(
    x: Any,
    y_true: Any,
    y_pred: Any,
    hidden: Any = None,
    *,
    ax: Any = None,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    show_mse: bool = True,
) -> Any:
    """Plot a target function, a network's fit, and optionally each hidden unit's part.

    For a network with one hidden layer and a linear output,
    ``p(x) = b + Σ_j W2[j] h_j(x)``: pass ``hidden[:, j] = W2[j] * h_j(x)`` to see the
    fit as a sum of the hidden units' contributions (sigmoid "steps" for sigmoid units).

    Parameters
    ----------
    x : array of shape (N,) or (N, 1)
        Inputs; need not be sorted.
    y_true, y_pred : arrays of shape (N,) or (N, 1)
        Target and network output at ``x``.
    hidden : array of shape (N, H), optional
        Each hidden unit's contribution to the output at ``x``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    title : str, optional
        Default: ``"Fit with H hidden units"`` (or ``"Fit"``).
    xlabel, ylabel : str
        Axis labels.
    show_mse : bool
        Append the mean squared error of the fit to the title.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If the lengths of ``x``, ``y_true``, ``y_pred`` and ``hidden`` differ.
    """
    import matplotlib.pyplot as plt

    xs = _host1d(x, "function_fit: x")
    yt = _host1d(y_true, "function_fit: y_true")
    yp = _host1d(y_pred, "function_fit: y_pred")
    if not (len(xs) == len(yt) == len(yp)):
        raise ValueError(
            f"function_fit: x, y_true and y_pred must have the same length; got "
            f"{len(xs)}, {len(yt)} and {len(yp)}."
        )
    hid = None
    if hidden is not None:
        hid = np.asarray(backend.to_cpu(hidden), dtype=np.float64)
        if hid.ndim == 1:
            hid = hid[:, None]
        if hid.ndim != 2 or hid.shape[0] != len(xs):
            raise ValueError(
                f"function_fit: hidden must have shape (N, H) with N = {len(xs)} "
                f"(one column per hidden unit); got {hid.shape}."
            )
    order = np.argsort(xs, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.6))
    if hid is not None:
        for j in range(hid.shape[1]):
            ax.plot(
                xs[order],
                hid[order, j],
                color="C2",
                lw=0.9,
                alpha=0.7,
                ls="--",
                label="hidden units' contributions" if j == 0 else None,
            )
    ax.plot(xs[order], yt[order], color=COLORS["target"], lw=2.2, label="target")
    ax.plot(xs[order], yp[order], color=COLORS["train"], lw=1.8, label="network")
    if title is None:
        title = f"Fit with {hid.shape[1]} hidden units" if hid is not None else "Fit"
    if show_mse:
        mse = float(np.mean((yp - yt) ** 2))
        title = f"{title} (MSE {_sig3(mse)})"
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize="small")
    return ax


def _sig3(v: float) -> str:
    """Three significant digits, the book's precision for costs."""
    if v == 0 or not math.isfinite(v):
        return str(v)
    return f"{v:.3g}"
