"""A timeline of neural networks, 1943–2015, with the primary source of every milestone.

    from dlbook.plots import timeline
    timeline.draw()                    # the figure, four lanes
    timeline.source_table()            # milestone -> primary source, as a Markdown table

The milestones are data (:data:`MILESTONES`, in :mod:`dlbook.milestones`, re-exported
here), so that the figure, the table and the tests read one list. Each source is the
first publication of the idea (author, year, title, venue); where a later, better-known
version exists it is named after it. matplotlib is imported inside the functions that
draw. Built in chapter 00.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..milestones import (
    FIRST_YEAR,
    LANES,
    LAST_YEAR,
    MILESTONES,
    WINTERS,
    Milestone,
    check_lanes,
    milestones,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "LANES",
    "MILESTONES",
    "WINTERS",
    "Milestone",
    "MarkdownTable",
    "draw",
    "milestones",
    "source_table",
]

# One colour per lane, the same in the figure and the explorer (colour-blind-safe Okabe–Ito).
LANE_COLOURS = {
    "neurons & learning rules": "#0072B2",
    "training deep networks": "#D55E00",
    "architectures": "#009E73",
    "data & hardware": "#CC79A7",
}


def draw(
    lanes: Iterable[str] | None = None,
    start: int = 1940,
    end: int = 2017,
    *,
    winters: bool = True,
    fig: Figure | None = None,
) -> Figure:
    """Draw the timeline: one band per lane, one row per milestone, labelled.

    Each milestone is a dot at its year with ``label (who)`` beside it, on the side
    where the label fits inside the axes. Each milestone has a row of its own and
    each lane's name a row above its milestones, so labels never overlap.

    Parameters
    ----------
    lanes : iterable of str, optional
        Which lanes to show (default: all four, in :data:`LANES` order).
    start, end : int
        The years on the axis; milestones outside are left out.
    winters : bool
        Shade the two "AI winters" as commonly dated (:data:`WINTERS`).
    fig : matplotlib Figure, optional
        Draw into this figure (cleared first); by default a new one (with pyplot, so
        that a notebook shows it).

    Returns
    -------
    The matplotlib Figure.
    """
    chosen = check_lanes(lanes)
    items = milestones(chosen, max(start, FIRST_YEAR), min(end, LAST_YEAR))
    rows = len(items) + len(chosen)  # one spare row per lane, for its name
    height = 1.0 + 0.2 * rows
    if fig is None:
        import matplotlib.pyplot as plt  # drawing is imported lazily

        fig = plt.figure(figsize=(9.0, height))
    else:
        fig.clear()
        fig.set_size_inches(9.0, height)
    ax = fig.add_subplot(1, 1, 1)

    y = 0.0
    years_per_inch = (end - start) / 8.0  # the axes are about 8 inches wide
    for lane in chosen:
        in_lane = [m for m in items if m.lane == lane]
        top = y
        y -= 1.0  # the lane's name sits on its own row
        colour = LANE_COLOURS[lane]
        for m in in_lane:
            ax.plot([m.year], [y], "o", color=colour, markersize=5, zorder=3)
            text = f"{m.label} ({m.who})"
            width = 0.058 * len(text) * years_per_inch  # the label's length, in years
            room_right, room_left = end - m.year, m.year - start
            right = width < room_right - 1 or room_right > room_left
            ax.annotate(
                text,
                (m.year, y),
                xytext=(5 if right else -5, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=7.5,
                color="#222222",
            )
            y -= 1.0
        ax.axhspan(y + 0.5, top + 0.5, color=colour, alpha=0.08, lw=0)
        ax.text(start + 0.5, top, lane, fontsize=8.5, fontweight="bold", color=colour, va="center")

    shown = [(a, b) for a, b in WINTERS if winters and b >= start and a <= end]
    for i, (a, b) in enumerate(shown):
        label = "'AI winters', as commonly dated" if i == 0 else None
        ax.axvspan(a, b, color="0.5", alpha=0.15, lw=0, label=label)
    if shown:
        ax.legend(loc="lower left", fontsize=7.5, frameon=False)

    ax.set_xlim(start, end)
    ax.set_ylim(y + 0.5, 0.5)
    ax.set_yticks([])
    ax.set_xlabel("year of first publication")
    # the years asked for, as the chapter's caption states them (not clipped to the data)
    ax.set_title(f"Neural networks, {max(start, FIRST_YEAR)}–{end}: milestones")
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    fig.tight_layout()
    return fig


class MarkdownTable(str):
    """A Markdown table that a notebook renders as a table (its text is the Markdown)."""

    def _repr_markdown_(self) -> str:
        return str(self)


def source_table(items: Sequence[Milestone] | None = None) -> MarkdownTable:
    """A Markdown table: year, milestone, primary source, in year order.

    The last expression of a notebook cell, it renders as a table; ``print`` gives the text.
    """
    items = sorted(MILESTONES if items is None else items, key=lambda m: (m.year, m.label))
    lines = ["| year | milestone | primary source |", "| --- | --- | --- |"]
    for m in items:
        text = m.source.replace("|", "/")
        lines.append(f"| {m.year} | {m.label} | {text} |")
    return MarkdownTable("\n".join(lines))
