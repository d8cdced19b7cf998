"""The book in a real browser: JupyterLab driven by Debian's Chromium through playwright.

What a reader does, checked end to end (issue 17):

- every chapter: Restart Kernel and Run All, no error output; saved, the chapter
  still passes strict nbval (its outputs, compared the way nbval compares, equal the
  committed ones, which ``make test`` checks against a fresh run);
- every playground: a control moved, the figure changes;
- every exercise and quiz panel on the page: Check, Hint and Solution give feedback,
  and a quiz checked with nothing chosen asks the reader to choose;
- each exercise kind with a wrong and a right answer (a notebook written here).

JupyterLab runs on 127.0.0.1, on a free port, with a random token, in a copy of the
chapters; the server is stopped in every case. The browser is the system's Chromium
(``tools/install-browser.sh`` installs it with ``fonts-nanum``; ``playwright install`` is
never used). Where Chromium or playwright is missing, these tests alone are skipped,
saying why. On failure a screenshot is saved under ``tests/.artifacts/browser/``
(git-ignored). Every chapter is run by default; ``DLBOOK_BROWSER_CHAPTERS`` chooses fewer
(``"00 03"``) while working on one. Chapters run one after another, each alone in the lab:
after its test the page is closed, every kernel is shut down and the lab forgets its open
tabs (``close_everything``), so no kernel or restored tab of an earlier chapter competes
for the two cores.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import types
import urllib.request
from collections import OrderedDict
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / ".artifacts" / "browser"
sys.path.insert(0, str(ROOT))

from conftest import comparable_outputs  # noqa: E402
from tests.notebook_checks import CHAPTER_FILES  # noqa: E402
from tools import notebook_env  # noqa: E402
from tools.lab import write_overrides  # noqa: E402

pytestmark = pytest.mark.browser
CHAPTER_SECONDS = 420  # one chapter's Run All, on a busy 2-core machine


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _why_skip() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no Chromium: run tools/install-browser.sh (apt-get install chromium fonts-nanum)"
    if shutil.which("jupyter", path=str(Path(sys.executable).parent)) is None:
        return "JupyterLab is not installed in this environment"
    return None


_SKIP = _why_skip()
if _SKIP:
    pytest.skip(f"browser tests skipped: {_SKIP}", allow_module_level=True)


def _chapters() -> list[str]:
    wanted = os.environ.get("DLBOOK_BROWSER_CHAPTERS", "all").split()
    names = sorted(n for n in CHAPTER_FILES if (ROOT / "chapters" / n).exists())
    return [n for n in names if "all" in wanted or any(n.startswith(w) for w in wanted)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the server ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the chapters; yields (url, token, folder)."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "chapters", folder / "chapters")
    work = folder / "chapters"
    home = tmp_path_factory.mktemp("home")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.pop("DLBOOK_PROGRESS", None)  # the reader's lab: progress bars on
    env.pop("MPLBACKEND", None)  # inline figures, as in the lab
    env.update(notebook_env.float_pins())  # as make lab (tools/lab.py) sets them
    env.update(
        DLBOOK_HOME=str(home / "dlbook"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
    )
    # every cell in the page (JupyterLab 4 otherwise renders only the cells in view)
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    write_overrides(home / "app-settings")  # the book's defaults, as make lab sets them
    cmd = [
        str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}", "--LabApp.news_url=",
        f"--LabApp.app_settings_dir={home / 'app-settings'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:]
                    ) from None
                time.sleep(0.5)
        yield url, token, work
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, lab, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        yield pg
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
        close_everything(lab)


def api(lab, method: str, path: str) -> object:
    """One call of the server's REST API (with the token); the decoded JSON, or None."""
    url, token, _ = lab
    request = urllib.request.Request(
        f"{url}{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


def close_everything(lab) -> None:
    """Shut down every kernel and forget the lab's open tabs (its workspaces).

    The next page then opens its notebook alone: the lab would otherwise restore the
    earlier chapters' tabs, each with a running kernel, in the background.
    """
    for session in api(lab, "GET", "/api/sessions"):
        api(lab, "DELETE", f"/api/sessions/{session['id']}")
    for kernel in api(lab, "GET", "/api/kernels"):
        api(lab, "DELETE", f"/api/kernels/{kernel['id']}")
    for space in api(lab, "GET", "/lab/api/workspaces")["workspaces"]["ids"]:
        api(lab, "DELETE", f"/lab/api/workspaces/{space}")


# --- driving JupyterLab ---------------------------------------------------------------------------


def open_notebook(page, lab, name: str) -> None:
    url, token, _ = lab
    page.goto(f"{url}/lab/tree/{name}?token={token}", timeout=120_000)
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    wait_idle(page, 180)
    no_news = page.locator(".jp-toast-button:has-text('No')")  # the news question, once
    if no_news.count():
        no_news.first.click()


def wait_idle(page, seconds: float) -> None:
    """Until the status bar says the kernel is idle."""
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')"
        "?.closest('#jp-main-statusbar')?.innerText ?? document.body.innerText)",
        timeout=seconds * 1000,
    )


def restart_and_run_all(page, seconds: float) -> None:
    # Clearing the outputs also clears the prompts to "[ ]:", so the run is seen to finish
    # when every prompt is numbered again, however fast it is.
    page.click(".lm-MenuBar-itemLabel:text-is('Edit')", timeout=30_000)
    page.click(".lm-Menu-itemLabel:text-is('Clear Outputs of All Cells')", timeout=30_000)
    page.click("text=Kernel", timeout=30_000)
    page.click("text=Restart Kernel and Run All Cells…", timeout=30_000)
    page.click(".jp-Dialog .jp-mod-accept", timeout=30_000)
    deadline = time.monotonic() + seconds
    # This notebook's prompts only: a notebook left open in a hidden tab reads as empty text,
    # which would never look finished.
    prompts = page.locator(".jp-NotebookPanel:visible .jp-CodeCell .jp-InputPrompt")
    started = False  # wait until a cell is queued or unrun (a prompt still numbered is stale)
    while time.monotonic() < deadline:
        texts = [t.strip() for t in prompts.all_inner_texts()]
        started = started or "[*]:" in texts or "[ ]:" in texts
        if started and texts and all(re.fullmatch(r"\[\d+\]:", t) for t in texts):
            wait_idle(page, max(5.0, deadline - time.monotonic()))
            page.wait_for_timeout(1000)  # widgets render
            return
        page.wait_for_timeout(1000)
    raise AssertionError(f"Run All did not finish within {seconds:.0f} s")


def save(page, path: Path) -> nbformat.NotebookNode:
    before = path.stat().st_mtime_ns
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        page.wait_for_timeout(300)
    assert path.stat().st_mtime_ns != before, f"{path.name} was not saved"
    page.wait_for_timeout(500)
    return nbformat.read(path, as_version=4)


def feedback(panel) -> str:
    return panel.locator(".dlbook-feedback").inner_text().strip()


def wait_feedback(panel, pattern: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = feedback(panel)
        if re.search(pattern, text):
            return text
        panel.page.wait_for_timeout(250)
    raise AssertionError(f"feedback {text!r} does not match {pattern!r}")


def exercise_every_panel(page) -> int:
    """Press Check, Hint and Solution on every panel of the notebook shown; return how many."""
    panels = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output:has(.dlbook-feedback)")
    for i in range(panels.count()):
        panel = panels.nth(i)
        panel.scroll_into_view_if_needed()
        quiz = panel.locator(".widget-radio-box").count() > 0
        panel.locator("button:has-text('Check')").click()
        wait_feedback(panel, r"choose one of the options" if quiz else r"^[·✗✓] \d\d\.")
        panel.locator("button:has-text('Hint')").click()
        wait_feedback(panel, r"Hint 1/|has no hint")
        panel.locator("button:has-text('Solution')").click()
        wait_feedback(panel, r"^Answer \d\)" if quiz else r"def |source of")
    return panels.count()


def move_every_playground(page) -> int:
    """In every widget output holding a figure, move a control and see the figure change."""
    areas = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output:has(img.widget-image)")
    for i in range(areas.count()):
        area = areas.nth(i)
        area.scroll_into_view_if_needed()
        image = area.locator("img.widget-image").first
        before = image.get_attribute("src")
        if area.locator(".widget-slider .noUi-handle").count():
            handle = area.locator(".widget-slider .noUi-handle").first
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
        elif area.locator(".widget-checkbox input").count():
            area.locator(".widget-checkbox input").first.click()
        elif area.locator("button.widget-toggle-button").count():
            # ToggleButtons: the one already chosen changes nothing; choose another.
            others = area.locator("button.widget-toggle-button:not(.mod-active)")
            (
                others if others.count() else area.locator("button.widget-toggle-button")
            ).first.click()
        elif area.locator("select").count():
            select = area.locator("select").first
            options = select.locator("option").all_inner_texts()
            select.select_option(label=options[-1])
        else:
            area.locator("button").first.click()
        deadline = time.monotonic() + 60
        while image.get_attribute("src") == before and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert image.get_attribute("src") != before, f"playground {i}: the figure did not change"
    return areas.count()


# --- comparing a saved chapter the way nbval does ------------------------------------------------


def _nbval_compare(saved_outputs, stored_outputs) -> list[str]:
    """nbval's own comparison (tests/sanitize.cfg, the project's conftest rules); [] if equal."""
    from nbval.plugin import IPyNbCell, coalesce_streams, nocolors

    parser = configparser.ConfigParser()
    parser.read(ROOT / "tests" / "sanitize.cfg")
    patterns = OrderedDict((parser[s]["regex"], parser[s]["replace"]) for s in parser.sections())
    skip = (
        "metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
        "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg",
    )  # fmt: skip
    shim = types.SimpleNamespace(
        parent=types.SimpleNamespace(skip_compare=skip, sanitize_patterns=patterns),
        colors=nocolors,
        comparison_traceback=[],
    )
    shim.sanitize = lambda s: IPyNbCell.sanitize(shim, s)
    shim.format_output_compare = lambda key, left, right: IPyNbCell.format_output_compare(
        shim, key, left, right
    )

    def prepare(outputs):
        return coalesce_streams([nbformat.from_dict(dict(o)) for o in comparable_outputs(outputs)])

    ok = IPyNbCell.compare_outputs(shim, prepare(saved_outputs), prepare(stored_outputs), skip)
    return [] if ok else [str(t) for t in shim.comparison_traceback]


def assert_passes_nbval(saved: nbformat.NotebookNode, stored: nbformat.NotebookNode) -> None:
    marker = re.compile(r"^\s*#\s*NBVAL_(IGNORE_OUTPUT|SKIP)", re.M)
    problems = []
    for k, (a, b) in enumerate(zip(saved.cells, stored.cells, strict=True)):
        if a.cell_type != "code" or marker.search(b.source):
            continue
        diff = _nbval_compare(a.outputs, b.outputs)
        if diff:
            problems.append(f"cell {k}: " + " ".join(diff)[:600])
    assert not problems, "the saved chapter would fail nbval:\n" + "\n".join(problems)


# --- the tests ----------------------------------------------------------------------------------


def code_past_the_edge(page) -> int:
    """How many code cells of the notebook shown have a line running past the editor's edge."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
               '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-scroller')]
             .filter(s => s.scrollWidth > s.clientWidth + 1).length"""
    )


def wrapped_text_outputs(page) -> int:
    """How many plain-text outputs wrap a line (JupyterLab breaks such lines anywhere)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
               '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output pre')]
             .filter(p => {
               const lh = parseFloat(getComputedStyle(p).lineHeight);
               const lines = p.textContent.replace(/\\n$/, '').split('\\n').length;
               return lh > 0 && p.clientHeight > (lines + 0.5) * lh;
             }).length"""
    )


def panel_calls(nb: nbformat.NotebookNode) -> int:
    """How many exercise and quiz panels the chapter's code puts on the page."""
    pattern = re.compile(r"^[^#\n]*\.panel\(", re.M)
    return sum(len(pattern.findall(c.source)) for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", _chapters())
def test_chapter_runs_in_the_lab_and_still_passes_after_saving(page, lab, name):
    _, _, work = lab
    stored = nbformat.read(ROOT / "chapters" / name, as_version=4)
    open_notebook(page, lab, name)
    sessions = api(lab, "GET", "/api/sessions")
    assert [s["path"] for s in sessions] == [name], f"kernels left from before: {sessions}"
    t0 = time.monotonic()
    restart_and_run_all(page, CHAPTER_SECONDS)
    run_all = time.monotonic() - t0
    saved = save(page, work / name)
    errors = [
        f"cell {k}: {o.get('ename')}: {o.get('evalue')}"
        for k, c in enumerate(saved.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors, "\n".join(errors)
    assert (
        page.locator(".jp-OutputArea-output[data-mime-type*='stderr'] >> text=Traceback").count()
        == 0
    )
    assert code_past_the_edge(page) == 0, "a code line runs past the editor's edge"
    wrapped = wrapped_text_outputs(page)
    t0 = time.monotonic()
    playgrounds = move_every_playground(page)
    panels = exercise_every_panel(page)
    print(
        f"\n{name}: Run All {run_all:.0f} s; {playgrounds} playgrounds moved, {panels} panels "
        f"pressed in {time.monotonic() - t0:.0f} s; {wrapped} text outputs wrap a line"
    )
    assert panels == panel_calls(stored), f"{panels} panels on the page, the code makes more"
    assert_passes_nbval(saved, stored)


KINDS_NOTEBOOK = r"""
import dlbook as dl
from dlbook.exercises import ch01, ch00
rng = dl.setup_notebook(seed=0)
ex = ch01.step_function            # a function exercise, answered as a reader would
def step_wrong(z):
    return ex.wrong_answers[0](z)
def step(z):
    return ex.reference(z)
def make_nand_wrong():               # an exercise whose answer builds a network
    return ch00.nand_net.wrong_answers[0]()
def make_nand():
    return ch00.nand_net.reference()
"""


def _kinds_notebook(path: Path) -> None:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [
        new_markdown_cell("# 한국어: 오류역전파 (backpropagation), 퍼셉트론"),
        new_code_cell(KINDS_NOTEBOOK),
        new_code_cell("ex.panel(step_wrong)"),
        new_code_cell("ex.panel(step)"),
        new_code_cell("ch00.nand_net.panel(make_nand_wrong)"),
        new_code_cell("ch00.nand_net.panel(make_nand)"),
        new_code_cell(
            "q = [e for e in dl.exercises.catalog('01') if hasattr(e, 'options')][0]\nq.panel()"
        ),
        new_code_cell(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(5, 2.4))\n"
            "ax.plot([0, 1, 2], [1.0, 0.4, 0.1])\nax.set_title('비용 (cost) C')\n"
            "ax.set_xlabel('에포크 (epoch)')\nplt.show()"
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_each_exercise_kind_right_and_wrong_and_korean_renders(page, lab):
    _, _, work = lab
    _kinds_notebook(work / "kinds.ipynb")
    open_notebook(page, lab, "kinds.ipynb")
    restart_and_run_all(page, 180)
    # Only this notebook's panels: the lab may keep an earlier chapter open in a hidden tab.
    panels = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output:has(.dlbook-feedback)")
    assert panels.count() == 5
    for index, expect in ((0, r"^✗ 01\.step_function"), (1, r"^✓ 01\.step_function: passed"),
                          (2, r"^✗ 00\.nand_net"), (3, r"^✓ 00\.nand_net: passed")):  # fmt: skip
        panel = panels.nth(index)
        panel.scroll_into_view_if_needed()
        panel.locator("button:has-text('Check')").click()
        wait_feedback(panel, expect)
        panel.locator("button:has-text('Hint')").click()
        wait_feedback(panel, r"^Hint 1/")
        panel.locator("button:has-text('Hint')").click()
        wait_feedback(panel, r"^Hint 2/")
        panel.locator("button:has-text('Solution')").click()
        text = wait_feedback(panel, r"^def ")
        name = ("step_wrong", "step", "make_nand_wrong", "make_nand")[index]
        assert text.startswith(f"def {name}("), text  # the reader's name
    quiz = panels.nth(4)
    quiz.scroll_into_view_if_needed()
    quiz.locator("button:has-text('Check')").click()
    wait_feedback(quiz, "choose one of the options")
    radios = quiz.locator(".widget-radio-box input[type=radio]")
    answer = _quiz_answer()  # the right index, from the package
    radios.nth((answer + 1) % radios.count()).check()
    quiz.locator("button:has-text('Check')").click()
    wait_feedback(quiz, r"^✗ 01\.")
    radios.nth(answer).check()
    quiz.locator("button:has-text('Check')").click()
    wait_feedback(quiz, r"^✓ 01\.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figure = page.locator(".jp-RenderedImage img:visible").last
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=str(ARTIFACTS / "korean_figure.png"))
    page.locator(".jp-NotebookPanel:visible .jp-MarkdownCell").first.screenshot(
        path=str(ARTIFACTS / "korean_text.png")
    )


def _quiz_answer() -> int:
    from dlbook import exercises

    return next(e for e in exercises.catalog("01") if hasattr(e, "options")).answer


def test_server_is_local_and_needs_the_token(lab):
    url, _, _ = lab
    assert url.startswith("http://127.0.0.1:")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{url}/api/contents", timeout=10)
    assert exc.value.code in (401, 403)


def test_lab_folder_is_a_copy(lab):
    _, _, work = lab
    assert work != ROOT / "chapters" and json.loads((work / sorted(_chapters())[0]).read_text())
