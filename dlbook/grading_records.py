"""The grades of ``dlbook grade``: one record per exercise and notebook, the exit code, the table.

Re-exported by :mod:`dlbook.grading`. Built for instructors; see the README
("Grading a class").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ExerciseGrade", "NotebookGrade", "exit_code", "format_table", "records"]

_MARK = {"passed": "✓", "failed": "✗", "not attempted": "·", "not graded": "?"}


@dataclass
class ExerciseGrade:
    """One exercise of one notebook: ``id`` (``"01.step_function"``), ``status`` and ``message``."""

    id: str
    status: str
    message: str = ""
    argument: str = ""  # the name (or literal) graded: "step", "2"


@dataclass
class NotebookGrade:
    """One notebook: how its run went and its exercises.

    ``status`` is ``"ran"`` (every cell was executed; some may have raised, counted in
    ``cell_errors``), ``"timed out"``, ``"kernel died"`` or ``"could not run"``.
    """

    path: str
    chapter: str = ""
    status: str = "could not run"
    message: str = ""
    seconds: float = 0.0
    cells: int = 0
    cells_run: int = 0
    cell_errors: int = 0
    exercises: list[ExerciseGrade] = field(default_factory=list)

    @property
    def ran(self) -> bool:
        return self.status == "ran"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NotebookGrade:
        exercises = [ExerciseGrade(**e) for e in data.get("exercises", [])]
        fields = {k: v for k, v in data.items() if k != "exercises"}
        return cls(**fields, exercises=exercises)


def exit_code(reports: Sequence[NotebookGrade]) -> int:
    """0: all ran, none failed; 1: an exercise failed; 2: a notebook could not run."""
    if any(not r.ran for r in reports):
        return 2
    if any(e.status == "failed" for r in reports for e in r.exercises):
        return 1
    return 0


def records(reports: Sequence[NotebookGrade]) -> list[dict[str, Any]]:
    """One flat record per exercise per notebook: ``notebook``, ``id``, ``status``, ``message``."""
    return [
        {"notebook": r.path, "id": e.id, "status": e.status, "message": e.message}
        for r in reports
        for e in r.exercises
    ]


def format_table(reports: Sequence[NotebookGrade], width: int = 100) -> str:
    """The terminal report: per notebook a heading, then one line per exercise, then a total."""
    lines = []
    id_width = max((len(e.id) for r in reports for e in r.exercises), default=10)
    for r in reports:
        head = f"{r.path}  [chapter {r.chapter or '?'}, {r.status}, {r.seconds:.1f} s"
        if r.cell_errors:
            head += f", {r.cell_errors} cell{'s' if r.cell_errors != 1 else ''} raised"
        lines.append(head + "]")
        if r.message:
            lines.append(f"  ! {r.message}")
        for e in r.exercises:
            text = f"  {_MARK.get(e.status, '?')} {e.id:<{id_width}}  {e.status:<13}  {e.message}"
            lines.append(text if len(text) <= width else text[: width - 1] + "…")
    counts: dict[str, int] = {}
    for r in reports:
        for e in r.exercises:
            counts[e.status] = counts.get(e.status, 0) + 1
    ran = sum(r.ran for r in reports)
    total = ", ".join(f"{n} {s}" for s, n in counts.items()) or "no exercises"
    lines.append(f"{len(reports)} notebook(s), {ran} ran to the end; exercises: {total}")
    return "\n".join(lines)
