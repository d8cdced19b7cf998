"""Every stored chapter is a clean, honest run; the checks themselves are tested on tiny notebooks."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dlbook import glossary
from tests import notebook_checks
from tests.notebook_checks import anatomy_problems, glossary_problems, problems

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_there_are_chapters():
    assert len(CHAPTERS) >= 2, "chapters/ holds no notebooks: nbval would test nothing"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_is_a_clean_run(path):
    assert problems(path) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_anatomy(path):
    assert anatomy_problems(path) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_korean_terms_match_glossary(path):
    assert glossary_problems(path) == []


# --- the checks, on notebooks built in code --------------------------------------------


def _write(tmp_path, name, cells):
    nb = new_notebook(cells=cells)
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def _ran(source, n, outputs=()):
    cell = new_code_cell(source, execution_count=n)
    cell.outputs = list(outputs)
    return cell


SETUP = "import dlbook as dl\nrng = dl.setup_notebook(seed=0)"
TITLE = "# 01 · The perceptron (퍼셉트론)"


def test_clean_notebook_passes(tmp_path):
    path = _write(
        tmp_path,
        "01_perceptron.ipynb",
        [new_markdown_cell(TITLE), _ran(SETUP, 1), _ran("1 + 1", 2)],
    )
    assert problems(path) == [] and anatomy_problems(path) == []


def test_unexecuted_cell_fails(tmp_path):
    path = _write(tmp_path, "nb_unrun.ipynb", [_ran(SETUP, 1), new_code_cell("1 + 1")])
    assert any("never run" in p for p in problems(path))


def test_out_of_order_run_fails(tmp_path):
    path = _write(tmp_path, "nb_reordered.ipynb", [_ran(SETUP, 3), _ran("1", 1)])
    assert any("not 1..n" in p for p in problems(path))


def test_stored_error_fails(tmp_path):
    err = new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])
    path = _write(tmp_path, "nb_error.ipynb", [_ran("1/0", 1, [err])])
    assert any("stores an error" in p for p in problems(path))


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("# NBVAL_IGNORE_OUTPUT: timings vary\nprint(1)", True),
        ("# NBVAL_IGNORE_OUTPUT\nprint(1)", False),
        ("# NBVAL_IGNORE_OUTPUT:   \nprint(1)", False),
        ("print(1)\n# NBVAL_IGNORE_OUTPUT: too late", False),
    ],
)
def test_ignore_output_needs_a_first_line_reason(tmp_path, source, ok):
    path = _write(tmp_path, "nb_marker.ipynb", [_ran(source, 1)])
    assert (problems(path) == []) is ok


def test_oversized_notebook_fails(tmp_path):
    big = new_output("stream", name="stdout", text="x" * (3 * 1024 * 1024 + 10))
    path = _write(tmp_path, "nb_big.ipynb", [_ran("print('x' * 3_000_000)", 1, [big])])
    assert any("more than 3 MB" in p for p in problems(path))


def test_anatomy_flags_missing_title_and_setup(tmp_path):
    path = _write(tmp_path, "99_unknown.ipynb", [new_markdown_cell("# Chapter"), _ran("x = 1", 1)])
    found = anatomy_problems(path)
    assert len(found) == 3


def test_glossary_mismatch_is_found(tmp_path):
    md = "The **perceptron** (퍼셉트론) and **backpropagation** (역전파) and **zorbl** (조르블)."
    path = _write(tmp_path, "nb_terms.ipynb", [new_markdown_cell(md)])
    found = glossary_problems(path)
    assert len(found) == 2
    assert any("glossary says (오류역전파)" in p for p in found)
    assert any("zorbl" in p for p in found)


def test_korean_first_use_skips_quotations_and_flags_a_bare_first_use(tmp_path):
    md = (
        '# 99 · Test (시험)\n\nThe myth: "neural networks cannot do XOR". In fact **neural '
        "network** (신경망) units do. We train for ten epochs at a small learning rate."
    )
    path = _write(tmp_path, "99_terms.ipynb", [new_markdown_cell(md)])
    found = notebook_checks.korean_first_use_problems(
        path, ["neural network", "epoch", "learning rate", "perceptron"]
    )
    assert len(found) == 2
    assert any("'epoch' lacks (에포크)" in p for p in found)
    assert any("'learning rate' lacks (학습률)" in p for p in found)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_korean_at_first_use_in_each_chapter(path):
    """Key terms, and the terms a chapter introduces, carry their glossary Korean at their first
    use in that chapter, not a chapter later: every chapter present."""
    terms = list(notebook_checks.KEY_TERMS) + [t.en for t in glossary.terms(chapter=path.name[:2])]
    assert notebook_checks.korean_first_use_problems(path, terms) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_each_quiz_lists_its_options_once(path):
    """A quiz written out in the text lists the package's options once each, in order.

    (Chapter 00's quizzes are shown by their panels only.)
    """
    import re

    from dlbook import exercises

    quizzes = {
        q.id: q for q in exercises.catalog(path.name[:2]) if hasattr(q, "options")
    }  # fmt: skip
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        m = re.match(r"\*\*Quiz (\d\d\.\w+)\.\*\*", cell.source)
        if cell.cell_type != "markdown" or not m:
            continue
        quiz = quizzes[m.group(1)]
        listed = re.findall(r"^\s*\d+[.)] (.+?)\s*$", cell.source, re.M)
        assert listed == list(quiz.options), f"{quiz.id}: the text lists {listed}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_references_to_unwritten_chapters_say_coming(path):
    """A chapter or appendix named in the text exists, or the reference says '(coming)'."""
    assert notebook_checks.reference_problems(path) == []


def test_reference_check_flags_an_unmarked_reference(tmp_path):
    cells = [
        new_markdown_cell(
            "DQN in chapter 09. Word vectors in chapter 10 (coming). RBMs in chapters 07–08.\n"
            "GPUs in appendix A; the glossary is appendix B (coming)."
        )
    ]
    path = tmp_path / "00_x.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    found = notebook_checks.reference_problems(path, written={"00", "07", "08"})
    assert len(found) == 2
    assert "'chapter 09" in found[0] and "names 09" in found[0]
    assert "names A" in found[1]
    assert notebook_checks.reference_problems(path, written={"00", "07", "08", "09", "A"}) == []
    nbformat.write(new_notebook(cells=[new_markdown_cell("chapters 07–09")]), path)
    assert "names 09" in notebook_checks.reference_problems(path, written={"07", "08"})[0]


RESULTS = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_measured_numbers_in_the_prose_are_printed_by_the_chapter(path):
    """A "mean ± sd" quoted in the text is in the stored outputs (or cited from RESULTS.md)."""
    assert notebook_checks.measured_claim_problems(path, RESULTS) == []


def test_the_chapters_quote_measured_numbers_that_the_check_reads():
    claims = [
        m.group(0)
        for path in CHAPTERS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown"
        for m in notebook_checks.MEASURED.finditer(cell.source)
    ]
    assert len(claims) >= 40, claims  # 54 when the check was written


def test_a_stale_measured_number_is_found(tmp_path):
    printed = new_output("stream", name="stdout", text="CD-1: −1.60 ± 0.20 nats; n = 1,234 ± 56\n")

    def found(prose, elsewhere=""):
        cells = [_ran("print(...)", 1, [printed]), new_markdown_cell(prose)]
        path = _write(tmp_path, "07_x.ipynb", cells)
        return notebook_checks.measured_claim_problems(path, elsewhere)

    assert found("CD-1 reached −1.60 ± 0.20 nats over 1234 ± 56 runs.") == []
    assert found("CD-1 reached -1.60 +- 0.20 nats.") == []
    for stale in ("−1.50 ± 0.20", "1.60 ± 0.20", "−1.60 ± 0.2", "−1.6 ± 0.20", "−11.60 ± 0.20"):
        problems_ = found(f"CD-1 reached {stale} nats.")
        assert len(problems_) == 1 and "markdown cell 1" in problems_[0], (stale, problems_)
    assert found("0.12 ± 0.29 nats below.", elsewhere="| -0.12 ± 0.29 |") == []
    assert found("0.12 ± 0.29 nats below.", elsewhere="| -0.12 ± 0.3 |") != []
