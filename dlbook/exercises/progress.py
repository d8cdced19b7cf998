"""The reader's exercise progress: one small JSON file per user.

The file is ``$DLBOOK_HOME/progress.json`` or, without ``DLBOOK_HOME``, in the
platform's user data folder (``platformdirs.user_data_dir("dlbook")``). It holds,
per exercise id, the last status, the best status (``"passed"`` is sticky), the
number of attempts and the time of the first and last attempt (ISO 8601, UTC)::

    {"version": 1,
     "exercises": {"01.step_function": {"status": "failed", "best": "passed",
                                        "attempts": 3, "first": "...", "last": "..."}}}

Only real attempts are recorded (passed or failed); running a notebook whose stubs
are untouched records nothing. The file is written atomically, and each read →
change → write holds a lock (``progress.json.lock``, see :func:`dlbook._io.locked`),
so two kernels that record at once lose nothing. A corrupt file (not UTF-8 text, not
JSON, not this structure) is set aside (renamed beside itself) with a warning, never
deleted and never trusted. A file written by a newer dlbook (a higher ``version``)
is not corrupt: it is read where it can be and never overwritten, and the warning
says to upgrade. A symbolic link ``progress.json`` keeps pointing where it did: the
file it points to is the one written.

Used by ``Exercise.check`` (every chapter) and by ``dlbook.exercises.show_progress``.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

from .._io import atomic_write_text, locked, set_aside, write_target
from ..errors import message

__all__ = ["NewerProgressError", "Summary", "load", "path", "record", "record_result", "summary"]

VERSION = 1
STATUSES = ("passed", "failed", "not attempted")
_RANK = {"not attempted": 0, "failed": 1, "passed": 2}


class NewerProgressError(OSError):
    """The progress file was written by a newer dlbook; this one does not overwrite it."""


def path() -> Path:
    """Where the progress file lives (``DLBOOK_HOME`` overrides the platform folder).

    ``~`` in ``DLBOOK_HOME`` is expanded, as in ``DLBOOK_DATA``.
    """
    home = os.environ.get("DLBOOK_HOME", "").strip() or platformdirs.user_data_dir("dlbook")
    return Path(home).expanduser() / "progress.json"


def _newer(data: Any) -> bool:
    """A file of a later format version (an int above ours): not ours to judge or rewrite."""
    version = data.get("version") if isinstance(data, dict) else None
    return isinstance(version, int) and not isinstance(version, bool) and version > VERSION


def _valid(data: Any) -> bool:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return False
    entries = data.get("exercises")
    if not isinstance(entries, dict):
        return False
    for key, e in entries.items():
        if not (isinstance(key, str) and isinstance(e, dict)):
            return False
        if e.get("status") not in STATUSES or e.get("best") not in STATUSES:
            return False
        attempts = e.get("attempts")
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
            return False
        if not (isinstance(e.get("first"), str) and isinstance(e.get("last"), str)):
            return False
    return True


def load() -> dict[str, dict[str, Any]]:
    """The stored entries by exercise id; ``{}`` when there is no file yet.

    A file that is not UTF-8 text, not valid JSON or not of the expected structure
    is renamed beside itself (``progress.json.corrupt-YYYYmmdd-HHMMSS``) with a
    ``UserWarning`` that says where it went, and ``{}`` is returned. A file from a
    newer dlbook is left as it is: its entries that this version understands are
    returned, with a warning.
    """
    return _load(write_target(path()), warn_newer=True)[0]


def _load(p: Path, *, warn_newer: bool) -> tuple[dict[str, dict[str, Any]], bool]:
    """``(entries, newer)``: the entries of ``p`` and whether it is of a newer version."""
    try:
        raw = p.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}, False  # no file yet (or no folder: writing will say so)
    except OSError as exc:
        warnings.warn(
            f"dlbook: cannot read exercise progress from {p} ({exc}); starting empty.",
            UserWarning,
            stacklevel=3,
        )
        return {}, False
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError (not text) and JSONDecodeError alike
        data = None
    if _newer(data):
        if warn_newer:
            warnings.warn(
                f"dlbook: the exercise progress file {p} was written by a newer dlbook "
                f"(format {data['version']}, this one reads {VERSION}); it is left as it is "
                "and new attempts are not saved. Upgrade dlbook to the version that wrote it.",
                UserWarning,
                stacklevel=3,
            )
        entries = data.get("exercises")
        known = {
            k: e
            for k, e in (entries.items() if isinstance(entries, dict) else ())
            if _valid({"version": VERSION, "exercises": {k: e}})
        }
        return known, True
    if _valid(data):
        return dict(data["exercises"]), False
    try:
        moved = set_aside(p)
    except OSError as exc:
        warnings.warn(
            f"dlbook: the exercise progress file {p} is corrupt and could not be set aside "
            f"({exc}); it is ignored.",
            UserWarning,
            stacklevel=3,
        )
    else:
        warnings.warn(
            f"dlbook: the exercise progress file was corrupt; it was moved to {moved} "
            "and a new one is started.",
            UserWarning,
            stacklevel=3,
        )
    return {}, False


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record(exercise_id: str, status: str) -> dict[str, Any]:
    """Add one attempt to the store and return the exercise's updated entry.

    Parameters
    ----------
    exercise_id : str
        ``"NN.snake_case"``.
    status : str
        ``"passed"`` or ``"failed"`` (``"not attempted"`` is not an attempt and is
        not recorded; the current entry, possibly empty, is returned).

    Raises
    ------
    ValueError
        ``status`` is not one of the three statuses.
    NewerProgressError
        The file was written by a newer dlbook (it is not overwritten).
    OSError
        The file cannot be written (a read-only home, say), or another process held
        the lock for 30 s (``TimeoutError``); ``Exercise.check`` turns these into a
        warning.
    """
    if status not in STATUSES:
        raise ValueError(message("progress.record", "status", f"one of {STATUSES}", status))
    if status == "not attempted":
        return dict(load().get(exercise_id, {}))
    # One critical section across processes: read, change and write under the lock.
    with locked(path()) as target:
        entries, newer = _load(target, warn_newer=False)
        if newer:
            raise NewerProgressError(
                f"{target} was written by a newer dlbook; this attempt is not saved so "
                "that the file stays as it is. Upgrade dlbook to the version that wrote it."
            )
        entry = _updated(entries.get(exercise_id, {}), status)
        entries[exercise_id] = entry
        text = json.dumps({"version": VERSION, "exercises": entries}, indent=1, sort_keys=True)
        atomic_write_text(target, text + "\n")
    return entry


def _updated(old: dict[str, Any], status: str) -> dict[str, Any]:
    """An entry after one more attempt with ``status`` (``"passed"`` stays the best)."""
    entry = dict(old)
    now = _now()
    best = entry.get("best", "not attempted")
    entry = {
        "status": status,
        "best": status if _RANK[status] > _RANK[best] else best,
        "attempts": int(entry.get("attempts", 0)) + 1,
        "first": entry.get("first", now),
        "last": now,
    }
    return entry


@dataclass
class Summary:
    """Counts by best status and one row per exercise: ``(id, title, best, attempts, last)``."""

    counts: dict[str, int]
    rows: list[tuple[str, str, str, int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        total = sum(self.counts.values())
        head = (
            f"{self.counts['passed']} of {total} passed, {self.counts['failed']} failed, "
            f"{self.counts['not attempted']} not attempted"
        )
        if not self.rows:
            return head
        width = max(len(r[0]) for r in self.rows)
        lines = [head, ""]
        for ex_id, title, best, attempts, last in self.rows:
            mark = _MARK[best]
            tries = f"{attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
            when = f", last {last[:10]}" if last else ""
            lines.append(f"{mark} {ex_id:<{width}}  {title}  {tries}{when}".rstrip())
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def record_result(result: Any) -> None:
    """Store an attempt; a store that cannot be written warns and does not break the check."""
    try:
        record(result.exercise_id, result.status)
    except Exception as exc:  # a read-only home, a full disk: the check itself is fine
        warnings.warn(
            f"dlbook: could not save exercise progress ({type(exc).__name__}: {exc}). "
            "The check itself is fine; set DLBOOK_HOME to a writable folder to keep progress.",
            UserWarning,
            stacklevel=3,
        )


_MARK = {"passed": "✓", "failed": "✗", "not attempted": "·"}


def summary(items: Iterable[Any]) -> Summary:
    """Progress over ``items`` (exercises and quizzes, with ``id`` and ``title``), in order.

    Each with its best status from the store (``"not attempted"`` if none).
    ``dlbook.exercises.summary(chapter)`` passes the book's catalog.
    """
    entries = load()
    counts = dict.fromkeys(STATUSES, 0)
    rows = []
    for ex in items:
        e = entries.get(ex.id, {})
        best = e.get("best", "not attempted")
        counts[best] += 1
        rows.append((ex.id, ex.title, best, int(e.get("attempts", 0)), e.get("last", "")))
    return Summary(counts, rows)
