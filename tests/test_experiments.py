"""dlbook.experiments: the helpers behind chapter 04's measurements."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend
from dlbook import experiments as ex
from dlbook.gradcheck import numerical_gradient
from dlbook.layers import Dense, Dropout, ReLU, Sigmoid
from dlbook.optim import SGD


def _data(n=40, d=6, c=3, seed=0):
    rng = backend.default_rng(seed)
    x = backend.to_cpu(rng.normal(size=(n, d))).astype(np.float32)
    y = np.arange(n) % c
    return x, y


def test_mlp_builds_the_layers_in_order_and_checks_its_arguments():
    m = ex.mlp([6, 5, 4, 3], activation="sigmoid", dropout=0.3, rng=0)
    kinds = [type(layer) for layer in m.layers]
    assert kinds == [Dense, Sigmoid, Dropout, Dense, Sigmoid, Dropout, Dense]
    assert [w.shape for w in ex.weight_arrays(m)] == [(6, 5), (5, 4), (4, 3)]
    # the same seed gives the same weights with or without dropout
    m2 = ex.mlp([6, 5, 4, 3], activation="sigmoid", rng=0)
    for a, b in zip(ex.weight_arrays(m), ex.weight_arrays(m2), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="sizes"):
        ex.mlp([6])
    with pytest.raises(ValueError, match="activation"):
        ex.mlp([6, 3], activation="softplus")


def test_gradient_norms_match_the_layers_gradients(device):
    x, y = _data()
    m = ex.mlp([6, 8, 8, 3], activation="relu", rng=1)
    norms = ex.gradient_norms(m, backend.asarray(x), backend.asarray(y))
    assert isinstance(norms, np.ndarray) and norms.shape == (3,)
    dense = [layer for layer in m.layers if "W" in layer.params]
    for n, layer in zip(norms, dense, strict=True):
        g = backend.to_cpu(layer.grads["W"]).astype(np.float64)
        assert n == pytest.approx(np.sqrt((g**2).sum()), rel=1e-6)
        assert n > 0


def test_flat_gradient_agrees_with_finite_differences():
    x, y = _data(n=10)
    m = ex.mlp([6, 5, 3], activation="sigmoid", rng=2).astype(np.float64)
    g = ex.flat_gradient(m, x, y)
    assert g.shape == (m.n_params,)
    W = m.layers[0].params["W"]

    def cost(_):
        return float(m.loss.forward(m.forward(x.astype(np.float64)), y))

    num = numerical_gradient(cost, W)
    np.testing.assert_allclose(g[: W.size], np.asarray(num).ravel(), rtol=1e-5, atol=1e-8)


def test_vanishing_gradient_is_measured_for_deep_sigmoid_not_for_relu_he():
    x, y = _data(n=64, d=20, c=4)
    sig = ex.gradient_norms(ex.mlp([20] + [32] * 7 + [4], activation="sigmoid", init=0.1), x, y)
    relu = ex.gradient_norms(ex.mlp([20] + [32] * 7 + [4], activation="relu", init="he"), x, y)
    assert sig[0] / sig[-1] < 1e-4  # each sigmoid layer shrinks the signal (σ' ≤ 1/4)
    assert 0.05 < relu[0] / relu[-1] < 20


def test_activation_std_has_one_value_per_hidden_layer():
    x, _ = _data()
    s = ex.activation_std(ex.mlp([6, 5, 5, 5, 3], activation="tanh"), x)
    assert s.shape == (3,) and np.all(s > 0)


def test_l1_penalty_adds_lambda_sign_w_to_weights_only(device):
    W = backend.asarray(np.array([[2.0, -1.0, 0.0]], dtype=np.float32))
    b = backend.asarray(np.array([1.0], dtype=np.float32))
    params = [{"W": W, "b": b}]
    grads = [{"W": backend.zeros((1, 3)), "b": backend.zeros(1)}]
    opt = ex.L1Penalty(SGD(0.5), l1=0.1)
    opt.step(params, grads)
    np.testing.assert_allclose(backend.to_cpu(params[0]["W"]), [[1.95, -0.95, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(backend.to_cpu(params[0]["b"]), [1.0])  # biases untouched
    assert "l1=0.1" in repr(opt)


def test_l1_penalty_rejects_bad_arguments():
    with pytest.raises(TypeError, match="step"):
        ex.L1Penalty(object(), l1=0.1)
    with pytest.raises(ValueError, match="L1Penalty: l1 must be a float >= 0"):
        ex.L1Penalty(SGD(0.1), l1=-1.0)


def test_l1_makes_more_near_zero_weights_than_no_penalty():
    x, y = _data(n=60, d=10)
    fractions = []
    for opt in (SGD(0.1), ex.L1Penalty(SGD(0.1), l1=1e-2)):
        m = ex.mlp([10, 16, 3], rng=0)
        m.fit(x, y, epochs=60, batch_size=20, optimizer=opt, rng=0, progress=False)
        fractions.append(ex.near_zero_fraction(m, tol=1e-2))
    assert fractions[1] > 3 * fractions[0] and fractions[1] > 0.1


def test_noisy_labels_changes_exactly_the_chosen_fraction():
    y = np.arange(1000) % 10
    z = ex.noisy_labels(y, 0.3, 10, rng=0)
    changed = np.mean(z != y)
    assert 0.25 < changed < 0.35
    assert z.min() >= 0 and z.max() <= 9
    np.testing.assert_array_equal(ex.noisy_labels(y, 0.0, 10), y)
    with pytest.raises(ValueError, match="fraction"):
        ex.noisy_labels(y, 1.5, 10)


def test_generalization_reports_the_gap():
    x, y = _data()
    r = ex.generalization(ex.mlp([6, 3]), (x, y), (x[:20], y[:20]))
    assert set(r) == {"train_accuracy", "test_accuracy", "gap", "train_loss", "test_loss"}
    assert r["gap"] == pytest.approx(r["train_accuracy"] - r["test_accuracy"])


def test_gradient_noise_measured_follows_the_sampling_formula():
    x, y = _data(n=48)
    m = ex.mlp([6, 8, 3], rng=0)
    res = ex.gradient_noise(m, x, y, batch_sizes=[1, 4, 16, 48], n_draws=300, rng=0)
    assert res.measured[-1] == pytest.approx(0.0, abs=1e-20)  # B = N is the full gradient
    np.testing.assert_allclose(res.measured[:3], res.predicted[:3], rtol=0.3)
    assert np.all(np.diff(res.measured) < 0)
    assert "sigma^2/B" in res.table()
    with pytest.raises(ValueError, match="batch sizes"):
        ex.gradient_noise(m, x, y, batch_sizes=[0])


def test_gradient_noise_table_prints_rounding_error_as_zero():
    res = ex.GradientNoise(
        np.array([1, 8]), np.array([2.5, 3e-31]), np.array([2.4, 0.0]), full_norm2=0.5, sigma2=2.4
    )
    last = res.table().splitlines()[-1].split()
    assert last == ["8", "0", "0", "0"]
    tiny_but_real = ex.GradientNoise(np.array([1]), np.array([1e-9]), np.array([1e-9]), 1.0, 1e-9)
    assert "1e-09" in tiny_but_real.table()


def test_grid_and_random_points():
    space = {"lr": (1e-3, 1.0), "weight_decay": (1e-6, 1e-2)}
    grid = ex.grid_points(space, 3)
    assert len(grid) == 9
    assert sorted({p["lr"] for p in grid}) == pytest.approx([1e-3, 10**-1.5, 1.0])
    pts = ex.random_points(space, 9, rng=0)
    assert len({p["lr"] for p in pts}) == 9
    assert all(1e-3 <= p["lr"] <= 1 and 1e-6 <= p["weight_decay"] <= 1e-2 for p in pts)
    assert pts == ex.random_points(space, 9, rng=0)
    with pytest.raises(ValueError, match="0 < low < high"):
        ex.grid_points({"lr": (0.0, 1.0)}, 3)
    with pytest.raises(ValueError, match="k\\*\\*2"):
        ex.grid_search(lambda **p: 0.0, space, 8)


def test_searches_call_the_objective_and_best_trial_finds_the_maximum():
    space = {"lr": (1e-3, 1.0), "weight_decay": (1e-6, 1e-2)}

    def score(lr, weight_decay):
        return -abs(np.log10(lr) + 1)  # best at lr = 0.1, weight decay irrelevant

    grid = ex.grid_search(score, space, 9)
    rand = ex.random_search(score, space, 9, rng=0)
    assert len(grid) == len(rand) == 9
    best = ex.best_trial(grid + rand)
    assert best.score == max(t.score for t in grid + rand)
    with pytest.raises(ValueError, match="no trials"):
        ex.best_trial([])


def test_optimizer_path_on_a_quadratic_goes_downhill():
    path = ex.optimizer_path(SGD(0.1), lambda w: 2 * w, [1.0, -2.0], steps=20)
    assert path.shape == (21, 2)
    np.testing.assert_allclose(path[1], [0.8, -1.6])
    assert np.linalg.norm(path[-1]) < 0.05


def test_training_flops_counts_six_per_weight_and_sample():
    m = ex.mlp([10, 20, 5])
    assert ex.training_flops(m, 100) == 6.0 * 100 * (10 * 20 + 20 * 5)


def test_matmul_gflops_is_positive_and_checks_n():
    assert ex.matmul_gflops(32, np.float32, min_seconds=0.01) > 0
    assert ex.matmul_gflops(16, np.float64, xp=np, min_seconds=0.005) > 0
    with pytest.raises(ValueError, match="n must be"):
        ex.matmul_gflops(0)


def test_relu_layer_is_offered():
    assert ex.ACTIVATIONS["relu"] is ReLU
