"""Chapter 05's exercises: each typical mistake is caught and named; the references agree with
dlbook.conv (the package the chapter builds)."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.conv import Conv2D, MaxPool2D, im2col, output_size
from dlbook.exercises import ch05

CODE = [ch05.output_size, ch05.im2col, ch05.conv_forward, ch05.maxpool_backward, ch05.count_params]


@pytest.mark.parametrize("ex", CODE, ids=lambda e: e.id)
def test_every_mistake_is_caught_and_named(ex):
    assert len(ex.wrong_answers) >= 4
    for wrong in ex.wrong_answers:
        result = ex.evaluate(wrong)
        assert not result.passed, f"{wrong.__name__} passed {ex.id}"
        assert "on case" in result.message
    assert ex.evaluate(ex.reference).passed


def test_mistake_messages_say_what_is_wrong():
    says = {
        "_output_size_true_division": "round down",
        "_im2col_sample_major": "side by side",
        "_conv_forward_flipped": "cross-correlation",
        "_maxpool_backward_all_ties": "first",
        "_count_params_conv_no_c_in": "C_out·C_in·k·k",
    }
    for ex in CODE:
        for wrong in ex.wrong_answers:
            if wrong.__name__ in says:
                assert says[wrong.__name__] in ex.evaluate(wrong).message


def test_references_agree_with_the_package():
    rng = np.random.default_rng(0)
    for n, k, s, p in [(28, 5, 1, 2), (28, 3, 2, 1), (7, 3, 2, 0)]:
        assert ch05._output_size(n, k, s, p) == output_size(n, k, s, p)
    x = rng.normal(size=(3, 2, 6, 5))
    np.testing.assert_array_equal(ch05._im2col(x, 3), im2col(x, 3))
    layer = Conv2D(2, 4, 3, stride=2, padding=1, rng=1, dtype=np.float64)
    b = rng.normal(size=4)
    layer.set_params({"W": layer.params["W"], "b": b})
    x = rng.normal(size=(2, 2, 7, 7))
    np.testing.assert_allclose(
        ch05._conv_forward(x, layer.params["W"], b, 2, 1), layer.forward(x), rtol=1e-12
    )
    x = rng.integers(0, 3, (2, 3, 7, 6)).astype(np.float64)  # ties
    pool = MaxPool2D(2)
    dout = rng.normal(size=pool.forward(x).shape)
    np.testing.assert_array_equal(ch05._maxpool_backward(x, dout, 2), pool.backward(dout))


def test_count_params_of_lenet_equals_the_models():
    from dlbook.layers import Dense

    sizes = [Conv2D(1, 6, 5), Conv2D(6, 16, 5), Dense(400, 120), Dense(120, 84), Dense(84, 10)]
    total = sum(int(p.size) for layer in sizes for p in layer.params.values())
    assert ch05._count_params(ch05._LENET) == total == 61_706


def test_quiz_options_are_alike_in_length():
    for q in (ch05.sharing_quiz, ch05.pooling_quiz, ch05.receptive_field_quiz):
        lengths = [len(o) for o in q.options]
        assert max(lengths) <= 1.25 * min(lengths) + 5, (q.id, lengths)
