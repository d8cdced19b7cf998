"""Checked exercises: one module per chapter, and the machinery that checks them.

    from dlbook.exercises import ch01
    def step(z):
        raise NotImplementedError      # the reader's code replaces this
    ch01.step_function.check(step)     # prints ✓ passed / ✗ what is wrong / · not attempted yet
    ch01.step_function.hint()          # Hint 1/3: ...   (each call the next one)
    ch01.step_function.panel(step)     # the same with Check / Hint / Solution buttons

    from dlbook import exercises
    exercises.catalog("01")            # every exercise and quiz of chapter 01
    exercises.get("01.step_function")
    exercises.show_progress()          # what you have passed so far
    exercises.set_time_limit(30)       # seconds per case (default 5; None: no limit)

Writing an exercise (in ``dlbook/exercises/chNN.py``): :func:`function_exercise`
for "write this function" exercises checked against a reference on named
:class:`Case` inputs; :class:`Exercise` with a checker built from
:mod:`dlbook.exercises.checks` for anything else; :class:`Quiz` for a question.
The machinery is introduced in chapter 00.
"""

from __future__ import annotations

from . import checks, limits, progress
from .core import (
    Case,
    CheckFailure,
    Exercise,
    Quiz,
    Result,
    Text,
    function_exercise,
)
from .index import catalog, chapter_modules, collect, get

__all__ = [
    "Case",
    "CheckFailure",
    "Exercise",
    "Quiz",
    "Result",
    "Text",
    "catalog",
    "chapter_modules",
    "checks",
    "collect",
    "function_exercise",
    "get",
    "limits",
    "progress",
    "set_time_limit",
    "show_progress",
    "summary",
]


def set_time_limit(seconds: float | None) -> None:
    """How long your function may run on one case of a check, in seconds (default 5).

    ``None`` or 0 removes the limit. The environment variable ``DLBOOK_TIME_LIMIT``
    sets the default for every kernel. A function that runs out of time is stopped,
    the check says "your function did not return within N s on case ...", and the
    kernel stays usable.

    Raises
    ------
    TypeError, ValueError
        ``seconds`` is not a number >= 0 or None.
    """
    limits.set_default_seconds(seconds)


def summary(chapter: str | int | None = None) -> progress.Summary:
    """Progress over the exercises of the book (or of one chapter), as data.

    Every exercise of :func:`catalog` in the book's order, with its best status
    from the store (``"not attempted"`` if none): ``.counts`` and ``.rows``.
    """
    return progress.summary(catalog(chapter))


def show_progress(chapter: str | int | None = None) -> None:
    """Print how many exercises you have passed, with one line per exercise.

    :func:`summary` gives the same as data (counts and rows).
    The lines hold dates, so a chapter that calls this marks the cell
    ``# NBVAL_IGNORE_OUTPUT: progress depends on the reader``.
    """
    print(summary(chapter))
