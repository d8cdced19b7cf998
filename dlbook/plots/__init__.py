"""Figures shared by the chapters: one submodule per kind of figure.

matplotlib is imported inside the functions that draw, so importing this package
is cheap and the numeric core never depends on it. Import the submodule you need::

    from dlbook.plots import boundaries
    boundaries.decision_boundary(predict, x, y)
"""
