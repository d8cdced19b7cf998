"""Chapter 03's playground: pick a test image and see the probabilities a classifier gives it.

    from dlbook.interactive import ch03
    ch03.prediction_explorer(predict_proba, x_test, y_test)

A slider picks the image; **◀ mistake** and **mistake ▶** jump to the previous or
next misclassified image. The figure shows the image beside the bar chart of its
ten probabilities (predicted class in green when right, red when wrong; true class
outlined). The state and drawing live in :class:`PredictionExplorer`, which has no
widget code, so tests drive it headlessly; the widget only wires controls to it.
ipywidgets and matplotlib are imported inside the functions. Built in chapter 03.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from ._figure import blank_figure, png_bytes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["PredictionExplorer", "prediction_explorer"]


def _probabilities(predict: Any, images: Any) -> np.ndarray:
    """(N, K) probabilities on the host, from a function of the images or an array."""
    p = predict(images) if callable(predict) else predict
    p = np.asarray(backend.to_cpu(p), dtype=np.float64)
    n = len(images)
    if p.ndim != 2 or p.shape[0] != n:
        raise ValueError(
            f"prediction_explorer: predict must give probabilities of shape (N, K) = ({n}, K) "
            f"for {n} images; got shape {p.shape}."
        )
    if not np.isfinite(p).all() or p.min() < 0 or not np.allclose(p.sum(axis=1), 1, atol=1e-3):
        raise ValueError(
            "prediction_explorer: predict must give probabilities (rows of non-negative numbers "
            "summing to 1). If it gives scores (logits), wrap it: "
            "lambda x: functions.softmax(model.predict(x))."
        )
    return p


class PredictionExplorer:
    """Which test image is shown, what the classifier says about it, and the figure.

    Parameters
    ----------
    probabilities : ndarray of shape (N, K), float
        Predicted probabilities of every image (rows sum to 1).
    images : ndarray of shape (N, H, W) or (N, H*W)
        The images, pixel values in [0, 1].
    labels : ndarray of shape (N,), int, optional
        True classes; without them there are no mistakes to jump to.
    classes : sequence of C names, optional
        Class names for the bars (by default 0 … K−1).

    Raises
    ------
    ValueError
        If the shapes do not agree or the probabilities are not probabilities.
    """

    def __init__(
        self,
        probabilities: Any,
        images: Any,
        labels: Any = None,
        classes: Sequence[Any] | None = None,
    ) -> None:
        self.images = np.asarray(backend.to_cpu(images))
        self.probabilities = _probabilities(probabilities, self.images)
        n, c = self.probabilities.shape
        self.classes = [str(k) for k in (classes if classes is not None else range(c))]
        if len(self.classes) != c:
            raise ValueError(
                f"prediction_explorer: {len(self.classes)} class names for {c} probabilities."
            )
        self.predicted = self.probabilities.argmax(axis=1)
        if labels is None:
            self.labels = None
            self.mistakes = np.zeros(0, dtype=np.int64)
        else:
            self.labels = np.asarray(backend.to_cpu(labels)).astype(np.int64)
            if self.labels.shape != (n,):
                raise ValueError(
                    f"prediction_explorer: labels must have shape ({n},), one per image; "
                    f"got {self.labels.shape}."
                )
            self.mistakes = np.flatnonzero(self.predicted != self.labels)
        self.index = 0

    def __len__(self) -> int:
        return self.probabilities.shape[0]

    def select(self, i: int) -> int:
        """Show image ``i`` (0-based). Returns it.

        Raises
        ------
        ValueError
            If ``i`` is not in [0, N).
        """
        if not 0 <= int(i) < len(self):
            raise ValueError(f"select: image index must lie in [0, {len(self)}); got {i}.")
        self.index = int(i)
        return self.index

    def next_mistake(self) -> int:
        """Move to the first mistake after the current image (wrapping round). Returns the index.

        With no mistakes (or no labels) the index stays where it is.
        """
        if self.mistakes.size:
            later = self.mistakes[self.mistakes > self.index]
            self.index = int(later[0] if later.size else self.mistakes[0])
        return self.index

    def previous_mistake(self) -> int:
        """Move to the last mistake before the current image (wrapping round). Returns the index."""
        if self.mistakes.size:
            earlier = self.mistakes[self.mistakes < self.index]
            self.index = int(earlier[-1] if earlier.size else self.mistakes[-1])
        return self.index

    def caption(self) -> str:
        """One line about the image shown: its number, true class, prediction and confidence."""
        i = self.index
        k = int(self.predicted[i])
        text = (
            f"image {i} of {len(self)}: predicted {self.classes[k]} "
            f"with p = {self.probabilities[i, k]:.3f}"
        )
        if self.labels is not None:
            t = int(self.labels[i])
            verdict = "right" if t == k else "a mistake"
            text += (
                f", true class {self.classes[t]} ({verdict}; {self.mistakes.size} mistakes in all)"
            )
        return text

    def draw(self, fig: Figure | None = None) -> Figure:
        """Draw the current image and its probability bars (into ``fig`` if given)."""
        from ..plots.images import image_with_probabilities

        fig = blank_figure(fig, (6.4, 2.6))
        i = self.index
        true = None if self.labels is None else int(self.labels[i])
        return image_with_probabilities(
            self.images[i], self.probabilities[i], self.classes, true=true, fig=fig
        )

    def png(self, fig: Figure | None = None) -> bytes:
        """The current figure as PNG bytes (what the widget shows)."""
        return png_bytes(self.draw(fig))


def prediction_explorer(
    predict: Callable[[Any], Any] | Any,
    images: Any,
    labels: Any = None,
    classes: Sequence[Any] | None = None,
    *,
    start: int = 0,
) -> Any:
    """A widget to pick a test image and see the classifier's probabilities for it.

    Parameters
    ----------
    predict : callable or ndarray of shape (N, K)
        ``predict(images)`` giving probabilities (N, K), called once on all the
        images; or the probabilities themselves.
    images : ndarray of shape (N, H, W) or (N, H*W)
    labels : ndarray of shape (N,), int, optional
        True classes (enable the mistake buttons).
    classes : sequence of C names, optional
    start : int
        The image shown first.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``explorer`` (the :class:`PredictionExplorer`), ``slider``,
        ``previous_button``, ``next_button``, ``caption`` and ``image`` (an
        ``ipywidgets.Image`` holding the PNG of the figure).

    Raises
    ------
    ValueError
        As :class:`PredictionExplorer`, or for a ``start`` outside [0, N).
    """
    import ipywidgets as w  # widgets are imported lazily
    from matplotlib.figure import Figure

    explorer = PredictionExplorer(predict, images, labels, classes)
    explorer.select(start)
    fig = Figure(figsize=(6.4, 2.6), dpi=80)
    slider = w.IntSlider(
        value=explorer.index,
        min=0,
        max=len(explorer) - 1,
        description="image",
        continuous_update=False,
        layout={"width": "420px"},
    )
    has_mistakes = explorer.mistakes.size > 0
    previous_button = w.Button(description="◀ mistake", disabled=not has_mistakes)
    next_button = w.Button(description="mistake ▶", disabled=not has_mistakes)
    caption = w.Label(value=explorer.caption())
    image = w.Image(value=explorer.png(fig), format="png")

    def refresh() -> None:
        caption.value = explorer.caption()
        image.value = explorer.png(fig)

    def on_slide(change: dict[str, Any]) -> None:
        if change["new"] != explorer.index:
            explorer.select(change["new"])
            refresh()

    def jump(move: Callable[[], int]) -> None:
        move()
        slider.value = explorer.index  # on_slide sees the index already moved: no double draw
        refresh()

    slider.observe(on_slide, names="value")
    previous_button.on_click(lambda _: jump(explorer.previous_mistake))
    next_button.on_click(lambda _: jump(explorer.next_mistake))
    box = w.VBox([w.HBox([slider, previous_button, next_button]), caption, image])
    box.explorer, box.slider, box.caption, box.image = explorer, slider, caption, image
    box.previous_button, box.next_button = previous_button, next_button
    return box
