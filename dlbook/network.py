"""A model as a list of layers: ``Sequential``, with fit, evaluate, predict, save and load.

    model = Sequential([Dense(784, 256), ReLU(), Dense(256, 10)])   # SoftmaxCrossEntropy loss
    history = model.fit(x, y, epochs=5, batch_size=128, optimizer=SGD(0.1, momentum=0.9),
                        validation=(x_val, y_val), rng=0)
    model.evaluate(x_test, y_test)        # {"loss": 0.31, "accuracy": 0.912}
    model.predict(x_test)                 # class labels (N,), int64
    model.save("mlp.npz");  Sequential.load("mlp.npz")

Where the data live. ``fit``, ``evaluate`` and ``predict`` accept NumPy arrays or
arrays on the current device. Each call moves its data to the current device
*once*, in the model's dtype (``backend.asarray``; no copy when they are already
there), and then cuts mini-batches on the device: no host-device copy happens
inside the training loop. On a GPU the data set must therefore fit in GPU memory.
Results (``predict``) stay on the device; use ``backend.to_cpu`` to plot them.

Built in chapter 02 (forward and backward through a list of layers), chapter 03
(fit, evaluate, predict with softmax and cross-entropy) and chapter 04 (validation,
early stopping, save and load).
"""

from __future__ import annotations

import json
import math
import struct
import time
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import backend, optim
from . import functions as F
from . import layers as L
from ._io import atomic_write
from .notebook import progress_enabled
from .optim import SGD

__all__ = ["History", "Sequential"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array

FORMAT = "dlbook.Sequential"
FORMAT_VERSION = 1
#: Modules whose layers a saved model may name; nothing else is imported on load.
LAYER_MODULES = ("dlbook.layers", "dlbook.conv", "dlbook.rnn")


class _Text(str):
    """A string that a notebook shows as itself (not as a quoted repr)."""

    def __repr__(self) -> str:
        return str(self)


# --------------------------------------------------------------------- History
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
    loss (training loss without validation); ``history.table()`` and
    ``history.plot()`` show it all.

    Built in chapter 03; early stopping in chapter 04.
    """

    def __init__(self, validation: bool = False) -> None:
        keys = ["loss", "accuracy"] + (["val_loss", "val_accuracy"] if validation else [])
        self.history: dict[str, list[float]] = {k: [] for k in keys}
        self.seconds: list[float] = []
        self.stopped_early = False

    def _append(self, seconds: float, **values: float) -> None:
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
                cells.append(_fmt_metric(k, v))
            rows.append(cells)
        widths = [max(len(r[j]) for r in [head, *rows]) for j in range(len(head))]
        lines = [
            "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return _Text("\n".join(lines))

    def plot(self, axes: Any = None) -> Any:
        """Draw loss and accuracy against the epoch, training and validation in the book's colours.

        Parameters
        ----------
        axes : a pair of matplotlib Axes, optional
            Where to draw the loss and the accuracy; a new figure of two panels
            when omitted.

        Returns
        -------
        matplotlib Figure
        """
        import matplotlib.pyplot as plt  # noqa: PLC0415  (drawing is imported lazily)

        from .plots import curves  # noqa: PLC0415

        if not len(self):
            raise ValueError("History.plot: there is nothing to plot yet (no epoch was run).")
        if axes is None:
            fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.4))
        else:
            fig = axes[0].figure
        h = self.history
        loss = {"train": h["loss"], **({"validation": h["val_loss"]} if "val_loss" in h else {})}
        acc = {
            "train": h["accuracy"],
            **({"validation": h["val_accuracy"]} if "val_accuracy" in h else {}),
        }
        curves.learning_curves(loss, ax=axes[0], title="Loss", ylabel="mean loss per sample")
        curves.learning_curves(acc, ax=axes[1], title="Accuracy", ylabel="accuracy (fraction)")
        best = self.best_epoch
        if best is not None:
            for ax in axes[:2]:
                ax.axvline(best, color="0.6", lw=0.8, ls=":", label="best epoch")
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        if not len(self):
            return "History(no epochs)"
        best = self.best_epoch
        parts = [f"History({len(self)} epochs"]
        if best is not None:
            k = self.monitor
            acc_key = "val_accuracy" if k == "val_loss" else "accuracy"
            parts.append(
                f"best epoch {best}: {k} {_fmt_metric(k, self.history[k][best - 1])}, "
                f"{acc_key} {_fmt_metric(acc_key, self.history[acc_key][best - 1])}"
            )
        if self.stopped_early:
            parts.append("stopped early")
        return ", ".join(parts) + ")"


def _fmt_metric(key: str, value: float) -> str:
    if not math.isfinite(value):
        return "–" if "accuracy" in key and math.isnan(value) else str(value)
    return f"{100 * value:.1f} %" if "accuracy" in key else f"{value:.3g}"


# ------------------------------------------------------------------ Sequential
class Sequential:
    """Layers applied one after another, with a loss layer on top.

    Parameters
    ----------
    layers : sequence of layers
        Objects with ``forward(x, train=False)``, ``backward(dout)``, ``params`` and
        ``grads`` (DESIGN §2.1), e.g. ``[Dense(784, 256), ReLU(), Dense(256, 10)]``.
    loss : loss layer, optional
        ``forward(scores, targets)`` -> mean loss, ``backward()`` -> dscores.
        Default: a new :class:`~dlbook.layers.SoftmaxCrossEntropy`.

    Attributes
    ----------
    layers : list
        The layers, in order; ``model.layers[0].params["W"]`` is the first weight matrix.
    loss : loss layer

    Notes
    -----
    Predictions: :meth:`predict` returns class labels (the argmax of the scores),
    :meth:`predict_proba` the softmax probabilities, :meth:`predict_scores` the raw
    scores (logits) of the last layer, as scikit-learn names them.

    Built in chapter 02 (forward, backward) and chapter 03 (training).
    """

    def __init__(self, layers: Sequence[Any], loss: Any = None) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential: give at least one layer, e.g. Sequential([Dense(4, 3)]).")
        for i, layer in enumerate(layers):
            if isinstance(layer, L.Loss):
                raise TypeError(
                    f"Sequential: layers[{i}] is the loss {type(layer).__name__}; pass it as "
                    f"Sequential([...], loss={type(layer).__name__}()) instead."
                )
            missing = [
                a for a in ("forward", "backward", "params", "grads") if not hasattr(layer, a)
            ]
            if missing:
                raise TypeError(
                    f"Sequential: layers[{i}] ({type(layer).__name__}) is not a layer: it has "
                    f"no {', '.join(missing)}. Layers come from dlbook.layers, e.g. Dense(4, 3)."
                )
        self.layers: list[Any] = layers
        self.loss: Any = L.SoftmaxCrossEntropy() if loss is None else loss
        if not (hasattr(self.loss, "forward") and hasattr(self.loss, "backward")):
            raise TypeError(
                f"Sequential: loss must be a loss layer such as SoftmaxCrossEntropy(); "
                f"got {type(self.loss).__name__}."
            )

    # --- parameters ---------------------------------------------------------------
    @property
    def params(self) -> list[dict[str, Array]]:
        """The layers' ``params`` dicts, one per layer (empty for ReLU and the like)."""
        return [layer.params for layer in self.layers]

    @property
    def grads(self) -> list[dict[str, Array]]:
        """The layers' ``grads`` dicts, one per layer, filled by :meth:`backward`."""
        return [layer.grads for layer in self.layers]

    @property
    def n_params(self) -> int:
        """The number of trainable numbers in the model."""
        return sum(int(p.size) for d in self.params for p in d.values())

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the parameters (float32 unless the layers were made otherwise)."""
        for d in self.params:
            for p in d.values():
                return np.dtype(p.dtype)
        return np.dtype(np.float32)

    def astype(self, dtype: Any) -> Sequential:
        """An independent copy of the model with parameters in ``dtype`` (float64 for checks)."""
        return Sequential([layer.astype(dtype) for layer in self.layers], self.loss.astype(dtype))

    # --- forward and backward ----------------------------------------------------
    def forward(self, x: Array, train: bool = False) -> Array:
        """The scores of the last layer for a batch ``x`` on the model's device.

        ``train=True`` switches Dropout and the like to training behaviour.
        """
        for layer in self.layers:
            x = layer.forward(x, train=train)
        return x

    def backward(self, input_grad: bool = True) -> Array:
        """Backpropagate from the loss (after ``model.loss.forward``); fills every layer's grads.

        Parameters
        ----------
        input_grad : bool
            Return ∂C/∂x, the gradient with respect to the input batch (for
            saliency maps or adversarial examples). With False, the layers in front
            of the first trainable one skip computing it and None is returned;
            :meth:`fit` does this, which saves a third of the work of a first
            784-256 Dense layer.
        """
        layers = self.layers
        stop = 0
        if not input_grad:
            stop = next((i for i, layer in enumerate(layers) if layer.params), len(layers))
        dout = self.loss.backward()
        for i in range(len(layers) - 1, stop - 1, -1):
            layer = layers[i]
            if hasattr(layer, "needs_input_grad"):
                layer.needs_input_grad = input_grad or i > stop
            dout = layer.backward(dout)
        return dout if input_grad else None

    def train_step(self, x: Array, y: Array, optimizer: Any) -> Array:
        """One update on one batch: forward in training mode, loss, backward, ``optimizer.step``.

        ``x`` and ``y`` must already be on the model's device. Returns the batch's
        mean loss before the update, as a 0-d array on the device (``float(...)``
        for a number).
        """
        scores = self.forward(x, train=True)
        loss = self.loss.forward(scores, y)
        self.backward(input_grad=False)
        optimizer.step(self.params, self.grads)
        return loss

    # --- training --------------------------------------------------------------------
    def fit(
        self,
        x: Array,
        y: Array,
        *,
        epochs: int = 10,
        batch_size: int = 32,
        optimizer: Any = None,
        validation: tuple[Array, Array] | None = None,
        rng: Any = 0,
        early_stopping: int | None = None,
        progress: bool | None = None,
    ) -> History:
        """Train by mini-batch gradient descent; returns the :class:`History`.

        Each epoch visits the training set once in a new random order (drawn from
        ``rng``); the last batch may be smaller. The data are moved to the model's
        device once, before the first epoch (see the module's docstring).

        Parameters
        ----------
        x : ndarray of shape (N, ...)
            Inputs, e.g. (N, 784) vectors or (N, 1, 28, 28) images.
        y : ndarray of shape (N,), int, or of shape (N, C), float
            Class labels in [0, C), or one-hot (probability) rows.
        epochs : int >= 1
        batch_size : int >= 1
        optimizer : optimiser from :mod:`dlbook.optim`, or its name, optional
            Default ``SGD(lr=0.1)``. Its state (momentum, …) carries over between
            calls to ``fit`` when the same optimiser is passed again. A name
            (``"sgd"``, ``"adagrad"``, ``"rmsprop"``, ``"adam"``) builds a new one
            with default hyper-parameters (``optim.get``).
        validation : (x_val, y_val), optional
            Evaluated after every epoch (``val_loss``, ``val_accuracy``).
        rng : int or generator
            Seed or generator for the shuffling; the same seed gives the same run.
        early_stopping : int, optional
            Patience: stop when ``val_loss`` has not improved for this many epochs,
            then restore the weights of the best epoch (needs ``validation``). The
            best weights are restored also when training runs to the end.
        progress : bool, optional
            Show a ``tqdm`` progress bar. Default: on, except where
            ``DLBOOK_PROGRESS=0`` (tests and CI).

        Returns
        -------
        History

        Raises
        ------
        ValueError, TypeError
            For inputs that do not fit the model (feature count, labels out of
            range, lengths of ``x`` and ``y`` that differ) and bad arguments; the
            message says what was expected.

        Notes
        -----
        Training stops with a ``RuntimeWarning`` when the loss becomes nan or
        infinite (a learning rate too large, usually).
        """
        epochs = _check_int("fit", "epochs", epochs)
        batch_size = _check_int("fit", "batch_size", batch_size)
        if optimizer is None:
            optimizer = SGD(lr=0.1)
        elif isinstance(optimizer, str):
            optimizer = optim.get(optimizer)  # ValueError for an unknown name
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError(
                f"Sequential.fit: optimizer must have a step(params, grads) method, like "
                f"dlbook.optim.SGD(lr=0.1); got {type(optimizer).__name__}."
            )
        if early_stopping is not None:
            early_stopping = _check_int("fit", "early_stopping", early_stopping)
            if validation is None:
                raise ValueError(
                    "Sequential.fit: early_stopping watches the validation loss; pass "
                    "validation=(x_val, y_val) as well."
                )
        x, y, labels = self._prepare(x, y, "fit")
        val = None
        if validation is not None:
            if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
                raise TypeError(
                    "Sequential.fit: validation must be a pair (x_val, y_val); "
                    f"got {type(validation).__name__}."
                )
            val = self._prepare(validation[0], validation[1], "fit (validation)")

        gen = backend.default_rng(rng)
        n = len(x)
        n_batches = -(-n // batch_size)
        params = [d for d in self.params if d]  # skip layers without parameters
        grads = [layer.grads for layer in self.layers if layer.params]
        history = History(validation=val is not None)
        show = progress_enabled() if progress is None else bool(progress)
        bar = _progress_bar(epochs * n_batches) if show else None
        best_loss, best_state, waited = math.inf, None, 0
        layers, loss_layer = self.layers, self.loss
        count_nonzero = backend.xp().count_nonzero
        try:
            for epoch in range(1, epochs + 1):
                start_time = time.perf_counter()
                order = gen.permutation(n)
                total: Any = 0.0
                correct: Any = 0
                for start in range(0, n, batch_size):
                    idx = order[start : start + batch_size]
                    h = x[idx]  # gather this batch, (B, ...)
                    for layer in layers:
                        h = layer.forward(h, train=True)
                    loss = loss_layer.forward(h, y[idx])
                    self.backward(input_grad=False)
                    optimizer.step(params, grads)
                    total = total + loss * len(idx)  # stays on the device: no sync per batch
                    if labels is not None:
                        correct = correct + count_nonzero(h.argmax(axis=1) == labels[idx])
                    if bar is not None:
                        bar.update(1)
                values = {"loss": float(total) / n, "accuracy": _fraction(correct, n, labels)}
                if val is not None:
                    v = self._evaluate(*val, batch_size=max(batch_size, 1024))
                    values.update(val_loss=v["loss"], val_accuracy=v["accuracy"])
                backend.synchronize()
                history._append(time.perf_counter() - start_time, **values)
                if bar is not None:
                    bar.set_postfix_str(_postfix(values), refresh=False)
                if not math.isfinite(values["loss"]):
                    warnings.warn(
                        f"Sequential.fit: the training loss became {values['loss']} in epoch "
                        f"{epoch}; training stopped. Try a smaller learning rate.",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                    break
                if early_stopping is not None:
                    if values["val_loss"] < best_loss:
                        best_loss, waited = values["val_loss"], 0
                        best_state = [{k: p.copy() for k, p in d.items()} for d in params]
                    else:
                        waited += 1
                        if waited >= early_stopping and epoch < epochs:
                            history.stopped_early = True
                            break
        finally:
            if bar is not None:
                bar.close()
        if best_state is not None:
            for d, saved in zip(params, best_state, strict=True):
                for k, p in d.items():
                    p[...] = saved[k]
        return history

    # --- evaluation and prediction ---------------------------------------------------
    def evaluate(self, x: Array, y: Array, batch_size: int = 1024) -> dict[str, float]:
        """Mean loss and accuracy on a data set, in evaluation mode (no dropout).

        Parameters
        ----------
        x : ndarray of shape (N, ...)
        y : ndarray of shape (N,), int, or (N, C), float
        batch_size : int
            How many samples go through the model at once (memory, not results).

        Returns
        -------
        dict
            ``{"loss": float, "accuracy": float in [0, 1]}``; accuracy is the fraction
            of samples whose largest score is at the true class (``nan`` for a model
            with a single output).
        """
        batch_size = _check_int("evaluate", "batch_size", batch_size)
        x, y, labels = self._prepare(x, y, "evaluate")
        return self._evaluate(x, y, labels, batch_size=batch_size)

    def _evaluate(self, x: Array, y: Array, labels: Array, batch_size: int) -> dict[str, float]:
        xp = backend.array_module(x)
        n = len(x)
        total: Any = 0.0
        correct: Any = 0
        for start in range(0, n, batch_size):
            sl = slice(start, start + batch_size)
            scores = self.forward(x[sl], train=False)
            loss = self.loss.forward(scores, y[sl])
            total = total + loss * scores.shape[0]
            if labels is not None:
                correct = correct + xp.count_nonzero(scores.argmax(axis=1) == labels[sl])
        return {"loss": float(total) / n, "accuracy": _fraction(correct, n, labels)}

    def predict_scores(self, x: Array, batch_size: int = 1024) -> Array:
        """The last layer's outputs (scores, logits) for ``x``, in evaluation mode.

        Returns an array of shape (N, C) on the current device, in the model's dtype.
        """
        batch_size = _check_int("predict_scores", "batch_size", batch_size)
        x = self._inputs(x, "predict")
        self._dry_run(x, "predict")
        xp = backend.array_module(x)
        parts = [self.forward(x[s : s + batch_size]) for s in range(0, len(x), batch_size)]
        return parts[0] if len(parts) == 1 else xp.concatenate(parts, axis=0)

    def predict_proba(self, x: Array, batch_size: int = 1024) -> Array:
        """Class probabilities softmax(scores), shape (N, C), rows summing to 1.

        Raises
        ------
        TypeError
            If the model's loss is not :class:`~dlbook.layers.SoftmaxCrossEntropy`
            (the scores then need not be logits of a softmax).
        """
        if not isinstance(self.loss, L.SoftmaxCrossEntropy):
            raise TypeError(
                "Sequential.predict_proba: probabilities are softmax(scores) only for a model "
                f"trained with SoftmaxCrossEntropy; this one has {type(self.loss).__name__}. "
                "Use predict_scores(x)."
            )
        return F.softmax(self.predict_scores(x, batch_size))

    def predict(self, x: Array, batch_size: int = 1024) -> Array:
        """Predicted class labels, the argmax of the scores: shape (N,), int64, on the device.

        Raises
        ------
        ValueError
            For a model with a single output (not a classifier over C >= 2 classes);
            use :meth:`predict_scores`.
        """
        scores = self.predict_scores(x, batch_size)
        if scores.ndim != 2 or scores.shape[1] < 2:
            raise ValueError(
                f"Sequential.predict returns class labels, but the model's output has shape "
                f"{tuple(scores.shape)}, not (N, C) with C >= 2. Use predict_scores(x)."
            )
        return scores.argmax(axis=1).astype(np.int64)

    # --- checking and moving inputs ----------------------------------------------------
    def _inputs(self, x: Any, where: str) -> Array:
        """``x`` on the current device in the model's dtype, with a batch axis."""
        if not hasattr(x, "shape"):
            if isinstance(x, (list, tuple)):
                x = backend.asarray(x)
            else:
                raise TypeError(
                    f"Sequential.{where}: x must be an array of shape (N, ...); "
                    f"got {type(x).__name__}."
                )
        if x.dtype.kind not in "fiub":
            raise TypeError(f"Sequential.{where}: x must be numeric; got dtype {x.dtype}.")
        if x.ndim < 2:
            raise ValueError(
                f"Sequential.{where}: x must have a batch axis, shape (N, features) or "
                f"(N, C, H, W); got shape {tuple(x.shape)}. For one sample use x[None]."
            )
        if x.shape[0] == 0:
            raise ValueError(f"Sequential.{where}: x holds no samples (shape {tuple(x.shape)}).")
        return backend.asarray(x, dtype=self.dtype)

    def _dry_run(self, x: Array, where: str) -> Array:
        """Run one sample through the model, turning a shape error into one about ``x``."""
        try:
            return self.forward(x[:1], train=False)
        except (ValueError, TypeError) as exc:
            raise type(exc)(
                f"Sequential.{where}: x of shape {tuple(x.shape)} does not fit the model: {exc}"
            ) from exc

    def _prepare(self, x: Any, y: Any, where: str) -> tuple[Array, Array, Array]:
        """Check and move ``x`` and ``y``; also returns the labels (None for a non-classifier)."""
        x = self._inputs(x, where)
        if not hasattr(y, "shape"):
            y = backend.asarray(y)
        if y.dtype.kind == "f":
            y = backend.asarray(y, dtype=self.dtype)
        elif y.dtype.kind in "iu":
            y = backend.asarray(y)
        else:
            raise TypeError(
                f"Sequential.{where}: y must hold integer class labels (N,) or float one-hot "
                f"rows (N, C); got dtype {y.dtype}."
            )
        if y.ndim == 0 or len(y) != len(x):
            n_y = "a scalar" if y.ndim == 0 else f"{len(y)} targets"
            raise ValueError(
                f"Sequential.{where}: x has {len(x)} samples but y has {n_y}; they must match "
                "(one target per row of x)."
            )
        out = self._dry_run(x, where)
        n_out = out.shape[1] if out.ndim == 2 else None
        classifier = n_out is not None and n_out >= 2
        labels = None
        if y.dtype.kind in "iu":
            if y.ndim != 1:
                raise ValueError(
                    f"Sequential.{where}: integer labels y must have shape (N,); got shape "
                    f"{tuple(y.shape)}."
                )
            if n_out is not None:
                lo, hi = int(y.min()), int(y.max())  # one sync per call, not per batch
                if lo < 0 or hi >= n_out:
                    raise ValueError(
                        f"Sequential.{where}: labels y must lie in [0, {n_out}) because the model "
                        f"has {n_out} outputs; got labels from {lo} to {hi}. Is the last layer's "
                        "out_features the number of classes?"
                    )
            labels = y if classifier else None
        elif classifier:
            if y.ndim == 1:
                raise TypeError(
                    f"Sequential.{where}: y holds floats of shape {tuple(y.shape)}; class labels "
                    "must be integers: pass y.astype(np.int64)."
                )
            if y.ndim != 2 or y.shape[1] != n_out:
                raise ValueError(
                    f"Sequential.{where}: one-hot targets y must have shape (N, {n_out}) for a "
                    f"model with {n_out} outputs; got shape {tuple(y.shape)}."
                )
            labels = y.argmax(axis=1)
        return x, y, labels

    # --- saving and loading ------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the model to one ``.npz`` file: the architecture as JSON text, and the parameters.

        The file holds only plain arrays (it is read with ``allow_pickle=False``)
        and is written atomically: a crash never leaves half a file.

        Returns
        -------
        Path
            The path written.

        Raises
        ------
        ValueError
            If a layer is not one of dlbook's own (it could not be rebuilt by name).
        """
        arch = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "layers": [_describe(layer, f"layers[{i}]") for i, layer in enumerate(self.layers)],
            "loss": _describe(self.loss, "loss"),
        }
        arrays: dict[str, Any] = {"architecture": np.array(json.dumps(arch))}  # host: 0-d text
        for i, layer in enumerate(self.layers):
            for key, p in layer.params.items():
                arrays[f"layers.{i}.{key}"] = backend.to_cpu(p)

        def write(f: IO[bytes]) -> None:
            np.savez(f, **arrays)

        return atomic_write(path, write)

    @classmethod
    def load(cls, path: str | Path) -> Sequential:
        """Read a model written by :meth:`save`; its parameters go to the current device.

        Raises
        ------
        FileNotFoundError
            If there is no such file.
        ValueError
            If the file is not a dlbook model (corrupt, truncated, another format);
            the message names the file.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"Sequential.load: no model file at {path}. Write one with model.save(path)."
            )
        try:
            with np.load(path, allow_pickle=False) as data:
                if "architecture" not in data.files:
                    raise ValueError("it has no 'architecture' entry")
                arch = json.loads(str(data["architecture"][()]))
                if not isinstance(arch, dict) or arch.get("format") != FORMAT:
                    raise ValueError(f"its architecture is not a {FORMAT}")
                if arch.get("version") != FORMAT_VERSION:
                    raise ValueError(
                        f"it has format version {arch.get('version')!r}; this dlbook reads "
                        f"version {FORMAT_VERSION}"
                    )
                layers = [_build(d) for d in arch["layers"]]
                loss = _build(arch["loss"])
                expected = set()
                for i, layer in enumerate(layers):
                    for key, p in layer.params.items():
                        name = f"layers.{i}.{key}"
                        expected.add(name)
                        saved = data[name]
                        if saved.shape != p.shape:
                            raise ValueError(
                                f"{name} has shape {saved.shape}, the layer expects {p.shape}"
                            )
                        p[...] = backend.asarray(saved, dtype=p.dtype)
                extra = set(data.files) - expected - {"architecture"}
                if extra:
                    raise ValueError(f"it has arrays no layer uses: {sorted(extra)}")
        except PermissionError:
            raise  # the file may be fine; the message of the OS says what to do
        except (
            ValueError,
            RuntimeError,  # zipfile, on a flipped "encrypted" flag
            OSError,  # zipfile, seeking to an offset that a flipped bit made invalid
            KeyError,
            TypeError,
            EOFError,
            NotImplementedError,  # zipfile, on a flipped compression flag
            ImportError,  # a layer module this version of dlbook does not have
            zlib.error,
            struct.error,
            zipfile.BadZipFile,
        ) as exc:
            raise ValueError(
                f"Sequential.load: {path} is not a readable dlbook model file ({exc}). It may "
                "be truncated or written by something else; save the model again with "
                "model.save(path)."
            ) from exc
        return cls(layers, loss)

    def load_weights(self, path: str | Path) -> Sequential:
        """Copy the parameters saved in ``path`` into this model, which has the same architecture.

        Everything is checked before anything is copied: on any error the model
        keeps its weights and the file is left as it is.

        Returns
        -------
        Sequential
            This model, for chaining.

        Raises
        ------
        FileNotFoundError, ValueError
            As :meth:`load`; and a ValueError naming the first layer where the
            file's architecture differs from this model's (class, parameter names
            or shapes), with the fix: build the same model, or use :meth:`load`.
        """
        saved = Sequential.load(path)
        fix = f"Build the model that was saved, or load it whole: Sequential.load({str(path)!r})."
        if len(saved.layers) != len(self.layers):
            raise ValueError(
                f"Sequential.load_weights: {path} holds a model of {len(saved.layers)} layers; "
                f"this one has {len(self.layers)}. {fix}"
            )
        for i, (mine, theirs) in enumerate(zip(self.layers, saved.layers, strict=True)):
            shapes = {k: tuple(p.shape) for k, p in mine.params.items()}
            saved_shapes = {k: tuple(p.shape) for k, p in theirs.params.items()}
            if type(mine).__name__ != type(theirs).__name__ or shapes != saved_shapes:
                raise ValueError(
                    f"Sequential.load_weights: layers[{i}] is {mine!r} with parameters "
                    f"{shapes} in this model, but {theirs!r} with {saved_shapes} in {path}. {fix}"
                )
        for mine, theirs in zip(self.layers, saved.layers, strict=True):
            for k, p in mine.params.items():  # the file's arrays, cast to this model's dtype
                value = backend.to_cpu(theirs.params[k])
                p[...] = backend.array_module(p).asarray(value).astype(p.dtype, copy=False)
        return self

    # --- showing -----------------------------------------------------------------------
    def summary(self, input_shape: tuple[int, ...] | None = None) -> str:
        """A table of the layers, their output shapes and parameter counts.

        Parameters
        ----------
        input_shape : tuple of int, optional
            The shape of one sample, e.g. ``(784,)`` or ``(1, 28, 28)``. Needed
            unless the first layer has ``in_features`` (Dense).
        """
        if input_shape is None:
            n_in = getattr(self.layers[0], "in_features", None)
            if n_in is None:
                raise ValueError(
                    "Sequential.summary: give the shape of one sample, e.g. "
                    "summary(input_shape=(1, 28, 28)); the first layer does not say it."
                )
            input_shape = (int(n_in),)
        h = backend.zeros((2, *input_shape), self.dtype)
        rows = [("", "input", f"(N, {', '.join(map(str, input_shape))})", "")]
        for i, layer in enumerate(self.layers):
            h = layer.forward(h, train=False)
            count = sum(int(p.size) for p in layer.params.values())
            shape = "(N, " + ", ".join(str(s) for s in h.shape[1:]) + ")"
            n_params = f"{count:,}" if layer.params else "0"
            rows.append((str(i), type(layer).__name__, shape, n_params))
        head = ("#", "layer", "output shape", "parameters")
        widths = [max(len(r[j]) for r in [head, *rows]) for j in range(4)]

        def line(r: Sequence[str]) -> str:
            a, b, c, d = (
                r[j].rjust(w) if j in (0, 3) else r[j].ljust(w) for j, w in enumerate(widths)
            )
            return f"{a}  {b}  {c}  {d}".rstrip()

        lines = [line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
        lines.append(
            f"total: {self.n_params:,} parameters ({self.dtype.name}); "
            f"loss {type(self.loss).__name__}"
        )
        return _Text("\n".join(lines))

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner},\n], loss={self.loss!r})"


# ----------------------------------------------------------------------- helpers
def _check_int(where: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(
            f"The {name!r} parameter of Sequential.{where} must be an int >= 1. "
            f"Got {value!r} instead."
        )
    return int(value)


def _fraction(correct: Any, n: int, labels: Any) -> float:
    return float(correct) / n if labels is not None else math.nan


def _postfix(values: dict[str, float]) -> str:
    return "  ".join(f"{k.replace('_', ' ')} {_fmt_metric(k, v)}" for k, v in values.items())


def _progress_bar(total: int) -> Any:
    from tqdm.auto import tqdm  # noqa: PLC0415  (only when a bar is shown)

    return tqdm(total=total, unit="batch", desc="fit", leave=True)


def _describe(layer: Any, where: str) -> dict[str, Any]:
    """``{"module", "class", "config"}`` of a layer, for the saved architecture."""
    cls = type(layer)
    if cls.__module__ not in LAYER_MODULES:
        raise ValueError(
            f"Sequential.save: {where} is a {cls.__name__} from module {cls.__module__}; only "
            f"layers of {', '.join(LAYER_MODULES)} can be saved and rebuilt by name. Save its "
            "parameters yourself (np.savez) or build it from dlbook's layers."
        )
    config = layer.config() if hasattr(layer, "config") else {}
    try:
        json.dumps(config)
    except TypeError as exc:
        raise ValueError(
            f"Sequential.save: {where} ({cls.__name__}) has a config that is not JSON: {exc}."
        ) from exc
    return {"module": cls.__module__, "class": cls.__name__, "config": config}


def _build(desc: Any) -> Any:
    """A layer from ``{"module", "class", "config"}``; only dlbook's own layer modules are used."""
    import importlib  # noqa: PLC0415

    if not isinstance(desc, dict) or not {"module", "class", "config"} <= set(desc):
        raise ValueError(f"a layer description is malformed: {desc!r}")
    module_name, name, config = desc["module"], desc["class"], desc["config"]
    if module_name not in LAYER_MODULES:
        raise ValueError(f"it names a layer from {module_name!r}, not one of {LAYER_MODULES}")
    module = importlib.import_module(module_name)
    build = getattr(module, "from_config", None)
    if callable(build):
        return build(name, config)
    cls = getattr(module, name, None)
    if not (isinstance(cls, type) and issubclass(cls, (L.Layer, L.Loss))):
        raise ValueError(f"{module_name} has no layer {name!r}")
    return cls(**config)
