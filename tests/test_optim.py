"""Optimisers: hand-computed steps, agreement with torch.optim, convergence, devices."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import backend
from dlbook.optim import SGD, AdaGrad, Adam, RMSProp

# ---------------------------------------------------------------- a convex quadratic
# C(θ) = ½ θᵀAθ − bᵀθ with A symmetric positive definite; ∇C = Aθ − b; minimum at A⁻¹b.
_A = np.array([[3.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.5]])
_B = np.array([1.0, -2.0, 0.5])
_THETA0 = np.array([2.0, 1.0, -3.0])


def _quadratic_run(opt, steps, dtype=np.float64, xp=np):
    """Run ``steps`` updates of ``opt`` on the quadratic; returns θ on the host."""
    A = backend.asarray(_A, dtype=dtype)
    b = backend.asarray(_B, dtype=dtype)
    params = {"theta": backend.asarray(_THETA0.copy(), dtype=dtype)}
    grads = {"theta": backend.zeros(3, dtype=dtype)}
    for _ in range(steps):
        grads["theta"][...] = A @ params["theta"] - b
        opt.step(params, grads)
    return backend.to_cpu(params["theta"])


OPTIMISERS = {
    "sgd": lambda: SGD(lr=0.1),
    "momentum": lambda: SGD(lr=0.05, momentum=0.9),
    "nesterov": lambda: SGD(lr=0.05, momentum=0.9, nesterov=True),
    "adagrad": lambda: AdaGrad(lr=0.5),
    "rmsprop": lambda: RMSProp(lr=0.01),
    "adam": lambda: Adam(lr=0.05),
    "sgd_wd": lambda: SGD(lr=0.1, momentum=0.5, weight_decay=0.1),
    "adam_wd": lambda: Adam(lr=0.05, weight_decay=0.1),
}


# ------------------------------------------------------------ single steps by hand
def _one_step(opt, theta, g, steps=1):
    params = {"w": np.array(theta, dtype=np.float64)}
    for gi in np.atleast_2d(np.array(g, dtype=np.float64)):
        opt.step(params, {"w": gi.copy()})
    return params["w"]


def test_sgd_step_by_hand():
    # θ − η·g = [1 − 0.1·0.5, −2 − 0.1·1]
    np.testing.assert_allclose(_one_step(SGD(lr=0.1), [1.0, -2.0], [0.5, 1.0]), [0.95, -2.1])


def test_sgd_weight_decay_by_hand():
    # g + λθ = [0.5 + 0.01, 1 − 0.02] = [0.51, 0.98]; θ − 0.1·that
    theta = _one_step(SGD(lr=0.1, weight_decay=0.01), [1.0, -2.0], [0.5, 1.0])
    np.testing.assert_allclose(theta, [0.949, -2.098])


def test_momentum_two_steps_by_hand():
    # step 1: v = g1 = [1, 0];        θ = [0, 0] − 0.1·[1, 0] = [−0.1, 0]
    # step 2: v = 0.9·[1, 0] + [0, 2] = [0.9, 2];  θ = [−0.1, 0] − 0.1·[0.9, 2] = [−0.19, −0.2]
    theta = _one_step(SGD(lr=0.1, momentum=0.9), [0.0, 0.0], [[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(theta, [-0.19, -0.2])


def test_nesterov_two_steps_by_hand():
    # step 1: v = [1, 0];  θ = −0.1·(g + 0.9·v) = −0.1·[1.9, 0] = [−0.19, 0]
    # step 2: v = [0.9, 2]; g + 0.9·v = [0.81, 3.8];  θ = [−0.19 − 0.081, −0.38]
    theta = _one_step(
        SGD(lr=0.1, momentum=0.9, nesterov=True), [0.0, 0.0], [[1.0, 0.0], [0.0, 2.0]]
    )
    np.testing.assert_allclose(theta, [-0.271, -0.38])


def test_adagrad_two_steps_by_hand():
    # step 1: G = [4, 1]; θ = [1, 1] − 0.1·[2/2, −1/1] = [0.9, 1.1]
    # step 2: g = [2, 0]: G = [8, 1]; θ = [0.9 − 0.1·2/√8, 1.1]
    theta = _one_step(AdaGrad(lr=0.1, eps=0.0), [1.0, 1.0], [[2.0, -1.0], [2.0, 0.0]])
    np.testing.assert_allclose(theta, [0.9 - 0.2 / np.sqrt(8.0), 1.1])


def test_rmsprop_step_by_hand():
    # s = 0.1·g² → √s = √0.1·|g|; θ = θ − η·g/(√0.1·|g|) = θ − η·sign(g)/√0.1
    theta = _one_step(RMSProp(lr=0.01, rho=0.9, eps=0.0), [1.0, 1.0], [3.0, -0.5])
    step = 0.01 / np.sqrt(0.1)
    np.testing.assert_allclose(theta, [1.0 - step, 1.0 + step])


def test_adam_steps_by_hand():
    # Step 1: bias correction gives m̂ = g, v̂ = g², so θ moves by η·sign(g) whatever |g| is.
    theta = _one_step(Adam(lr=0.1, eps=0.0), [1.0, -2.0], [0.5, -40.0])
    np.testing.assert_allclose(theta, [0.9, -1.9])
    # Step 2 with g2 = −g1: m = 0.9·0.1·g − 0.1·g = −0.01·g, m̂ = m/0.19;
    # v = (0.999·0.001 + 0.001)·g², v̂ = v/(1 − 0.999²); θ2 = θ1 − η·m̂/√v̂.
    m_hat = -0.01 / 0.19
    v_hat = (0.999 * 0.001 + 0.001) / (1 - 0.999**2)
    expected = 0.9 - 0.1 * m_hat / np.sqrt(v_hat)  # for g = +0.5 (sign only matters)
    theta = _one_step(Adam(lr=0.1, eps=0.0), [1.0], [[0.5], [-0.5]])
    np.testing.assert_allclose(theta, [expected])


# ------------------------------------------------------------------ against PyTorch
def _torch_run(name, steps):
    torch = pytest.importorskip("torch", reason="torch is not installed (the 'bench' extra)")
    theta = torch.tensor(_THETA0, dtype=torch.float64, requires_grad=True)
    make = {
        "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
        "momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
        "nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.5),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8),
        "adam": lambda p: torch.optim.Adam(p, lr=0.05),
        "sgd_wd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.1),
        "adam_wd": lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1),
    }[name]
    opt = make([theta])
    A = torch.tensor(_A)
    b = torch.tensor(_B)
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * theta @ A @ theta - b @ theta
        loss.backward()
        opt.step()
    return theta.detach().numpy()


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_matches_torch_optim(name):
    expected = _torch_run(name, steps=25)
    theta = _quadratic_run(OPTIMISERS[name](), steps=25)
    assert not np.allclose(theta, _THETA0)  # it moved
    np.testing.assert_allclose(theta, expected, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------- convergence
@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_converges_on_convex_quadratic(name):
    opt = OPTIMISERS[name]()
    if name == "rmsprop":
        opt.lr = 0.003  # RMSProp's steps do not shrink with the gradient: use a small η
    theta = _quadratic_run(opt, steps=2000)
    minimum = np.linalg.solve(_A, _B)
    tol = 0.02 if name == "rmsprop" else 1e-4
    np.testing.assert_allclose(theta, minimum, atol=tol)


def test_weight_decay_moves_the_minimum():
    # With L2 penalty λ the minimum of C + (λ/2)‖θ‖² is (A + λI)⁻¹ b.
    theta = _quadratic_run(SGD(lr=0.1, weight_decay=0.5), steps=2000)
    np.testing.assert_allclose(theta, np.linalg.solve(_A + 0.5 * np.eye(3), _B), atol=1e-8)


# -------------------------------------------------------- devices, dtypes, in place
@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_same_result_on_every_device(device, name):
    on_device = _quadratic_run(OPTIMISERS[name](), steps=10, dtype=np.float32)
    backend.use("numpy")
    on_numpy = _quadratic_run(OPTIMISERS[name](), steps=10, dtype=np.float32)
    assert on_device.dtype == np.float32
    np.testing.assert_array_equal(on_device, on_numpy)


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_updates_in_place_and_leaves_grads_alone(device, name):
    W = backend.asarray(np.ones((3, 2)), dtype=np.float32)
    b = backend.zeros(2)
    params = {"W": W, "b": b}
    g = {"W": backend.asarray(np.full((3, 2), 0.5), dtype=np.float32), "b": backend.ones(2)}
    before = {k: backend.to_cpu(v).copy() for k, v in g.items()}
    opt = OPTIMISERS[name]()
    for _ in range(3):
        opt.step([params], [g])
    assert params["W"] is W and params["b"] is b
    assert W.dtype == np.float32 and b.dtype == np.float32
    assert np.all(backend.to_cpu(W) < 1.0) and np.all(backend.to_cpu(b) < 0.0)
    for k in g:
        np.testing.assert_array_equal(backend.to_cpu(g[k]), before[k])


def test_state_is_per_parameter():
    # Two layers stepped together equal each layer stepped by its own optimiser.
    rng = np.random.default_rng(0)
    layers = [{"W": rng.standard_normal((4, 3))}, {"W": rng.standard_normal(5)}]
    copies = [{"W": d["W"].copy()} for d in layers]
    joint, separate = Adam(lr=0.1), [Adam(lr=0.1), Adam(lr=0.1)]
    for _ in range(4):
        grads = [{"W": rng.standard_normal(d["W"].shape)} for d in layers]
        joint.step(layers, grads)
        for opt, d, g in zip(separate, copies, grads, strict=True):
            opt.step(d, g)
    for d, c in zip(layers, copies, strict=True):
        np.testing.assert_allclose(d["W"], c["W"], rtol=1e-12)


def test_reset_forgets_momentum():
    opt = SGD(lr=0.1, momentum=0.9)
    p = {"w": np.zeros(1)}
    opt.step(p, {"w": np.ones(1)})
    opt.reset()
    opt.step(p, {"w": np.ones(1)})  # a fresh first step again: −0.1, not −0.19
    np.testing.assert_allclose(p["w"], [-0.2])


# ---------------------------------------------------------------- argument checks
def test_message_names_parameter_and_value():
    with pytest.raises(ValueError) as info:
        SGD(lr=-0.1)
    assert str(info.value) == "SGD: lr must be a float > 0; got -0.1."


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda: SGD(lr=0.1, momentum=1.0),
            "SGD: momentum must be a float in [0, 1)",
        ),
        (lambda: SGD(lr=0.1, nesterov=True), "nesterov=True needs momentum > 0"),
        (lambda: Adam(beta2=1.5), "Adam: beta2 must be"),
        (lambda: RMSProp(rho=-0.1), "RMSProp: rho must be"),
        (lambda: AdaGrad(weight_decay=-1.0), "AdaGrad: weight_decay must be"),
        (lambda: Adam(lr=float("nan")), "got nan."),
    ],
)
def test_bad_hyper_parameters(make, words):
    with pytest.raises(ValueError, match=None) as info:
        make()
    assert words in str(info.value)


def test_wrong_types():
    with pytest.raises(TypeError, match="SGD: lr must be"):
        SGD(lr="0.1")
    with pytest.raises(TypeError, match="SGD: nesterov must be a bool"):
        SGD(lr=0.1, momentum=0.9, nesterov=1)


def test_mismatched_params_and_grads():
    p = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    opt = SGD(lr=0.1)
    with pytest.raises(ValueError, match=r"parameters \['W', 'b'\] but gradients \['W'\]"):
        opt.step(p, {"W": np.zeros((2, 2))})
    with pytest.raises(ValueError, match=r"has shape \(2,\), its parameter has shape \(2, 2\)"):
        opt.step(p, {"W": np.zeros(2), "b": np.zeros(2)})
    with pytest.raises(ValueError, match="lists of the same length"):
        opt.step([p, p], [p])
    with pytest.raises(TypeError, match="dtype float32 but its parameter has float64"):
        opt.step(p, {"W": np.zeros((2, 2), np.float32), "b": np.zeros(2, np.float32)})


def test_device_mixing_is_refused():
    from dlbook.testing import DeviceMixingError, fake_device

    with fake_device():
        p = {"w": backend.zeros(3)}
        with pytest.raises((TypeError, DeviceMixingError)):
            SGD(lr=0.1).step(p, {"w": np.ones(3, np.float32)})


def test_repr_shows_hyper_parameters():
    assert repr(SGD(0.1, momentum=0.9)) == (
        "SGD(lr=0.1, momentum=0.9, nesterov=False, weight_decay=0.0)"
    )


# ------------------------------------------------------------------ names
def test_get_builds_an_optimiser_from_its_name():
    from dlbook.optim import OPTIMIZERS, get

    assert sorted(OPTIMIZERS) == ["adagrad", "adam", "rmsprop", "sgd"]
    assert repr(get("sgd")) == repr(SGD(0.1))
    assert repr(get("SGD", lr=0.05, momentum=0.9)) == repr(SGD(0.05, momentum=0.9))
    assert repr(get(" Adam ", lr=0.01)) == repr(Adam(lr=0.01))
    assert isinstance(get("rmsprop"), RMSProp) and isinstance(get("adagrad"), AdaGrad)
    opt = Adam()
    assert get(opt) is opt  # an object is passed through, with its state


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "words"),
    [
        (("adma",), {}, ValueError, "unknown optimiser 'adma'; known names are ['adagrad', 'adam'"),
        (("adma",), {}, ValueError, "Did you mean 'adam'?"),
        (("lbfgs",), {}, ValueError, "Or pass an object, e.g. dlbook.optim.Adam(lr=1e-3)"),
        ((0.1,), {}, TypeError, "must be a name such as 'adam' or an optimiser"),
        (("adam",), {"momentum": 0.9}, TypeError, "Adam does not take ['momentum']"),
        ((SGD(0.1),), {"lr": 0.2}, TypeError, "set them when you build it"),
        (("sgd",), {"lr": -1.0}, ValueError, "SGD: lr must be a float > 0"),
    ],
)
def test_get_refuses_unknown_names_and_wrong_arguments(args, kwargs, error, words):
    from dlbook.optim import get

    with pytest.raises(error) as info:
        get(*args, **kwargs)
    assert words in str(info.value)


# --- weight decay on chosen parameters; a cosine schedule (chapter 04) -------------------------


@pytest.mark.parametrize("make", [SGD, AdaGrad, RMSProp, Adam])
def test_decay_selector_decays_the_named_parameters_only(device, make):
    from dlbook import backend

    W = backend.asarray(np.full((2, 3), 2.0))
    b = backend.asarray(np.full(3, 2.0))
    params = {"W": W, "b": b}
    grads = {"W": backend.asarray(np.zeros((2, 3))), "b": backend.asarray(np.zeros(3))}
    opt = make(0.1, weight_decay=0.5, decay=("W",))
    opt.step(params, grads)
    assert float(backend.to_cpu(W).max()) < 2.0  # the penalty's gradient moved W
    np.testing.assert_array_equal(backend.to_cpu(b), 2.0)  # and left b alone
    assert "decay=('W',)" in repr(opt)


def test_decay_none_decays_every_parameter_as_before():
    params = {"W": np.full(2, 2.0), "b": np.full(2, 2.0)}
    SGD(0.1, weight_decay=0.5).step(params, {"W": np.zeros(2), "b": np.zeros(2)})
    np.testing.assert_allclose(params["b"], 2.0 - 0.1 * 0.5 * 2.0)


def test_decay_must_be_a_collection_of_names():
    with pytest.raises(TypeError, match="collection of parameter names"):
        SGD(0.1, weight_decay=0.1, decay="W")
    with pytest.raises(TypeError, match="decay"):
        Adam(1e-3, decay=[1, 2])


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_decay_selector_matches_torch_parameter_groups(kind):
    torch = pytest.importorskip("torch", reason="PyTorch not installed; comparison skipped")
    rng = np.random.default_rng(3)
    W0, b0 = rng.normal(size=(3, 2)), rng.normal(size=2)
    params = {"W": W0.copy(), "b": b0.copy()}
    tW, tb = torch.tensor(W0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    groups = [{"params": [tW], "weight_decay": 0.1}, {"params": [tb], "weight_decay": 0.0}]
    if kind == "sgd":
        ours, theirs = SGD(0.05, momentum=0.9, weight_decay=0.1, decay=("W",)), None
        theirs = torch.optim.SGD(groups, lr=0.05, momentum=0.9)
    else:
        ours = Adam(0.01, weight_decay=0.1, decay=("W",))
        theirs = torch.optim.Adam(groups, lr=0.01)
    for _ in range(4):
        gW, gb = rng.normal(size=(3, 2)), rng.normal(size=2)
        ours.step(params, {"W": gW.copy(), "b": gb.copy()})
        tW.grad, tb.grad = torch.tensor(gW), torch.tensor(gb)
        theirs.step()
    np.testing.assert_allclose(params["W"], tW.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(params["b"], tb.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_cosine_decay_runs_the_half_cosine_from_lr_to_lr_min():
    from dlbook.optim import CosineDecay

    sched = CosineDecay(SGD(0.1), total_steps=4, lr_min=0.01)
    lrs = [sched.lr_at(t) for t in range(6)]
    np.testing.assert_allclose(lrs[0], 0.1)
    np.testing.assert_allclose(lrs[2], 0.055)
    np.testing.assert_allclose(lrs[4:], [0.01, 0.01])
    p = {"w": np.array([1.0])}
    for _ in range(3):
        sched.step(p, {"w": np.array([1.0])})
    np.testing.assert_allclose(p["w"], 1.0 - sum(lrs[:3]))
    with pytest.raises(ValueError, match="total_steps"):
        CosineDecay(SGD(0.1), total_steps=0)
    with pytest.raises(TypeError, match="optimiser"):
        CosineDecay("sgd", total_steps=3)


def test_cosine_decay_matches_torch_cosine_annealing():
    torch = pytest.importorskip("torch", reason="PyTorch not installed; comparison skipped")
    from dlbook.optim import CosineDecay

    rng = np.random.default_rng(4)
    w0 = rng.normal(size=5)
    params = {"w": w0.copy()}
    ours = CosineDecay(SGD(0.1, momentum=0.9), total_steps=6, lr_min=0.001)
    tw = torch.tensor(w0, requires_grad=True)
    opt = torch.optim.SGD([tw], lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6, eta_min=0.001)
    for _ in range(6):
        g = rng.normal(size=5)
        ours.step(params, {"w": g.copy()})
        tw.grad = torch.tensor(g)
        opt.step()
        sched.step()
    np.testing.assert_allclose(params["w"], tw.detach().numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------- parameters learnt once, state by name
_TORCH_STATE = {  # our name -> torch.optim's name for the same array
    "momentum": {"v": "momentum_buffer"},
    "adagrad": {"G": "sum"},
    "rmsprop": {"s": "square_avg"},
    "adam": {"m": "exp_avg", "v": "exp_avg_sq"},
    "adam_wd": {"m": "exp_avg", "v": "exp_avg_sq"},
}


@pytest.mark.parametrize("name", sorted(_TORCH_STATE))
def test_state_is_named_as_in_the_maths_and_equals_torch_state(name):
    """Two layers, fresh lists every step (as ``train_step`` passes them): θ and state agree."""
    torch = pytest.importorskip("torch", reason="torch is not installed (the 'bench' extra)")
    rng = np.random.default_rng(1)
    layers = [{"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}, {"W": rng.normal(size=4)}]
    tparams = [torch.tensor(p, requires_grad=True) for d in layers for p in d.values()]
    hyper = {
        "momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
        "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.5),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8),
        "adam": lambda p: torch.optim.Adam(p, lr=0.05),
        "adam_wd": lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1),
    }
    ours, theirs = OPTIMISERS[name](), hyper[name](tparams)
    for _ in range(5):
        grads = [{k: rng.normal(size=p.shape) for k, p in d.items()} for d in layers]
        ours.step(list(layers), [dict(g) for g in grads])  # new lists each step
        for tp, g in zip(tparams, [g for d in grads for g in d.values()], strict=True):
            tp.grad = torch.tensor(g)
        theirs.step()
    assert ours.params == [p for d in layers for p in d.values()]
    for p, st, tp in zip(ours.params, ours.state, tparams, strict=True):
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-10, atol=1e-12)
        for mine, torch_name in _TORCH_STATE[name].items():
            expected = theirs.state[tp][torch_name].numpy()
            np.testing.assert_allclose(getattr(st, mine), expected, rtol=1e-10, atol=1e-14)
        assert st.t == 5


def test_step_learns_the_parameters_once(monkeypatch):
    """The structure is checked and the state allocated at the first step only."""
    import dlbook.optim as optim

    calls = []
    real_pairs = optim._pairs
    monkeypatch.setattr(optim, "_pairs", lambda *a: calls.append(1) or real_pairs(*a))
    layers = [{"W": np.ones((3, 2)), "b": np.zeros(2)}, {}, {"W": np.ones(4)}]
    opt = Adam(lr=0.1, weight_decay=0.01)
    opt.step(list(layers), [{k: np.ones_like(p) for k, p in d.items()} for d in layers])
    state, arrays = list(opt.state), [vars(st).copy() for st in opt.state]
    for _ in range(9):
        grads = [{k: np.ones_like(p) for k, p in d.items()} for d in layers]
        opt.step(list(layers), grads)
    assert len(calls) == 1  # bound once, not re-validated on later steps
    assert all(a is b for a, b in zip(opt.state, state, strict=True))  # the same State objects
    for st, before in zip(opt.state, arrays, strict=True):
        assert st.t == 10
        assert all(getattr(st, k) is v for k, v in before.items() if hasattr(v, "shape"))


def test_new_parameters_are_learnt_again_with_fresh_state():
    opt = SGD(lr=0.1, momentum=0.9)
    p = {"w": np.zeros(1)}
    opt.step(p, {"w": np.ones(1)})
    opt.step(p, {"w": np.ones(1)})  # −0.1, then −0.19
    np.testing.assert_allclose(p["w"], [-0.29])
    p["w"] = np.zeros(1)  # a new array, not written in place: new parameters
    opt.step(p, {"w": np.ones(1)})
    np.testing.assert_allclose(p["w"], [-0.1])
    assert opt.params[0] is p["w"] and opt.state[0].t == 1


def test_bind_allocates_the_state_before_the_first_step():
    p, g = {"W": np.ones((2, 2)), "b": np.ones(2)}, {"W": np.ones((2, 2)), "b": np.ones(2)}
    opt = AdaGrad(lr=0.1)
    opt.bind(p, g)
    G = opt.state[0].G
    assert [st.G.shape for st in opt.state] == [(2, 2), (2,)] and not G.any()
    opt.step(p, g)
    assert opt.state[0].G is G and np.all(G == 1.0)
    with pytest.raises(ValueError, match="but gradients"):
        opt.bind(p, {"W": g["W"]})
