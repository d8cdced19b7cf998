"""Sequential: training, evaluation, prediction, early stopping, save/load, devices, checks."""

from __future__ import annotations

import json
import math
import zipfile

import numpy as np
import pytest

from dlbook import backend
from dlbook.gradcheck import check_model
from dlbook.layers import Dense, Dropout, Flatten, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from dlbook.network import History, Sequential
from dlbook.optim import SGD, Adam

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def blobs(n=300, d=5, c=3, seed=0, spread=0.6):
    """``c`` well separated Gaussian clusters in ``d`` dimensions: (x float32, y int64)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 3.0, (c, d))
    y = rng.integers(0, c, n)
    x = centres[y] + rng.normal(0.0, spread, (n, d))
    return x.astype(np.float32), y.astype(np.int64)


def mlp(d=5, h=16, c=3, seed=0, dropout=0.0):
    layers = [Dense(d, h, rng=seed), ReLU()]
    if dropout:
        layers.append(Dropout(dropout, rng=seed))
    return Sequential([*layers, Dense(h, c, rng=seed + 1)])


# ---------------------------------------------------------------------- training
def test_fit_reduces_loss_and_learns_separable_problem(device):
    x, y = blobs()
    model = mlp()
    before = model.evaluate(x, y)
    history = model.fit(x, y, epochs=15, batch_size=32, optimizer=SGD(0.05, momentum=0.9))
    after = model.evaluate(x, y)
    assert isinstance(history, History) and len(history) == 15
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert after["loss"] < 0.2 * before["loss"]
    assert after["accuracy"] >= 0.98
    assert isinstance(after["loss"], float) and isinstance(after["accuracy"], float)


@pytest.mark.parametrize("hidden", [Tanh, Sigmoid])
def test_learns_xor(hidden):
    # XOR is not linearly separable (Minsky & Papert 1969); one hidden layer solves it.
    model = Sequential([Dense(2, 8, init="xavier", rng=3), hidden(), Dense(8, 2, rng=4)])
    model.fit(XOR_X, XOR_Y, epochs=500, batch_size=4, optimizer=SGD(0.5, momentum=0.9))
    np.testing.assert_array_equal(backend.to_cpu(model.predict(XOR_X)), XOR_Y)
    assert model.evaluate(XOR_X, XOR_Y)["loss"] < 0.05


def test_one_hot_targets_give_the_same_run_as_labels():
    x, y = blobs(n=120)
    a, b = mlp(), mlp()
    ha = a.fit(x, y, epochs=3, batch_size=16, rng=1)
    hb = b.fit(x, np.eye(3, dtype=np.float32)[y], epochs=3, batch_size=16, rng=1)
    np.testing.assert_allclose(ha["loss"], hb["loss"], rtol=1e-5)
    assert ha["accuracy"] == hb["accuracy"]


def test_same_seed_same_run_and_different_seed_different_run():
    x, y = blobs(n=200)
    runs = []
    for seed in (7, 7, 8):
        model = mlp(dropout=0.2)
        h = model.fit(x, y, epochs=3, batch_size=20, optimizer=Adam(0.01), rng=seed)
        runs.append((h["loss"], backend.to_cpu(model.layers[0].params["W"]).copy()))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]


def test_fit_runs_the_same_on_numpy_and_fake_device():
    from dlbook.testing import fake_device

    x, y = blobs(n=100)
    results = []
    for where in ("numpy", "fake"):
        if where == "fake":
            with fake_device():
                model = mlp(dropout=0.1)
                h = model.fit(x, y, epochs=2, batch_size=16, validation=(x, y), rng=3)
                w = backend.to_cpu(model.layers[0].params["W"])
        else:
            model = mlp(dropout=0.1)
            h = model.fit(x, y, epochs=2, batch_size=16, validation=(x, y), rng=3)
            w = model.layers[0].params["W"].copy()
        results.append((h.as_dict(), w))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_fit_accepts_device_arrays_and_predict_stays_on_device(device):
    x, y = blobs(n=64)
    xd, yd = backend.asarray(x), backend.asarray(y)
    model = mlp()
    model.fit(xd, yd, epochs=2, batch_size=16)
    labels = model.predict(xd)
    assert backend.array_module(labels) is device
    assert labels.shape == (64,) and labels.dtype == np.int64
    p = model.predict_proba(x)
    np.testing.assert_allclose(backend.to_cpu(p).sum(axis=1), 1.0, rtol=1e-5)
    scores = model.predict_scores(x, batch_size=10)  # batches are joined in order
    np.testing.assert_allclose(
        backend.to_cpu(scores), backend.to_cpu(model.forward(backend.asarray(x))), rtol=1e-6
    )


def test_fit_does_not_modify_the_data(device):
    x, y = blobs(n=50)
    x0, y0 = x.copy(), y.copy()
    mlp().fit(x, y, epochs=2, batch_size=8, validation=(x, y))
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_float64_model_trains_in_float64():
    x, y = blobs(n=60)
    model = mlp().astype(np.float64)
    model.fit(x, y, epochs=1, batch_size=20)
    assert model.dtype == np.float64
    assert all(p.dtype == np.float64 for d in model.params for p in d.values())


def test_images_through_flatten():
    rng = np.random.default_rng(0)
    x = rng.random((40, 1, 4, 4), dtype=np.float32)
    y = (x[:, 0, :2].sum(axis=(1, 2)) > x[:, 0, 2:].sum(axis=(1, 2))).astype(np.int64)
    model = Sequential([Flatten(), Dense(16, 8, rng=0), ReLU(), Dense(8, 2, rng=1)])
    h = model.fit(x, y, epochs=30, batch_size=8, optimizer=Adam(0.01))
    assert h["loss"][-1] < h["loss"][0]
    assert "(N, 16)" in model.summary(input_shape=(1, 4, 4))


def test_nan_loss_stops_training_with_a_warning():
    x, y = blobs(n=64)
    model = mlp()
    with pytest.warns(RuntimeWarning, match="smaller learning rate"), np.errstate(all="ignore"):
        h = model.fit(x * 1e4, y, epochs=20, batch_size=64, optimizer=SGD(1e4))
    assert len(h) < 20 and not math.isfinite(h["loss"][-1])


# -------------------------------------------------------------- validation, stopping
def test_validation_is_recorded_and_plotted():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x, y = blobs(n=200)
    h = mlp().fit(x[:150], y[:150], epochs=4, batch_size=25, validation=(x[150:], y[150:]))
    assert set(h.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in h.history.values()) and len(h.seconds) == 4
    assert all(0.0 <= a <= 1.0 for a in h["val_accuracy"])
    assert h.best_epoch == int(np.argmin(h["val_loss"])) + 1
    table = h.table()
    assert table.splitlines()[0].split() == ["epoch", "loss", "accuracy", "val", "loss", "val",
                                             "accuracy"]  # fmt: skip
    assert f"{h.best_epoch} *" in table
    from dlbook.plots import curves

    fig = curves.history_curves(h)
    loss_ax, acc_ax = fig.axes
    lines = {ln.get_label(): ln for ln in loss_ax.get_lines()}
    assert lines["train"].get_color() == "C0" and lines["validation"].get_color() == "C1"
    np.testing.assert_allclose(lines["validation"].get_ydata(), h["val_loss"])
    assert acc_ax.get_title() == "Accuracy"
    plt.close(fig)


def test_early_stopping_stops_and_restores_best_weights(device):
    # Few noisy samples and a large net: the validation loss turns up soon.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 5)).astype(np.float32)
    y = rng.integers(0, 3, 40)
    xv = rng.normal(size=(40, 5)).astype(np.float32)
    yv = rng.integers(0, 3, 40)
    model = mlp(h=64)
    h = model.fit(
        x, y, epochs=200, batch_size=8, optimizer=Adam(0.01), validation=(xv, yv),
        early_stopping=3,
    )  # fmt: skip
    assert h.stopped_early and len(h) < 200
    assert len(h) == h.best_epoch + 3  # three epochs without improvement after the best
    assert model.evaluate(xv, yv)["loss"] == pytest.approx(min(h["val_loss"]), rel=1e-5)
    assert "stopped early" in repr(h)


def test_early_stopping_needs_validation():
    x, y = blobs(n=20)
    with pytest.raises(ValueError, match="validation=\\(x_val, y_val\\)"):
        mlp().fit(x, y, epochs=2, early_stopping=2)


# --------------------------------------------------------------------- input checks
@pytest.mark.parametrize(
    ("x", "y", "error", "words"),
    [
        (np.zeros((10, 5), np.float32), np.zeros(9, np.int64), ValueError, "x has 10 samples but y has 9"),
        (np.zeros((10, 4), np.float32), np.zeros(10, np.int64), ValueError, "layer expects 5"),
        (np.zeros((10, 5), np.float32), np.full(10, 3), ValueError, "labels y must lie in [0, 3)"),
        (np.zeros((10, 5), np.float32), -np.ones(10, np.int64), ValueError, "from -1 to -1"),
        (np.zeros((10, 5), np.float32), np.zeros(10, np.float32), TypeError, "y.astype(np.int64)"),
        (np.zeros((10, 5), np.float32), np.zeros((10, 4), np.float32), ValueError, "shape (N, 3)"),
        (np.zeros(5, np.float32), np.zeros(1, np.int64), ValueError, "For one sample use x[None]"),
        (np.zeros((10, 5), np.float32), np.zeros(10, bool), TypeError, "integer class labels"),
    ],
)  # fmt: skip
def test_bad_inputs_say_what_was_expected(device, x, y, error, words):
    model = mlp()
    with pytest.raises(error) as info:
        model.fit(x, y, epochs=1)
    assert words in str(info.value)
    with pytest.raises(error):
        model.evaluate(x, y)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"epochs": 0}, "Sequential.fit: epochs must be an int >= 1; got 0."),
        ({"batch_size": 2.5}, "batch_size must be an int >= 1"),
        ({"early_stopping": -1}, "early_stopping must be an int >= 1"),
    ],
)
def test_bad_fit_arguments(kwargs, words):
    x, y = blobs(n=10)
    with pytest.raises(ValueError) as info:
        mlp().fit(x, y, **kwargs)
    assert words in str(info.value)


def test_bad_layers_and_optimizer():
    with pytest.raises(TypeError, match="pass it as Sequential"):
        Sequential([Dense(2, 2), SoftmaxCrossEntropy()])
    with pytest.raises(TypeError, match="is not a layer"):
        Sequential([Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match="step\\(params, grads\\)"):
        Sequential([Dense(2, 2)]).fit(XOR_X, XOR_Y, optimizer=object())


def test_predict_of_a_single_output_model_points_to_predict_scores():
    model = Sequential([Dense(2, 1)])
    with pytest.raises(ValueError, match="predict_scores"):
        model.predict(XOR_X)


# --------------------------------------------------------------------- backward
def test_backward_skips_the_input_gradient_only_when_asked():
    x, y = blobs(n=8)
    model = mlp()
    model.loss.forward(model.forward(x, train=True), y)
    dx = model.backward()
    assert dx.shape == x.shape
    dW_full = model.layers[0].grads["W"].copy()
    model.loss.forward(model.forward(x, train=True), y)
    assert model.backward(input_grad=False) is None
    assert model.layers[0].needs_input_grad is False and model.layers[2].needs_input_grad
    np.testing.assert_array_equal(model.layers[0].grads["W"], dW_full)


def test_check_model_on_a_tiny_sequential():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    model = Sequential([Dense(3, 5, rng=0), Tanh(), Dense(5, 4, rng=1), ReLU(), Dense(4, 3, rng=2)])
    model.fit(x, y, epochs=1, batch_size=2)  # leaves needs_input_grad False on layer 0
    report = check_model(model, x, y)
    assert report.ok, str(report)
    assert report.max_rel_error < 1e-6


# -------------------------------------------------------------------- save and load
def test_save_load_round_trip_gives_identical_predictions(tmp_path, device):
    x, y = blobs(n=50)
    model = mlp(dropout=0.3)
    model.fit(x, y, epochs=2, batch_size=10)
    path = model.save(tmp_path / "model.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary left
    loaded = Sequential.load(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert loaded.layers[2].p == 0.3
    np.testing.assert_array_equal(
        backend.to_cpu(loaded.predict_scores(x)), backend.to_cpu(model.predict_scores(x))
    )
    for a, b in zip(model.params, loaded.params, strict=True):
        for k in a:
            assert backend.array_module(b[k]) is device
            np.testing.assert_array_equal(backend.to_cpu(a[k]), backend.to_cpu(b[k]))


def test_saved_file_is_plain_arrays(tmp_path):
    path = mlp().save(tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as data:
        arch = json.loads(str(data["architecture"]))
        assert sorted(data.files) == [
            "architecture", "layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b",
        ]  # fmt: skip
    assert arch["format"] == "dlbook.Sequential"
    assert [d["class"] for d in arch["layers"]] == ["Dense", "ReLU", "Dense"]
    assert arch["layers"][0]["config"]["in_features"] == 5


def _corrupt_files(tmp_path):
    good = mlp().save(tmp_path / "good.npz")
    raw = good.read_bytes()
    (tmp_path / "truncated.npz").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "garbage.npz").write_bytes(b"this is not a model" * 10)
    (tmp_path / "empty.npz").write_bytes(b"")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    arch = json.loads(str(np.load(good)["architecture"]))
    arch["layers"][0]["module"] = "os"
    arrays = dict(np.load(good))
    arrays["architecture"] = np.array(json.dumps(arch))
    np.savez(tmp_path / "evil.npz", **arrays)
    arrays = dict(np.load(good))
    arrays["layers.0.W"] = np.zeros((2, 2), np.float32)
    np.savez(tmp_path / "shape.npz", **arrays)
    with zipfile.ZipFile(tmp_path / "bitflip.npz", "w") as z:  # right names, bad content
        z.writestr("architecture.npy", b"\x93NUMPY garbage")
    arch = json.loads(str(np.load(good)["architecture"]))
    arch["layers"][1] = {"module": "dlbook.rnn", "class": "NoSuchLayer", "config": {}}
    arrays = dict(np.load(good))
    arrays["architecture"] = np.array(json.dumps(arch))
    np.savez(tmp_path / "unknown.npz", **arrays)  # a layer this dlbook cannot build
    return ["truncated", "garbage", "empty", "other", "evil", "shape", "bitflip", "unknown"]


def test_corrupt_file_gives_a_clear_error(tmp_path):
    for name in _corrupt_files(tmp_path):
        path = tmp_path / f"{name}.npz"
        with pytest.raises(ValueError) as info:
            Sequential.load(path)
        message = str(info.value)
        assert str(path) in message and "not a readable dlbook model file" in message, name
    with pytest.raises(FileNotFoundError, match="no model file"):
        Sequential.load(tmp_path / "missing.npz")


def test_saving_a_foreign_layer_is_refused(tmp_path):
    class Mine(ReLU):
        pass

    with pytest.raises(ValueError, match="only dlbook's own layers"):
        Sequential([Dense(2, 2), Mine()]).save(tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


# ----------------------------------------------------------------------- showing
def test_summary_and_repr():
    model = Sequential([Dense(784, 256), ReLU(), Dense(256, 10)])
    text = model.summary()
    assert "(N, 256)" in text and "(N, 10)" in text
    assert "200,960" in text and "203,530" in text  # 784·256 + 256; plus 256·10 + 10
    assert model.n_params == 203_530
    assert repr(model).startswith("Sequential([") and "SoftmaxCrossEntropy()" in repr(model)
    with pytest.raises(ValueError, match="input_shape"):
        Sequential([Flatten(), Dense(4, 2)]).summary()


def test_history_without_validation_uses_training_loss():
    h = History()
    for loss, acc in [(1.0, 0.5), (0.4, 0.8), (0.6, 0.7)]:
        h.record(0.1, loss=loss, accuracy=acc)
    assert h.best_epoch == 2 and h.monitor == "loss"
    assert repr(h) == "History(3 epochs, best epoch 2: loss 0.4, accuracy 80.0 %)"
    with pytest.raises(KeyError, match="val_loss"):
        h["val_loss"]


# ------------------------------------------------- optimiser names, dtypes, progress
def test_fit_accepts_optimizer_names_and_refuses_unknown_ones():
    x, y = blobs(n=60)
    for name in ("sgd", "Adam", "rmsprop", "adagrad"):
        model = mlp()
        before = model.evaluate(x, y)["loss"]
        model.fit(x, y, epochs=3, batch_size=20, optimizer=name)
        assert model.evaluate(x, y)["loss"] < before, name
    with pytest.raises(ValueError, match=r"unknown optimiser 'adma'.*Did you mean 'adam'"):
        mlp().fit(x, y, epochs=1, optimizer="adma")
    with pytest.raises(TypeError, match="optimizer must have a step"):
        mlp().fit(x, y, epochs=1, optimizer=0.1)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(np.float64(0.1), momentum=np.float64(0.9), nesterov=True, weight_decay=1e-3),
        lambda: Adam(lr=np.float64(1e-3), weight_decay=np.float64(1e-2)),
        lambda: "rmsprop",
        lambda: "adagrad",
    ],
    ids=["sgd", "adam", "rmsprop", "adagrad"],
)
def test_training_keeps_float32_throughout(device, make):
    """No silent upcast to float64 by Python floats, np.float64 scalars or float64 data."""
    x, y = blobs(n=64, d=6)
    model = Sequential(
        [Dense(6, 8, rng=0), Tanh(), Dropout(0.2, rng=1), Dense(8, 8, rng=2), Sigmoid(),
         Dense(8, 3, rng=3)]
    )  # fmt: skip
    opt = make()
    model.fit(x.astype(np.float64), y, epochs=2, batch_size=16, optimizer=opt)
    arrays = [p for d in model.params + model.grads for p in d.values()]
    if not isinstance(opt, str):
        for st in opt.state:
            arrays += [a for a in vars(st).values() if hasattr(a, "dtype")]
    assert arrays and all(a.dtype == np.float32 for a in arrays)
    assert backend.array_module(*arrays) is device
    xb = backend.asarray(x[:16])
    scores = model.forward(xb, train=True)
    loss = model.loss.forward(scores, backend.asarray(y[:16]))
    dx = model.backward()
    assert scores.dtype == loss.dtype == dx.dtype == np.float32


def test_progress_bar_follows_dlbook_progress(monkeypatch):
    import dlbook.training as training

    made = []

    class Bar:
        def __init__(self, total, desc):
            self.total, self.n, self.closed = total, 0, False
            made.append(self)

        def update(self, k):
            self.n += k

        def metrics(self, text):
            self.postfix = text

        def finish(self, reason=None, *, failed=False, why=""):
            self.closed = True

    monkeypatch.setattr(training, "Bar", Bar)
    x, y = blobs(n=50)
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    mlp().fit(x, y, epochs=2, batch_size=20)
    assert made == []
    monkeypatch.setenv("DLBOOK_PROGRESS", "1")
    mlp().fit(x, y, epochs=2, batch_size=20)
    assert len(made) == 1 and made[0].n == made[0].total == 2 * 3 and made[0].closed
    assert "loss" in made[0].postfix and "accuracy" in made[0].postfix
    mlp().fit(x, y, epochs=1, batch_size=20, progress=False)
    assert len(made) == 1


def test_real_tqdm_bar_runs():
    x, y = blobs(n=40)
    mlp().fit(x, y, epochs=1, batch_size=20, progress=True)  # tqdm.auto, in a plain process


# --------------------------------------------------------- failures lose nothing
def test_a_failed_load_leaves_the_file_as_it_was(tmp_path):
    for name in _corrupt_files(tmp_path):
        path = tmp_path / f"{name}.npz"
        raw = path.read_bytes()
        with pytest.raises(ValueError, match="save the model again"):
            Sequential.load(path)
        assert path.read_bytes() == raw, name


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = mlp(seed=0).save(tmp_path / "m.npz")
    raw = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        mlp(seed=1).save(path)
    assert path.read_bytes() == raw
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary left


def test_load_weights_into_the_same_architecture(tmp_path, device):
    x, y = blobs(n=50)
    trained = mlp(seed=0)
    trained.fit(x, y, epochs=2, batch_size=10)
    path = trained.save(tmp_path / "m.npz")
    fresh = mlp(seed=5)
    assert fresh.load_weights(path) is fresh
    np.testing.assert_array_equal(
        backend.to_cpu(fresh.predict_scores(x)), backend.to_cpu(trained.predict_scores(x))
    )
    assert backend.array_module(*[p for d in fresh.params for p in d.values()]) is device


@pytest.mark.parametrize(
    "saved, model, words",
    [
        (lambda: mlp(h=17), lambda: mlp(), r"layers\[0\] is Dense.*\(5, 16\).*\(5, 17\)"),
        (
            lambda: Sequential([Dense(5, 16), Tanh(), Dense(16, 3)]),
            lambda: mlp(),
            r"layers\[1\] is ReLU",
        ),
        (lambda: mlp(), lambda: Sequential([Dense(5, 3)]), "of 3 layers; this one has 1"),
    ],
    ids=["shape", "class", "depth"],
)
def test_load_weights_of_another_architecture_is_refused_and_changes_nothing(
    tmp_path, saved, model, words
):
    path = saved().save(tmp_path / "other.npz")
    raw = path.read_bytes()
    model = model()
    before = [{k: p.copy() for k, p in d.items()} for d in model.params]
    with pytest.raises(ValueError, match=words) as info:
        model.load_weights(path)
    assert "Sequential.load(" in str(info.value)  # the fix
    for kept, d in zip(before, model.params, strict=True):
        for k in d:
            np.testing.assert_array_equal(kept[k], d[k])
    assert path.read_bytes() == raw


def test_any_flipped_bit_gives_a_clear_error_or_the_same_model(tmp_path):
    """Single-bit corruption anywhere in the file: a ValueError, or (zip metadata) no change."""
    path = mlp().save(tmp_path / "m.npz")
    raw = path.read_bytes()
    original = Sequential.load(path)
    rng = np.random.default_rng(7)
    errors = 0
    for _ in range(300):
        damaged = bytearray(raw)
        damaged[int(rng.integers(len(raw)))] ^= 1 << int(rng.integers(8))
        bad = tmp_path / "bad.npz"
        bad.write_bytes(bytes(damaged))
        try:
            loaded = Sequential.load(bad)
        except ValueError as exc:
            assert "save the model again" in str(exc)
            errors += 1
            continue
        for a, b in zip(original.params, loaded.params, strict=True):
            for k in a:
                np.testing.assert_array_equal(a[k], b[k])
    assert errors > 200  # most bits matter: the arrays and the JSON are checked
