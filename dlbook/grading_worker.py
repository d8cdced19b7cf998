"""One notebook of ``dlbook grade``, in its own worker process: run it, then grade it in its kernel.

    python -m dlbook.grading_worker --worker PATH TIMEOUT CHAPTER MEMORY

:func:`grade_one` runs the notebook with nbclient and calls each exercise's checker
inside the learner's kernel (:mod:`dlbook.grading` explains why); the worker prints
its :class:`~dlbook.grading_records.NotebookGrade` as JSON. Re-exported by
:mod:`dlbook.grading`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import keyword
import os
import secrets
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .grading_records import ExerciseGrade, NotebookGrade
from .grading_scan import book_chapter, find_checked_arguments, guess_chapter

__all__ = ["DEFAULT_TIMEOUT", "grade_one"]

DEFAULT_TIMEOUT = 600.0
_GRACE = 2.5  # seconds the worker keeps back from its deadline to shut its kernel down
_STARTS = 3  # kernel starts tried before a notebook "could not run" (see _start_kernel)


# --- the code run inside the learner's kernel after the run ------------------------------------


_SETUP = """\
def __dlbook_grader():
    import sys as _sys
    for _name in [m for m in _sys.modules if m == "dlbook" or m.startswith("dlbook.")]:
        del _sys.modules[_name]  # a fresh copy of the checkers, whatever the cells changed
    from dlbook import exercises as _ex
    return _ex
__dlbook_grader = __dlbook_grader()
"""

_GRADE = """\
def __dlbook_grade_one(ex_id, arg, literal, nonce):
    import json as _json
    _ex = __dlbook_grader
    ex = _ex.get(ex_id)
    missing = object()
    if literal:
        value = eval(arg, {{}})
    else:
        value = globals().get(arg, missing)
    if value is missing:
        out = ("not attempted", f"no `{{arg}}` in the notebook (its cell deleted or renamed?)")
    elif isinstance(ex, _ex.Quiz):
        r = ex.evaluate(value)
        out = (r.status, r.message)
    elif value is getattr(ex, "reference", None) or value in getattr(ex, "wrong_answers", ()):
        out = ("failed", f"`{{arg}}` is the book's own function from {{ex_id}}, not yours")
    elif str(getattr(value, "__module__", "") or "").split(".")[0] == "dlbook":
        where = value.__module__ + "." + getattr(value, "__qualname__", "")
        out = ("failed", f"`{{arg}}` is dlbook's own {{where}}, not yours")
    else:
        r = ex.evaluate(value)
        out = (r.status, r.message)
    print(nonce + _json.dumps(list(out)), flush=True)
__dlbook_grade_one({ex_id!r}, {arg!r}, {literal!r}, {nonce!r})
"""


# --- one notebook ------------------------------------------------------------------------------


def _limit_memory(megabytes: int) -> None:
    """Cap the address space of this process and its children (the kernel); POSIX only."""
    if megabytes <= 0:
        return
    try:
        import resource  # POSIX

        limit = megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # Windows, or a platform that refuses: no memory limit


def _stream_text(outputs: Iterable[Any], nonce: str) -> list[Any] | None:
    for out in outputs:
        if out.get("output_type") == "stream":
            for line in str(out.get("text", "")).splitlines():
                if line.startswith(nonce):
                    value = json.loads(line[len(nonce) :])
                    return value if isinstance(value, list) else None
    return None


def _error_text(outputs: Iterable[Any]) -> str:
    for out in outputs:
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
    return ""


def grade_one(
    path: str | os.PathLike[str],
    timeout: float = DEFAULT_TIMEOUT,
    chapter: str | None = None,
    deadline: float | None = None,
) -> NotebookGrade:
    """Run one notebook in a fresh kernel and grade its exercises (in this process).

    ``deadline`` (a ``time.monotonic()`` value) is when everything must be done;
    by default ``timeout`` seconds from now. :func:`grade` calls this in a worker
    process that it kills at the deadline; called directly, nothing is killed.
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from . import exercises

    t0 = time.monotonic()
    deadline = t0 + timeout if deadline is None else deadline
    path = Path(path)
    report = NotebookGrade(str(path))
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        report.message = f"not a readable notebook ({type(exc).__name__}: {exc})"[:300]
        return report
    chapter = chapter or guess_chapter(path, nb)
    if chapter is None:
        report.message = "could not tell which chapter this is; pass --chapter NN"
        return report
    report.chapter = chapter
    try:
        items = exercises.catalog(chapter)
    except (ValueError, KeyError):
        items = []
    if not items:
        report.message = f"the book has no exercises for chapter {chapter!r}"
        return report
    arguments = {}
    book = book_chapter(chapter)
    if book is not None:
        with contextlib.suppress(Exception):
            arguments.update(find_checked_arguments(nbformat.read(book, as_version=4)))
    arguments.update(find_checked_arguments(nb))

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    report.cells = len(code_cells)
    # Keep time for the grading: 40 % of the budget, at most 60 s.
    run_until = deadline - _GRACE - min(60.0, 0.4 * (deadline - t0))
    stopped = "the notebook stopped first"
    pending = {ex.id: ExerciseGrade(ex.id, "not graded", stopped) for ex in items}
    try:
        with contextlib.ExitStack() as stack:
            client = _start_kernel(stack, nb, path, deadline)
            report.status = "ran"
            for index in code_cells:
                left = run_until - time.monotonic()
                if left <= 0:
                    report.status = "timed out"
                    break
                client.timeout = max(1, int(left))
                try:
                    _execute(client, nb.cells[index], index)
                except CellTimeoutError:
                    report.status = "timed out"
                    _interrupt(client)
                    break
                report.cells_run += 1
                if any(o.get("output_type") == "error" for o in nb.cells[index].outputs):
                    report.cell_errors += 1
            if report.status == "timed out":
                report.message = (
                    f"stopped at code cell {report.cells_run + 1} of {report.cells}: "
                    f"the run did not finish within the time limit ({timeout:g} s per notebook)"
                )
            _grade_in_kernel(client, items, arguments, pending, deadline)
    except DeadKernelError:
        report.status = "kernel died"
        report.message = (
            f"the kernel died in code cell {report.cells_run + 1} of {report.cells} "
            "(exit(), os._exit() or a crash)"
        )
    except Exception as exc:
        if report.status in ("ran", "timed out") and report.cells_run:
            report.message = f"grading stopped: {type(exc).__name__}: {exc}"[:300]
        else:
            report.status = "could not run"
            report.message = f"{type(exc).__name__}: {exc}"[:300]
    report.exercises = [pending[ex.id] for ex in items]
    report.seconds = round(time.monotonic() - t0, 2)
    return report


def _start_kernel(stack: contextlib.ExitStack, nb: Any, path: Path, deadline: float) -> Any:
    """A ``NotebookClient`` for ``nb`` with its kernel started, shut down when ``stack`` closes.

    A kernel that dies before it answers is started again, on fresh ports, up to
    ``_STARTS`` times while time is left. Workers that start kernels at the same time
    race for ports: jupyter_client finds free ports by binding and releasing them and
    writes them into the connection file; when another process takes one before the
    kernel binds it, the kernel exits with "Address already in use" and nbclient
    raises "Kernel died before replying to kernel_info" (jupyter/jupyter_client#487).
    That is not the learner's notebook failing, and it must not be graded as one.
    """
    from nbclient import NotebookClient

    for start in range(1, _STARTS + 1):
        left = deadline - _GRACE - time.monotonic()
        client = NotebookClient(
            nb,
            timeout=max(1, int(left)),
            startup_timeout=max(1, int(min(60.0, left))),
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=False,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(path.resolve().parent)}},
        )
        try:
            stack.enter_context(client.setup_kernel())
            return client
        except Exception as exc:
            if client.km is not None:  # nbclient cleans up after some failures, not all
                with contextlib.suppress(Exception):
                    client._cleanup_kernel()
            if start == _STARTS or deadline - _GRACE - time.monotonic() < 1:
                raise RuntimeError(
                    f"the kernel did not start ({start} tries): {type(exc).__name__}: {exc}"
                ) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _execute(client: Any, cell: Any, index: int, store_history: bool = True) -> str:
    """Run one cell with nbclient; return the status of the kernel's reply.

    ``"ok"``, ``"error"`` or ``"aborted"``; raises nbclient's ``CellTimeoutError`` when
    ``client.timeout`` runs out, and ``DeadKernelError``. Every request goes out with
    ``stop_on_error=False`` (``allow_errors=True``), so ipykernel has no reason to abort.

    Why not plain ``client.execute_cell``: on a timeout nbclient raises
    ``CellTimeoutError`` but leaves the cell's IOPub reader running (it cancels that
    task for other errors only; ``CellTimeoutError`` is a ``CellControlSignal``).
    The orphan waits for an "idle" of the timed-out cell and drops every other
    message it takes; it wakes again with the next cell, reads the same socket and
    takes half of that cell's messages: its output (the grade), even its "idle"
    (nbclient then waits ``iopub_timeout``). Here every task the call started is
    cancelled before the timeout goes on to the caller.
    """
    from jupyter_core.utils import run_sync

    return str(run_sync(_execute_async)(client, cell, index, store_history))


async def _execute_async(client: Any, cell: Any, index: int, store_history: bool) -> str:
    from nbclient.exceptions import CellTimeoutError

    replies: list[dict[str, Any]] = []

    def keep(execute_reply: dict[str, Any] | None = None, **_: Any) -> None:
        replies.append(execute_reply or {})

    before = asyncio.all_tasks()
    client.on_cell_executed = keep
    try:
        await client.async_execute_cell(cell, index, store_history=store_history)
    except CellTimeoutError:
        orphans = [t for t in asyncio.all_tasks() - before if not t.done()]
        for task in orphans:
            task.cancel()
        await asyncio.gather(*orphans, return_exceptions=True)
        raise
    finally:
        client.on_cell_executed = None
    return str(replies[-1].get("content", {}).get("status", "")) if replies else ""


def _interrupt(client: Any) -> None:
    """Interrupt the kernel (SIGINT: a KeyboardInterrupt in the learner's loop)."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(client.km.interrupt_kernel)()


def _grade_in_kernel(
    client: Any,
    items: Sequence[Any],
    arguments: dict[str, str],
    pending: dict[str, ExerciseGrade],
    deadline: float,
) -> None:
    from nbclient.exceptions import CellTimeoutError
    from nbformat.v4 import new_code_cell

    def run(code: str) -> Any:
        # A request the kernel answers "aborted" never ran: send it again while time is left.
        while True:
            left = deadline - _GRACE - time.monotonic()
            if left <= 0:
                raise CellTimeoutError("no time left")
            client.timeout = max(1, int(left))
            cell = new_code_cell(code)
            client.nb.cells.append(cell)  # in memory only; the learner's file is not written
            if _execute(client, cell, len(client.nb.cells) - 1, store_history=False) != "aborted":
                return cell.outputs

    # After an interrupt the kernel answers once the interrupted cell has ended: this
    # first request waits for that (a cell that swallows KeyboardInterrupt never ends).
    try:
        outputs = run(_SETUP)
    except CellTimeoutError:
        _interrupt(client)
        for ex in items:
            pending[ex.id] = ExerciseGrade(
                ex.id,
                "not graded",
                "the kernel did not answer after the interrupt "
                "(does the cell catch KeyboardInterrupt?)",
            )
        return
    if _error_text(outputs):
        raise RuntimeError(
            f"the grader could not import dlbook in the kernel: {_error_text(outputs)}"[:300]
        )
    for ex in items:
        arg = arguments.get(ex.id)
        if arg is None:
            pending[ex.id] = ExerciseGrade(ex.id, "not attempted", "no check of it in the notebook")
            continue
        literal = not arg.isidentifier() or keyword.iskeyword(arg)  # None, True: literals
        nonce = "DLBOOK-GRADE-" + secrets.token_hex(8) + ":"
        code = _GRADE.format(ex_id=ex.id, arg=arg, literal=literal, nonce=nonce)
        try:
            outputs = run(code)
        except CellTimeoutError:
            _interrupt(client)
            pending[ex.id] = ExerciseGrade(
                ex.id, "not graded", "the notebook's time limit ran out during this check", arg
            )
            return
        value = _stream_text(outputs, nonce)
        if value is None or len(value) != 2:
            reason = _error_text(outputs) or "no result"
            pending[ex.id] = ExerciseGrade(ex.id, "failed", f"the check stopped: {reason}", arg)
        else:
            pending[ex.id] = ExerciseGrade(ex.id, str(value[0]), str(value[1]), arg)


def _worker(argv: Sequence[str]) -> int:
    """``python -m dlbook.grading_worker --worker PATH TIMEOUT CHAPTER MEMORY``: JSON out."""
    path, timeout, chapter, memory = argv
    start = time.monotonic()
    from . import notebook_env

    notebook_env.apply()
    _limit_memory(int(memory))
    report = grade_one(path, float(timeout), chapter or None, deadline=start + float(timeout))
    sys.stdout.write("\n" + json.dumps(report.to_dict()) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        sys.exit(_worker(sys.argv[2:]))
    sys.exit("usage: dlbook grade NOTEBOOK... (python -m dlbook grade)")
