"""Decision-boundary figures (dlbook.plots.boundaries): any classifier, same colours everywhere."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex

from dlbook import backend
from dlbook.plots import boundaries
from dlbook.testing import FakeArray, fake_device

X = np.array([[0.0, 0.0], [1.0, 0.2], [0.1, 1.0], [1.2, 1.1], [-0.5, 0.4], [0.6, -0.3]])
Y = np.array([0, 1, 0, 1, 0, 1])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def linear_predict(x):
    """A classifier on the current device: class 1 right of x1 = 0.5."""
    xp = backend.array_module(x)
    return (x[:, 0] >= 0.5).astype(xp.int64)


def scatter_colors(ax):
    """Face colour (hex) of each scatter collection, in drawing order."""
    return [to_hex(c.get_facecolors()[0]) for c in ax.collections if type(c) is PathCollection]


def test_two_classes_regions_boundary_and_points():
    ax = boundaries.decision_boundary(linear_predict, X, Y, resolution=50, title="t")
    assert ax.get_title() == "t"
    assert ax.get_xlabel() and ax.get_ylabel()
    colors = scatter_colors(ax)
    assert boundaries.CLASS_COLORS[0] in colors and boundaries.CLASS_COLORS[1] in colors
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class 0", "class 1"]
    # the view holds every point, with the padding
    assert ax.get_xlim()[0] <= X[:, 0].min() - 0.49 and ax.get_xlim()[1] >= X[:, 0].max() + 0.49


def test_class_colours_are_the_same_whatever_the_order_of_classes():
    ax1 = boundaries.decision_boundary(linear_predict, X[Y == 1], Y[Y == 1], resolution=20)
    ax2 = boundaries.decision_boundary(linear_predict, X, Y, resolution=20)
    assert boundaries.CLASS_COLORS[1] in scatter_colors(ax1)
    assert boundaries.CLASS_COLORS[0] not in scatter_colors(ax1)
    assert scatter_colors(ax2)[:2] == list(boundaries.CLASS_COLORS[:2])


def test_scores_of_three_classes_are_argmaxed():
    centres = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])

    def scores(x):
        return -((x[:, None, :] - centres[None]) ** 2).sum(axis=2)  # (M, 3)

    y = np.array([0, 1, 2])
    ax = boundaries.decision_boundary(
        scores, centres, y, resolution=40, class_names=["a", "b", "c"]
    )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert boundaries.CLASS_COLORS[2] in scatter_colors(ax)


def test_one_predicted_class_draws_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        boundaries.decision_boundary(lambda x: np.zeros(len(x), dtype=int), X, Y, resolution=10)


def test_predict_fn_gets_device_arrays_and_may_return_them():
    seen = []

    def predict(x):
        seen.append(type(x))
        return linear_predict(x)

    with fake_device():
        ax = boundaries.decision_boundary(
            predict, backend.asarray(X), backend.asarray(Y), resolution=10
        )
    assert seen == [FakeArray]
    assert len(scatter_colors(ax)) == 2


def test_bad_inputs_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        boundaries.decision_boundary(linear_predict, np.ones((4, 3)), Y[:4])
    with pytest.raises(ValueError, match=r"y must have shape \(6,\)"):
        boundaries.decision_boundary(linear_predict, X, Y[:3])
    with pytest.raises(ValueError, match="class labels"):
        boundaries.decision_boundary(linear_predict, X, Y - 1)
    with pytest.raises(ValueError, match="predict_fn returned shape"):
        boundaries.decision_boundary(lambda x: np.zeros(3), X, Y, resolution=10)
    with pytest.raises(ValueError, match="non-integer"):
        boundaries.decision_boundary(lambda x: np.full(len(x), 0.3), X, Y, resolution=10)


def test_linear_boundary_lies_on_the_line_and_keeps_the_view():
    _, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 3)
    for w, b in [((1.0, 2.0), -1.0), ((3.0, 0.1), 0.5), ((0.0, 1.0), -1.0), ((1.0, 0.0), 0.3)]:
        line = boundaries.linear_boundary(np.array(w), b, ax)
        xs, ys = line.get_data()
        np.testing.assert_allclose(w[0] * np.asarray(xs) + w[1] * np.asarray(ys) + b, 0, atol=1e-9)
        assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 3)
    assert boundaries.linear_boundary(np.zeros(2), 1.0, ax) is None
    with pytest.raises(ValueError, match="2 values"):
        boundaries.linear_boundary(np.ones(3), 0.0, ax)


def test_linear_boundary_arrow_points_where_the_unit_fires():
    _, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    w, b = np.array([1.0, 1.0]), -0.5
    boundaries.linear_boundary(w, b, ax)
    arrow = [t for t in ax.texts if hasattr(t, "xyann")][0]
    tip, tail = np.array(arrow.xy), np.array(arrow.xyann)
    assert tail @ w + b == pytest.approx(0.0, abs=1e-9)  # starts on the line
    assert tip @ w + b > 0  # points to the firing side


def test_boundary_path_draws_one_line_per_step():
    ws = np.array([[0.0, 0.0], [1.0, 0.5], [1.0, 1.0], [0.5, 1.5]])
    bs = np.array([0.0, -0.5, -0.2, -0.6])
    ax = boundaries.boundary_path(ws, bs, X, Y, title="path")
    assert len(ax.lines) == 3  # the first (w = 0) has no line
    assert ax.get_title() == "path"
    with pytest.raises(ValueError, match="ws must be"):
        boundaries.boundary_path(ws[:, :1], bs, X, Y)


def test_plane_grid_shapes_and_limits():
    xx, yy, grid = boundaries.plane_grid(X, resolution=7, limits=(0, 1, 2, 3))
    assert xx.shape == yy.shape == (7, 7) and grid.shape == (49, 2)
    assert grid[:, 0].min() == 0 and grid[:, 1].max() == 3
