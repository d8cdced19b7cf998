"""``dlbook grade``: run learners' copies of a chapter and grade them with the book's own checkers.

    dlbook grade alice/01_perceptron.ipynb bob/01_perceptron.ipynb --json grades.json
    python -m dlbook grade submissions/*.ipynb --timeout 300 --chapter 01

Each notebook is run top to bottom, headlessly, in a fresh kernel (nbclient), in the
floating-point environment of ``make chapters`` (:mod:`dlbook.notebook_env`), with
its own folder as the working directory. A cell that raises does not stop the run:
the next cell runs, as it would for the learner pressing Shift-Enter on.

The grade does **not** come from what the notebook printed. After the run, for each
exercise of the chapter, the grader finds the function the chapter checks
(``ch01.step_function.check(step)`` → ``step``, read from the notebook's source with
``ast``, else from the book's own copy of the chapter), and calls the exercise's
checker on that function *inside the kernel*, from a copy of ``dlbook`` imported
afresh after the learner's cells ran. Printing "✓ passed", editing or deleting the
checker cell, or passing the book's reference solution does not earn a pass.

Per exercise the status is ``passed``, ``failed`` (with the checker's message), or
``not attempted`` (the stub, ``None``, or no such function). Where a notebook was
stopped before its grading finished, an exercise can be ``not graded``.

Exit status (DESIGN §2.2): 0 when every notebook ran to the end and no exercise
failed ("not attempted" is not a failure); 1 when an exercise failed; 2 when a
notebook could not run (unreadable, its kernel died, ``--timeout`` reached).

Limits: ``--timeout`` seconds per notebook, everything included (kernel start, the
run, the grading, shutdown); an address-space limit per notebook (``--memory``,
POSIX only) so that a learner's memory hog gets a ``MemoryError`` instead of the
machine's memory; every case of a check has its own time limit
(:mod:`dlbook.exercises.limits`). Each notebook runs in its own process group,
killed at its deadline.

Built for instructors; see the README ("Grading a class").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from .grading_records import ExerciseGrade, NotebookGrade, exit_code, format_table, records
from .grading_scan import book_chapter, find_checked_arguments, guess_chapter
from .grading_worker import DEFAULT_TIMEOUT, grade_one

__all__ = [
    "ExerciseGrade",
    "NotebookGrade",
    "add_parser",
    "book_chapter",
    "exit_code",
    "find_checked_arguments",
    "format_table",
    "grade",
    "grade_one",
    "guess_chapter",
]

DEFAULT_MEMORY_MB = 4096


# --- many notebooks ----------------------------------------------------------------------------


def _run_worker(path: Path, timeout: float, chapter: str | None, memory_mb: int) -> NotebookGrade:
    """Grade ``path`` in a child process (its own process group), killed at ``timeout``."""
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "dlbook.grading_worker", "--worker", str(path), repr(timeout)]
    cmd += [chapter or "", str(memory_mb)]
    popen_kw: dict[str, Any] = {}
    if os.name == "posix":
        popen_kw["start_new_session"] = True
    else:  # pragma: no cover - Windows
        popen_kw["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
        **popen_kw,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        return NotebookGrade(
            str(path),
            chapter or "",
            "timed out",
            f"did not finish within the time limit ({timeout:g} s per notebook); killed",
            round(time.monotonic() - t0, 2),
        )
    finally:
        _kill_group(proc)  # the kernel, should the worker have left it behind
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            with contextlib.suppress(ValueError, TypeError):
                report = NotebookGrade.from_dict(json.loads(line))
                report.seconds = round(time.monotonic() - t0, 2)  # all included
                return report
    tail = " ".join(err.strip().splitlines()[-2:])[:300]
    return NotebookGrade(str(path), chapter or "", "could not run", f"the grader failed: {tail}")


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()


def grade(
    paths: Sequence[str | os.PathLike[str]],
    timeout: float = DEFAULT_TIMEOUT,
    chapter: str | None = None,
    jobs: int | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: bool | None = None,
) -> list[NotebookGrade]:
    """Grade many notebooks, ``jobs`` at a time, each in its own process and kernel.

    Returns one :class:`NotebookGrade` per path, in the order given. ``progress``:
    a tqdm bar on stderr (``None``: only on a terminal).
    """
    from tqdm.auto import tqdm

    jobs = jobs or max(1, min(4, os.cpu_count() or 1))
    results: dict[int, NotebookGrade] = {}
    with (
        ThreadPoolExecutor(max_workers=jobs) as pool,
        tqdm(
            total=len(paths),
            desc="grading",
            unit="notebook",
            disable=(None if progress is None else not progress),
            file=sys.stderr,
        ) as bar,
    ):
        futures = {
            pool.submit(_run_worker, Path(p), timeout, chapter, memory_mb): i
            for i, p in enumerate(paths)
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.update(1)
    return [results[i] for i in range(len(paths))]


# --- the command -------------------------------------------------------------------------------


def add_parser(sub: Any) -> None:
    """Add ``grade`` to the ``dlbook`` command's subparsers."""
    p = sub.add_parser(
        "grade",
        help="run learners' notebooks and grade their exercises (exit 0/1/2)",
        description=(
            "Run each notebook in a fresh kernel and grade its exercises with the book's "
            "checkers. Exit 0: all ran, none failed; 1: an exercise failed; 2: a notebook "
            "could not run."
        ),
    )
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="learners' .ipynb files")
    p.add_argument("--json", metavar="PATH", help="write the records as JSON ('-': stdout)")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per notebook, all included (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument("--chapter", metavar="NN", help="the chapter (default: from each file name)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="notebooks at once (default: ≤ 4)")
    p.add_argument(
        "--memory",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"address-space limit per notebook, POSIX (default {DEFAULT_MEMORY_MB}; 0: none)",
    )
    p.set_defaults(func=_cmd_grade)


def _cmd_grade(args: argparse.Namespace) -> int:
    import importlib.util

    missing = [m for m in ("nbformat", "nbclient", "ipykernel") if not importlib.util.find_spec(m)]
    if missing:
        print(
            f"dlbook grade needs {', '.join(missing)}: pip install 'dlbook[grade]'",
            file=sys.stderr,
        )
        return 2
    if args.timeout <= 0:
        print("dlbook grade: --timeout must be > 0 seconds", file=sys.stderr)
        return 2
    chapter = args.chapter
    if chapter is not None:
        chapter = f"{int(chapter):02d}" if str(chapter).isdigit() else str(chapter)
    reports = grade(args.notebooks, args.timeout, chapter, args.jobs, args.memory)
    code = exit_code(reports)
    table = format_table(reports)
    if args.json:
        payload = {
            "exit_code": code,
            "records": records(reports),
            "notebooks": [r.to_dict() for r in reports],
        }
        text = json.dumps(payload, indent=2, ensure_ascii=False)
        if args.json == "-":
            print(text)
            print(table, file=sys.stderr)
            return code
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(table)
    return code
