"""Chapter 07's playground: step a Gibbs chain of a trained RBM, from a digit or from noise.

    chain = GibbsChain(rbm, start_images, rng=0)   # several chains side by side
    chain.step(10)                                 # ten v → h → v steps
    gibbs_playground(rbm, digits)                  # the widget: start menu, step buttons, image

Built in chapter 07.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from ._figure import blank_figure, png_bytes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["GibbsChain", "gibbs_playground"]

STARTS = ("digits", "noise")


class GibbsChain:
    """Chains of block Gibbs sampling in an RBM, kept between steps.

    Parameters
    ----------
    rbm : dlbook.rbm.RBM
        A trained RBM on 28 × 28 binary images.
    digits : ndarray of shape (n, 784)
        The images the chains start from when ``start="digits"``.
    start : "digits" or "noise"
        Where the chains start: the digits, or random pixels with each pixel on
        with probability 0.5.
    rng : int
        Seed; :meth:`reset` starts the same chains again.

    Attributes
    ----------
    v : ndarray of shape (n, 784)
        The chains' binary visible states now; ``steps`` the number of steps so far.
    """

    def __init__(self, rbm: Any, digits: Any, start: str = "digits", rng: int = 0) -> None:
        self.rbm = rbm
        self.digits = backend.to_cpu(digits).reshape(len(digits), -1).astype(np.float32)
        self.seed = int(rng)
        self.reset(start)

    def reset(self, start: str | None = None) -> None:
        """Start again from the digits or from noise (the same random numbers each time)."""
        start = getattr(self, "start", "digits") if start is None else start
        if start not in STARTS:
            raise ValueError(f"GibbsChain: start must be one of {STARTS}; got {start!r}.")
        self.start = start
        self.rng = backend.default_rng(self.seed)
        if start == "digits":
            v = self.digits
        else:
            v = (backend.to_cpu(self.rng.random(self.digits.shape)) < 0.5).astype(np.float32)
        self.v = backend.asarray(v, dtype=self.rbm.dtype)
        self.steps = 0

    def step(self, k: int = 1) -> None:
        """Run k more steps of v → h → v."""
        self.v = self.rbm.gibbs(self.v, k=k, rng=self.rng)
        self.steps += int(k)

    def caption(self) -> str:
        """What the figure shows, in words."""
        f = backend.to_cpu(self.rbm.free_energy(self.v)).mean()
        return f"from {self.start}: {self.steps} Gibbs steps, mean free energy {f:.1f}"

    def draw(self, fig: Figure | None = None) -> Figure:
        """The chains' current images in a row, with the caption as the title."""
        n = self.v.shape[0]
        fig = blank_figure(fig, (1.1 * n, 1.6))
        images = backend.to_cpu(self.v).reshape(n, 28, 28)
        axes = fig.subplots(1, n, squeeze=False)[0]
        for ax, img in zip(axes, images, strict=True):
            ax.imshow(img, cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        fig.suptitle(self.caption(), fontsize=9)
        return fig

    def png(self, fig: Figure | None = None) -> bytes:
        """The current figure as PNG bytes."""
        return png_bytes(self.draw(fig))


def gibbs_playground(rbm: Any, digits: Any, rng: int = 0) -> Any:
    """A widget: choose the start, press "1 step", "10 steps" or "100 steps", or reset.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``chain`` (the :class:`GibbsChain`), ``start``, ``buttons``
        (a dict by number of steps), ``reset`` and ``image``.
    """
    import ipywidgets as w  # widgets are imported lazily

    chain = GibbsChain(rbm, digits, rng=rng)
    fig = blank_figure(None, (1.1 * chain.v.shape[0], 1.6))
    start = w.ToggleButtons(options=list(STARTS), value=chain.start, description="start")
    buttons = {k: w.Button(description=f"{k} step{'s' if k > 1 else ''}") for k in (1, 10, 100)}
    reset = w.Button(description="reset")
    image = w.Image(value=chain.png(fig), format="png")

    def redraw() -> None:
        image.value = chain.png(fig)

    def stepper(k: int) -> Any:
        def run(_: Any) -> None:
            chain.step(k)
            redraw()

        return run

    for k, button in buttons.items():
        button.on_click(stepper(k))

    def restart(_: Any = None) -> None:
        chain.reset(start.value)
        redraw()

    reset.on_click(restart)
    start.observe(restart, names="value")
    box = w.VBox([start, w.HBox([*buttons.values(), reset]), image])
    box.chain, box.start, box.buttons, box.reset, box.image = chain, start, buttons, reset, image
    return box
