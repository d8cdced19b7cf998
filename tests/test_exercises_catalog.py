"""Every exercise of the book: references pass, typical wrong answers fail, help is there.

Parametrised over ``exercises.catalog()`` (whatever chapter modules exist) plus three
example exercises defined below, so that the checks are exercised even before any
chapter module exists. The examples show the three kinds a chapter writes: a
``function_exercise``, an ``Exercise`` with a hand-written checker, and a ``Quiz``.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from dlbook import exercises
from dlbook.exercises import Case, Exercise, Quiz, checks, function_exercise

# --- the example "chapter 99" -------------------------------------------------------------------


def _relu_reference(z):
    return np.maximum(z, 0.0)


def _relu_in_place(z):
    z[z < 0] = 0.0  # the DLFS bug: changes the caller's array
    return z


def _relu_abs(z):
    return np.abs(z)


def _relu_list(z):
    return [max(v, 0.0) for v in z.ravel()]  # flattens: wrong shape for 2-D input


example_relu = function_exercise(
    id="99.relu",
    title="ReLU",
    prompt="Write `relu(z)`: takes an array of any shape, returns max(z, 0) elementwise "
    "(same shape, float). Example: relu(np.array([-1., 2.])) -> [0., 2.]",
    reference=_relu_reference,
    cases=[
        Case("mixed signs", (np.array([-1.0, 0.0, 2.0]),)),
        Case("a 2x2 matrix", (np.array([[-3.0, 1.0], [0.5, -0.5]]),)),
    ],
    hints=["Negative values become 0.", "relu(z) = max(z, 0)", "np.maximum(z, 0.0)"],
    wrong_answers=[_relu_in_place, _relu_abs, _relu_list],
)


def _sigmoid_grad_reference(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def _sigmoid_grad_missing_factor(x):
    return 1 / (1 + np.exp(-x))


def _sigmoid_grad_sign(x):
    s = 1 / (1 + np.exp(-x))
    return s * (s - 1)


def _check_sigmoid_grad(fn):
    def f(x):
        return np.sum(1 / (1 + np.exp(-x)))

    x = np.array([-2.0, -0.5, 0.0, 1.5])
    err = checks.expect_close_gradient(fn, f, x, case="four points", tol=1e-6)
    return f"max relative error {err:.0e}"


example_sigmoid_grad = Exercise(
    id="99.sigmoid_grad",
    title="The derivative of the sigmoid",
    prompt="Write `sigmoid_grad(x)`: the derivative of the sigmoid at each entry of x, same shape.",
    reference=_sigmoid_grad_reference,
    checker=_check_sigmoid_grad,
    hints=[
        "Differentiate 1 / (1 + e^-x).",
        "σ'(x) = σ(x)(1 − σ(x))",
        "s = ...; return s * (1 - s)",
    ],
    wrong_answers=[_sigmoid_grad_missing_factor, _sigmoid_grad_sign],
)

example_quiz = Quiz(
    id="99.relu_quiz",
    question="What is relu(-2)?",
    options=["-2", "0", "2"],
    answer=1,
    explanation="relu keeps positives and maps negatives to 0.",
)

EXAMPLES = exercises.collect(sys.modules[__name__])
ALL = exercises.catalog() + EXAMPLES
CODE = [ex for ex in ALL if isinstance(ex, Exercise)]


@pytest.fixture(autouse=True)
def _private_home(dlbook_home):
    """Checks may record progress: keep it out of the reader's files."""
    return dlbook_home


def _ids(ex):
    return ex.id


# --- every exercise ----------------------------------------------------------------------------


def test_examples_are_collected():
    assert [ex.id for ex in EXAMPLES] == ["99.relu", "99.sigmoid_grad", "99.relu_quiz"]


@pytest.mark.parametrize("ex", ALL, ids=_ids)
def test_reference_passes(ex):
    result = ex.evaluate(ex.reference)
    assert result.status == "passed", str(result)
    assert str(result).startswith(f"✓ {ex.id}: ")


@pytest.mark.parametrize("ex", ALL, ids=_ids)
def test_every_wrong_answer_fails(ex):
    assert ex.wrong_answers, f"{ex.id} has no wrong answers"
    for i, wrong in enumerate(ex.wrong_answers):
        result = ex.evaluate(wrong)
        assert result.status == "failed", f"{ex.id}: wrong answer {i} ({wrong!r}) gave {result}"
        assert result.message.strip(), f"{ex.id}: wrong answer {i} failed without a message"


@pytest.mark.parametrize("ex", CODE, ids=_ids)
def test_code_exercise_has_two_wrong_answers_and_hints(ex):
    assert len(ex.wrong_answers) >= 2, f"{ex.id}: give at least two typical wrong answers"
    assert len(ex.hints) >= 2, f"{ex.id}: give at least two hints (idea, formula, code shape)"
    assert all(h.strip() for h in ex.hints)


@pytest.mark.parametrize("ex", CODE, ids=_ids)
def test_code_exercise_solution_is_shown(ex):
    assert "(the source of" not in ex.solution(), f"{ex.id}: reference source not found"


@pytest.mark.parametrize("ex", ALL, ids=_ids)
def test_prompt_and_title(ex):
    assert ex.prompt.strip() and ex.title.strip()


@pytest.mark.parametrize("ex", CODE, ids=_ids)
def test_stub_and_garbage_never_raise(ex):
    def stub(*args, **kwargs):
        raise NotImplementedError

    assert ex.evaluate(stub).status == "not attempted"
    assert ex.evaluate(None).message == "not attempted yet"
    assert ex.evaluate(3).message.startswith("expected a function, got int")
    assert not ex.evaluate(3).counted  # shown, not recorded as an attempt
    for garbage in (lambda *a, **k: None, lambda *a, **k: "text", lambda *a, **k: 1 / 0):
        assert ex.evaluate(garbage).status == "failed"


@pytest.mark.parametrize("ex", ALL, ids=_ids)
def test_evaluation_is_deterministic(ex):
    """Stored notebook outputs are compared exactly: the same answer gives the same line."""
    wrong = ex.wrong_answers[0]
    assert str(ex.evaluate(wrong)) == str(ex.evaluate(wrong))


# --- the book's structure ----------------------------------------------------------------------


def test_catalog_ids_are_unique_and_well_formed():
    ids = [ex.id for ex in exercises.catalog()]
    assert len(ids) == len(set(ids))
    for key, module in exercises.chapter_modules().items():
        for ex in exercises.collect(module):
            assert ex.chapter == key, f"{ex.id} is defined in {module.__name__}"
        assert [ex.id for ex in exercises.catalog(key)] == [
            ex.id for ex in exercises.collect(module)
        ]


def test_each_chapter_present_has_five_code_exercises():
    for key, module in exercises.chapter_modules().items():
        code = [ex for ex in exercises.collect(module) if isinstance(ex, Exercise)]
        assert len(code) >= 5, f"chapter {key} has {len(code)} code exercises; DESIGN §4 asks 5"


def test_get_finds_every_exercise():
    for ex in exercises.catalog():
        assert exercises.get(ex.id) is ex


# --- the review of chapters 00-04 (issue 14): checkers tested by students' mistakes -------------

# Chapters whose checkers and quizzes have been reviewed; later chapters join when reviewed.
REVIEWED = ("00", "01", "02", "03", "04", "05", "06", "07", "08")
REVIEWED_CODE = [ex for ex in CODE if ex.chapter in REVIEWED]
REVIEWED_QUIZZES = [q for q in ALL if isinstance(q, Quiz) and q.chapter in REVIEWED]


@pytest.mark.parametrize("ex", REVIEWED_CODE, ids=_ids)
def test_reviewed_exercise_has_four_wrong_answers(ex):
    """STYLE: each exercise lists the plausible wrong answers, each with a case that catches it."""
    assert len(ex.wrong_answers) >= 4, f"{ex.id}: {len(ex.wrong_answers)} wrong answers, want 4"
    names = [getattr(w, "__name__", repr(w)) for w in ex.wrong_answers]
    assert len(set(names)) == len(names), f"{ex.id}: a wrong answer is listed twice"


def _option_lengths(q):
    lengths = [len(" ".join(o.split())) for o in q.options]
    right = lengths[q.answer]
    others = [n for i, n in enumerate(lengths) if i != q.answer]
    return right, others


@pytest.mark.parametrize("q", REVIEWED_QUIZZES, ids=_ids)
def test_quiz_right_option_is_not_conspicuously_long(q):
    """The right option is at most a quarter longer than the others on average (+ 5 chars)."""
    right, others = _option_lengths(q)
    mean = sum(others) / len(others)
    assert right <= 1.25 * mean + 5, (
        f"{q.id}: the right option has {right} characters, the others {others}; make the "
        "options alike in length and tone"
    )


def test_right_option_is_not_systematically_the_longest():
    """Over the reviewed quizzes whose options differ in length, the right one is the strictly
    longest in at most a third of them (chance alone, with four options, gives a quarter)."""
    differ = [q for q in REVIEWED_QUIZZES if len(set(_option_lengths(q)[1])) + 1 > 1]
    longest = [q.id for q in differ if _option_lengths(q)[0] > max(_option_lengths(q)[1])]
    assert len(differ) >= 10
    assert len(longest) <= len(differ) / 3, f"the right option is the longest in {longest}"


def test_dtype_the_prompt_states_is_enforced():
    """A float32 softmax must stay float32; a one-hot or step must be float; counts are ints."""
    from dlbook.exercises import ch00, ch01, ch03

    assert (
        ch03.stable_softmax.evaluate(lambda x: ch03._stable_softmax(x.astype("float64"))).status
        == "failed"
    )
    assert ch01.step_function.evaluate(lambda z: z >= 0).status == "failed"
    assert ch03.confusion_matrix.evaluate(ch03._confusion_float).status == "failed"
    assert ch00.mp_fire.evaluate(ch00._mp_fire_bool).status == "failed"
    assert ch00.gflops.evaluate(lambda m, k, n, s: int(2 * m * k * n / s / 1e9)).status == "failed"
