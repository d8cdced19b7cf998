"""Project-wide pytest set-up, loaded for the unit tests and for the chapters under nbval.

- Progress bars are off and exercise progress goes to a throw-away DLBOOK_HOME, set
  before any notebook kernel starts (kernels inherit the environment). Under nbval the
  floating-point code paths of NumPy and its BLAS are fixed too, so that the stored
  outputs reproduce on any x86-64 machine: see tools/notebook_env.py.
- stderr is not compared under nbval: warnings and library chatter differ between
  installs, while the book's evidence is in stdout and displayed results.
- Progress bars are not compared either: a chapter run and saved in JupyterLab holds
  tqdm's widgets (the bars are on there), the test run has none (they are off). Those
  outputs are dropped from both sides, and the stdout around them joined again, so
  that a reader's saved chapter still passes ``make test`` (tests/test_lab_saved.py).
- ``# NBVAL_IGNORE_OUTPUT: reason`` is honoured: nbval itself only knows the bare
  marker, and the book asks every ignored cell to say why on that same line.
- Each chapter's execution time is printed at the end of the run.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path

from tools import notebook_env

_chapter_seconds: dict[str, float] = defaultdict(float)


def _nbval(config) -> bool:
    return bool(
        config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False)
    )


def pytest_configure(config):
    nbval = _nbval(config)
    notebook_env.apply(pin_floats=nbval)
    if nbval:
        _ignore_stderr_in_nbval()
        _accept_markers_with_reasons()


_MARKER_WITH_REASON = re.compile(r"^(\s*#\s*NBVAL_[A-Z_]+)\s*:.*$", re.M)


def _accept_markers_with_reasons() -> None:
    import nbval.plugin

    if getattr(nbval.plugin.find_comment_markers, "_dlbook_reasons", False):
        return
    original = nbval.plugin.find_comment_markers

    def find_comment_markers(cellsource):
        return original(_MARKER_WITH_REASON.sub(r"\1", cellsource))

    find_comment_markers._dlbook_reasons = True  # type: ignore[attr-defined]
    nbval.plugin.find_comment_markers = find_comment_markers


def _ignore_stderr_in_nbval() -> None:
    from nbval.plugin import IPyNbCell  # nbval is a test dependency

    if getattr(IPyNbCell.compare_outputs, "_dlbook_ignores_stderr", False):
        return
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        return original(self, comparable_outputs(test), comparable_outputs(ref), skip_compare)

    compare_outputs._dlbook_ignores_stderr = True  # type: ignore[attr-defined]
    IPyNbCell.compare_outputs = compare_outputs


_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# tqdm's text form of a bar, which its notebook widget gives as text/plain:
# "fit:  40%|████      | 252/630 [00:01<00:02, 180.2batch/s, loss 0.31 ...]"
_PROGRESS_TEXT = re.compile(r"^[^\n|]*\d+%\|[^|\n]*\|\s*\d+(\.\d+)?[kMG]?/\S+\s*\[")


def is_progress_bar(output) -> bool:
    """True for a progress bar's output: tqdm's notebook widget (or its text on stderr)."""
    if output.get("output_type") not in ("display_data", "update_display_data"):
        return False
    data = output.get("data", {})
    text = data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    return _WIDGET_VIEW in data and bool(_PROGRESS_TEXT.match(text.strip()))


def comparable_outputs(outputs):
    """The outputs nbval compares: no stderr, no progress bars, adjacent stdout joined."""
    kept = []
    for o in outputs:
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            continue
        if is_progress_bar(o):
            continue
        if (
            kept
            and o.get("output_type") == "stream"
            and kept[-1].get("output_type") == "stream"
            and kept[-1].get("name") == o.get("name")
        ):
            joined = dict(kept[-1])
            joined["text"] = _text(kept[-1]) + _text(o)
            kept[-1] = type(o)(joined) if isinstance(o, dict) else joined
            continue
        kept.append(o)
    return kept


def _text(output) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb") and report.when in ("setup", "call", "teardown"):
        _chapter_seconds[Path(path).name] += report.duration


def pytest_sessionstart(session):
    session.config._dlbook_t0 = time.perf_counter()


def pytest_terminal_summary(terminalreporter):
    if not _chapter_seconds:
        return
    terminalreporter.section("chapter execution time (2-core budget: 00-01 60 s, others 90 s)")
    terminalreporter.write_line(f"floating-point pins: {notebook_env.describe()}")
    for name, seconds in sorted(_chapter_seconds.items()):
        terminalreporter.write_line(f"{name:<45} {seconds:6.1f} s")
    terminalreporter.write_line(f"{'all chapters':<45} {sum(_chapter_seconds.values()):6.1f} s")
