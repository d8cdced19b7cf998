"""Checks that a stored chapter is the honest record of a real top-to-bottom run.

Used by tests/test_notebook_hygiene.py on every chapter, and tested on small
notebooks built in code (nbformat) whose names say the expected outcome.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from dlbook import glossary

CHAPTER_FILES = {
    "00_history.ipynb",
    "01_perceptron.ipynb",
    "02_backpropagation.ipynb",
    "03_softmax_cross_entropy.ipynb",
    "04_training_deep_networks.ipynb",
    "05_convolutional_networks.ipynb",
    "06_recurrent_networks.ipynb",
    "07_restricted_boltzmann_machines.ipynb",
    "08_deep_belief_networks.ipynb",
    "09_deep_q_networks.ipynb",
    "10_word_vectors.ipynb",
    "11_applications_and_limits.ipynb",
    "A_running_on_a_gpu.ipynb",
    "B_glossary.ipynb",
}
MAX_BYTES = 3 * 1024 * 1024
MARKER = re.compile(r"#\s*NBVAL_(IGNORE_OUTPUT|SKIP|RAISES_EXCEPTION)\b(.*)")
TITLE = re.compile(r"^# (\d\d|[A-Z]) · .+ \([^()]*[\uac00-\ud7a3][^()]*\)\s*$")
# **English term** (한국어): the Korean must be the glossary's.
TERM = re.compile(r"\*\*([^*\n]+?)\*\*\s*\(([^()\n]*[\uac00-\ud7a3][^()\n]*)\)")


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def problems(path: str | Path) -> list[str]:
    """Everything wrong with a stored chapter; an empty list means it is clean."""
    path = Path(path)
    found: list[str] = []
    if path.stat().st_size > MAX_BYTES:
        found.append(f"{path.name}: {path.stat().st_size / 2**20:.1f} MB, more than 3 MB")
    nb = nbformat.read(path, as_version=4)
    cells = code_cells(nb)
    counts = [c.execution_count for c in cells]
    if any(n is None for n in counts):
        first = next(i for i, c in enumerate(cells) if c.execution_count is None)
        found.append(f"{path.name}: code cell {first} was never run (store a top-to-bottom run)")
    elif counts != list(range(1, len(cells) + 1)):
        found.append(
            f"{path.name}: execution counts {counts[:8]}... are not 1..n (not one clean run)"
        )
    for i, cell in enumerate(cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{path.name}: code cell {i} stores an error ({out.get('ename')})")
        for n, line in enumerate(cell.source.splitlines()):
            m = MARKER.search(line)
            if not m:
                continue
            reason = m.group(2).lstrip(":").strip()
            if n != 0:
                found.append(
                    f"{path.name}: code cell {i}: NBVAL_{m.group(1)} must be the first line"
                )
            if not reason:
                found.append(
                    f"{path.name}: code cell {i}: NBVAL_{m.group(1)} needs a reason: '# NBVAL_{m.group(1)}: why'"
                )
    return found


def anatomy_problems(path: str | Path) -> list[str]:
    """The parts every chapter has (DESIGN §3): a title with its Korean name, the set-up cell."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    found = []
    if path.name not in CHAPTER_FILES:
        found.append(f"{path.name}: not one of the fixed chapter file names (DESIGN.md §1)")
    first = nb.cells[0] if nb.cells else None
    title = first.source.splitlines()[0] if first is not None and first.source else ""
    if first is None or first.cell_type != "markdown" or not TITLE.match(title):
        found.append(
            f"{path.name}: first cell must be a title like '# 05 · Convolutional networks (합성곱 신경망)'"
        )
    cells = code_cells(nb)
    if (
        not cells
        or "import dlbook as dl" not in cells[0].source
        or "dl.setup_notebook(" not in cells[0].source
    ):
        found.append(
            f"{path.name}: the first code cell must import dlbook as dl and call dl.setup_notebook(seed=...)"
        )
    return found


def glossary_problems(path: str | Path) -> list[str]:
    """Every '**term** (한국어)' in the chapter's text agrees with the glossary data file."""
    nb = nbformat.read(Path(path), as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for en, ko in TERM.findall(cell.source):
            try:
                term = glossary.lookup(en)
            except KeyError:
                found.append(f"{Path(path).name}: '{en}' ({ko}) is not in dlbook/data/glossary.csv")
                continue
            if term.ko != ko.strip():
                found.append(
                    f"{Path(path).name}: '{en}' is given as ({ko}); the glossary says ({term.ko})"
                )
    return found


# Terms a reader meets in many chapters: each chapter gives their Korean at its own first use
# (STYLE: "Korean at first use in each chapter, from the glossary, not a chapter later").
KEY_TERMS = (
    "deep learning",
    "backpropagation",
    "dropout",
    "vanishing gradient",
    "perceptron",
    "GPU",
    "rectified linear unit",
    "hidden layer",
    "gradient descent",
    "overfitting",
    "mini-batch",
    "neocognitron",
    # the book's core vocabulary, met again in later chapters
    "neural network",
    "supervised learning",
    "unsupervised learning",
    "learning rate",
    "epoch",
    "softmax",
    "cross-entropy",
    "early stopping",
    "test set",
    "validation set",
    "weight decay",
    "momentum",
    "pre-training",
    "fine-tuning",
    "exploding gradient",
    "convolutional neural network",
    "recurrent neural network",
    "restricted Boltzmann machine",
    "deep belief network",
)
# Inline code, maths, *italic titles* and "quotations" (of sources, of paper titles, of the
# popular story) are not the book's running text.
_SKIP_SPANS = re.compile(
    r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|(?<![*\w])\*(?!\*)[^*\n]+?\*(?![*\w])"
    r'|"[^"]{1,300}?"|“[^”]{1,300}?”',
    re.S,
)


def _prose(nb) -> str:
    """The chapter's running text: markdown cells up to the references, without headings,
    quizzes, inline code, maths or italic titles (blanked, so that positions stay put)."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        src = cell.source
        if re.match(r"#+ .*Reference", src):
            break
        if src.lstrip().startswith("**Quiz"):
            continue
        lines = [
            (" " * len(line) if line.lstrip().startswith("#") else line) for line in src.split("\n")
        ]
        src = "\n".join(lines)
        src = _SKIP_SPANS.sub(lambda m: " " * len(m.group(0)), src)
        parts.append(src)
    return "\n\n".join(parts)


def first_use(text: str, en: str) -> re.Match | None:
    """The first occurrence of an English term (or its plural) as a whole word."""
    flags = 0 if en.isupper() else re.I
    return re.compile(r"(?<![\w-])" + re.escape(en) + r"(s|es)?(?![\w-])", flags).search(text)


def korean_first_use_problems(path: str | Path, terms: list[str]) -> list[str]:
    """For each English term the chapter uses, its glossary Korean follows its first use."""
    nb = nbformat.read(Path(path), as_version=4)
    text = _prose(nb)
    found = []
    for en in terms:
        m = first_use(text, en)
        if m is None:
            continue
        ko = glossary.lookup(en).ko
        if ko not in text[m.end() : m.end() + 40]:
            context = " ".join(text[max(0, m.start() - 30) : m.end() + 30].split())
            found.append(f"{Path(path).name}: first use of '{en}' lacks ({ko}): …{context}…")
    return found


# "chapter 09", "chapters 07–08", "appendix A": a reference to a part of the book.
REFERENCE = re.compile(
    r"\b(?:[Cc]hapters?\s+(\d\d)(?:\s*[–-]\s*(\d\d))?|[Aa]ppendix\s+([A-Z])\b)(?=(?P<after>.{0,12}))",
    re.S,
)


def reference_problems(path: str | Path, written: set[str] | None = None) -> list[str]:
    """References in the Markdown to chapters or appendices not written yet, unless marked.

    A part of the book is written when its notebook is in the chapters folder
    (``written``: the file names' prefixes, "09", "A"); a reference to another part must
    say "(coming)" right after it: "in chapter 09 (coming)".
    """
    path = Path(path)
    if written is None:
        written = {p.name.split("_")[0] for p in path.parent.glob("*.ipynb")}
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in REFERENCE.finditer(cell.source):
            first, last, letter = m.group(1), m.group(2), m.group(3)
            parts = (
                [letter]
                if letter
                else [f"{n:02d}" for n in range(int(first), int(last or first) + 1)]
            )
            missing = [p for p in parts if p not in written]
            if missing and "(coming)" not in m.group("after"):
                found.append(
                    f"{path.name}: markdown cell {i}: {m.group(0).strip()!r} names "
                    f"{', '.join(missing)}, not written yet: mark it '(coming)'"
                )
    return found


# "−3.87 ± 0.14", "+1.1 ± 1.3", "1,234 ± 56": a measured mean and spread quoted in the prose.
_NUM = r"[−+-]?\d[\d,]*(?:\.\d+)?"
MEASURED = re.compile(rf"(?<![\w.])({_NUM})\s*±\s*({_NUM})(?![\d])")


def _plain(text: str) -> str:
    """Minus signs as '-', no thousands separators, '+-' and '+/-' as '±'."""
    text = text.replace("−", "-").replace("+/-", "±").replace("+-", "±")
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def _outputs(nb) -> str:
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "stream":
                texts.append(str(out.get("text", "")))
            else:
                texts.append(str(out.get("data", {}).get("text/plain", "")))
    return _plain("\n".join(texts))


def measured_claim_problems(path: str | Path, elsewhere: str = "") -> list[str]:
    """Every "mean ± spread" in the Markdown is printed by the chapter's own outputs.

    Prose quotes measured numbers by hand; when a chapter is re-run and its outputs
    change, a quoted number that no output prints any more is stale. A claim counts as
    found when an output prints it with the same sign, or when ``elsewhere`` (the text of
    benchmarks/RESULTS.md, where the prose cites a benchmark) holds it with either sign.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    printed = _outputs(nb)
    cited = _plain(elsewhere)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in MEASURED.finditer(cell.source):
            mean, spread = (_plain(g).lstrip("+") for g in m.groups())
            tail = r"\s*±\s*" + re.escape(spread) + r"(?![\d])"
            exact = r"(?<![\w.+-])\+?" + re.escape(mean) + tail
            any_sign = r"(?<![\w.])[+-]?" + re.escape(mean.lstrip("-")) + tail
            if re.search(exact, printed) or re.search(any_sign, cited):
                continue
            context = " ".join(cell.source[max(0, m.start() - 40) : m.end() + 20].split())
            found.append(
                f"{path.name}: markdown cell {i}: {m.group(0)!r} is printed by no output of "
                f"the chapter (nor cited from benchmarks/RESULTS.md); stale after a re-run? "
                f"…{context}…"
            )
    return found
