"""A long-lag memory task: name the first symbol of a sequence after many distractors.

The first step shows one of K symbols; the next ``lag`` steps show random distractor
symbols (K others); at the last step the network must name the first symbol. Chance
is 1/K. It is the "latch" that Bengio, Simard & Frasconi (1994) showed gradient
descent struggles to learn, and a small version of the long-lag experiments of
Hochreiter & Schmidhuber (1997). Only the last step has a target, so the error
enters the network at t = T and must travel back ``lag`` steps to the symbol.

    from dlbook import long_lag
    x, d = long_lag.recall_batch(64, lag=49, rng=0)   # one-hot (64, 50, 8), labels (64,)
    run = long_lag.train_recall("LSTM", seed=0, lag=49, forget_bias=4.0)
    run.accuracy, run.losses                          # on 1,000 new sequences; per batch

Built in chapter 06.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import backend
from .layers import Dense, SoftmaxCrossEntropy
from .optim import Adam
from .rnn import LSTM, RNN, clip_grad_norm

__all__ = ["KINDS", "RecallRun", "recall_batch", "train_recall"]

KINDS = ("tanh RNN", "LSTM")


def recall_batch(n: int, lag: int, n_symbols: int = 4, rng: Any = 0) -> tuple[Any, Any]:
    """``n`` sequences of the recall task and their targets.

    Parameters
    ----------
    n : int
        Number of sequences.
    lag : int
        Distractor steps after the first symbol; each sequence has T = lag + 1 steps.
    n_symbols : int
        K: symbols 0 … K−1 may come first, symbols K … 2K−1 are the distractors.
    rng : int or generator

    Returns
    -------
    x : ndarray of shape (n, lag + 1, 2K), float32
        One-hot symbols.
    d : ndarray of shape (n,), int
        The first symbol of each sequence, in [0, K).

    Built in chapter 06.
    """
    gen = backend.default_rng(rng)
    first = gen.integers(0, n_symbols, n)
    seq = gen.integers(n_symbols, 2 * n_symbols, (n, lag + 1))  # distractors
    seq[:, 0] = first
    return backend.xp().eye(2 * n_symbols, dtype=np.float32)[seq], first


@dataclass
class RecallRun:
    """One training run of :func:`train_recall`: test accuracy and the loss of every batch."""

    kind: str
    seed: int
    accuracy: float
    losses: list[float] = field(repr=False)


def train_recall(
    kind: str,
    seed: int,
    lag: int = 49,
    steps: int = 300,
    hidden: int = 32,
    batch: int = 64,
    eta: float = 0.01,
    clip: float = 1.0,
    forget_bias: float = 4.0,
    n_symbols: int = 4,
) -> RecallRun:
    """Train a recurrent layer and a Dense read-out on fresh batches of the recall task.

    ``kind`` is ``"tanh RNN"`` or ``"LSTM"`` (``forget_bias`` applies to the LSTM only).
    Both get the same budget: ``steps`` batches of ``batch`` new sequences, Adam with
    step ``eta``, the global gradient norm clipped at ``clip``. ``seed`` fixes the
    weights and the batches; the test set (1,000 sequences) depends on ``seed`` only.
    Returns a :class:`RecallRun`.

    Built in chapter 06.
    """
    if kind not in KINDS:
        raise ValueError(f"train_recall: kind must be one of {KINDS}; got {kind!r}.")
    k2 = 2 * n_symbols
    rec: RNN | LSTM
    if kind == "LSTM":
        rec = LSTM(k2, hidden, rng=seed, forget_bias=forget_bias)
    else:
        rec = RNN(k2, hidden, rng=seed)
    head = Dense(hidden, n_symbols, init="xavier", rng=seed + 100)
    loss, opt = SoftmaxCrossEntropy(), Adam(eta)
    gen, losses = backend.default_rng(seed), []
    for _ in range(steps):
        x, d = recall_batch(batch, lag, n_symbols, gen)
        hs = rec.forward(x, train=True)  # (N, T, H)
        losses.append(float(loss.forward(head.forward(hs[:, -1], train=True), d)))
        dout = backend.zeros(hs.shape, hs.dtype)
        dout[:, -1] = head.backward(loss.backward())  # the error enters at the last step only
        rec.backward(dout)
        clip_grad_norm([rec.grads, head.grads], clip)
        opt.step([rec.params, head.params], [rec.grads, head.grads])
    x, d = recall_batch(1000, lag, n_symbols, 10_000 + seed)
    guess = head.forward(rec.forward(x)[:, -1]).argmax(axis=1)
    return RecallRun(kind, seed, float((guess == d).mean()), losses)
