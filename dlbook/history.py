"""What happened in training, epoch by epoch: :class:`History` records and tabulates it.

    history = model.fit(x, y, epochs=5, validation=(x_val, y_val))
    history["val_loss"];  history.best_epoch;  print(history.table())
    curves.history_curves(history)        # the figure: dlbook.plots draws a History

Built in chapter 03; early stopping (``best_epoch``, ``stopped_early``) in chapter 04.
"""

from __future__ import annotations

import math

__all__ = ["History", "Text", "fmt_metric"]


class Text(str):
    """A string that a notebook shows as itself (not as a quoted repr)."""

    def __repr__(self) -> str:
        return str(self)


class History:
    """What happened in :meth:`Sequential.fit`, epoch by epoch.

    Attributes
    ----------
    history : dict of str to list of float
        ``"loss"`` and ``"accuracy"`` on the training batches (means over the
        epoch's batches, taken while the weights were changing, as Keras
        reports them), and with ``validation=`` also ``"val_loss"`` and
        ``"val_accuracy"`` (measured after the epoch). Accuracies are fractions in
        [0, 1]; ``nan`` when the model is not a classifier.
    seconds : list of float
        Wall-clock time of each epoch, validation included.
    stopped_early : bool
        True when early stopping ended training before ``epochs``.

    ``history["val_loss"]`` is the same as ``history.history["val_loss"]``;
    ``history.best_epoch`` is the epoch (counted from 1) with the lowest validation
    loss (training loss without validation); ``history.table()`` shows it all as
    text and :func:`dlbook.plots.curves.history_curves` draws it.

    Built in chapter 03; early stopping in chapter 04.
    """

    def __init__(self, validation: bool = False) -> None:
        keys = ["loss", "accuracy"] + (["val_loss", "val_accuracy"] if validation else [])
        self.history: dict[str, list[float]] = {k: [] for k in keys}
        self.seconds: list[float] = []
        self.stopped_early = False

    def record(self, seconds: float, **values: float) -> None:
        """Add one epoch: its wall-clock ``seconds`` and a value for each series."""
        for key, value in values.items():
            self.history[key].append(float(value))
        self.seconds.append(float(seconds))

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.history:
            raise KeyError(f"History has no series {key!r}; it has {sorted(self.history)}.")
        return self.history[key]

    def __len__(self) -> int:
        return len(self.history["loss"])

    @property
    def epochs(self) -> list[int]:
        """The epoch numbers, 1, 2, …, len(history)."""
        return list(range(1, len(self) + 1))

    @property
    def monitor(self) -> str:
        """The series that decides the best epoch: ``"val_loss"`` when there is validation."""
        return "val_loss" if "val_loss" in self.history else "loss"

    @property
    def best_epoch(self) -> int | None:
        """The epoch (from 1) with the lowest :attr:`monitor` value; None before any epoch."""
        values = self.history[self.monitor]
        finite = [(v, i) for i, v in enumerate(values) if math.isfinite(v)]
        return min(finite)[1] + 1 if finite else None

    def as_dict(self) -> dict[str, list[float]]:
        """A copy of :attr:`history` (plain lists of floats)."""
        return {k: list(v) for k, v in self.history.items()}

    def table(self) -> str:
        """The per-epoch numbers as a text table; the best epoch is marked with ``*``.

        Losses to three significant digits, accuracies to 0.1 %, so that the table
        is the same on every machine for a seeded run.
        """
        keys = list(self.history)
        head = ["epoch"] + [k.replace("_", " ") for k in keys]
        rows = []
        best = self.best_epoch
        for i in range(len(self)):
            cells = [f"{i + 1}{' *' if best == i + 1 else '  '}"]
            for k in keys:
                v = self.history[k][i]
                cells.append(fmt_metric(k, v))
            rows.append(cells)
        widths = [max(len(r[j]) for r in [head, *rows]) for j in range(len(head))]
        lines = [
            "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return Text("\n".join(lines))

    def __repr__(self) -> str:
        if not len(self):
            return "History(no epochs)"
        best = self.best_epoch
        parts = [f"History({len(self)} epochs"]
        if best is not None:
            k = self.monitor
            acc_key = "val_accuracy" if k == "val_loss" else "accuracy"
            parts.append(
                f"best epoch {best}: {k} {fmt_metric(k, self.history[k][best - 1])}, "
                f"{acc_key} {fmt_metric(acc_key, self.history[acc_key][best - 1])}"
            )
        if self.stopped_early:
            parts.append("stopped early")
        return ", ".join(parts) + ")"


def fmt_metric(key: str, value: float) -> str:
    if not math.isfinite(value):
        return "–" if "accuracy" in key and math.isnan(value) else str(value)
    return f"{100 * value:.1f} %" if "accuracy" in key else f"{value:.3g}"
