"""Exercises and quizzes of chapter 00 (history): McCulloch–Pitts units, FLOPs, myths.

In the notebook::

    from dlbook.exercises import ch00
    ch00.mp_fire.check(my_mp_fire)
    ch00.backprop_credit.check(None)      # a quiz: .check(option number)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..neurons import McCullochPitts, MPNet, xor_net
from .checks import CheckFailure, call, expect_scalar
from .core import Case, Exercise, Quiz, function_exercise

__all__ = [
    "backprop_credit",
    "chain_gradient",
    "dropout_year",
    "gflops",
    "majority_unit",
    "minsky_papert",
    "mp_fire",
    "nand_net",
    "vanishing_not_minima",
    "xnor_net",
]


def _bits(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(len(rows), -1)


def _all_patterns(n: int) -> np.ndarray:
    """All 2**n binary patterns on the host, (2**n, n) int64, rows 00, 01, 10, 11 for n = 2."""
    return (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]) & 1


# --- 00.mp_fire ----------------------------------------------------------------------------------


def _mp_fire(x_exc: np.ndarray, x_inh: np.ndarray, threshold: int) -> np.ndarray:
    excited = x_exc.sum(axis=1) >= threshold  # (N,): enough excitatory inputs are active
    inhibited = x_inh.any(axis=1)  # (N,): any active inhibitory input vetoes
    return (excited & ~inhibited).astype(np.int64)


def _mp_fire_subtracts(x_exc: np.ndarray, x_inh: np.ndarray, threshold: int) -> np.ndarray:
    # Mistake: inhibition as a negative weight (the perceptron's rule, not 1943's).
    return (x_exc.sum(axis=1) - x_inh.sum(axis=1) >= threshold).astype(np.int64)


def _mp_fire_strict(x_exc: np.ndarray, x_inh: np.ndarray, threshold: int) -> np.ndarray:
    # Mistake: "more than threshold" instead of "at least threshold".
    return ((x_exc.sum(axis=1) > threshold) & ~x_inh.any(axis=1)).astype(np.int64)


def _mp_fire_no_inhibition(x_exc: np.ndarray, x_inh: np.ndarray, threshold: int) -> np.ndarray:
    # Mistake: forgets the inhibitory inputs.
    return (x_exc.sum(axis=1) >= threshold).astype(np.int64)


def _mp_fire_needs_all_inhibitors(
    x_exc: np.ndarray, x_inh: np.ndarray, threshold: int
) -> np.ndarray:
    # Mistake: vetoes only when every inhibitory input is active (all instead of any).
    return ((x_exc.sum(axis=1) >= threshold) & ~x_inh.all(axis=1)).astype(np.int64)


def _mp_fire_bool(x_exc: np.ndarray, x_inh: np.ndarray, threshold: int) -> np.ndarray:
    # Mistake: returns the boolean array; the prompt asks for ints 0/1.
    return (x_exc.sum(axis=1) >= threshold) & ~x_inh.any(axis=1)


def _mp_fire_float(x_exc: np.ndarray, x_inh: np.ndarray, threshold: int) -> np.ndarray:
    # Mistake: np.where(..., 1.0, 0.0) gives floats; the prompt asks for an int array.
    return np.where((x_exc.sum(axis=1) >= threshold) & ~x_inh.any(axis=1), 1.0, 0.0)


_two = _all_patterns(2)
_three = _all_patterns(3)

mp_fire = function_exercise(
    id="00.mp_fire",
    title="The McCulloch–Pitts firing rule, with absolute inhibition",
    prompt="""
    Write `mp_fire(x_exc, x_inh, threshold)` for a batch of N input patterns.

    - `x_exc`: int array of shape (N, E) with values 0/1, the excitatory inputs;
    - `x_inh`: int array of shape (N, I) with values 0/1, the inhibitory inputs (I may be 0);
    - `threshold`: int >= 0.

    Return an int array of shape (N,): 1 where the unit fires, 0 where it does not.
    The unit fires when **at least** `threshold` excitatory inputs are active **and no**
    inhibitory input is active: one active inhibitory input silences the unit, however
    many excitatory inputs are on (McCulloch & Pitts 1943, assumption 4).

    Example: `x_exc = [[1, 1], [1, 1]]`, `x_inh = [[0], [1]]`, `threshold = 2`
    gives `[1, 0]`.
    """,
    reference=_mp_fire,
    cases=[
        Case("AND: threshold 2, no inhibition", (_two, np.zeros((4, 0), np.int64), 2)),
        Case("OR: threshold 1, no inhibition", (_two, np.zeros((4, 0), np.int64), 1)),
        Case(
            "inhibition beats 3 active excitatory inputs",
            (_bits([[1, 1, 1], [1, 1, 1]]), _bits([[0], [1]]), 2),
        ),
        Case("exactly at the threshold: 2 of 3 active", (_three, np.zeros((8, 0), np.int64), 2)),
        Case("A and not B", (_two[:, :1], _two[:, 1:], 1)),
        Case(
            "NOT: threshold 0, one inhibitory input",
            (np.zeros((2, 0), np.int64), _bits([[0], [1]]), 0),
        ),
        Case(
            "two inhibitory inputs, only one of them active",
            (_bits([[1, 1], [1, 1], [1, 1]]), _bits([[0, 0], [0, 1], [1, 0]]), 1),
        ),
    ],
    hints=[
        "Two conditions, each a boolean array of shape (N,): 'enough excitation' and "
        "'some inhibition'. The unit fires where the first holds and the second does not.",
        "excited = sum over the excitatory inputs >= threshold; inhibited = any inhibitory "
        "input is 1; fire = excited AND NOT inhibited. Inhibition is not subtracted.",
        "excited = x_exc.sum(axis=1) >= threshold; inhibited = x_inh.any(axis=1); "
        "return (excited & ~inhibited).astype(int)",
    ],
    wrong_answers=[
        _mp_fire_subtracts,
        _mp_fire_strict,
        _mp_fire_no_inhibition,
        _mp_fire_needs_all_inhibitors,
        _mp_fire_bool,
        _mp_fire_float,
    ],
    check_dtype=True,
)


# --- 00.majority_unit ----------------------------------------------------------------------------


def _majority(n: int) -> McCullochPitts:
    return McCullochPitts(threshold=n // 2 + 1, n_excitatory=n)  # more than half: floor(n/2) + 1


def _majority_half(n: int) -> McCullochPitts:
    # Mistake: n // 2 lets exactly half (or fewer, for odd n) fire the unit.
    return McCullochPitts(threshold=n // 2, n_excitatory=n)


def _majority_ceil(n: int) -> McCullochPitts:
    # Mistake: ceil(n / 2) is right for odd n but fires on a tie for even n.
    return McCullochPitts(threshold=math.ceil(n / 2), n_excitatory=n)


def _majority_float_half(n: int) -> McCullochPitts:
    # Mistake: threshold n / 2, a float; the unit counts whole active inputs and refuses it.
    return McCullochPitts(threshold=n / 2, n_excitatory=n)  # type: ignore[arg-type]


def _majority_unanimous(n: int) -> McCullochPitts:
    # Mistake: threshold n asks for every input, not more than half.
    return McCullochPitts(threshold=n, n_excitatory=n)


def _majority_round(n: int) -> McCullochPitts:
    # Mistake: round(n / 2) rounds half to even: round(0.5) = 0 fires with no input at all.
    return McCullochPitts(threshold=round(n / 2), n_excitatory=n)


def _check_majority(fn: Any) -> str:
    for n in range(1, 7):
        case = f"n = {n}"
        unit = call(fn, n, case=case, like=_majority)
        if not isinstance(unit, McCullochPitts):
            raise CheckFailure(
                f"on case '{case}': return a McCullochPitts unit, e.g. "
                f"McCullochPitts(threshold=..., n_excitatory={n}); got {type(unit).__name__}"
            )
        if unit.n_excitatory != n or unit.n_inhibitory != 0:
            raise CheckFailure(
                f"on case '{case}': the unit needs {n} excitatory and 0 inhibitory inputs; "
                f"yours has {unit.n_excitatory} and {unit.n_inhibitory}"
            )
        x = _all_patterns(n)
        expected = (x.sum(axis=1) * 2 > n).astype(np.int8)
        got = unit.fire(x)
        wrong = np.flatnonzero(got != expected)
        if wrong.size:
            pattern = "".join(str(int(v)) for v in x[wrong[0]])
            k = int(x[wrong[0]].sum())
            raise CheckFailure(
                f"on case '{case}': with inputs {pattern} ({k} of {n} active) your unit "
                f"{'fires' if got[wrong[0]] else 'stays silent'}, a majority unit "
                f"{'fires' if expected[wrong[0]] else 'stays silent'} (threshold "
                f"{unit.threshold})"
            )
    return "n = 1 to 6, every input pattern"


majority_unit = Exercise(
    id="00.majority_unit",
    title="A majority unit: choose the threshold",
    prompt="""
    Write `majority(n)` that returns a `McCullochPitts` unit with `n` excitatory inputs
    (and no inhibitory ones) that fires when **more than half** of its inputs are
    active. A tie (exactly half, for even n) does not fire.

    Example: `majority(3)` fires on 110, 101, 011 and 111, and is silent on 100.
    `from dlbook.neurons import McCullochPitts`; the unit is
    `McCullochPitts(threshold=..., n_excitatory=n)`.
    """,
    reference=_majority,
    checker=_check_majority,
    hints=[
        "A McCulloch–Pitts unit fires when the number of active excitatory inputs k is at "
        "least its threshold. Which is the smallest k with k > n / 2?",
        "k > n/2 for whole numbers k means k >= floor(n/2) + 1. Check n = 3 (answer 2) "
        "and n = 4 (answer 3).",
        "return McCullochPitts(threshold=n // 2 + 1, n_excitatory=n)",
    ],
    wrong_answers=[
        _majority_half,
        _majority_ceil,
        _majority_float_half,
        _majority_unanimous,
        _majority_round,
    ],
)


# --- nets: 00.nand_net and 00.xnor_net -----------------------------------------------------------


def _check_net(fn: Any, name: str, target: np.ndarray, like: Any) -> str:
    net = call(fn, case=name, like=like)
    if not isinstance(net, MPNet):
        raise CheckFailure(
            f"on case '{name}': return an MPNet built from McCulloch–Pitts units "
            f"(MPNet(['a', 'b']).add(...)); got {type(net).__name__}"
        )
    if len(net.inputs) != 2:
        raise CheckFailure(
            f"on case '{name}': the net needs exactly 2 inputs; yours has {list(net.inputs)}"
        )
    if len(net) == 0:
        raise CheckFailure(f"on case '{name}': the net has no units; add some with .add(...)")
    x = _all_patterns(2)
    got = net(x)
    for r in range(4):
        if int(got[r]) != int(target[r]):
            a, b = int(x[r, 0]), int(x[r, 1])
            raise CheckFailure(
                f"on case '{name}': with {net.inputs[0]}={a}, {net.inputs[1]}={b} your net's "
                f"output unit '{net.output}' {'fires' if got[r] else 'stays silent'}; it "
                f"should {'fire' if target[r] else 'stay silent'}"
            )
    return f"all 4 input patterns, {len(net)} units, {net.delay()} synaptic delays"


def _nand() -> MPNet:
    return (
        MPNet(["a", "b"])
        .add("both", threshold=2, excitatory=["a", "b"])  # a and b
        .add("nand", threshold=0, inhibitory=["both"])  # not (a and b)
    )


def _nand_is_nor() -> MPNet:
    # Mistake: both inputs inhibitory in one unit: that silences it if EITHER is on (NOR).
    return MPNet(["a", "b"]).add("nand", threshold=0, inhibitory=["a", "b"])


def _nand_forgets_not() -> MPNet:
    # Mistake: builds the AND but never negates it.
    return MPNet(["a", "b"]).add("nand", threshold=2, excitatory=["a", "b"])


def _nand_is_nor_of_or() -> MPNet:
    # Mistake: negates OR (threshold 1) instead of AND, which gives NOR.
    return (
        MPNet(["a", "b"])
        .add("either", threshold=1, excitatory=["a", "b"])
        .add("nand", threshold=0, inhibitory=["either"])
    )


def _nand_or_unit() -> MPNet:
    # Mistake: one unit with threshold 1: that is OR, which agrees with NAND on 01 and 10 only.
    return MPNet(["a", "b"]).add("nand", threshold=1, excitatory=["a", "b"])


def _nand_not_last() -> MPNet:
    # Mistake: builds the NAND unit, then adds the AND after it, so the net's output is AND.
    return (
        MPNet(["a", "b"])
        .add("both", threshold=2, excitatory=["a", "b"])
        .add("nand", threshold=0, inhibitory=["both"])
        .add("and", threshold=2, excitatory=["a", "b"])
    )


nand_net = Exercise(
    id="00.nand_net",
    title="NAND from McCulloch–Pitts units",
    prompt="""
    No single McCulloch–Pitts unit computes NAND (not (a and b)): the chapter checks every
    one. Write `make_nand()` that returns an `MPNet` with inputs `["a", "b"]` whose
    **last** unit computes NAND:

    | a | b | NAND |
    |---|---|------|
    | 0 | 0 | 1 |
    | 0 | 1 | 1 |
    | 1 | 0 | 1 |
    | 1 | 1 | 0 |

    Build it with `MPNet(["a", "b"]).add(name, threshold=..., excitatory=[...],
    inhibitory=[...])`; `.add` returns the net, so calls chain.
    """,
    reference=_nand,
    checker=lambda fn: _check_net(fn, "NAND", np.array([1, 1, 1, 0]), _nand),
    hints=[
        "Compute 'a and b' with one unit, then negate it with a second unit.",
        "AND: threshold 2 with a and b excitatory. NOT x: threshold 0 with x inhibitory "
        "(it fires unless x is active).",
        'MPNet(["a", "b"]).add("both", threshold=2, excitatory=["a", "b"])'
        '.add("nand", threshold=0, inhibitory=["both"])',
    ],
    wrong_answers=[
        _nand_is_nor,
        _nand_forgets_not,
        _nand_is_nor_of_or,
        _nand_or_unit,
        _nand_not_last,
    ],
)


def _xnor() -> MPNet:
    return (
        MPNet(["a", "b"])
        .add("both", threshold=2, excitatory=["a", "b"])  # a and b
        .add("neither", threshold=0, inhibitory=["a", "b"])  # not a and not b
        .add("same", threshold=1, excitatory=["both", "neither"])  # either of them
    )


def _xnor_only_both() -> MPNet:
    # Mistake: forgets that 0, 0 is also "the same".
    return MPNet(["a", "b"]).add("same", threshold=2, excitatory=["a", "b"])


def _xnor_is_xor() -> MPNet:
    # Mistake: builds exclusive or, the opposite.
    return xor_net()


def _xnor_only_neither() -> MPNet:
    # Mistake: forgets that 1, 1 is also "the same" (this is NOR).
    return MPNet(["a", "b"]).add("same", threshold=0, inhibitory=["a", "b"])


def _xnor_and_of_parts() -> MPNet:
    # Mistake: joins "both" and "neither" with AND (threshold 2); they are never both on.
    return (
        MPNet(["a", "b"])
        .add("both", threshold=2, excitatory=["a", "b"])
        .add("neither", threshold=0, inhibitory=["a", "b"])
        .add("same", threshold=2, excitatory=["both", "neither"])
    )


def _xnor_no_output_unit() -> MPNet:
    # Mistake: builds both parts but never joins them; the last unit, "neither", is the output.
    return (
        MPNet(["a", "b"])
        .add("both", threshold=2, excitatory=["a", "b"])
        .add("neither", threshold=0, inhibitory=["a", "b"])
    )


xnor_net = Exercise(
    id="00.xnor_net",
    title="An equality detector (XNOR) from McCulloch–Pitts units",
    prompt="""
    Write `make_xnor()` that returns an `MPNet` with inputs `["a", "b"]` whose last unit
    fires exactly when a and b are **equal** (both 0 or both 1): the truth table 1, 0, 0, 1
    for inputs 00, 01, 10, 11. Like XOR, it is not linearly separable, so no single
    threshold unit can compute it; a net of three units can.
    """,
    reference=_xnor,
    checker=lambda fn: _check_net(fn, "XNOR", np.array([1, 0, 0, 1]), _xnor),
    hints=[
        "'Equal' means 'both on' or 'both off'. Build a unit for each case, then an OR.",
        "both: threshold 2, a and b excitatory. neither: threshold 0, a and b inhibitory. "
        "Output: threshold 1 with both and neither excitatory.",
        'MPNet(["a", "b"]).add("both", 2, excitatory=["a", "b"])'
        '.add("neither", 0, inhibitory=["a", "b"]).add("same", 1, excitatory=["both", "neither"])',
    ],
    wrong_answers=[
        _xnor_only_both,
        _xnor_is_xor,
        _xnor_only_neither,
        _xnor_and_of_parts,
        _xnor_no_output_unit,
    ],
)


# --- 00.gflops -----------------------------------------------------------------------------------


def _gflops(m: int, k: int, n: int, seconds: float) -> float:
    flops = 2 * m * k * n  # each of the m*n outputs: k multiplies and k adds
    return flops / seconds / 1e9


def _gflops_no_adds(m: int, k: int, n: int, seconds: float) -> float:
    # Mistake: counts only the multiplications.
    return m * k * n / seconds / 1e9


def _gflops_mega(m: int, k: int, n: int, seconds: float) -> float:
    # Mistake: divides by 1e6, which gives MFLOP/s.
    return 2 * m * k * n / seconds / 1e6


def _gflops_no_k(m: int, k: int, n: int, seconds: float) -> float:
    # Mistake: counts one operation per output, forgetting the k terms of each dot product.
    return 2 * m * n / seconds / 1e9


def _gflops_times_seconds(m: int, k: int, n: int, seconds: float) -> float:
    # Mistake: multiplies by the time instead of dividing (right only for one second).
    return 2 * m * k * n * seconds / 1e9


def _gflops_rounded(m: int, k: int, n: int, seconds: float) -> int:
    # Mistake: returns a whole number (int(...)); the prompt asks for a float.
    return int(2 * m * k * n / seconds / 1e9)


def _gflops_tera(m: int, k: int, n: int, seconds: float) -> float:
    # Mistake: divides by 1e12, which gives TFLOP/s.
    return 2 * m * k * n / seconds / 1e12


def _compare_gflops(got: Any, expected: float, case: str) -> None:
    if isinstance(got, (bool, int, np.integer)):
        raise CheckFailure(
            f"on case '{case}': return a float, got the {type(got).__name__} {got!r} "
            "(do not round: 209.7 GFLOP/s is not 209)"
        )
    expect_scalar(got, expected, case=case, rtol=1e-9)


gflops = function_exercise(
    id="00.gflops",
    title="GFLOP/s of a matrix product",
    prompt="""
    Write `gflops(m, k, n, seconds)`: the speed, in GFLOP/s (10^9 floating-point
    operations per second), of a product of an (m, k) matrix by a (k, n) matrix that
    took `seconds`. Count, as is usual, one multiply and one add for each of the k
    terms of each of the m·n outputs: 2·m·k·n operations.
    Return a Python float.

    Example: `gflops(1000, 1000, 1000, 0.01)` is 200.0 (2·10^9 operations in 10 ms).
    """,
    reference=_gflops,
    cases=[
        Case("1000 x 1000 x 1000 in 10 ms", (1000, 1000, 1000, 0.01)),
        Case("a tall product 4096 x 64 x 10", (4096, 64, 10, 2.5e-5)),
        Case("one second", (512, 256, 128, 1.0)),
    ],
    hints=[
        "Count the operations first, then divide by the time and by 10^9.",
        "An (m, k) @ (k, n) product has m·n outputs; each needs k multiplies and k adds "
        "(strictly k - 1 adds, but the convention is 2·m·k·n).",
        "return 2 * m * k * n / seconds / 1e9",
    ],
    wrong_answers=[
        _gflops_no_adds,
        _gflops_mega,
        _gflops_no_k,
        _gflops_times_seconds,
        _gflops_rounded,
        _gflops_tera,
    ],
    compare=_compare_gflops,
)


# --- 00.chain_gradient ---------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


def _chain_gradient(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return np.prod(s * (1.0 - s), axis=1)  # prod over layers of sigma'(z_l) = s (1 - s)


def _chain_gradient_of_sigmoid(z: np.ndarray) -> np.ndarray:
    # Mistake: multiplies the sigmoids themselves, not their derivatives.
    return np.prod(_sigmoid(z), axis=1)


def _chain_gradient_sums(z: np.ndarray) -> np.ndarray:
    # Mistake: adds the local derivatives; the chain rule multiplies them.
    s = _sigmoid(z)
    return np.sum(s * (1.0 - s), axis=1)


def _chain_gradient_exp_formula(z: np.ndarray) -> np.ndarray:
    # Mistake: σ'(z) = e^(−z) / (1 + e^(−z))², right on paper, but at z = −800 it is
    # inf / inf = nan in floating point.
    e = np.exp(-z)
    return np.prod(e / (1.0 + e) ** 2, axis=1)


def _chain_gradient_quarter(z: np.ndarray) -> np.ndarray:
    # Mistake: uses the largest value σ'(0) = 1/4 for every layer, ignoring z.
    return np.full(z.shape[0], 0.25) ** z.shape[1]


def _chain_gradient_of_z(z: np.ndarray) -> np.ndarray:
    # Mistake: applies the formula s (1 − s) to z itself instead of to s = σ(z).
    return np.prod(z * (1.0 - z), axis=1)


chain_gradient = function_exercise(
    id="00.chain_gradient",
    title="How a gradient shrinks through a chain of sigmoids",
    prompt="""
    A chain of L sigmoid units, each feeding the next with weight 1: h_l = σ(z_l) with
    z_l = h_(l-1). By the chain rule, the derivative of the last output with respect to
    the first input is the product of the local derivatives σ'(z_l) = σ(z_l)(1 − σ(z_l)).

    Write `chain_gradient(z)`: `z` is a float array of shape (N, L), the pre-activations
    of the L units for N inputs. Return a float array of shape (N,): the product over the
    L layers of σ'(z_l). Example: `z = [[0.0, 0.0]]` gives `[0.0625]` (= 0.25 · 0.25).
    """,
    reference=_chain_gradient,
    cases=[
        Case("one unit at z = 0", (np.array([[0.0]]),)),
        Case("two units at z = 0", (np.array([[0.0, 0.0]]),)),
        Case("ten layers, mixed z", (np.linspace(-3.0, 3.0, 30).reshape(3, 10),)),
        Case("saturated units, z = +-20", (np.array([[20.0, -20.0, 0.0]]),)),
        Case("extreme inputs, z = -800 and +800", (np.array([[-800.0], [800.0]]),)),
    ],
    hints=[
        "The chain rule multiplies one local derivative per layer.",
        "σ'(z) = σ(z) (1 − σ(z)), at most 1/4 (at z = 0). Multiply over axis 1 (the layers).",
        "s = 1 / (1 + np.exp(-z)); return np.prod(s * (1 - s), axis=1)",
    ],
    wrong_answers=[
        _chain_gradient_of_sigmoid,
        _chain_gradient_sums,
        _chain_gradient_exp_formula,
        _chain_gradient_quarter,
        _chain_gradient_of_z,
    ],
    rtol=1e-6,
    atol=1e-300,
)


# --- quizzes: the myths --------------------------------------------------------------------------

backprop_credit = Quiz(
    id="00.backprop_credit",
    question="Which publication made backpropagation widely known as a way to train "
    "multilayer networks?",
    options=[
        "Minsky & Papert, Perceptrons (1969)",
        "Rumelhart, Hinton & Williams, Nature 323 (1986)",
        "Hinton, Osindero & Teh, Neural Computation (2006)",
        "Krizhevsky, Sutskever & Hinton, NIPS (2012)",
    ],
    answer=1,
    explanation="Rumelhart, Hinton & Williams (1986) popularised it and showed hidden units "
    "learning useful features. The method is older: reverse-mode differentiation in "
    "Linnainmaa's 1970 MSc thesis; Werbos suggested it for neural networks in his 1974 PhD "
    "thesis and applied it to them in 1982.",
    hint="It was in the 1980s, not the 1990s or 2000s.",
)

minsky_papert = Quiz(
    id="00.minsky_papert",
    question="What did Minsky & Papert's Perceptrons (1969) prove?",
    options=[
        "That no network of threshold units, however many layers, can compute XOR",
        "That backpropagation cannot train a network with hidden layers of units",
        "Limits of one trainable layer over units that see only part of the input",
        "That networks of neurons cannot learn any function from labelled examples",
    ],
    answer=2,
    explanation="Their theorems are about one layer of adjustable weights over fixed "
    "partial predicates. Networks of threshold units computing XOR go back to McCulloch & "
    "Pitts (1943); about multilayer machines the book gave an opinion (section 13.2), "
    "not a proof.",
    hint="Think about what a single layer of weights can and cannot see.",
)

dropout_year = Quiz(
    id="00.dropout_year",
    question="When did dropout first appear?",
    options=[
        "1998, as part of LeNet-5, for reading handwritten digits on bank cheques",
        "2006, together with the deep belief networks of Hinton and his students",
        "2014, in a long paper in the Journal of Machine Learning Research",
        "2012, in an arXiv paper by Hinton et al., and in AlexNet the same year",
    ],
    answer=3,
    explanation="Hinton, Srivastava, Krizhevsky, Sutskever & Salakhutdinov (2012), "
    "arXiv:1207.0580, and AlexNet used it the same year. The longer journal paper, "
    "Srivastava et al. (2014), JMLR 15:1929-1958, is often cited as its date.",
    hint="The journal version is not the first one.",
)

vanishing_not_minima = Quiz(
    id="00.vanishing_not_minima",
    question="Why was a deep (or recurrent) sigmoid network hard to train by gradient descent "
    "(Hochreiter 1991; Bengio, Simard & Frasconi 1994)?",
    options=[
        "The error signal is a product of factors ≤ 1/4 per layer, so it shrinks",
        "It gets stuck in a bad local minimum of the cost, far from the global one",
        "Its cost function has no minimum at all, so descent can never settle",
        "Computers of the time had too little memory to store all the gradients",
    ],
    answer=0,
    explanation="Vanishing gradients are about the size of the signal that reaches the early "
    "layers, not about where the cost's minima are: a network can be far from any "
    "minimum and still barely move, because its gradient is tiny.",
    hint="Look at the product you computed in ch00.chain_gradient.",
)
