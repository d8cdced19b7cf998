"""The English–Korean glossary, read from one data file (``dlbook/data/glossary.csv``).

Chapters give each key term in Korean at its first use, **term** (용어), and
Appendix B lists them all; both come from this file so that they never drift.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Term", "terms", "lookup"]


@dataclass(frozen=True)
class Term:
    """One glossary entry: the English term, its Korean form, a definition, and its chapter."""

    en: str
    ko: str
    definition: str
    chapter: str


@lru_cache(maxsize=1)
def _load() -> tuple[Term, ...]:
    text = resources.files("dlbook").joinpath("data/glossary.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(Term(r["en"], r["ko"], r["definition"], r["chapter"]) for r in rows)


def terms(chapter: str | None = None) -> list[Term]:
    """All terms, or those a chapter introduces (``chapter="03"``), in file order."""
    return [t for t in _load() if chapter is None or t.chapter == chapter]


def lookup(en: str) -> Term:
    """The entry for an English term (case-insensitive).

    Raises
    ------
    KeyError
        If the term is not in the glossary; the message names close matches.
    """
    key = en.strip().lower()
    for t in _load():
        if t.en.lower() == key:
            return t
    close = [t.en for t in _load() if key[:4] in t.en.lower()][:5]
    raise KeyError(f"glossary: no term {en!r}. Close: {close}. Add it to dlbook/data/glossary.csv.")
