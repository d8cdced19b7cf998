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
import ast
import asyncio
import contextlib
import json
import keyword
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ExerciseGrade",
    "NotebookGrade",
    "add_parser",
    "exit_code",
    "find_checked_arguments",
    "format_table",
    "grade",
    "grade_one",
]

DEFAULT_TIMEOUT = 600.0
DEFAULT_MEMORY_MB = 4096
_GRACE = 2.5  # seconds the worker keeps back from its deadline to shut its kernel down
_MARK = {"passed": "✓", "failed": "✗", "not attempted": "·", "not graded": "?"}
_CHAPTER_FILE = re.compile(r"^(\d{2})[_.\-]")
_CHAPTER_MODULE = re.compile(r"ch(\d{2})")


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


# --- which function each exercise checks ---------------------------------------------------------


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


# --- the code run inside the learner's kernel after the run --------------------------------------

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


# --- one notebook (in a worker process) ----------------------------------------------------------


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
    from nbclient import NotebookClient
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
    client = NotebookClient(
        nb,
        timeout=max(1, int(deadline - time.monotonic())),
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=False,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    # Keep time for the grading: 40 % of the budget, at most 60 s.
    run_until = deadline - _GRACE - min(60.0, 0.4 * (deadline - t0))
    stopped = "the notebook stopped first"
    pending = {ex.id: ExerciseGrade(ex.id, "not graded", stopped) for ex in items}
    try:
        with client.setup_kernel():
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
    """``python -m dlbook.grading --worker PATH TIMEOUT CHAPTER MEMORY``: one notebook, JSON out."""
    path, timeout, chapter, memory = argv
    start = time.monotonic()
    from . import notebook_env

    notebook_env.apply()
    _limit_memory(int(memory))
    report = grade_one(path, float(timeout), chapter or None, deadline=start + float(timeout))
    sys.stdout.write("\n" + json.dumps(report.to_dict()) + "\n")
    sys.stdout.flush()
    return 0


# --- many notebooks ------------------------------------------------------------------------------


def _run_worker(path: Path, timeout: float, chapter: str | None, memory_mb: int) -> NotebookGrade:
    """Grade ``path`` in a child process (its own process group), killed at ``timeout``."""
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "dlbook.grading", "--worker", str(path), repr(timeout)]
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


# --- the command ---------------------------------------------------------------------------------


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


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        sys.exit(_worker(sys.argv[2:]))
    sys.exit("usage: dlbook grade NOTEBOOK... (python -m dlbook grade)")
