"""Exercise and quiz panels in ipywidgets: the prompt, buttons, and an output area.

ipywidgets is imported inside the functions, so that the exercises work (as plain
calls) where it is missing. The handlers only call the exercise's own methods and
write to the ``Output`` widget with ``append_stdout``, so that they can be driven
headlessly in tests: ``panel.check_button.click()`` then read ``panel.output.outputs``.
Used by every chapter's exercises (``Exercise.panel``, ``Quiz.panel``).
"""

from __future__ import annotations

import html
import re
import textwrap
from typing import TYPE_CHECKING, Any

from .progress import record_result

if TYPE_CHECKING:
    from .core import Exercise, Quiz

__all__ = ["exercise_panel", "markdown_html", "quiz_panel"]


def _ipywidgets() -> Any:
    """The ipywidgets module, or None when it cannot be imported."""
    try:
        import ipywidgets  # optional, imported lazily
    except ImportError:
        return None
    return ipywidgets


def markdown_html(text: str) -> str:
    """A tiny Markdown subset as HTML: paragraphs, `code`, **bold**, *italic*; LaTeX kept.

    Enough for exercise prompts; ``$...$`` is left for ``HTMLMath`` to typeset.
    """
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        s = html.escape(para, quote=False)
        s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
        s = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", s)
        s = re.sub(r"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])", r"<i>\1</i>", s)
        # As in Markdown, a single newline is a soft break (the text flows to the width);
        # a line ending in two spaces, or a list item, keeps its break.
        s = re.sub(r"  \n", "<br>", s)
        s = re.sub(r"\n(?=\s*(?:[-*] |\d+[.)] ))", "<br>", s)
        out.append("<p>" + s.replace("\n", " ") + "</p>")
    return "\n".join(out)


# Feedback wraps between words (a long token such as an array may break anywhere), never
# in the middle of a word, whatever the front end's default for text output is.
_FEEDBACK_STYLE = (
    "white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere; "
    "font-family: var(--jp-code-font-family, monospace); font-size: 0.92em; line-height: 1.45; "
    "margin: 0.3em 0"
)


def _feedback(w: Any) -> Any:
    """The panel's feedback area: an ``HTML`` widget holding one wrapped block of text."""
    out = w.HTML(value="", layout={"width": "100%"})
    out.add_class("dlbook-feedback")
    out.text = ""  # what is shown, as plain text (tests and the browser suite read it)
    return out


def _show(output: Any, text: str) -> None:
    """Replace what the feedback area shows with ``text``."""
    text = text.rstrip("\n")
    output.text = text + "\n"
    output.value = f'<div style="{_FEEDBACK_STYLE}">{html.escape(text)}</div>'


def _static_box(w: Any, children: list[Any], text: str, static_html: str) -> Any:
    """A ``VBox`` that shows ``text`` as its plain form and ``static_html`` where no widgets run.

    A stored notebook shows the panel's prompt (not ``VBox(children=(HTMLMath(...``) on
    GitHub and in an offline page; JupyterLab shows the live panel.
    """

    class Panel(w.VBox):
        def __repr__(self) -> str:
            return text

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, dict):
                bundle["text/plain"] = text
                bundle["text/html"] = static_html
            return bundle

    return Panel(children)


def exercise_panel(ex: Exercise, fn: Any) -> Any:
    """A ``VBox``: title and prompt, **Check** / **Hint** / **Solution** buttons, feedback.

    Parameters
    ----------
    ex : Exercise
        The exercise.
    fn : callable
        The reader's function, checked when **Check** is clicked.

    Returns
    -------
    ipywidgets.VBox or None
        With attributes ``check_button``, ``hint_button``, ``solution_button`` and
        ``output`` (an ``HTML`` widget; ``output.text`` is what it shows). Hints are
        counted per panel: a new panel starts at the first hint. The solution is shown
        under the name of the reader's function. ``None`` without ipywidgets: then how
        to get hints is printed instead.
    """

    w = _ipywidgets()
    if w is None:
        print(
            "(ipywidgets is not installed, so no buttons: "
            f"{ex._handle()}.hint() gives a hint, {ex._handle()}.solution() the solution)"
        )
        return None
    title = f"<b>{html.escape(ex.id)} · {html.escape(ex.title)}</b>"
    prompt = w.HTMLMath(value=f"{title}\n" + markdown_html(ex.prompt))
    check_button = w.Button(description="Check", button_style="primary", icon="check")
    hint_button = w.Button(description="Hint", icon="lightbulb-o")
    solution_button = w.Button(description="Solution", icon="eye")
    output = _feedback(w)
    shown = {"hints": 0}

    def on_check(_: Any) -> None:
        result = ex.evaluate(fn)
        if result.counted:
            record_result(result)
        _show(output, str(result))

    def on_hint(_: Any) -> None:
        n = len(ex.hints)
        if n == 0:
            _show(output, ex.hint())
            return
        shown["hints"] = min(shown["hints"] + 1, n)
        _show(output, ex.hint(level=shown["hints"]))

    def on_solution(_: Any) -> None:
        _show(output, ex.solution(like=fn))

    check_button.on_click(on_check)
    hint_button.on_click(on_hint)
    solution_button.on_click(on_solution)
    static = (
        f"{title}\n\n{markdown_html(ex.prompt)}\n\n"
        "<i>(Check / Hint / Solution buttons: run the cell in Jupyter.)</i>"
    )
    box = _static_box(
        w,
        [prompt, w.HBox([check_button, hint_button, solution_button]), output],
        f"<exercise panel {ex.id}: Check / Hint / Solution>",
        static,
    )
    box.check_button, box.hint_button, box.solution_button = (
        check_button,
        hint_button,
        solution_button,
    )
    box.output = output
    return box


def quiz_panel(quiz: Quiz, index: int | None = None) -> Any:
    """A ``VBox``: the question, radio buttons for the options, **Check** / **Hint** / **Solution**.

    Parameters
    ----------
    quiz : Quiz
    index : int, optional
        The option selected at first.

    Returns
    -------
    ipywidgets.VBox or None
        With attributes ``radio``, ``check_button``, ``hint_button``, ``solution_button``
        and ``output``. **Check** with no option chosen asks the reader to choose (and
        records nothing). ``None`` without ipywidgets: then the question is printed with
        how to answer it.
    """

    w = _ipywidgets()
    if w is None:
        print(quiz.prompt)
        print("(ipywidgets is not installed: answer with .check(number), e.g. .check(0))")
        return None
    # The options are listed in full (the text wraps); the radio buttons carry short labels,
    # because a radio label does not wrap and a long one is cut off at the cell's edge.
    listed = "\n\n".join(f"**{i})** {o}" for i, o in enumerate(quiz.options))
    body = markdown_html(f"{quiz.question}\n\n{listed}")
    question = w.HTMLMath(value=body)
    labels = [
        (f"{i}) {textwrap.shorten(str(o), 60, placeholder=' …')}", i)
        for i, o in enumerate(quiz.options)
    ]
    radio = w.RadioButtons(options=labels, value=index, layout={"width": "auto"})
    check_button = w.Button(description="Check", button_style="primary", icon="check")
    hint_button = w.Button(description="Hint", icon="lightbulb-o")
    solution_button = w.Button(description="Solution", icon="eye")
    output = _feedback(w)

    def on_check(_: Any) -> None:
        if radio.index is None:
            _show(output, f"· {quiz.id}: choose one of the options above, then press Check.")
            return
        result = quiz.evaluate(radio.index)
        record_result(result)
        _show(output, str(result))

    def on_hint(_: Any) -> None:
        _show(output, quiz.hint())

    def on_solution(_: Any) -> None:
        _show(output, quiz.solution())

    check_button.on_click(on_check)
    hint_button.on_click(on_hint)
    solution_button.on_click(on_solution)
    static = f"{body}\n\n<i>(Choose and Check: run the cell in Jupyter.)</i>"
    box = _static_box(
        w,
        [question, radio, w.HBox([check_button, hint_button, solution_button]), output],
        f"<quiz panel {quiz.id}: options 0 to {len(quiz.options) - 1}, Check / Hint / Solution>",
        static,
    )
    box.radio, box.check_button, box.output = radio, check_button, output
    box.hint_button, box.solution_button = hint_button, solution_button
    return box
