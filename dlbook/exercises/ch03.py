"""Exercises and quizzes of chapter 03 (softmax and cross-entropy).

In the notebook::

    from dlbook.exercises import ch03
    ch03.stable_softmax.check(my_softmax)
    ch03.softmax_shift.check(None)        # a quiz: .check(option number)

Seven code exercises, in the order the chapter meets them: a softmax that does
not overflow, log-softmax, one-hot targets, the cross-entropy of integer labels,
the p − d gradient, accuracy from scores, and the confusion matrix. Each has
typical wrong answers that the checker must reject (the naive softmax first of all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import backend
from .checks import CheckFailure, call, expect_array, expect_close_gradient
from .core import Case, Exercise, Quiz, function_exercise

__all__ = [
    "accuracy",
    "confusion_matrix",
    "cross_entropy",
    "log_softmax",
    "one_hot",
    "softmax_ce_grad",
    "stable_softmax",
    "softmax_shift",
    "subtract_max",
    "uniform_loss",
]

_rng = backend.default_rng(3)  # hidden cases: fixed once, the same for every reader


# --- 03.stable_softmax ---------------------------------------------------------------------------


def _stable_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)  # softmax(z) = softmax(z − c): largest exponent 0
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_naive(z: np.ndarray) -> np.ndarray:
    # Mistake: the textbook formula as written; exp(1000) = inf and inf / inf = nan.
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_global_max(z: np.ndarray) -> np.ndarray:
    # Mistake: one maximum for the whole batch; a row far below it underflows to 0 / 0.
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _softmax_columns(z: np.ndarray) -> np.ndarray:
    # Mistake: normalises over the batch (axis 0) instead of over the classes.
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_row_min(z: np.ndarray) -> np.ndarray:
    # Mistake: shifts by the row minimum; fine while a row spans less than ~709, but
    # [-1000, 0, 1000] becomes exp([0, 1000, 2000]) = inf.
    e = np.exp(z - z.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_row_mean(z: np.ndarray) -> np.ndarray:
    # Mistake: shifts by the row mean, which still leaves exp(1000) in [-1000, 0, 1000].
    e = np.exp(z - z.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_float64(z: np.ndarray) -> np.ndarray:
    # Mistake: promotes to float64; the prompt asks for the dtype of z (float32 stays float32).
    return _stable_softmax(z.astype(np.float64))


def _compare_same_dtype(got: Any, expected: Any, case: str, rtol: float, atol: float) -> None:
    """Values within tolerance and exactly the dtype the reference gives (float32 stays float32)."""
    expect_array(got, expected, case=case, rtol=rtol, atol=atol, check_dtype=True)
    if getattr(got, "dtype", None) != expected.dtype:
        raise CheckFailure(
            f"on case '{case}': expected dtype {expected.dtype.name} (the dtype of z), got "
            f"{got.dtype.name}; compute in z's dtype (no .astype(np.float64), no float64 constants)"
        )


_batch = _rng.normal(size=(4, 5)) * 2

stable_softmax = function_exercise(
    id="03.stable_softmax",
    title="A softmax that does not overflow",
    prompt="""
    Write `softmax(z)` for a batch of scores (logits).

    - `z`: float array of shape (N, K), one row of K class scores per example;
    - returns: float array of shape (N, K) and the dtype of `z`, with
      p[n, k] = exp(z[n, k]) / Σ_j exp(z[n, j]); each row sums to 1.

    It must work for any finite logits, including `[[1000., 1001., 1002.]]`, where
    `np.exp` overflows to inf, and `[[-1000., -1001., -1002.]]`, where it underflows to 0.

    Example: `softmax(np.array([[1., 2., 3.]]))` → `[[0.0900, 0.2447, 0.6652]]`.
    """,
    reference=_stable_softmax,
    cases=[
        Case("three logits [1, 2, 3]", (np.array([[1.0, 2.0, 3.0]]),)),
        Case("a batch of 4 rows of 5 classes", (_batch,)),
        Case("large logits [1000, 1001, 1002]", (np.array([[1000.0, 1001.0, 1002.0]]),)),
        Case("very negative logits [-1000, -1001, -1002]", (np.array([[-1000.0, -1001, -1002]]),)),
        Case("rows on very different scales", (np.array([[1000.0, 1001.0], [0.0, 1.0]]),)),
        Case("float32 logits [100, 101, 102]", (np.array([[100, 101, 102]], dtype=np.float32),)),
        Case("a row spanning 2000: [-1000, 0, 1000]", (np.array([[-1000.0, 0.0, 1000.0]]),)),
        Case("a tie: [5, 5, -5]", (np.array([[5.0, 5.0, -5.0]]),)),
    ],
    hints=[
        "Adding the same constant c to every logit of a row does not change its softmax: "
        "the factor e^c cancels between numerator and denominator. Choose c so that no "
        "exponent is positive.",
        "softmax(z) = softmax(z − m) with m = max_k z_k taken per row; then every "
        "exponent is ≤ 0 (no overflow) and the largest term is e^0 = 1 (no 0 / 0).",
        "shifted = z - z.max(axis=1, keepdims=True); e = np.exp(shifted); "
        "return e / e.sum(axis=1, keepdims=True)",
    ],
    wrong_answers=[
        _softmax_naive,
        _softmax_global_max,
        _softmax_columns,
        _softmax_row_min,
        _softmax_row_mean,
        _softmax_float64,
    ],
    compare=lambda got, expected, case: _compare_same_dtype(got, expected, case, 1e-5, 1e-7),
)


# --- 03.log_softmax ------------------------------------------------------------------------------


def _log_softmax(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))  # log Σ e^z, stably
    return z - lse


def _log_of_softmax(z: np.ndarray) -> np.ndarray:
    # Mistake: log of a (stable) softmax; a probability that underflows to 0 gives log 0 = -inf.
    return np.log(_stable_softmax(z))


def _log_softmax_naive(z: np.ndarray) -> np.ndarray:
    # Mistake: log Σ exp(z) without subtracting the maximum overflows.
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _log_softmax_max_only(z: np.ndarray) -> np.ndarray:
    # Mistake: subtracts the maximum but forgets the log Σ e^(z − m) that follows it.
    return z - z.max(axis=1, keepdims=True)


def _log_softmax_row_min(z: np.ndarray) -> np.ndarray:
    # Mistake: log-sum-exp shifted by the row minimum; [-1000, 0, 1000] overflows.
    m = z.min(axis=1, keepdims=True)
    return z - (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))


def _log_softmax_global_max(z: np.ndarray) -> np.ndarray:
    # Mistake: one maximum for the whole batch; a row far below it gives log(0) = -inf.
    m = z.max()
    return z - (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))


def _log_softmax_columns(z: np.ndarray) -> np.ndarray:
    # Mistake: the sum over the batch (axis 0) instead of over the classes.
    m = z.max(axis=0, keepdims=True)
    return z - (m + np.log(np.exp(z - m).sum(axis=0, keepdims=True)))


log_softmax = function_exercise(
    id="03.log_softmax",
    title="Log-softmax by log-sum-exp",
    prompt="""
    Write `log_softmax(z)`: the logarithm of the softmax, computed without ever taking log(0).

    - `z`: float array of shape (N, K);
    - returns: float array of shape (N, K), log p[n, k] = z[n, k] − log Σ_j exp(z[n, j]).

    For `z = [[0., 1000.]]` the answer is `[[-1000., 0.]]`, although the softmax of the
    first entry, e^(−1000), is 0 in floating point.

    Example: `log_softmax(np.array([[1., 2., 3.]]))` → `[[-2.4076, -1.4076, -0.4076]]`.
    """,
    reference=_log_softmax,
    cases=[
        Case("three logits [1, 2, 3]", (np.array([[1.0, 2.0, 3.0]]),)),
        Case("a batch of 4 rows of 5 classes", (_batch,)),
        Case("a gap of 1000: [0, 1000]", (np.array([[0.0, 1000.0]]),)),
        Case("large logits [1000, 1001, 1002]", (np.array([[1000.0, 1001.0, 1002.0]]),)),
        Case("a row spanning 2000: [-1000, 0, 1000]", (np.array([[-1000.0, 0.0, 1000.0]]),)),
        Case("rows on very different scales", (np.array([[1000.0, 1001.0], [0.0, 1.0]]),)),
    ],
    hints=[
        "log(e^a / S) = a − log S: you need log S = log Σ_j e^(z_j), never the softmax itself.",
        "log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m) with m = max_j z_j (log-sum-exp); "
        "the sum is at least 1, so its log is finite.",
        "m = z.max(axis=1, keepdims=True); "
        "return z - (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))",
    ],
    wrong_answers=[
        _log_of_softmax,
        _log_softmax_naive,
        _log_softmax_max_only,
        _log_softmax_row_min,
        _log_softmax_global_max,
        _log_softmax_columns,
    ],
    rtol=1e-6,
    atol=1e-6,
)


# --- 03.one_hot ----------------------------------------------------------------------------------


def _one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    d = np.zeros((labels.shape[0], n_classes))
    d[np.arange(labels.shape[0]), labels] = 1.0  # row n gets a 1 in column labels[n]
    return d


def _one_hot_columns(labels: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: d[:, labels] = 1 sets whole columns, in every row.
    d = np.zeros((labels.shape[0], n_classes))
    d[:, labels] = 1.0
    return d


def _one_hot_guess_classes(labels: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: counts the classes from the labels; a batch without the last class is too narrow.
    return np.eye(labels.max() + 1)[labels]


def _one_hot_transposed(labels: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: classes along the rows, (K, N) instead of (N, K).
    return np.eye(n_classes)[labels].T


def _one_hot_int(labels: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: an int matrix; the prompt asks for floats (targets meet float probabilities).
    return np.eye(n_classes, dtype=np.int64)[labels]


def _one_hot_bool(labels: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: the comparison itself, True/False, not 1.0/0.0.
    return labels[:, None] == np.arange(n_classes)[None, :]


one_hot = function_exercise(
    id="03.one_hot",
    title="One-hot targets",
    prompt="""
    Write `one_hot(labels, n_classes)`.

    - `labels`: int array of shape (N,), values in [0, n_classes);
    - `n_classes`: int, the number of classes K;
    - returns: float array d of shape (N, K) with d[n, labels[n]] = 1 and zeros elsewhere.

    Example: `one_hot(np.array([2, 0]), 3)` → `[[0., 0., 1.], [1., 0., 0.]]`.
    """,
    reference=_one_hot,
    cases=[
        Case("labels [2, 0], 3 classes", (np.array([2, 0]), 3)),
        Case("labels [0, 2, 1] of 5 classes", (np.array([0, 2, 1]), 5)),
        Case("ten digits", (np.array([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]), 10)),
    ],
    hints=[
        "Start from a matrix of zeros with one row per example and one column per class; "
        "then put a single 1 in each row.",
        "d[n, labels[n]] = 1 for every n: the row index is n, the column index is labels[n].",
        "d = np.zeros((len(labels), n_classes)); d[np.arange(len(labels)), labels] = 1",
    ],
    wrong_answers=[
        _one_hot_columns,
        _one_hot_guess_classes,
        _one_hot_transposed,
        _one_hot_int,
        _one_hot_bool,
    ],
    check_dtype=True,
)


# --- 03.cross_entropy ----------------------------------------------------------------------------


def _cross_entropy(p: np.ndarray, d: np.ndarray) -> float:
    n = p.shape[0]
    return float(-np.log(p[np.arange(n), d]).mean())  # −(1/N) Σ_n log p[n, d_n]


def _cross_entropy_sum(p: np.ndarray, d: np.ndarray) -> float:
    # Mistake: the sum over the batch, not the mean (the learning rate then depends on N).
    return float(-np.log(p[np.arange(p.shape[0]), d]).sum())


def _cross_entropy_all_pairs(p: np.ndarray, d: np.ndarray) -> float:
    # Mistake: p[:, d] picks columns d for every row, an (N, N) matrix, not one entry per row.
    return float(-np.log(p[:, d]).mean())


def _cross_entropy_all_classes(p: np.ndarray, d: np.ndarray) -> float:
    # Mistake: averages log p over every class, ignoring which one is true.
    return float(-np.log(p).mean())


def _cross_entropy_no_minus(p: np.ndarray, d: np.ndarray) -> float:
    # Mistake: forgets the minus sign; the "loss" is negative and training would maximise it.
    return float(np.log(p[np.arange(p.shape[0]), d]).mean())


def _cross_entropy_log2(p: np.ndarray, d: np.ndarray) -> float:
    # Mistake: log base 2 (bits); the book's loss is in nats (natural log).
    return float(-np.log2(p[np.arange(p.shape[0]), d]).mean())


def _cross_entropy_per_example(p: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Mistake: returns the N losses, not their mean.
    return -np.log(p[np.arange(p.shape[0]), d])


_p4 = _stable_softmax(_rng.normal(size=(4, 3)))

cross_entropy = function_exercise(
    id="03.cross_entropy",
    title="Cross-entropy of integer labels",
    prompt="""
    Write `cross_entropy(p, d)`: the mean cross-entropy of predicted probabilities.

    - `p`: float array of shape (N, K), each row a probability distribution (all entries > 0);
    - `d`: int array of shape (N,), the true class of each example;
    - returns: one float, C = −(1/N) Σ_n log p[n, d[n]] (natural log, in nats).

    With one-hot targets this is −(1/N) Σ_n Σ_k d[n, k] log p[n, k]: only the true class counts.

    Example: `cross_entropy(np.array([[0.7, 0.2, 0.1]]), np.array([0]))` → `0.3567` (= −log 0.7).
    """,
    reference=_cross_entropy,
    cases=[
        Case(
            "one example, p = [0.7, 0.2, 0.1], class 0",
            (np.array([[0.7, 0.2, 0.1]]), np.array([0])),
        ),
        Case("a batch of 4 rows of 3", (_p4, np.array([2, 0, 1, 1]))),
        Case("a uniform guess over 10 classes", (np.full((2, 10), 0.1), np.array([3, 7]))),
        Case(
            "two confident examples",
            (np.array([[0.98, 0.01, 0.01], [0.01, 0.01, 0.98]]), np.array([0, 1])),
        ),
    ],
    hints=[
        "Only the probability given to the true class matters: the loss of one example "
        "is −log of that probability; then average over the batch.",
        "C = −(1/N) Σ_n log p[n, d_n]. Pick one entry per row with p[np.arange(N), d].",
        "N = len(d); return -np.log(p[np.arange(N), d]).mean()",
    ],
    wrong_answers=[
        _cross_entropy_sum,
        _cross_entropy_all_pairs,
        _cross_entropy_all_classes,
        _cross_entropy_no_minus,
        _cross_entropy_log2,
        _cross_entropy_per_example,
    ],
)


# --- 03.softmax_ce_grad --------------------------------------------------------------------------


def _softmax_ce_grad(z: np.ndarray, d: np.ndarray) -> np.ndarray:
    n = z.shape[0]
    g = _stable_softmax(z)  # p
    g[np.arange(n), d] -= 1.0  # p − d, with d one-hot
    return g / n  # the loss is a mean over the batch


def _grad_no_mean(z: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Mistake: p − d without the 1/N of the mean loss.
    g = _stable_softmax(z)
    g[np.arange(z.shape[0]), d] -= 1.0
    return g


def _grad_wrong_sign(z: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Mistake: d − p, the direction of steepest ascent.
    return -_softmax_ce_grad(z, d)


def _grad_diagonal_only(z: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Mistake: chains −d/p through the diagonal of the softmax Jacobian only, p(1 − p),
    # forgetting that each p_k also depends on every other logit.
    n, c = z.shape
    p = _stable_softmax(z)
    onehot = np.zeros((n, c))
    onehot[np.arange(n), d] = 1.0
    return -onehot / p * p * (1 - p) / n


def _grad_naive_softmax(z: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Mistake: p from the naive softmax; exp(1000) = inf gives nan.
    e = np.exp(z)
    g = e / e.sum(axis=1, keepdims=True)
    g[np.arange(z.shape[0]), d] -= 1.0
    return g / z.shape[0]


def _grad_over_classes(z: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Mistake: divides by the number of classes K instead of the batch size N.
    g = _stable_softmax(z)
    g[np.arange(z.shape[0]), d] -= 1.0
    return g / z.shape[1]


def _mean_ce(z: np.ndarray, d: np.ndarray) -> float:
    return float(-_log_softmax(z)[np.arange(z.shape[0]), d].mean())


_grad_cases = [
    ("one example, 3 classes", np.array([[0.5, -1.0, 2.0]]), np.array([0])),
    ("a batch of 4 rows of 5", _rng.normal(size=(4, 5)), np.array([4, 0, 2, 2])),
    ("a batch of 6 rows of 3", _rng.normal(size=(6, 3)) * 3, np.array([0, 1, 2, 0, 1, 2])),
]


def _check_softmax_ce_grad(fn: Callable[..., Any]) -> str:
    for name, z, d in _grad_cases:
        got = call(fn, z.copy(), d.copy(), case=name, like=_softmax_ce_grad)

        def reader_grad(z: np.ndarray, got: Any = got) -> Any:
            return got  # the reader's gradient at z, to compare with finite differences

        def loss(z: np.ndarray, d: np.ndarray = d) -> float:
            return _mean_ce(z, d)

        expect_close_gradient(reader_grad, loss, z, case=name, tol=1e-5)
        expect_array(got, _softmax_ce_grad(z, d), case=name, rtol=1e-6, atol=1e-9)
    big = np.array([[1000.0, 0.0, -1000.0]])
    got = call(fn, big.copy(), np.array([1]), case="large logits [1000, 0, -1000]")
    expect_array(got, _softmax_ce_grad(big, np.array([1])), case="large logits [1000, 0, -1000]")
    return f"{len(_grad_cases) + 1} cases, checked against finite differences"


softmax_ce_grad = Exercise(
    id="03.softmax_ce_grad",
    title="The gradient p − d, averaged over the batch",
    prompt="""
    Write `softmax_cross_entropy_grad(z, d)`: the gradient of the mean loss
    C = −(1/N) Σ_n log softmax(z)[n, d[n]] with respect to the logits.

    - `z`: float array of shape (N, K), the logits;
    - `d`: int array of shape (N,), the true classes;
    - returns: float array of shape (N, K), ∂C/∂z = (p − onehot(d)) / N with p = softmax(z).

    The checker compares your gradient with finite differences of C.

    Example: `softmax_cross_entropy_grad(np.array([[0., 0.]]), np.array([1]))` → `[[0.5, -0.5]]`.
    """,
    reference=_softmax_ce_grad,
    checker=_check_softmax_ce_grad,
    hints=[
        "The whole chain softmax → log → minus → mean collapses to a simple difference "
        "between what the network says and what it should say.",
        "∂C/∂z[n, k] = (p[n, k] − d[n, k]) / N, with d one-hot: subtract 1 at the true class.",
        "g = softmax(z)  (a stable one); g[np.arange(N), d] -= 1; return g / N",
    ],
    wrong_answers=[
        _grad_no_mean,
        _grad_wrong_sign,
        _grad_diagonal_only,
        _grad_naive_softmax,
        _grad_over_classes,
    ],
)


# --- 03.accuracy ---------------------------------------------------------------------------------


def _accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    return float((scores.argmax(axis=1) == labels).mean())  # fraction of rows right


def _accuracy_axis0(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mistake: argmax over the batch axis: the best example for each class.
    return float((scores.argmax(axis=0) == labels).mean())


def _accuracy_count(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mistake: the number right, not the fraction.
    return float((scores.argmax(axis=1) == labels).sum())


def _accuracy_percent(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mistake: a percentage; the book's accuracy is a fraction in [0, 1].
    return float((scores.argmax(axis=1) == labels).mean() * 100)


def _accuracy_argmin(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mistake: the smallest score, as if the scores were losses.
    return float((scores.argmin(axis=1) == labels).mean())


def _accuracy_any_tie(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mistake: counts an example as right when its label is among the tied maxima.
    top = scores == scores.max(axis=1, keepdims=True)
    return float(top[np.arange(len(labels)), labels].mean())


def _accuracy_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mistake: right when the true class's score is above 0.5, as for one probability.
    return float((scores[np.arange(len(labels)), labels] > 0.5).mean())


accuracy = function_exercise(
    id="03.accuracy",
    title="Accuracy from scores",
    prompt="""
    Write `accuracy(scores, labels)`.

    - `scores`: float array of shape (N, K): logits or probabilities, larger means more likely;
    - `labels`: int array of shape (N,), the true classes;
    - returns: one float in [0, 1], the fraction of examples whose highest score is the true class.
      On a tie the first of the tied classes is the prediction, as `np.argmax` does.

    Example: `accuracy(np.array([[2., 1.], [0., 3.], [1., 0.]]), np.array([0, 1, 1]))` → `0.6667`.
    """,
    reference=_accuracy,
    cases=[
        Case(
            "three examples, two classes",
            (np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), np.array([0, 1, 1])),
        ),
        Case("5 examples of 4 classes", (_rng.normal(size=(5, 4)), np.array([0, 1, 2, 3, 0]))),
        Case("all right", (np.eye(3) * 5, np.array([0, 1, 2]))),
        Case(
            "ties: the first maximum is the prediction",
            (np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [0.0, 3.0, 3.0]]), np.array([1, 0, 2])),
        ),
    ],
    hints=[
        "The prediction for an example is the class with the largest score; count how "
        "often it equals the label.",
        "predicted = argmax over the classes (axis 1); accuracy = mean of (predicted == labels).",
        "return float((scores.argmax(axis=1) == labels).mean())",
    ],
    wrong_answers=[
        _accuracy_axis0,
        _accuracy_count,
        _accuracy_percent,
        _accuracy_argmin,
        _accuracy_any_tie,
        _accuracy_threshold,
    ],
)


# --- 03.confusion_matrix -------------------------------------------------------------------------


def _confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (labels, predicted), 1)  # unbuffered: repeated (i, j) pairs all count
    return cm


def _confusion_fancy_increment(
    labels: np.ndarray, predicted: np.ndarray, n_classes: int
) -> np.ndarray:
    # Mistake: cm[i, j] += 1 with index arrays counts each repeated (i, j) pair only once.
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    cm[labels, predicted] += 1
    return cm


def _confusion_transposed(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: rows are the predicted class; the book's rows are the true class.
    return _confusion_matrix(predicted, labels, n_classes)


def _confusion_guess_classes(
    labels: np.ndarray, predicted: np.ndarray, n_classes: int
) -> np.ndarray:
    # Mistake: counts the classes from the labels alone and drops predictions beyond them.
    c = int(labels.max()) + 1
    keep = predicted < c
    return _confusion_matrix(labels[keep], predicted[keep], c)


def _confusion_float(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: counts in a float matrix (np.zeros' default); the prompt asks for ints.
    cm = np.zeros((n_classes, n_classes))
    np.add.at(cm, (labels, predicted), 1)
    return cm


def _confusion_normalised(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    # Mistake: divides each row by its total (rates, not counts).
    cm = _confusion_matrix(labels, predicted, n_classes)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)


confusion_matrix = function_exercise(
    id="03.confusion_matrix",
    title="The confusion matrix",
    prompt="""
    Write `confusion_matrix(labels, predicted, n_classes)`.

    - `labels`, `predicted`: int arrays of shape (N,), the true and the predicted classes;
    - `n_classes`: int, the number of classes K;
    - returns: int array cm of shape (K, K); cm[i, j] counts the examples of true class i
      predicted as class j. The diagonal holds the right answers; row i sums to the
      number of examples of class i.

    Example: `confusion_matrix(np.array([0, 0, 1]), np.array([0, 1, 1]), 2)` → `[[1, 1], [0, 1]]`.
    """,
    reference=_confusion_matrix,
    cases=[
        Case(
            "labels [0, 0, 1], predicted [0, 1, 1]", (np.array([0, 0, 1]), np.array([0, 1, 1]), 2)
        ),
        Case(
            "repeated pairs",
            (np.array([2, 2, 2, 0, 1, 1]), np.array([2, 2, 0, 0, 1, 1]), 3),
        ),
        Case(
            "a class that is only ever predicted",
            (np.array([0, 1, 0, 1]), np.array([0, 3, 3, 1]), 4),
        ),
        Case(
            "20 examples of 5 classes",
            (_rng.integers(0, 5, size=20), _rng.integers(0, 5, size=20), 5),
        ),
    ],
    hints=[
        "Start from a K×K matrix of zeros and add 1 at (true, predicted) for every example.",
        "Beware: cm[labels, predicted] += 1 adds 1 only once per distinct (i, j) pair, "
        "however often it repeats. np.add.at adds for every occurrence, or count with "
        "np.bincount(labels * n_classes + predicted, minlength=n_classes**2).",
        "cm = np.zeros((n_classes, n_classes), dtype=int); "
        "np.add.at(cm, (labels, predicted), 1); return cm",
    ],
    wrong_answers=[
        _confusion_fancy_increment,
        _confusion_transposed,
        _confusion_guess_classes,
        _confusion_float,
        _confusion_normalised,
    ],
    check_dtype=True,
)


# --- quizzes -------------------------------------------------------------------------------------

subtract_max = Quiz(
    id="03.subtract_max",
    question="Why does a careful softmax subtract the row maximum from the logits before `exp`?",
    options=[
        "It makes the probabilities more accurate when all the logits are small",
        "Every exponent is then ≤ 0, so exp cannot overflow; softmax is unchanged",
        "Without it, the outputs of the softmax would not sum to exactly 1 in floats",
        "It centres the logits, which makes gradient descent converge faster",
    ],
    answer=1,
    explanation="softmax(z − c) = softmax(z) for any constant c (e^(−c) cancels). With "
    "c = max z, exp only ever sees numbers ≤ 0, so it returns values in (0, 1], never inf, "
    "and the largest term is e^0 = 1, so the denominator is at least 1.",
    hint="Compare softmax(z) and softmax(z − c) on paper: what happens to the factor e^(−c)?",
)

softmax_shift = Quiz(
    id="03.softmax_shift",
    question="Add the same constant c to every logit of a row. What is softmax(z + c)?",
    options=["softmax(z) + c", "e^c · softmax(z)", "softmax(z)", "softmax(z) / c"],
    answer=2,
    explanation="e^(z_k + c) / Σ_j e^(z_j + c) = e^c e^(z_k) / (e^c Σ_j e^(z_j)): the e^c "
    "cancels. Only differences between logits matter, which is also why subtracting the "
    "maximum is safe.",
    hint="Write e^(z_k + c) as e^c · e^(z_k) in both the numerator and the denominator.",
)

uniform_loss = Quiz(
    id="03.uniform_loss",
    question="An untrained 10-class classifier gives every class probability 0.1. "
    "What is its cross-entropy, in nats?",
    options=[
        "0.1 · log 10 ≈ 0.230",
        "1 − 0.1 = 0.900",
        "−log 0.1 ≈ 2.303",
        "10 · log 10 ≈ 23.03",
    ],
    answer=2,
    explanation="−log 0.1 = log 10 ≈ 2.303 for every example, so also for the mean. A "
    "freshly initialised network should start near this value; much higher means its "
    "initial logits are too large.",
    hint="The loss of one example is −log of the probability given to the true class.",
)
