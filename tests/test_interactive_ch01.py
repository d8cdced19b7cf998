"""Chapter 01's perceptron playground, driven headlessly: sliders, Step, Epoch, Reset, data menu."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dlbook.interactive import ch01

pytest.importorskip("ipywidgets")

X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_state_step_applies_the_rule_in_order():
    x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.0]])
    d = np.array([0, 1, 1])
    s = ch01.PlaygroundState(x, d, eta=0.5)
    r = s.step()  # z = 0 -> y = 1, target 0: mistake
    assert (r.index, r.z, r.y, r.delta) == (0, 0.0, 1, -1)
    np.testing.assert_array_equal(s.w, [-0.5, -1.0])
    assert s.b == -0.5 and s.updates == 1 and s.next_index == 1
    r = s.step()  # z = 0.5 - 0.5 - 0.5 = -0.5 -> y = 0, target 1: mistake
    assert r.delta == 1 and r.w_after == (-1.0, -0.75) and r.b_after == 0.0
    assert "Mistake" in r.describe(0.5) and "η = 0.5" in r.describe(0.5)
    s.step()
    assert s.next_index == 0 and s.epoch == 2
    s.reset()
    assert s.w.tolist() == [0.0, 0.0] and s.b == 0.0 and s.epoch == 1 and s.last is None


def test_state_counts_mistakes_and_refuses_bad_data():
    s = ch01.PlaygroundState(X_XOR, np.array([0, 1, 1, 0]))
    s.set_weights(1.0, 1.0, -0.5)  # OR's boundary: wrong only on (1, 1)
    assert s.mistakes() == 1 and s.misclassified().tolist() == [False, False, False, True]
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        ch01.PlaygroundState(np.ones((3, 3)), np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="values 0/1"):
        ch01.PlaygroundState(X_XOR, np.array([0, 2, 1, 0]))


def test_sliders_move_the_boundary_and_count_mistakes():
    pg = ch01.perceptron_playground("AND")
    first = pg.image.value
    pg.w1.value = 1.0
    pg.w2.value = 1.0
    pg.b.value = -1.5
    assert pg.state.w.tolist() == [1.0, 1.0] and pg.state.b == -1.5
    assert pg.state.mistakes() == 0
    assert "0 of 4 misclassified" in pg.info.value
    assert pg.image.value != first  # redrawn
    pg.b.value = 0.5  # everything fires: the three 0s are wrong
    assert pg.state.mistakes() == 3 and "3 of 4 misclassified" in pg.info.value


def test_step_button_uses_one_sample_and_syncs_the_sliders():
    pg = ch01.perceptron_playground("AND")
    before = pg.image.value
    pg.step_button.click()  # sample #0 = (0, 0), target 0, z = 0 fires: b -> -1
    assert pg.state.last is not None and pg.state.last.index == 0
    assert pg.state.b == -1.0 and pg.b.value == -1.0
    assert "sample #0" in pg.info.value and "Mistake" in pg.info.value
    assert pg.image.value != before
    pg.step_button.click()  # sample #1 = (0, 1), target 0, z = -1: correct
    assert pg.state.last.index == 1 and pg.state.last.delta == 0
    assert "no change" in pg.info.value


def test_epoch_button_until_converged_on_separable_data():
    pg = ch01.perceptron_playground()
    for _ in range(100):
        updates_before = pg.state.updates
        pg.epoch_button.click()
        if pg.state.updates == updates_before:  # a pass without an update
            break
    assert pg.state.mistakes() == 0
    assert pg.w1.value == pytest.approx(np.clip(pg.state.w[0], -5, 5))


def test_xor_keeps_making_mistakes_and_reset_returns_to_zero():
    pg = ch01.perceptron_playground()
    pg.data_menu.value = "XOR (not separable)"
    assert len(pg.state.d) == 4 and pg.state.updates == 0
    for _ in range(15):
        pg.epoch_button.click()
        assert pg.state.mistakes() >= 1
    assert pg.state.epoch == 16
    pg.reset_button.click()
    assert pg.state.w.tolist() == [0.0, 0.0] and pg.state.b == 0.0
    assert pg.w1.value == 0.0 and pg.b.value == 0.0
    assert "Move the sliders or press Step" in pg.info.value


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="dataset must be one of"):
        ch01.perceptron_playground("spirals")
