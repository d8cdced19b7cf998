"""Chapter 01's playground: move a perceptron's boundary by hand, then watch the rule move it.

Built in chapter 01 (the perceptron)::

    from dlbook.interactive import ch01
    pg = ch01.perceptron_playground()      # shows sliders, buttons and the figure
    pg.step_button.click()                 # what the "Step" button does, from code

Sliders set w1, w2 and b; the figure shows the boundary w·x + b = 0, the normal
vector w and the number of misclassified points. **Step** applies Rosenblatt's
rule to the next sample (in a fixed cyclic order) and says which sample it used
and what changed; **Epoch** does a whole pass; **Reset** returns to w = 0, b = 0.
A menu picks the data: a separable cloud, AND, OR or XOR.

The update logic lives in :class:`PlaygroundState`, a plain object without
widgets, so tests drive it headlessly; :class:`Playground` wires it to
ipywidgets (imported when a playground is built) and draws with matplotlib's
object API (no pyplot state, so nothing leaks into the notebook).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import backend
from ..perceptron import Perceptron, separable_data
from ._figure import png_bytes

__all__ = ["DATASETS", "Playground", "PlaygroundState", "StepReport", "perceptron_playground"]

_GATE_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _cloud() -> tuple[np.ndarray, np.ndarray]:
    x, d, _, _ = separable_data(24, 0.12, rng=7)
    return np.asarray(backend.to_cpu(x)), np.asarray(backend.to_cpu(d))


#: The data sets of the menu: name -> function returning (x (N, 2), d (N,)).
DATASETS: dict[str, Any] = {
    "separable cloud (24 points)": _cloud,
    "AND": lambda: (_GATE_X, np.array([0, 0, 0, 1])),
    "OR": lambda: (_GATE_X, np.array([0, 1, 1, 1])),
    "XOR (not separable)": lambda: (_GATE_X, np.array([0, 1, 1, 0])),
}


@dataclass(frozen=True)
class StepReport:
    """What one application of the rule did.

    Attributes
    ----------
    index : int
        Which sample (row of x) was presented.
    x : tuple of float
        Its inputs.
    d : int
        Its target.
    z : float
        The net input w·x + b before the update.
    y : int
        The unit's output step(z) before the update.
    delta : int
        d - y: 0 (no change), +1 or -1.
    w_before, w_after : tuple of float
    b_before, b_after : float
    """

    index: int
    x: tuple[float, ...]
    d: int
    z: float
    y: int
    delta: int
    w_before: tuple[float, ...]
    b_before: float
    w_after: tuple[float, ...]
    b_after: float

    def describe(self, eta: float) -> str:
        """One or two plain sentences for the reader."""
        xs = ", ".join(f"{v:.2f}" for v in self.x)
        head = (
            f"sample #{self.index}: x = ({xs}), d = {self.d}; z = {self.z:.2f}, so y = {self.y}. "
        )
        if self.delta == 0:
            return head + "Correct: no change."
        wa = ", ".join(f"{v:.2f}" for v in self.w_after)
        sign = "+" if self.delta > 0 else "−"
        return head + (
            f"Mistake: w ← w {sign} η x = ({wa}), b ← b {sign} η = {self.b_after:.2f} "
            f"(η = {eta:g})."
        )


class PlaygroundState:
    """The playground's logic: data, a perceptron, and the next sample to present.

    Parameters
    ----------
    x : ndarray of shape (N, 2)
    d : ndarray of shape (N,), 0/1
    eta : float
        The learning rate of the rule.
    """

    def __init__(self, x: Any, d: Any, eta: float = 1.0) -> None:
        self.perceptron = Perceptron(2, eta=eta)
        self.load(x, d)

    def load(self, x: Any, d: Any) -> None:
        """Use new data and start again from w = 0, b = 0."""
        x = np.asarray(backend.to_cpu(x), dtype=np.float64)
        d = np.asarray(backend.to_cpu(d)).astype(np.int64)
        if x.ndim != 2 or x.shape[1] != 2:
            raise ValueError(f"PlaygroundState: x must have shape (N, 2); got {x.shape}.")
        if d.shape != (x.shape[0],) or not set(np.unique(d).tolist()) <= {0, 1}:
            raise ValueError(
                f"PlaygroundState: d must have shape ({x.shape[0]},) with values 0/1; "
                f"got shape {d.shape}."
            )
        self.x, self.d = x, d
        self.reset()

    def reset(self) -> None:
        """Weights and bias back to zero; the next sample is #0 of epoch 1."""
        self.perceptron.reset()
        self.next_index = 0
        self.epoch = 1
        self.updates = 0
        self.last: StepReport | None = None

    @property
    def w(self) -> np.ndarray:
        """The current weights (2,), on the host."""
        return np.asarray(backend.to_cpu(self.perceptron.w), dtype=np.float64)

    @property
    def b(self) -> float:
        """The current bias."""
        return float(self.perceptron.b)

    @property
    def eta(self) -> float:
        return self.perceptron.eta

    def set_weights(self, w1: float, w2: float, b: float) -> None:
        """Put the weights by hand (the sliders)."""
        self.perceptron.w[...] = backend.asarray(np.array([w1, w2], dtype=np.float64))
        self.perceptron.b[...] = float(b)
        self.last = None

    def misclassified(self) -> np.ndarray:
        """Boolean (N,): which samples the current weights get wrong."""
        return np.asarray(backend.to_cpu(self.perceptron.predict(self.x))) != self.d

    def mistakes(self) -> int:
        """How many samples the current weights get wrong."""
        return int(self.misclassified().sum())

    def step(self) -> StepReport:
        """Apply the learning rule to the next sample (samples in order 0, 1, ..., N-1, 0, ...)."""
        i = self.next_index
        x_i, d_i = self.x[i], int(self.d[i])
        w_before, b_before = self.w, self.b
        z = float(x_i @ w_before + b_before)
        delta = self.perceptron.update(x_i, d_i)  # the package's rule, one sample
        self.updates += delta != 0
        self.last = StepReport(
            index=i,
            x=tuple(float(v) for v in x_i),
            d=d_i,
            z=z,
            y=d_i - delta,
            delta=delta,
            w_before=tuple(float(v) for v in w_before),
            b_before=b_before,
            w_after=tuple(float(v) for v in self.w),
            b_after=self.b,
        )
        self.next_index = (i + 1) % len(self.d)
        if self.next_index == 0:
            self.epoch += 1
        return self.last

    def run_epoch(self) -> int:
        """Steps until the end of the current pass; returns the number of updates made."""
        made = 0
        while True:
            made += self.step().delta != 0
            if self.next_index == 0:
                return made

    def summary(self) -> str:
        """One line: weights, mistakes, where we are."""
        w = self.w
        return (
            f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {self.b:.2f}; "
            f"{self.mistakes()} of {len(self.d)} misclassified; "
            f"epoch {self.epoch}, next sample #{self.next_index}, {self.updates} updates so far"
        )


class Playground:
    """Sliders, buttons and a figure around a :class:`PlaygroundState`.

    Attributes
    ----------
    state : PlaygroundState
    w1, w2, b : ipywidgets.FloatSlider
    data_menu : ipywidgets.Dropdown
    step_button, epoch_button, reset_button : ipywidgets.Button
    info : ipywidgets.HTML
        What the last step did, and the mistake count.
    image : ipywidgets.Image
        The figure, as PNG.
    figure : matplotlib Figure
        The same figure (a notebook shows it as the last expression of a cell).
    widget : ipywidgets.VBox
        Everything, laid out.
    """

    def __init__(
        self,
        dataset: str = "separable cloud (24 points)",
        *,
        eta: float = 1.0,
        limits: tuple[float, float, float, float] | None = None,
    ) -> None:
        import ipywidgets as widgets  # widgets are imported lazily
        from matplotlib.figure import Figure

        if dataset not in DATASETS:
            raise ValueError(
                f"perceptron_playground: dataset must be one of {list(DATASETS)}; got {dataset!r}."
            )
        x, d = DATASETS[dataset]()
        self.state = PlaygroundState(x, d, eta=eta)
        self.limits = limits
        self._syncing = False
        slider = {"min": -5.0, "max": 5.0, "step": 0.05, "continuous_update": False}
        self.w1 = widgets.FloatSlider(value=0.0, description="w1", **slider)
        self.w2 = widgets.FloatSlider(value=0.0, description="w2", **slider)
        self.b = widgets.FloatSlider(value=0.0, description="b", **slider)
        self.data_menu = widgets.Dropdown(options=list(DATASETS), value=dataset, description="data")
        self.step_button = widgets.Button(
            description="Step", tooltip="apply the rule to one sample"
        )
        self.epoch_button = widgets.Button(description="Epoch", tooltip="one pass through the data")
        self.reset_button = widgets.Button(description="Reset", tooltip="w = 0, b = 0")
        self.info = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.figure = Figure(figsize=(6.4, 4.0), dpi=80)
        self.ax = self.figure.add_subplot(1, 1, 1)
        self.figure.subplots_adjust(
            left=0.11, right=0.66, bottom=0.13, top=0.92
        )  # room for the legend

        for s in (self.w1, self.w2, self.b):
            s.observe(self._on_slider, names="value")
        self.data_menu.observe(self._on_data, names="value")
        self.step_button.on_click(self._on_step)
        self.epoch_button.on_click(self._on_epoch)
        self.reset_button.on_click(self._on_reset)
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.data_menu]),
                widgets.HBox([self.w1, self.w2, self.b]),
                widgets.HBox([self.step_button, self.epoch_button, self.reset_button]),
                self.info,
                self.image,
            ]
        )
        self._after()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # --- events -----------------------------------------------------------------------------
    def _on_slider(self, _change: Any) -> None:
        if self._syncing:
            return
        self.state.set_weights(self.w1.value, self.w2.value, self.b.value)
        self._redraw()

    def _on_data(self, change: Any) -> None:
        x, d = DATASETS[change["new"]]()
        self.state.load(x, d)
        self._after()

    def _on_step(self, _button: Any) -> None:
        self.state.step()
        self._after()

    def _on_epoch(self, _button: Any) -> None:
        self.state.run_epoch()
        self._after()

    def _on_reset(self, _button: Any) -> None:
        self.state.reset()
        self._after()

    def _after(self) -> None:
        """After a step, an epoch, a reset or new data: sliders follow the state, then redraw."""
        self._syncing = True
        try:
            w = self.state.w
            self.w1.value, self.w2.value, self.b.value = float(w[0]), float(w[1]), self.state.b
        finally:
            self._syncing = False
        self._redraw()

    # --- drawing ----------------------------------------------------------------------------
    def _redraw(self) -> None:
        from ..plots import boundaries

        st = self.state
        ax = self.ax
        ax.clear()
        x = st.x
        lo, hi = x.min(axis=0) - 0.6, x.max(axis=0) + 0.6
        limits = self.limits or (lo[0], hi[0], lo[1], hi[1])
        ax.set_xlim(limits[0], limits[1])
        ax.set_ylim(limits[2], limits[3])
        boundaries.scatter_classes(x, st.d, ax, size=40)
        wrong = st.misclassified()
        if wrong.any():
            ax.scatter(
                x[wrong, 0], x[wrong, 1], s=140, facecolors="none", edgecolors="k",
                linewidths=1.2, label="misclassified", zorder=4,
            )  # fmt: skip
        if st.last is not None:
            ax.scatter(
                [st.last.x[0]], [st.last.x[1]], s=320, marker="*", facecolors="gold",
                edgecolors="k", label=f"last sample (#{st.last.index})", zorder=5,
            )  # fmt: skip
        line = boundaries.linear_boundary(st.w, st.b, ax)
        corners = np.array([[limits[i], limits[j]] for i in (0, 1) for j in (2, 3)])
        side = corners @ st.w + st.b >= 0
        note = ""
        if line is None:
            note = "w = 0: no boundary (every point gives z = b)"
        elif side.all() or not side.any():
            note = f"boundary outside the view: all points give y = {int(side[0])}"
        if note:
            ax.text(
                0.5, 0.03, note, transform=ax.transAxes, ha="center", fontsize=9,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
            )  # fmt: skip
        ax.set_xlabel("$x_1$ (input, arbitrary units)")
        ax.set_ylabel("$x_2$ (input, arbitrary units)")
        ax.set_title(f"{st.mistakes()} of {len(st.d)} misclassified")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, framealpha=0.8)
        ax.grid(True, alpha=0.3)
        self.image.value = png_bytes(self.figure)
        text = (
            st.last.describe(st.eta) if st.last is not None else "Move the sliders or press Step."
        )
        self.info.value = f"<p>{text}</p><p><b>{st.summary()}</b></p>"


def perceptron_playground(
    dataset: str = "separable cloud (24 points)", *, eta: float = 1.0
) -> Playground:
    """Build the chapter's playground; a notebook shows it when it is a cell's last expression.

    Parameters
    ----------
    dataset : str
        One of :data:`DATASETS`: ``"separable cloud (24 points)"``, ``"AND"``, ``"OR"``,
        ``"XOR (not separable)"``.
    eta : float
        The learning rate of the Step and Epoch buttons.

    Returns
    -------
    Playground
    """
    return Playground(dataset, eta=eta)
