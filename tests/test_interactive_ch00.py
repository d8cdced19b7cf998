"""Chapter 00's playgrounds, driven headlessly: toggles, slider, caption, table, figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from dlbook.interactive import ch00


def test_state_follows_the_firing_rule():
    s = ch00.MPUnitState(n_excitatory=3, n_inhibitory=1, threshold=2)
    assert not s.fires
    s.set_input("exc", 0, True)
    assert not s.fires  # 1 of 3, threshold 2
    s.set_input("exc", 2, True)
    assert s.fires and "FIRES" in s.caption()
    s.set_input("inh", 0, True)
    assert not s.fires and "absolute veto" in s.caption()
    s.set_input("inh", 0, False)
    s.set_threshold(3)
    assert not s.fires and "not reached" in s.caption()


def test_truth_table_marks_the_current_pattern_and_counts():
    s = ch00.MPUnitState(2, 1, 2)
    s.set_input("exc", 0, True)
    s.set_input("exc", 1, True)
    text = s.truth_table_text()
    marked = [line for line in text.splitlines() if line.endswith("<")]
    assert marked == [" 1  1  0   1  <"]
    assert text.splitlines()[-1] == "fires on 1 of 8 patterns"


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_excitatory"):
        ch00.MPUnitState(0, 1)
    s = ch00.MPUnitState(2, 0, 1)
    with pytest.raises(ValueError, match="threshold"):
        s.set_threshold(5)
    with pytest.raises(ValueError, match="no inh input"):
        s.set_input("inh", 0, True)


def test_playground_widgets_drive_the_state_and_redraw():
    box = ch00.mp_playground(n_excitatory=2, n_inhibitory=1, threshold=1)
    first = box.image.value
    assert "stays silent" in box.caption.value
    box.exc_buttons[0].value = True
    assert box.state.fires and "FIRES" in box.caption.value
    assert box.image.value != first  # the drawing changed
    assert "<" in box.table.value
    box.inh_buttons[0].value = True
    assert not box.state.fires and "veto" in box.caption.value
    box.slider.value = 0
    assert box.state.threshold == 0


def test_figure_colours_the_unit_when_it_fires():
    s = ch00.MPUnitState(1, 0, 1)
    fig = s.draw()
    unit = [p for p in fig.axes[0].patches if p.get_radius() > 0.08][0]
    assert matplotlib.colors.to_hex(unit.get_facecolor()) == "#ffffff"
    s.set_input("exc", 0, True)
    fig = s.draw(fig)
    unit = [p for p in fig.axes[0].patches if p.get_radius() > 0.08][0]
    assert matplotlib.colors.to_hex(unit.get_facecolor()) == ch00.FIRE.lower()


def test_timeline_explorer_filters_lanes_and_years():
    from dlbook.plots import timeline

    total = len(timeline.MILESTONES)
    box = ch00.timeline_explorer()
    assert box.caption.value.startswith(f"{total} milestones in 4 lane(s)")
    first = box.image.value
    box.checkboxes[0].value = False
    assert "3 lane(s)" in box.caption.value and box.image.value != first
    box.years.value = (2000, 2017)
    n = int(box.caption.value.split()[0])
    assert 0 < n < total
