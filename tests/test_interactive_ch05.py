"""Chapter 05's playgrounds, driven headlessly: the kernel editor and the receptive field."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dlbook.conv import Conv2D, MaxPool2D
from dlbook.interactive import ch05


def test_kernel_editor_filters_with_the_kernel():
    image = np.zeros((8, 8), np.float32)
    image[:, 4:] = 1.0  # a vertical edge
    ed = ch05.KernelEditor(image, "identity")
    np.testing.assert_allclose(ed.output, image)
    ed.set_kernel("vertical edges (Sobel)")
    assert ed.output[4, 3] == pytest.approx(4.0) and ed.output[4, 1] == 0
    ed.set_kernel("horizontal edges (Sobel)")
    assert np.abs(ed.output[1:-1]).max() == 0  # no horizontal edge inside the image
    ed.set_kernel(np.full((3, 3), 1 / 9))
    assert ed.output[4, 4] == pytest.approx(6 / 9, rel=1e-6)
    assert "output from" in ed.caption()
    assert ed.png()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="3×3"):
        ed.set_kernel(np.ones((2, 2)))
    with pytest.raises(ValueError, match="preset"):
        ed.set_kernel("emboss")


def test_kernel_widget_edits_and_presets():
    box = ch05.kernel_playground(np.eye(6, dtype=np.float32), "identity")
    before = box.image.value
    box.cells[4].value = 2.0
    assert box.editor.kernel[1, 1] == 2.0 and box.preset.value == "(edited)"
    assert box.image.value != before
    box.preset.value = "sharpen"
    assert box.cells[4].value == 5.0
    np.testing.assert_array_equal(box.editor.kernel, ch05.PRESETS["sharpen"])


def test_receptive_field_of_lenet():
    field = ch05.ReceptiveField(ch05.LENET_LAYERS, 28)
    assert field.sizes == [28, 28, 14, 10, 5]
    assert [field.width(i) for i in range(1, 5)] == [5, 6, 14, 16]
    assert field.receptive_interval(1, 0) == (-2, 2)  # into the padding
    assert field.receptive_interval(4, 4) == (14, 29)
    assert "16×16 pixels" in field.caption(4, 4, 4)
    assert field.png(4, 1, 2, image=np.zeros((28, 28)))[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="layer must be"):
        field.receptive_interval(5, 0)


def test_receptive_field_is_where_the_gradient_is_nonzero():
    """The formula agrees with backpropagation: one unit's gradient w.r.t. the input."""
    layers = [Conv2D(1, 1, 5, padding=2, rng=0, dtype=np.float64), MaxPool2D(2),
              Conv2D(1, 1, 5, rng=1, dtype=np.float64)]  # fmt: skip
    x = np.random.default_rng(0).normal(size=(1, 1, 28, 28))
    h = x
    for layer in layers:
        h = layer.forward(h)
    dout = np.zeros(h.shape)
    dout[0, 0, 3, 6] = 1.0
    for layer in reversed(layers):
        dout = layer.backward(dout)
    rows, cols = np.nonzero(dout[0, 0])
    field = ch05.ReceptiveField(ch05.LENET_LAYERS[:3], 28)
    r0, r1 = field.receptive_interval(3, 3)
    c0, c1 = field.receptive_interval(3, 6)
    # max pooling passes the gradient to one pixel per window, so the support lies inside
    assert r0 <= rows.min() and rows.max() <= r1 and c0 <= cols.min() and cols.max() <= c1
    assert rows.max() - rows.min() >= r1 - r0 - 2


def test_receptive_field_widget():
    box = ch05.receptive_field_playground()
    box.layer.value = 1
    assert box.row.max == 27
    box.row.value = 27
    assert "rows 25..29" in box.caption.value
    box.layer.value = 4
    assert box.row.value == 4
