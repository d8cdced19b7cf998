"""Widget playgrounds built on ipywidgets, one submodule per chapter.

ipywidgets and matplotlib are imported inside the functions that build a
playground, so importing this package needs neither::

    from dlbook.interactive import ch01
    ch01.perceptron_playground()

Each playground keeps its update logic in plain functions, so tests drive it
headlessly (set a slider's value, press a button with ``.click()``, read the
figure or the state).
"""
