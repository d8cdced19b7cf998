"""dlbook.errors: one message template and one check per kind, used the same way everywhere."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlbook import errors, rbm, rnn, sequence, text
from dlbook.batchnorm import BatchNorm
from dlbook.conv import Conv2D
from dlbook.layers import Dense
from dlbook.plots import images


def test_message_template():
    assert errors.message("SGD", "lr", "a float > 0", -1) == "SGD: lr must be a float > 0; got -1."
    assert errors.message("f", "x", "an array", "list", "Fix it.") == (
        "f: x must be an array; got list. Fix it."
    )


@pytest.mark.parametrize("good", [1, 7, np.int64(3), np.uint8(2)])
def test_check_int_takes_ints_of_any_kind_and_returns_a_python_int(good):
    got = errors.check_int("f", "n", good)
    assert got == int(good) and type(got) is int


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3", None, np.float32(2)])
def test_check_int_refuses_with_the_template(bad):
    with pytest.raises(ValueError, match=r"^f: n must be an int >= 1; got .*\.$"):
        errors.check_int("f", "n", bad)


def test_check_int_lower_bound():
    assert errors.check_int("f", "n", 0, low=0) == 0
    with pytest.raises(ValueError, match="f: n must be an int >= 0; got -1."):
        errors.check_int("f", "n", -1, low=0)


def test_check_real_intervals():
    assert errors.check_real("f", "p", 0.5, 0.0, 1.0) == 0.5
    with pytest.raises(ValueError, match=r"p must be a float in \[0, 1\); got 1"):
        errors.check_real("f", "p", 1, 0.0, 1.0)
    with pytest.raises(ValueError, match="lr must be a float > 0; got 0"):
        errors.check_real("f", "lr", 0, 0.0, low_open=True)
    with pytest.raises(TypeError, match="got True"):
        errors.check_real("f", "lr", True, 0.0)
    with pytest.raises(ValueError, match="got nan"):
        errors.check_real("f", "lr", float("nan"), 0.0)


def _grid(ncols):
    try:
        return images.image_grid(np.zeros((3, 4, 4)), ncols=ncols)
    finally:
        plt.close("all")


# Every size argument of the package, by the name and place its message gives.
SIZES = [
    ("Dense", "in_features", lambda n: Dense(n, 3)),
    ("Dense", "out_features", lambda n: Dense(3, n)),
    ("Conv2D", "in_channels", lambda n: Conv2D(n, 2, 3)),
    ("Conv2D", "out_channels", lambda n: Conv2D(1, n, 3)),
    ("BatchNorm", "num_features", lambda n: BatchNorm(n)),
    ("Embedding", "num_embeddings", lambda n: sequence.Embedding(n, 4)),
    ("Embedding", "embedding_dim", lambda n: sequence.Embedding(5, n)),
    ("RNN", "input_size", lambda n: rnn.RNN(n, 4)),
    ("LSTM", "hidden_size", lambda n: rnn.LSTM(3, n)),
    ("RBM", "n_visible", lambda n: rbm.RBM(n, 4)),
    ("RBM", "n_hidden", lambda n: rbm.RBM(6, n)),
    ("windows", "batch_size", lambda n: text.windows(np.arange(50), n, 4)),
    ("windows", "seq_len", lambda n: text.windows(np.arange(50), 2, n)),
    ("image_grid", "ncols", _grid),
]


@pytest.mark.parametrize(("where", "name", "make"), SIZES, ids=[f"{w}.{n}" for w, n, _ in SIZES])
def test_every_size_argument_is_checked_alike(where, name, make):
    make(2)  # a good value passes
    make(np.int64(2))  # so does a NumPy int
    for bad in (0, -3, 2.0, True):
        with pytest.raises(ValueError) as info:
            make(bad)
        assert str(info.value) == f"{where}: {name} must be an int >= 1; got {bad!r}."
