"""Hyper-parameter search: a log-scale grid or random points, and the best trial.

    from dlbook import search
    trials = search.random_search(objective, {"lr": (1e-3, 1.0)}, n_trials=9, rng=0)
    search.grid_search(objective, space, n_trials=9);  search.best_trial(trials)

``objective(**params)`` returns a score to maximise, e.g. a validation accuracy.
Random search after Bergstra & Bengio (2012). Built in chapter 04.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import backend

__all__ = ["Trial", "best_trial", "grid_points", "grid_search", "random_points", "random_search"]


@dataclass
class Trial:
    """One point of a hyper-parameter search and the score it got (higher is better)."""

    params: dict[str, float]
    score: float


def _check_space(space: Mapping[str, tuple[float, float]], where: str) -> None:
    if not space:
        raise ValueError(f"{where}: space must name at least one hyper-parameter.")
    for name, bounds in space.items():
        if not (isinstance(bounds, (tuple, list)) and len(bounds) == 2):
            raise ValueError(
                f"{where}: space[{name!r}] must be a (low, high) pair; got {bounds!r}."
            )
        low, high = bounds
        if not 0 < low < high:
            raise ValueError(
                f"{where}: space[{name!r}] = {bounds!r} must satisfy 0 < low < high "
                "(the search is on a log scale)."
            )


def grid_points(
    space: Mapping[str, tuple[float, float]], n_per_axis: int
) -> list[dict[str, float]]:
    """Every combination of ``n_per_axis`` values per hyper-parameter, evenly spaced on a log scale.

    ``grid_points({"lr": (1e-3, 1), "weight_decay": (1e-6, 1e-2)}, 3)`` gives 9
    points; each axis holds low, the geometric middle and high.

    Raises
    ------
    ValueError
        For an empty space, bounds that are not 0 < low < high, or ``n_per_axis < 1``.
    """
    _check_space(space, "grid_points")
    if n_per_axis < 1:
        raise ValueError(f"grid_points: n_per_axis must be >= 1; got {n_per_axis}.")
    axes = [
        [float(v) for v in np.geomspace(lo, hi, n_per_axis)]
        if n_per_axis > 1
        else [math.sqrt(lo * hi)]
        for lo, hi in space.values()
    ]
    return [dict(zip(space, combo, strict=True)) for combo in itertools.product(*axes)]


def random_points(
    space: Mapping[str, tuple[float, float]], n: int, rng: Any = 0
) -> list[dict[str, float]]:
    """``n`` points drawn independently, each hyper-parameter log-uniform on its (low, high).

    Raises
    ------
    ValueError
        For an empty space or bounds that are not 0 < low < high.
    """
    _check_space(space, "random_points")
    gen = backend.default_rng(rng)
    u = backend.to_cpu(gen.random((int(n), len(space))))
    lows = np.log([lo for lo, _ in space.values()])  # host
    highs = np.log([hi for _, hi in space.values()])  # host
    values = np.exp(lows + u * (highs - lows))
    return [dict(zip(space, map(float, row), strict=True)) for row in values]


def _run(objective: Callable[..., float], points: list[dict[str, float]]) -> list[Trial]:
    return [Trial(p, float(objective(**p))) for p in points]


def grid_search(
    objective: Callable[..., float], space: Mapping[str, tuple[float, float]], n_trials: int
) -> list[Trial]:
    """Try every point of a log-scale grid with ``n_trials`` points in all.

    Parameters
    ----------
    objective : callable
        ``objective(**params)`` returns a score to maximise (e.g. validation accuracy).
    space : dict of name -> (low, high)
    n_trials : int
        Must be a perfect power of the number of hyper-parameters (9 for two: 3 × 3).

    Returns
    -------
    list of Trial, in grid order.

    Raises
    ------
    ValueError
        If ``n_trials`` is not k**d for d hyper-parameters.
    """
    d = len(space)
    k = round(n_trials ** (1.0 / d)) if d else 0
    if d == 0 or k**d != n_trials:
        raise ValueError(
            f"grid_search: n_trials must be k**{d} for {d} hyper-parameter(s) (e.g. "
            f"{', '.join(str(i ** max(d, 1)) for i in (2, 3, 4))}); got {n_trials}."
        )
    return _run(objective, grid_points(space, k))


def random_search(
    objective: Callable[..., float],
    space: Mapping[str, tuple[float, float]],
    n_trials: int,
    rng: Any = 0,
) -> list[Trial]:
    """Try ``n_trials`` points drawn log-uniformly from the space (Bergstra & Bengio 2012).

    Parameters and return value as :func:`grid_search`.
    """
    return _run(objective, random_points(space, n_trials, rng))


def best_trial(trials: Sequence[Trial]) -> Trial:
    """The trial with the highest score (the first one on ties).

    Raises
    ------
    ValueError
        For an empty list.
    """
    if not trials:
        raise ValueError("best_trial: no trials given.")
    return max(trials, key=lambda t: t.score)
