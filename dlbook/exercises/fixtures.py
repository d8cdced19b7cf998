"""Fixed, irregular test inputs for exercise cases, and the σ the references use.

The cases of a checked exercise must be the same on every machine and in every order, without
a random generator: these arrays come from sines of the element index, so a case reads
``fixed_array(3, 4, seed=1)`` and means the same numbers everywhere.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fixed_array", "fixed_bits", "fixed_mask", "fixed_uniform", "sigmoid"]


def _index(shape: tuple[int, ...]) -> np.ndarray:
    return np.arange(1, int(np.prod(shape)) + 1, dtype=np.float64)


def fixed_array(*shape: int, seed: int, scale: float = 1.5, decimals: int = 3) -> np.ndarray:
    """Numbers in [-scale, scale], rounded to ``decimals`` places so they print short."""
    return np.round(scale * np.sin(_index(shape) * 2.3 + 0.7 * seed), decimals).reshape(shape)


def fixed_uniform(*shape: int, seed: int) -> np.ndarray:
    """Numbers in [0, 1) that look uniform (for sampling cases: compare with a probability)."""
    return ((np.sin(_index(shape) * 7.1313 + seed * 3.77) * 24634.6345) % 1.0).reshape(shape)


def fixed_mask(*shape: int, seed: int, p: float = 0.5) -> np.ndarray:
    """A boolean array with about a fraction ``p`` of its entries True."""
    u = (np.sin(_index(shape) * 12.9898 + seed * 78.233) * 43758.5453) % 1.0
    return (u < p).reshape(shape)


def fixed_bits(*shape: int, seed: int) -> np.ndarray:
    """Binary numbers as float64 (0.0 or 1.0), about half of them 1: binary units' states."""
    return fixed_mask(*shape, seed=seed).astype(np.float64)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)), written with tanh so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))
