"""Models built in one call: :func:`mlp`, a multilayer perceptron as a ``Sequential``.

    from dlbook.models import mlp
    model = mlp([784, 128, 10], activation="relu", init="he", dropout=0.5, rng=0)

Built in chapter 04 (deep networks of many layers, their activations and initialisation).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from .layers import Dense, Dropout, ReLU, Sigmoid, Tanh
from .network import Sequential

__all__ = ["ACTIVATIONS", "mlp"]

#: The activation layers :func:`mlp` builds, by name.
ACTIVATIONS: dict[str, type] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


def mlp(
    sizes: Sequence[int],
    *,
    activation: str = "relu",
    init: str | float = "he",
    dropout: float = 0.0,
    rng: int = 0,
    dtype: Any = np.float32,
) -> Sequential:
    """A multilayer perceptron ``sizes[0] → sizes[1] → … → sizes[-1]`` as a :class:`Sequential`.

    Every hidden layer is ``Dense`` then the activation, then ``Dropout(dropout)``
    when ``dropout > 0``; the last layer is a plain ``Dense`` (scores for the
    softmax–cross-entropy loss).

    Parameters
    ----------
    sizes : sequence of int, at least two
        Layer widths, input first: ``[784, 128, 10]`` is one hidden layer of 128.
    activation : {"relu", "sigmoid", "tanh"}
    init : "he", "xavier" or float
        Passed to every :class:`~dlbook.layers.Dense` (a float is the standard deviation).
    dropout : float in [0, 1)
        Probability of dropping a hidden unit in training.
    rng : int
        Seed; layer ``i`` uses ``rng + i``, so that two models built with the same
        seed start from the same weights whatever their dropout.
    dtype : float dtype

    Returns
    -------
    Sequential

    Raises
    ------
    ValueError
        For fewer than two sizes or an unknown activation.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(
            f"mlp: sizes must list at least the input and output widths, e.g. [784, 10]; "
            f"got {sizes}."
        )
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"mlp: activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}."
        )
    layers: list[Any] = []
    n_dense = len(sizes) - 1
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(Dense(n_in, n_out, init=init, rng=rng + i, dtype=dtype))
        if i < n_dense - 1:
            layers.append(ACTIVATIONS[activation]())
            if dropout:
                layers.append(Dropout(dropout, rng=rng + 1000 + i))
    return Sequential(layers)
