"""What a check gives back: a :class:`Result` (one printed line) and :class:`Text` (hints).

``str(result)`` is the line a check prints, ``"✓ 01.step_function: passed (5 cases)"``;
:meth:`Result.from_line` reads it back for graders. Re-exported by
:mod:`dlbook.exercises.core` and :mod:`dlbook.exercises`. Introduced in chapter 00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MARK", "Result", "Status", "Text"]

Status = Literal["passed", "failed", "not attempted"]
#: The mark that starts a result's line, by status.
MARK = {"passed": "✓", "failed": "✗", "not attempted": "·"}
_MARK = MARK  # the name Result's methods use


@dataclass
class Result:
    """The outcome of one check.

    Attributes
    ----------
    exercise_id : str
        ``"NN.snake_case"``.
    status : {"passed", "failed", "not attempted"}
    message : str
        For the reader: ``"passed (5 cases)"``, what is wrong, or ``"not attempted yet"``.
    tip : str
        Appended to the printed line of a failure: ``"Try ch01.step.hint()"``.
    """

    exercise_id: str
    status: Status
    message: str
    tip: str = ""
    counted: bool = True
    """False for a submission that is not an answer (a string where a function is expected,
    an option number that does not exist): shown to the reader, not recorded as an attempt."""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        """The one printed line: ``"✓ 01.step_function: passed (5 cases)"``."""
        line = f"{_MARK[self.status]} {self.exercise_id}: {self.message}"
        if self.tip and self.status == "failed":
            line += ("" if line.endswith((".", "?", "!")) else ".") + " " + self.tip
        return line

    def __repr__(self) -> str:
        """The line itself, so that a plain REPL echoing a returned Result shows it once."""
        return str(self)

    def _ipython_display_(self) -> None:
        """Show nothing: :meth:`Exercise.check` has printed the line already."""

    @classmethod
    def from_line(cls, line: str) -> Result | None:
        """Read a printed line back (for graders); ``None`` if it is not a result line."""
        m = re.match(r"([✓✗·]) (\d{2}\.[a-z][a-z0-9_]*): (.*)$", line.strip())
        if m is None:
            return None
        status = {v: k for k, v in _MARK.items()}[m.group(1)]
        return cls(m.group(2), status, m.group(3))  # type: ignore[arg-type]


class Text(str):
    """A string that shows as plain text (no quotes, real line breaks): hints and solutions.

    In a notebook and in a plain Python REPL alike, ``ex.hint()`` as the last expression
    shows the hint's text, not ``'Hint 1/3: ...\\n...'``.
    """

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def __repr__(self) -> str:
        return str(self)
