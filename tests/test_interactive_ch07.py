"""Chapter 07's Gibbs-chain playground, driven headlessly: steps, reset, figure, widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dlbook.interactive import ch07
from dlbook.rbm import RBM


def _rbm_and_digits():
    g = np.random.default_rng(0)  # test data
    digits = (g.random((4, 784)) < 0.2).astype(np.float32)
    rbm = RBM(784, 16, rng=0)
    return rbm, digits


def test_steps_move_the_chain_and_reset_starts_it_again():
    rbm, digits = _rbm_and_digits()
    chain = ch07.GibbsChain(rbm, digits, rng=3)
    np.testing.assert_array_equal(chain.v, digits)
    chain.step(5)
    assert chain.steps == 5 and not np.array_equal(chain.v, digits)
    chain.reset("noise")
    first = chain.v.copy()
    chain.step(2)
    chain.reset()
    np.testing.assert_array_equal(chain.v, first)
    assert chain.caption().startswith("from noise: 0 Gibbs steps")
    with pytest.raises(ValueError, match="start"):
        chain.reset("zeros")


def test_figure_and_widget():
    rbm, digits = _rbm_and_digits()
    assert ch07.GibbsChain(rbm, digits).png()[:4] == b"\x89PNG"
    pytest.importorskip("ipywidgets")
    box = ch07.gibbs_playground(rbm, digits)
    before = box.image.value
    box.buttons[10].click()
    assert box.chain.steps == 10 and box.image.value != before
    box.start.value = "noise"
    assert box.chain.start == "noise" and box.chain.steps == 0
