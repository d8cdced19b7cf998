"""Decision-boundary figures for classifiers on two inputs.

Built in chapter 01 (the perceptron) and reused by chapters 02-04 for multilayer
networks and softmax classifiers. Any classifier works: give
:func:`decision_boundary` a function that maps inputs of shape (M, 2) to class
labels (M,) or to class scores (M, K), and it colours the plane by the predicted
class, draws the boundaries between classes and the labelled points on top.

Class k has the same colour and marker in every figure of the book
(:data:`CLASS_COLORS`, :data:`CLASS_MARKERS`): class 0 blue circles, class 1 red
squares, class 2 green triangles, ...

    from dlbook.plots import boundaries
    ax = boundaries.decision_boundary(model.predict, x, y, title="after training")
    boundaries.linear_boundary(w, b, ax)          # a line w·x + b = 0 and its normal w

matplotlib is imported inside the functions that draw. Arrays from a GPU are
brought to the host with :func:`dlbook.backend.to_cpu`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import backend

__all__ = [
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "boundary_path",
    "class_color",
    "decision_boundary",
    "linear_boundary",
    "plane_grid",
    "scatter_classes",
]

#: Colour of class k (index k), the same in every chapter.
CLASS_COLORS: tuple[str, ...] = (
    "#1f77b4",  # 0 blue
    "#d62728",  # 1 red
    "#2ca02c",  # 2 green
    "#9467bd",  # 3 purple
    "#ff7f0e",  # 4 orange
    "#8c564b",  # 5 brown
    "#e377c2",  # 6 pink
    "#7f7f7f",  # 7 grey
    "#bcbd22",  # 8 olive
    "#17becf",  # 9 cyan
)
#: Marker of class k, so that classes differ without colour too.
CLASS_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def class_color(k: int) -> str:
    """The colour of class ``k`` (cycling after ten classes)."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def _host_points(x: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(backend.to_cpu(x), dtype=np.float64)
    y = np.asarray(backend.to_cpu(y))
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(
            f"{where}: x must have shape (N, 2), two inputs per sample; got {x.shape}. "
            "Plot two chosen columns, e.g. x[:, [0, 2]]."
        )
    if y.shape != (x.shape[0],):
        raise ValueError(f"{where}: y must have shape ({x.shape[0]},); got {y.shape}.")
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise ValueError(f"{where}: y must hold integer class labels 0, 1, ...; got floats.")
        y = y.astype(np.int64)
    if y.dtype.kind not in "biu" or (y.size and y.min() < 0):
        raise ValueError(f"{where}: y must hold class labels 0, 1, 2, ...; got {y[:5]}.")
    return x, y.astype(np.int64)


def plane_grid(
    x: Any, *, padding: float = 0.5, resolution: int = 200, limits: Sequence[float] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A regular grid over the plane that holds the points ``x`` (N, 2).

    Parameters
    ----------
    x : ndarray of shape (N, 2)
    padding : float
        Margin added around the points, in the units of the inputs.
    resolution : int
        Grid points along each axis.
    limits : (x1_min, x1_max, x2_min, x2_max), optional
        Use these limits instead of the points' range.

    Returns
    -------
    xx, yy : ndarray of shape (resolution, resolution)
        The coordinates, as from ``np.meshgrid``.
    grid : ndarray of shape (resolution**2, 2), float64
        The same points as rows, ready for a predict function.
    """
    if limits is None:
        x = np.asarray(backend.to_cpu(x), dtype=np.float64)
        lo, hi = x.min(axis=0) - padding, x.max(axis=0) + padding
        limits = (lo[0], hi[0], lo[1], hi[1])
    if len(limits) != 4:
        raise ValueError(
            f"plane_grid: limits must be (x1_min, x1_max, x2_min, x2_max); got {limits}."
        )
    x1 = np.linspace(limits[0], limits[1], resolution)
    x2 = np.linspace(limits[2], limits[3], resolution)
    xx, yy = np.meshgrid(x1, x2)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _labels_from(out: Any, m: int) -> np.ndarray:
    """Class labels (m,) from what a predict function returned: labels or scores."""
    a = np.asarray(backend.to_cpu(out))
    if a.ndim == 2 and a.shape[0] == m and a.shape[1] > 1:
        return a.argmax(axis=1).astype(np.int64)  # scores (M, K) -> labels
    a = a.reshape(-1)
    if a.shape != (m,):
        raise ValueError(
            f"decision_boundary: predict_fn returned shape {np.asarray(out).shape}; expected "
            f"class labels ({m},) or class scores ({m}, K) for the {m} grid points."
        )
    if a.dtype.kind == "b":
        return a.astype(np.int64)
    if a.dtype.kind == "f" and not np.all(a == np.round(a)):
        raise ValueError(
            "decision_boundary: predict_fn returned non-integer values of shape "
            f"({m},). Return class labels (e.g. probabilities >= 0.5 as 0/1), or "
            "scores of shape (M, K)."
        )
    return a.astype(np.int64)


def scatter_classes(
    x: Any,
    y: Any,
    ax: Any,
    *,
    class_names: Sequence[str] | None = None,
    size: float = 30.0,
    edgecolor: str = "k",
    label_prefix: str = "",
) -> list[Any]:
    """Draw the points of each class in its colour and marker; returns the artists."""
    x, y = _host_points(x, y, "scatter_classes")
    artists = []
    for k in np.unique(y).tolist():
        sel = y == k
        name = class_names[k] if class_names is not None and k < len(class_names) else f"class {k}"
        artists.append(
            ax.scatter(
                x[sel, 0],
                x[sel, 1],
                s=size,
                c=class_color(k),
                marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                edgecolors=edgecolor,
                linewidths=0.6,
                label=f"{label_prefix}{name}",
                zorder=3,
            )
        )
    return artists


def decision_boundary(
    predict_fn: Callable[[Any], Any],
    x: Any,
    y: Any,
    ax: Any = None,
    *,
    resolution: int = 200,
    padding: float = 0.5,
    limits: Sequence[float] | None = None,
    class_names: Sequence[str] | None = None,
    n_classes: int | None = None,
    title: str | None = None,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    legend: bool = True,
    region_alpha: float = 0.18,
) -> Any:
    """Colour the plane by a classifier's prediction and draw the labelled points.

    Parameters
    ----------
    predict_fn : callable
        Takes an array of shape (M, 2) (on the current device) and returns class
        labels of shape (M,) or class scores of shape (M, K) (argmax is taken).
    x : ndarray of shape (N, 2)
        The points to draw.
    y : ndarray of shape (N,), int
        Their classes, 0, 1, 2, ...
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    resolution : int
        Grid points per axis at which ``predict_fn`` is evaluated.
    padding : float
        Margin around the points, in input units.
    limits : (x1_min, x1_max, x2_min, x2_max), optional
        The region to show instead of the points' range.
    class_names : sequence of str, optional
        Legend names of classes 0, 1, ...
    n_classes : int, optional
        The number of classes, when some class is neither predicted nor present.
    title, xlabel, ylabel : str
        Text of the axes. Give units in the labels when the inputs have units.
    legend : bool
        Draw a legend of the classes.
    region_alpha : float
        Opacity of the coloured regions.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``x`` is not (N, 2), ``y`` not (N,) integer labels, or ``predict_fn``
        returns something of the wrong shape.
    """
    import matplotlib.pyplot as plt  # drawing is imported lazily
    from matplotlib.colors import ListedColormap

    x_host, y_host = _host_points(x, y, "decision_boundary")
    xx, yy, grid = plane_grid(x_host, padding=padding, resolution=resolution, limits=limits)
    labels = _labels_from(predict_fn(backend.asarray(grid)), grid.shape[0])
    k = int(max(labels.max(initial=0), y_host.max(initial=0))) + 1
    k = max(k, n_classes or 0, 2)
    zz = labels.reshape(xx.shape)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.4, 3.8))
    colors = [class_color(i) for i in range(k)]
    levels = np.arange(k + 1) - 0.5
    ax.contourf(xx, yy, zz, levels=levels, cmap=ListedColormap(colors), alpha=region_alpha)
    if np.unique(zz).size > 1:  # boundaries between the regions
        ax.contour(xx, yy, zz, levels=np.arange(k - 1) + 0.5, colors="k", linewidths=1.0)
    scatter_classes(x_host, y_host, ax, class_names=class_names)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8, framealpha=0.8)
    return ax


def linear_boundary(
    w: Any,
    b: float,
    ax: Any,
    *,
    show_normal: bool = True,
    color: str = "k",
    label: str | None = "boundary $\\mathbf{w}\\cdot\\mathbf{x} + b = 0$",
    **line_kw: Any,
) -> Any:
    """Draw the line ``w[0] x1 + w[1] x2 + b = 0`` across the axes, and its normal ``w``.

    The axes' limits are kept. The arrow starts on the line and points along
    ``w``, towards the side where the unit fires (``w·x + b > 0``); it is left out
    when the line does not cross the view.

    Parameters
    ----------
    w : ndarray of shape (2,)
    b : float
    ax : matplotlib Axes
        Drawn on; its limits decide how long the line is.
    show_normal : bool
        Draw the arrow of ``w``.
    color, label, **line_kw
        Passed to ``ax.plot``.

    Returns
    -------
    The Line2D, or None when ``w = 0`` (every input is on the same side: no line).
    """
    w = np.asarray(backend.to_cpu(w), dtype=np.float64).reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"linear_boundary: w must have 2 values (two inputs); got {w.shape}.")
    b = float(backend.to_cpu(b)) if not isinstance(b, (int, float)) else float(b)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    norm = float(np.hypot(w[0], w[1]))
    if norm == 0.0:
        return None
    if abs(w[1]) >= abs(w[0]):  # solve for x2
        x1 = np.array(xlim)
        x2 = -(w[0] * x1 + b) / w[1]
    else:  # nearly vertical: solve for x1
        x2 = np.array(ylim)
        x1 = -(w[1] * x2 + b) / w[0]
    (line,) = ax.plot(x1, x2, color=color, label=label, **line_kw)
    # The point of the line closest to the centre of the view; the arrow of w starts there.
    centre = np.array([np.mean(xlim), np.mean(ylim)])
    unit = w / norm
    foot = centre - (centre @ w + b) / norm * unit
    inside = xlim[0] <= foot[0] <= xlim[1] and ylim[0] <= foot[1] <= ylim[1]
    if show_normal and inside:
        length = 0.18 * min(xlim[1] - xlim[0], ylim[1] - ylim[0])
        ax.annotate(
            "",
            xy=tuple(foot + length * unit),
            xytext=tuple(foot),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.5},
        )
        ax.text(*(foot + 1.15 * length * unit), "$\\mathbf{w}$", color=color, fontsize=11)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return line


def boundary_path(
    ws: Any,
    bs: Any,
    x: Any,
    y: Any,
    ax: Any = None,
    *,
    padding: float = 0.5,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    step_name: str = "epoch",
) -> Any:
    """Draw a sequence of linear boundaries, light to dark, over the labelled points.

    Parameters
    ----------
    ws : ndarray of shape (T, 2)
        Weights after each step (for example ``history.w`` of a perceptron).
    bs : ndarray of shape (T,)
        The biases.
    x, y : the points (N, 2) and their classes (N,)
    step_name : str
        What one row is, for the colour bar ("epoch", "update").

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    ws = np.asarray(backend.to_cpu(ws), dtype=np.float64)
    bs = np.asarray(backend.to_cpu(bs), dtype=np.float64).reshape(-1)
    if ws.ndim != 2 or ws.shape[1] != 2 or bs.shape != (ws.shape[0],):
        raise ValueError(
            f"boundary_path: ws must be (T, 2) and bs (T,); got {ws.shape} and {bs.shape}."
        )
    x_host, y_host = _host_points(x, y, "boundary_path")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 3.8))
    lo, hi = x_host.min(axis=0) - padding, x_host.max(axis=0) + padding
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    scatter_classes(x_host, y_host, ax, class_names=class_names)
    greys = plt.get_cmap("Greys")
    t_last = max(ws.shape[0] - 1, 1)

    def shade(t: float) -> Any:  # light grey (first) to black (last)
        return greys(0.25 + 0.75 * t / t_last)

    for t in range(ws.shape[0]):
        last = t == ws.shape[0] - 1
        linear_boundary(
            ws[t],
            bs[t],
            ax,
            show_normal=last,
            color=shade(t),
            label=None,
            lw=2.2 if last else 1.0,
            alpha=1.0 if last else 0.6,
        )
    from matplotlib.colors import LinearSegmentedColormap

    ramp = LinearSegmentedColormap.from_list("path", [shade(0), shade(t_last)])
    bar = ax.figure.colorbar(ScalarMappable(Normalize(0, t_last), ramp), ax=ax)
    bar.set_label(step_name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize=8, framealpha=0.8)
    return ax
