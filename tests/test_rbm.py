"""dlbook.rbm: energies against brute force, exact and AIS log Z, CD gradients, training, files."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from dlbook import backend
from dlbook.rbm import RBM


def _states(n: int) -> np.ndarray:
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def _random_rbm(V, H, seed, scale=1.0, dtype=np.float64):
    rbm = RBM(V, H, rng=seed, dtype=dtype)
    g = np.random.default_rng(seed + 1000)  # test data
    rbm.params["W"][...] = backend.asarray(g.normal(0, scale, (V, H)))
    rbm.params["a"][...] = backend.asarray(g.normal(0, scale, V))
    rbm.params["b"][...] = backend.asarray(g.normal(0, scale, H))
    return rbm


def _brute_log_z(rbm):
    V, H = rbm.n_visible, rbm.n_hidden
    vs, hs = _states(V), _states(H)
    v = np.repeat(vs, len(hs), axis=0)
    h = np.tile(hs, (len(vs), 1))
    e = backend.to_cpu(rbm.energy(backend.asarray(v), backend.asarray(h)))
    m = (-e).max()
    return m + math.log(np.exp(-e - m).sum())


def _exact_grad(rbm, data):
    """∂ mean log p(data) / ∂θ by enumerating the visible states."""
    W = backend.to_cpu(rbm.W).astype(np.float64)
    a = backend.to_cpu(rbm.a).astype(np.float64)
    b = backend.to_cpu(rbm.b).astype(np.float64)
    vs = _states(rbm.n_visible)
    f = -(vs @ a) - np.logaddexp(0, vs @ W + b).sum(1)
    p = np.exp(-f - (-f).max())
    p /= p.sum()
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    ph_data, ph_model = sig(data @ W + b), sig(vs @ W + b)
    return {
        "W": data.T @ ph_data / len(data) - (vs * p[:, None]).T @ ph_model,
        "a": data.mean(0) - p @ vs,
        "b": ph_data.mean(0) - p @ ph_model,
    }


@pytest.mark.parametrize("V,H", [(4, 3), (3, 5)])
def test_free_energy_is_minus_log_sum_over_hidden_states(device, V, H):
    rbm = _random_rbm(V, H, 1)
    vs = _states(V)
    hs = _states(H)
    brute = []
    for v in vs:
        e = backend.to_cpu(
            rbm.energy(backend.asarray(np.tile(v, (len(hs), 1))), backend.asarray(hs))
        )
        brute.append(-np.log(np.exp(-e).sum()))
    got = backend.to_cpu(rbm.free_energy(backend.asarray(vs)))
    np.testing.assert_allclose(got, brute, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("V,H,seed", [(5, 3, 0), (3, 6, 1), (6, 6, 2), (7, 2, 3)])
def test_exact_log_z_matches_enumerating_every_joint_state(V, H, seed):
    rbm = _random_rbm(V, H, seed, scale=1.5)
    assert rbm.log_partition_exact() == pytest.approx(_brute_log_z(rbm), abs=1e-9)


def test_exact_log_z_of_gaussian_visible_units_matches_quadrature():
    rbm = RBM(1, 2, visible="gaussian", dtype=np.float64)
    rbm.params["W"][...] = [[0.7, -0.4]]
    rbm.params["a"][...] = [0.3]
    rbm.params["b"][...] = [0.2, -0.5]
    grid = np.linspace(-20, 20, 200_001)
    f = backend.to_cpu(rbm.free_energy(grid[:, None]))
    z = np.exp(-f).sum() * (grid[1] - grid[0])
    assert rbm.log_partition_exact() == pytest.approx(math.log(z), abs=1e-6)


def test_exact_log_z_refuses_too_many_states():
    with pytest.raises(ValueError, match="log_partition_ais"):
        RBM(30, 30).log_partition_exact()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_ais_is_within_a_fifth_of_a_nat_of_the_exact_log_z(seed):
    rbm = _random_rbm(12, 8, seed, scale=0.8)
    data = (np.random.default_rng(seed).random((50, 12)) < 0.3).astype(float)
    log_z, spread = rbm.log_partition_ais(n_betas=3000, n_runs=100, base_rate=data, rng=seed)
    exact = rbm.log_partition_exact()
    assert abs(log_z - exact) < 0.2
    assert 0 <= spread < 0.5


def test_ais_on_a_trained_model_uses_the_kept_base_rate():
    g = np.random.default_rng(5)
    protos = (g.random((3, 10)) < 0.5).astype(np.float32)
    data = protos[g.integers(0, 3, 600)]
    flip = g.random(data.shape) < 0.05
    data = np.where(flip, 1 - data, data).astype(np.float32)
    rbm = RBM(10, 6, rng=0).fit(data, epochs=20, batch_size=20, lr=0.1, persistent=True)
    log_z, _ = rbm.log_partition_ais(n_betas=3000, n_runs=100, rng=1)
    assert abs(log_z - rbm.log_partition_exact()) < 0.2


def test_cd_gradient_with_long_chains_is_the_exact_gradient():
    rbm = _random_rbm(6, 4, 0, scale=0.5)
    g = np.random.default_rng(1)
    data = (g.random((20, 6)) < 0.6).astype(np.float64)
    exact = _exact_grad(rbm, data)
    many = np.tile(data, (1000, 1))
    got, _ = rbm.cd_gradient(many, k=30, rng=2)
    for key in exact:
        np.testing.assert_allclose(got[key], exact[key], atol=0.02)


def test_a_small_cd_step_raises_the_exact_log_likelihood():
    rbm = _random_rbm(6, 4, 3, scale=0.3)
    data = (np.random.default_rng(4).random((40, 6)) < 0.2).astype(np.float64)
    before = rbm.log_likelihood(data, rbm.log_partition_exact())
    grads, _ = rbm.cd_gradient(data, k=1, rng=0)
    for key, p in rbm.params.items():
        p += 0.05 * grads[key]
    after = rbm.log_likelihood(data, rbm.log_partition_exact())
    assert after > before
    for key, p in rbm.params.items():  # the opposite sign makes it worse
        p -= 0.1 * grads[key]
    assert rbm.log_likelihood(data, rbm.log_partition_exact()) < before


def test_sampled_means_approach_the_probabilities(device):
    rbm = _random_rbm(5, 4, 0, dtype=np.float32)
    v = backend.asarray(np.tile(_states(5)[[3, 17, 30]], (4000, 1)).astype(np.float32))
    h = backend.to_cpu(rbm.sample_h(v, rng=0)).reshape(4000, 3, 4).mean(0)
    p = backend.to_cpu(rbm.p_h_given_v(v[:3]))
    np.testing.assert_allclose(h, p, atol=0.03)
    hs = backend.asarray(np.tile(_states(4)[[1, 9]], (4000, 1)).astype(np.float32))
    vm = backend.to_cpu(rbm.sample_v(hs, rng=1)).reshape(4000, 2, 5).mean(0)
    np.testing.assert_allclose(vm, backend.to_cpu(rbm.p_v_given_h(hs[:2])), atol=0.03)


def test_pseudo_likelihood_is_the_sum_of_exact_conditionals():
    rbm = _random_rbm(5, 3, 7, scale=1.2)
    vs = _states(5)[[0, 5, 13, 31]]
    expected = 0.0
    for v in vs:
        for i in range(5):
            flipped = v.copy()
            flipped[i] = 1 - v[i]
            f, f_flip = backend.to_cpu(rbm.free_energy(np.stack([v, flipped])))
            expected += math.log(1 / (1 + math.exp(f - f_flip)))
    assert rbm.pseudo_likelihood(vs, chunk=30) == pytest.approx(expected / 4, rel=1e-10)


def _toy_data(n=400, V=16, seed=0):
    g = np.random.default_rng(seed)
    protos = (g.random((4, V)) < 0.5).astype(np.float32)
    data = protos[g.integers(0, 4, n)]
    return np.where(g.random(data.shape) < 0.05, 1 - data, data).astype(np.float32)


@pytest.mark.parametrize("persistent", [False, True])
def test_training_raises_the_exact_log_likelihood(persistent):
    data = _toy_data()
    rbm = RBM(16, 8, rng=0)
    before = rbm.log_likelihood(data, rbm.log_partition_exact())
    rbm.fit(data, epochs=20, batch_size=20, lr=0.05, k=1, persistent=persistent, momentum=0.5)
    after = rbm.log_likelihood(data, rbm.log_partition_exact())
    assert after > before + 2.5
    assert rbm.W.dtype == np.float32
    assert len(rbm.history["pseudo_likelihood"]) == 20
    assert rbm.history["reconstruction_error"][-1] < rbm.history["reconstruction_error"][0]


def test_fit_does_not_mutate_its_input_and_float32_agrees_with_float64():
    data = _toy_data()
    copy = data.copy()
    r32 = RBM(16, 8, rng=0).fit(data, epochs=3, batch_size=20, lr=0.05)
    r64 = RBM(16, 8, rng=0, dtype=np.float64).fit(data, epochs=3, batch_size=20, lr=0.05)
    np.testing.assert_array_equal(data, copy)
    assert r64.W.dtype == np.float64
    np.testing.assert_allclose(r32.W, r64.W, atol=1e-3)


def test_weight_decay_shrinks_the_weights():
    data = _toy_data()
    plain = RBM(16, 8, rng=0).fit(data, epochs=5, batch_size=20, lr=0.1)
    decayed = RBM(16, 8, rng=0).fit(data, epochs=5, batch_size=20, lr=0.1, weight_decay=0.05)
    assert np.abs(decayed.W).sum() < np.abs(plain.W).sum()


def test_the_fake_device_gives_the_numbers_of_numpy(device):
    data = _toy_data(200)
    rbm = RBM(16, 8, rng=0).fit(
        backend.asarray(data), epochs=2, batch_size=20, k=2, persistent=True, momentum=0.5
    )
    assert backend.array_module(rbm.W, rbm.a, rbm.b, rbm.chain) is device
    backend.use("numpy")
    ref = RBM(16, 8, rng=0).fit(data, epochs=2, batch_size=20, k=2, persistent=True, momentum=0.5)
    np.testing.assert_allclose(backend.to_cpu(rbm.W), ref.W, atol=1e-6)
    assert rbm.history["pseudo_likelihood"] == pytest.approx(ref.history["pseudo_likelihood"])


def test_sampling_and_ais_run_on_the_device(device):
    rbm = _random_rbm(6, 4, 0, dtype=np.float32)
    v = rbm.gibbs(backend.asarray(np.zeros((3, 6), np.float32)), k=5)
    assert backend.array_module(v) is device and v.shape == (3, 6)
    log_z, _ = rbm.log_partition_ais(n_betas=200, n_runs=20, rng=0)
    assert abs(log_z - rbm.log_partition_exact()) < 0.5


def test_save_and_load_round_trip(tmp_path, device):
    rbm = _random_rbm(6, 4, 0, dtype=np.float32)
    path = rbm.save(tmp_path / "rbm.npz")
    back = RBM.load(path)
    for key in rbm.params:
        np.testing.assert_array_equal(
            backend.to_cpu(back.params[key]), backend.to_cpu(rbm.params[key])
        )
    assert back.config() == rbm.config()


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable dlbook RBM"):
        RBM.load(bad)
    with pytest.raises(FileNotFoundError):
        RBM.load(tmp_path / "missing.npz")


def test_bad_arguments_say_what_is_wrong():
    rbm = RBM(6, 4)
    with pytest.raises(ValueError, match=r"shape \(N, 6\); got shape \(2, 5\)"):
        rbm.free_energy(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="lr must be"):
        rbm.fit(np.zeros((4, 6)), lr=-1)
    with pytest.raises(ValueError, match="k must be"):
        rbm.gibbs(np.zeros((1, 6)), k=0)
    with pytest.raises(ValueError, match="visible"):
        RBM(3, 2, visible="poisson")


def test_free_energy_and_pseudo_likelihood_agree_with_scikit_learn():
    sk = pytest.importorskip("sklearn.neural_network")
    data = _toy_data(300)
    theirs = sk.BernoulliRBM(n_components=8, learning_rate=0.1, n_iter=3, random_state=0)
    theirs.fit(data.astype(np.float64))
    rbm = RBM(16, 8, dtype=np.float64)
    rbm.params["W"][...] = theirs.components_.T
    rbm.params["a"][...] = theirs.intercept_visible_
    rbm.params["b"][...] = theirs.intercept_hidden_
    np.testing.assert_allclose(rbm.free_energy(data), theirs._free_energy(data), rtol=1e-10)
    # scikit-learn flips one random bit per row and multiplies by V: averaged over
    # many draws it approaches the exact sum over all bits.
    # (score_samples draws from check_random_state(self.random_state): a RandomState
    # instance there gives new bits on every call, an int the same bits every time.)
    theirs.random_state = np.random.RandomState(0)
    estimate = np.mean([theirs.score_samples(data).mean() for _ in range(400)])
    exact = rbm.pseudo_likelihood(data)
    assert estimate == pytest.approx(exact, rel=0.05)


def _fit_by_cd_gradient(
    rbm, data, epochs, batch_size, lr, k, persistent, momentum, wd, rng, shuffle=True
):
    """RBM.fit written out with the readable cd_gradient: what the fast loop must equal."""
    rng = backend.default_rng(rng)
    vel = {key: np.zeros_like(p) for key, p in rbm.params.items()}
    chain = np.zeros((batch_size, rbm.n_hidden), rbm.dtype) if persistent else None
    for _ in range(epochs):
        order = rng.permutation(len(data)) if shuffle else np.arange(len(data))
        for i in range(0, len(data), batch_size):
            grads, h = rbm.cd_gradient(data[order[i : i + batch_size]], k, chain, rng)
            chain = h if persistent else None
            grads["W"] -= wd * rbm.params["W"]
            for key, p in rbm.params.items():
                vel[key] = momentum * vel[key] + lr * grads[key]
                p += vel[key]
    return rbm


@pytest.mark.parametrize(
    "k,persistent,momentum,wd,n",
    [
        (1, True, 0.0, 0.0, 200),
        (2, False, 0.5, 0.01, 210),
        (1, False, 0.0, 0.0, 190),
        (3, True, 0.9, 0.001, 230),
    ],
)
def test_the_fast_training_loop_is_cd_gradient_with_the_same_random_numbers(
    k, persistent, momentum, wd, n
):
    # n not a multiple of the batch: the last, short batch takes the other path.
    data = _toy_data(n)
    kw = dict(epochs=3, batch_size=20, lr=0.1, k=k, persistent=persistent)
    fast = RBM(16, 8, rng=0, dtype=np.float64).fit(
        data, **kw, momentum=momentum, weight_decay=wd, monitor=False, rng=5
    )
    slow = _fit_by_cd_gradient(
        RBM(16, 8, rng=0, dtype=np.float64), data, 3, 20, 0.1, k, persistent, momentum, wd, 5
    )
    # The same random numbers give the same samples; the arithmetic differs only in
    # rounding (σ by exp instead of tanh, both phases in one product). One flipped
    # sample would move a weight by about lr / batch = 0.005.
    for key in fast.params:
        np.testing.assert_allclose(fast.params[key], slow.params[key], rtol=1e-10, atol=1e-12)
    assert fast.W.dtype == np.float64


def test_shuffle_false_visits_the_same_batches_every_epoch():
    data = _toy_data(100)
    kw = dict(epochs=3, batch_size=20, lr=0.1, k=1, persistent=True)
    fast = RBM(16, 8, rng=0, dtype=np.float64).fit(data, **kw, monitor=False, rng=5, shuffle=False)
    slow = _fit_by_cd_gradient(
        RBM(16, 8, rng=0, dtype=np.float64), data, 3, 20, 0.1, 1, True, 0.0, 0.0, 5, shuffle=False
    )
    shuffled = RBM(16, 8, rng=0, dtype=np.float64).fit(data, **kw, monitor=False, rng=5)
    np.testing.assert_allclose(fast.W, slow.W, rtol=1e-10, atol=1e-12)
    assert not np.allclose(fast.W, shuffled.W)  # the order matters


def test_the_fast_training_loop_stays_in_float32():
    data = _toy_data(100)
    rbm = RBM(16, 8, rng=0).fit(
        data.astype(np.float64),
        epochs=2,
        batch_size=20,
        persistent=True,
        momentum=0.5,
        weight_decay=0.01,
    )
    assert all(p.dtype == np.float32 for p in rbm.params.values())
    assert all(p.dtype == np.float32 for p in rbm._velocity.values())
    assert rbm.chain.dtype == np.float32


def test_monitor_false_records_no_history():
    data = _toy_data(100)
    rbm = RBM(16, 8, rng=0).fit(data, epochs=3, batch_size=20, monitor=False)
    assert rbm.history == {"reconstruction_error": [], "pseudo_likelihood": []}
    assert rbm.base_rate is not None


def test_exact_log_z_in_chunks_of_two_to_the_sixteen_states():
    rbm = _random_rbm(17, 19, 4, scale=0.3)
    vs = _states(17)  # 131,072 visible states: two chunks inside log_partition_exact
    W, a, b = (backend.to_cpu(rbm.params[k]) for k in ("W", "a", "b"))
    s = vs @ a + np.logaddexp(0, vs @ W + b).sum(1)
    expected = s.max() + math.log(np.exp(s - s.max()).sum())
    assert rbm.log_partition_exact() == pytest.approx(expected, abs=1e-9)
    swapped = RBM(19, 17, dtype=np.float64)  # Z is symmetric in the two layers
    swapped.params["W"][...] = W.T
    swapped.params["a"][...] = b
    swapped.params["b"][...] = a
    assert swapped.log_partition_exact() == pytest.approx(expected, abs=1e-9)
