"""Run chapters top to bottom and store their outputs: ``make chapters`` (or CHAPTERS="04").

Each notebook is executed in a fresh kernel, in the environment nbval uses
(tools/notebook_env.py), with its own folder as the working directory, and written
back atomically only if every cell ran without an error. Widget state is stored so
that the book shows its widgets.

    python -m tools.run_chapters                 # every chapter
    python -m tools.run_chapters 02 04           # chapters whose names start so
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

from dlbook._io import atomic_write_text
from tests.notebook_checks import CHAPTER_FILES
from tools import notebook_env

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def select(prefixes: list[str], folder: Path = CHAPTERS) -> list[Path]:
    """The chapters whose file names start with one of ``prefixes`` (all when none).

    Only the book's own notebooks (``CHAPTER_FILES``) count, not a scratch copy or an
    ``Untitled.ipynb`` left in the folder.
    """
    books = sorted(p for p in folder.glob("*.ipynb") if p.name in CHAPTER_FILES)
    if not prefixes:
        return books
    chosen = [p for p in books if any(p.name.startswith(x) for x in prefixes)]
    unknown = [x for x in prefixes if not any(p.name.startswith(x) for p in books)]
    if unknown:
        names = ", ".join(p.name for p in books)
        raise SystemExit(
            f"run_chapters: no chapter starts with {unknown}; the chapters are {names}."
        )
    return chosen


def execute(path: Path, timeout: int = 600) -> float:
    """Run ``path`` top to bottom and store it; return the seconds it took."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError, and nothing is written
    seconds = time.perf_counter() - t0
    atomic_write_text(path, nbformat.writes(nb) + "\n")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="chapter name prefixes, e.g. 00 04")
    args = parser.parse_args(argv)
    notebook_env.apply()
    print(f"floating-point pins: {notebook_env.describe()}")
    for path in select(args.prefixes):
        print(f"{path.name:<45} {execute(path):6.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
