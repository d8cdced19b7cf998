"""Training progress bars that read right in JupyterLab and in a terminal.

``tqdm.auto`` gives a widget in a notebook and text elsewhere. Two things went wrong
with its defaults in the chapters: a long postfix (loss, accuracy, validation metrics)
squeezed the widget's bar to a few pixels, and a run that ended early (early stopping,
a diverged loss) left the bar red at 30 %, which reads as a crash. Here

- the bar keeps a minimum width and the text flows onto the line under it when the
  cell is too narrow (the notebook widget is a wrapping flex row);
- :meth:`Bar.finish` ends the bar: a run that stopped by design (early stopping) ends
  as a full, green bar whose description says why and at which epoch; a run that
  stopped because something went wrong ends red with the reason.

tqdm is imported only when a bar is shown. Used by :func:`dlbook.training.fit` (chapter
03) and :meth:`dlbook.rbm.RBM.fit` (chapter 07).
"""

from __future__ import annotations

import os

__all__ = ["Bar", "progress_enabled"]

BAR_MIN_WIDTH = "14em"  # the bar never shrinks below this; the text wraps under it instead


def progress_enabled() -> bool:
    """False under tests and CI (``DLBOOK_PROGRESS=0``), so stored outputs stay stable."""
    return os.environ.get("DLBOOK_PROGRESS", "1").strip().lower() not in ("0", "false", "no", "off")


class Bar:
    """A ``tqdm.auto`` bar of ``total`` steps with a readable layout and an honest end.

    Parameters
    ----------
    total : int
        Number of steps (batches over all epochs).
    desc : str
        Shown before the bar: ``"fit"``.
    unit : str
        Unit of a step.
    """

    def __init__(self, total: int, desc: str, unit: str = "batch") -> None:
        from tqdm.auto import tqdm  # only when a bar is shown

        self.desc = desc
        self._bar = tqdm(total=total, unit=unit, desc=desc, leave=True, dynamic_ncols=True)
        container = getattr(self._bar, "container", None)  # the notebook widget, if any
        if container is not None:
            _, bar, text = container.children
            bar.layout.min_width = BAR_MIN_WIDTH
            bar.layout.flex = "2"
            container.layout.flex_flow = "row wrap"
            container.layout.width = "100%"
            text.layout.min_width = "0"

    @property
    def n(self) -> int:
        return int(self._bar.n)

    @property
    def total(self) -> int:
        return int(self._bar.total or 0)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def metrics(self, text: str) -> None:
        """Show ``text`` (the epoch's metrics) after the counts; it wraps under the bar."""
        self._bar.set_postfix_str(text, refresh=True)

    def finish(self, reason: str | None = None, *, failed: bool = False, why: str = "") -> None:
        """Close the bar; with ``reason``, the run stopped before its last step.

        A stop by design (``failed=False``: early stopping) ends full and green, its
        description saying so (``"fit stopped early (epoch 12/30)"``) and ``why`` added
        to the metrics; a failure ends red, also saying why. Without ``reason`` the bar
        closes as tqdm does.
        """
        bar = self._bar
        if reason:
            bar.set_description_str(f"{self.desc} {reason}", refresh=False)
            if why:
                postfix = bar.postfix or ""
                bar.set_postfix_str(f"{postfix}  ({why})" if postfix else why, refresh=False)
            if not failed and bar.total and bar.n < bar.total:
                bar.total = bar.n  # what was planned is done: the bar is full
                if getattr(bar, "container", None) is not None:
                    bar.container.children[1].max = bar.n
            bar.refresh()
        if failed and getattr(bar, "container", None) is not None:
            bar.container.children[1].bar_style = "danger"
        bar.close()
