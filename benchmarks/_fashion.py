"""What the two Fashion-MNIST scripts share: the data split, and training with a test at the end.

``fashion_mnist_mlp.py`` and ``fashion_mnist_lenet.py`` differ in the network, the optimiser
and the batch size; the split (fixed by the seed), early stopping on the validation loss and
the numbers they report are the same, and live here.
"""

from __future__ import annotations

import time
from typing import Any


class DataMissing(Exception):
    """Fashion-MNIST is not on this machine (nothing is downloaded here)."""


def split(seed: int, val_share: float, image_shape: tuple[int, ...]) -> tuple[Any, ...]:
    """(x_train, y_train, x_val, y_val, x_test, y_test), images reshaped to ``image_shape``.

    The validation images are a share ``val_share`` of the training images, chosen by the seed.
    """
    from dlbook import backend, datasets

    try:
        ds = datasets.load("fashion_mnist")
    except datasets.DatasetNotFoundError as exc:
        raise DataMissing(f"Fashion-MNIST is not on this machine: {exc}") from None
    x = ds.x_train.reshape(len(ds.x_train), *image_shape)
    x_test = ds.x_test.reshape(len(ds.x_test), *image_shape)
    order = backend.to_cpu(backend.default_rng(seed).permutation(len(x)))
    n_val = round(val_share * len(x))
    val, train = order[:n_val], order[n_val:]
    return x[train], ds.y_train[train], x[val], ds.y_train[val], x_test, ds.y_test


def fit_and_test(model: Any, data: tuple[Any, ...], **fit: Any) -> dict[str, Any]:
    """Train ``model`` with early stopping on ``data`` (from :func:`split`); the numbers."""
    x, y, x_val, y_val, x_test, y_test = data
    start = time.perf_counter()
    history = model.fit(x, y, validation=(x_val, y_val), progress=False, **fit)
    seconds = time.perf_counter() - start
    test = model.evaluate(x_test, y_test)
    return {
        "epochs_run": len(history),
        "best_epoch": history.best_epoch,
        "val_accuracy": max(history["val_accuracy"]),
        "test_accuracy": test["accuracy"],
        "test_loss": test["loss"],
        "seconds": seconds,
        "seconds_per_epoch": seconds / len(history),
    }
