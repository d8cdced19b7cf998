"""Deep belief networks: RBMs stacked and trained greedily, one layer at a time.

    dbn = DBN([784, 500, 500, 2000], rng=0)
    dbn.pretrain(x, epochs=10, batch_size=100, lr=0.05, k=1)   # each RBM as RBM.fit
    dbn.transform(x)                        # p(h | x) of the top layer, shape (N, 2000)
    dbn.generate(16, gibbs_steps=1000)      # Gibbs in the top RBM, then one pass down
    model = dbn.to_sequential(10)           # Dense + Sigmoid per RBM, then Dense(·, 10)

Greedy layer-wise training (Hinton, Osindero & Teh 2006): the first RBM models
the data; the probabilities p(h | v) of its hidden units are the data of the
second RBM, and so on. The top two layers form an undirected associative memory;
the layers below are directed, top-down generative connections that reuse the
RBMs' weights.

Built in chapter 08.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import backend
from ._io import NpzArchive, atomic_write, check_declared_sizes
from .layers import Dense, Sigmoid
from .network import Sequential
from .rbm import RBM

__all__ = ["DBN"]

Array = Any

FORMAT = "dlbook.DBN"
FORMAT_VERSION = 1


class DBN:
    """A stack of RBMs with layer sizes ``sizes`` (visible first).

    Parameters
    ----------
    sizes : sequence of int, at least two
        ``[784, 500, 500]`` makes RBM(784, 500) and RBM(500, 500).
    rng : int or generator
        Seed or generator; each RBM gets its own stream drawn from it.
    dtype : float dtype
        float32 (default) for training.

    Attributes
    ----------
    rbms : list of RBM
        ``rbms[l].W`` has shape (sizes[l], sizes[l + 1]).

    Built in chapter 08.
    """

    def __init__(self, sizes: Sequence[int], rng: Any = 0, dtype: Any = np.float32) -> None:
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(
                f"DBN: sizes needs at least two layer sizes, e.g. [784, 500]; got {sizes}."
            )
        self.sizes = [int(s) for s in sizes]
        self.rng = backend.default_rng(rng)
        self.rbms = [
            RBM(n_in, n_out, rng=self.rng, dtype=dtype)
            for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True)
        ]

    def pretrain(
        self,
        x: Any,
        *,
        epochs: int = 10,
        batch_size: int = 100,
        lr: float = 0.1,
        k: int = 1,
        persistent: bool = False,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        monitor: Any = None,
        progress: bool | None = None,
    ) -> DBN:
        """Train the RBMs greedily, bottom up; arguments as :meth:`RBM.fit`. Returns self.

        RBM l is trained on p(h | ·) of RBM l − 1 (probabilities, not samples, as
        Hinton, Osindero & Teh 2006 did for the layers above the first), and is
        left unchanged when the next one trains. ``monitor=False`` records no
        per-epoch history (faster for small data); by default each RBM keeps the
        history of :meth:`RBM.fit` on rows of its own input.
        """
        data = x
        for rbm in self.rbms:
            rbm.fit(
                data,
                epochs=epochs,
                batch_size=batch_size,
                lr=lr,
                k=k,
                persistent=persistent,
                momentum=momentum,
                weight_decay=weight_decay,
                monitor=False if monitor is False else None,
                progress=progress,
            )
            data = rbm.p_h_given_v(data)
        return self

    def transform(self, x: Any, layers: int | None = None) -> Array:
        """p(h | x) passed up through the first ``layers`` RBMs (all by default)."""
        h = x
        for rbm in self.rbms[: len(self.rbms) if layers is None else layers]:
            h = rbm.p_h_given_v(h)
        return h

    def generate(
        self, n: int, *, gibbs_steps: int = 1000, start: Any = None, rng: Any = None
    ) -> Array:
        """Samples from the DBN: a Gibbs chain in the top RBM, then a top-down pass.

        Parameters
        ----------
        n : int
            How many samples (ignored when ``start`` is given).
        gibbs_steps : int
            Steps of block Gibbs sampling in the top RBM.
        start : ndarray of shape (n, sizes[0]), optional
            Data to start the chains from (passed up first); random binary states
            of the top RBM's visible layer by default.
        rng : int or generator, optional

        Returns
        -------
        ndarray of shape (n, sizes[0])
            The probabilities p(v | h) of the bottom layer: the top RBM's visible
            state is sent down through the directed weights W of the lower RBMs,
            each layer as p(h_{l−1} | h_l), sampled except at the bottom.
        """
        rng = self.rng if rng is None else backend.default_rng(rng)
        top = self.rbms[-1]
        if start is None:
            v = (rng.random((int(n), top.n_visible)) < 0.5).astype(top.dtype)
        else:
            v = self.transform(start, layers=len(self.rbms) - 1)
        v = top.gibbs(v, k=gibbs_steps, rng=rng)
        below = self.rbms[:-1]
        for i, rbm in enumerate(reversed(below)):
            p = rbm.p_v_given_h(v) if i == len(below) - 1 else None
            v = p if i == len(below) - 1 else rbm.sample_v(v, rng)
        if not below:
            v = top.p_v_given_h(top.sample_h(v, rng))
        return v

    def to_sequential(self, n_classes: int, rng: Any = 0) -> Any:
        """A new :class:`~dlbook.network.Sequential` that starts from the pretrained weights.

        Each RBM becomes ``Dense(W, b)`` followed by ``Sigmoid()`` (copies of its
        weights and hidden biases), and a ``Dense(sizes[-1], n_classes, init="xavier")``
        output layer is added; the loss is softmax cross-entropy. Fine-tuning with
        backpropagation does not change the DBN.
        """
        layers: list[Any] = []
        for rbm in self.rbms:
            dense = Dense(rbm.n_visible, rbm.n_hidden, init="xavier", rng=0, dtype=rbm.dtype)
            dense.set_params({"W": rbm.W, "b": rbm.b})
            layers += [dense, Sigmoid()]
        layers.append(
            Dense(self.sizes[-1], int(n_classes), init="xavier", rng=rng, dtype=self.rbms[0].dtype)
        )
        return Sequential(layers)

    def save(self, path: str | Path) -> Path:
        """Write every RBM's W, a, b and the sizes to one ``.npz``, atomically."""
        arch = {"format": FORMAT, "version": FORMAT_VERSION, "sizes": self.sizes}
        arrays: dict[str, Any] = {"architecture": np.array(json.dumps(arch))}  # host: 0-d text
        for i, rbm in enumerate(self.rbms):
            for key, p in rbm.params.items():
                arrays[f"rbms.{i}.{key}"] = backend.to_cpu(p)

        def write(f: IO[bytes]) -> None:
            np.savez(f, **arrays)

        return atomic_write(path, write)

    @classmethod
    def load(cls, path: str | Path, rng: Any = 0) -> DBN:
        """Read a DBN written by :meth:`save`; parameters go to the current device.

        Raises
        ------
        FileNotFoundError, ValueError
            No file, or not a readable dlbook DBN (the message names the file).
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"DBN.load: no model file at {path}. Write one with dbn.save.")
        try:
            with NpzArchive(path) as data:  # headers checked; closed on every path
                arch = json.loads(str(data["architecture"][()]))
                if not isinstance(arch, dict) or arch.get("format") != FORMAT:
                    raise ValueError(f"its architecture is not a {FORMAT}")
                check_declared_sizes(arch["sizes"], data, "its sizes")
                dbn = cls(arch["sizes"], rng=rng)
                for i, rbm in enumerate(dbn.rbms):
                    for key, p in rbm.params.items():
                        saved = data[f"rbms.{i}.{key}"]
                        if saved.shape != p.shape:
                            raise ValueError(f"rbms.{i}.{key} has shape {saved.shape}")
                        p[...] = backend.asarray(saved, dtype=p.dtype)
        except PermissionError:
            raise
        except (
            ValueError,
            KeyError,
            TypeError,
            OSError,
            RuntimeError,
            EOFError,
            zlib.error,
            zipfile.BadZipFile,
        ) as exc:
            raise ValueError(
                f"DBN.load: {path} is not a readable dlbook DBN file ({exc}); save it again."
            ) from exc
        return dbn

    def __repr__(self) -> str:
        return f"DBN({self.sizes})"
