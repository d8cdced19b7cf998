"""The backend and the fake device: dispatch, transfers, randomness, the wall."""

from __future__ import annotations

import numpy as np
import pytest

import dlbook as dl
from dlbook import backend
from dlbook.testing import DeviceMixingError, FakeArray, fake_device


def test_numpy_is_the_default():
    assert backend.current_device() == "numpy"
    assert backend.xp() is np
    assert isinstance(backend.zeros(3), np.ndarray)
    assert backend.zeros(3).dtype == np.float32


def test_unknown_device_is_a_clear_error():
    with pytest.raises(ValueError, match="one of"):
        dl.use("tpu")


def test_gpu_detection_never_raises_and_says_why():
    status = backend.gpu_available()
    assert isinstance(status.ok, bool)
    assert status.reason
    if not status.ok:
        with pytest.raises(RuntimeError, match="no usable GPU"):
            dl.use("cupy")
        assert dl.use("auto") == "numpy"


def test_array_module_dispatches_on_inputs(device):
    a = backend.zeros((2, 3))
    assert backend.array_module(a) is device
    assert backend.array_module(1.0, a) is device
    assert backend.array_module(1.0) is np


def test_to_cpu_returns_numpy(device):
    a = backend.asarray(np.arange(6.0).reshape(2, 3))
    host = backend.to_cpu(a)
    assert type(host) is np.ndarray
    np.testing.assert_array_equal(host, np.arange(6.0).reshape(2, 3))


def test_scatter_add_accumulates_repeated_indices(device):
    target = backend.zeros(4)
    idx = backend.asarray(np.array([0, 1, 1, 3]))
    backend.scatter_add(target, idx, backend.asarray(np.ones(4, np.float32)))
    np.testing.assert_array_equal(backend.to_cpu(target), [1, 2, 0, 1])


def test_rng_is_reproducible_on_every_device(device):
    a = backend.to_cpu(backend.default_rng(7).random(5))
    b = backend.to_cpu(backend.default_rng(7).random(5))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng(7).random(5))


def test_rng_passes_generators_through():
    gen = backend.default_rng(1)
    assert backend.default_rng(gen) is gen
    with pytest.raises(TypeError, match="rng must be None"):
        backend.default_rng("seed")


def test_fake_device_refuses_implicit_conversion():
    with fake_device():
        a = backend.zeros(3)
        assert isinstance(a, FakeArray)
        with pytest.raises(DeviceMixingError, match="to_cpu"):
            np.asarray(a)


def test_fake_device_refuses_mixing_with_numpy():
    with fake_device():
        a = backend.zeros((2, 2))
        host = np.ones((2, 2), np.float32)
        with pytest.raises(DeviceMixingError, match="mixed"):
            _ = a + host
        with pytest.raises(DeviceMixingError):
            np.concatenate([a, host])
        with pytest.raises(DeviceMixingError):
            backend.xp().exp(host)
        with pytest.raises(TypeError, match="different devices"):
            backend.array_module(a, host)


def test_fake_device_computes_like_numpy():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    with fake_device() as fake:
        a = backend.asarray(x)
        y = fake.exp(a) @ a.T + 1.0
        y[0, 0] = 5.0
        out = backend.zeros((3, 3))
        fake.multiply(y, 2.0, out=out)
        s = float(out.sum())
    ref = np.exp(x) @ x.T + 1.0
    ref[0, 0] = 5.0
    assert s == pytest.approx(float((2 * ref).sum()), rel=1e-6)
    assert backend.current_device() == "numpy"


def test_show_gives_source():
    src = dl.show(backend.to_cpu)
    assert "def to_cpu" in repr(src)
    assert src._repr_markdown_().startswith("```python")
    with pytest.raises(TypeError, match="cannot find the source"):
        dl.show(3)


def test_setup_notebook_returns_seeded_generator():
    a = dl.setup_notebook(seed=3).random(2)
    b = dl.setup_notebook(seed=3).random(2)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "rng, error", [(-1, ValueError), (True, ValueError), ("0", TypeError), (1.5, TypeError)]
)
def test_a_bad_rng_is_one_line_in_the_package_template(rng, error):
    with pytest.raises(error) as err:
        backend.default_rng(rng)
    msg = str(err.value)
    assert msg.startswith("default_rng: rng must be None, an int >= 0 (a seed) or a generator")
    assert msg.endswith(".") and "\n" not in msg
    from dlbook.layers import Dense

    with pytest.raises(error, match="rng must be None"):
        Dense(2, 3, rng=rng)
