"""The figure helpers every playground shares (dlbook.interactive._figure)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from dlbook.interactive._figure import blank_figure, png_bytes


def test_blank_figure_makes_a_small_figure_without_pyplot():
    before = plt.get_fignums()
    fig = blank_figure(None, (4.0, 2.5))
    assert tuple(fig.get_size_inches()) == (4.0, 2.5) and fig.dpi == 80
    assert plt.get_fignums() == before  # not registered with pyplot: nothing shows on its own


def test_blank_figure_clears_and_reuses_the_figure_it_is_given():
    fig = blank_figure(None, (3.0, 2.0))
    fig.subplots(1, 2)
    again = blank_figure(fig, (9.0, 9.0))
    assert again is fig and fig.axes == []
    assert tuple(fig.get_size_inches()) == (3.0, 2.0)  # the size of a given figure is kept


def test_png_bytes_are_a_png_without_the_software_stamp_and_repeatable():
    fig = blank_figure(None, (2.0, 1.5))
    fig.subplots().plot([0, 1], [1, 0])
    data = png_bytes(fig)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in data and b"matplotlib" not in data.lower()
    assert png_bytes(fig) == data
