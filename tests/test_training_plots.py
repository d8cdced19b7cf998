"""dlbook.plots.training: what each figure draws, and the errors for bad inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlbook import backend
from dlbook.experiments import Trial
from dlbook.plots import training


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_weight_histograms_one_outline_per_model_on_a_log_axis(device):
    w = backend.asarray(np.linspace(-1, 1, 101, dtype=np.float32))
    ax = training.weight_histograms({"none": w, "L1": [w * 0.1, w * 0]}, bins=21)
    assert len(ax.patches) == 2
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["none", "L1"]
    assert ax.get_xlim()[1] == pytest.approx(1.0, abs=0.15)
    with pytest.raises(TypeError, match="dict"):
        training.weight_histograms([w])
    with pytest.raises(ValueError, match="empty"):
        training.weight_histograms({"a": np.zeros(0)})


def test_accuracy_bars_show_train_and_test_with_the_gap():
    res = {
        "none": {"train_accuracy": 1.0, "test_accuracy": 0.85},
        "dropout": {"train_accuracy": 0.95, "test_accuracy": 0.9},
    }
    ax = training.accuracy_bars(res)
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == [85.0, 90.0, 95.0, 100.0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["gap 15.0", "gap 5.0"]
    with pytest.raises(KeyError, match="test_accuracy"):
        training.accuracy_bars({"x": {"train_accuracy": 1.0}})


def test_accuracy_bars_start_at_zero():
    ax = training.accuracy_bars({"a": {"train_accuracy": 0.99, "test_accuracy": 0.95}})
    assert ax.get_ylim()[0] == 0.0


def test_seed_comparison_draws_every_seed_and_the_mean_with_its_spread():
    res = {"plain": [0.88, 0.9, 0.86], "L2": np.array([0.87, 0.88, 0.89])}
    ax = training.seed_comparison(res)
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [len(d.get_xdata()) for d in dots] == [3, 3]
    np.testing.assert_allclose(sorted(dots[0].get_xdata()), [86.0, 88.0, 90.0])
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["88.0 ± 2.0", "88.0 ± 1.0"]
    with pytest.raises(ValueError, match="two seeds"):
        training.seed_comparison({"x": [0.5]})


def test_gradient_norm_profile_draws_each_net_on_log_scale(device):
    g = backend.asarray(np.array([1e-8, 1e-5, 1e-2, 1.0]))
    ax = training.gradient_norm_profile({"sigmoid": g, "relu": np.ones(4)})
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1e-8, 1e-5, 1e-2, 1.0])
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4])


def test_optimizer_paths_and_comparison_keep_the_colours():
    path = np.array([[1.0, 1.0], [0.5, 0.2], [0.0, 0.0]])
    ax = training.optimizer_paths(
        lambda a, b: a**2 + 10 * b**2,
        {"SGD": path, "Adam": path * 0.5},
        xlim=(-1.5, 1.5),
        ylim=(-1.5, 1.5),
        minimum=(0, 0),
    )
    colours = [line.get_color() for line in ax.lines[:2]]
    assert colours == [training.OPTIMIZER_COLORS["SGD"], training.OPTIMIZER_COLORS["Adam"]]
    with pytest.raises(ValueError, match=r"\(T, 2\)"):
        training.optimizer_paths(
            lambda a, b: a + b, {"SGD": np.zeros((3, 3))}, xlim=(0, 1), ylim=(0, 1)
        )
    ax = training.optimizer_comparison({"Adam": [1.0, 0.5, 0.2], "SGD": [1.0, 0.9, 0.8]})
    assert ax.lines[0].get_color() == training.OPTIMIZER_COLORS["Adam"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2, 3])


def test_search_scatter_counts_distinct_values_and_marks_the_best():
    grid = [Trial({"lr": lr, "weight_decay": wd}, 0.5 + lr) for lr in (0.01, 0.1, 0.3)
            for wd in (1e-5, 1e-3, 1e-1)]  # fmt: skip
    rand = [Trial({"lr": 0.01 * (i + 1), "weight_decay": 1e-4}, 0.4) for i in range(9)]
    fig = training.search_scatter(grid, rand)
    titles = [ax.get_title() for ax in fig.axes[:2]]
    assert titles[0] == "grid search: 3 distinct lr values\nbest (★) 80.0"
    assert titles[1] == "random search: 9 distinct lr values\nbest (★) 40.0"
    with pytest.raises(ValueError, match="both searches"):
        training.search_scatter([], rand)


def test_batch_size_tradeoff_and_throughput_lines():
    fig = training.batch_size_tradeoff([1, 8, 64], [3.0, 0.5, 1e-2], [1.0, 0.1, 1e-31], [1, 0.1, 0])
    ax1, ax2 = fig.axes
    assert len(ax1.lines) == 1 and len(ax2.lines) == 2
    np.testing.assert_array_equal(ax1.lines[0].get_xdata(), [1, 8, 64])
    np.testing.assert_array_equal(ax2.lines[1].get_xdata(), [1, 8])  # B = N: no noise, left out
    with pytest.raises(ValueError, match="one value per batch size"):
        training.batch_size_tradeoff([1, 8], [1.0], [1.0, 2.0])
    ax = training.throughput_lines(
        {"NumPy float32": {64: 10.0, 256: 50.0}, "NumPy float64": {64: 5.0}}
    )
    assert len(ax.lines) == 2
    assert ax.lines[1].get_linestyle() == "--"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [64, 256])
