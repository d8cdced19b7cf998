"""Chapter 06's checkers: each typical wrong answer is caught, by the case meant to catch it."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import rnn, text
from dlbook.exercises import ch06

CODE = [
    ch06.rnn_step,
    ch06.bptt_scalar,
    ch06.lstm_cell,
    ch06.clip_by_global_norm,
    ch06.sample_with_temperature,
]


@pytest.mark.parametrize("ex", CODE, ids=lambda e: e.id)
def test_reference_passes_and_each_mistake_is_named(ex):
    assert ex.evaluate(ex.reference).status == "passed"
    assert len(ex.wrong_answers) >= 4
    messages = set()
    for wrong in ex.wrong_answers:
        result = ex.evaluate(wrong)
        assert result.status == "failed", wrong.__name__
        messages.add(result.message.split(": ", 1)[1])
    # every mistake gets its own diagnosis, not the message of another one
    assert len(messages) == len(ex.wrong_answers)


def test_rnn_step_reference_equals_the_package():
    x = np.random.default_rng(0).normal(size=(2, 1, 3))
    layer = rnn.RNN(3, 4, rng=0, dtype=np.float64)
    p = layer.params
    h0 = np.random.default_rng(1).normal(size=(2, 4))
    np.testing.assert_allclose(
        ch06.rnn_step.reference(x[:, 0], h0, p["Wx"], p["Wh"], p["b"]),
        layer.forward(x, h0=h0)[:, 0],
        rtol=1e-12,
    )


def test_lstm_cell_reference_equals_the_package():
    rng = np.random.default_rng(2)
    x, h0, c0 = rng.normal(size=(2, 1, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    layer = rnn.LSTM(3, 4, rng=0, dtype=np.float64)
    p = layer.params
    h, c = ch06.lstm_cell.reference(x[:, 0], h0, c0, p["Wx"], p["Wh"], p["b"])
    np.testing.assert_allclose(h, layer.forward(x, h0=h0, c0=c0)[:, 0], rtol=1e-12)
    np.testing.assert_allclose(c, layer.c_n, rtol=1e-12)


def test_bptt_scalar_reference_equals_finite_differences():
    x = np.array([0.3, -1.2, 0.8, 0.5])

    def cost(w, u):
        h = 0.0
        for xt in x:
            h = np.tanh(w * h + u * xt)
        return h

    dw, du = ch06.bptt_scalar.reference(x, 0.7, 1.1)
    eps = 1e-6
    assert dw == pytest.approx((cost(0.7 + eps, 1.1) - cost(0.7 - eps, 1.1)) / (2 * eps), rel=1e-7)
    assert du == pytest.approx((cost(0.7, 1.1 + eps) - cost(0.7, 1.1 - eps)) / (2 * eps), rel=1e-7)


def test_clip_reference_equals_the_package():
    grads = [np.array([3.0, 0.0]), np.array([[4.0, 1.0]])]
    ours = [g.copy() for g in grads]
    rnn.clip_grad_norm(ours, 2.0)
    for a, b in zip(ch06.clip_by_global_norm.reference(grads, 2.0), ours, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_sampling_reference_follows_the_package_probabilities():
    logits = np.array([0.5, 2.0, -1.0, 1.0])
    p = text.softmax_with_temperature(logits, 0.7)
    edges = np.concatenate([[0.0], np.cumsum(p)])
    for i in range(4):  # a u just inside each interval gives that index
        u = 0.5 * (edges[i] + edges[i + 1])
        assert ch06.sample_with_temperature.reference(logits, 0.7, u) == i
