"""Training progress bars read right: full and saying why when a run stops early, metrics
that wrap under a bar that keeps its width in the notebook widget (dlbook.progressbar)."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import progressbar
from dlbook.layers import Dense, SoftmaxCrossEntropy
from dlbook.network import Sequential


def _stopping_run(capsys, **kwargs):
    rng = np.random.default_rng(0)  # data only
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=64)
    model = Sequential([Dense(3, 2, rng=0)], loss=SoftmaxCrossEntropy())
    # a validation set of noise and a large step: the validation loss stops improving
    history = model.fit(
        x, y, epochs=40, batch_size=16, validation=(x[:8], 1 - y[:8]), early_stopping=2,
        progress=True, rng=0, **kwargs,
    )  # fmt: skip
    return history, capsys.readouterr().err


def test_an_early_stop_ends_as_a_full_bar_that_says_why(capsys):
    history, err = _stopping_run(capsys)
    assert history.stopped_early
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in last, last
    assert "fit stopped early (epoch " in last and "/40)" in last
    assert "no better val loss in 2 epochs" in last


def test_progress_is_off_under_tests(monkeypatch):
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    assert not progressbar.progress_enabled()
    monkeypatch.setenv("DLBOOK_PROGRESS", "1")
    assert progressbar.progress_enabled()


def test_notebook_widget_keeps_its_bar_and_wraps_the_text(monkeypatch):
    pytest.importorskip("ipywidgets")
    import tqdm.auto
    import tqdm.notebook

    monkeypatch.setattr(tqdm.auto, "tqdm", tqdm.notebook.tqdm)
    bar = progressbar.Bar(100, "fit")
    _, pbar, text = bar._bar.container.children
    assert pbar.layout.min_width == progressbar.BAR_MIN_WIDTH  # never squeezed to 0 px
    assert bar._bar.container.layout.flex_flow == "row wrap"  # long metrics go under it
    bar.update(30)
    bar.metrics("loss 0.123  accuracy 96.1 %  val loss 0.234  val accuracy 93.0 %")
    bar.finish("stopped early (epoch 3/10)", why="no better val loss in 2 epochs")
    assert pbar.bar_style == "success" and pbar.value == pbar.max == 30
    left, right = (w.value.replace("\u2007", " ") for w in (bar._bar.container.children[0], text))
    assert "fit stopped early (epoch 3/10)" in left and "100%" in left
    assert "val accuracy 93.0 %" in right and "(no better val loss in 2 epochs)" in right

    failed = progressbar.Bar(100, "fit")
    failed.update(10)
    failed.finish("stopped in epoch 1: the loss diverged", failed=True)
    assert failed._bar.container.children[1].bar_style == "danger"
