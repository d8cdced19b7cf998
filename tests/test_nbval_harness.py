"""The strict nbval harness: stdout is compared, stderr is not, sanitizing hides addresses.

Runs pytest --nbval on small notebooks built in code, with the project's own
conftest.py, tools/notebook_env.py and tests/sanitize.cfg.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["pytester"]


def _notebook(path, source, outputs):
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = outputs
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _run(pytester, name):
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    shutil.copy(ROOT / "tests" / "sanitize.cfg", pytester.path / "sanitize.cfg")
    (pytester.path / "tools").mkdir(exist_ok=True)
    (pytester.path / "tools" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tools" / "notebook_env.py", pytester.path / "tools" / "notebook_env.py")
    return pytester.runpytest_subprocess(
        "--nbval", "--nbval-sanitize-with", "sanitize.cfg", "-p", "no:cacheprovider", name
    )


SOURCE = "import sys\nprint('accuracy 93.1 %')\nprint('noise', id(object()), file=sys.stderr)"


@pytest.mark.slow
def test_stderr_differences_pass_and_times_are_printed(pytester):
    stored = [
        new_output("stream", name="stdout", text="accuracy 93.1 %\n"),
        new_output("stream", name="stderr", text="something else entirely\n"),
    ]
    _notebook(pytester.path / "nb_stderr_differs_passes.ipynb", SOURCE, stored)
    result = _run(pytester, "nb_stderr_differs_passes.ipynb")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*chapter execution time*",
            "floating-point pins: *OPENBLAS_NUM_THREADS=2*",
            "nb_stderr_differs_passes.ipynb*s",
        ]
    )


def test_the_kernel_runs_with_the_floating_point_pins(pytester, monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    source = "import os\nprint(os.environ['OPENBLAS_NUM_THREADS'], os.environ['DLBOOK_PROGRESS'])"
    stored = [new_output("stream", name="stdout", text="2 0\n")]
    _notebook(pytester.path / "nb_pins_pass.ipynb", source, stored)
    _run(pytester, "nb_pins_pass.ipynb").assert_outcomes(passed=1)


@pytest.mark.slow
def test_stdout_differences_fail(pytester):
    stored = [new_output("stream", name="stdout", text="accuracy 97.0 %\n")]
    _notebook(pytester.path / "nb_stdout_differs_fails.ipynb", SOURCE, stored)
    result = _run(pytester, "nb_stdout_differs_fails.ipynb")
    result.assert_outcomes(failed=1)


@pytest.mark.slow
def test_memory_addresses_are_sanitized(pytester):
    src = "print(hex(id(object())))"
    stored = [new_output("stream", name="stdout", text="0x7f00deadbeef\n")]
    _notebook(pytester.path / "nb_address_sanitized_passes.ipynb", src, stored)
    result = _run(pytester, "nb_address_sanitized_passes.ipynb")
    result.assert_outcomes(passed=1)


@pytest.mark.slow
def test_ignore_output_marker_with_a_reason_is_honoured(pytester):
    src = "# NBVAL_IGNORE_OUTPUT: timings vary by machine\nprint('took', id(object()) % 97, 'ms')"
    stored = [new_output("stream", name="stdout", text="took 12345 ms, a different machine\n")]
    _notebook(pytester.path / "nb_ignored_with_reason_passes.ipynb", src, stored)
    result = _run(pytester, "nb_ignored_with_reason_passes.ipynb")
    result.assert_outcomes(passed=1)
