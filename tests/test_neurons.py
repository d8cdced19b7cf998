"""McCulloch–Pitts units (dlbook.neurons) and chapter 00's exercises.

The units are checked against the 1943 rules (all-or-none, threshold counted in
active excitatory synapses, absolute inhibition), on NumPy and on the fake GPU.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dlbook import backend, neurons
from dlbook.exercises import ch00
from dlbook.neurons import McCullochPitts, MPNet
from dlbook.testing import fake_device


def host(a):
    return np.asarray(backend.to_cpu(a))


def _brute(x_exc, x_inh, threshold):
    """The firing rule, one pattern at a time, written from the paper's assumptions."""
    out = []
    for e, i in zip(x_exc.tolist(), x_inh.tolist(), strict=True):
        out.append(int(sum(e) >= threshold and not any(i)))
    return np.array(out)


def test_binary_inputs_count_in_order(device):
    x = neurons.binary_inputs(3)
    assert backend.array_module(x) is device
    np.testing.assert_array_equal(host(x), [list(p) for p in itertools.product([0, 1], repeat=3)])
    assert host(neurons.binary_inputs(0)).shape == (1, 0)


@pytest.mark.parametrize("threshold", [0, 1, 2, 3, 4])
def test_mp_fire_matches_the_rule_on_every_pattern(device, threshold):
    x = neurons.binary_inputs(5)  # 3 excitatory + 2 inhibitory columns
    y = neurons.mp_fire(x[:, :3], x[:, 3:], threshold)
    assert backend.array_module(y) is device
    assert y.shape == (32,) and y.dtype == np.int8
    xh = host(x)
    np.testing.assert_array_equal(host(y), _brute(xh[:, :3], xh[:, 3:], threshold))


def test_inhibition_is_absolute_not_subtractive():
    # four active excitatory inputs against one inhibitory one, threshold 1:
    # a weighted sum would fire (4 - 1 >= 1); McCulloch-Pitts stays silent.
    unit = McCullochPitts(threshold=1, n_excitatory=4, n_inhibitory=1)
    assert unit([[1, 1, 1, 1]], [[1]]).tolist() == [0]
    assert unit([[1, 1, 1, 1]], [[0]]).tolist() == [1]


def test_threshold_counts_at_least_not_more_than():
    unit = McCullochPitts(threshold=2, n_excitatory=3)
    assert unit([[1, 1, 0], [1, 0, 0]]).tolist() == [1, 0]


def test_leading_batch_axes_are_kept():
    x = np.ones((2, 3, 2), dtype=np.int8)
    y = neurons.AND().fire(x)
    assert y.shape == (2, 3) and y.sum() == 6


@pytest.mark.parametrize(
    ("unit", "table"),
    [
        (neurons.AND(), [0, 0, 0, 1]),
        (neurons.OR(), [0, 1, 1, 1]),
        (neurons.AND_NOT(), [0, 0, 1, 0]),
        (neurons.NOR(), [1, 0, 0, 0]),
        (neurons.at_least(1, 2), [0, 1, 1, 1]),
    ],
)
def test_named_units_compute_their_gates(unit, table):
    _, y = neurons.truth_table(unit.fire, 2)
    assert host(y).tolist() == table


def test_not_fires_unless_its_input_is_active():
    assert host(neurons.NOT().fire(neurons.binary_inputs(1))).tolist() == [1, 0]


def test_no_single_unit_computes_xor_nand_or_xnor():
    """Every wiring of two inputs (excitatory, inhibitory or unused) and every threshold."""
    x = np.array(list(itertools.product([0, 1], repeat=2)))
    found = set()
    for roles in itertools.product(["exc", "inh", "none"], repeat=2):
        exc = [i for i, r in enumerate(roles) if r == "exc"]
        inh = [i for i, r in enumerate(roles) if r == "inh"]
        for threshold in range(len(exc) + 2):
            y = neurons.mp_fire(x[:, exc], x[:, inh] if inh else None, threshold)
            found.add(tuple(int(v) for v in y))
    assert len(found) == 11  # of the 16 Boolean functions of two inputs
    for missing in [(0, 1, 1, 0), (1, 1, 1, 0), (1, 0, 0, 1), (1, 0, 1, 1), (1, 1, 0, 1)]:
        assert missing not in found  # XOR, NAND, XNOR, a-or-not-b, b-or-not-a


def test_xor_net_computes_xor_in_two_delays(device):
    net = neurons.xor_net()
    x = neurons.binary_inputs(2)
    y = net(x)
    assert backend.array_module(y) is device
    assert host(y).tolist() == [0, 1, 1, 0]
    assert net.delay() == 2 and net.delay("a_not_b") == 1 and net.delay("a") == 0
    signals = net.run(x)
    assert set(signals) == {"a", "b", "a_not_b", "b_not_a", "xor"}


def test_net_with_a_unit_without_excitation():
    net = MPNet(["a"]).add("not_a", threshold=0, inhibitory=["a"])
    assert net(np.array([[0], [1]])).tolist() == [1, 0]


def test_mp_fire_does_not_mutate_its_inputs():
    x = np.array([[1, 0], [1, 1]])
    before = x.copy()
    neurons.mp_fire(x[:, :1], x[:, 1:], 1)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: McCullochPitts(1.5, 2), TypeError, "whole number"),
        (lambda: McCullochPitts(-1, 2), ValueError, ">= 0"),
        (lambda: McCullochPitts(1, -2), ValueError, "n_excitatory"),
        (lambda: neurons.AND()([[1, 0, 1]]), ValueError, "expects 2"),
        (lambda: neurons.AND()([[1, 2]]), ValueError, "only 0"),
        (lambda: neurons.AND_NOT()([[1]]), ValueError, "pass x_inh"),
        (lambda: neurons.mp_fire([[1, 1]], [[0], [1]], 1), ValueError, "batch shape"),
        (lambda: MPNet(["a"]).add("u", 1, excitatory=["b"]), ValueError, "neither an input"),
        (lambda: MPNet(["a"]).add("a", 1), ValueError, "already used"),
        (lambda: MPNet(["a"]).output, ValueError, "no units"),
        (lambda: neurons.at_least(3, 2), ValueError, "k <= n"),
    ],
)
def test_errors_say_what_to_do(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_mixed_devices_are_refused():
    with fake_device():
        on_device = backend.asarray(np.ones((2, 2), np.int8))
        with pytest.raises(TypeError):
            neurons.mp_fire(on_device, np.zeros((2, 1), np.int8), 1)


def test_format_truth_table_lines_up():
    x = neurons.binary_inputs(2)
    text = neurons.format_truth_table(x, {"AND": neurons.AND().fire(x)}, ["a", "b"])
    assert text.splitlines() == [
        "a  b  AND",
        "-  -  ---",
        "0  0    0",
        "0  1    0",
        "1  0    0",
        "1  1    1",
    ]


# --- chapter 00's exercises: the messages a reader sees -------------------------------------------


def test_exercise_messages_name_the_mistake():
    r = ch00.mp_fire.evaluate(ch00._mp_fire_subtracts)
    assert r.status == "failed" and "inhibition beats 3 active excitatory inputs" in r.message
    r = ch00.majority_unit.evaluate(ch00._majority_ceil)
    assert "n = 2" in r.message and "1 of 2 active" in r.message
    r = ch00.nand_net.evaluate(lambda: MPNet(["a", "b"]).add("u", 2, excitatory=["a", "b"]))
    assert "a=0, b=0" in r.message
    r = ch00.nand_net.evaluate(lambda: neurons.AND())
    assert "return an MPNet" in r.message


def test_stubs_are_not_attempted():
    def stub(*args):
        raise NotImplementedError

    for ex in (ch00.mp_fire, ch00.majority_unit, ch00.nand_net, ch00.xnor_net, ch00.gflops):
        assert ex.evaluate(stub).status == "not attempted"


def test_gflops_reference_on_the_worked_example():
    assert ch00._gflops(1000, 1000, 1000, 0.01) == pytest.approx(200.0)


def test_chain_gradient_is_bounded_by_a_quarter_per_layer():
    z = np.linspace(-4, 4, 60).reshape(6, 10)
    g = ch00._chain_gradient(z)
    assert g.shape == (6,) and np.all(g <= 0.25**10 + 1e-18) and np.all(g > 0)
