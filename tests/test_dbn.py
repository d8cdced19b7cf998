"""dlbook.dbn: greedy pretraining, generation, conversion to a Sequential, files."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend
from dlbook.dbn import DBN
from dlbook.layers import Dense, Sigmoid


def _data(n=300, V=16, seed=0):
    g = np.random.default_rng(seed)  # test data
    protos = (g.random((4, V)) < 0.5).astype(np.float32)
    labels = g.integers(0, 4, n)
    x = protos[labels]
    return np.where(g.random(x.shape) < 0.05, 1 - x, x).astype(np.float32), labels


def test_pretraining_trains_each_rbm_on_the_layer_below(device):
    x, _ = _data()
    dbn = DBN([16, 8, 6], rng=0).pretrain(backend.asarray(x), epochs=3, batch_size=20)
    assert [r.W.shape for r in dbn.rbms] == [(16, 8), (8, 6)]
    assert all(len(r.history["reconstruction_error"]) == 3 for r in dbn.rbms)
    assert backend.array_module(dbn.transform(backend.asarray(x))) is device
    assert dbn.transform(backend.asarray(x)).shape == (300, 6)


def test_the_second_layer_sees_probabilities_of_the_first():
    x, _ = _data()
    dbn = DBN([16, 8, 6], rng=0).pretrain(x, epochs=2, batch_size=20, progress=False)
    np.testing.assert_allclose(dbn.rbms[1].base_rate, dbn.rbms[0].p_h_given_v(x).mean(0), rtol=1e-5)


def test_generate_gives_pixel_probabilities(device):
    x, _ = _data()
    dbn = DBN([16, 8, 6], rng=0).pretrain(backend.asarray(x), epochs=5, batch_size=20)
    out = backend.to_cpu(dbn.generate(7, gibbs_steps=20))
    assert out.shape == (7, 16)
    assert np.all((out >= 0) & (out <= 1))
    started = dbn.generate(0, gibbs_steps=5, start=backend.asarray(x[:3]))
    assert started.shape == (3, 16)


def test_generated_samples_look_like_the_prototypes():
    x, _ = _data(600)
    dbn = DBN([16, 12, 8], rng=0).pretrain(x, epochs=30, batch_size=20, lr=0.1, momentum=0.5)
    samples = (dbn.generate(200, gibbs_steps=200, rng=1) > 0.5).astype(np.float32)
    protos = np.unique((x > 0.5).astype(np.float32), axis=0)
    dist = np.abs(samples[:, None, :] - protos[None]).sum(2).min(1)  # Hamming distance
    noise = (np.random.default_rng(2).random((200, 16)) < 0.5).astype(np.float32)
    noise_dist = np.abs(noise[:, None, :] - protos[None]).sum(2).min(1)
    assert dist.mean() < 0.5 * noise_dist.mean()


def test_to_sequential_copies_the_weights_and_adds_an_output_layer(device):
    x, y = _data()
    dbn = DBN([16, 8, 6], rng=0).pretrain(backend.asarray(x), epochs=2, batch_size=20)
    model = dbn.to_sequential(4)
    kinds = [type(layer) for layer in model.layers]
    assert kinds == [Dense, Sigmoid, Dense, Sigmoid, Dense]
    np.testing.assert_array_equal(
        backend.to_cpu(model.layers[0].params["W"]), backend.to_cpu(dbn.rbms[0].W)
    )
    np.testing.assert_array_equal(
        backend.to_cpu(model.layers[2].params["b"]), backend.to_cpu(dbn.rbms[1].b)
    )
    assert model.layers[4].params["W"].shape == (6, 4)
    hidden = model.layers[3].forward(
        model.layers[2].forward(
            model.layers[1].forward(model.layers[0].forward(backend.asarray(x)))
        )
    )
    np.testing.assert_allclose(
        backend.to_cpu(hidden), backend.to_cpu(dbn.transform(backend.asarray(x))), atol=1e-6
    )
    model.layers[0].params["W"] += 1.0  # a copy: fine-tuning leaves the DBN alone
    assert not np.allclose(
        backend.to_cpu(model.layers[0].params["W"]), backend.to_cpu(dbn.rbms[0].W)
    )


def test_fine_tuning_the_pretrained_network_learns_the_labels():
    from dlbook.optim import SGD

    x, y = _data(400)
    model = DBN([16, 8], rng=0).pretrain(x, epochs=5, batch_size=20).to_sequential(4)
    model.fit(x, y, epochs=20, batch_size=20, optimizer=SGD(0.5), rng=0)
    assert model.evaluate(x, y)["accuracy"] > 0.9


def test_save_and_load_round_trip(tmp_path):
    x, _ = _data()
    dbn = DBN([16, 8, 6], rng=0).pretrain(x, epochs=1, batch_size=50)
    back = DBN.load(dbn.save(tmp_path / "dbn.npz"))
    assert back.sizes == [16, 8, 6]
    for mine, theirs in zip(dbn.rbms, back.rbms, strict=True):
        for key in mine.params:
            np.testing.assert_array_equal(mine.params[key], theirs.params[key])
    (tmp_path / "bad.npz").write_bytes(b"junk")
    with pytest.raises(ValueError, match="not a readable dlbook DBN"):
        DBN.load(tmp_path / "bad.npz")


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="at least two"):
        DBN([784])


def test_pretrain_without_monitoring_keeps_no_history():
    x, _ = _data(100)
    dbn = DBN([16, 8, 6], rng=0).pretrain(x, epochs=2, batch_size=20, monitor=False)
    assert all(r.history["reconstruction_error"] == [] for r in dbn.rbms)
