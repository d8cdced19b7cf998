"""Chapter 04's playground: how depth, activation and initialisation decide the gradient's size.

    from dlbook.interactive import ch04
    ch04.gradient_flow_playground(x_batch, y_batch)

A slider sets the depth (number of Dense layers), two menus the activation and the
initialisation. For each choice a fresh network is built, one batch goes forward
and backward, and the figure shows ‖∂C/∂W‖ of every layer (log scale) beside the
spread of every hidden layer's output; the caption gives the ratio of the first
layer's gradient to the last one's. The state and drawing live in
:class:`GradientFlow`, which has no widget code, so tests drive it headlessly.
ipywidgets and matplotlib are imported inside the functions. Built in chapter 04.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from .. import experiments as ex
from ._figure import blank_figure, png_bytes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["INITS", "GradientFlow", "gradient_flow_playground"]

#: The initialisations offered, by their menu label.
INITS: dict[str, str | float] = {
    "small normal, σ = 0.01": 0.01,
    "normal, σ = 1": 1.0,
    "Xavier (Glorot)": "xavier",
    "He": "he",
}


class GradientFlow:
    """A network of a chosen depth, activation and initialisation, and its per-layer gradients.

    Parameters
    ----------
    x : ndarray of shape (N, D)
        A batch of inputs.
    y : ndarray of shape (N,), int
        Their labels, in [0, K).
    width : int
        Units per hidden layer.
    depth : int >= 2
        Number of Dense layers (``depth − 1`` hidden layers).
    activation : {"sigmoid", "tanh", "relu"}
    init : str
        A key of :data:`INITS`.
    seed : int
        Seed of the weights (the same for every choice, so that only the choice changes).

    Attributes
    ----------
    norms : ndarray of shape (depth,)
        ‖∂C/∂W‖ per layer, first layer first.
    spread : ndarray of shape (depth − 1,)
        Standard deviation of each hidden layer's output over the batch.
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        *,
        width: int = 64,
        depth: int = 10,
        activation: str = "sigmoid",
        init: str = "Xavier (Glorot)",
        seed: int = 0,
    ) -> None:
        self.x = np.asarray(backend.to_cpu(x), dtype=np.float32).reshape(len(x), -1)
        self.y = np.asarray(backend.to_cpu(y)).astype(np.int64)
        if self.y.shape != (len(self.x),):
            raise ValueError(
                f"GradientFlow: y must have shape ({len(self.x)},), one label per row of x; "
                f"got {self.y.shape}."
            )
        self.n_classes = int(self.y.max()) + 1
        self.width = int(width)
        self.seed = int(seed)
        self.depth = 0
        self.activation = ""
        self.init = ""
        self.norms = np.zeros(0)
        self.spread = np.zeros(0)
        self.set(depth=depth, activation=activation, init=init)

    def set(
        self, depth: int | None = None, activation: str | None = None, init: str | None = None
    ) -> np.ndarray:
        """Change any of the three choices, rebuild the network and recompute. Returns the norms.

        Raises
        ------
        ValueError
            For a depth below 2, an unknown activation or an unknown initialisation.
        """
        depth = self.depth if depth is None else int(depth)
        activation = self.activation if activation is None else activation
        init = self.init if init is None else init
        if depth < 2:
            raise ValueError(f"GradientFlow: depth must be >= 2 Dense layers; got {depth}.")
        if activation not in ex.ACTIVATIONS:
            raise ValueError(
                f"GradientFlow: activation must be one of {sorted(ex.ACTIVATIONS)}; "
                f"got {activation!r}."
            )
        if init not in INITS:
            raise ValueError(f"GradientFlow: init must be one of {list(INITS)}; got {init!r}.")
        self.depth, self.activation, self.init = depth, activation, init
        sizes = [self.x.shape[1]] + [self.width] * (depth - 1) + [self.n_classes]
        model = ex.mlp(sizes, activation=activation, init=INITS[init], rng=self.seed)
        self.norms = ex.gradient_norms(model, self.x, self.y)
        self.spread = ex.activation_std(model, self.x)
        return self.norms

    @property
    def ratio(self) -> float:
        """‖∂C/∂W₁‖ / ‖∂C/∂W_L‖: far below 1 means the gradient vanishes on its way back."""
        last = self.norms[-1]
        return float(self.norms[0] / last) if last > 0 else float("nan")

    def caption(self) -> str:
        """One line: the choice and the first/last gradient ratio."""
        return (
            f"{self.depth} layers, {self.activation}, {self.init}: first-layer gradient = "
            f"{self.ratio:.2g} × last-layer gradient"
        )

    def draw(self, fig: Figure | None = None, with_caption: bool = True) -> Figure:
        """Draw the per-layer gradient norms and the hidden layers' spread (into ``fig``).

        ``with_caption`` puts :meth:`caption` above the plots; the widget shows it as
        text instead.
        """
        fig = blank_figure(fig, (8.4, 3.2))
        ax1, ax2 = fig.subplots(1, 2)
        layers = np.arange(1, self.depth + 1)
        ax1.plot(layers, np.maximum(self.norms, 1e-300), "o-", color="C3")
        ax1.set_yscale("log")
        ax1.set_ylim(*_decades(self.norms))
        ax1.set_xlabel("layer (1 = next to the input)")
        ax1.set_ylabel("‖∂C/∂W‖ (log scale)")
        ax1.set_title("Backward: gradient per layer")
        ax2.plot(np.arange(1, self.depth), np.maximum(self.spread, 1e-300), "o-", color="C0")
        ax2.set_yscale("log")
        ax2.set_ylim(*_decades(self.spread))
        ax2.set_xlabel("hidden layer")
        ax2.set_ylabel("std of the layer's output (log)")
        ax2.set_title("Forward: spread of the activations")
        if with_caption:
            fig.suptitle(self.caption(), fontsize=9)
        fig.tight_layout()
        return fig

    def png(self, fig: Figure | None = None, with_caption: bool = True) -> bytes:
        """The current figure as PNG bytes (the widget's has no caption: it shows it as text)."""
        return png_bytes(self.draw(fig, with_caption))


def _decades(values: np.ndarray, at_least: float = 1e4) -> tuple[float, float]:
    """Log-axis limits that span at least ``at_least`` (4 decades), so that flat looks flat."""
    v = values[np.isfinite(values) & (values > 0)]
    if v.size == 0:
        return 1e-3, 1.0
    top = float(v.max()) * 3
    return min(float(v.min()) / 3, top / at_least), top


def gradient_flow_playground(x: Any, y: Any, **kwargs: Any) -> Any:
    """A widget: depth slider, activation and initialisation menus, and the gradient figure.

    Parameters
    ----------
    x, y : a batch of inputs (N, D) and labels (N,)
    **kwargs
        Passed to :class:`GradientFlow` (``width``, ``depth``, ``activation``, ``init``, ``seed``).

    Returns
    -------
    ipywidgets.VBox
        With attributes ``flow`` (the :class:`GradientFlow`), ``depth``, ``activation``,
        ``init`` (the controls), ``caption`` and ``image``.
    """
    import ipywidgets as w  # widgets are imported lazily
    from matplotlib.figure import Figure

    flow = GradientFlow(x, y, **kwargs)
    fig = Figure(figsize=(8.4, 3.2), dpi=80)
    depth = w.IntSlider(
        value=flow.depth, min=2, max=20, description="layers", continuous_update=False
    )
    activation = w.Dropdown(
        options=sorted(ex.ACTIVATIONS), value=flow.activation, description="activation"
    )
    init = w.Dropdown(options=list(INITS), value=flow.init, description="init")
    caption = w.Label(value=flow.caption())
    image = w.Image(value=flow.png(fig, with_caption=False), format="png")

    def update(_: Any = None) -> None:
        flow.set(depth=depth.value, activation=activation.value, init=init.value)
        caption.value = flow.caption()
        image.value = flow.png(fig, with_caption=False)

    for control in (depth, activation, init):
        control.observe(update, names="value")
    box = w.VBox([w.HBox([depth, activation, init]), caption, image])
    box.flow, box.depth, box.activation, box.init = flow, depth, activation, init
    box.caption, box.image = caption, image
    return box
