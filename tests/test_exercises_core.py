"""The exercise machinery: results, messages, hints, quizzes, widgets and the catalog."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from dlbook import backend
from dlbook.exercises import (
    Case,
    CheckFailure,
    Exercise,
    Quiz,
    Result,
    catalog,
    checks,
    core,
    function_exercise,
    get,
    index,
)
from dlbook.testing import fake_device


@pytest.fixture(autouse=True)
def _private_home(dlbook_home):
    return dlbook_home


def _step_reference(z):
    return np.where(z >= 0, 1.0, 0.0)


def _step_strict(z):
    return np.where(z > 0, 1.0, 0.0)


def _step_bool(z):
    return z >= 0


def _step_in_place(z):
    z[...] = np.where(z >= 0, 1.0, 0.0)
    return z


def _stub(z):
    raise NotImplementedError("write your code here")


def make_step(**kwargs):
    return function_exercise(
        id="01.step_function",
        title="The step function",
        prompt="Write `step(z)`: array (N,) -> array (N,) of 0.0 and 1.0.",
        reference=_step_reference,
        cases=[
            Case("z = 0 (the boundary)", (np.array([0.0]),)),
            Case("mixed signs", (np.array([-2.0, 3.0, -0.5]),)),
        ],
        hints=["The idea.", "The formula.", "The code shape."],
        wrong_answers=[_step_strict, _step_bool],
        **kwargs,
    )


# --- results and messages ----------------------------------------------------------------------


def test_passed_line():
    r = make_step().evaluate(_step_reference)
    assert (r.exercise_id, r.status, r.message) == (
        "01.step_function",
        "passed",
        "passed (2 cases)",
    )
    assert str(r) == "✓ 01.step_function: passed (2 cases)"
    assert r.passed


def test_failed_line_names_case_index_and_values():
    r = make_step().evaluate(_step_strict)
    assert r.status == "failed"
    assert r.message == (
        "on case 'z = 0 (the boundary)': expected 1.0 at index 0, got 0.0; max abs error 1.0"
    )
    assert str(r) == f"✗ 01.step_function: {r.message}. Try {r.tip[4:]}"
    assert r.tip == 'Try exercises.get("01.step_function").hint()'


def test_not_attempted():
    ex = make_step()
    for fn in (_stub, None, ...):
        r = ex.evaluate(fn)
        assert (r.status, r.message) == ("not attempted", "not attempted yet")
        assert str(r) == "· 01.step_function: not attempted yet"


def test_check_prints_one_line_and_returns_result(capsys):
    r = make_step().check(_step_strict)
    out = capsys.readouterr().out
    assert out == str(r) + "\n"
    assert out.count("\n") == 1
    assert isinstance(r, Result)


def test_result_shows_nothing_more_in_ipython():
    """check() printed the line; a Result as a cell's last value must not show it again."""
    from IPython.core.formatters import DisplayFormatter

    r = Result("01.x", "passed", "passed")
    assert DisplayFormatter().format(r) == ({}, {})


def test_result_from_line_round_trip():
    for status in ("passed", "failed", "not attempted"):
        r = Result("03.stable_softmax", status, "message: with 'quotes'")
        back = Result.from_line(str(r))
        assert back is not None
        assert (back.exercise_id, back.status) == (r.exercise_id, r.status)
    assert Result.from_line("just some output") is None


def test_dtype_checked_when_asked():
    ex = make_step(check_dtype=True)
    r = ex.evaluate(_step_bool)
    assert r.status == "failed"
    assert "dtype" in r.message and "bool" in r.message
    assert make_step().evaluate(_step_bool).status == "passed"  # values equal, dtype not checked


def test_mutation_is_detected_and_cannot_corrupt_the_reference():
    hidden = np.array([-2.0, 0.0, 3.0])
    ex = function_exercise(
        id="01.step_function",
        title="t",
        prompt="p",
        reference=_step_reference,
        cases=[Case("mixed signs", (hidden,))],
    )
    r = ex.evaluate(_step_in_place)
    assert r.status == "failed"
    assert r.message.startswith("on case 'mixed signs': your function changed its input `z`")
    np.testing.assert_array_equal(hidden, [-2.0, 0.0, 3.0])  # the hidden case is untouched
    assert ex.evaluate(_step_reference).status == "passed"
    assert make_step(check_mutation=False).evaluate(_step_in_place).status == "passed"


def test_reader_exceptions_become_messages():
    def raises(z):
        raise ValueError("bad thing")

    r = make_step().evaluate(raises)
    assert r.status == "failed"
    assert r.message == "on case 'z = 0 (the boundary)': your function raised ValueError: bad thing"


@pytest.mark.parametrize(
    ("answer", "expected_in_message"),
    [
        (3, "expected a function, got int"),
        ("step", "expected a function, got str"),
        (lambda a, b: a, "cannot be called with 1 argument(s)"),
        (lambda: 0, "expected a signature like (z)"),
        (lambda z: None, "returned None (did you forget `return`?)"),
        (lambda z: "text", "expected an array of shape (1,), got str"),
        (lambda z: {"a": 1}, "expected an array of shape (1,), got a dict of 1 items"),
        (lambda z: np.ones((1, 1)), "expected shape (1,), got (1, 1)"),
        (lambda z: [1.0, "a"], "expected shape (1,), got (2,)"),
        (lambda z: [object()], "expected an array, got a list of mixed items"),
        (lambda z: 1 / 0, "your function raised ZeroDivisionError: division by zero"),
        (lambda z: np.exp(z * 1e4), "returned NaN/inf at index 1 where 1.0 was expected"),
        (lambda z: z.missing, "raised AttributeError"),
        (int, "raised TypeError"),
    ],
)
def test_bad_answers_never_raise(answer, expected_in_message):
    r = make_step().evaluate(answer)
    assert r.status == "failed"
    assert expected_in_message in r.message


def test_a_broken_checker_still_does_not_raise():
    def checker(fn):
        return {}["missing"]  # a bug outside checks.call

    ex = Exercise("02.broken", "t", "p", _step_reference, checker, ["h1", "h2"])
    r = ex.evaluate(_step_reference)
    assert r.status == "failed"
    assert r.message.startswith("the check stopped with KeyError")


def test_custom_checker_success_detail_and_failure():
    def checker(fn):
        x = checks.call(fn, np.array([1.0]), case="one")
        if x[0] != 1.0:
            raise CheckFailure("on case 'one': expected 1.0")
        return "1 case"

    ex = Exercise("02.custom", "t", "p", _step_reference, checker, ["a", "b"], [_step_strict])
    assert str(ex.evaluate(_step_reference)) == "✓ 02.custom: passed (1 case)"
    assert ex.evaluate(lambda z: z * 0).message == "on case 'one': expected 1.0"


def test_tuple_dict_and_scalar_outputs():
    def ref(x):
        return x * 2, x.sum()

    ex = function_exercise(
        id="02.pair", title="t", prompt="p", reference=ref, cases=[Case("c", (np.ones(3),))]
    )
    assert ex.evaluate(ref).status == "passed"
    assert ex.evaluate(lambda x: x * 2).message == (
        "on case 'c': expected a tuple of 2 outputs, got an array of shape (3,)"
    )
    assert ex.evaluate(lambda x: (x * 2, x.sum(), 0)).message == (
        "on case 'c': expected 2 outputs, got 3"
    )
    assert ex.evaluate(lambda x: (x * 2, x.sum() + 1)).message == (
        "on case 'c': output 2: expected 3.0, got 4.0 (abs error 1.0)"
    )
    assert "output 2: expected a single number, got an array of shape (1,)" in (
        ex.evaluate(lambda x: (x * 2, x[:1] * 3)).message
    )

    def grads(x):
        return {"W": x * 3, "b": x[:2]}

    ex = function_exercise(
        id="02.grads", title="t", prompt="p", reference=grads, cases=[Case("c", (np.ones(3),))]
    )
    assert ex.evaluate(grads).status == "passed"
    assert "expected the keys ['W', 'b'], got ['W']" in ex.evaluate(lambda x: {"W": x}).message
    msg = ex.evaluate(lambda x: {"W": x * 3, "b": x[:2] * 2}).message
    assert msg.startswith("on case 'c': ['b']: expected 1.0 at index 0, got 2.0")


def test_compare_override():
    def compare(got, expected, case):
        if not np.allclose(np.sort(got), np.sort(expected)):
            raise CheckFailure(f"on case '{case}': not the same values")

    ex = function_exercise(
        id="02.perm",
        title="t",
        prompt="p",
        reference=lambda x: x[::-1],
        cases=[Case("c", (np.arange(3.0),))],
        compare=compare,
    )
    assert ex.evaluate(lambda x: x.copy()).status == "passed"
    assert ex.evaluate(lambda x: x + 1).message == "on case 'c': not the same values"


def test_device_arrays_are_compared_on_the_host():
    with fake_device():
        r = make_step().evaluate(lambda z: backend.asarray(_step_reference(z)))
        r_bad = make_step().evaluate(lambda z: backend.asarray(_step_strict(z)))
    assert r.status == "passed"
    assert "expected 1.0 at index 0, got 0.0" in r_bad.message


def test_no_runtime_warnings_leak_from_reader_code(recwarn):
    make_step().evaluate(lambda z: np.exp(z * 1e4) / np.exp(z * 1e4))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_case_and_exercise_validation():
    with pytest.raises(TypeError, match=r"args must be a tuple"):
        Case("no tuple", np.array([1.0]))
    with pytest.raises(ValueError, match="NN.snake_case"):
        Exercise("1.step", "t", "p", _step_reference, lambda fn: None)
    with pytest.raises(ValueError, match="at least one Case"):
        function_exercise(id="01.x", title="t", prompt="p", reference=_step_reference, cases=[])
    with pytest.raises(TypeError, match="hints must be a list of strings"):
        Exercise("01.x", "t", "p", _step_reference, lambda fn: None, hints="one string")


# --- hints and solutions -----------------------------------------------------------------------


def test_hint_tiers():
    ex = make_step()
    assert ex.hint() == "Hint 1/3: The idea."
    assert ex.hint() == "Hint 2/3: The formula."
    last = "Hint 3/3: The code shape.\n(That was the last hint; .solution() shows a reference solution.)"
    assert ex.hint() == last
    assert ex.hint() == last  # stays on the last one
    assert ex.hint(level=1) == "Hint 1/3: The idea."
    with pytest.raises(ValueError, match="from 1 to 3"):
        ex.hint(level=4)


def test_solution_is_the_dedented_reference_source():
    def nested_reference(z):
        return np.where(z >= 0, 1.0, 0.0)

    ex = Exercise("01.nested", "t", "p", nested_reference, lambda fn: None)
    text = ex.solution()
    assert text.startswith("def nested_reference(z):\n    return np.where")
    # the package's private name is not shown: the leading underscore goes, and with the
    # reader's function (or its name) the solution takes that name, recursion included
    assert make_step().solution().startswith("def step_reference(z):")

    def step(z):
        raise NotImplementedError

    assert make_step().solution(like=step).startswith("def step(z):\n")
    assert make_step().solution(like="my_step").startswith("def my_step(z):")
    assert make_step().solution(like=lambda z: z).startswith("def step_reference(z):")

    def _fact(n):
        return 1 if n <= 1 else n * _fact(n - 1)

    shown = Exercise("01.fact", "t", "p", _fact, lambda fn: None).solution(like="fact")
    assert "return 1 if n <= 1 else n * fact(n - 1)" in shown and "_fact" not in shown


def test_handle_names_the_chapter_module(monkeypatch):
    module = types.ModuleType("dlbook.exercises.ch98")

    def ref(z):
        return z

    ref.__module__ = module.__name__
    module.identity = Exercise("98.identity", "t", "p", ref, lambda fn: None, ["h", "i"])
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert module.identity._failed("no").tip == "Try ch98.identity.hint()"


# --- quizzes -----------------------------------------------------------------------------------


def make_quiz():
    return Quiz(
        id="00.first_neuron",
        question="Who proposed the first model neuron?",
        options=["Rosenblatt", "McCulloch and Pitts", "Hebb"],
        answer=1,
        explanation="McCulloch and Pitts, 1943.",
        hint="Think of 1943.",
    )


def test_quiz_answers():
    q = make_quiz()
    assert q.reference == 1 and q.wrong_answers == (0, 2)
    assert str(q.evaluate(1)) == "✓ 00.first_neuron: right: McCulloch and Pitts, 1943."
    assert q.evaluate(np.int64(1)).status == "passed"
    assert q.evaluate(" mcculloch and  PITTS ").status == "passed"
    assert str(q.evaluate(0)) == (
        "✗ 00.first_neuron: option 0 ('Rosenblatt') is not the answer. Think of 1943."
    )
    assert q.evaluate(None).status == "not attempted"
    assert q.evaluate(5).message.startswith("choose an option number from 0 to 2, got 5")
    assert "not one of the options" in q.evaluate("Minsky").message
    assert q.evaluate(True).status == "failed"
    assert q.solution().startswith("Answer 1) McCulloch and Pitts")
    with pytest.raises(ValueError, match="index from 0 to 2"):
        Quiz("00.q", "?", ["a", "b", "c"], 3, "e")


def test_quiz_check_prints_one_line(capsys):
    make_quiz().check(2)
    assert capsys.readouterr().out.startswith("✗ 00.first_neuron: option 2 ('Hebb')")


# --- widgets -----------------------------------------------------------------------------------


def _texts(output):
    """What a panel's feedback area shows, as text (it is an HTML widget)."""
    return output.text


def test_exercise_panel_buttons_headless():
    pytest.importorskip("ipywidgets")
    ex = make_step()
    panel = ex.panel(_step_strict)
    assert panel.check_button.description == "Check"
    panel.check_button.click()
    assert _texts(panel.output) == str(ex.evaluate(_step_strict)) + "\n"
    panel.hint_button.click()
    assert _texts(panel.output) == "Hint 1/3: The idea.\n"  # replaces, does not pile up
    panel.hint_button.click()
    assert _texts(panel.output) == "Hint 2/3: The formula.\n"
    panel.solution_button.click()
    assert _texts(panel.output).startswith("def _step_strict(z):")  # the reader's name
    assert "word-break: normal" in panel.output.value  # wraps between words, not inside


def test_hints_are_counted_per_panel():
    pytest.importorskip("ipywidgets")
    ex = make_step()
    first = ex.panel(_step_strict)
    first.hint_button.click()
    first.hint_button.click()
    first.hint_button.click()
    assert _texts(first.output).startswith("Hint 3/3")
    second = ex.panel(_step_strict)  # a second panel of the same exercise starts afresh
    second.hint_button.click()
    assert _texts(second.output) == "Hint 1/3: The idea.\n"


def test_panel_prints_the_plain_check_once_and_shows_a_static_view(capsys):
    pytest.importorskip("ipywidgets")
    ex = make_step()
    panel = ex.panel(_step_strict)
    assert capsys.readouterr().out == str(ex.evaluate(_step_strict)) + "\n"
    bundle = panel._repr_mimebundle_()
    assert bundle["text/plain"] == "<exercise panel 01.step_function: Check / Hint / Solution>"
    assert "01.step_function" in bundle["text/html"] and "VBox" not in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_invalid_submissions_are_not_counted(monkeypatch):
    recorded = []
    monkeypatch.setattr(core.progress, "record", lambda i, status: recorded.append(status))
    ex, q = make_step(), make_quiz()
    for bad in ("step", 7):
        assert ex.check(bad).status == "failed"
    for bad in (7, "no such option", 1.5):
        assert q.check(bad).status == "failed"
    assert recorded == []
    ex.check(_step_strict)
    q.check(0)
    assert recorded == ["failed", "failed"]


def test_plain_repl_shows_the_line_once_and_texts_without_quotes(monkeypatch, capsys):
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    monkeypatch.setattr(sys, "displayhook", sys.__displayhook__)
    ex = make_step()
    result = ex.check(_step_strict)
    assert capsys.readouterr().out == ""  # the REPL echoes the returned Result instead
    assert repr(result) == str(result)
    hint = ex.hint()
    assert repr(hint) == "Hint 1/3: The idea." and "\\n" not in repr(ex.solution())


def test_quiz_panel_headless():
    pytest.importorskip("ipywidgets")
    q = make_quiz()
    panel = q.panel()
    panel.check_button.click()  # nothing chosen: asked to choose, nothing recorded
    assert (
        _texts(panel.output)
        == "· 00.first_neuron: choose one of the options above, then press Check.\n"
    )
    panel.hint_button.click()
    assert _texts(panel.output) == "Hint 1/1: Think of 1943.\n"
    panel.solution_button.click()
    assert _texts(panel.output).startswith("Answer 1) McCulloch and Pitts")
    assert q.panel(1).radio.index == 1  # an answer given in code is preselected
    panel.radio.index = 1
    panel.check_button.click()
    assert _texts(panel.output).startswith("✓ 00.first_neuron: right")


def test_quiz_panel_lists_long_options_in_full_and_keeps_radio_labels_short():
    pytest.importorskip("ipywidgets")
    long = "an option so long that a radio button label would be cut off at the edge " * 3
    q = Quiz(
        id="99.long_options", question="Which?", options=["short", long], answer=1, explanation=""
    )
    panel = q.panel()
    labels = [label for label, _ in panel.radio.options]
    assert labels[0] == "0) short" and labels[1].startswith("1) an option") and len(labels[1]) <= 64
    assert long.strip() in panel.children[0].value  # the full text, which wraps
    panel.radio.index = 1
    panel.check_button.click()
    assert _texts(panel.output).startswith("✓ 99.long_options: right")


def test_panels_without_ipywidgets(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    assert make_step().panel(_step_strict) is None
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✗ 01.step_function: on case 'z = 0 (the boundary)'")
    assert ".hint() gives a hint" in out[1]
    assert make_quiz().panel() is None
    assert "1) McCulloch and Pitts" in capsys.readouterr().out


# --- progress is part of check -----------------------------------------------------------------


def test_check_records_progress(dlbook_home):
    from dlbook.exercises import progress

    ex = make_step()
    ex.check(_stub)
    assert progress.load() == {}  # not an attempt
    ex.check(_step_strict)
    ex.check(_step_reference)
    entry = progress.load()["01.step_function"]
    assert (entry["status"], entry["best"], entry["attempts"]) == ("passed", "passed", 2)


def test_unwritable_progress_warns_and_check_still_works(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DLBOOK_HOME", str(blocker / "home"))  # cannot be created
    with pytest.warns(UserWarning, match="could not save exercise progress"):
        r = make_step().check(_step_reference)
    assert r.status == "passed"
    assert capsys.readouterr().out == "✓ 01.step_function: passed (2 cases)\n"


# --- checks helpers ----------------------------------------------------------------------------


def test_expect_close_gradient():
    def f(x):
        return float(np.sum(x**3))

    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    assert checks.expect_close_gradient(lambda x: 3 * x**2, f, x, case="c") < 1e-6
    with pytest.raises(CheckFailure, match=r"on case 'c': gradient differs .* max relative error"):
        checks.expect_close_gradient(lambda x: 2 * x**2, f, x, case="c")
    with pytest.raises(CheckFailure, match=r"expected shape \(2, 2\), got \(4,\)"):
        checks.expect_close_gradient(lambda x: x.ravel(), f, x, case="c")
    with pytest.raises(checks.NotAttempted):
        checks.expect_close_gradient(_stub, f, x)
    assert x[0, 0] == 0.5  # never changed


def test_expect_scalar_shape_finite():
    checks.expect_scalar(np.float32(0.5), 0.5, rtol=1e-6)
    checks.expect_scalar(np.array(2.0), 2)
    with pytest.raises(CheckFailure, match=r"expected 0.5, got 0.25 \(abs error 0.25\)"):
        checks.expect_scalar(0.25, 0.5)
    with pytest.raises(CheckFailure, match="returned NaN/inf"):
        checks.expect_scalar(float("inf"), 1.0)
    with pytest.raises(CheckFailure, match=r"on case 'x': expected shape \(3, 4\), got \(4, 3\)"):
        checks.expect_shape(np.zeros((4, 3)), (3, 4), case="x")
    with pytest.raises(CheckFailure, match=r"returned NaN/inf at index \(1, 0\)"):
        checks.expect_finite(np.array([[1.0, 2.0], [np.nan, 0.0]]))
    checks.expect_array(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))  # NaN where expected


def test_same_value_compares_deep_copies_of_plain_objects():
    import copy

    class Layer:
        def __init__(self):
            self.params = {"W": np.ones(2)}

    a = Layer()
    b = copy.deepcopy(a)
    assert checks.same_value(a, b)
    b.params["W"][0] = 5
    assert not checks.same_value(a, b)
    rng = np.random.default_rng(0)  # not global state; a C object
    assert checks.same_value(rng, copy.deepcopy(rng))


# --- catalog -----------------------------------------------------------------------------------


def _module(name, *items):
    m = types.ModuleType(f"dlbook.exercises.{name}")
    for i, ex in enumerate(items):
        setattr(m, f"ex{i}", ex)
    return m


def test_catalog_duplicate_ids_are_an_error(monkeypatch):
    a = make_step()
    b = make_step()
    monkeypatch.setattr(
        index, "chapter_modules", lambda: {"01": _module("ch01", a), "02": _module("ch02", b)}
    )
    with pytest.raises(ValueError, match=r"Duplicate exercise id '01.step_function'.*ch01.*ch02"):
        catalog()


def test_catalog_filter_order_and_get(monkeypatch):
    step, quiz = make_step(), make_quiz()
    m01 = _module("ch01", step, step)  # the same object twice counts once
    monkeypatch.setattr(index, "chapter_modules", lambda: {"00": _module("ch00", quiz), "01": m01})
    assert catalog() == [quiz, step]
    assert catalog("01") == catalog(1) == catalog("ch01") == [step]
    assert catalog("07") == []
    assert get("00.first_neuron") is quiz
    with pytest.raises(KeyError, match=r"Did you mean 01.step_function"):
        get("01.step_fuction")
    with pytest.raises(ValueError, match="chapter must be a number"):
        catalog("softmax")


def test_real_catalog_loads():
    """Whatever chapter modules exist import cleanly and have unique ids."""
    items = catalog()
    assert all(isinstance(ex, (Exercise, Quiz)) for ex in items)


# --- in a real kernel ----------------------------------------------------------------------------


def test_in_a_notebook_each_check_shows_exactly_one_line(dlbook_home):
    """What strict nbval will compare: one stdout line per check, hints without quotes."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    setup = (
        "import numpy as np\n"
        "from dlbook.exercises import Case, function_exercise\n"
        "ex = function_exercise(id='01.step_function', title='t', prompt='p',\n"
        "    reference=lambda z: np.where(z >= 0, 1.0, 0.0),\n"
        "    cases=[Case('z = 0', (np.array([0.0]),))], hints=['first', 'second'])\n"
        "def step(z):\n"
        "    raise NotImplementedError\n"
        "ex.check(step)"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell("r = ex.check(lambda z: z * 0)\nr"),
        nbformat.v4.new_code_cell("ex.hint()"),
    ]
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    first, second, third = (cell.outputs for cell in nb.cells)
    assert [(o.output_type, o.text) for o in first] == [
        ("stream", "· 01.step_function: not attempted yet\n")
    ]
    assert len(second) == 1 and second[0].output_type == "stream"
    assert second[0].text.startswith("✗ 01.step_function: on case 'z = 0': expected 1.0")
    assert [o.output_type for o in third] == ["execute_result"]
    assert third[0].data["text/plain"] == "Hint 1/2: first"


def test_a_quiz_title_is_one_line_and_short_whatever_the_question():
    q = Quiz(
        id="99.long",
        question="A network was trained with inverted dropout, p = 0.5 (half of the hidden units\n"
        "dropped in each step). What does it do at test time, and why does that keep the scale?",
        options=["a", "b"],
        answer=0,
        explanation="because",
    )
    assert "\n" not in q.title and len(q.title) <= 102
    assert q.title.startswith(
        "A network was trained with inverted dropout, p = 0.5 (half of the hidden"
    )
    assert q.title.endswith(" …")
    assert (
        Quiz(id="99.short", question="Why?", options=["a", "b"], answer=1, explanation="").title
        == "Why?"
    )


def test_prompt_html_flows_soft_line_breaks_and_keeps_list_items_apart():
    from dlbook.exercises.widgets import markdown_html

    assert markdown_html("A network was trained\nwith dropout.") == (
        "<p>A network was trained with dropout.</p>"
    )
    assert markdown_html("Options:\n- one\n2) two") == "<p>Options:<br>- one<br>2) two</p>"
    assert markdown_html("kept  \nbreak\n\nnext `x*y`") == (
        "<p>kept<br>break</p>\n<p>next <code>x*y</code></p>"
    )
