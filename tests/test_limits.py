"""Nothing hangs, nothing escapes: time-limited checks, in-process and in real kernels.

The limits are short (0.5 to 1 s) and the bounds on wall time generous (the test
machine is shared), but every bound is far below what the code under test would
take without a limit (an endless loop, an hour of sleep).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from dlbook import exercises
from dlbook.exercises import Case, Exercise, checks, function_exercise, limits

HAS_ALARM = hasattr(signal, "setitimer")


@pytest.fixture(autouse=True)
def _private_home(dlbook_home):
    return dlbook_home


def _spin():
    while True:
        pass


def _sleep():
    time.sleep(3600)


def _swallow():
    """A reader's code that catches everything once, the alarm too, then loops on."""
    try:
        while True:
            pass
    except BaseException:  # noqa: B036  (that is the point)
        pass
    while True:
        pass


def _catch_exceptions():
    """A loop around a loop that catches every Exception: the alarm is not one."""
    while True:
        try:
            while True:
                pass
        except Exception:
            pass


def _relu(z):
    return np.maximum(z, 0.0)


def _exercise():
    return function_exercise(
        id="99.relu",
        title="ReLU",
        prompt="p",
        reference=_relu,
        cases=[Case("z = [-1, 2]", (np.array([-1.0, 2.0]),)), Case("z = 0", (np.zeros(1),))],
    )


# --- the machinery ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [_spin, _sleep, _swallow, _catch_exceptions], ids=["loop", "sleep", "swallow", "except"]
)
@pytest.mark.parametrize("where", ["main", "thread"])
def test_run_stops_code_that_never_returns(body, where):
    if where == "main" and not HAS_ALARM:
        pytest.skip("no SIGALRM here: the thread method is tested below")
    outcome: dict = {}

    def attempt():
        start = time.monotonic()
        try:
            limits.run(body, 0.5)
        except limits.TimeLimitExceeded as exc:
            outcome["exc"] = exc
        outcome["took"] = time.monotonic() - start

    if where == "main":
        attempt()
    else:
        t = threading.Thread(target=attempt)
        t.start()
        t.join(30)
    assert isinstance(outcome["exc"], limits.TimeLimitExceeded)
    assert outcome["exc"].seconds == 0.5
    assert 0.45 <= outcome["took"] < 5.0


def test_the_thread_method_stops_a_python_loop():
    """Off the main thread the loop is stopped too, at its next instruction."""
    before = {t.ident for t in threading.enumerate()}
    outcome = {}
    t = threading.Thread(target=lambda: outcome.update(r=_try(lambda: limits.run(_spin, 0.3))))
    t.start()
    t.join(30)
    assert outcome["r"] == "time limit"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        workers = [
            w
            for w in threading.enumerate()
            if w.name == "dlbook-time-limited" and w.ident not in before
        ]
        if not workers:
            break
        time.sleep(0.05)
    assert not workers  # the spinning worker has ended: no CPU burnt behind the reader's back


def _try(fn):
    try:
        fn()
    except limits.TimeLimitExceeded:
        return "time limit"
    return "returned"


@pytest.mark.skipif(not HAS_ALARM, reason="SIGALRM")
def test_an_outer_timer_is_put_back():
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 2.0)
        assert limits.run(lambda: 7, 0.5) == 7
        with pytest.raises(limits.TimeLimitExceeded):
            limits.run(_spin, 0.2)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 1.0 < remaining < 2.0  # the outer timer runs on, less the time spent
        assert signal.getsignal(signal.SIGALRM) is not None and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_results_and_exceptions_pass_unchanged():
    assert limits.run(lambda: 3, 1.0) == 3
    with pytest.raises(ZeroDivisionError):
        limits.run(lambda: 1 / 0, 1.0)
    assert limits.run(lambda: 4, None) == 4


@pytest.mark.parametrize("bad", [-1, "5", float("nan"), True])
def test_a_bad_limit_is_one_clear_message(bad):
    with pytest.raises((TypeError, ValueError), match=r"must be a number of seconds > 0 or None"):
        exercises.set_time_limit(bad)


# --- in checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [_spin, _sleep], ids=["loop", "sleep"])
def test_a_check_reports_a_function_that_never_returns(body):
    ex = _exercise()
    start = time.monotonic()
    result = ex.evaluate(lambda z: body(), time_limit=0.5)
    took = time.monotonic() - start
    assert result.status == "failed"
    assert result.message.startswith(
        "your function did not return within 0.5 s on case 'z = [-1, 2]'"
    )
    assert "exercises.set_time_limit(2)" in result.message
    assert took < 5
    assert ex.evaluate(_relu).passed  # usable at once afterwards


def test_set_time_limit_and_the_environment(monkeypatch):
    monkeypatch.setattr(limits, "_default", [])
    monkeypatch.setenv("DLBOOK_TIME_LIMIT", "0.5")
    assert limits.default_seconds() == 0.5
    monkeypatch.setenv("DLBOOK_TIME_LIMIT", "0")
    assert limits.default_seconds() is None
    monkeypatch.delenv("DLBOOK_TIME_LIMIT")
    assert limits.default_seconds() == limits.DEFAULT_SECONDS == 5.0
    exercises.set_time_limit(0.25)
    assert "within 0.25 s" in _exercise().evaluate(lambda z: _spin()).message


def test_code_between_cases_is_limited_as_a_whole():
    """A checker that runs the reader's code outside checks.call is stopped as well."""

    def checker(fn):
        out = checks.call(fn, case="make")
        out()  # the reader's closure, run by the checker itself
        return "1 case"

    ex = Exercise("99.maker", "t", "p", reference=lambda: lambda: None, checker=checker)
    result = ex.evaluate(lambda: _spin, time_limit=0.1)
    assert result.status == "failed"
    assert "the check did not finish within 1.2 s" in result.message


@pytest.mark.parametrize(
    "exc, name",
    [(SystemExit(0), "SystemExit"), (GeneratorExit(), "GeneratorExit"), (SystemExit("bye"), "bye")],
)
def test_every_base_exception_but_ctrl_c_is_reported(exc, name, capsys):
    def reader(z):
        raise exc

    result = _exercise().check(reader)
    assert result.status == "failed" and name in result.message
    assert capsys.readouterr().out.startswith(
        "✗ 99.relu: on case 'z = [-1, 2]': your function raised"
    )

    def outside(fn):
        raise exc

    ex = Exercise("99.raw", "t", "p", reference=_relu, checker=outside)
    assert ex.evaluate(_relu).status == "failed"

    def interrupted(z):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # the kernel's Stop button still stops
        _exercise().evaluate(interrupted)


def test_the_checker_runs_under_a_fixed_error_state():
    """After np.seterr(all='raise') a right answer still passes (the reference underflows)."""

    def reference(z):
        return np.exp(z)  # exp(-800) underflows to 0: harmless

    ex = function_exercise(
        id="99.exp",
        title="t",
        prompt="p",
        reference=reference,
        cases=[Case("z", (np.array([-800.0, 0.0]),))],
    )
    with np.errstate(all="raise"):
        assert ex.evaluate(reference).passed
        assert ex.evaluate(np.exp).passed
        with pytest.raises(FloatingPointError):
            np.exp(np.array([-800.0]))  # the reader's own state is as they left it


# --- real processes --------------------------------------------------------------------------

_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from dlbook.exercises import Case, function_exercise
    ex = function_exercise(id="99.relu", title="t", prompt="p",
        reference=lambda z: np.maximum(z, 0.0),
        cases=[Case(f"case {i}", (np.array([-1.0, float(i)]),)) for i in range(6)])
    def forever(z):
        while True:
            pass
    def nap(z):
        time.sleep(10)
        return np.maximum(z, 0.0)
    def leave(z):
        sys.exit("bye")
    for fn in (forever, nap, leave):
        start = time.monotonic()
        ex.check(fn)
        print(f"took {time.monotonic() - start:.1f}", flush=True)
    np.seterr(all="raise")
    ex.check(lambda z: np.maximum(z, 0.0))
    """
)


def test_a_script_is_never_hung_and_carries_on(tmp_path):
    env = {"DLBOOK_TIME_LIMIT": "1", "DLBOOK_HOME": str(tmp_path / "home")}
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, **env},
    )
    took = time.monotonic() - start
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(
        "✗ 99.relu: your function did not return within 1 s on case 'case 0'"
    )
    assert lines[2].startswith(
        "✗ 99.relu: your function did not return within 1 s on case 'case 0'"
    )
    assert lines[4].startswith("✗ 99.relu: on case 'case 0': your function raised SystemExit: bye")
    assert lines[6] == "✓ 99.relu: passed (6 cases)"
    for i in (1, 3):  # each never-returning answer: reported within its limit, not 6 × 10 s
        assert float(lines[i].split()[1]) < 5.0
    assert took < 60


def test_in_a_real_kernel_a_never_returning_answer_is_stopped(dlbook_home):
    """A Jupyter kernel: the endless loop is reported within its limit, the kernel lives on."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    setup = (
        "import time, threading\n"
        "import numpy as np\n"
        "from dlbook import exercises\n"
        "from dlbook.exercises import Case, function_exercise\n"
        "ex = function_exercise(id='99.relu', title='t', prompt='p',\n"
        "    reference=lambda z: np.maximum(z, 0.0),\n"
        "    cases=[Case('z = [-1, 2]', (np.array([-1.0, 2.0]),))])\n"
        "exercises.set_time_limit(1)\n"
        "print(threading.current_thread() is threading.main_thread())"
    )
    loop = (
        "def relu(z):\n"
        "    while True:\n"
        "        pass\n"
        "start = time.monotonic()\n"
        "ex.check(relu)\n"
        "print(f'{time.monotonic() - start:.1f}')"
    )
    panel = (
        "p = ex.panel(lambda z: time.sleep(3600))\n"
        "start = time.monotonic()\n"
        "p.check_button.click()\n"
        "print(p.output.text.split(';')[0].split('. ')[0])\n"
        "print(f'{time.monotonic() - start:.1f}')"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell(loop),
        nbformat.v4.new_code_cell(panel),
        nbformat.v4.new_code_cell("ex.check(lambda z: np.maximum(z, 0.0))"),
    ]
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    texts = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]
    assert texts[0] == "True\n"  # cells run on the main thread: the alarm method is used
    first, took = texts[1].splitlines()
    assert first.startswith(
        "✗ 99.relu: your function did not return within 1 s on case 'z = [-1, 2]'"
    )
    assert float(took) < 5
    said, took = texts[2].splitlines()[-2:]  # the panel's own line, then the time
    assert said == "✗ 99.relu: your function did not return within 1 s on case 'z = [-1, 2]'"
    assert float(took) < 5
    assert texts[3] == "✓ 99.relu: passed (1 case)\n"
