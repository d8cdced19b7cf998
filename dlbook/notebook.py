"""Helpers for the chapters themselves: set-up and showing the package's source.

Used by every chapter's first cells (chapter 00 introduces them).
"""

from __future__ import annotations

import inspect
import sys
import textwrap
from typing import Any

import numpy as np

from . import backend

FIGURE_DPI = 80  # modest, so that a stored notebook stays well under 3 MB


def setup_notebook(seed: int = 0, *, device: str | None = None) -> Any:
    """Prepare a chapter: print precision, figure style, and a seeded generator.

    Nothing global is seeded: the returned generator is the chapter's source of
    randomness (pass it, or an int, as ``rng=`` to anything random).

    Parameters
    ----------
    seed : int
        Seed of the returned generator.
    device : str, optional
        ``"numpy"``, ``"cupy"`` or ``"auto"``; by default the device already chosen
        (``DLBOOK_DEVICE`` sets it for a whole chapter).

    Returns
    -------
    A generator from :func:`dlbook.backend.default_rng`.
    """
    if device is not None:
        backend.use(device)
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    if "matplotlib" in sys.modules or _in_notebook():
        _style_figures()
    return backend.default_rng(seed)


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def _style_figures() -> None:
    import matplotlib as mpl  # drawing is imported lazily

    mpl.rcParams.update(
        {
            "figure.figsize": (6.0, 3.6),
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": FIGURE_DPI,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "gray_r",
            "font.size": 10,
        }
    )
    from .plots.fonts import use_korean_font

    use_korean_font()  # Korean labels render without a system CJK font


def source_of(obj: Any) -> str:
    """The source code of a function, class or module of the package, dedented."""
    try:
        return textwrap.dedent(inspect.getsource(obj))
    except (TypeError, OSError) as exc:
        raise TypeError(
            f"dl.show: cannot find the source of {obj!r} ({exc}). "
            "Pass a function, class or module defined in Python."
        ) from exc


class _Source:
    """Source code that Jupyter renders highlighted (as Markdown) and a script prints."""

    def __init__(self, name: str, code: str) -> None:
        self.name = name
        self.code = code

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code.rstrip()}\n```"

    def __repr__(self) -> str:
        return self.code.rstrip()


def show(obj: Any) -> _Source:
    """Show the source of a piece of the package, so a chapter never pastes it.

    In a notebook the last expression of a cell, ``dl.show(Dense.backward)``,
    renders the code highlighted; in a script ``print(dl.show(f))`` prints it.
    """
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))
    return _Source(name, source_of(obj))
