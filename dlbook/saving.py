"""Models to files and back: one ``.npz`` of plain arrays, the architecture as JSON text.

    saving.save(model, "mlp.npz")          # what Sequential.save does
    layers, loss = saving.load("mlp.npz")  # what Sequential.load builds its model from
    saving.load_weights(model, "mlp.npz")  # copy the file's parameters into a model

The architecture names each layer by its module, class and ``config()``
(``{"module": "dlbook.layers", "class": "Dense", "config": {...}}``); loading
rebuilds it through the one table from names to classes, ``dlbook.layers.LAYERS``.
Files are written atomically (temporaries of an interrupted save are removed by the
next save to the same folder) and read through :class:`dlbook._io.NpzArchive`: no
pickles, every header checked against the bytes before anything is allocated, a
layer's config checked against the file's arrays before the layer is built, the
file closed on every error path. Errors name the file.

A layer's ``buffers`` (state that is not trained, such as BatchNorm's running mean
and variance) are saved beside its parameters, as ``layers.{i}.{key}``, and
restored by ``load`` and ``load_weights``. A file written before buffers were saved
still loads: each missing buffer gets the value of a freshly built layer (mean 0,
variance 1) and a ``UserWarning`` names the layers, since their test-mode outputs
are not the trained model's until the statistics are recomputed.

A new module's layers (``dlbook.conv``, ``dlbook.rnn``, ...) need nothing here: a
public class that subclasses ``dlbook.layers.Layer`` (or ``Loss``) in a ``dlbook``
module is registered in ``LAYERS`` by its class name when the module is imported,
and it is saved and loaded by name once it has a ``config()`` that returns its
constructor arguments as JSON values. Loading a file that names a module not yet
imported imports it (only public ``dlbook`` modules are imported). Class names are
unique across the package; a second ``Dense`` elsewhere is a ``TypeError`` on import.

Built in chapter 04 (save and load).
"""

from __future__ import annotations

import importlib
import json
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import backend
from . import layers as L
from ._io import NpzArchive, atomic_write, check_declared_sizes

__all__ = ["FORMAT", "FORMAT_VERSION", "build", "describe", "load", "load_weights", "save"]

FORMAT = "dlbook.Sequential"
FORMAT_VERSION = 1
#: A module a saved file may name: a public module of the package.
_MODULE = re.compile(r"dlbook(\.[a-z][a-z0-9_]*)+")

#: What reading a damaged file can raise; each becomes a ValueError that names the file.
_READ_ERRORS = (
    ValueError,
    RuntimeError,  # zipfile, on a flipped "encrypted" flag
    OSError,  # zipfile, seeking to an offset that a flipped bit made invalid
    KeyError,
    TypeError,
    RecursionError,  # json, on an architecture nested thousands deep
    EOFError,
    NotImplementedError,  # zipfile, on a flipped compression flag
    ImportError,  # a layer module this version of dlbook does not have
    zlib.error,
    struct.error,
    zipfile.BadZipFile,
)


def describe(layer: Any, where: str) -> dict[str, Any]:
    """``{"module", "class", "config"}`` of a layer, for the saved architecture.

    Raises
    ------
    ValueError
        If the layer is not one of dlbook's registered layers, or its config is not JSON.
    """
    cls = type(layer)
    if L.LAYERS.get(cls.__name__) is not cls:
        raise ValueError(
            f"Sequential.save: {where} is a {cls.__name__} from module {cls.__module__}; only "
            "dlbook's own layers (dlbook.layers.LAYERS) can be saved and rebuilt by name. Save "
            "its parameters yourself (np.savez) or build it from dlbook's layers."
        )
    config = layer.config() if hasattr(layer, "config") else {}
    try:
        json.dumps(config)
    except TypeError as exc:
        raise ValueError(
            f"Sequential.save: {where} ({cls.__name__}) has a config that is not JSON: {exc}."
        ) from exc
    return {"module": cls.__module__, "class": cls.__name__, "config": config}


def build(desc: Any) -> Any:
    """A fresh layer from ``{"module", "class", "config"}`` (parameters newly initialised)."""
    if not isinstance(desc, dict) or not {"module", "class", "config"} <= set(desc):
        raise ValueError(f"a layer description is malformed: {desc!r}")
    module, name, config = desc["module"], desc["class"], desc["config"]
    if not isinstance(module, str) or not _MODULE.fullmatch(module):
        raise ValueError(f"it names a layer from {module!r}, which is not a dlbook module")
    if name not in L.LAYERS:
        importlib.import_module(module)  # its layers register themselves on import
    cls = L.LAYERS.get(name)
    if cls is None or cls.__module__ != module:
        raise ValueError(f"{module} has no layer {name!r}")
    if not isinstance(config, dict):
        raise ValueError(f"the config of {name} is not a JSON object: {config!r}")
    return cls(**config)


def _buffers(layer: Any) -> dict[str, Any]:
    """A layer's untrained state (BatchNorm's running statistics); ``{}`` for most layers."""
    buffers = getattr(layer, "buffers", None)
    return buffers if isinstance(buffers, dict) else {}


def save(model: Any, path: str | Path) -> Path:
    """Write ``model.layers`` and ``model.loss`` with their parameters to ``path``; returns it."""
    arch = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "layers": [describe(layer, f"layers[{i}]") for i, layer in enumerate(model.layers)],
        "loss": describe(model.loss, "loss"),
    }
    arrays: dict[str, Any] = {"architecture": np.array(json.dumps(arch))}  # host: 0-d text
    for i, layer in enumerate(model.layers):
        for key, p in (layer.params | _buffers(layer)).items():
            arrays[f"layers.{i}.{key}"] = backend.to_cpu(p)

    def write(f: IO[bytes]) -> None:
        np.savez(f, **arrays)

    return atomic_write(path, write)


def _name(desc: Any) -> str:
    return str(desc.get("class")) if isinstance(desc, dict) else "?"


def _read(path: Path) -> tuple[list[Any], Any, dict[str, np.ndarray]]:
    """The layers and loss a file describes (fresh) and its parameter arrays (host), checked.

    Nothing large is allocated before it is known to fit: the archive's headers are
    checked against its bytes (:class:`NpzArchive`), each layer's config against the
    file's arrays, and each layer's parameter shapes against the saved ones before
    the next layer is built. The file is closed on every path.
    """
    with NpzArchive(path) as data:
        if "architecture" not in data:
            raise ValueError("it has no 'architecture' entry")
        arch = json.loads(str(data["architecture"][()]))
        if not isinstance(arch, dict) or arch.get("format") != FORMAT:
            raise ValueError(f"its architecture is not a {FORMAT}")
        if arch.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"it has format version {arch.get('version')!r}; this dlbook reads "
                f"version {FORMAT_VERSION}"
            )
        layers, arrays, missing = [], {}, []
        for i, desc in enumerate(arch["layers"]):
            check_declared_sizes(desc, data, f"layers[{i}] ({_name(desc)})")
            layer = build(desc)
            for key, p in layer.params.items():
                name = f"layers.{i}.{key}"
                if name not in data:
                    raise ValueError(f"it has no array {name!r} for layers[{i}]")
                shape, _ = data.shapes[name]
                if shape != tuple(p.shape):
                    raise ValueError(f"{name} has shape {shape}, the layer expects {p.shape}")
                arrays[name] = data[name]
            for key, b in _buffers(layer).items():
                name = f"layers.{i}.{key}"
                if name not in data:  # saved before buffers were: the fresh layer's value
                    missing.append(f"layers[{i}] ({_name(desc)}) {key}")
                    arrays[name] = backend.to_cpu(b).copy()
                    continue
                shape, _ = data.shapes[name]
                if shape != tuple(b.shape):
                    raise ValueError(f"{name} has shape {shape}, the layer expects {b.shape}")
                arrays[name] = data[name]
            layers.append(layer)
        check_declared_sizes(arch["loss"], data, f"the loss ({_name(arch['loss'])})")
        loss = build(arch["loss"])
        extra = set(data.files) - set(arrays) - {"architecture"}
        if extra:
            raise ValueError(f"it has arrays no layer uses: {sorted(extra)}")
    if missing:
        warnings.warn(
            f"Sequential.load: {path} has no saved {', '.join(missing)}: it was written by "
            "an older dlbook, which did not save running statistics. They start at mean 0 "
            "and variance 1, so outputs with train=False are not those of the trained model. "
            "Recompute them (a few model.forward(x_batch, train=True) passes over training "
            "data) or retrain, then save again.",
            UserWarning,
            stacklevel=5,  # the caller of Sequential.load / load_weights
        )
    return layers, loss, arrays


def _read_checked(path: str | Path) -> tuple[list[Any], Any, dict[str, np.ndarray]]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"Sequential.load: no model file at {path}. Write one with model.save(path)."
        )
    try:
        return _read(path)
    except PermissionError:
        raise  # the file may be fine; the message of the OS says what to do
    except _READ_ERRORS as exc:
        raise ValueError(
            f"Sequential.load: {path} is not a readable dlbook model file ({exc}). It may "
            "be truncated or written by something else; save the model again with "
            "model.save(path)."
        ) from exc


def load(path: str | Path) -> tuple[list[Any], Any]:
    """The layers (parameters on the current device) and the loss saved in ``path``."""
    layers, loss, arrays = _read_checked(path)
    for i, layer in enumerate(layers):
        for key, p in (layer.params | _buffers(layer)).items():
            p[...] = backend.asarray(arrays[f"layers.{i}.{key}"], dtype=p.dtype)
    return layers, loss


def load_weights(model: Any, path: str | Path) -> None:
    """Copy the parameters (and buffers) saved in ``path`` into ``model`` of the same architecture.

    Everything is checked before anything is copied; each array goes from the
    file to the model's device once, cast to the model's dtype.
    """
    saved, _, arrays = _read_checked(path)
    mine: Sequence[Any] = model.layers
    fix = f"Build the model that was saved, or load it whole: Sequential.load({str(path)!r})."
    if len(saved) != len(mine):
        raise ValueError(
            f"Sequential.load_weights: {path} holds a model of {len(saved)} layers; "
            f"this one has {len(mine)}. {fix}"
        )
    for i, (layer, theirs) in enumerate(zip(mine, saved, strict=True)):
        shapes = {k: tuple(p.shape) for k, p in layer.params.items()}
        saved_shapes = {k: tuple(p.shape) for k, p in theirs.params.items()}
        if type(layer).__name__ != type(theirs).__name__ or shapes != saved_shapes:
            raise ValueError(
                f"Sequential.load_weights: layers[{i}] is {layer!r} with parameters "
                f"{shapes} in this model, but {theirs!r} with {saved_shapes} in {path}. {fix}"
            )
    for i, layer in enumerate(mine):
        for k, p in (layer.params | _buffers(layer)).items():  # cast to this model's dtype
            value = arrays[f"layers.{i}.{k}"]
            xp = backend.array_module(p)
            p[...] = xp.asarray(value).astype(p.dtype, copy=False)
