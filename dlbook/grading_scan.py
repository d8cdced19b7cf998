"""A learner's notebook read for ``dlbook grade``: its chapter, the function each exercise checks.

``ch01.step_function.check(step)`` in a code cell means exercise ``01.step_function``
is graded on ``step``; read with ``ast``, never run. Re-exported by
:mod:`dlbook.grading`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["book_chapter", "find_checked_arguments", "guess_chapter"]

_CHAPTER_FILE = re.compile(r"^(\d{2})[_.\-]")
_CHAPTER_MODULE = re.compile(r"ch(\d{2})")


def _code_cells(nb: Any) -> Iterable[str]:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            yield "".join(source) if isinstance(source, list) else str(source)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:  # IPython syntax (%magics, !shell): what the kernel would run
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))
    except Exception:
        return None


def _argument_text(node: ast.expr) -> str | None:
    """The argument as the grader accepts it: a plain name, or a literal (a quiz answer)."""
    if isinstance(node, ast.Name):
        return node.id
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None  # an expression (ch01.step_function.reference, lambda ...): not accepted
    return ast.unparse(node)


def find_checked_arguments(nb: Any) -> dict[str, str]:
    """``{exercise id: argument}`` from the ``chNN.<name>.check(arg)`` / ``.panel(arg)`` calls.

    Also ``exercises.get("01.step").check(arg)``. The argument is kept only when it
    is a plain name (``step``) or a literal (``2``, ``None``); the last call wins.
    Exercises whose module or name is unknown are left out.
    """
    from . import exercises

    modules = exercises.chapter_modules()
    found: dict[str, str] = {}
    for source in _code_cells(nb):
        tree = _parse(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("check", "panel", "evaluate")
            ):
                continue
            ex_id = _exercise_of(node.func.value, modules)
            if ex_id is None:
                continue
            arg = _argument_text(node.args[0]) if node.args else "None"
            if arg is not None:
                found[ex_id] = arg
    return found


def _exercise_of(target: ast.expr, modules: dict[str, Any]) -> str | None:
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and (m := _CHAPTER_MODULE.fullmatch(target.value.id))
    ):
        ex = getattr(modules.get(m.group(1)), target.attr, None)
        return getattr(ex, "id", None)
    if (
        isinstance(target, ast.Call)
        and isinstance(target.func, ast.Attribute)
        and target.func.attr == "get"
        and target.args
        and isinstance(target.args[0], ast.Constant)
        and isinstance(target.args[0].value, str)
    ):
        return target.args[0].value
    return None


def book_chapter(chapter: str) -> Path | None:
    """The book's own copy of chapter ``NN`` (in a clone of the repository), if there is one."""
    folder = Path(__file__).resolve().parents[1] / "chapters"
    found = sorted(folder.glob(f"{chapter}_*.ipynb")) if folder.is_dir() else []
    return found[0] if found else None


def guess_chapter(path: Path, nb: Any) -> str | None:
    """``"01"`` from the file name (``01_perceptron.ipynb``), else from the ``chNN`` it uses."""
    m = _CHAPTER_FILE.match(path.name)
    if m:
        return m.group(1)
    counts: dict[str, int] = {}
    for source in _code_cells(nb):
        for hit in re.findall(r"\bch(\d{2})\.[a-z_][a-z0-9_]*\.(?:check|panel)\(", source):
            counts[hit] = counts.get(hit, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
