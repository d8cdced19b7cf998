"""Chapter 03's prediction explorer, driven headlessly: state, caption, figure, widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dlbook import backend
from dlbook.interactive import ch03

N, C = 12, 3


def _data():
    rng = backend.default_rng(0)
    images = rng.random((N, 8, 8)).astype(np.float32)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
    predicted = labels.copy()
    predicted[[2, 5, 9]] = [0, 0, 1]  # three mistakes
    p = np.full((N, C), 0.1)
    p[np.arange(N), predicted] = 0.8
    return p, images, labels


def test_explorer_finds_the_mistakes_and_walks_through_them():
    p, x, y = _data()
    ex = ch03.PredictionExplorer(p, x, y)
    np.testing.assert_array_equal(ex.mistakes, [2, 5, 9])
    assert ex.index == 0
    assert [ex.next_mistake() for _ in range(4)] == [2, 5, 9, 2]  # wraps round
    ex.select(6)
    assert ex.previous_mistake() == 5
    ex.select(1)
    assert ex.previous_mistake() == 9  # wraps backwards


def test_caption_says_what_is_shown():
    p, x, y = _data()
    ex = ch03.PredictionExplorer(p, x, y, classes=["a", "b", "c"])
    ex.select(5)
    assert ex.caption() == (
        "image 5 of 12: predicted a with p = 0.800, true class c (a mistake; 3 mistakes in all)"
    )
    ex.select(4)
    assert "(right;" in ex.caption()


def test_without_labels_there_are_no_mistakes_to_jump_to():
    p, x, _ = _data()
    ex = ch03.PredictionExplorer(p, x)
    ex.select(3)
    assert ex.next_mistake() == 3 and ex.previous_mistake() == 3
    assert ex.caption() == "image 3 of 12: predicted 0 with p = 0.800"


def test_predict_is_called_once_on_all_images():
    p, x, y = _data()
    calls = []

    def predict(images):
        calls.append(images.shape)
        return p

    ch03.PredictionExplorer(predict, x, y)
    assert calls == [(N, 8, 8)]


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (np.ones((N, C)), "probabilities"),  # rows do not sum to 1: scores, not probabilities
        (np.full((N - 1, C), 1 / C), r"\(N, K\) = \(12, K\)"),
        (np.full(N, 1.0), "shape"),
    ],
)
def test_explorer_rejects_what_is_not_probabilities(bad, match):
    _, x, y = _data()
    with pytest.raises(ValueError, match=match):
        ch03.PredictionExplorer(bad, x, y)


def test_explorer_rejects_bad_labels_classes_and_index():
    p, x, y = _data()
    with pytest.raises(ValueError, match=r"shape \(12,\)"):
        ch03.PredictionExplorer(p, x, y[:5])
    with pytest.raises(ValueError, match="2 class names"):
        ch03.PredictionExplorer(p, x, y, classes=["a", "b"])
    ex = ch03.PredictionExplorer(p, x, y)
    with pytest.raises(ValueError, match=r"\[0, 12\)"):
        ex.select(12)


def test_draw_shows_the_selected_image_and_its_bars():
    p, x, y = _data()
    ex = ch03.PredictionExplorer(p, x, y)
    ex.select(9)
    fig = ex.draw()
    ax_img, ax_bar = fig.axes
    np.testing.assert_allclose(ax_img.images[0].get_array(), x[9], rtol=1e-6)
    np.testing.assert_allclose([r.get_height() for r in ax_bar.patches], p[9])
    assert ax_img.get_title() == "true class 0"
    assert ex.png().startswith(b"\x89PNG")


def test_explorer_takes_device_arrays(device):
    p, x, y = _data()
    ex = ch03.PredictionExplorer(backend.asarray(p), backend.asarray(x), backend.asarray(y))
    np.testing.assert_array_equal(ex.mistakes, [2, 5, 9])


# --- the widget ---------------------------------------------------------------------------


def test_slider_changes_the_image_caption_and_figure():
    p, x, y = _data()
    box = ch03.prediction_explorer(p, x, y)
    before_caption, before_png = box.caption.value, bytes(box.image.value)
    box.slider.value = 5
    assert box.explorer.index == 5
    assert box.caption.value != before_caption and "image 5 of 12" in box.caption.value
    after_png = bytes(box.image.value)
    assert after_png != before_png and after_png.startswith(b"\x89PNG")


def test_mistake_buttons_move_the_slider():
    p, x, y = _data()
    box = ch03.prediction_explorer(p, x, y, start=3)
    before_png = bytes(box.image.value)
    box.next_button.click()
    assert box.explorer.index == 5 and box.slider.value == 5
    assert "a mistake" in box.caption.value
    assert bytes(box.image.value) != before_png
    box.previous_button.click()
    box.previous_button.click()
    assert box.slider.value == 9  # 5 -> 2 -> wraps to 9


def test_mistake_buttons_are_disabled_without_labels():
    p, x, _ = _data()
    box = ch03.prediction_explorer(p, x)
    assert box.next_button.disabled and box.previous_button.disabled
    with pytest.raises(ValueError, match="image index"):
        ch03.prediction_explorer(p, x, start=-1)
