"""Figures of training deep networks: weights, gradients per layer, optimisers, searches, speed.

    from dlbook.plots import training
    training.weight_histograms({"none": w0, "L2": w2, "L1": w1})       # log-count histograms
    training.accuracy_bars({"none": r0, "dropout": r1})                 # train vs test per method
    training.gradient_norm_profile({"sigmoid": g1, "ReLU, He": g2})    # ‖∂C/∂W‖ per layer, log
    training.optimizer_paths(f, {"SGD": path1, "Adam": path2}, ...)    # steps on a 2-D surface
    training.optimizer_comparison({"SGD": losses1, "Adam": losses2})   # loss per epoch
    training.search_scatter(grid_trials, random_trials)                  # grid vs random search
    training.batch_size_tradeoff(sizes, seconds, measured, predicted)   # time and noise
    training.throughput_lines({"NumPy float32": {256: 80.0, ...}})      # GFLOP/s against n

Train, validation and test keep the book's colours (:data:`dlbook.plots.curves.COLORS`);
each optimiser keeps one colour in every figure (:data:`OPTIMIZER_COLORS`). Arrays
from a GPU are copied to the host first. matplotlib is imported inside the functions.
Built in chapter 04.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from .curves import COLORS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OPTIMIZER_COLORS",
    "accuracy_bars",
    "batch_size_tradeoff",
    "gradient_norm_profile",
    "optimizer_comparison",
    "optimizer_paths",
    "search_scatter",
    "seed_comparison",
    "throughput_lines",
    "weight_histograms",
]

#: One colour per optimiser, the same in the paths and in the loss curves.
OPTIMIZER_COLORS = {
    "SGD": "tab:blue",
    "momentum": "tab:orange",
    "Nesterov": "tab:green",
    "AdaGrad": "tab:red",
    "RMSProp": "tab:purple",
    "Adam": "tab:brown",
}


def _host(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(backend.to_cpu(a), dtype=np.float64)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to draw.")
    return arr


def _axes(ax: Any, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # drawing is imported lazily

    _, new = plt.subplots(figsize=figsize)
    return new


def _mapping(obj: Any, what: str, where: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping) or not obj:
        raise TypeError(
            f"{where}: give a dict of name -> {what}, e.g. {{'none': ..., 'L2': ...}}; "
            f"got {type(obj).__name__}{' (empty)' if isinstance(obj, Mapping) else ''}."
        )
    return obj


def _color(name: str, i: int) -> str:
    return OPTIMIZER_COLORS.get(name, f"C{i % 10}")


# --- weights -------------------------------------------------------------------------------------


def weight_histograms(
    weights: Mapping[str, Any],
    *,
    bins: int = 121,
    limit: float | None = None,
    logy: bool = True,
    ax: Any = None,
    title: str = "Weights after training",
) -> Axes:
    """Histograms of weight values, one outline per model, on shared bins.

    A log count axis shows both the bulk of the weights and the spike of near-zero
    weights that an L1 penalty makes.

    Parameters
    ----------
    weights : dict of name -> array or list of arrays
        E.g. ``{"no penalty": W0, "L2": W2, "L1": W1}``; lists (one array per
        layer) are pooled.
    bins : int
        Number of bins over [−limit, limit].
    limit : float, optional
        Half-width of the range; default: the largest |w| over all models.
    logy : bool
        Logarithmic count axis.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes
    """
    weights = _mapping(weights, "weight array", "weight_histograms")
    pooled = {}
    for name, w in weights.items():
        parts = w if isinstance(w, (list, tuple)) else [w]
        pooled[name] = np.concatenate([_host(p, f"weights[{name!r}]").ravel() for p in parts])
    if limit is None:
        limit = max(float(np.abs(v).max()) for v in pooled.values()) or 1.0
    edges = np.linspace(-limit, limit, bins + 1)
    ax = _axes(ax, (6.0, 3.6))
    for i, (name, v) in enumerate(pooled.items()):
        ax.hist(v, bins=edges, histtype="step", lw=1.5, color=f"C{i % 10}", label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel("weight value w")
    ax.set_ylabel("number of weights" + (" (log scale)" if logy else ""))
    if len(pooled) > 1:
        ax.legend(frameon=False)
    return ax


def accuracy_bars(
    results: Mapping[str, Mapping[str, float]],
    *,
    ax: Any = None,
    title: str = "Training and test accuracy",
    low: float | None = None,
) -> Axes:
    """Grouped bars of training and test accuracy, one group per method, gap written above.

    Parameters
    ----------
    results : dict of name -> dict
        Each with ``train_accuracy`` and ``test_accuracy`` in [0, 1], as
        :func:`dlbook.experiments.generalization` returns.
    ax : matplotlib Axes, optional
    title : str
    low : float, optional
        Bottom of the accuracy axis in per cent (default 0: a bar's length is its value).

    Returns
    -------
    matplotlib Axes
    """
    results = _mapping(results, "dict of accuracies", "accuracy_bars")
    names = list(results)
    for name in names:
        missing = {"train_accuracy", "test_accuracy"} - set(results[name])
        if missing:
            raise KeyError(f"accuracy_bars: results[{name!r}] has no {sorted(missing)}.")
    train = np.array([100 * results[n]["train_accuracy"] for n in names])
    test = np.array([100 * results[n]["test_accuracy"] for n in names])
    ax = _axes(ax, (max(4.0, 1.3 * len(names) + 1.5), 3.4))
    pos = np.arange(len(names))
    ax.bar(pos - 0.2, train, 0.4, color=COLORS["train"], label="train")
    ax.bar(pos + 0.2, test, 0.4, color=COLORS["test"], label="test")
    for p, a, b in zip(pos, train, test, strict=True):
        ax.annotate(f"gap {a - b:.1f}", (p, max(a, b)), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")  # fmt: skip
    ax.set_ylim(0.0 if low is None else max(float(low), 0.0), 104)
    ax.set_xticks(pos)
    ax.set_xticklabels(names)
    ax.set_ylabel("accuracy (%)")
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


# --- gradients per layer -------------------------------------------------------------------------


def seed_comparison(
    results: Mapping[str, Any],
    *,
    ax: Any = None,
    title: str = "Validation accuracy over seeds",
    xlabel: str = "validation accuracy (%)",
    scale: float = 100.0,
) -> Axes:
    """One row per method: every seed's value as a dot, and the mean ± one standard deviation.

    A dot plot rather than bars, so that the axis can show the range where the values
    lie without pretending that a bar's length is the value.

    Parameters
    ----------
    results : dict of name -> sequence of float
        One value per seed (e.g. validation accuracy in [0, 1]); at least two per method.
    ax : matplotlib Axes, optional
    title, xlabel : str
    scale : float
        Multiplies the values (100 turns fractions into per cent).

    Returns
    -------
    matplotlib Axes
    """
    results = _mapping(results, "list of values, one per seed", "seed_comparison")
    names = list(results)
    values = [scale * _host(results[n], f"seed_comparison: results[{n!r}]").ravel() for n in names]
    for name, v in zip(names, values, strict=True):
        if v.size < 2:
            raise ValueError(f"seed_comparison: results[{name!r}] needs at least two seeds.")
    ax = _axes(ax, (6.4, 0.5 * len(names) + 1.2))
    for row, (name, v) in enumerate(zip(names, values, strict=True)):
        y = len(names) - 1 - row  # first method on top
        ax.plot(v, np.full(v.size, y), "o", color="0.55", markersize=4, alpha=0.8,
                label="one seed" if row == 0 else None)  # fmt: skip
        mean, sd = float(v.mean()), float(v.std(ddof=1))
        ax.errorbar(mean, y, xerr=sd, fmt="D", color=_color(name, row), capsize=4,
                    label="mean ± sd" if row == 0 else None)  # fmt: skip
        ax.annotate(f"{mean:.1f} ± {sd:.1f}", (mean, y), xytext=(0, 7), textcoords="offset points",
                    ha="center", fontsize=8)  # fmt: skip
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names[::-1])
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def gradient_norm_profile(
    norms: Mapping[str, Any],
    *,
    ax: Any = None,
    title: str = "Gradient size per layer",
    ylabel: str = "‖∂C/∂W‖ (log scale)",
) -> Axes:
    """Per-layer gradient norms, one line per network, on a log axis (layer 1 = the input layer).

    Parameters
    ----------
    norms : dict of name -> array of shape (L,)
        E.g. from :func:`dlbook.experiments.gradient_norms`.

    Returns
    -------
    matplotlib Axes
    """
    norms = _mapping(norms, "array of per-layer norms", "gradient_norm_profile")
    ax = _axes(ax, (6.0, 3.6))
    for i, (name, g) in enumerate(norms.items()):
        g = _host(g, f"norms[{name!r}]").ravel()
        layers = np.arange(1, len(g) + 1)
        ax.plot(layers, np.maximum(g, 1e-300), "o-", color=f"C{i % 10}", lw=1.5, ms=4, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(norms) > 1:
        ax.legend(frameon=False, fontsize=8)
    return ax


# --- optimisers ----------------------------------------------------------------------------------


def optimizer_paths(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, Any],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    minimum: Sequence[float] | None = None,
    levels: int = 20,
    ax: Any = None,
    title: str = "Optimisers on a narrow valley",
    legend_loc: str = "upper left",
) -> Axes:
    """The points each optimiser visits, drawn over the contour lines of a 2-D function.

    Parameters
    ----------
    f : callable
        ``f(X, Y)`` evaluates the function on a grid (arrays of the same shape).
    paths : dict of name -> array of shape (T, 2)
        From :func:`dlbook.experiments.optimizer_path`.
    xlim, ylim : (low, high)
        The window drawn.
    minimum : (x, y), optional
        Marked with a star.
    levels : int
        Number of contour lines (on a log scale of f − min f).
    legend_loc : str
        Where matplotlib puts the legend.

    Returns
    -------
    matplotlib Axes
    """
    paths = _mapping(paths, "(T, 2) path", "optimizer_paths")
    ax = _axes(ax, (6.0, 4.0))
    gx, gy = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    z = np.asarray(f(gx, gy), dtype=np.float64)
    z = np.log10(z - z.min() + 1e-3)
    ax.contour(gx, gy, z, levels=levels, colors="0.75", linewidths=0.7)
    for i, (name, p) in enumerate(paths.items()):
        p = _host(p, f"paths[{name!r}]")
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"optimizer_paths: paths[{name!r}] must have shape (T, 2).")
        ax.plot(p[:, 0], p[:, 1], ".-", color=_color(name, i), lw=1.2, ms=3, label=name)
    if minimum is not None:
        ax.plot(*minimum, "*", color="k", ms=12, label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8, loc=legend_loc)
    return ax


def optimizer_comparison(
    curves: Mapping[str, Any],
    *,
    ax: Any = None,
    logy: bool = True,
    title: str = "Training loss, same network and budget",
    xlabel: str = "epoch",
    ylabel: str = "training loss (cross-entropy)",
) -> Axes:
    """Loss against epoch for several optimisers, in their fixed colours.

    Parameters
    ----------
    curves : dict of name -> sequence of losses (epoch 1, 2, …)

    Returns
    -------
    matplotlib Axes
    """
    curves = _mapping(curves, "sequence of losses", "optimizer_comparison")
    ax = _axes(ax, (6.0, 3.6))
    for i, (name, c) in enumerate(curves.items()):
        y = _host(c, f"curves[{name!r}]").ravel()
        ax.plot(np.arange(1, len(y) + 1), y, "-", color=_color(name, i), lw=1.6, label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel + (" (log scale)" if logy else ""))
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    return ax


# --- hyper-parameter search ----------------------------------------------------------------------


def search_scatter(
    grid: Sequence[Any],
    random: Sequence[Any],
    *,
    x: str = "lr",
    y: str = "weight_decay",
    score: str = "validation accuracy (%)",
    fig: Any = None,
) -> Figure:
    """Grid search beside random search: the points tried, coloured by score, best starred.

    Ticks along the top edge mark the distinct values of ``x`` each search tried,
    the point of Bergstra & Bengio (2012): a 3 × 3 grid tries 3 learning rates,
    nine random points try 9.

    Parameters
    ----------
    grid, random : sequences of trials
        Objects with ``.params`` (dict) and ``.score`` (higher is better), e.g.
        :class:`dlbook.experiments.Trial`; scores in [0, 1] are shown in per cent.
    x, y : str
        The two hyper-parameters on the axes (both on log scales).
    score : str
        The colour bar's label.
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib Figure
    """
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(9.0, 3.6))
    both = [t for t in (*grid, *random)]
    if not grid or not random:
        raise ValueError("search_scatter: give the trials of both searches (non-empty lists).")
    scale = 100.0 if max(t.score for t in both) <= 1.0 else 1.0
    lo = min(t.score for t in both) * scale
    hi = max(t.score for t in both) * scale
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    mappable = None
    for ax, trials, name in ((axes[0], grid, "grid search"), (axes[1], random, "random search")):
        xs = np.array([t.params[x] for t in trials], dtype=np.float64)
        ys = np.array([t.params[y] for t in trials], dtype=np.float64)
        sc = np.array([t.score for t in trials], dtype=np.float64) * scale
        mappable = ax.scatter(xs, ys, c=sc, cmap="viridis", vmin=lo, vmax=hi, s=55,
                              edgecolors="k", linewidths=0.5)  # fmt: skip
        b = int(np.argmax(sc))
        ax.plot(xs[b], ys[b], "*", color="tab:red", ms=16, mec="k", mew=0.6)
        for v in np.unique(xs):
            ax.axvline(v, ymin=0.93, ymax=1.0, color="k", lw=1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"{x} (log scale)")
        ax.set_title(
            f"{name}: {len(np.unique(xs))} distinct {x} values\nbest (★) {sc[b]:.1f}", fontsize=10
        )
    axes[0].set_ylabel(f"{y} (log scale)")
    fig.colorbar(mappable, ax=list(axes), label=score)
    return fig


# --- the cost of training ------------------------------------------------------------------------


def batch_size_tradeoff(
    batch_sizes: Sequence[int],
    seconds: Sequence[float],
    measured: Sequence[float],
    predicted: Sequence[float] | None = None,
    *,
    fig: Any = None,
) -> Figure:
    """Two panels against the batch size: time per epoch, and the noise of the gradient.

    Parameters
    ----------
    batch_sizes : sequence of int
    seconds : sequence of float
        Wall-clock time of one epoch for each batch size.
    measured : sequence of float
        E‖g_B − g‖² for each batch size (from :func:`dlbook.experiments.gradient_noise`).
    predicted : sequence of float, optional
        σ²/B · (N − B)/(N − 1), drawn as a dashed line. Where it is 0 (B = N, no
        noise) the batch size is left out of the log-scale noise panel.
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib Figure
    """
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(9.0, 3.4))
    b = _host(batch_sizes, "batch_sizes").ravel()
    t = _host(seconds, "seconds").ravel()
    m = _host(measured, "measured").ravel()
    if not (len(b) == len(t) == len(m)):
        raise ValueError(
            f"batch_size_tradeoff: batch_sizes ({len(b)}), seconds ({len(t)}) and measured "
            f"({len(m)}) must have one value per batch size."
        )
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(b, t, "o-", color="C0")
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log")
    ax1.set_xlabel("batch size B (log scale)")
    ax1.set_ylabel("seconds per epoch (log scale)")
    ax1.set_title("Time for one pass over the data")
    keep = m > 0
    if predicted is not None:
        p = _host(predicted, "predicted").ravel()
        keep &= p > 0
        ax2.plot(b[keep], p[keep], "--", color="0.3", label="σ²/B · (N − B)/(N − 1)")
    ax2.plot(b[keep], m[keep], "o", color="C3", label="measured E‖g_B − g‖²")
    ax2.set_xscale("log", base=2)
    ax2.set_yscale("log")
    ax2.set_xlabel("batch size B (log scale)")
    ax2.set_ylabel("squared distance to full gradient")
    ax2.set_title("Noise of the mini-batch gradient")
    ax2.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def throughput_lines(
    results: Mapping[str, Mapping[int, float]],
    *,
    ax: Any = None,
    title: str = "Matrix multiplication speed on this machine",
) -> Axes:
    """GFLOP/s against matrix size n, one line per (device, dtype).

    Parameters
    ----------
    results : dict of name -> {n: GFLOP/s}
        E.g. ``{"NumPy float32": {256: 60.1, 512: 120.4}, "CuPy float32": {...}}``.

    Returns
    -------
    matplotlib Axes
    """
    results = _mapping(results, "{n: GFLOP/s}", "throughput_lines")
    ax = _axes(ax, (6.0, 3.6))
    for i, (name, by_n) in enumerate(results.items()):
        ns = sorted(by_n)
        style = "--" if "64" in name else "-"
        ax.plot(ns, [by_n[n] for n in ns], "o" + style, color=f"C{i % 10}", label=name)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("matrix size n (n × n times n × n)")
    ax.set_ylabel("GFLOP/s (log scale)")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    return ax
