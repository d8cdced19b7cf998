"""Chapter 04's gradient-flow playground, driven headlessly: state, caption, figure, widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dlbook import backend
from dlbook.interactive import ch04


def _batch(n=32, d=12, c=3):
    x = backend.to_cpu(backend.default_rng(0).random((n, d))).astype(np.float32)
    return x, np.arange(n) % c


def test_choices_change_the_gradient_profile():
    x, y = _batch()
    flow = ch04.GradientFlow(
        x, y, width=16, depth=8, activation="sigmoid", init="small normal, σ = 0.01"
    )
    assert flow.norms.shape == (8,) and flow.spread.shape == (7,)
    vanishing = flow.ratio
    assert vanishing < 1e-6
    flow.set(activation="relu", init="He")
    assert flow.ratio > 1e3 * vanishing
    flow.set(depth=3)
    assert flow.norms.shape == (3,)
    assert flow.caption().startswith("3 layers, relu, He")


def test_bad_choices_are_refused():
    x, y = _batch()
    flow = ch04.GradientFlow(x, y, width=8, depth=3)
    with pytest.raises(ValueError, match="depth"):
        flow.set(depth=1)
    with pytest.raises(ValueError, match="activation"):
        flow.set(activation="elu")
    with pytest.raises(ValueError, match="init"):
        flow.set(init="orthogonal")
    with pytest.raises(ValueError, match="one label per row"):
        ch04.GradientFlow(x, y[:5])


def test_figure_has_both_panels_and_png_changes_with_the_choice():
    x, y = _batch()
    flow = ch04.GradientFlow(x, y, width=8, depth=4)
    fig = flow.draw()
    assert len(fig.axes) == 2
    assert fig.axes[0].get_yscale() == "log"
    assert len(fig.axes[0].lines[0].get_xdata()) == 4
    before = flow.png()
    assert before[:8] == b"\x89PNG\r\n\x1a\n"
    flow.set(activation="relu", init="He")
    assert flow.png() != before
    assert flow.draw().get_suptitle() == flow.caption()
    assert flow.draw(with_caption=False).get_suptitle() == ""  # the widget shows it as text


def test_widget_controls_update_the_flow_and_the_image():
    pytest.importorskip("ipywidgets")
    x, y = _batch()
    box = ch04.gradient_flow_playground(x, y, width=8, depth=4)
    image = box.image.value
    box.depth.value = 6
    assert box.flow.depth == 6 and box.flow.norms.shape == (6,)
    assert box.caption.value.startswith("6 layers")
    assert box.image.value != image
    box.activation.value = "relu"
    box.init.value = "He"
    assert box.flow.activation == "relu" and box.flow.init == "He"
