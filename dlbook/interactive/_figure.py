"""What every playground does with its figure: get one to draw into, and turn it into PNG bytes.

Built in chapter 00; used by the playgrounds of every chapter.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["blank_figure", "png_bytes"]

DPI = 80  # small and fast to redraw while a slider moves


def blank_figure(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """``fig`` cleared, or a new figure of ``figsize`` inches (a widget reuses one figure).

    The figure is made without pyplot, so that nothing is shown on its own.
    """
    if fig is None:
        from matplotlib.figure import Figure  # matplotlib is imported lazily

        from ..plots.fonts import use_korean_font

        use_korean_font()

        fig = Figure(figsize=figsize, dpi=DPI)
    fig.clear()
    return fig


def png_bytes(fig: Figure) -> bytes:
    """PNG bytes without the 'Software' stamp: the bytes do not depend on matplotlib's version."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
