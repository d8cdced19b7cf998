"""The long-lag recall task of chapter 06: its data, and the RNN/LSTM separation it shows."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import long_lag


def test_recall_batch_puts_the_target_first_and_distractors_after():
    x, d = long_lag.recall_batch(200, lag=9, n_symbols=3, rng=1)
    assert x.shape == (200, 10, 6) and x.dtype == np.float32 and d.shape == (200,)
    np.testing.assert_array_equal(x.sum(axis=2), 1.0)  # one-hot at every step
    sym = x.argmax(axis=2)
    np.testing.assert_array_equal(sym[:, 0], d)
    assert set(np.unique(d)) == {0, 1, 2}
    assert sym[:, 1:].min() >= 3 and sym[:, 1:].max() <= 5  # distractors only after t = 0
    x2, d2 = long_lag.recall_batch(200, lag=9, n_symbols=3, rng=1)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(d, d2)


def test_train_recall_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        long_lag.train_recall("GRU", seed=0)


def test_lstm_learns_a_49_step_lag_that_the_tanh_rnn_does_not():
    """A short version of chapter 06's experiment (200 batches instead of 300), 3 seeds.

    Chance is 25 %. The LSTM (forget bias 4) names the first symbol after 49 distractors;
    the tanh RNN, with the same budget, step size and clipping, stays near chance.
    """
    acc = {
        kind: [long_lag.train_recall(kind, seed, steps=200).accuracy for seed in range(3)]
        for kind in long_lag.KINDS
    }
    assert np.mean(acc["LSTM"]) >= 0.85, acc
    assert np.mean(acc["tanh RNN"]) <= 0.40, acc
    assert min(acc["LSTM"]) > max(acc["tanh RNN"]), acc
