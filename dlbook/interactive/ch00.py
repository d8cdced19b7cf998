"""Chapter 00's playgrounds: a McCulloch–Pitts unit to wire by hand, and a timeline explorer.

    from dlbook.interactive import ch00
    ch00.mp_playground()          # toggle inputs, move the threshold, watch the unit fire
    ch00.timeline_explorer()      # pick lanes and years of the timeline

The state and drawing live in :class:`MPUnitState` (no widget code), so tests drive
it headlessly; the widget functions only wire controls to it. ipywidgets and
matplotlib are imported inside the functions. Built in chapter 00.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..neurons import McCullochPitts, binary_inputs
from ._figure import blank_figure, png_bytes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["MPUnitState", "mp_playground", "timeline_explorer"]

FIRE, SILENT = "#E69F00", "white"  # the unit's colour when it fires / stays silent
EXC, INH, OFF = "#009E73", "#D55E00", "#DDDDDD"  # active excitatory / inhibitory, inactive


class MPUnitState:
    """One McCulloch–Pitts unit with its current inputs: what the playground shows.

    Parameters
    ----------
    n_excitatory, n_inhibitory : int
        How many inputs of each kind (1–4 excitatory, 0–3 inhibitory).
    threshold : int
        Starting threshold, 0 to ``n_excitatory + 1``.

    Raises
    ------
    ValueError
        For counts or a threshold out of range.
    """

    def __init__(self, n_excitatory: int = 3, n_inhibitory: int = 1, threshold: int = 2) -> None:
        if not 1 <= n_excitatory <= 4 or not 0 <= n_inhibitory <= 3:
            raise ValueError(
                "mp_playground: n_excitatory must be 1 to 4 and n_inhibitory 0 to 3; got "
                f"{n_excitatory} and {n_inhibitory}."
            )
        self.x_exc = np.zeros(n_excitatory, dtype=np.int8)
        self.x_inh = np.zeros(n_inhibitory, dtype=np.int8)
        self.threshold = 0
        self.set_threshold(threshold)

    @property
    def unit(self) -> McCullochPitts:
        """The unit with the current threshold."""
        return McCullochPitts(self.threshold, self.x_exc.size, self.x_inh.size)

    def set_threshold(self, threshold: int) -> None:
        """Change the threshold (0 to ``n_excitatory + 1``)."""
        if not 0 <= int(threshold) <= self.x_exc.size + 1:
            raise ValueError(
                f"mp_playground: threshold must be 0 to {self.x_exc.size + 1}; got {threshold}."
            )
        self.threshold = int(threshold)

    def set_input(self, kind: str, i: int, active: bool) -> None:
        """Switch input ``i`` (0-based) of ``kind`` ``"exc"`` or ``"inh"`` on or off."""
        if kind not in ("exc", "inh"):
            raise ValueError(f"set_input: kind must be 'exc' or 'inh'; got {kind!r}.")
        x = self.x_exc if kind == "exc" else self.x_inh
        if not 0 <= i < x.size:
            raise ValueError(f"set_input: there is no {kind} input {i}; there are {x.size}.")
        x[i] = 1 if active else 0

    @property
    def fires(self) -> bool:
        """Whether the unit fires on the current inputs."""
        inh = self.x_inh[None, :] if self.x_inh.size else None
        return bool(self.unit(self.x_exc[None, :], inh)[0])

    def caption(self) -> str:
        """One sentence: how much excitation, whether inhibited, and the verdict."""
        k, n = int(self.x_exc.sum()), self.x_exc.size
        inhibited = int(self.x_inh.sum())
        text = f"{k} of {n} excitatory inputs active, threshold {self.threshold}"
        text += f" ({'reached' if k >= self.threshold else 'not reached'})"
        if self.x_inh.size:
            text += "; " + (
                f"{inhibited} inhibitory input(s) active: absolute veto"
                if inhibited
                else "no inhibitory input active"
            )
        return text + f" -> the unit {'FIRES' if self.fires else 'stays silent'}."

    def truth_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Every input pattern (2**(E+I), E+I) and the unit's output (2**(E+I),) on the host."""
        x = np.asarray(binary_inputs(self.x_exc.size + self.x_inh.size).tolist(), dtype=np.int8)
        return x, np.asarray(self.unit.fire(x).tolist(), dtype=np.int8)

    def truth_table_text(self) -> str:
        """The truth table as text, the current pattern marked with '<'."""
        x, y = self.truth_table()
        names = [f"e{i + 1}" for i in range(self.x_exc.size)]
        names += [f"i{i + 1}" for i in range(self.x_inh.size)]
        now = np.concatenate([self.x_exc, self.x_inh])
        lines = [" ".join(names) + "  out", "-" * (3 * len(names) + 4)]
        for row, out in zip(x, y, strict=True):
            mark = "  <" if np.array_equal(row, now) else ""
            lines.append(" ".join(f"{v:>2d}" for v in row) + f"   {out:d}{mark}")
        fired = int(y.sum())
        lines.append(f"fires on {fired} of {y.size} patterns")
        return "\n".join(lines)

    def draw(self, fig: Figure | None = None) -> Figure:
        """Draw the unit: inputs on the left, the unit in the middle, its output on the right."""
        fig = blank_figure(fig, (4.4, 2.7))
        ax = fig.add_subplot(1, 1, 1)
        n_e, n_i = self.x_exc.size, self.x_inh.size
        ys = np.linspace(0.85, 0.15, n_e + n_i) if n_e + n_i > 1 else np.array([0.5])
        unit_xy = (0.55, 0.5)
        for j, y in enumerate(ys):
            excitatory = j < n_e
            active = bool(self.x_exc[j] if excitatory else self.x_inh[j - n_e])
            colour = (EXC if excitatory else INH) if active else OFF
            ax.add_patch(_circle((0.1, y), 0.045, colour, edge="0.3"))
            name = f"e{j + 1}" if excitatory else f"i{j - n_e + 1}"
            ax.text(0.02, y, name, ha="right", va="center", fontsize=9)
            start, end = (0.145, y), (0.465, 0.5 + (y - 0.5) * 0.3)
            line = colour if active else "0.6"
            if excitatory:  # an arrow head: excitation
                ax.annotate(
                    "", end, start, arrowprops={"arrowstyle": "-|>", "color": line, "lw": 1.5}
                )
            else:  # a bar at the end: inhibition
                ax.plot([start[0], end[0]], [start[1], end[1]], color=line, lw=1.5)
                ax.plot([end[0], end[0]], [end[1] - 0.04, end[1] + 0.04], color=line, lw=3)
        ax.add_patch(_circle(unit_xy, 0.09, FIRE if self.fires else SILENT, edge="0.1", lw=2))
        ax.text(*unit_xy, f"θ={self.threshold}", ha="center", va="center", fontsize=10)
        ax.plot([0.64, 0.86], [0.5, 0.5], color=FIRE if self.fires else "0.6", lw=3)
        ax.text(
            0.88,
            0.5,
            "fires" if self.fires else "silent",
            va="center",
            fontsize=10,
            fontweight="bold" if self.fires else "normal",
        )
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(0.0, 1.0)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title("A McCulloch–Pitts unit (green: excitatory, red: inhibitory)", fontsize=9)
        return fig

    def png(self, fig: Figure | None = None) -> bytes:
        """The current drawing as PNG bytes (what the widget shows)."""
        return png_bytes(self.draw(fig))


def _circle(xy: tuple[float, float], r: float, face: str, edge: str, lw: float = 1.0) -> Any:
    from matplotlib.patches import Circle

    return Circle(xy, r, facecolor=face, edgecolor=edge, lw=lw, zorder=3)


def mp_playground(n_excitatory: int = 3, n_inhibitory: int = 1, threshold: int = 2) -> Any:
    """Toggle a unit's inputs and move its threshold; see it fire and its whole truth table.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``state`` (the :class:`MPUnitState`), ``exc_buttons`` and
        ``inh_buttons`` (ToggleButtons), ``slider`` (the threshold), ``caption``
        (Label), ``table`` (HTML with the truth table) and ``image`` (the drawing, PNG).
    """
    import ipywidgets as w  # widgets are imported lazily
    from matplotlib.figure import Figure

    state = MPUnitState(n_excitatory, n_inhibitory, threshold)
    fig = Figure(figsize=(4.4, 2.7), dpi=80)
    exc_buttons = [
        w.ToggleButton(value=False, description=f"e{i + 1}", layout={"width": "60px"})
        for i in range(n_excitatory)
    ]
    inh_buttons = [
        w.ToggleButton(value=False, description=f"i{i + 1}", layout={"width": "60px"})
        for i in range(n_inhibitory)
    ]
    slider = w.IntSlider(
        value=state.threshold, min=0, max=n_excitatory + 1, description="threshold θ"
    )
    caption = w.Label(value=state.caption())
    table = w.HTML(value=_pre(state.truth_table_text()))
    image = w.Image(value=state.png(fig), format="png")

    def refresh() -> None:
        caption.value = state.caption()
        table.value = _pre(state.truth_table_text())
        image.value = state.png(fig)

    def on_toggle(kind: str, i: int) -> Any:
        def handler(change: dict[str, Any]) -> None:
            state.set_input(kind, i, bool(change["new"]))
            refresh()

        return handler

    for i, b in enumerate(exc_buttons):
        b.observe(on_toggle("exc", i), names="value")
    for i, b in enumerate(inh_buttons):
        b.observe(on_toggle("inh", i), names="value")

    def on_slide(change: dict[str, Any]) -> None:
        state.set_threshold(change["new"])
        refresh()

    slider.observe(on_slide, names="value")
    controls = w.HBox([w.Label("excitatory"), *exc_buttons, w.Label("inhibitory"), *inh_buttons])
    box = w.VBox([controls, slider, caption, w.HBox([image, table])])
    box.state, box.exc_buttons, box.inh_buttons = state, exc_buttons, inh_buttons
    box.slider, box.caption, box.table, box.image = slider, caption, table, image
    return box


def _pre(text: str) -> str:
    return "<pre style='font-size: 11px; line-height: 1.2'>" + text + "</pre>"


def timeline_explorer() -> Any:
    """Choose lanes and a range of years; the timeline figure and its source count follow.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``checkboxes`` (one per lane), ``years`` (IntRangeSlider),
        ``caption`` (Label: how many milestones are shown) and ``image`` (PNG).
    """
    import ipywidgets as w
    from matplotlib.figure import Figure

    from ..plots import timeline

    fig = Figure(dpi=80)
    checkboxes = [w.Checkbox(value=True, description=lane, indent=False) for lane in timeline.LANES]
    # The slider's own readout is too narrow for "1940 – 2017"; the caption shows the years.
    years = w.IntRangeSlider(
        value=(1940, 2017),
        min=1940,
        max=2017,
        description="years",
        readout=False,
        continuous_update=False,
        layout=w.Layout(width="480px"),
    )
    caption = w.Label()
    image = w.Image(format="png")

    def refresh(*_: Any) -> None:
        lanes = [c.description for c in checkboxes if c.value]
        start, end = years.value
        shown = timeline.milestones(lanes, start, end)
        caption.value = f"{len(shown)} milestones in {len(lanes)} lane(s), {start}–{end}"
        if lanes:
            image.value = png_bytes(timeline.draw(lanes, start, end, fig=fig))

    for c in checkboxes:
        c.observe(refresh, names="value")
    years.observe(refresh, names="value")
    refresh()
    box = w.VBox([w.HBox(checkboxes), years, caption, image])
    box.checkboxes, box.years, box.caption, box.image = checkboxes, years, caption, image
    return box
