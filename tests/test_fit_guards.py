"""Training never destroys a model without a word: bad data, divergence, hostile files.

One test per class of fault from the reliability review (issue 15): non-finite
data (named by row), a loss that becomes non-finite (stopped, last finite weights
restored), a non-finite validation loss (said, not silently counted), labels out
of range, hostile and damaged model files (refused before allocating, the file
named, the file closed), temporaries of an interrupted save, and wrong arguments
in the package's one message template.
"""

from __future__ import annotations

import inspect
import io
import json
import math
import os
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from dlbook.layers import Dense, ReLU, SoftmaxCrossEntropy
from dlbook.network import Sequential
from dlbook.optim import SGD, Adam
from dlbook.testing import fake_device


def blobs(n=120, d=4, c=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 3.0, (c, d))
    y = rng.integers(0, c, n)
    return (centres[y] + rng.normal(0.0, 0.6, (n, d))).astype(np.float32), y.astype(np.int64)


def mlp(d=4, h=8, c=3, seed=0):
    return Sequential([Dense(d, h, rng=seed), ReLU(), Dense(h, c, rng=seed + 1)])


def weights(model):
    return [{k: np.array(p) for k, p in layer.params.items()} for layer in model.layers]


# --- data ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["x", "y", "x_val"])
def test_non_finite_data_is_refused_naming_the_first_bad_row(bad, where):
    x, y = blobs()
    xv, yv = x[:20].copy(), y[:20].copy()
    target = {"x": x, "y": None, "x_val": xv}[where]
    model = mlp()
    before = weights(model)
    if where == "y":  # one-hot float targets can hold NaN too
        y = np.eye(3, dtype=np.float32)[y]
        y[17, 1] = bad
        name = "y"
    else:
        target[17, 2] = bad
        target[len(target) - 1, 0] = bad  # a later bad row: the first is the one named
        name = "x"
    with pytest.raises(ValueError) as err:
        model.fit(x, y, epochs=1, validation=(xv, yv))
    msg = str(err.value)
    assert msg.startswith(f"The '{name}' parameter of Sequential.fit")
    assert "row 17" in msg and str(bad) in msg and msg.endswith("instead.")
    if where == "x_val":
        assert "validation" in msg
    for a, b in zip(before, weights(model), strict=True):  # nothing trained
        assert all(np.array_equal(a[k], b[k]) for k in a)


def test_finite_data_whose_sum_overflows_is_not_refused():
    """The check reads a sum first; finite numbers whose float32 sum is inf still pass."""
    from dlbook.inputs import check_finite

    big = np.full((4, 3), 3e38, dtype=np.float32)
    with np.errstate(over="ignore"):
        assert not np.isfinite(big.sum())
    check_finite(big, "x", "fit")  # no error
    big[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"row 2 \(element 1 of the row\)"):
        check_finite(big, "x", "fit")


def test_evaluate_checks_its_data_too():
    x, y = blobs()
    x[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"Sequential\.evaluate .*row 3"):
        mlp().evaluate(x, y)


@pytest.mark.parametrize("labels", [[0, 1, 3], [0, -1, 2]])
def test_labels_out_of_range_are_refused_on_every_device(labels):
    x, _ = blobs(n=3)
    with fake_device():  # where an index wraps around instead of failing
        with pytest.raises(ValueError, match=r"labels y must lie in \[0, 3\)"):
            mlp().fit(x, np.array(labels), epochs=1)


def test_the_losses_say_what_they_do_not_check():
    from dlbook import functions as F

    for fn in (SoftmaxCrossEntropy.forward, F.cross_entropy):
        doc = " ".join((inspect.getdoc(fn) or "").split())  # inherited by the layer's forward
        assert "not checked" in doc and "wraps around" in doc and "Sequential.fit" in doc


# --- divergence ------------------------------------------------------------------------------


def test_a_loss_that_becomes_non_finite_stops_and_keeps_the_last_finite_weights():
    x, y = blobs()
    model = mlp()
    model.fit(x, y, epochs=2, batch_size=30, optimizer=SGD(0.05))  # a few good epochs
    good = weights(model)
    finite_loss = model.evaluate(x, y)["loss"]
    with pytest.warns(RuntimeWarning) as record, np.errstate(all="ignore"):
        h = model.fit(x * 1e4, y, epochs=20, batch_size=30, optimizer=SGD(1e4), rng=1)
    (warning,) = [w for w in record if "became" in str(w.message)]
    message = str(warning.message)
    assert "training stopped" in message and "restored" in message
    assert warning.filename == __file__  # points at the caller's line, not into dlbook
    epoch = int(re.search(r"in epoch (\d+)", message).group(1))
    assert len(h) == epoch < 20
    after = weights(model)
    assert all(np.isfinite(p).all() for layer in after for p in layer.values())
    assert math.isfinite(model.evaluate(x, y)["loss"])  # the model still works
    if epoch == 1:  # diverged at once: the weights are exactly those from before this call
        assert all(np.array_equal(a[k], b[k]) for a, b in zip(good, after, strict=True) for k in a)
        assert model.evaluate(x, y)["loss"] == finite_loss


def test_a_nan_validation_loss_is_said_not_silently_counted():
    x, y = blobs()
    model = mlp()
    xv = np.full((20, 4), 3e38, np.float32)  # finite, but overflows the model: a nan loss
    with (
        pytest.warns(RuntimeWarning, match=r"validation loss .* epoch 1"),
        np.errstate(all="ignore"),
    ):
        h = model.fit(
            x, y, epochs=6, batch_size=30, optimizer=SGD(0.05), validation=(xv, y[:20]),
            early_stopping=2,
        )  # fmt: skip
    assert h.stopped_early and len(h) == 2


# --- arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_an_optimiser_class_instead_of_an_instance_is_one_clear_line(cls):
    x, y = blobs(n=10)
    with pytest.raises(TypeError) as err:
        mlp().fit(x, y, epochs=1, optimizer=cls)
    msg = str(err.value)
    assert msg.startswith("The 'optimizer' parameter of Sequential.fit must be an optimiser")
    assert f"Got the class {cls.__name__} instead" in msg and "\n" not in msg


# --- files -----------------------------------------------------------------------------------


def _architecture(path):
    with np.load(path, allow_pickle=False) as z:
        return json.loads(str(z["architecture"][()])), {k: z[k] for k in z.files}


def _rewrite(path, arch, arrays):
    arrays = dict(arrays)
    arrays["architecture"] = np.array(json.dumps(arch))
    np.savez(path, **arrays)


def test_an_architecture_far_larger_than_its_arrays_is_refused_before_allocating(tmp_path):
    path = tmp_path / "m.npz"
    mlp().save(path)
    arch, arrays = _architecture(path)
    arch["layers"][0]["config"]["in_features"] = 10**7  # a 7 KB file, 3 TB of weights
    arch["layers"][0]["config"]["out_features"] = 10**5
    _rewrite(path, arch, arrays)
    assert path.stat().st_size < 20_000
    with pytest.raises(ValueError) as err:
        Sequential.load(path)
    msg = str(err.value)
    assert str(path) in msg and "10000000" in msg


def test_a_npy_header_declaring_a_huge_shape_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "m.npz"
    mlp().save(path)
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "<f4", "fortran_order": False, "shape": (10**9, 10**3)}
    )
    members["layers.0.W.npy"] = buf.getvalue() + b"\0" * 128
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    with pytest.raises(ValueError, match="declares shape") as err:
        Sequential.load(path)
    assert str(path) in str(err.value)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_a_truncated_model_file_is_closed_with_the_error(tmp_path):
    path = tmp_path / "m.npz"
    mlp().save(path)
    path.write_bytes(path.read_bytes()[:-100])
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(ValueError, match="not a readable dlbook model file"):
        Sequential.load(path)
    try:
        Sequential.load(path)
    except ValueError:
        assert len(os.listdir("/proc/self/fd")) == before  # closed while the error is held


@pytest.mark.skipif(os.name != "posix", reason="the writer's pid is asked on POSIX")
def test_temporaries_of_an_interrupted_save_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "m.npz"
    code = (
        "import os, sys\n"
        "import numpy as np\n"
        "from dlbook.layers import Dense\n"
        "from dlbook.network import Sequential\n"
        "real = np.savez\n"
        "def dying(f, **arrays):\n"
        "    real(f, **arrays)\n"
        "    os._exit(9)  # the kernel dies before the rename\n"
        "np.savez = dying\n"
        "Sequential([Dense(4, 3)]).save(sys.argv[1])\n"
    )
    assert subprocess.run([sys.executable, "-c", code, str(path)]).returncode == 9
    (left,) = list(tmp_path.iterdir())
    assert left.name.startswith(".m.npz.") and left.name.endswith(".tmp")
    mlp().save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_a_diverged_epoch_with_validation_keeps_the_history_aligned():
    x, y = blobs()
    model = mlp()
    with pytest.warns(RuntimeWarning, match="training stopped"), np.errstate(all="ignore"):
        h = model.fit(
            x * 1e4, y, epochs=5, batch_size=30, optimizer=SGD(1e4), validation=(x[:20], y[:20])
        )
    assert all(len(v) == len(h) for v in h.history.values())
    assert math.isnan(h["val_loss"][-1])


@pytest.mark.parametrize("kind", ["rbm", "dbn"])
def test_rbm_and_dbn_files_declaring_huge_sizes_are_refused_before_allocating(tmp_path, kind):
    """The same class of fault in the other model files of the book."""
    from dlbook.dbn import DBN
    from dlbook.rbm import RBM

    path = tmp_path / f"{kind}.npz"
    model = RBM(6, 4, rng=0) if kind == "rbm" else DBN([6, 4, 3], rng=0)
    model.save(path)
    arch, arrays = _architecture(path)
    if kind == "rbm":
        arch["config"]["n_hidden"] = 10**9  # 24 GB of weights from a 2 KB file
    else:
        arch["sizes"][1] = 10**9
    _rewrite(path, arch, arrays)
    loader = RBM.load if kind == "rbm" else DBN.load
    with pytest.raises(ValueError, match="larger than any array in the file") as err:
        loader(path)
    assert str(path) in str(err.value)
    path.write_bytes(path.read_bytes()[:-50])  # truncated: a clear error as well
    with pytest.raises(ValueError, match=str(path.name)):
        loader(path)
