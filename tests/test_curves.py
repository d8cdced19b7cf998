"""dlbook.plots.curves: what is drawn, from which inputs, and the errors for bad ones."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlbook import backend
from dlbook.plots import curves


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class _History:
    """Stands in for dlbook.network.History: a ``history`` dict of per-epoch lists."""

    def __init__(self, **series):
        self.history = series


def _lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_label() and not ln.get_label().startswith("_")]


def test_dict_of_series_one_line_each_with_legend():
    ax = curves.learning_curves({"η = 0.01": [3, 2, 1.5], "η = 0.5": [3, 1, 0.2]}, logy=True)
    lines = _lines(ax)
    assert [ln.get_label() for ln in lines] == ["η = 0.01", "η = 0.5"]
    np.testing.assert_array_equal(lines[1].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(lines[1].get_ydata(), [3, 1, 0.2])
    assert ax.get_yscale() == "log"
    assert ax.get_legend() is not None
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "cost C"


def test_history_train_and_validation_keep_the_book_colours():
    h = _History(loss=[1.0, 0.5], val_loss=[1.1, 0.7])
    ax = curves.learning_curves(h)
    by_label = {ln.get_label(): ln.get_color() for ln in _lines(ax)}
    assert by_label == {"loss": curves.COLORS["train"], "val_loss": curves.COLORS["validation"]}


def test_keys_select_series_and_unknown_key_is_named():
    h = _History(loss=[1.0, 0.5], accuracy=[0.5, 0.75])
    ax = curves.learning_curves(h, keys=["accuracy"], ylabel="accuracy")
    assert [ln.get_label() for ln in _lines(ax)] == ["accuracy"]
    with pytest.raises(KeyError, match="val_loss"):
        curves.learning_curves(h, keys=["val_loss"])


def test_runs_given_as_histories_compare_their_losses():
    ax = curves.learning_curves({"run a": _History(loss=[2, 1]), "run b": _History(loss=[2, 3])})
    np.testing.assert_allclose(_lines(ax)[1].get_ydata(), [2, 3])


def test_start_zero_counts_the_value_before_training():
    ax = curves.learning_curves({"c": [4.0, 2.0, 1.0]}, start=0)
    np.testing.assert_array_equal(_lines(ax)[0].get_xdata(), [0, 1, 2])


def test_diverged_series_is_cut_and_marked():
    ax = curves.learning_curves({"η = 10": [1.0, 5.0, 80.0, np.inf, np.nan]})
    line = _lines(ax)[0]
    np.testing.assert_allclose(line.get_ydata(), [1.0, 5.0, 80.0])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["diverged"]


def test_values_above_a_limit_count_as_divergence():
    ax = curves.learning_curves({"a": [1.0, 0.5, 0.2], "b": [1.0, 30.0, 1e200]}, diverged_above=10)
    a, b = _lines(ax)
    np.testing.assert_allclose(a.get_ydata(), [1.0, 0.5, 0.2])
    np.testing.assert_allclose(b.get_ydata(), [1.0])
    assert [t.get_text() for t in ax.texts] == ["diverged"]


def test_device_arrays_are_plotted_from_the_host(device):
    losses = backend.asarray(np.array([3.0, 2.0, 1.0]))
    ax = curves.learning_curves({"loss": losses})
    np.testing.assert_allclose(_lines(ax)[0].get_ydata(), [3.0, 2.0, 1.0])


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (42, TypeError, "History"),
        ({}, ValueError, "no series"),
        ({"loss": np.zeros((2, 3))}, ValueError, "one-dimensional"),
        ({"run": _History(acc=[1, 2])}, ValueError, "no 'loss'"),
    ],
)
def test_bad_histories_raise_with_a_reason(bad, error, words):
    with pytest.raises(error, match=words):
        curves.learning_curves(bad)


def test_function_fit_draws_target_fit_and_each_hidden_unit():
    x = np.linspace(-3, 3, 7)[::-1]  # unsorted on purpose
    y = np.sin(x)
    hidden = np.stack([np.tanh(x), 0.5 * np.tanh(x - 1)], axis=1)
    pred = hidden.sum(axis=1)
    ax = curves.function_fit(x[:, None], y, pred[:, None], hidden=hidden)
    lines = ax.get_lines()
    assert len(lines) == 4  # two hidden units, target, network
    assert [ln.get_label() for ln in lines[-2:]] == ["target", "network"]
    assert np.all(np.diff(lines[-1].get_xdata()) > 0)  # drawn in x order
    mse = np.mean((pred - y) ** 2)
    assert ax.get_title() == f"Fit with 2 hidden units (MSE {mse:.3g})"


def test_function_fit_without_hidden_units_or_mse():
    x = np.linspace(0, 1, 5)
    ax = curves.function_fit(x, x, x, title="Identity", show_mse=False)
    assert len(ax.get_lines()) == 2 and ax.get_title() == "Identity"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((np.zeros(4), np.zeros(4), np.zeros(3)), "same length"),
        ((np.zeros((4, 2)), np.zeros(4), np.zeros(4)), "one-dimensional"),
    ],
)
def test_function_fit_shape_errors(args, words):
    with pytest.raises(ValueError, match=words):
        curves.function_fit(*args)


def test_function_fit_hidden_of_wrong_length():
    x = np.zeros(4)
    with pytest.raises(ValueError, match=r"\(N, H\) with N = 4"):
        curves.function_fit(x, x, x, hidden=np.zeros((3, 2)))


def test_draws_on_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    out = curves.learning_curves({"c": [1.0, 0.5]}, ax=axes[1])
    assert out is axes[1] and len(axes[0].get_lines()) == 0
