"""Checked exercises and quizzes: the machinery behind every chapter's exercises.

An :class:`Exercise` has an id (``"03.stable_softmax"``: chapter, dot, snake_case),
a prompt, a checker, tiered hints, a reference solution and a few typical wrong
answers. ``ex.check(fn)`` runs the checker on the reader's function and prints one
line; it never raises into the notebook::

    ✓ 01.step_function: passed (5 cases)
    ✗ 01.step_function: on case 'z = 0': expected 1.0 at index 0, got 0.0; max abs error 1.0 ...
    · 01.step_function: not attempted yet

How a result shows in a notebook: ``check`` prints the line and returns the
:class:`Result`; a Result as the last expression of a cell shows nothing more (it
has an empty ``_ipython_display_``), so the line appears exactly once, as a
deterministic stdout stream that strict ``nbval`` can compare. ``str(result)`` is
the line. ``evaluate`` gives the same Result without printing or recording.

Chapter modules ``dlbook.exercises.chNN`` define exercises at module level;
:func:`~dlbook.exercises.index.catalog` finds them. :class:`Result` and
:class:`Text` live in :mod:`dlbook.exercises.results`. The machinery is introduced in chapter 00.
"""

from __future__ import annotations

import copy
import inspect
import re
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import checks, limits, progress
from .checks import CheckFailure, NotAttempted
from .results import Result, Text

__all__ = [
    "Case",
    "CheckFailure",
    "Exercise",
    "Quiz",
    "Result",
    "Text",
    "function_exercise",
]

#: A typical wrong answer and what it gets wrong, for ``function_exercise(mistakes=...)``.
Mistake = tuple[Callable[..., Any], str]
_ID = re.compile(r"(\d{2})\.[a-z][a-z0-9_]*")
#: The name of a chapter's exercise module, ``chNN``.
CHAPTER_MODULE = re.compile(r"ch(\d{2})")
_MODULE = CHAPTER_MODULE
NOT_ATTEMPTED = "not attempted yet"
DEFAULT: Any = object()  # "the time limit in force", as opposed to None (no limit)
CHECK_FACTOR = 12  # the whole check may take this many times the limit of one case


def _plain_repl() -> bool:
    """True in Python's own interactive prompt, which echoes the repr of a returned value.

    There ``check`` does not print: the REPL shows the returned Result's line (its repr),
    so the line appears once. IPython and Jupyter replace ``sys.displayhook``.
    """
    return hasattr(sys, "ps1") and sys.displayhook is sys.__displayhook__


def _report(result: Result) -> None:
    """Record an attempt (unless it was no answer at all) and print the line once."""
    if result.counted:
        progress.record_result(result)
    if not _plain_repl():
        print(result, flush=True)


def _check_id(exercise_id: Any) -> str:
    if not isinstance(exercise_id, str) or not _ID.fullmatch(exercise_id):
        raise ValueError(
            f"Exercise id must look like 'NN.snake_case' (chapter number, dot, lower-case "
            f"name), e.g. '01.step_function'. Got {exercise_id!r}."
        )
    return exercise_id


def _texts(name: str, items: Any) -> tuple[str, ...]:
    if isinstance(items, str) or not all(isinstance(h, str) for h in items):
        raise TypeError(f"Exercise {name} must be a list of strings, got {items!r}.")
    return tuple(items)


# --- exercises ---------------------------------------------------------------------------------


class Exercise:
    """A checked exercise.

    Parameters
    ----------
    id : str
        ``"NN.snake_case"``; the chapter is the prefix.
    title : str
        A few words.
    prompt : str
        What to write: what the function takes and returns (shapes, dtypes) and one
        worked example. Markdown.
    reference : callable
        The reference solution (what :meth:`solution` shows; tests check it passes).
    checker : callable
        ``checker(fn) -> None | str``; raises :class:`CheckFailure` with a
        reader-facing message when ``fn`` is wrong. A returned string is shown after
        "passed" (``"passed (5 cases)"``). Use :func:`checks.call` to call ``fn``.
    hints : list of str
        Tiered: the idea, then the formula, then the shape of the code.
    wrong_answers : list of callable
        Typical mistakes; tests check that each one fails.
    """

    def __init__(
        self,
        id: str,  # the book's word for it
        title: str,
        prompt: str,
        reference: Callable[..., Any],
        checker: Callable[[Any], str | None],
        hints: Sequence[str] = (),
        wrong_answers: Sequence[Callable[..., Any]] = (),
    ) -> None:
        self.id = _check_id(id)
        if not callable(reference):
            raise TypeError(f"Exercise {id}: reference must be callable, got {reference!r}.")
        if not callable(checker):
            raise TypeError(f"Exercise {id}: checker must be callable, got {checker!r}.")
        self.title = str(title)
        self.prompt = textwrap.dedent(str(prompt)).strip()
        self.reference = reference
        self.checker = checker
        self.hints = _texts("hints", hints)
        self.wrong_answers = tuple(wrong_answers)
        self._hints_shown = 0

    @property
    def chapter(self) -> str:
        """``"01"`` for ``"01.step_function"``."""
        return self.id.split(".")[0]

    def __repr__(self) -> str:
        return f"<Exercise {self.id}: {self.title}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(f"{self.id} · {self.title}\n\n{self.prompt}")

    # --- checking -------------------------------------------------------------------------------

    def evaluate(self, fn: Any, *, time_limit: float | None | object = DEFAULT) -> Result:
        """Check ``fn`` and return the :class:`Result`, without printing or recording.

        Each case may run ``time_limit`` seconds (default: ``exercises.set_time_limit``,
        else 5 s; ``None`` for no limit), the whole check ``CHECK_FACTOR`` times that.
        The checker's own arithmetic runs under a fixed NumPy error state (all
        ignored), whatever ``np.seterr`` the reader set.
        """
        if fn is None or fn is Ellipsis:
            return Result(self.id, "not attempted", NOT_ATTEMPTED)
        if not callable(fn):
            return Result(
                self.id,
                "failed",
                f"expected a function, got {type(fn).__name__} (pass your function's name "
                f"without calling it: {self._handle()}.check(my_function)); "
                "not counted as an attempt",
                counted=False,
            )
        if time_limit is DEFAULT:
            return self._evaluate(fn)
        with limits.per_case(time_limit):  # type: ignore[arg-type]
            return self._evaluate(fn)

    def _evaluate(self, fn: Any) -> Result:
        per_case = limits.default_seconds()
        whole = None if per_case is None else CHECK_FACTOR * per_case

        def run_checker() -> Any:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return self.checker(fn)

        try:
            detail = limits.run(run_checker, whole)
        except (NotAttempted, NotImplementedError):
            return Result(self.id, "not attempted", NOT_ATTEMPTED)
        except CheckFailure as exc:
            return self._failed(str(exc))
        except limits.TimeLimitExceeded as exc:
            return self._failed(
                f"the check did not finish within {limits.format_seconds(exc.seconds)} "
                f"({CHECK_FACTOR} times the limit of one case): code of yours that the "
                "check runs between cases (a backward() you defined, say) does not end"
            )
        except limits.PASS_THROUGH:
            raise
        except BaseException as exc:  # outside checks.call, sys.exit() too: never into the notebook
            return self._failed(f"the check stopped with {type(exc).__name__}: {exc}")
        return Result(self.id, "passed", f"passed ({detail})" if detail else "passed")

    def check(self, fn: Any = None, *, time_limit: float | None | object = DEFAULT) -> Result:
        """Check the reader's function, print one line, record the attempt, return the Result.

        Never raises: the reader's exceptions (``sys.exit()`` too), wrong types, wrong
        shapes and a function that does not return in time become a failed result
        whose message names the case. ``None``, ``...`` or a function that raises
        ``NotImplementedError`` (the shipped stub) is "not attempted". Only
        ``KeyboardInterrupt`` (the kernel's Stop button) goes through.
        ``time_limit``: seconds per case, as in :meth:`evaluate`.
        """
        result = self.evaluate(fn, time_limit=time_limit)
        _report(result)
        return result

    def _failed(self, message: str) -> Result:
        return Result(
            self.id, "failed", message, f"Try {self._handle()}.hint()" if self.hints else ""
        )

    def _handle(self) -> str:
        """How the reader reaches this exercise: ``ch01.step_function`` when it can be found."""
        module = sys.modules.get(getattr(self.reference, "__module__", "") or "")
        if module is not None and _MODULE.fullmatch(module.__name__.rsplit(".", 1)[-1]):
            for name, value in vars(module).items():
                if value is self:
                    return f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
        return f'exercises.get("{self.id}")'

    # --- help -----------------------------------------------------------------------------------

    def hint(self, level: int | None = None) -> Text:
        """The next hint (``"Hint 1/3: ..."``); ``level=`` (1-based) picks one.

        Raises
        ------
        ValueError
            ``level`` is not between 1 and the number of hints.
        """
        n = len(self.hints)
        if n == 0:
            return Text(f"{self.id} has no hints; .solution() shows a reference solution.")
        if level is None:
            level = min(self._hints_shown + 1, n)
        elif isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= n:
            raise ValueError(f"hint: level must be an int from 1 to {n}, got {level!r}.")
        self._hints_shown = max(self._hints_shown, level)
        text = f"Hint {level}/{n}: {self.hints[level - 1]}"
        if level == n:
            text += "\n(That was the last hint; .solution() shows a reference solution.)"
        return Text(text)

    def solution(self, like: Any = None) -> Text:
        """The source of the reference solution, dedented, under the reader's function name.

        ``like`` is the reader's function (or its name): the solution is shown as
        ``def step(z):`` when the reader wrote ``step``, not under the package's private
        name. Without it, the reference's name loses its leading underscores.
        """
        ref_name = getattr(self.reference, "__name__", "")
        try:
            source = textwrap.dedent(inspect.getsource(self.reference)).rstrip("\n")
        except (OSError, TypeError):
            name = getattr(self.reference, "__qualname__", type(self.reference).__name__)
            return Text(f"(the source of {name} is not available)")
        new_name = _reader_name(like) or ref_name.lstrip("_")
        if ref_name.isidentifier() and new_name and new_name != ref_name:
            source = re.sub(rf"(?<![\w.]){re.escape(ref_name)}(?!\w)", new_name, source)
        return Text(source)

    def panel(self, fn: Any = None) -> Any:
        """:meth:`check`, then the panel: prompt, **Check** / **Hint** / **Solution** buttons.

        The one call a chapter makes: the printed check line is the plain result that
        scripts, ``dlbook grade`` and strict ``nbval`` read; the panel below it is for the
        reader. The buttons call :meth:`evaluate`, :meth:`hint` and :meth:`solution`
        (hints are counted per panel); the returned ``VBox`` has ``.check_button``,
        ``.hint_button``, ``.solution_button`` and ``.output``. Without ipywidgets it
        says how to get hints and returns ``None``. Re-run the cell after editing ``fn``.
        """
        from .widgets import exercise_panel  # ipywidgets is optional

        self.check(fn)
        return exercise_panel(self, fn)


@dataclass
class Case:
    """One hidden input of a :func:`function_exercise`: a name the reader sees, and arguments.

    ``args`` is the tuple of positional arguments: ``Case("z = 0", (np.array([0.0]),))``.
    """

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.args, tuple):
            raise TypeError(
                f"Case {self.name!r}: args must be a tuple of positional arguments, e.g. "
                f"(x,) with the comma, got {type(self.args).__name__}."
            )
        if not isinstance(self.kwargs, dict):
            raise TypeError(f"Case {self.name!r}: kwargs must be a dict, got {self.kwargs!r}.")


def changed_argument(before: Any, args: tuple, kwargs: dict, names: list) -> str:
    """The name of the first argument the reader's function changed in place, or ''."""
    b_args, b_kwargs = before
    for i, (old, new) in enumerate(zip(b_args, args, strict=True)):
        if not checks.same_value(old, new):
            return f"`{names[i]}`" if i < len(names) else f"argument {i + 1}"
    for key in kwargs:
        if not checks.same_value(b_kwargs[key], kwargs[key]):
            return f"`{key}`"
    return ""


def function_exercise(
    id: str,
    title: str,
    prompt: str,
    reference: Callable[..., Any],
    cases: Sequence[Case],
    hints: Sequence[str] = (),
    wrong_answers: Sequence[Callable[..., Any]] = (),
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    check_dtype: bool = False,
    compare: Callable[..., None] | None = None,
    check_mutation: bool = True,
    mistakes: Sequence[Mistake] = (),
) -> Exercise:
    """An exercise whose answer is a function, checked against ``reference`` on ``cases``.

    For each case, the reference and the reader's function are called on separate
    deep copies of the arguments. The check fails when the reader's function raises,
    cannot take the arguments, changes an argument in place (unless
    ``check_mutation=False``), or returns something else than the reference:
    compared by :func:`checks.expect_output` (arrays, numbers, tuples and dicts of
    them) with ``rtol``/``atol`` and, if ``check_dtype``, the dtype kind.

    Parameters
    ----------
    compare : callable, optional
        ``compare(got, expected, case=name)`` replaces the comparison; it raises
        :class:`CheckFailure` on a wrong output.
    mistakes : sequence of (function, message) pairs
        Typical wrong answers with what they get wrong. When the reader's output
        is wrong and equals what one of them gives on the case, the failure message
        is that mistake's message (a mistake that raises on a case is not the
        reader's there). They are also ``wrong_answers``, which a test checks are
        rejected.

    Returns
    -------
    Exercise
        Whose passed message counts the cases: ``"passed (5 cases)"``.

    Raises
    ------
    ValueError
        No cases.
    TypeError
        A case is not a :class:`Case`.
    """
    cases = list(cases)
    if not cases:
        raise ValueError(f"function_exercise {id}: give at least one Case in cases.")
    for c in cases:
        if not isinstance(c, Case):
            raise TypeError(f"function_exercise {id}: cases must be Case objects, got {c!r}.")
    try:
        names = list(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        names = []

    def checker(fn: Callable[..., Any]) -> str:
        for case in cases:
            expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
            before = copy.deepcopy((args, kwargs))
            got = checks.call(fn, *args, case=case.name, like=reference, **kwargs)
            changed = changed_argument(before, args, kwargs, names) if check_mutation else ""
            if changed:
                raise CheckFailure(
                    f"on case '{case.name}': your function changed its input {changed} in "
                    "place; leave the inputs as they are and return a new array "
                    "(work on a copy, x = x.copy(), or use np.where / np.maximum)"
                )
            try:
                if compare is not None:
                    compare(got, expected, case=case.name)
                else:
                    checks.expect_output(
                        got, expected, case=case.name, rtol=rtol, atol=atol, check_dtype=check_dtype
                    )
            except CheckFailure:
                diagnosis = _diagnosis(mistakes, case, got, rtol, atol)
                if diagnosis:
                    raise CheckFailure(f"on case '{case.name}': {diagnosis}") from None
                raise
        return f"{len(cases)} case{'s' if len(cases) != 1 else ''}"

    checker.__qualname__ = checker.__name__ = f"check_{id.split('.')[-1]}"
    wrong = (*wrong_answers, *(m for m, _ in mistakes))
    return Exercise(id, title, prompt, reference, checker, hints, wrong)


def _diagnosis(
    mistakes: Sequence[tuple[Callable[..., Any], str]],
    case: Case,
    got: Any,
    rtol: float,
    atol: float,
) -> str:
    """The message of the first mistake that gives the reader's output on ``case``, or ''."""
    for mistake, message in mistakes:
        try:
            with np.errstate(all="ignore"):
                wrong = mistake(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            checks.expect_output(got, wrong, rtol=rtol, atol=atol)
        except Exception:  # not this mistake: it differs, or cannot run on this case
            continue
        return message
    return ""


# --- quizzes -----------------------------------------------------------------------------------


def _short_title(question: str, limit: int = 100) -> str:
    """A quiz's one-line title: the question on one line, shortened at a word."""
    text = " ".join(question.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


class Quiz:
    """A multiple-choice question.

    Parameters
    ----------
    id : str
        ``"NN.snake_case"``.
    question : str
        Markdown.
    options : list of str
        At least two.
    answer : int
        Index of the right option (0-based, as printed).
    explanation : str
        Why the right answer is right; shown when the reader gets it.
    hint : str, optional
        A nudge shown with a wrong choice.
    title : str, optional
        Defaults to the question's first line.
    """

    def __init__(
        self,
        id: str,
        question: str,
        options: Sequence[str],
        answer: int,
        explanation: str,
        hint: str | None = None,
        title: str | None = None,
    ) -> None:
        self.id = _check_id(id)
        self.question = textwrap.dedent(str(question)).strip()
        self.options = _texts("options", options)
        if len(self.options) < 2:
            raise ValueError(f"Quiz {id}: give at least two options, got {len(self.options)}.")
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise TypeError(f"Quiz {id}: answer must be an option index (int), got {answer!r}.")
        if not 0 <= answer < len(self.options):
            raise ValueError(
                f"Quiz {id}: answer must be an index from 0 to {len(self.options) - 1}, "
                f"got {answer}."
            )
        self.answer = answer
        self.explanation = str(explanation)
        self.hints = (hint,) if hint else ()
        self.title = title or _short_title(self.question)

    @property
    def chapter(self) -> str:
        return self.id.split(".")[0]

    @property
    def prompt(self) -> str:
        """The question with its numbered options."""
        lines = [self.question, ""] + [f"  {i}) {o}" for i, o in enumerate(self.options)]
        return "\n".join(lines)

    @property
    def reference(self) -> int:
        """The right answer's index (so that tests treat quizzes like exercises)."""
        return self.answer

    @property
    def wrong_answers(self) -> tuple[int, ...]:
        """The indices of the other options."""
        return tuple(i for i in range(len(self.options)) if i != self.answer)

    def __repr__(self) -> str:
        return f"<Quiz {self.id}: {self.title}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.prompt + "\n\nAnswer with .check(number) or .check('option text').")

    def evaluate(self, choice: Any) -> Result:
        """The :class:`Result` of a choice (index or option text), without printing or recording."""
        if choice is None or choice is Ellipsis:
            return Result(self.id, "not attempted", NOT_ATTEMPTED)
        n = len(self.options)
        if isinstance(choice, str):
            wanted = " ".join(choice.split()).casefold()
            matches = [
                i for i, o in enumerate(self.options) if " ".join(o.split()).casefold() == wanted
            ]
            if not matches:
                return Result(
                    self.id,
                    "failed",
                    f"{choice!r} is not one of the options; give its number (0 to {n - 1}); "
                    "not counted as an attempt",
                    counted=False,
                )
            index = matches[0]
        elif isinstance(choice, bool) or not hasattr(choice, "__index__"):
            return Result(
                self.id,
                "failed",
                f"expected an option number (0 to {n - 1}) or its text, "
                f"got {type(choice).__name__}; not counted as an attempt",
                counted=False,
            )
        else:
            index = int(choice.__index__())
            if not 0 <= index < n:
                return Result(
                    self.id,
                    "failed",
                    f"choose an option number from 0 to {n - 1}, got {index}; "
                    "not counted as an attempt",
                    counted=False,
                )
        if index == self.answer:
            return Result(self.id, "passed", f"right: {self.explanation}")
        nudge = self.hints[0] if self.hints else "Read the question again and try another option."
        return Result(
            self.id,
            "failed",
            f"option {index} ({self.options[index]!r}) is not the answer. {nudge}",
        )

    def check(self, choice: Any = None) -> Result:
        """Check a choice, print one line, record the attempt, return the Result. Never raises."""
        result = self.evaluate(choice)
        _report(result)
        return result

    def hint(self, level: int | None = None) -> Text:
        """The quiz's nudge (quizzes have at most one hint)."""
        if not self.hints:
            return Text(f"{self.id} has no hint.")
        return Text(f"Hint 1/1: {self.hints[0]}")

    def solution(self) -> Text:
        """The right option and why."""
        return Text(f"Answer {self.answer}) {self.options[self.answer]}\n{self.explanation}")

    def panel(self, choice: Any = None) -> Any:
        """:meth:`check` of ``choice``, then the question with radio buttons and **Check**.

        The one call a chapter makes (``quiz.panel()``, or ``quiz.panel(2)`` to answer in
        code): the printed line is the plain result for scripts, grading and ``nbval``.
        A valid ``choice`` is preselected. The returned ``VBox`` has ``.radio``,
        ``.check_button``, ``.hint_button``, ``.solution_button`` and ``.output``; **Check**
        with nothing chosen asks the reader to choose. Without ipywidgets it prints the
        question and how to answer, and returns ``None``.
        """
        from .widgets import quiz_panel

        result = self.check(choice)
        index = None
        if result.counted and choice is not None and choice is not Ellipsis:
            index = self.answer if result.passed else _option_index(self, choice)
        return quiz_panel(self, index)


def _option_index(quiz: Quiz, choice: Any) -> int | None:
    """The index a valid choice names (an index or an option's text), else None."""
    if isinstance(choice, str):
        wanted = " ".join(choice.split()).casefold()
        for i, o in enumerate(quiz.options):
            if " ".join(o.split()).casefold() == wanted:
                return i
        return None
    if isinstance(choice, bool) or not hasattr(choice, "__index__"):
        return None
    index = int(choice.__index__())
    return index if 0 <= index < len(quiz.options) else None


def _reader_name(like: Any) -> str:
    """The name of the reader's function (or a name given as text), if it is a usable one."""
    name = like if isinstance(like, str) else getattr(like, "__name__", "")
    return name if isinstance(name, str) and name.isidentifier() else ""
