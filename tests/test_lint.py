"""Project rules that ruff cannot see (DESIGN.md §2, §6).

- nothing calls ``np.random`` (randomness comes from ``rng=``), except the backend,
  which wraps NumPy's Generator;
- only ``backend.py`` imports CuPy;
- compute modules allocate through the backend (``backend.zeros``, ``xp.…``), not
  ``np.zeros``; a line that must make a host array says so with ``# host``;
- compute modules never import drawing, widgets, Jupyter or the exercises (at module level
  here; lazily too in tests/test_layering.py), so that importing the numeric core in a
  plain script loads none of them (checked in a subprocess below).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dlbook"
SOURCES = sorted(PACKAGE.rglob("*.py"))
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

COMPUTE = {
    "functions", "layers", "conv", "rnn", "network", "optim", "gradcheck", "rbm", "dbn", "rl",
    "word2vec", "text", "neurons", "perceptron", "autodiff", "history", "inputs", "training",
    "saving", "models", "diagnostics", "search", "throughput", "experiments", "long_lag",
}  # fmt: skip
NP_RANDOM = re.compile(r"\bnp\.random\b|\bnumpy\.random\b|from numpy import random")
CUPY_IMPORT = re.compile(r"^\s*(import cupy|from cupy|import cupyx|from cupyx)", re.M)
HOST_ALLOC = re.compile(
    r"\bnp\.(zeros|empty|ones|full|array|asarray|arange|eye|zeros_like|ones_like|empty_like|full_like)\("
)
DRAWING = re.compile(
    r"^(import|from)\s+(matplotlib|ipywidgets|IPython|tqdm\.notebook|dlbook\.(plots|interactive|exercises))"
    r"|^from \.+(plots|interactive|exercises)\b",
    re.M,
)


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_there_is_code_to_lint():
    assert len(SOURCES) > 3


NOT_BACKEND = [p for p in SOURCES if p != PACKAGE / "backend.py"]


def test_only_the_backend_is_left_out():
    assert len(NOT_BACKEND) == len(SOURCES) - 1


@pytest.mark.parametrize("path", NOT_BACKEND, ids=_rel)
def test_no_np_random(path):
    bad = [n for n, line in enumerate(path.read_text().splitlines(), 1) if NP_RANDOM.search(line)]
    assert not bad, f"{_rel(path)} lines {bad}: use rng=... and dlbook.backend.default_rng"


@pytest.mark.parametrize("path", CHAPTERS, ids=_rel)
def test_no_np_random_in_chapters(path):
    nb = nbformat.read(path, as_version=4)
    bad = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and NP_RANDOM.search(c.source)
    ]
    assert not bad, f"{_rel(path)} code cells {bad}: use the generator from dl.setup_notebook"


@pytest.mark.parametrize("path", NOT_BACKEND, ids=_rel)
def test_cupy_only_in_backend(path):
    assert not CUPY_IMPORT.search(path.read_text()), (
        f"{_rel(path)} imports CuPy; only backend.py may"
    )


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if p.stem in COMPUTE and p.parent == PACKAGE], ids=_rel
)
def test_compute_modules_allocate_through_backend(path):
    bad = [
        n
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if HOST_ALLOC.search(line) and "# host" not in line
    ]
    assert not bad, (
        f"{_rel(path)} lines {bad}: allocate with backend.zeros/asarray or xp = array_module(x); "
        "mark a deliberate host array with '# host: why'"
    )


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if p.stem in COMPUTE and p.parent == PACKAGE], ids=_rel
)
def test_compute_modules_do_not_draw(path):
    m = DRAWING.search(path.read_text())
    assert not m, (
        f"{_rel(path)} imports {m.group(0).strip()!r}: the numeric core runs in a plain script"
    )


def test_rules_catch_what_they_should():
    assert NP_RANDOM.search("x = np.random.rand(3)")
    assert not NP_RANDOM.search("rng = backend.default_rng(0)")
    assert CUPY_IMPORT.search("    import cupy as cp")
    assert HOST_ALLOC.search("W = np.zeros((3, 4))")
    assert not HOST_ALLOC.search("W = xp.zeros((3, 4))")
    assert DRAWING.search("import matplotlib.pyplot as plt")
    assert DRAWING.search("from ..plots import boundaries")
    assert not DRAWING.search("    from .plots import curves  # lazily, inside a method")


def test_importing_the_numeric_core_loads_no_drawing_library():
    import subprocess
    import sys

    present = sorted(p.stem for p in SOURCES if p.stem in COMPUTE and p.parent == PACKAGE)
    code = (
        "import sys\n"
        + "".join(f"import dlbook.{m}\n" for m in present)
        + "bad = [m for m in ('matplotlib', 'ipywidgets', 'IPython', 'dlbook.plots',"
        " 'dlbook.interactive', 'dlbook.exercises') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing {present} loaded {out.stdout.strip()}"
