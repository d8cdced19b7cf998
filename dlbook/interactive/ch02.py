"""Chapter 02's playgrounds: train a network on XOR, and build a bump from two sigmoids.

    from dlbook.interactive import ch02
    ch02.xor_playground()      # η, hidden units, seed, epochs -> boundary and cost curve
    ch02.bump_playground()     # two sigmoid hidden units, a·σ(w(x − s1)) − a·σ(w(x − s2))

The state and the drawing live in :class:`XorTrainer` and :class:`BumpBuilder`, which
have no widget code, so tests drive them headlessly; the widget functions only wire
sliders and buttons to them and show the figure as a PNG. ipywidgets and matplotlib
are imported inside the functions. Built in chapter 02.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend
from .. import functions as F
from ..layers import Dense, MeanSquaredError, Sigmoid
from ..network import Sequential
from ..optim import SGD
from ._figure import blank_figure, png_bytes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["BumpBuilder", "XorTrainer", "bump_playground", "xor_playground"]

#: The four XOR patterns and their targets.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_D = np.array([[0.0], [1.0], [1.0], [0.0]])


def _check_positive(where: str, name: str, value: Any, integer: bool = False) -> None:
    ok_type = isinstance(value, (int, np.integer)) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not value > 0:
        kind = "an int" if integer else "a number"
        raise ValueError(f"{where}: {name} must be {kind} > 0; got {value!r}.")


# --- XOR ----------------------------------------------------------------------------------


class XorTrainer:
    """A 2-H-1 sigmoid network trained on XOR by full-batch gradient descent.

    The network is ``Sequential([Dense(2, H), Sigmoid(), Dense(H, 1), Sigmoid()])`` with
    Glorot ("xavier") initial weights drawn from ``seed``, the cost C = (1/2N) Σ (p − d)²
    over the four patterns, and plain SGD with learning rate ``eta``, in float64.

    Parameters
    ----------
    hidden : int > 0
        Number of hidden units H.
    eta : float > 0
        Learning rate η.
    epochs : int > 0
        Number of gradient steps (one per epoch: the batch is all four patterns).
    seed : int
        Seed of the initial weights.

    Attributes
    ----------
    costs : list of float
        C before each step (``len(costs) == epochs``), then the final C appended.
    solved_epoch : int or None
        The first epoch at whose start all four patterns were on the right side of
        p = 0.5; None if that never happened.
    model : Sequential
        The trained network.

    Raises
    ------
    ValueError
        For a non-positive ``hidden``, ``eta`` or ``epochs``.
    """

    def __init__(self, hidden: int = 2, eta: float = 2.0, epochs: int = 2000, seed: int = 0):
        self.hidden, self.eta, self.epochs, self.seed = hidden, eta, epochs, seed
        self.costs: list[float] = []
        self.solved_epoch: int | None = None
        self.model: Sequential | None = None

    def train(self) -> XorTrainer:
        """Train from fresh initial weights with the current settings. Returns ``self``."""
        where = "XorTrainer"
        _check_positive(where, "hidden", self.hidden, integer=True)
        _check_positive(where, "eta", self.eta)
        _check_positive(where, "epochs", self.epochs, integer=True)
        h, dt = int(self.hidden), np.float64
        model = Sequential(
            [
                Dense(2, h, init="xavier", rng=self.seed, dtype=dt),
                Sigmoid(),
                Dense(h, 1, init="xavier", rng=self.seed + 10_000, dtype=dt),
                Sigmoid(),
            ],
            loss=MeanSquaredError(),
        )
        x, d = backend.asarray(XOR_X, dt), backend.asarray(XOR_D, dt)
        target = backend.to_cpu(d) > 0.5
        opt = SGD(float(self.eta))
        costs: list[float] = []
        solved = None
        for epoch in range(int(self.epochs)):  # the training loop of the chapter
            p = model.forward(x, train=True)
            c = float(model.loss.forward(p, d))
            costs.append(c)
            if solved is None and bool(np.all((backend.to_cpu(p) > 0.5) == target)):
                solved = epoch
            if not math.isfinite(c):
                break
            model.backward(input_grad=False)
            opt.step(model.params, model.grads)
        costs.append(float(model.loss.forward(model.forward(x), d)))
        self.model, self.costs, self.solved_epoch = model, costs, solved
        return self

    def probabilities(self, x: Any) -> Any:
        """p for inputs of shape (M, 2): the network's output, shape (M,)."""
        if self.model is None:
            self.train()
        assert self.model is not None
        xs = backend.asarray(backend.to_cpu(x), np.float64)
        return self.model.forward(xs).reshape(-1)

    def predict(self, x: Any) -> Any:
        """Class labels (M,): 1 where p > 0.5 (for the decision-boundary figure)."""
        return (self.probabilities(x) > 0.5).astype(np.int64)

    def caption(self) -> str:
        """One line: the settings, when XOR was solved, and the final cost."""
        if self.model is None:
            self.train()
        head = f"H = {self.hidden}, η = {self.eta:.3g}, seed {self.seed}: "
        if self.solved_epoch is None:
            verdict = f"not solved in {self.epochs} epochs"
        else:
            verdict = f"all four patterns right from epoch {self.solved_epoch}"
        return f"{head}{verdict}; cost after {self.epochs} epochs {self.costs[-1]:.3g}"

    def draw(self, fig: Figure | None = None) -> Figure:
        """The decision boundary (left) and the cost per epoch (right)."""
        from ..plots import boundaries, curves  # drawing is lazy

        if self.model is None:
            self.train()
        fig = blank_figure(fig, (8.4, 3.4))
        ax_b, ax_c = fig.subplots(1, 2)
        boundaries.decision_boundary(
            self.predict,
            XOR_X,
            XOR_D.reshape(-1).astype(np.int64),
            ax_b,
            resolution=120,
            limits=(-0.5, 1.5, -0.5, 1.5),
            title=f"XOR, {self.hidden} hidden units",
            legend=False,
        )
        curves.learning_curves(
            {"cost": self.costs},
            ax=ax_c,
            start=0,
            logy=True,
            title=f"η = {self.eta:.3g}, seed {self.seed}",
        )
        costs = np.asarray(self.costs, dtype=np.float64)
        finite = costs[np.isfinite(costs) & (costs > 0)]
        if finite.size and finite.max() < 10 * finite.min():
            # less than a decade: a log axis would label only minor ticks, "0.14 0.14 0.14"
            ax_c.set_yscale("linear")
            lo, hi = float(finite.min()), float(finite.max())
            pad = max(0.05 * (hi - lo), 0.05 * hi)
            ax_c.set_ylim(max(0.0, lo - pad), hi + pad)
        if self.solved_epoch is not None:
            ax_c.axvline(self.solved_epoch, color="0.5", ls=":", lw=1)
        fig.tight_layout()
        return fig

    def png(self, fig: Figure | None = None) -> bytes:
        """The figure as PNG bytes (what the widget shows)."""
        return png_bytes(self.draw(fig))


def _num(v: float, plus: bool = False) -> str:
    """A number with a typographic minus (never "−-0.8"); ``plus`` writes "+" for v ≥ 0."""
    text = f"{abs(v):.3g}"
    if v < 0 and text != "0":
        return "−" + text
    return ("+" if plus else "") + text


def _named_box(w: Any, children: list[Any], text: str) -> Any:
    """A VBox whose text form is one short line (a stored notebook shows that, not PNG bytes)."""

    class Playground(w.VBox):
        def __repr__(self) -> str:
            return text

    return Playground(children)


def xor_playground(*, hidden: int = 2, eta: float = 2.0, epochs: int = 2000, seed: int = 0) -> Any:
    """A widget: choose η, the number of hidden units, the seed and the epochs; see XOR learnt.

    Every change retrains from fresh weights (about a second for 5,000 epochs) and
    redraws the decision boundary and the cost curve. **next seed ▶** tries other
    initial weights with the same settings.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``trainer`` (the :class:`XorTrainer`), ``eta``, ``hidden``,
        ``seed``, ``epochs`` (the sliders), ``next_seed`` (the button), ``caption``
        and ``image``.
    """
    import ipywidgets as w  # widgets are imported lazily
    from matplotlib.figure import Figure

    trainer = XorTrainer(hidden, eta, epochs, seed).train()
    fig = Figure(figsize=(8.4, 3.4), dpi=80)
    style = {"description_width": "110px"}
    eta_s = w.FloatLogSlider(
        value=eta, base=10, min=-2, max=1.5, step=0.1, description="η (learning rate)",
        continuous_update=False, style=style,
    )  # fmt: skip
    hidden_s = w.IntSlider(
        value=hidden, min=1, max=8, description="hidden units", continuous_update=False,
        style=style,
    )  # fmt: skip
    seed_s = w.IntSlider(
        value=seed, min=0, max=99, description="seed", continuous_update=False, style=style
    )
    epochs_s = w.IntSlider(
        value=epochs, min=100, max=5000, step=100, description="epochs",
        continuous_update=False, style=style,
    )  # fmt: skip
    next_seed = w.Button(description="next seed ▶")
    caption = w.Label(value=trainer.caption())
    image = w.Image(value=trainer.png(fig), format="png")

    def retrain(_: Any = None) -> None:
        trainer.eta, trainer.hidden = float(eta_s.value), int(hidden_s.value)
        trainer.seed, trainer.epochs = int(seed_s.value), int(epochs_s.value)
        trainer.train()
        caption.value = trainer.caption()
        image.value = trainer.png(fig)

    for s in (eta_s, hidden_s, seed_s, epochs_s):
        s.observe(retrain, names="value")
    next_seed.on_click(lambda _: setattr(seed_s, "value", (seed_s.value + 1) % 100))
    box = _named_box(
        w,
        [
            w.HBox([w.VBox([eta_s, hidden_s]), w.VBox([seed_s, epochs_s]), next_seed]),
            caption,
            image,
        ],
        "<XOR playground: η, hidden units, seed and epochs sliders; boundary and cost figure>",
    )
    box.trainer, box.caption, box.image, box.next_seed = trainer, caption, image, next_seed
    box.eta, box.hidden, box.seed, box.epochs = eta_s, hidden_s, seed_s, epochs_s
    return box


# --- a bump from two sigmoids ------------------------------------------------------------------


class BumpBuilder:
    """Two sigmoid hidden units and a linear output: p(x) = a·σ(w(x − s1)) − a·σ(w(x − s2)).

    The first unit steps up at x = s1, the second steps down at x = s2; with a large
    steepness w the sum is a bump of height a on [s1, s2]. Bumps side by side
    approximate any continuous function on an interval, which is the idea behind the
    universal approximation theorems (Cybenko 1989; Hornik, Stinchcombe & White 1989).

    In a network's terms: hidden unit j has input weight w and bias −w·s_j, and the
    output weights are +a and −a.
    """

    def __init__(self, w: float = 10.0, s1: float = -1.0, s2: float = 1.0, a: float = 1.0):
        self.w, self.s1, self.s2, self.a = w, s1, s2, a
        self.x = np.linspace(-3.0, 3.0, 301)

    def contributions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(a·h1, −a·h2, their sum p) at the points ``self.x``, each of shape (301,)."""
        h1 = backend.to_cpu(F.sigmoid(self.w * (self.x - self.s1)))
        h2 = backend.to_cpu(F.sigmoid(self.w * (self.x - self.s2)))
        return self.a * h1, -self.a * h2, self.a * (h1 - h2)

    def caption(self) -> str:
        """The network's weights in words."""
        return (
            f"hidden 1: weight {_num(self.w)}, bias {_num(-self.w * self.s1)}; "
            f"hidden 2: weight {_num(self.w)}, bias {_num(-self.w * self.s2)}; "
            f"output weights {_num(self.a, plus=True)} and {_num(-self.a, plus=True)}"
        )

    def draw(self, fig: Figure | None = None) -> Figure:
        """The two contributions and the output p(x)."""
        fig = blank_figure(fig, (6.0, 3.4))
        ax = fig.subplots()
        up, down, p = self.contributions()
        ax.plot(self.x, up, "--", color="C2", lw=1.2, label="a·σ(w(x − s1))")
        ax.plot(self.x, down, ":", color="C2", lw=1.4, label="−a·σ(w(x − s2))")
        ax.plot(self.x, p, color="C0", lw=2.0, label="output p(x)")
        ax.set_ylim(-1.6 * max(abs(self.a), 0.1), 1.6 * max(abs(self.a), 0.1))
        ax.set_xlabel("x")
        ax.set_ylabel("output")
        ax.set_title("Two sigmoid hidden units make a bump")
        ax.legend(frameon=False, fontsize="small", loc="lower left")
        fig.tight_layout()
        return fig

    def png(self, fig: Figure | None = None) -> bytes:
        """The figure as PNG bytes (what the widget shows)."""
        return png_bytes(self.draw(fig))


def bump_playground(*, w: float = 10.0, s1: float = -1.0, s2: float = 1.0, a: float = 1.0) -> Any:
    """A widget: steepness, the two step positions and the height of a two-unit bump.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``builder`` (the :class:`BumpBuilder`), ``steepness``, ``left``,
        ``right``, ``height`` (the sliders), ``caption`` and ``image``.
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    builder = BumpBuilder(w, s1, s2, a)
    fig = Figure(figsize=(6.0, 3.4), dpi=80)
    style = {"description_width": "110px"}  # the default width cuts "step down s2" off
    steep = widgets.FloatSlider(
        value=w, min=0.5, max=50, step=0.5, description="steepness w", style=style
    )
    left = widgets.FloatSlider(
        value=s1, min=-3, max=3, step=0.1, description="step up s1", style=style
    )
    right = widgets.FloatSlider(
        value=s2, min=-3, max=3, step=0.1, description="step down s2", style=style
    )
    height = widgets.FloatSlider(
        value=a, min=-1.5, max=1.5, step=0.1, description="height a", style=style
    )
    caption = widgets.Label(value=builder.caption())
    image = widgets.Image(value=builder.png(fig), format="png")

    def redraw(_: Any = None) -> None:
        builder.w, builder.s1 = float(steep.value), float(left.value)
        builder.s2, builder.a = float(right.value), float(height.value)
        caption.value = builder.caption()
        image.value = builder.png(fig)

    for s in (steep, left, right, height):
        s.observe(redraw, names="value")
    box = _named_box(
        widgets,
        [
            widgets.HBox([widgets.VBox([steep, height]), widgets.VBox([left, right])]),
            caption,
            image,
        ],
        "<bump playground: steepness, step positions and height sliders; output figure>",
    )
    box.builder, box.caption, box.image = builder, caption, image
    box.steepness, box.left, box.right, box.height = steep, left, right, height
    return box
