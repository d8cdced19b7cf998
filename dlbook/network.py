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

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import backend, saving, training
from . import functions as F
from . import layers as L
from .history import History, Text
from .inputs import check_int, dry_run, inputs, prepare

__all__ = ["History", "Sequential"]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array


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
        self._plan: tuple[tuple[Any, ...], int] | None = None  # see _backward_plan
        self.loss: Any = L.SoftmaxCrossEntropy() if loss is None else loss
        if not (hasattr(self.loss, "forward") and hasattr(self.loss, "backward")):
            raise TypeError(
                f"Sequential: loss must be a loss layer such as SoftmaxCrossEntropy(); "
                f"got {type(self.loss).__name__}."
            )

    # --- parameters ---------------------------------------------------------------
    @property
    def trainable_params(self) -> list[dict[str, Array]]:
        """The ``params`` dicts of the layers that have parameters (what an optimiser steps)."""
        return [layer.params for layer in self.layers if layer.params]

    @property
    def trainable_grads(self) -> list[dict[str, Array]]:
        """The ``grads`` dicts matching :attr:`trainable_params`."""
        return [layer.grads for layer in self.layers if layer.params]

    @property
    def params(self) -> list[dict[str, Array]]:
        """The layers' ``params`` dicts, one per layer (empty for ReLU and the like)."""
        return [layer.params for layer in self.layers]

    @property
    def grads(self) -> list[dict[str, Array]]:
        """The layers' ``grads`` dicts, one per layer, filled by :meth:`backward`."""
        return [layer.grads for layer in self.layers]

    @property
    def state(self) -> list[dict[str, Array]]:
        """What early stopping keeps and restores: the ``params`` and the ``buffers`` (BatchNorm's
        running statistics) of the layers, one dict each, those that are not empty."""
        dicts = [(layer.params, getattr(layer, "buffers", None) or {}) for layer in self.layers]
        return [d for pair in dicts for d in pair if d]

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
        stop = self._backward_plan(input_grad)
        dout = self.loss.backward()
        for i in range(len(layers) - 1, stop - 1, -1):
            dout = layers[i].backward(dout)
        return dout if input_grad else None

    def _backward_plan(self, input_grad: bool) -> int:
        """The first layer backward visits; sets ``needs_input_grad`` when the plan changes.

        The flags are written once per change of ``input_grad`` or of the layers,
        not on every batch.
        """
        key = (input_grad, *self.layers)
        if self._plan is None or self._plan[0] != key:
            layers = self.layers
            stop = 0
            if not input_grad:
                stop = next((i for i, layer in enumerate(layers) if layer.params), len(layers))
            for i in range(stop, len(layers)):
                if hasattr(layers[i], "needs_input_grad"):
                    layers[i].needs_input_grad = input_grad or i > stop
            self._plan = (key, stop)
        return self._plan[1]

    def train_step(self, x: Array, y: Array, optimizer: Any) -> tuple[Array, Array]:
        """One update on one batch: forward in training mode, loss, backward, ``optimizer.step``.

        ``x`` and ``y`` must already be on the model's device. Returns the batch's
        mean loss before the update, as a 0-d array on the device (``float(...)``
        for a number), and the scores the loss was computed from, (N, K).
        """
        scores = self.forward(x, train=True)
        loss = self.loss.forward(scores, y)
        self.backward(input_grad=False)
        optimizer.step(self.trainable_params, self.trainable_grads)
        return loss, scores

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
        y : ndarray of shape (N,), int, or of shape (N, K), float
            Class labels in [0, K), or one-hot (probability) rows.
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
            then restore the weights of the best epoch, with BatchNorm's running
            statistics of that epoch (:attr:`state`; needs ``validation``). The
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
        return training.fit(
            self,
            x,
            y,
            epochs=epochs,
            batch_size=batch_size,
            optimizer=optimizer,
            validation=validation,
            rng=rng,
            early_stopping=early_stopping,
            progress=progress,
        )

    # --- evaluation and prediction ---------------------------------------------------
    def evaluate(self, x: Array, y: Array, batch_size: int = 1024) -> dict[str, float]:
        """Mean loss and accuracy on a data set, in evaluation mode (no dropout).

        Parameters
        ----------
        x : ndarray of shape (N, ...)
        y : ndarray of shape (N,), int, or (N, K), float
        batch_size : int
            How many samples go through the model at once (memory, not results).

        Returns
        -------
        dict
            ``{"loss": float, "accuracy": float in [0, 1]}``; accuracy is the fraction
            of samples whose largest score is at the true class (``nan`` for a model
            with a single output).
        """
        batch_size = check_int("evaluate", "batch_size", batch_size)
        x, y, labels = prepare(self, x, y, "evaluate")
        return training.evaluate(self, x, y, labels, batch_size=batch_size)

    def predict_scores(self, x: Array, batch_size: int = 1024) -> Array:
        """The last layer's outputs (scores, logits) for ``x``, in evaluation mode.

        Returns an array of shape (N, K) on the current device, in the model's dtype.
        """
        batch_size = check_int("predict_scores", "batch_size", batch_size)
        x = inputs(self, x, "predict")
        dry_run(self, x, "predict")
        xp = backend.array_module(x)
        parts = [self.forward(x[s : s + batch_size]) for s in range(0, len(x), batch_size)]
        return parts[0] if len(parts) == 1 else xp.concatenate(parts, axis=0)

    def predict_proba(self, x: Array, batch_size: int = 1024) -> Array:
        """Class probabilities softmax(scores), shape (N, K), rows summing to 1.

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
            For a model with a single output (not a classifier over K >= 2 classes);
            use :meth:`predict_scores`.
        """
        scores = self.predict_scores(x, batch_size)
        if scores.ndim != 2 or scores.shape[1] < 2:
            raise ValueError(
                f"Sequential.predict returns class labels, but the model's output has shape "
                f"{tuple(scores.shape)}, not (N, K) with K >= 2. Use predict_scores(x)."
            )
        return scores.argmax(axis=1).astype(np.int64)

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
        return saving.save(self, path)

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
        return cls(*saving.load(path))

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
        saving.load_weights(self, path)
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
        return Text("\n".join(lines))

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner},\n], loss={self.loss!r})"
