"""The timeline's data (every milestone dated and sourced) and its figure and table."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure

from dlbook.plots import timeline


@pytest.mark.parametrize("m", timeline.MILESTONES, ids=lambda m: f"{m.year}-{m.label}")
def test_every_milestone_is_dated_in_range_and_sourced(m):
    assert isinstance(m.year, int) and 1943 <= m.year <= 2015
    assert m.lane in timeline.LANES
    assert m.label.strip() and m.who.strip()
    # a primary source names its year in parentheses and more than a name
    assert f"({m.year})" in m.source, f"{m.label}: the source does not give the year {m.year}"
    assert len(m.source) > 40


def test_lanes_are_all_used_and_labels_unique_per_lane():
    assert {m.lane for m in timeline.MILESTONES} == set(timeline.LANES)
    pairs = [(m.lane, m.label) for m in timeline.MILESTONES]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(
    ("label", "year"),
    [  # dates that popular accounts get wrong
        ("backprop popularised", 1986),
        ("dropout", 2012),
        ("reverse-mode differentiation", 1970),
        ("vanishing gradients analysed", 1991),
        ("limits of one-layer perceptrons", 1969),
    ],
)
def test_contested_dates(label, year):
    (m,) = [m for m in timeline.MILESTONES if m.label == label]
    assert m.year == year


def test_milestones_filter_and_order():
    arch = timeline.milestones(["architectures"], 1990, 2015)
    assert arch and all(m.lane == "architectures" and 1990 <= m.year <= 2015 for m in arch)
    assert [m.year for m in arch] == sorted(m.year for m in arch)
    assert len(timeline.milestones()) == len(timeline.MILESTONES)
    with pytest.raises(ValueError, match="unknown lane"):
        timeline.milestones(["music"])
    with pytest.raises(ValueError, match="start"):
        timeline.milestones(start=2000, end=1990)


def test_draw_puts_one_dot_and_label_per_milestone_inside_the_axes():
    fig = timeline.draw(fig=Figure(dpi=80))
    ax = fig.axes[0]
    labels = [t for t in ax.texts if "(" in t.get_text()]
    assert len(labels) == len(timeline.MILESTONES)
    assert ax.get_xlabel() and ax.get_title()
    fig.canvas.draw()  # labels must lie inside the axes: none is cut off
    box = ax.get_window_extent()
    for t in labels:
        ext = t.get_window_extent()
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1, t.get_text()


def test_draw_a_subset_of_lanes_and_years():
    fig = timeline.draw(["data & hardware"], 2000, 2016, winters=False, fig=Figure(dpi=80))
    labels = [t.get_text() for t in fig.axes[0].texts if "(" in t.get_text()]
    assert len(labels) == len(timeline.milestones(["data & hardware"], 2000, 2015))


def test_source_table_has_a_row_per_milestone_in_year_order():
    table = timeline.source_table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(timeline.MILESTONES)
    years = [int(re.match(r"\| (\d{4}) \|", r).group(1)) for r in rows]
    assert years == sorted(years)
    assert table._repr_markdown_() == str(table)
