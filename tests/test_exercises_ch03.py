"""Chapter 03's exercises: each typical mistake is caught on the case that exposes it.

The catalogue test (test_exercises_catalog.py) checks that every reference passes and
every wrong answer fails. Here we check *why* they fail (the message names the case that
a reader can act on) and that correct answers written differently from the reference pass.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.exercises import ch03


@pytest.fixture(autouse=True)
def _isolated_progress(dlbook_home):
    """Keep the readers' progress file out of the real data directory."""


# (exercise, wrong answer's name, words its failure message must contain)
EXPECTED_FAILURES = [
    ("stable_softmax", "_softmax_naive", ["large logits", "NaN/inf"]),
    ("stable_softmax", "_softmax_global_max", ["very different scales", "NaN/inf"]),
    ("stable_softmax", "_softmax_columns", ["three logits"]),
    ("log_softmax", "_log_of_softmax", ["gap of 1000", "NaN/inf"]),
    ("log_softmax", "_log_softmax_naive", ["gap of 1000", "NaN/inf"]),
    ("log_softmax", "_log_softmax_max_only", ["three logits"]),
    ("one_hot", "_one_hot_guess_classes", ["5 classes", "shape (3, 5)"]),
    ("one_hot", "_one_hot_transposed", ["shape (2, 3)"]),
    ("cross_entropy", "_cross_entropy_sum", ["batch of 4"]),
    ("cross_entropy", "_cross_entropy_no_minus", ["-0.356675"]),
    ("softmax_ce_grad", "_grad_no_mean", ["batch of 4", "finite differences"]),
    ("softmax_ce_grad", "_grad_wrong_sign", ["finite differences"]),
    ("softmax_ce_grad", "_grad_diagonal_only", ["finite differences"]),
    ("accuracy", "_accuracy_percent", ["66.6667"]),
    ("confusion_matrix", "_confusion_fancy_increment", ["repeated pairs"]),
    ("confusion_matrix", "_confusion_guess_classes", ["only ever predicted", "(4, 4)"]),
]


@pytest.mark.parametrize(("name", "wrong", "words"), EXPECTED_FAILURES)
def test_typical_mistake_fails_on_the_case_that_exposes_it(name, wrong, words):
    ex = getattr(ch03, name)
    fn = next(w for w in ex.wrong_answers if w.__name__ == wrong)
    result = ex.evaluate(fn)
    assert result.status == "failed"
    for word in words:
        assert word in result.message, result.message


def test_float32_stable_softmax_passes():
    def softmax(x):
        z = x - x.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(x.dtype)

    assert ch03.stable_softmax.evaluate(softmax).status == "passed"


def test_other_correct_ways_pass():
    def log_softmax(x):  # log-sum-exp with np.logaddexp.reduce
        return x - np.logaddexp.reduce(x, axis=1, keepdims=True)

    def one_hot(labels, n_classes):  # rows of the identity matrix
        return np.eye(n_classes)[labels]

    def confusion_matrix(labels, predicted, n_classes):  # one bincount of i*C + j
        return np.bincount(labels * n_classes + predicted, minlength=n_classes**2).reshape(
            n_classes, n_classes
        )

    def grad(x, d):  # through one-hot targets
        z = np.exp(x - x.max(axis=1, keepdims=True))
        p = z / z.sum(axis=1, keepdims=True)
        return (p - np.eye(x.shape[1])[d]) / len(x)

    assert ch03.log_softmax.evaluate(log_softmax).status == "passed"
    assert ch03.one_hot.evaluate(one_hot).status == "passed"
    assert ch03.confusion_matrix.evaluate(confusion_matrix).status == "passed"
    assert ch03.softmax_ce_grad.evaluate(grad).status == "passed"


def test_a_softmax_that_overwrites_its_input_is_told_so():
    def softmax_in_place(x):  # right numbers, but the reader's logits are gone afterwards
        x -= x.max(axis=1, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=1, keepdims=True)
        return x

    result = ch03.stable_softmax.evaluate(softmax_in_place)
    assert result.status == "failed"
    assert "changed its input `z` in place" in result.message


@pytest.mark.parametrize(
    ("quiz", "right"), [("softmax_shift", 2), ("subtract_max", 1), ("uniform_loss", 2)]
)
def test_quizzes(quiz, right):
    q = getattr(ch03, quiz)
    assert q.evaluate(right).status == "passed"
    assert q.evaluate((right + 1) % len(q.options)).status == "failed"
    assert q.evaluate(None).status == "not attempted"
