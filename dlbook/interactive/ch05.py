"""Chapter 05's playgrounds: edit a 3×3 kernel, and see the receptive field of a unit.

    from dlbook.interactive import ch05
    ch05.kernel_playground(image)                  # nine numbers and presets -> filtered image
    ch05.receptive_field_playground(LENET_LAYERS)  # a layer and a unit -> its input window

The state and drawing live in :class:`KernelEditor` and :class:`ReceptiveField`,
which have no widget code, so tests drive them headlessly. The filtering is
``dlbook.conv.Conv2D`` itself, with the kernel copied into its weights.
ipywidgets and matplotlib are imported inside the functions. Built in chapter 05.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from ..conv import Conv2D
from ._figure import blank_figure, png_bytes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "LENET_LAYERS",
    "PRESETS",
    "KernelEditor",
    "ReceptiveField",
    "kernel_playground",
    "receptive_field_playground",
]

#: Kernels to start from, by menu label (rows top to bottom).
PRESETS: dict[str, list[list[float]]] = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "box blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "vertical edges (Sobel)": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "horizontal edges (Sobel)": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "outline (Laplacian)": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
}

#: Chapter 05's LeNet-style network as (name, kernel, stride, padding), input first.
LENET_LAYERS: list[tuple[str, int, int, int]] = [
    ("conv1 5×5", 5, 1, 2),
    ("pool1 2×2", 2, 2, 0),
    ("conv2 5×5", 5, 1, 0),
    ("pool2 2×2", 2, 2, 0),
]


class KernelEditor:
    """A grey image filtered by a 3×3 kernel that the reader edits.

    Parameters
    ----------
    image : ndarray of shape (H, W)
        Grey values (any range).
    kernel : 3×3 numbers or a key of :data:`PRESETS`

    Attributes
    ----------
    kernel : ndarray of shape (3, 3), float32
    output : ndarray of shape (H, W)
        ``Conv2D(1, 1, 3, padding=1)`` applied with ``kernel`` as its weights.
    """

    def __init__(self, image: Any, kernel: Any = "vertical edges (Sobel)") -> None:
        image = np.asarray(backend.to_cpu(image), dtype=np.float32)  # host: drawn
        if image.ndim != 2:
            raise ValueError(
                f"KernelEditor: image must be a grey image (H, W); got shape {image.shape}."
            )
        self.image = image
        self.layer = Conv2D(1, 1, 3, padding=1)
        self.kernel = np.zeros((3, 3), np.float32)  # host: the numbers the widgets show
        self.output = image
        self.set_kernel(kernel)

    def set_kernel(self, kernel: Any) -> None:
        """Use a preset (by name) or any 3×3 numbers, and filter the image again."""
        if isinstance(kernel, str):
            if kernel not in PRESETS:
                raise ValueError(
                    f"KernelEditor: unknown preset {kernel!r}; choose one of {list(PRESETS)}."
                )
            kernel = PRESETS[kernel]
        k = np.asarray(kernel, dtype=np.float32)  # host
        if k.shape != (3, 3):
            raise ValueError(f"KernelEditor: the kernel must be 3×3; got shape {k.shape}.")
        self.kernel = k.copy()
        self.layer.set_params({"W": k[None, None], "b": np.zeros(1, np.float32)})  # host
        x = backend.asarray(self.image[None, None])
        self.output = backend.to_cpu(self.layer.forward(x))[0, 0]

    def caption(self) -> str:
        rows = " / ".join(" ".join(f"{v:g}" for v in row) for row in self.kernel)
        lo, hi = float(self.output.min()), float(self.output.max())
        return f"kernel rows: {rows}; output from {lo:.2f} to {hi:.2f}"

    def draw(self, fig: Figure | None = None) -> Figure:
        """Input, kernel and output side by side."""
        fig = blank_figure(fig, (9.0, 3.4))
        ax_in, ax_k, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [3, 1.2, 3]})
        ax_in.imshow(self.image, cmap="gray")
        ax_in.set_title("input")
        lim = max(float(np.abs(self.kernel).max()), 1e-6)
        ax_k.imshow(self.kernel, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for (i, j), v in np.ndenumerate(self.kernel):
            ax_k.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=8)
        ax_k.set_title("3×3 kernel")
        ax_out.imshow(self.output, cmap="gray")
        ax_out.set_title("output (feature map)")
        for ax in (ax_in, ax_k, ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
        fig.tight_layout()
        return fig

    def png(self, fig: Figure | None = None) -> bytes:
        return png_bytes(self.draw(fig))


def kernel_playground(image: Any, kernel: Any = "vertical edges (Sobel)") -> Any:
    """A widget: a preset menu and nine number boxes for the kernel; the filtered image.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``editor`` (the :class:`KernelEditor`), ``preset``, ``cells``
        (the nine boxes, row by row), ``caption`` and ``image``.
    """
    import ipywidgets as w  # widgets are imported lazily
    from matplotlib.figure import Figure

    editor = KernelEditor(image, kernel)
    fig = Figure(figsize=(9.0, 3.4), dpi=80)
    preset = w.Dropdown(
        options=["(edited)", *PRESETS],
        value=kernel if isinstance(kernel, str) else "(edited)",
        description="preset",
    )
    cells = [
        w.FloatText(value=float(v), step=0.5, layout=w.Layout(width="70px"))
        for v in editor.kernel.ravel()
    ]
    caption = w.Label(value=editor.caption())
    picture = w.Image(value=editor.png(fig), format="png")
    busy = {"now": False}

    def redraw() -> None:
        caption.value = editor.caption()
        picture.value = editor.png(fig)

    def edited(_: Any = None) -> None:
        if busy["now"]:
            return
        editor.set_kernel(np.array([c.value for c in cells]).reshape(3, 3))
        preset.value = "(edited)"
        redraw()

    def chosen(_: Any = None) -> None:
        if preset.value == "(edited)":
            return
        busy["now"] = True
        editor.set_kernel(preset.value)
        for c, v in zip(cells, editor.kernel.ravel(), strict=True):
            c.value = float(v)
        busy["now"] = False
        redraw()

    preset.observe(chosen, names="value")
    for c in cells:
        c.observe(edited, names="value")
    grid = w.VBox([w.HBox(cells[3 * r : 3 * r + 3]) for r in range(3)])
    box = w.VBox([w.HBox([preset, grid]), caption, picture])
    box.editor, box.preset, box.cells, box.caption, box.image = (
        editor,
        preset,
        cells,
        caption,
        picture,
    )
    return box


class ReceptiveField:
    """Which input pixels one unit of a layer can see, through a stack of windows.

    Parameters
    ----------
    layers : sequence of (name, kernel, stride, padding)
        The convolution and pooling layers, input first (e.g. :data:`LENET_LAYERS`).
    size : int
        Height and width of the (square) input.

    Notes
    -----
    Going back one layer, the output cells a..b come from the input cells
    a·s − p … b·s − p + k − 1 (``receptive_interval``); the width grows by
    (k − 1) times the product of the strides below.
    """

    def __init__(self, layers: Sequence[tuple[str, int, int, int]], size: int = 28) -> None:
        if not layers:
            raise ValueError(
                "ReceptiveField: give at least one layer (name, kernel, stride, padding)."
            )
        self.layers = [(str(n), int(k), int(s), int(p)) for n, k, s, p in layers]
        self.size = int(size)
        self.sizes = [self.size]
        for name, k, s, p in self.layers:
            out = (self.sizes[-1] + 2 * p - k) // s + 1
            if out < 1:
                raise ValueError(f"ReceptiveField: layer {name} leaves no output (size {out}).")
            self.sizes.append(out)

    def receptive_interval(self, layer: int, unit: int) -> tuple[int, int]:
        """Input cells [first, last] of ``unit`` of ``layer`` (in the padding when < 0 or ≥ size).

        ``layer`` counts from 1 (the first layer's output).
        """
        if not 1 <= layer <= len(self.layers):
            raise ValueError(f"ReceptiveField: layer must be 1..{len(self.layers)}; got {layer}.")
        if not 0 <= unit < self.sizes[layer]:
            raise ValueError(
                f"ReceptiveField: unit must be 0..{self.sizes[layer] - 1} at layer {layer}; "
                f"got {unit}."
            )
        a = b = unit
        for _, k, s, p in reversed(self.layers[:layer]):
            a, b = a * s - p, b * s - p + k - 1
        return a, b

    def width(self, layer: int) -> int:
        a, b = self.receptive_interval(layer, 0)
        return b - a + 1

    def caption(self, layer: int, row: int, col: int) -> str:
        (r0, r1), (c0, c1) = (
            self.receptive_interval(layer, row),
            self.receptive_interval(layer, col),
        )
        name = self.layers[layer - 1][0]
        return (
            f"{name}: map {self.sizes[layer]}×{self.sizes[layer]}; unit ({row}, {col}) sees input "
            f"rows {r0}..{r1}, columns {c0}..{c1} ({r1 - r0 + 1}×{c1 - c0 + 1} pixels)"
        )

    def draw(
        self, layer: int, row: int, col: int, image: Any = None, fig: Figure | None = None
    ) -> Figure:
        """The input with the unit's receptive field outlined, beside the layer's grid."""
        from matplotlib.patches import Rectangle

        fig = blank_figure(fig, (7.6, 3.6))
        ax_in, ax_out = fig.subplots(1, 2)
        n = self.size
        if image is not None:
            ax_in.imshow(
                np.asarray(backend.to_cpu(image)),
                cmap="gray",
                extent=(-0.5, n - 0.5, n - 0.5, -0.5),
            )
        (r0, r1), (c0, c1) = (
            self.receptive_interval(layer, row),
            self.receptive_interval(layer, col),
        )
        ax_in.add_patch(
            Rectangle(
                (c0 - 0.5, r0 - 0.5),
                c1 - c0 + 1,
                r1 - r0 + 1,
                fill=True,
                alpha=0.35,
                color="C1",
                label="receptive field",
            )  # fmt: skip
        )
        ax_in.set_xlim(min(-0.5, c0 - 1), max(n - 0.5, c1 + 1))
        ax_in.set_ylim(max(n - 0.5, r1 + 1), min(-0.5, r0 - 1))
        ax_in.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, color="k", lw=1))
        ax_in.set_title(f"input {n}×{n}: {r1 - r0 + 1}×{c1 - c0 + 1} pixels")
        ax_in.legend(loc="lower right", fontsize=7)
        m = self.sizes[layer]
        grid = np.zeros((m, m))
        grid[row, col] = 1
        ax_out.imshow(grid, cmap="Oranges", vmin=0, vmax=1.5)
        ax_out.set_title(f"{self.layers[layer - 1][0]} output {m}×{m}: unit ({row}, {col})")
        for ax in (ax_in, ax_out):
            ax.set_xlabel("column")
            ax.set_ylabel("row")
        fig.tight_layout()
        return fig

    def png(self, layer: int, row: int, col: int, image: Any = None, fig: Any = None) -> bytes:
        return png_bytes(self.draw(layer, row, col, image, fig))


def receptive_field_playground(
    layers: Sequence[tuple[str, int, int, int]] = LENET_LAYERS, image: Any = None, size: int = 28
) -> Any:
    """A widget: a layer menu and row/column sliders; the unit's receptive field on the input.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``field`` (the :class:`ReceptiveField`), ``layer``, ``row``,
        ``col``, ``caption`` and ``image``.
    """
    import ipywidgets as w
    from matplotlib.figure import Figure

    field = ReceptiveField(layers, size)
    fig = Figure(figsize=(7.6, 3.6), dpi=80)
    top = len(field.layers)
    layer = w.Dropdown(
        options=[(n, i) for i, (n, *_) in enumerate(field.layers, start=1)],
        value=top,
        description="layer",
    )
    row = w.IntSlider(value=0, min=0, max=field.sizes[top] - 1, description="row")
    col = w.IntSlider(value=0, min=0, max=field.sizes[top] - 1, description="column")
    caption = w.Label(value=field.caption(top, 0, 0))
    picture = w.Image(value=field.png(top, 0, 0, image, fig), format="png")

    def update(_: Any = None) -> None:
        m = field.sizes[layer.value] - 1
        row.max, col.max = m, m
        row.value, col.value = min(row.value, m), min(col.value, m)
        caption.value = field.caption(layer.value, row.value, col.value)
        picture.value = field.png(layer.value, row.value, col.value, image, fig)

    for control in (layer, row, col):
        control.observe(update, names="value")
    box = w.VBox([w.HBox([layer, row, col]), caption, picture])
    box.field, box.layer, box.row, box.col = field, layer, row, col
    box.caption, box.image = caption, picture
    return box
