"""Chapter 04's diagnosed exercises name the typical mistake they see."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.exercises import ch04


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        ("_adam_no_bias_correction", "without the bias correction"),
        ("_adam_no_sqrt", "divides by its square root"),
        ("_adam_corrected_state", "returned the corrected m̂ and v̂"),
    ],
)
def test_adam_mistakes_are_named(wrong, says):
    fn = next(w for w in ch04.adam_step.wrong_answers if w.__name__ == wrong)
    result = ch04.adam_step.evaluate(fn)
    assert not result.passed and says in result.message


def test_adam_mistake_differs_from_the_reference_only_where_it_should():
    args = (np.array([1.0]), np.array([-3.0]), np.zeros(1), np.zeros(1), 1, 0.001, 0.9, 0.999, 1e-8)
    theta, m, v = ch04._adam_step(*args)
    theta_c, m_c, v_c = ch04._adam_corrected_state(*args)
    assert np.array_equal(theta_c, theta)  # θ right, state wrong
    assert not np.array_equal(m_c, m) and not np.array_equal(v_c, v)


def test_diagnosed_exercise_reports_an_input_changed_in_place():
    def in_place(theta, g, m, v, t, lr, beta1, beta2, eps):
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v

    result = ch04.adam_step.evaluate(in_place)
    assert not result.passed
    assert "changed its input `m` in place" in result.message
