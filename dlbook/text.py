"""Text for recurrent models: character vocabularies, windows for truncated BPTT, sampling.

    from dlbook import text
    vocab = text.CharVocab(corpus.train)         # the characters of a text, sorted
    ids = vocab.encode(corpus.train)             # (L,) int64 on the host
    x, y = text.windows(ids, batch_size=32, seq_len=64)   # (K, N, T) each; y is x shifted by 1
    text.sample(model, vocab, "ROMEO:", 200, temperature=0.8, rng=0)

Also the two simplest language models, the baselines a recurrent model must beat:
:func:`unigram_perplexity` and :func:`bigram_perplexity` (character counts with
add-α smoothing).

Built in chapter 06.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from . import backend
from . import functions as F
from .errors import check_int
from .rnn import forward_with_state

__all__ = [
    "CharVocab",
    "bigram_perplexity",
    "model_perplexity",
    "sample",
    "softmax_with_temperature",
    "unigram_perplexity",
    "windows",
]

Array = Any


def _code_points(text: str) -> np.ndarray:
    """The Unicode code points of ``text`` as a uint32 array (no Python loop)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")  # host: text is host data


class CharVocab:
    """The characters of a text, numbered 0 … V−1 in code-point order.

    Parameters
    ----------
    text : str
        The text whose distinct characters make the vocabulary.

    Attributes
    ----------
    chars : list of str
        ``chars[i]`` is the character with id i.

    Examples
    --------
    >>> v = CharVocab("hello")
    >>> v.chars, v.encode("hole").tolist(), v.decode([3, 1])
    (['e', 'h', 'l', 'o'], [1, 3, 2, 0], 'oh')

    Built in chapter 06.
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            raise ValueError("CharVocab: text must be a non-empty str.")
        self._codes = np.unique(_code_points(text))  # sorted code points, (V,)
        self.chars: list[str] = [chr(int(c)) for c in self._codes]

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        shown = "".join(self.chars[:40]).replace("\n", "\\n")
        more = "…" if len(self) > 40 else ""
        return f"CharVocab({len(self)} characters: {shown!r}{more})"

    def encode(self, text: str) -> np.ndarray:
        """The ids of the characters of ``text``: shape (len(text),), int64, on the host.

        Raises
        ------
        KeyError
            For a character that is not in the vocabulary (named in the message).
        """
        codes = _code_points(text)
        ids = np.searchsorted(self._codes, codes)
        ids[ids == len(self._codes)] = 0
        bad = self._codes[ids] != codes
        if bad.any():
            missing = sorted({chr(int(c)) for c in codes[bad]})
            raise KeyError(
                f"CharVocab.encode: characters not in the vocabulary: {missing!r}. Build the "
                "vocabulary from a text that has them, or remove them."
            )
        return ids.astype(np.int64)

    def decode(self, ids: Any) -> str:
        """The text of a sequence of ids (a list or an array on any device)."""
        ids = np.asarray(backend.to_cpu(ids)).reshape(-1)  # host: building a str
        return "".join(self.chars[int(i)] for i in ids)


def windows(ids: Any, batch_size: int, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a long sequence into (K, N, T) windows for truncated BPTT, with targets shifted by one.

    The sequence is split into N = ``batch_size`` streams of equal length, one per
    row; window k holds steps k·T … k·T + T − 1 of every stream, so window k + 1
    continues window k in each row and the recurrent state can be carried from one
    to the next. ``y[k, n, t]`` is the character after ``x[k, n, t]``.

    Parameters
    ----------
    ids : array of shape (L,), int
    batch_size, seq_len : int
        N and T.

    Returns
    -------
    x, y : ndarrays of shape (K, N, T), int64, on the host, with K = (L − 1) // (N·T)

    Raises
    ------
    ValueError
        If the sequence is too short for one window.

    Built in chapter 06.
    """
    ids = np.asarray(backend.to_cpu(ids)).reshape(-1)  # host: data preparation
    n, t = check_int("windows", "batch_size", batch_size), check_int("windows", "seq_len", seq_len)
    k = (len(ids) - 1) // (n * t)
    if k < 1:
        raise ValueError(
            f"windows: a sequence of {len(ids)} ids is too short for one window of "
            f"batch_size × seq_len = {n} × {t} (+1 for the targets)."
        )
    length = k * t  # per stream
    stride = (len(ids) - 1) // n  # streams start this far apart
    starts = np.arange(n) * stride  # host
    pos = starts[:, None] + np.arange(length)[None, :]  # host: (N, K·T) positions
    x = ids[pos].reshape(n, k, t).transpose(1, 0, 2)
    y = ids[pos + 1].reshape(n, k, t).transpose(1, 0, 2)
    return np.ascontiguousarray(x, dtype=np.int64), np.ascontiguousarray(y, dtype=np.int64)


# --- baselines ---------------------------------------------------------------------


def _check_ids(name: str, ids: Any, vocab_size: int) -> np.ndarray:
    ids = np.asarray(backend.to_cpu(ids)).reshape(-1)  # host: counting
    if ids.size == 0 or ids.dtype.kind not in "iu":
        raise ValueError(f"{name}: ids must be a non-empty integer array.")
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{name}: ids must lie in [0, {vocab_size}) (vocab_size).")
    return ids


def unigram_perplexity(train: Any, test: Any, vocab_size: int, alpha: float = 1.0) -> float:
    """Perplexity on ``test`` of character frequencies counted on ``train`` (add-α smoothing).

    p(c) = (count(c) + α) / (L + α V); perplexity = exp(−(1/L') Σ log p(c_t)).

    Built in chapter 06.
    """
    tr = _check_ids("unigram_perplexity", train, vocab_size)
    te = _check_ids("unigram_perplexity", test, vocab_size)
    counts = np.bincount(tr, minlength=vocab_size) + alpha
    logp = np.log(counts / counts.sum())
    return math.exp(-float(logp[te].mean()))


def bigram_perplexity(train: Any, test: Any, vocab_size: int, alpha: float = 1.0) -> float:
    """Perplexity on ``test`` of p(c_t | c_{t−1}) counted on ``train`` (add-α smoothing).

    p(b | a) = (count(a b) + α) / (count(a ·) + α V); the first character of
    ``test`` is not predicted.

    Built in chapter 06.
    """
    tr = _check_ids("bigram_perplexity", train, vocab_size)
    te = _check_ids("bigram_perplexity", test, vocab_size)
    if te.size < 2:
        raise ValueError("bigram_perplexity: test must hold at least 2 ids.")
    v = vocab_size
    counts = np.bincount(tr[:-1] * v + tr[1:], minlength=v * v).reshape(v, v) + alpha
    logp = np.log(counts / counts.sum(axis=1, keepdims=True))
    return math.exp(-float(logp[te[:-1], te[1:]].mean()))


def model_perplexity(model: Any, x: Any, y: Any) -> float:
    """Perplexity exp(mean cross-entropy) of a character model on windows from :func:`windows`.

    The state is carried from window to window, as in training.

    Parameters
    ----------
    model : Sequential
        Layers ending in scores (N, T, V), e.g. Embedding, LSTM, TimeDense.
    x, y : arrays of shape (K, N, T), int

    Built in chapter 06.
    """
    state = None
    total = 0.0
    for k in range(len(x)):
        scores, state = forward_with_state(model.layers, backend.asarray(x[k]), state)
        logp = F.log_softmax(scores, axis=-1)
        yk = backend.asarray(y[k])
        xp = backend.array_module(logp)
        picked = xp.take_along_axis(logp, yk[..., None], axis=-1)
        total += float(picked.mean())
    return math.exp(-total / len(x))


# --- sampling ----------------------------------------------------------------------


def softmax_with_temperature(logits: Any, temperature: float) -> Array:
    """p = softmax(logits / τ) along the last axis; τ → 0 approaches the argmax, τ = 1 is the model.

    ``temperature`` must be > 0 (for τ = 0, take the argmax yourself).

    Built in chapter 06.
    """
    if not isinstance(temperature, numbers.Real) or not temperature > 0:
        raise ValueError(f"softmax_with_temperature: temperature must be > 0; got {temperature!r}.")
    xp = backend.array_module(logits)
    z = xp.asarray(logits) / float(temperature)
    return F.softmax(z, axis=-1)


def sample(
    model: Any,
    vocab: CharVocab,
    prompt: str,
    length: int,
    temperature: float = 1.0,
    rng: Any = 0,
) -> str:
    """Continue ``prompt`` by ``length`` characters drawn one at a time from the model.

    The prompt is read in one pass (its state carried), then each new character is
    drawn from softmax(scores / τ) and fed back. ``temperature=0`` takes the most
    likely character every time (greedy).

    Parameters
    ----------
    model : Sequential
        Embedding, recurrent layers and a TimeDense: ids (N, T) -> scores (N, T, V).
    vocab : CharVocab
    prompt : str
        At least one character, all in the vocabulary.
    length : int >= 0
    temperature : float >= 0
    rng : int or generator
        Seed or generator for the draws (``backend.default_rng``).

    Returns
    -------
    str
        The prompt followed by the new characters.

    Built in chapter 06.
    """
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("sample: prompt must be a non-empty str (e.g. '\\n' or 'ROMEO:').")
    length = check_int("sample", "length", length, low=0)
    if not isinstance(temperature, numbers.Real) or not temperature >= 0:
        raise ValueError(f"sample: temperature must be a number >= 0; got {temperature!r}.")
    gen = backend.default_rng(rng)
    ids = backend.asarray(vocab.encode(prompt)[None, :])  # (1, P)
    scores, state = forward_with_state(model.layers, ids, None)
    out: list[int] = []
    for _ in range(int(length)):
        last = backend.to_cpu(scores[0, -1]).astype(np.float64)  # (V,) on the host
        if temperature == 0:
            nxt = int(last.argmax())
        else:
            p = backend.to_cpu(softmax_with_temperature(last, float(temperature)))
            u = float(backend.to_cpu(gen.random()))
            nxt = min(int(np.searchsorted(np.cumsum(p), u * p.sum(), side="right")), len(p) - 1)
        out.append(nxt)
        step = backend.asarray(np.array([[nxt]], dtype=np.int64))  # host: one id
        scores, state = forward_with_state(model.layers, step, state)
    return prompt + vocab.decode(out)
