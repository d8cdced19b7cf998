"""The environment chapters run in under nbval, and the tool that stores their outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tools import notebook_env, run_chapters

NUMPY_24 = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]
NUMPY_1X = ["SSE41", "AVX2", "FMA3", "AVX512F", "AVX512_SKX"]


def test_x86_with_avx2_gets_haswell_kernels_and_no_avx512_loops():
    pins = notebook_env.float_pins("x86_64", {"sse2", "avx2", "avx512f"}, NUMPY_24)
    assert pins["OPENBLAS_CORETYPE"] == "Haswell"
    assert pins["MKL_CBWR"] == "AVX2"
    assert pins["OPENBLAS_NUM_THREADS"] == "2"
    assert pins["NPY_DISABLE_CPU_FEATURES"].split() == ["X86_V4", "AVX512_ICL", "AVX512_SPR"]


def test_older_numpy_names_are_taken_from_numpy_itself():
    pins = notebook_env.float_pins("AMD64", {"avx2"}, NUMPY_1X)
    assert pins["NPY_DISABLE_CPU_FEATURES"].split() == ["AVX512F", "AVX512_SKX"]


@pytest.mark.parametrize(
    ("machine", "flags"), [("aarch64", {"asimd"}), ("x86_64", {"sse2", "avx"}), ("arm64", set())]
)
def test_no_kernel_is_forced_where_it_could_not_run(machine, flags):
    pins = notebook_env.float_pins(machine, flags, NUMPY_24)
    assert pins == {"OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}


def test_apply_keeps_what_the_caller_set_but_always_turns_progress_bars_off():
    env = {"OPENBLAS_NUM_THREADS": "7", "DLBOOK_PROGRESS": "1", "DLBOOK_HOME": "/somewhere"}
    set_now = notebook_env.apply(env)
    assert env["OPENBLAS_NUM_THREADS"] == "7" and "OPENBLAS_NUM_THREADS" not in set_now
    assert env["DLBOOK_PROGRESS"] == "0"
    assert env["DLBOOK_HOME"] == "/somewhere"
    assert env["MPLBACKEND"] == "Agg"
    fresh: dict[str, str] = {}
    notebook_env.apply(fresh, pin_floats=False)
    assert "OPENBLAS_NUM_THREADS" not in fresh and fresh["DLBOOK_HOME"]
    assert notebook_env.describe(fresh) == "none"
    assert "OPENBLAS_NUM_THREADS=7" in notebook_env.describe(env)


def test_numpy_and_openblas_take_the_pins_of_this_machine():
    """A process started with the pins imports NumPy cleanly and runs the kernels they name."""
    pins = notebook_env.float_pins()
    code = (
        "import json, numpy as np\n"
        "try:\n    from numpy._core._multiarray_umath import __cpu_features__ as f\n"
        "except ImportError:\n    from numpy.core._multiarray_umath import __cpu_features__ as f\n"
        "try:\n    from threadpoolctl import threadpool_info\n"
        "except ImportError:\n    threadpool_info = list\n"
        "a = np.ones((64, 64), np.float32)\n"
        "blas = [i for i in threadpool_info() if i['user_api'] == 'blas']\n"
        "print(json.dumps({'sum': float((a @ a).sum()), 'features': f, 'blas': blas}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**pins, "PATH": ""}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["sum"] == 64.0**3
    for name in pins.get("NPY_DISABLE_CPU_FEATURES", "").split():
        assert not seen["features"].get(name), f"NumPy still uses {name}"
    openblas = [b for b in seen["blas"] if b["internal_api"] == "openblas"]
    if "OPENBLAS_CORETYPE" in pins and openblas:
        assert openblas[0]["architecture"] == "Haswell"
        assert openblas[0]["num_threads"] == 2


def test_select_by_prefix_and_a_clear_error_for_an_unknown_one(tmp_path):
    chapters = ["00_history.ipynb", "04_training_deep_networks.ipynb", "A_running_on_a_gpu.ipynb"]
    for name in [*chapters, "scratch.ipynb", "Untitled.ipynb"]:
        (tmp_path / name).write_text("{}")
    assert [p.name for p in run_chapters.select([], tmp_path)] == chapters
    assert [p.name for p in run_chapters.select(["04"], tmp_path)] == [chapters[1]]
    with pytest.raises(SystemExit, match="no chapter starts with"):
        run_chapters.select(["07"], tmp_path)


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_execute_stores_a_clean_run_and_leaves_a_failing_chapter_untouched(tmp_path):
    pytest.importorskip("nbclient")
    good = tmp_path / "01_good.ipynb"
    _notebook(good, "import os\nprint(os.environ['DLBOOK_PROGRESS'])", "print(6 * 7)")
    run_chapters.execute(good, timeout=60)
    nb = nbformat.read(good, as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.cells[0].outputs[0]["text"] == "0\n"
    assert nb.cells[1].outputs[0]["text"] == "42\n"

    bad = tmp_path / "02_bad.ipynb"
    _notebook(bad, "print('fine')", "1 / 0")
    before = bad.read_bytes()
    with pytest.raises(Exception, match="ZeroDivisionError"):
        run_chapters.execute(bad, timeout=60)
    assert bad.read_bytes() == before


def test_the_throw_away_home_is_removed_when_the_process_exits(tmp_path):
    """apply() makes a DLBOOK_HOME under the temp folder; it must not outlive the process."""
    code = (
        "import os\nfrom dlbook import notebook_env\n"
        "env = {}\nnotebook_env.apply(env, pin_floats=False)\n"
        "os.makedirs(os.path.join(env['DLBOOK_HOME'], 'progress'))\nprint(env['DLBOOK_HOME'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    home = out.stdout.strip()
    assert home.startswith(str(tmp_path)), home
    assert not os.path.exists(home)
