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

if TYPE_CHECKING:
    from .core import Exercise, Quiz

__all__ = ["exercise_panel", "markdown_html", "quiz_panel"]


def _ipywidgets() -> Any:
    """The ipywidgets module, or None when it cannot be imported."""
    try:
        import ipywidgets  # noqa: PLC0415  (optional, imported lazily)
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


def _show(output: Any, text: str) -> None:
    """Replace what the output area shows with ``text`` (works with and without a front end)."""
    output.outputs = ()
    output.append_stdout(text.rstrip("\n") + "\n")


def exercise_panel(ex: Exercise, fn: Any) -> Any:
    """A ``VBox``: title and prompt, **Check** / **Hint** / **Solution** buttons, an ``Output``.

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
        ``output``. ``None`` without ipywidgets: then the check is printed, with how
        to get hints, instead.
    """
    from .core import _record  # noqa: PLC0415  (core imports this module lazily)

    w = _ipywidgets()
    if w is None:
        print(ex.evaluate(fn))
        print(
            "(ipywidgets is not installed, so no buttons: "
            f"{ex._handle()}.hint() gives a hint, {ex._handle()}.solution() the solution)"
        )
        return None
    prompt = w.HTMLMath(
        value=f"<b>{html.escape(ex.id)} · {html.escape(ex.title)}</b>\n" + markdown_html(ex.prompt)
    )
    check_button = w.Button(description="Check", button_style="primary", icon="check")
    hint_button = w.Button(description="Hint", icon="lightbulb-o")
    solution_button = w.Button(description="Solution", icon="eye")
    output = w.Output()

    def on_check(_: Any) -> None:
        result = ex.evaluate(fn)
        _record(result)
        _show(output, str(result))

    def on_hint(_: Any) -> None:
        _show(output, ex.hint())

    def on_solution(_: Any) -> None:
        _show(output, ex.solution())

    check_button.on_click(on_check)
    hint_button.on_click(on_hint)
    solution_button.on_click(on_solution)
    box = w.VBox([prompt, w.HBox([check_button, hint_button, solution_button]), output])
    box.check_button, box.hint_button, box.solution_button = (
        check_button,
        hint_button,
        solution_button,
    )
    box.output = output
    return box


def quiz_panel(quiz: Quiz) -> Any:
    """A ``VBox``: the question, radio buttons for the options, **Check**, an ``Output``.

    Returns
    -------
    ipywidgets.VBox or None
        With attributes ``radio``, ``check_button`` and ``output``. ``None`` without
        ipywidgets: then the question is printed with how to answer it.
    """
    from .core import _record  # noqa: PLC0415

    w = _ipywidgets()
    if w is None:
        print(quiz.prompt)
        print("(ipywidgets is not installed: answer with .check(number), e.g. .check(0))")
        return None
    # The options are listed in full (the text wraps); the radio buttons carry short labels,
    # because a radio label does not wrap and a long one is cut off at the cell's edge.
    listed = "\n\n".join(f"**{i})** {o}" for i, o in enumerate(quiz.options))
    question = w.HTMLMath(value=markdown_html(f"{quiz.question}\n\n{listed}"))
    labels = [
        (f"{i}) {textwrap.shorten(str(o), 60, placeholder=' …')}", i)
        for i, o in enumerate(quiz.options)
    ]
    radio = w.RadioButtons(options=labels, value=None, layout={"width": "auto"})
    check_button = w.Button(description="Check", button_style="primary", icon="check")
    output = w.Output()

    def on_check(_: Any) -> None:
        result = quiz.evaluate(radio.index)
        _record(result)
        _show(output, str(result))

    check_button.on_click(on_check)
    box = w.VBox([question, radio, check_button, output])
    box.radio, box.check_button, box.output = radio, check_button, output
    return box
