"""Figures of images and of what a classifier says about them.

- :func:`image_grid`: small multiples of digits in grey, each with a title
  (mistakes can be titled in red);
- :func:`confusion_counts` and :func:`confusion_matrix_figure`: the table of true
  class against predicted class, as numbers and as a picture;
- :func:`probability_bars`: the predicted probabilities of one example, the
  predicted class and the true class marked;
- :func:`image_with_probabilities`: an image beside its probability bars (the
  figure of chapter 03's prediction explorer).

matplotlib is imported inside the functions; arrays from any device are copied to
the host with :func:`dlbook.backend.to_cpu` first. Built in chapter 03 and used by
later chapters (04, 05, 08).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import backend
from ..errors import check_int

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CORRECT",
    "WRONG",
    "confusion_counts",
    "confusion_matrix_figure",
    "image_grid",
    "image_with_probabilities",
    "probability_bars",
]

CORRECT = "tab:green"  # a right answer, everywhere in the book
WRONG = "tab:red"  # a wrong answer
OTHER = "0.75"  # the classes that are neither predicted nor true


def _as_images(images: Any, image_shape: tuple[int, int] | None, where: str) -> np.ndarray:
    """Images on the host as (N, H, W) from (N, H, W), (N, 1, H, W) or flat (N, H*W)."""
    a = np.asarray(backend.to_cpu(images))
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim == 2:
        n, d = a.shape
        if image_shape is None:
            side = math.isqrt(d)
            if side * side != d:
                raise ValueError(
                    f"{where}: flat images of {d} pixels are not square; pass image_shape=(H, W)."
                )
            image_shape = (side, side)
        h, w = image_shape
        if h * w != d:
            raise ValueError(
                f"{where}: image_shape {tuple(image_shape)} holds {h * w} pixels; "
                f"the images have {d}."
            )
        a = a.reshape(n, h, w)
    if a.ndim != 3:
        raise ValueError(
            f"{where}: images must have shape (N, H, W), (N, 1, H, W) or (N, H*W); "
            f"got shape {a.shape}. For one image, pass image[None]."
        )
    return a


def image_grid(
    images: Any,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    title: str | None = None,
    title_colors: Sequence[Any] | None = None,
    image_shape: tuple[int, int] | None = None,
    cmap: str = "gray_r",
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    size: float = 1.0,
) -> Figure:
    """Show images as a grid of small multiples, in grey, each with an optional title.

    Parameters
    ----------
    images : ndarray of shape (N, H, W), (N, 1, H, W) or (N, H*W)
        Pixel values; by default drawn on the scale [0, 1] (ink dark on white).
    titles : sequence of N str, optional
        A short title over each image (``"7 → 1\\np = 0.98"``).
    ncols : int
        Images per row.
    title : str, optional
        The figure's title.
    title_colors : sequence of N colours, optional
        Colour of each image's title, e.g. :data:`WRONG` for a mistake.
    image_shape : (H, W), optional
        The shape of flat images (by default square).
    cmap, vmin, vmax
        Colour map and the values drawn white and black (``None``: each image's own range).
    size : float
        Width of one image in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the images have no usable shape, there are none, or ``titles`` /
        ``title_colors`` do not have one entry per image.
    """
    import matplotlib.pyplot as plt  # drawing is imported lazily

    a = _as_images(images, image_shape, "image_grid")
    n = a.shape[0]
    if n == 0:
        raise ValueError("image_grid: no images to show (got N = 0).")
    for name, seq in (("titles", titles), ("title_colors", title_colors)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"image_grid: {name} has {len(seq)} entries for {n} images.")
    ncols = min(check_int("image_grid", "ncols", ncols), n)
    nrows = math.ceil(n / ncols)
    h, w = a.shape[1:]
    row_h = size * h / w + (0.45 if titles is not None else 0.1)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols, row_h * nrows + (0.4 if title else 0.0)),
        squeeze=False,
    )
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        ax.imshow(a[k], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        if titles is not None:
            color = title_colors[k] if title_colors is not None else "black"
            ax.set_title(titles[k], fontsize=8, color=color)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_counts(y_true: Any, y_pred: Any, n_classes: int | None = None) -> np.ndarray:
    """Count how often each true class is predicted as each class.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (N,), int
        True and predicted class labels.
    n_classes : int, optional
        Number of classes K (by default one more than the largest label).

    Returns
    -------
    ndarray of shape (K, K), int64
        ``cm[i, j]`` is the number of examples of true class i predicted as j: the
        diagonal holds the right answers, each row sums to the count of its class.

    Raises
    ------
    TypeError
        If the labels are not integers.
    ValueError
        If the shapes differ, are not (N,), or a label lies outside [0, K).
    """
    t = np.asarray(backend.to_cpu(y_true))
    p = np.asarray(backend.to_cpu(y_pred))
    for name, v in (("y_true", t), ("y_pred", p)):
        if v.dtype.kind not in "iu":
            raise TypeError(
                f"confusion_counts: {name} must hold integer labels; got dtype {v.dtype}. "
                "For scores (N, K), pass scores.argmax(axis=1)."
            )
        if v.ndim != 1:
            raise ValueError(f"confusion_counts: {name} must have shape (N,); got {v.shape}.")
    if t.shape != p.shape:
        raise ValueError(
            f"confusion_counts: y_true {t.shape} and y_pred {p.shape} must have the same shape."
        )
    if n_classes is None:
        n_classes = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    lo = min(t.min(initial=0), p.min(initial=0))
    hi = max(t.max(initial=0), p.max(initial=0))
    if lo < 0 or (t.size and hi >= n_classes):
        raise ValueError(
            f"confusion_counts: labels must lie in [0, {n_classes}); got labels from {lo} to {hi}."
        )
    flat = t.astype(np.int64) * n_classes + p  # one bin per (true, predicted) pair
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def confusion_matrix_figure(
    cm: Any,
    classes: Sequence[Any] | None = None,
    *,
    errors_only: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a confusion matrix with the count written in each cell.

    Parameters
    ----------
    cm : ndarray of shape (K, K), int
        Counts, rows = true class, columns = predicted class (:func:`confusion_counts`).
    classes : sequence of K labels, optional
        Tick labels (by default 0 … K−1).
    errors_only : bool
        Blank the diagonal and scale the colours to the mistakes alone, which the
        large diagonal otherwise washes out.
    title : str, optional
        By default "Confusion matrix" or "Mistakes only".
    ax : matplotlib Axes, optional
        Where to draw (by default a new figure).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``cm`` is not square or ``classes`` has the wrong length.
    """
    import matplotlib.pyplot as plt

    m = np.asarray(backend.to_cpu(cm))
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(
            f"confusion_matrix_figure: cm must be a square (K, K) array; got shape {m.shape}."
        )
    c = m.shape[0]
    labels = [str(k) for k in (classes if classes is not None else range(c))]
    if len(labels) != c:
        raise ValueError(
            f"confusion_matrix_figure: {len(labels)} class names for a {c}x{c} matrix."
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.42 * c + 1.6, 0.42 * c + 1.0))
    else:
        fig = cast("Figure", ax.figure)
    shown = m.astype(float)
    if errors_only:
        shown[np.diag_indices(c)] = np.nan
    top = np.nanmax(shown) if np.isfinite(shown).any() else 1.0
    top = max(top, 1.0)
    img = ax.imshow(shown, cmap="Reds" if errors_only else "Blues", vmin=0, vmax=top)
    for i in range(c):  # K² labels: at most a few hundred
        for j in range(c):
            if errors_only and i == j:
                continue
            v = m[i, j]
            if v == 0 and errors_only:
                continue
            color = "white" if shown[i, j] > 0.6 * top else "black"
            ax.text(j, i, str(int(v)), ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(c), labels)
    ax.set_yticks(range(c), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    ax.set_title(title or ("Mistakes only" if errors_only else "Confusion matrix"))
    fig.colorbar(img, ax=ax, fraction=0.046, pad=0.04, label="number of examples")
    return fig


def probability_bars(
    p: Any,
    classes: Sequence[Any] | None = None,
    *,
    true: int | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of one example's predicted probabilities.

    The predicted class (the largest bar) is green when it is right and red when
    it is wrong; the true class, when given, is outlined and its label is green.

    Parameters
    ----------
    p : ndarray of shape (K,), float
        Probabilities (a row of a softmax).
    classes : sequence of K labels, optional
        Tick labels (by default 0 … K−1).
    true : int, optional
        The true class.
    title : str, optional
    ax : matplotlib Axes, optional
        Where to draw (by default a new figure).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``p`` is not 1-D, or ``classes`` / ``true`` do not fit it.
    """
    import matplotlib.pyplot as plt

    q = np.asarray(backend.to_cpu(p), dtype=np.float64)
    if q.ndim != 1:
        raise ValueError(
            f"probability_bars: p must have shape (K,) for one example; got {q.shape}. "
            "For a batch, pass one row: p[i]."
        )
    c = q.shape[0]
    labels = [str(k) for k in (classes if classes is not None else range(c))]
    if len(labels) != c:
        raise ValueError(f"probability_bars: {len(labels)} class names for {c} probabilities.")
    if true is not None and not 0 <= int(true) < c:
        raise ValueError(f"probability_bars: true must be a class in [0, {c}); got {true}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 2.6))
    pred = int(np.argmax(q))
    colors = [OTHER] * c
    colors[pred] = CORRECT if true is None or pred == int(true) else WRONG
    bars = ax.bar(range(c), q, color=colors)
    ax.set_ylim(0, 1.05)
    ax.set_xticks(range(c), labels)
    if true is not None:  # the true class: outlined bar and a bold green tick label
        bars[int(true)].set_edgecolor(CORRECT)
        bars[int(true)].set_linewidth(2.0)
        tick = ax.get_xticklabels()[int(true)]
        tick.set_color(CORRECT)
        tick.set_fontweight("bold")
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
    ax.set_title(title or f"predicted {labels[pred]} (p = {q[pred]:.2f})")
    return ax


def image_with_probabilities(
    image: Any,
    p: Any,
    classes: Sequence[Any] | None = None,
    *,
    true: int | None = None,
    title: str | None = None,
    fig: Figure | None = None,
) -> Figure:
    """One image beside the bar chart of its predicted probabilities.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H*W,) (square)
    p : ndarray of shape (K,)
        Predicted probabilities.
    classes : sequence of K labels, optional
    true : int, optional
        The true class (outlined; the image's title says it).
    title : str, optional
        Title of the image panel (by default "true class k" when ``true`` is given).
    fig : Figure, optional
        A figure to clear and draw into (the widget reuses one); by default a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        As :func:`image_grid` and :func:`probability_bars`.
    """
    import matplotlib.pyplot as plt

    a = _as_images(np.asarray(backend.to_cpu(image))[None], None, "image_with_probabilities")[0]
    if fig is None:
        fig = plt.figure(figsize=(6.4, 2.6))
    fig.clear()
    ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    ax_img.imshow(a, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax_img.set_axis_off()
    probability_bars(p, classes, true=true, ax=ax_bar)  # validates p, classes and true
    if title is None and true is not None:
        names = [str(k) for k in classes] if classes is not None else None
        title = f"true class {names[int(true)] if names else int(true)}"
    if title:
        ax_img.set_title(title)
    fig.tight_layout()
    return fig
