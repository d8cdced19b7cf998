"""The milestones of neural networks, 1943–2015, each with its primary source: data only.

The rows live in ``dlbook/data/milestones.csv`` (year, label, who, lane, source),
read once at import into :data:`MILESTONES`. The timeline of chapter 00
(:mod:`dlbook.plots.timeline`) draws them; the source table and the tests read the
same list. Each source is the first publication of the idea (author, year, title,
venue); where a later, better-known version exists it is named after it. Built in
chapter 00.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "FIRST_YEAR",
    "LANES",
    "LAST_YEAR",
    "MILESTONES",
    "WINTERS",
    "Milestone",
    "check_lanes",
    "milestones",
]

FIRST_YEAR, LAST_YEAR = 1943, 2015

LANES: tuple[str, ...] = (
    "neurons & learning rules",
    "training deep networks",
    "architectures",
    "data & hardware",
)
# The two "AI winters" as they are commonly dated: cuts after the Lighthill report (1973)
# and DARPA's reviews, and the collapse of the Lisp-machine and expert-system market (1987).
# They concerned AI as a whole; neural-network papers kept appearing through both.
WINTERS: tuple[tuple[int, int], ...] = ((1974, 1980), (1987, 1993))


@dataclass(frozen=True)
class Milestone:
    """One event of the timeline.

    Attributes
    ----------
    year : int
        Year of the first publication.
    label : str
        A few words, for the figure.
    who : str
        Short author credit, for the figure: ``"Rosenblatt"``, ``"LeCun et al."``.
    lane : str
        One of :data:`LANES`.
    source : str
        The primary source: authors (year), title, venue.
    """

    year: int
    label: str
    who: str
    lane: str
    source: str


def _read() -> tuple[Milestone, ...]:
    """The milestones from ``dlbook/data/milestones.csv``, in the file's order."""
    text = resources.files("dlbook").joinpath("data/milestones.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Milestone(int(r["year"]), r["label"], r["who"], r["lane"], r["source"]) for r in rows
    )


#: Every milestone, read from ``dlbook/data/milestones.csv`` (one row each, grouped by lane).
MILESTONES: tuple[Milestone, ...] = _read()


def milestones(
    lanes: Iterable[str] | None = None, start: int = FIRST_YEAR, end: int = LAST_YEAR
) -> list[Milestone]:
    """The milestones of the given lanes between two years (inclusive), by lane then year.

    Raises
    ------
    ValueError
        For a lane that is not one of :data:`LANES`, or ``start > end``.
    """
    chosen = check_lanes(lanes)
    if start > end:
        raise ValueError(f"milestones: start ({start}) must not be after end ({end}).")
    order = {lane: i for i, lane in enumerate(LANES)}
    picked = [m for m in MILESTONES if m.lane in chosen and start <= m.year <= end]
    return sorted(picked, key=lambda m: (order[m.lane], m.year))


def check_lanes(lanes: Iterable[str] | None) -> tuple[str, ...]:
    if lanes is None:
        return LANES
    chosen = tuple(lanes)
    unknown = [lane for lane in chosen if lane not in LANES]
    if unknown:
        raise ValueError(f"timeline: unknown lane(s) {unknown}; the lanes are {list(LANES)}.")
    return chosen
