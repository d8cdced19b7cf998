"""The index of every exercise and quiz: found in the chapter modules ``exercises.chNN``.

    catalog()            # every exercise and quiz, in chapter and definition order
    catalog(chapter=3)   # chapter 03's
    get("03.stable_softmax")

Re-exported by :mod:`dlbook.exercises`. Introduced in chapter 00.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import sys
from types import ModuleType

from .core import CHAPTER_MODULE as _MODULE
from .core import Exercise, Quiz

__all__ = ["catalog", "chapter_modules", "collect", "get"]


def chapter_modules() -> dict[str, ModuleType]:
    """The chapter modules ``dlbook.exercises.chNN`` present, imported, by chapter ``"NN"``."""
    package = sys.modules[__name__.rsplit(".", 1)[0]]
    names = sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if _MODULE.fullmatch(m.name)
    )
    return {n[2:]: importlib.import_module(f"{package.__name__}.{n}") for n in names}


def collect(module: ModuleType) -> list[Exercise | Quiz]:
    """The exercises and quizzes defined at a module's top level, in definition order."""
    seen: set[int] = set()
    found: list[Exercise | Quiz] = []
    for value in vars(module).values():
        if isinstance(value, (Exercise, Quiz)) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    return found


def _unique(items: list[tuple[str, Exercise | Quiz]]) -> None:
    """Raise ValueError if two exercises share an id (``items``: (module name, exercise))."""
    where: dict[str, str] = {}
    for module_name, ex in items:
        if ex.id in where:
            raise ValueError(
                f"Duplicate exercise id {ex.id!r}: defined in {where[ex.id]} and in "
                f"{module_name}. Give each exercise its own id."
            )
        where[ex.id] = module_name


def _chapter_key(chapter: str | int) -> str:
    text = str(chapter).strip()
    text = text[2:] if text.startswith("ch") else text
    if not text.isdigit() or isinstance(chapter, bool):
        raise ValueError(f"catalog: chapter must be a number like '01' or 1, got {chapter!r}.")
    return f"{int(text):02d}"


def catalog(chapter: str | int | None = None) -> list[Exercise | Quiz]:
    """Every exercise and quiz of the book, in chapter and definition order.

    Parameters
    ----------
    chapter : str or int, optional
        ``"01"`` or ``1``: only that chapter's.

    Raises
    ------
    ValueError
        Two exercises share an id, or ``chapter`` is not a chapter number.
    """
    key = None if chapter is None else _chapter_key(chapter)
    items = [(m.__name__, ex) for m in chapter_modules().values() for ex in collect(m)]
    _unique(items)
    return [ex for _, ex in items if key is None or ex.chapter == key]


def get(exercise_id: str) -> Exercise | Quiz:
    """The exercise or quiz with this id.

    Raises
    ------
    KeyError
        No such id; the message names the closest ids.
    """
    everything = catalog()
    for ex in everything:
        if ex.id == exercise_id:
            return ex
    ids = [ex.id for ex in everything]
    close = difflib.get_close_matches(str(exercise_id), ids, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else f" There are {len(ids)} exercises."
    raise KeyError(f"No exercise {exercise_id!r}.{hint}")
