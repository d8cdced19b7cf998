"""A fake GPU for machines without one, and helpers for tests.

Most machines that build and test dlbook have no GPU. The fake device behaves
like CuPy where it matters for correctness: its arrays are a distinct type that
refuses implicit conversion to NumPy (``np.asarray(fake)`` raises) and refuses to
be mixed with NumPy arrays in any operation (``fake + numpy_array`` raises). Code
that passes its tests on the fake device therefore keeps host and device apart.

    from dlbook.testing import fake_device
    with fake_device():
        layer = Dense(3, 2)          # parameters made on the "device"
        y = layer.forward(backend.asarray(x))

Explicit moves are allowed, as on CuPy: ``backend.asarray(numpy_array)`` copies
to the device and ``backend.to_cpu(fake)`` copies back.
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from . import backend

__all__ = ["FakeArray", "fake", "fake_device", "DeviceMixingError"]


class DeviceMixingError(TypeError):
    """Host (NumPy) and device arrays were mixed, or a device array was converted implicitly."""


def _unwrap(obj: Any, where: str) -> Any:
    """FakeArray -> its data; NumPy arrays are refused (they live on the host)."""
    if isinstance(obj, FakeArray):
        return obj._a
    if isinstance(obj, np.ndarray) and obj.ndim > 0:
        raise DeviceMixingError(
            f"{where}: a NumPy array (shape {obj.shape}) was mixed with device arrays. "
            "Move it first with backend.asarray(...), or bring the device array to the "
            "host with backend.to_cpu(...)."
        )
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unwrap(o, where) for o in obj)
    return obj


def _call(fn: Any, args: Any, kwargs: dict[str, Any], where: str) -> Any:
    """Call a NumPy function on unwrapped device arrays and wrap what it returns."""
    plain = {k: _unwrap(v, where) for k, v in kwargs.items()}
    return _wrap(fn(*_unwrap(list(args), where), **plain))


def _wrap(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return FakeArray(obj)
    if isinstance(obj, tuple):
        return tuple(_wrap(o) for o in obj)
    if isinstance(obj, list):
        return [_wrap(o) for o in obj]
    return obj


class FakeArray(NDArrayOperatorsMixin):
    """An array on the fake device: NumPy data behind a CuPy-like wall."""

    __slots__ = ("_a",)
    __dlbook_module__: Any = None  # the fake module, set below; backend.array_module reads it

    def __init__(self, data: np.ndarray) -> None:
        self._a = data

    # --- the wall --------------------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise DeviceMixingError(
            "Implicit conversion of a device array to NumPy is not allowed "
            "(as on CuPy). Use backend.to_cpu(x)."
        )

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        where = f"np.{ufunc.__name__}"
        args = [_unwrap(i, where) for i in inputs]
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = tuple(_unwrap(o, where) for o in out)
        result = getattr(ufunc, method)(*args, **kwargs)
        if method == "at":
            return None
        if out is not None:  # give back the caller's own device arrays
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        return _call(func, args, kwargs, f"np.{func.__name__}")

    def __dlbook_to_cpu__(self) -> np.ndarray:
        return self._a.copy()

    # --- array protocol ---------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._a.shape

    @property
    def dtype(self) -> np.dtype:
        return self._a.dtype

    @property
    def ndim(self) -> int:
        return self._a.ndim

    @property
    def size(self) -> int:
        return self._a.size

    @property
    def nbytes(self) -> int:
        return self._a.nbytes

    @property
    def T(self) -> FakeArray:  # NumPy's name
        return FakeArray(self._a.T)

    @property
    def flags(self) -> Any:
        return self._a.flags

    @property
    def strides(self) -> tuple[int, ...]:
        return self._a.strides

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Iterator[Any]:
        return (_wrap(row) for row in self._a)

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_index(key)])

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_index(key)] = _unwrap(value, "__setitem__")

    def __float__(self) -> float:
        return float(self._a)

    def __int__(self) -> int:
        return int(self._a)

    def __bool__(self) -> bool:
        return bool(self._a)

    def __index__(self) -> int:
        return self._a.__index__()

    def __repr__(self) -> str:
        return "fake" + repr(self._a)

    def __getattr__(self, name: str) -> Any:
        # Methods such as reshape, sum, astype, copy, max, argmax, ravel, fill.
        if name.startswith("__"):  # __array_interface__, __array_struct__: no back doors
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args: Any, **kwargs: Any) -> Any:
            return _call(attr, args, kwargs, f"ndarray.{name}")

        return method

    def item(self) -> Any:
        return self._a.item()

    def get(self) -> np.ndarray:
        """As ``cupy.ndarray.get()``: an explicit copy to the host."""
        return self._a.copy()


def _index(key: Any) -> Any:
    """Indices may be device arrays (unwrapped) or host integer arrays (allowed, as on CuPy)."""
    if isinstance(key, FakeArray):
        return key._a
    if isinstance(key, tuple):
        return tuple(k._a if isinstance(k, FakeArray) else k for k in key)
    return key


def _make_fake_module() -> types.ModuleType:
    """A module that looks like ``cupy``: NumPy's functions, device arrays in and out."""
    mod = types.ModuleType("dlbook.testing.fake")
    mod.__doc__ = "The fake device's array module (NumPy behind CuPy's rules)."
    mod.ndarray = FakeArray  # type: ignore[attr-defined]

    def asarray(a: Any, dtype: Any = None) -> FakeArray:
        if isinstance(a, FakeArray):
            return a if dtype is None or a.dtype == dtype else FakeArray(a._a.astype(dtype))
        return FakeArray(np.array(a, dtype=dtype))  # explicit host -> device copy

    def array(a: Any, dtype: Any = None, copy: bool = True) -> FakeArray:
        data = a._a if isinstance(a, FakeArray) else a
        return FakeArray(np.array(data, dtype=dtype, copy=copy))

    def asnumpy(a: Any) -> np.ndarray:
        return backend.to_cpu(a)

    def scatter_add(target: FakeArray, indices: Any, values: Any) -> None:
        np.add.at(target._a, _index(indices), _unwrap(values, "scatter_add"))

    def get_array_module(*args: Any) -> Any:
        return backend.array_module(*args)

    special = {
        "asarray": asarray,
        "array": array,
        "asnumpy": asnumpy,
        "scatter_add": scatter_add,
        "get_array_module": get_array_module,
    }

    def wrapped(name: str) -> Any:
        fn = getattr(np, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return _call(fn, args, kwargs, f"fake.{name}")

        call.__name__ = name
        return call

    def module_getattr(name: str) -> Any:
        if name in special:
            return special[name]
        attr = getattr(np, name)
        if callable(attr) and not isinstance(attr, type):
            return wrapped(name)
        return attr  # dtypes (float32), constants (pi, newaxis)

    setattr(mod, "__getattr__", module_getattr)  # noqa: B010  (a module-level __getattr__)
    for name, fn in special.items():
        setattr(mod, name, fn)
    return mod


fake = _make_fake_module()
FakeArray.__dlbook_module__ = fake


@contextlib.contextmanager
def fake_device(*, reproducible: bool = True) -> Iterator[types.ModuleType]:
    """Run the block on the fake device; restores the previous device afterwards.

    Yields the fake array module (use it as you would ``cupy``).
    """
    with backend.using_module(fake, "fake", reproducible):
        yield fake
