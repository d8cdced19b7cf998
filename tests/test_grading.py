"""``dlbook grade``: learners' notebooks made here with nbformat, graded by the book's checkers.

The kinds of notebook (the expected outcome in each name): solved, partly solved,
broken (an exception, ``sys.exit``, a memory hog, a deleted cell), faking a pass
(printing "✓ passed", passing the reference, patching the checker), hanging (a
plain endless loop, and one that swallows the interrupt), a kernel that dies, and a
file that is no notebook. Each kernel start costs a few seconds, so the notebooks are
graded in three runs, one per exit status.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlbook import grading, grading_worker
from dlbook.exercises import ch01

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

HEAD = "import numpy as np\nfrom dlbook.exercises import ch01"
STEP = "def step(z):\n    return np.where(np.asarray(z) >= 0, 1.0, 0.0)\n\n\nch01.step_function.check(step)"
NET = "def net_input(x, w, b):\n    return x @ w + b\n\n\nch01.net_input.check(net_input)"
NET_NO_BIAS = "def net_input(x, w, b):\n    return x @ w\n\n\nch01.net_input.check(net_input)"
STUB = "def step(z):\n    raise NotImplementedError('your code here')\n\n\nch01.step_function.check(step)"
QUIZ = f"ch01.xor_cycles.check({ch01.xor_cycles.reference})"
HANG = "while True:\n    pass"


def _write(path, cells):
    nb = new_notebook(cells=[new_markdown_cell("# a learner's copy")])
    nb.cells += [new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _by_id(report):
    return {e.id: e for e in report.exercises}


def _run_cli(args, capsys):
    from dlbook.cli import main

    code = main(["grade", *map(str, args)])
    return code, capsys.readouterr()


# --- which function an exercise checks -----------------------------------------------------------


def test_arguments_come_from_check_calls_names_and_literals_only():
    nb = new_notebook(
        cells=[
            new_code_cell(STEP),
            new_code_cell("ch01.net_input.check(ch01.net_input.reference)"),
            new_code_cell("%matplotlib inline\nch01.xor_cycles.check(2)"),
            new_code_cell('exercises.get("01.margin").panel(my_margin)'),
            new_code_cell("this is not python ("),
        ]
    )
    found = grading.find_checked_arguments(nb)
    assert found == {"01.step_function": "step", "01.xor_cycles": "2", "01.margin": "my_margin"}


def test_chapter_from_file_name_or_checks(tmp_path):
    nb = new_notebook(cells=[new_code_cell(STEP)])
    assert grading.guess_chapter(tmp_path / "04_training.ipynb", nb) == "04"
    assert grading.guess_chapter(tmp_path / "alice.ipynb", nb) == "01"
    assert grading.guess_chapter(tmp_path / "alice.ipynb", new_notebook()) is None


def test_exit_code_rules():
    ok = grading.NotebookGrade(
        "a", "01", "ran", exercises=[grading.ExerciseGrade("01.x", "passed")]
    )
    todo = grading.NotebookGrade(
        "b", "01", "ran", exercises=[grading.ExerciseGrade("01.y", "not attempted")]
    )
    bad = grading.NotebookGrade(
        "c", "01", "ran", exercises=[grading.ExerciseGrade("01.z", "failed")]
    )
    stopped = grading.NotebookGrade("d", "01", "timed out")
    assert grading.exit_code([ok, todo]) == 0
    assert grading.exit_code([ok, bad]) == 1
    assert grading.exit_code([ok, bad, stopped]) == 2


# --- grading real notebooks ----------------------------------------------------------------------


@pytest.mark.slow
def test_solved_notebook_exits_0(tmp_path, capsys):
    solved = _write(tmp_path / "01_solved.ipynb", [HEAD, STEP, NET, QUIZ])
    out_json = tmp_path / "grades.json"
    code, out = _run_cli([solved, "--json", out_json, "--timeout", "120"], capsys)
    assert code == 0, out.out
    data = json.loads(out_json.read_text())
    status = {r["id"]: r["status"] for r in data["records"]}
    assert status["01.step_function"] == "passed"
    assert status["01.net_input"] == "passed"
    assert status["01.xor_cycles"] == "passed"
    assert status["01.margin"] == "not attempted"  # never a failure
    assert data["exit_code"] == 0
    assert "✓ 01.step_function" in out.out and "1 ran to the end" in out.out


@pytest.mark.slow
def test_partly_broken_and_faking_notebooks(tmp_path, capsys):
    partly = _write(
        tmp_path / "01_partly.ipynb", [HEAD, STEP, NET_NO_BIAS, "ch01.xor_cycles.check(None)"]
    )
    broken = _write(
        tmp_path / "01_broken.ipynb",
        [
            HEAD,
            "1 / 0",
            "import sys\nsys.exit(3)",
            "hog = bytearray(6 * 1024**3)  # more than the notebook's address-space limit",
            # net_input's cell was deleted: only its check is left
            "ch01.net_input.check(net_input)",
            STEP,
        ],
    )
    faking = _write(
        tmp_path / "01_faking.ipynb",
        [
            HEAD,
            STUB.replace("ch01.step_function.check(step)", ""),
            # the check cell edited to pass the book's solution, and the success line printed
            "ch01.step_function.check(ch01.step_function.reference)\n"
            "print('✓ 01.step_function: passed (5 cases)')",
            "net_input = ch01.net_input.reference\nch01.net_input.check(net_input)",
            # the checker patched in the kernel
            "import dlbook.exercises.core as core\n"
            "core.Exercise.evaluate = lambda self, fn, **kw: core.Result(self.id, 'passed', 'passed')\n"
            "def margin(w, b, x, y):\n    return None\n"
            "ch01.margin.check(margin)",
        ],
    )
    code, out = _run_cli(
        [partly, broken, faking, "--timeout", "120", "--memory", "3072", "--json", "-"], capsys
    )
    assert code == 1, out.err
    data = json.loads(out.out)
    reports = [grading.NotebookGrade.from_dict(d) for d in data["notebooks"]]
    p, b, f = (_by_id(r) for r in reports)

    assert p["01.step_function"].status == "passed"
    assert p["01.net_input"].status == "failed" and p["01.net_input"].message
    assert p["01.xor_cycles"].status == "not attempted"

    assert reports[1].status == "ran", reports[1].message
    assert (
        reports[1].cell_errors == 4 if sys.platform != "win32" else 3
    )  # 1/0, exit, hog, NameError
    assert b["01.step_function"].status == "passed"  # the report went on past every error
    assert b["01.net_input"].status == "not attempted"
    assert "net_input" in b["01.net_input"].message

    assert f["01.step_function"].status == "not attempted"  # the stub, whatever was printed
    assert f["01.net_input"].status == "failed" and "book's own" in f["01.net_input"].message
    assert f["01.margin"].status == "failed"  # the patched checker was not the one used
    fake_passes = [
        r
        for r in data["records"]
        if r["notebook"].endswith("01_faking.ipynb") and r["status"] == "passed"
    ]
    assert not fake_passes


@pytest.mark.slow
def test_hanging_dying_and_unreadable_notebooks_exit_2_within_the_timeout(tmp_path):
    hang = _write(tmp_path / "01_hang.ipynb", [HEAD, STEP, HANG, NET])
    stubborn = _write(
        tmp_path / "01_hang_swallowing.ipynb",
        [
            HEAD,
            STEP,
            "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass",
        ],
    )
    died = _write(tmp_path / "01_died.ipynb", [HEAD, STEP, "import os\nos._exit(1)", NET])
    junk = tmp_path / "01_junk.ipynb"
    junk.write_text("{ this is not a notebook")
    timeout = 60.0  # room for a busy 2-core machine: grading runs after the interrupt
    t0 = time.monotonic()
    reports = grading.grade([hang, stubborn, died, junk], timeout=timeout, jobs=4, progress=False)
    wall = time.monotonic() - t0
    print(
        f"4 notebooks, --timeout {timeout:g}: {wall:.1f} s wall; "
        + ", ".join(f"{r.seconds:.1f} s" for r in reports)
    )
    h, s, d, j = reports
    assert grading.exit_code(reports) == 2, reports
    assert wall <= timeout + 5  # all four at once: each costs no more than its timeout
    assert h.status == "timed out" and h.seconds <= timeout + 1, h
    assert _by_id(h)["01.step_function"].status == "passed", h  # graded after the interrupt
    assert _by_id(h)["01.net_input"].status == "not attempted", h  # its cell never ran
    assert s.status == "timed out" and s.seconds <= timeout + 1, s
    assert d.status == "kernel died" and "cell 3" in d.message, d
    assert j.status == "could not run" and "not a readable notebook" in j.message, j


def _grade_with_a_taken_port(tmp_path, monkeypatch, first_starts):
    """Grade a solved notebook; the first ``first_starts`` kernels get a taken port.

    What jupyter/jupyter_client#487 does now and then to kernels started at once: the
    port written into the connection file is bound by someone else when the kernel
    binds it, and the kernel exits with ZMQError "Address already in use". Returns
    the report and the kernel managers made.
    """
    import socket

    from nbclient import NotebookClient

    nb = _write(tmp_path / "01_solved.ipynb", [HEAD, STEP, NET])
    create = NotebookClient.create_kernel_manager
    managers = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()

        def create_kernel_manager(self):
            km = create(self)
            managers.append(km)
            if len(managers) <= first_starts:
                km.cache_ports = False  # else jupyter_client's port cache chooses the ports
                km.shell_port = taken.getsockname()[1]
            return km

        monkeypatch.setattr(NotebookClient, "create_kernel_manager", create_kernel_manager)
        report = grading_worker.grade_one(nb, timeout=120)
    return report, managers


@pytest.mark.slow
def test_a_kernel_that_loses_the_port_race_is_started_again(tmp_path, monkeypatch):
    """Not "could not run": the failed start was the grader's, not the learner's."""
    report, managers = _grade_with_a_taken_port(tmp_path, monkeypatch, first_starts=1)
    assert len(managers) == 2
    assert report.status == "ran" and report.cells_run == 3, report
    assert _by_id(report)["01.step_function"].status == "passed", report
    assert _by_id(report)["01.net_input"].status == "passed", report


@pytest.mark.slow
def test_a_kernel_that_never_starts_is_reported_with_the_reason(tmp_path, monkeypatch):
    report, managers = _grade_with_a_taken_port(tmp_path, monkeypatch, first_starts=99)
    assert len(managers) == grading_worker._STARTS == 3
    assert report.status == "could not run" and report.cells_run == 0, report
    assert "the kernel did not start (3 tries)" in report.message, report
    assert "Kernel died before replying" in report.message, report
    assert {e.status for e in report.exercises} == {"not graded"}


@pytest.mark.slow
def test_cells_after_a_timed_out_cell_keep_their_output():
    """The race behind "the check stopped: no result", made certain to show.

    nbclient leaves the timed-out cell's IOPub reader running; woken with the next
    cell, it takes and drops messages that are not its own (the grade's output, the
    "idle"). ``grading_worker._execute`` must leave no task of nbclient's behind, so that
    every later cell gets all of its output.
    """
    from jupyter_core.utils import ensure_event_loop
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError

    nb = new_notebook(cells=[new_code_cell(HANG)])
    client = NotebookClient(nb, timeout=2, kernel_name="python3", allow_errors=True)
    with client.setup_kernel():
        with pytest.raises(CellTimeoutError):
            grading_worker._execute(client, nb.cells[0], 0)
        left = [t for t in asyncio.all_tasks(ensure_event_loop()) if not t.done()]
        assert not left, [t.get_coro() for t in left]  # nbclient's reader, before the fix
        grading_worker._interrupt(client)
        client.timeout = 30
        statuses, answered = [], 0
        for i in range(12):
            cell = new_code_cell(f"print('answer {i}')")
            nb.cells.append(cell)
            statuses.append(grading_worker._execute(client, cell, len(nb.cells) - 1))
            answered += any(f"answer {i}" in str(o.get("text", "")) for o in cell.outputs)
    assert statuses == ["ok"] * 12
    assert answered == 12


@pytest.mark.slow
def test_a_check_the_kernel_aborts_is_sent_again(monkeypatch):
    """ipykernel aborts the requests queued behind one that fails with stop_on_error=True.

    The grader never sends such a request, but should a kernel abort a check anyway,
    the check is sent again (within the time left), not reported "failed". Here a
    request that fails after a second is queued first, so the check is aborted for sure.
    """
    from nbclient import NotebookClient

    statuses = []
    execute = grading_worker._execute

    def recording(*args, **kwargs):
        statuses.append(execute(*args, **kwargs))
        return statuses[-1]

    monkeypatch.setattr(grading_worker, "_execute", recording)
    nb = new_notebook(cells=[new_code_cell(HEAD), new_code_cell(STEP)])
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True)
    pending = {}
    with client.setup_kernel():
        for index in range(2):
            grading_worker._execute(client, nb.cells[index], index)
        client.kc.execute("import time\ntime.sleep(1)\n1 / 0", stop_on_error=True)
        grading_worker._grade_in_kernel(
            client,
            [ch01.step_function],
            {"01.step_function": "step"},
            pending,
            time.monotonic() + 60,
        )
    assert statuses[:2] == ["ok", "ok"]
    assert "aborted" in statuses[2:]  # the grader's first request, queued behind the error
    assert statuses[-1] == "ok"
    assert pending["01.step_function"].status == "passed", pending
