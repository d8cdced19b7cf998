"""A chapter run and saved in JupyterLab still passes strict nbval (issue 17, point 1).

In the lab the progress bars are on (tqdm's notebook widget) and the panels and
playgrounds are live widgets; under ``make test`` bars are off. Here a small notebook
that trains with early stopping between two prints and shows an exercise panel is run
the reader's way (bars on, in a kernel with ipywidgets), saved, and then checked with
the project's nbval harness: it passes. A control whose saved stdout differs by one digit
fails, so the test can fail. The real-browser suite (tests/test_browser.py) does the same
with chapters saved by JupyterLab itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["pytester"]

CELLS = [
    "import numpy as np\nimport dlbook as dl\nfrom dlbook.layers import Dense, SoftmaxCrossEntropy\n"
    "from dlbook.network import Sequential\nrng = dl.setup_notebook(seed=0)",
    "x = rng.normal(size=(64, 3)).astype(np.float32)\ny = (x[:, 0] > 0).astype(np.int64)\n"
    "model = Sequential([Dense(3, 2, rng=0)], loss=SoftmaxCrossEntropy())\n"
    "print('training')\n"
    "h = model.fit(x, y, epochs=30, batch_size=16, validation=(x[:8], 1 - y[:8]),\n"
    "              early_stopping=2, rng=0)\n"
    "print(f\"stopped early: {h.stopped_early}, val loss {h['val_loss'][-1]:.3f}\")",
    "from dlbook.exercises import ch01\nch01.step_function.panel(None)",
]


def _run_like_a_reader(path: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    old = os.environ.get("DLBOOK_PROGRESS")
    os.environ["DLBOOK_PROGRESS"] = "1"  # the lab: bars on
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        if old is None:
            os.environ.pop("DLBOOK_PROGRESS", None)
        else:
            os.environ["DLBOOK_PROGRESS"] = old
    nbformat.write(nb, path)
    return nb


def _nbval(pytester, name):
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    shutil.copy(ROOT / "tests" / "sanitize.cfg", pytester.path / "sanitize.cfg")
    (pytester.path / "tools").mkdir(exist_ok=True)
    (pytester.path / "tools" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tools" / "notebook_env.py", pytester.path / "tools" / "notebook_env.py")
    return pytester.runpytest_subprocess(
        "--nbval", "--nbval-sanitize-with", "sanitize.cfg", "-p", "no:cacheprovider", name
    )


@pytest.mark.slow
def test_a_notebook_saved_with_progress_bars_and_panels_passes(pytester):
    pytest.importorskip("ipywidgets")
    pytest.importorskip("nbclient")
    nb = _run_like_a_reader(pytester.path / "saved_in_lab.ipynb")
    fit_outputs = nb.cells[1].outputs
    bars = [o for o in fit_outputs if o.output_type == "display_data"]
    assert bars, "the reader's run shows a progress bar widget"
    assert "application/vnd.jupyter.widget-view+json" in bars[0].data
    # the bar sits between the two prints: stdout is split around it in the saved file
    assert [o.output_type for o in fit_outputs].count("stream") >= 2
    _nbval(pytester, "saved_in_lab.ipynb").assert_outcomes(passed=len(CELLS))


@pytest.mark.slow
def test_a_saved_notebook_whose_numbers_differ_fails(pytester):
    pytest.importorskip("ipywidgets")
    pytest.importorskip("nbclient")
    nb = _run_like_a_reader(pytester.path / "saved_in_lab_changed.ipynb")
    last = [o for o in nb.cells[1].outputs if o.output_type == "stream"][-1]
    last.text = last.text.replace("val loss ", "val loss 9")
    nbformat.write(nb, pytester.path / "saved_in_lab_changed.ipynb")
    _nbval(pytester, "saved_in_lab_changed.ipynb").assert_outcomes(passed=len(CELLS) - 1, failed=1)
