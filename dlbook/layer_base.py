"""The contract every layer keeps: the ``Layer`` and ``Loss`` base classes and their name table.

- ``layer.params`` and ``layer.grads`` are dicts with the same keys (``"W"``,
  ``"b"``); ``backward`` writes gradients *in place* into the arrays of
  ``grads`` (``self.grads["W"][...] = dW``), so an optimiser that holds
  references to them stays valid.
- ``forward(x, train=False)`` returns a new output array and keeps what
  ``backward`` needs; every value it keeps is declared ``None`` in ``__init__``.
- ``backward(dout)`` fills ``grads`` and returns dx, the gradient with respect to
  the input. Neither ``x`` nor ``dout`` is ever modified.
- A layer keeps the dtype it is given (float32 for training); ``layer.astype(np.float64)``
  gives an independent float64 copy for gradient checks.
- ``type(layer).__name__`` and ``layer.config()`` (JSON-able constructor
  arguments) describe it; :func:`from_config` builds it again from :data:`LAYERS`.

A loss layer (:class:`Loss`) has a different call: ``forward(scores, targets)``
returns the mean loss and ``backward()`` returns dscores. The layers themselves
live in :mod:`dlbook.layers`, :mod:`dlbook.batchnorm`, :mod:`dlbook.losses`,
:mod:`dlbook.conv` and :mod:`dlbook.rnn`; ``dlbook.layers`` re-exports all of this
module's names.

Built in chapter 02 (Layer) and chapter 03 (Loss).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from . import backend
from .errors import check_float_array as _check_float

__all__ = [
    "LAYERS",
    "Layer",
    "Loss",
    "check_cached",
    "check_dout",
    "from_config",
    "layer_class",
]

Array = Any  # numpy.ndarray, cupy.ndarray or the fake device's array
T = TypeVar("T")


#: Every public layer and loss class of dlbook by class name: the one table from saved
#: names to classes (:func:`from_config`, ``Sequential.save/load``). A class registers
#: itself by subclassing :class:`Layer` or :class:`Loss` in a ``dlbook`` module; names
#: starting with ``_`` and classes outside the package are not registered.
LAYERS: dict[str, type[Layer] | type[Loss]] = {}


def _register(cls: type[Layer] | type[Loss]) -> None:
    if not cls.__module__.startswith("dlbook.") or cls.__name__.startswith("_"):
        return
    old = LAYERS.get(cls.__name__)
    if old is not None and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise TypeError(
            f"{cls.__module__}.{cls.__name__}: {old.__module__} already defines a layer named "
            f"{cls.__name__!r}; saved models name layers by class, so choose another name."
        )
    LAYERS[cls.__name__] = cls


class Layer:
    """The base class: parameters, gradients, ``forward`` and ``backward``.

    Attributes
    ----------
    params : dict of str to ndarray
        The trainable arrays, e.g. ``{"W": ..., "b": ...}``; empty for layers without.
    grads : dict of str to ndarray
        Same keys and shapes as ``params``; filled in place by ``backward``.
    needs_input_grad : bool
        When False, ``backward`` may skip computing dx and return None. A model
        sets it on its first layers, whose input is the data: for a 784-256 Dense
        layer that saves a third of the backward pass.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register(cls)

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}
        self.needs_input_grad = True

    def forward(self, x: Array, train: bool = False) -> Array:
        """The output for a batch ``x``; keeps what ``backward`` needs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(x, train=False).")

    def backward(self, dout: Array) -> Array:
        """Fill ``self.grads`` from dout = ∂C/∂output and return ∂C/∂input."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(dout).")

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as JSON-able values (no arrays, no generators)."""
        return {}

    def astype(self: T, dtype: Any) -> T:
        """An independent copy whose parameters and gradients have ``dtype``.

        Used for gradient checks in float64: ``layer.astype(np.float64)``. Values
        kept for ``backward`` are dropped (the copy must be run forward first); a
        random generator is copied with its state, so the copy draws the same
        numbers the original would.
        """
        return _astype(self, dtype)

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Copy arrays into the parameters, in place (same keys, shapes; cast to the layer's dtype).

        Accepts NumPy arrays for a layer on a GPU (they are copied to the device),
        e.g. weights loaded from a file or copied from PyTorch.

        Raises
        ------
        ValueError
            For a missing or unknown key, or a shape that differs.
        """
        name = type(self).__name__
        if set(params) != set(self.params):
            raise ValueError(
                f"{name}.set_params: expected keys {sorted(self.params)}; got {sorted(params)}."
            )
        for key, value in params.items():
            target = self.params[key]
            xp = backend.array_module(target)
            value = xp.asarray(backend.to_cpu(value) if xp is not np else value)
            if value.shape != target.shape:
                raise ValueError(
                    f"{name}.set_params: {key} must have shape {target.shape}; "
                    f"got shape {value.shape}."
                )
            target[...] = value.astype(target.dtype, copy=False)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


# --- helpers -------------------------------------------------------------------


def check_cached(layer: Layer | Loss, value: Any) -> None:
    """RuntimeError when ``backward`` comes before ``forward`` (nothing kept yet)."""
    if value is None:
        raise RuntimeError(f"{type(layer).__name__}.backward: call forward first.")


def check_dout(layer: Layer, dout: Any, shape: tuple[int, ...]) -> None:
    """``dout`` must be a float array of the output's ``shape``."""
    _check_float(type(layer).__name__, dout, "dout")
    if dout.shape != shape:
        raise ValueError(
            f"{type(layer).__name__}.backward: dout must have the shape of the output "
            f"{shape}; got shape {dout.shape}."
        )


def _is_array(value: Any) -> bool:
    return backend.is_array(value)


def _astype(obj: T, dtype: Any) -> T:
    """A deep copy of a layer or loss with parameters in ``dtype`` and caches dropped."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{type(obj).__name__}.astype: dtype must be a float type; got {dtype}.")
    state = vars(obj)
    params = {k: v.astype(dtype) for k, v in state["params"].items()}  # astype copies
    grads = {}
    for k, v in params.items():
        xp = backend.array_module(v)
        grads[k] = xp.zeros_like(v)
    shallow = copy.copy(obj)
    for name, value in state.items():
        if _is_array(value):  # a cached value: the copy recomputes it in forward
            setattr(shallow, name, None)
    memo: dict[int, Any] = {id(state["params"]): params, id(state["grads"]): grads}
    for value in state.values():
        if backend.is_rng(value):
            memo[id(value)] = backend.copy_rng(value)
    new = copy.deepcopy(shallow, memo)
    if "dtype" in state:
        new.dtype = dtype  # type: ignore[attr-defined]
    return new


# --- the loss layer --------------------------------------------------------------


class Loss:
    """Base class of loss layers: ``forward(scores, targets)`` -> loss, ``backward()`` -> dscores.

    A loss has no parameters (``params`` and ``grads`` are empty) but the same
    ``config``/``astype`` as a layer, so a model can save it and check it.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register(cls)

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}

    def forward(self, scores: Array, targets: Array) -> Array:
        """The mean loss of ``scores`` (N, K) against ``targets``; keeps what backward needs.

        ``targets`` are integer labels (N,) or float rows (N, K). What is not checked
        here: integer labels are checked to lie in ``[0, K)`` on NumPy only; on a GPU
        (CuPy, and the fake device) the check would cost a device-to-host copy per
        batch, so it is not made, and a label out of range wraps around and silently
        gives the loss of another class. ``Sequential.fit`` and ``evaluate`` check
        the labels, and that ``x`` and float targets are finite, once per call.
        Float rows are not checked to be non-negative or to sum to 1.
        """
        raise NotImplementedError(f"{type(self).__name__} must define forward(scores, targets).")

    def backward(self) -> Array:
        raise NotImplementedError(f"{type(self).__name__} must define backward().")

    def config(self) -> dict[str, Any]:
        return {}

    def astype(self: T, dtype: Any) -> T:
        """An independent copy (a loss keeps no parameters; kept values are dropped)."""
        return _astype(self, dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# --- building from a description -------------------------------------------------


def layer_class(name: str) -> type[Layer] | type[Loss]:
    """The layer or loss class that dlbook knows by ``name`` (:data:`LAYERS`).

    Raises
    ------
    ValueError
        For a name that no imported dlbook module defines.
    """
    cls = LAYERS.get(name)
    if cls is None:
        raise ValueError(
            f"from_config: unknown layer {name!r}; known layers are {sorted(LAYERS)}. "
            "A layer of another module (dlbook.conv, dlbook.rnn) is known once that module "
            "is imported."
        )
    return cls


def from_config(name: str, config: Mapping[str, Any]) -> Layer | Loss:
    """Build a layer from its class name and :meth:`Layer.config`, e.g. when loading a model.

    ``from_config("Dense", {"in_features": 4, "out_features": 3, "init": "he",
    "dtype": "float32"})``. Parameters are freshly initialised; copy saved ones in
    with :meth:`Layer.set_params`.

    Raises
    ------
    ValueError
        For a name that is not a layer of dlbook (:func:`layer_class`).
    """
    return layer_class(name)(**dict(config))
