"""The training loop behind ``Sequential.fit``: epochs of ``train_step`` over shuffled batches.

    history = fit(model, x, y, epochs=5, batch_size=128, optimizer=SGD(0.1), rng=0)

One epoch visits the training set once in a new random order and calls
``model.train_step`` on each batch; the epoch's loss and accuracy are summed on
the device and read once, at the end of the epoch (no host sync per batch).
After each epoch come validation, the record in :class:`~dlbook.history.History`,
the nan check and :class:`EarlyStopping`. ``Sequential.fit`` documents the
arguments.

Built in chapter 03 (the loop) and chapter 04 (validation, early stopping).
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

from . import backend, optim
from .history import History, fmt_metric
from .inputs import check_int, prepare
from .progressbar import Bar, progress_enabled

__all__ = ["EarlyStopping", "LastFinite", "evaluate", "fit", "progress_enabled"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` epochs; keep the best.

    ``patience=None`` never stops and keeps nothing. :meth:`update` is called after
    each epoch and says whether to stop; :meth:`restore` copies the best epoch's
    weights back into the parameters.
    """

    def __init__(self, patience: int | None, params: list[dict[str, Array]]) -> None:
        self.patience = patience
        self.params = params
        self.best_loss = math.inf
        self.best_state: list[dict[str, Array]] | None = None
        self.waited = 0
        self.stopped = False
        self.warned = False

    def update(self, val_loss: float, epoch: int, epochs: int) -> bool:
        """Record the epoch's validation loss; True when training should stop now.

        A validation loss that is NaN or inf counts as no improvement, and says so
        (once per run) with a ``RuntimeWarning``: it is never silently ignored.
        """
        if self.patience is None:
            return False
        if not math.isfinite(val_loss):
            if not self.warned:
                self.warned = True
                warnings.warn(
                    f"Sequential.fit: the validation loss is {val_loss} in epoch {epoch} "
                    "although the training data are finite: the model overflows on the "
                    "validation data. Early stopping counts such an epoch as no improvement.",
                    RuntimeWarning,
                    stacklevel=4,
                )
        if val_loss < self.best_loss:
            self.best_loss, self.waited = val_loss, 0
            self.best_state = [{k: p.copy() for k, p in d.items()} for d in self.params]
            return False
        self.waited += 1
        self.stopped = self.waited >= self.patience and epoch < epochs
        return self.stopped

    @property
    def why(self) -> str:
        """Why training stopped, for the progress bar."""
        return f"no better val loss in {self.patience} epochs"

    def restore(self) -> None:
        """Copy the best epoch's weights back into the parameters (if any were kept)."""
        if self.best_state is None:
            return
        for d, saved in zip(self.params, self.best_state, strict=True):
            for k, p in d.items():
                p[...] = saved[k]


def _optimizer(optimizer: Any) -> Any:
    """The optimiser to use: SGD(0.1) by default, one built from a name, or the one given."""
    if optimizer is None:
        optimizer = optim.SGD(lr=0.1)
    elif isinstance(optimizer, str):
        optimizer = optim.get(optimizer)  # ValueError for an unknown name
    if isinstance(optimizer, type):
        name = optimizer.__name__
        raise TypeError(
            "The 'optimizer' parameter of Sequential.fit must be an optimiser object, "
            f"such as {name}(lr=0.01) (with parentheses). Got the class {name} instead."
        )
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"Sequential.fit: optimizer must have a step(params, grads) method, like "
            f"dlbook.optim.SGD(lr=0.1); got {type(optimizer).__name__}."
        )
    return optimizer


def _patience(early_stopping: int | None, validation: Any) -> int | None:
    if early_stopping is None:
        return None
    patience = check_int("fit", "early_stopping", early_stopping)
    if validation is None:
        raise ValueError(
            "Sequential.fit: early_stopping watches the validation loss; pass "
            "validation=(x_val, y_val) as well."
        )
    return patience


def _validation(model: Any, validation: Any) -> tuple[Array, Array, Array] | None:
    if validation is None:
        return None
    if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
        raise TypeError(
            "Sequential.fit: validation must be a pair (x_val, y_val); "
            f"got {type(validation).__name__}."
        )
    return prepare(model, validation[0], validation[1], "fit (validation)")


def _fraction(correct: Any, n: int, labels: Any) -> float:
    return float(correct) / n if labels is not None else math.nan


def evaluate(model: Any, x: Array, y: Array, labels: Array, batch_size: int) -> dict[str, float]:
    """Mean loss and accuracy of ``model`` on checked data (``inputs.prepare``), no dropout."""
    xp = backend.array_module(x)
    n = len(x)
    total: Any = 0.0
    correct: Any = 0
    for start in range(0, n, batch_size):
        sl = slice(start, start + batch_size)
        scores = model.forward(x[sl], train=False)
        loss = model.loss.forward(scores, y[sl])
        total = total + loss * scores.shape[0]
        if labels is not None:
            correct = correct + xp.count_nonzero(scores.argmax(axis=1) == labels[sl])
    return {"loss": float(total) / n, "accuracy": _fraction(correct, n, labels)}


def _epoch(model: Any, data: tuple[Array, Array, Array], order: Array, batch_size: int,
           optimizer: Any, bar: Any) -> dict[str, float]:  # fmt: skip
    """One pass over the data in ``order``; the mean training loss and accuracy."""
    x, y, labels = data
    count_nonzero = backend.array_module(x).count_nonzero
    total: Any = 0.0
    correct: Any = 0
    for start in range(0, len(x), batch_size):
        idx = order[start : start + batch_size]
        loss, scores = model.train_step(x[idx], y[idx], optimizer)
        total = total + loss * len(idx)  # stays on the device: no sync per batch
        if labels is not None:
            correct = correct + count_nonzero(scores.argmax(axis=1) == labels[idx])
        if bar is not None:
            bar.update(1)
    n = len(x)
    return {"loss": float(total) / n, "accuracy": _fraction(correct, n, labels)}


class LastFinite:
    """The weights as they were at the start of the epoch, to go back to if it diverges.

    One copy of the parameters per epoch (on the device, no host sync); after the
    epoch, one finiteness test of the loss and of each parameter. When either is
    not finite, :meth:`restore` puts the copy back and the optimiser's state
    (velocities, running averages: NaN by now) is reset.
    """

    why = "the loss diverged; the last finite weights were restored"  # for the progress bar

    def __init__(self, params: list[dict[str, Array]]) -> None:
        self.params = params
        self.saved: list[dict[str, Array]] = []

    def keep(self) -> None:
        """Copy the current parameters (called before each epoch)."""
        self.saved = [{k: p.copy() for k, p in d.items()} for d in self.params]

    def diverged(self, loss: float) -> bool:
        """Whether the epoch ended with a non-finite loss or non-finite weights."""
        if not math.isfinite(loss):
            return True
        for d in self.params:
            for p in d.values():
                if not bool(backend.array_module(p).isfinite(p).all()):
                    return True
        return False

    def restored(self, loss: float, optimizer: Any, epoch: int) -> bool:
        """After an epoch: if it diverged, :meth:`restore` the weights and return True."""
        if not self.diverged(loss):
            return False
        self.restore(optimizer, loss, epoch)
        return True

    def restore(self, optimizer: Any, loss: float, epoch: int) -> None:
        """Put the saved weights back, reset the optimiser, and say so."""
        for d, saved in zip(self.params, self.saved, strict=True):
            for k, p in d.items():
                p[...] = saved[k]
        reset = getattr(optimizer, "reset", None) or getattr(
            getattr(optimizer, "optimizer", None), "reset", None
        )
        if callable(reset):
            reset()
        before = f"after epoch {epoch - 1}" if epoch > 1 else "before this call to fit"
        what = f"loss became {loss}" if not math.isfinite(loss) else "weights became nan/inf"
        warnings.warn(
            f"Sequential.fit: the training {what} in epoch {epoch}; training stopped, the "
            f"weights as they were {before} (the last finite ones) were restored and the "
            "optimiser's state was reset. Try a smaller learning rate, or scale the inputs.",
            RuntimeWarning,
            stacklevel=5,
        )


def _postfix(values: dict[str, float]) -> str:
    return "  ".join(f"{k.replace('_', ' ')} {fmt_metric(k, v)}" for k, v in values.items())


def _bar(progress: bool | None, total: int) -> Bar | None:
    """A progress bar over ``total`` batches, or None when progress is off."""
    show = progress_enabled() if progress is None else bool(progress)
    return Bar(total, "fit") if show else None


def _validate(
    model: Any, val: tuple[Array, Array, Array] | None, batch_size: int, diverged: bool
) -> dict[str, float]:
    """The validation loss and accuracy after an epoch; NaN when the epoch's weights are gone."""
    if val is None:
        return {}
    if diverged:
        return {"val_loss": math.nan, "val_accuracy": math.nan}
    v = evaluate(model, *val, batch_size=max(batch_size, 1024))
    return {"val_loss": v["loss"], "val_accuracy": v["accuracy"]}


def fit(model: Any, x: Array, y: Array, *, epochs: int = 10, batch_size: int = 32,
        optimizer: Any = None, validation: tuple[Array, Array] | None = None, rng: Any = 0,
        early_stopping: int | None = None, progress: bool | None = None) -> History:  # fmt: skip
    """Train ``model`` by mini-batch gradient descent; see :meth:`dlbook.network.Sequential.fit`."""
    epochs = check_int("fit", "epochs", epochs)
    batch_size = check_int("fit", "batch_size", batch_size)
    optimizer = _optimizer(optimizer)
    stopper = EarlyStopping(_patience(early_stopping, validation), model.state)
    last_finite = LastFinite(model.state)
    data, val = prepare(model, x, y, "fit"), _validation(model, validation)
    gen, history = backend.default_rng(rng), History(validation=val is not None)
    bar = _bar(progress, epochs * -(-len(data[0]) // batch_size))
    ending: tuple[str | None, bool, str] = (None, False, "")  # what the bar says at the end
    try:
        for epoch in range(1, epochs + 1):
            start_time = time.perf_counter()
            last_finite.keep()
            values = _epoch(model, data, gen.permutation(len(data[0])), batch_size, optimizer, bar)
            diverged = last_finite.restored(values["loss"], optimizer, epoch)
            values.update(_validate(model, val, batch_size, diverged))
            backend.synchronize()
            history.record(time.perf_counter() - start_time, **values)
            if diverged:
                ending = (f"stopped (epoch {epoch}/{epochs})", True, last_finite.why)
                break
            if bar is not None:
                bar.metrics(_postfix(values))
            if stopper.update(values.get("val_loss", math.nan), epoch, epochs):
                ending = (f"stopped early (epoch {epoch}/{epochs})", False, stopper.why)
                break
    finally:
        if bar is not None:
            bar.finish(ending[0], failed=ending[1], why=ending[2])
    stopper.restore()
    history.stopped_early = stopper.stopped
    return history
