"""McCulloch–Pitts threshold units (1943) and small nets built from them.

Chapter 00 builds this module. It follows McCulloch & Pitts, "A logical calculus
of the ideas immanent in nervous activity", *Bulletin of Mathematical Biophysics*
5:115–133 (1943):

- a unit is all-or-none: it fires (1) or it does not (0);
- it fires when at least ``threshold`` of its excitatory inputs are active
  ("a certain fixed number of synapses must be excited", assumption 2);
- inhibition is **absolute**: one active inhibitory input prevents firing,
  however many excitatory inputs are active (assumption 4);
- the structure of a net does not change: there is no learning (assumption 5);
- each unit adds one synaptic delay, so a net of depth k answers after k steps.

Every function works on a batch of input patterns at once (the last axis holds
the inputs; any leading axes are the batch) and on any device of
:mod:`dlbook.backend`::

    from dlbook import neurons
    unit = neurons.McCullochPitts(threshold=2, n_excitatory=2)   # AND
    unit(neurons.binary_inputs(2))                               # -> [0, 0, 0, 1]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import backend

__all__ = [
    "AND",
    "AND_NOT",
    "MPNet",
    "McCullochPitts",
    "NOR",
    "NOT",
    "OR",
    "at_least",
    "binary_inputs",
    "format_truth_table",
    "mp_fire",
    "truth_table",
    "xor_net",
]

FIRE_DTYPE = np.int8  # all-or-none outputs: 0 or 1


# --- input checking -----------------------------------------------------------------------------


def _as_device_array(x: Any) -> Any:
    """Arrays stay where they are; lists and scalars go to the current device."""
    return x if hasattr(x, "shape") else backend.asarray(x)


def _check_binary(x: Any, name: str, n: int, where: str) -> None:
    """Raise if ``x`` does not have ``n`` inputs on its last axis or holds values other than 0/1."""
    if x.ndim == 0:
        raise ValueError(
            f"{where}: {name} must have the inputs on its last axis, shape (N, {n}); "
            "got a scalar. Wrap a single pattern in a list: [[1, 0]]."
        )
    if x.shape[-1] != n:
        raise ValueError(
            f"{where}: {name} has {x.shape[-1]} inputs on its last axis (shape {tuple(x.shape)}), "
            f"the unit expects {n}. Check the unit's n_excitatory / n_inhibitory."
        )
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {name} must hold numbers 0 or 1; got dtype {x.dtype}.")
    if x.size and bool(((x != 0) & (x != 1)).any()):
        raise ValueError(
            f"{where}: {name} must hold only 0 (silent) and 1 (active): McCulloch–Pitts "
            "units are all-or-none. Convert with (x > 0).astype(int)."
        )


def _check_threshold(threshold: Any, where: str) -> int:
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, np.integer)):
        raise TypeError(
            f"{where}: threshold must be a whole number of active synapses (int >= 0); "
            f"got {threshold!r} of type {type(threshold).__name__}."
        )
    if threshold < 0:
        raise ValueError(f"{where}: threshold must be >= 0; got {threshold}.")
    return int(threshold)


# --- the firing rule ----------------------------------------------------------------------------


def mp_fire(x_exc: Any, x_inh: Any | None, threshold: int) -> Any:
    """The McCulloch–Pitts firing rule on a batch of input patterns.

    A unit fires when at least ``threshold`` excitatory inputs are active and no
    inhibitory input is active (absolute inhibition)::

        y = 1  if  sum_i x_exc[i] >= threshold  and  not any_j x_inh[j]
        y = 0  otherwise

    Parameters
    ----------
    x_exc : array of shape (..., E) with values 0 or 1
        Excitatory inputs; ``E`` may be 0 (a unit with no excitatory input).
    x_inh : array of shape (..., I) with values 0 or 1, or None
        Inhibitory inputs; None means no inhibitory input.
    threshold : int >= 0
        How many excitatory inputs must be active.

    Returns
    -------
    array of shape (...) and dtype int8: 1 where the unit fires, 0 where not,
    on the device of the inputs.

    Raises
    ------
    TypeError
        For a non-integer threshold or non-numeric inputs.
    ValueError
        For values other than 0/1, a negative threshold, or batch shapes that differ.
    """
    where = "mp_fire"
    threshold = _check_threshold(threshold, where)
    x_exc = _as_device_array(x_exc)
    _check_binary(x_exc, "x_exc", x_exc.shape[-1] if x_exc.ndim else 0, where)
    if x_inh is None:
        return (x_exc.sum(axis=-1) >= threshold).astype(FIRE_DTYPE)
    x_inh = _as_device_array(x_inh)
    _check_binary(x_inh, "x_inh", x_inh.shape[-1] if x_inh.ndim else 0, where)
    if x_exc.shape[:-1] != x_inh.shape[:-1]:
        raise ValueError(
            f"{where}: x_exc has batch shape {tuple(x_exc.shape[:-1])} and x_inh has "
            f"{tuple(x_inh.shape[:-1])}; they must describe the same patterns (one row each)."
        )
    xp = backend.array_module(x_exc, x_inh)
    excited = x_exc.sum(axis=-1) >= threshold  # spatial summation of excitation
    inhibited = (x_inh != 0).any(axis=-1)  # one active inhibitory synapse is enough
    return xp.logical_and(excited, xp.logical_not(inhibited)).astype(FIRE_DTYPE)


class McCullochPitts:
    """A McCulloch–Pitts unit: fixed threshold, excitatory and inhibitory inputs, no weights.

    Parameters
    ----------
    threshold : int >= 0
        How many excitatory inputs must be active for the unit to fire.
    n_excitatory : int >= 0
        Number of excitatory inputs.
    n_inhibitory : int >= 0
        Number of inhibitory inputs; any one of them, when active, silences the unit.

    Examples
    --------
    >>> unit = McCullochPitts(threshold=1, n_excitatory=1, n_inhibitory=1)  # A and not B
    >>> unit([[1], [1]], [[0], [1]]).tolist()
    [1, 0]
    """

    def __init__(self, threshold: int, n_excitatory: int, n_inhibitory: int = 0) -> None:
        where = "McCullochPitts"
        self.threshold = _check_threshold(threshold, where)
        for name, n in (("n_excitatory", n_excitatory), ("n_inhibitory", n_inhibitory)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"{where}: {name} must be an int >= 0; got {n!r}.")
        self.n_excitatory = int(n_excitatory)
        self.n_inhibitory = int(n_inhibitory)

    @property
    def n_inputs(self) -> int:
        """Excitatory plus inhibitory inputs."""
        return self.n_excitatory + self.n_inhibitory

    def __call__(self, x_exc: Any, x_inh: Any | None = None) -> Any:
        """Fire on a batch: ``x_exc`` (..., E), ``x_inh`` (..., I) -> (...) int8 of 0/1."""
        where = f"{self!r}"
        x_exc = _as_device_array(x_exc)
        _check_binary(x_exc, "x_exc", self.n_excitatory, where)
        if self.n_inhibitory == 0:
            if x_inh is not None and _as_device_array(x_inh).shape[-1] != 0:
                raise ValueError(f"{where}: this unit has no inhibitory inputs; pass x_inh=None.")
            return mp_fire(x_exc, None, self.threshold)
        if x_inh is None:
            raise ValueError(
                f"{where}: this unit has {self.n_inhibitory} inhibitory input(s); pass x_inh "
                f"with shape (N, {self.n_inhibitory})."
            )
        x_inh = _as_device_array(x_inh)
        _check_binary(x_inh, "x_inh", self.n_inhibitory, where)
        return mp_fire(x_exc, x_inh, self.threshold)

    def fire(self, x: Any) -> Any:
        """Fire on patterns whose columns are the excitatory inputs, then the inhibitory ones.

        ``x`` has shape (..., E + I); returns (...) int8. Handy for truth tables.
        """
        x = _as_device_array(x)
        _check_binary(x, "x", self.n_inputs, f"{self!r}.fire")
        exc = x[..., : self.n_excitatory]
        inh = x[..., self.n_excitatory :] if self.n_inhibitory else None
        return mp_fire(exc, inh, self.threshold)

    def __repr__(self) -> str:
        return (
            f"McCullochPitts(threshold={self.threshold}, n_excitatory={self.n_excitatory}, "
            f"n_inhibitory={self.n_inhibitory})"
        )


# --- named units ------------------------------------------------------------------------------


def AND(n: int = 2) -> McCullochPitts:  # the gate's name
    """Fires when all ``n`` excitatory inputs are active: threshold ``n``."""
    return McCullochPitts(threshold=n, n_excitatory=n)


def OR(n: int = 2) -> McCullochPitts:
    """Fires when any of ``n`` excitatory inputs is active: threshold 1."""
    return McCullochPitts(threshold=1, n_excitatory=n)


def at_least(k: int, n: int) -> McCullochPitts:
    """Fires when at least ``k`` of ``n`` excitatory inputs are active: threshold ``k``."""
    if not 0 <= k <= n:
        raise ValueError(f"at_least: need 0 <= k <= n; got k={k}, n={n}.")
    return McCullochPitts(threshold=k, n_excitatory=n)


def AND_NOT() -> McCullochPitts:
    """``A and not B``: one excitatory input A (threshold 1), one inhibitory input B."""
    return McCullochPitts(threshold=1, n_excitatory=1, n_inhibitory=1)


def NOT() -> McCullochPitts:
    """``not A``: threshold 0 and A inhibitory, so the unit fires unless A is active.

    A threshold-0 unit fires with no input at all; think of it as a unit driven by
    a line that is always active. The 1943 paper writes negation together with an
    active input instead ("A and not B", :func:`AND_NOT`).
    """
    return McCullochPitts(threshold=0, n_excitatory=0, n_inhibitory=1)


def NOR(n: int = 2) -> McCullochPitts:
    """``not (A or B ...)``: threshold 0 with all ``n`` inputs inhibitory."""
    return McCullochPitts(threshold=0, n_excitatory=0, n_inhibitory=n)


# --- truth tables -------------------------------------------------------------------------------


def binary_inputs(n: int) -> Any:
    """All ``2**n`` binary patterns of ``n`` inputs, in counting order, on the current device.

    Returns an int8 array of shape (2**n, n); row ``r`` is ``r`` written in binary,
    most significant input first: for n = 2 the rows are 00, 01, 10, 11.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= 20:
        raise ValueError(f"binary_inputs: n must be an int from 0 to 20; got {n!r}.")
    rows = backend.arange(2**n)[:, None]  # (2**n, 1)
    shifts = backend.arange(n - 1, -1, -1)[None, :]  # (1, n): most significant first
    return ((rows >> shifts) & 1).astype(FIRE_DTYPE)


def truth_table(fn: Callable[[Any], Any], n_inputs: int) -> tuple[Any, Any]:
    """Run ``fn`` on every binary pattern of ``n_inputs`` inputs.

    Parameters
    ----------
    fn : callable taking x (2**n, n) and returning (2**n,) of 0/1
        A unit's ``fire``, a net, or any Boolean function written with arrays.
    n_inputs : int

    Returns
    -------
    (x, y) : x int8 (2**n, n), y int8 (2**n,), both on the current device.
    """
    x = binary_inputs(n_inputs)
    y = _as_device_array(fn(x))
    if tuple(y.shape) != (x.shape[0],):
        raise ValueError(
            f"truth_table: fn returned shape {tuple(y.shape)}; expected ({x.shape[0]},), "
            "one output per input pattern."
        )
    return x, y.astype(FIRE_DTYPE)


def format_truth_table(
    x: Any, outputs: dict[str, Any], input_names: Sequence[str] | None = None
) -> str:
    """A truth table as aligned text: one column per input, then one per named output.

    ``x`` is (N, n) and each output is (N,); arrays may live on any device.
    """
    x = backend.to_cpu(x)
    names = (
        list(input_names) if input_names is not None else [f"x{i + 1}" for i in range(x.shape[1])]
    )
    if len(names) != x.shape[1]:
        raise ValueError(f"format_truth_table: {len(names)} input names for {x.shape[1]} inputs.")
    cols = {k: backend.to_cpu(v).reshape(-1) for k, v in outputs.items()}
    header = names + list(cols)
    widths = [max(len(h), 1) for h in header]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in range(x.shape[0]):
        cells = [str(int(v)) for v in x[r]] + [str(int(c[r])) for c in cols.values()]
        lines.append("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    return "\n".join(lines)


# --- nets of units ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    unit: McCullochPitts
    excitatory: tuple[str, ...]
    inhibitory: tuple[str, ...]


class MPNet:
    """A net without circles of McCulloch–Pitts units, wired by name.

    Units are added in order; each one reads named inputs of the net or units
    added before it. Inputs are held constant and each unit shows its answer
    one synaptic delay after its slowest source, so the net's output is ready
    after :meth:`delay` steps.

    Parameters
    ----------
    inputs : sequence of str
        Names of the net's inputs, in the column order of ``x``.

    Examples
    --------
    >>> net = MPNet(["a", "b"])
    >>> net = net.add("both", threshold=2, excitatory=["a", "b"])  # a and b
    >>> net = net.add("not_both", threshold=0, inhibitory=["both"])  # not (a and b)
    >>> net(binary_inputs(2)).tolist()
    [1, 1, 1, 0]
    >>> net.delay()
    2
    """

    def __init__(self, inputs: Sequence[str]) -> None:
        inputs = list(inputs)
        if not inputs or len(set(inputs)) != len(inputs):
            raise ValueError(f"MPNet: inputs must be distinct names, at least one; got {inputs!r}.")
        self.inputs: tuple[str, ...] = tuple(inputs)
        self.nodes: dict[str, _Node] = {}

    def add(
        self,
        name: str,
        threshold: int,
        excitatory: Sequence[str] = (),
        inhibitory: Sequence[str] = (),
    ) -> MPNet:
        """Add a unit that reads the named signals; returns the net, so calls can be chained."""
        if name in self.inputs or name in self.nodes:
            raise ValueError(f"MPNet.add: the name {name!r} is already used.")
        known = set(self.inputs) | set(self.nodes)
        for src in (*excitatory, *inhibitory):
            if src not in known:
                raise ValueError(
                    f"MPNet.add({name!r}): source {src!r} is neither an input nor an earlier "
                    f"unit. Known names: {sorted(known)}. (Nets without circles only: add "
                    "units in the order the signals flow.)"
                )
        unit = McCullochPitts(threshold, len(excitatory), len(inhibitory))
        self.nodes[name] = _Node(unit, tuple(excitatory), tuple(inhibitory))
        return self

    @property
    def output(self) -> str:
        """The name of the last unit added: the net's output by default."""
        if not self.nodes:
            raise ValueError("MPNet: the net has no units yet; add some with .add(...).")
        return next(reversed(self.nodes))

    def run(self, x: Any) -> dict[str, Any]:
        """Every signal of the net on a batch: inputs and units, each of shape (...).

        ``x`` has shape (..., n_inputs) with 0/1 values, columns in the order of ``inputs``.
        """
        x = _as_device_array(x)
        _check_binary(x, "x", len(self.inputs), "MPNet.run")
        xp = backend.array_module(x)
        signals: dict[str, Any] = {
            n: x[..., i].astype(FIRE_DTYPE) for i, n in enumerate(self.inputs)
        }
        batch = tuple(x.shape[:-1])
        for name, node in self.nodes.items():
            exc = _stack(xp, [signals[s] for s in node.excitatory], batch)
            inh = _stack(xp, [signals[s] for s in node.inhibitory], batch)
            signals[name] = mp_fire(exc, inh if node.inhibitory else None, node.unit.threshold)
        return signals

    def __call__(self, x: Any, output: str | None = None) -> Any:
        """The output unit's firing on a batch ``x`` (..., n_inputs) -> (...) int8."""
        name = self.output if output is None else output
        if name not in self.nodes:
            raise ValueError(f"MPNet: no unit named {name!r}; units: {list(self.nodes)}.")
        return self.run(x)[name]

    def delay(self, name: str | None = None) -> int:
        """Synaptic delays from the inputs to a unit (the output by default): its depth."""
        name = self.output if name is None else name
        depth: dict[str, int] = {n: 0 for n in self.inputs}
        for n, node in self.nodes.items():
            sources = (*node.excitatory, *node.inhibitory)
            depth[n] = 1 + max((depth[s] for s in sources), default=0)
        if name not in depth:
            raise ValueError(f"MPNet.delay: no signal named {name!r}.")
        return depth[name]

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        lines = [f"MPNet(inputs={list(self.inputs)})"]
        for name, node in self.nodes.items():
            exc = ", ".join(node.excitatory) or "-"
            inh = ", ".join(node.inhibitory) or "-"
            lines.append(
                f"  {name}: threshold {node.unit.threshold}, excitatory [{exc}], inhibitory [{inh}]"
            )
        return "\n".join(lines)


def _stack(xp: Any, signals: list[Any], batch: tuple[int, ...]) -> Any:
    """Stack 0/1 signals of shape ``batch`` into (*batch, k); k may be 0."""
    if not signals:
        return xp.zeros((*batch, 0), dtype=FIRE_DTYPE)
    return xp.stack(signals, axis=-1)


def xor_net() -> MPNet:
    """Exclusive or from three McCulloch–Pitts units, two synaptic delays deep.

    ``a_not_b`` = a and not b, ``b_not_a`` = b and not a, ``xor`` = either of them.
    No single unit can do it (chapter 00 checks all of them); a net of units can.
    """
    return (
        MPNet(["a", "b"])
        .add("a_not_b", threshold=1, excitatory=["a"], inhibitory=["b"])
        .add("b_not_a", threshold=1, excitatory=["b"], inhibitory=["a"])
        .add("xor", threshold=1, excitatory=["a_not_b", "b_not_a"])
    )
