"""Chapter 02's playgrounds, driven headlessly: training state, captions, figures, widgets."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dlbook.interactive import ch02

# --- XorTrainer -----------------------------------------------------------------------------


def test_xor_is_learnt_with_four_hidden_units():
    t = ch02.XorTrainer(hidden=4, eta=2.0, epochs=1500, seed=0).train()
    assert len(t.costs) == 1501
    assert t.costs[-1] < 0.01 < t.costs[0]
    assert t.solved_epoch is not None and 0 < t.solved_epoch < 1500
    np.testing.assert_array_equal(t.predict(ch02.XOR_X), [0, 1, 1, 0])
    assert "all four patterns right from epoch" in t.caption()


def test_training_is_reproducible_and_depends_on_the_seed():
    a = ch02.XorTrainer(hidden=2, eta=1.0, epochs=200, seed=3).train()
    b = ch02.XorTrainer(hidden=2, eta=1.0, epochs=200, seed=3).train()
    c = ch02.XorTrainer(hidden=2, eta=1.0, epochs=200, seed=4).train()
    assert a.costs == b.costs
    assert a.costs != c.costs


def test_a_tiny_learning_rate_has_not_solved_it_yet():
    t = ch02.XorTrainer(hidden=2, eta=0.01, epochs=100, seed=0).train()
    assert t.solved_epoch is None
    assert abs(t.costs[-1] - t.costs[0]) < 1e-3  # barely moved
    assert "not solved in 100 epochs" in t.caption()


def test_cost_is_the_books_mse_of_the_network_output():
    t = ch02.XorTrainer(hidden=3, eta=0.5, epochs=10, seed=1).train()
    p = np.asarray(t.probabilities(ch02.XOR_X))
    expected = 0.5 * np.mean((p - ch02.XOR_D.ravel()) ** 2)
    assert t.costs[-1] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"hidden": 0}, "hidden must be an int > 0"),
        ({"eta": -1.0}, "eta must be a number > 0"),
        ({"epochs": 2.5}, "epochs must be an int > 0"),
    ],
)
def test_bad_settings_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ch02.XorTrainer(**kwargs).train()


def test_draw_has_a_boundary_and_a_cost_curve():
    t = ch02.XorTrainer(hidden=2, eta=2.0, epochs=300, seed=1).train()
    fig = t.draw()
    ax_b, ax_c = fig.axes[:2]
    assert len(ax_b.collections) >= 1  # the coloured regions and the points
    (line,) = [ln for ln in ax_c.get_lines() if ln.get_label() == "cost"]
    np.testing.assert_allclose(line.get_ydata(), t.costs)
    spans_a_decade = max(t.costs) >= 10 * min(t.costs)
    assert ax_c.get_yscale() == ("log" if spans_a_decade else "linear")
    assert t.png().startswith(b"\x89PNG")


def test_trainer_runs_on_the_fake_device(device):
    t = ch02.XorTrainer(hidden=2, eta=2.0, epochs=50, seed=0).train()
    assert len(t.costs) == 51 and all(np.isfinite(t.costs))
    assert t.predict(ch02.XOR_X).shape == (4,)


# --- the XOR widget ------------------------------------------------------------------------------


def test_sliders_retrain_and_redraw():
    box = ch02.xor_playground(hidden=2, eta=2.0, epochs=200, seed=0)
    caption0, png0 = box.caption.value, bytes(box.image.value)
    box.hidden.value = 4
    assert box.trainer.hidden == 4 and box.trainer.model.layers[0].params["W"].shape == (2, 4)
    assert box.caption.value != caption0 and box.caption.value.startswith("H = 4")
    png1 = bytes(box.image.value)
    assert png1 != png0 and png1.startswith(b"\x89PNG")
    box.eta.value = 0.1
    assert box.trainer.eta == pytest.approx(0.1)
    box.epochs.value = 300
    assert len(box.trainer.costs) == 301


def test_next_seed_button_moves_the_seed_and_retrains():
    box = ch02.xor_playground(epochs=100, seed=5)
    costs0 = list(box.trainer.costs)
    box.next_seed.click()
    assert box.seed.value == 6 and box.trainer.seed == 6
    assert box.trainer.costs != costs0
    assert "seed 6" in box.caption.value


def test_playground_text_form_is_one_short_line():
    box = ch02.xor_playground(epochs=100)
    assert repr(box).startswith("<XOR playground") and "PNG" not in repr(box)


# --- BumpBuilder and its widget ----------------------------------------------------------------


def test_bump_is_high_between_the_steps_and_low_outside():
    b = ch02.BumpBuilder(w=40.0, s1=-1.0, s2=1.0, a=0.8)
    up, down, p = b.contributions()
    np.testing.assert_allclose(p, up + down, atol=1e-12)
    inside = np.abs(b.x) < 0.8
    outside = np.abs(b.x) > 1.2
    assert np.all(np.abs(p[inside] - 0.8) < 1e-3)
    assert np.all(np.abs(p[outside]) < 1e-3)


def test_bump_caption_gives_the_network_weights():
    b = ch02.BumpBuilder(w=10.0, s1=-1.0, s2=0.5, a=1.0)
    assert b.caption() == (
        "hidden 1: weight 10, bias 10; hidden 2: weight 10, bias −5; output weights +1 and −1"
    )
    negative = ch02.BumpBuilder(w=10.0, s1=-1.0, s2=0.5, a=-0.8).caption()
    assert negative.endswith("output weights −0.8 and +0.8") and "−-" not in negative


def test_xor_cost_axis_of_less_than_a_decade_is_linear_with_distinct_ticks():
    t = ch02.XorTrainer(hidden=1, eta=0.5, epochs=30, seed=0)
    t.train()
    t.costs = [0.1401, 0.1400, 0.1399] * 10  # a flat cost: one run that learns nothing
    ax_c = t.draw().axes[1]
    assert ax_c.get_yscale() == "linear"
    labels = [tick.get_text() for tick in ax_c.get_yticklabels() if tick.get_text()]
    assert len(labels) == len(set(labels)) >= 2


def test_bump_sliders_redraw():
    box = ch02.bump_playground()
    png0 = bytes(box.image.value)
    box.steepness.value = 2.0
    box.right.value = 2.5
    assert box.builder.w == 2.0 and box.builder.s2 == 2.5
    assert bytes(box.image.value) != png0
    assert "weight 2" in box.caption.value
    lines = box.builder.draw().axes[0].get_lines()
    assert [ln.get_label() for ln in lines][-1] == "output p(x)"
    assert repr(box).startswith("<bump playground")
