"""dlbook.plots.images: image grids, confusion matrices and probability bars."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import backend
from dlbook.plots import images


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _digits(n=6, h=28, w=28, seed=0):
    return backend.default_rng(seed).random((n, h, w)).astype(np.float32)


def _shown(fig):
    """The axes of a figure that hold an image."""
    return [ax for ax in fig.axes if ax.images]


# --- image_grid -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [(7, 28, 28), (7, 1, 28, 28), (7, 784)], ids=["NHW", "N1HW", "flat"]
)
def test_grid_accepts_the_usual_shapes(shape):
    x = backend.default_rng(1).random(shape)
    fig = images.image_grid(x, ncols=4)
    shown = _shown(fig)
    assert len(shown) == 7
    assert len(fig.axes) == 8  # 2 rows of 4, the last one empty
    assert shown[0].images[0].get_array().shape == (28, 28)
    np.testing.assert_allclose(
        shown[3].images[0].get_array(), np.asarray(x).reshape(7, 28, 28)[3], rtol=1e-6
    )


def test_grid_titles_and_colours():
    x = _digits(3)
    fig = images.image_grid(
        x, ["7 → 1", "2 → 2", "9 → 4"], title_colors=["red", "black", "red"], title="mistakes"
    )
    titles = [ax.get_title() for ax in _shown(fig)]
    assert titles == ["7 → 1", "2 → 2", "9 → 4"]
    assert mcolors.same_color(_shown(fig)[0].title.get_color(), "red")
    assert mcolors.same_color(_shown(fig)[1].title.get_color(), "black")
    assert fig._suptitle.get_text() == "mistakes"


def test_grid_draws_in_grey_on_a_fixed_scale():
    fig = images.image_grid(_digits(2))
    im = _shown(fig)[0].images[0]
    assert im.get_cmap().name == "gray_r"
    assert im.get_clim() == (0.0, 1.0)


def test_grid_flat_non_square_needs_image_shape():
    x = np.zeros((2, 12))
    with pytest.raises(ValueError, match="image_shape"):
        images.image_grid(x)
    fig = images.image_grid(x, image_shape=(3, 4))
    assert _shown(fig)[0].images[0].get_array().shape == (3, 4)
    with pytest.raises(ValueError, match="holds 10 pixels"):
        images.image_grid(x, image_shape=(2, 5))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"titles": ["a", "b"]}, "titles has 2 entries for 3 images"),
        ({"title_colors": ["red"]}, "title_colors has 1 entries"),
        ({"ncols": 0}, "ncols must be an int >= 1"),
    ],
)
def test_grid_rejects_mismatched_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        images.image_grid(_digits(3), **kwargs)


def test_grid_rejects_bad_shapes_and_no_images():
    with pytest.raises(ValueError, match=r"image\[None\]"):
        images.image_grid(np.zeros((28, 28, 3, 2, 1)))
    with pytest.raises(ValueError, match="N = 0"):
        images.image_grid(np.zeros((0, 28, 28)))


def test_grid_takes_device_arrays(device):
    x = backend.asarray(_digits(2))
    assert len(_shown(images.image_grid(x))) == 2


# --- confusion_counts -------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda c: st.tuples(
            st.just(c),
            st.lists(st.tuples(st.integers(0, c - 1), st.integers(0, c - 1)), max_size=40),
        )
    )
)
def test_confusion_counts_equals_a_plain_loop(data):
    c, pairs = data
    t = np.array([a for a, _ in pairs], dtype=np.int64)
    p = np.array([b for _, b in pairs], dtype=np.int64)
    expected = np.zeros((c, c), dtype=np.int64)
    for a, b in pairs:
        expected[a, b] += 1
    cm = images.confusion_counts(t, p, c)
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(cm, expected)
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(t, minlength=c))


def test_confusion_counts_rows_are_true_columns_are_predicted():
    cm = images.confusion_counts(np.array([0, 0, 1]), np.array([1, 1, 1]), 2)
    np.testing.assert_array_equal(cm, [[0, 2], [0, 1]])


def test_confusion_counts_infers_the_number_of_classes():
    assert images.confusion_counts(np.array([0, 3]), np.array([2, 3])).shape == (4, 4)


def test_confusion_counts_on_the_device(device):
    t = backend.asarray(np.array([0, 1, 2, 2]))
    p = backend.asarray(np.array([0, 2, 2, 2]))
    np.testing.assert_array_equal(
        images.confusion_counts(t, p, 3), [[1, 0, 0], [0, 0, 1], [0, 0, 2]]
    )


@pytest.mark.parametrize(
    ("t", "p", "err", "match"),
    [
        (np.array([0.0, 1.0]), np.array([0, 1]), TypeError, "argmax"),
        (np.array([0, 1]), np.array([0, 1, 1]), ValueError, "same shape"),
        (np.array([[0, 1]]), np.array([[0, 1]]), ValueError, r"shape \(N,\)"),
        (np.array([0, 5]), np.array([0, 1]), ValueError, r"\[0, 3\)"),
        (np.array([0, -1]), np.array([0, 1]), ValueError, "from -1"),
    ],
)
def test_confusion_counts_rejects_bad_labels(t, p, err, match):
    with pytest.raises(err, match=match):
        images.confusion_counts(t, p, 3)


# --- confusion_matrix_figure ------------------------------------------------------------


def test_confusion_figure_writes_every_count():
    cm = np.array([[5, 1, 0], [2, 7, 0], [0, 0, 9]])
    fig = images.confusion_matrix_figure(cm, ["a", "b", "c"])
    ax = fig.axes[0]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(str(v) for v in cm.ravel())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.get_title() == "Confusion matrix"


def test_confusion_figure_errors_only_blanks_the_diagonal():
    cm = np.array([[50, 1, 0], [2, 70, 0], [0, 3, 90]])
    fig = images.confusion_matrix_figure(cm, errors_only=True)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3"]
    shown = ax.images[0].get_array()
    assert np.ma.is_masked(shown[0, 0]) or np.isnan(shown[0, 0])
    assert ax.images[0].get_clim() == (0.0, 3.0)  # scaled to the mistakes, not the diagonal


def test_confusion_figure_draws_into_a_given_axes():
    fig, (a, b) = plt.subplots(1, 2)
    out = images.confusion_matrix_figure(np.eye(2, dtype=int), ax=b, title="mine")
    assert out is fig and b.get_title() == "mine" and not a.images


@pytest.mark.parametrize(
    ("cm", "classes", "match"),
    [(np.zeros((2, 3)), None, "square"), (np.zeros((2, 2)), ["a"], "1 class names")],
)
def test_confusion_figure_rejects_bad_input(cm, classes, match):
    with pytest.raises(ValueError, match=match):
        images.confusion_matrix_figure(cm, classes)


# --- probability bars -------------------------------------------------------------------


def test_bars_show_the_probabilities_and_colour_a_wrong_prediction_red():
    p = np.array([0.1, 0.7, 0.2])
    ax = images.probability_bars(p, true=2)
    heights = [r.get_height() for r in ax.patches]
    np.testing.assert_allclose(heights, p)
    assert mcolors.same_color(ax.patches[1].get_facecolor(), images.WRONG)
    assert mcolors.same_color(ax.patches[2].get_edgecolor(), images.CORRECT)
    assert mcolors.same_color(ax.get_xticklabels()[2].get_color(), images.CORRECT)
    assert ax.get_title() == "predicted 1 (p = 0.70)"
    assert ax.get_ylabel() == "probability"


def test_bars_colour_a_right_prediction_green():
    ax = images.probability_bars(np.array([0.9, 0.1]), ["cat", "dog"], true=0)
    assert mcolors.same_color(ax.patches[0].get_facecolor(), images.CORRECT)
    assert ax.get_title() == "predicted cat (p = 0.90)"


@pytest.mark.parametrize(
    ("p", "kwargs", "match"),
    [
        (np.ones((2, 3)) / 3, {}, r"p\[i\]"),
        (np.ones(3) / 3, {"classes": ["a", "b"]}, "2 class names"),
        (np.ones(3) / 3, {"true": 3}, r"\[0, 3\)"),
    ],
)
def test_bars_reject_bad_input(p, kwargs, match):
    with pytest.raises(ValueError, match=match):
        images.probability_bars(p, **kwargs)


def test_image_with_probabilities_redraws_into_the_same_figure():
    x = _digits(2)
    fig = images.image_with_probabilities(x[0], np.array([0.2, 0.8]), true=0)
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "true class 0"
    again = images.image_with_probabilities(x[1].ravel(), np.array([0.6, 0.4]), fig=fig)
    assert again is fig and len(fig.axes) == 2
    assert fig.axes[1].get_title() == "predicted 0 (p = 0.60)"
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), x[1], rtol=1e-6)
