"""The toolbox of chapter 04 in one name: what goes wrong in deep networks, measured.

    from dlbook import experiments as ex
    model = ex.mlp([784, 128, 10], activation="relu", init="he", dropout=0.5, rng=0)
    ex.generalization(model, (x, y), (x_test, y_test))      # train/test accuracy and the gap
    ex.gradient_norms(model, x, y)                            # ‖∂C/∂W‖ per Dense layer
    ex.gradient_noise(model, x, y, batch_sizes=[1, 16, 256])  # E‖g_B − g‖² against σ²/B
    opt = ex.L1Penalty(SGD(0.1), l1=1e-4)                     # an L1 penalty around any optimiser
    ex.random_search(space, n_trials=9, objective=f, rng=0)   # and ex.grid_search
    ex.matmul_gflops(1024, np.float32)                        # this machine's matrix throughput

Each name lives in the module its job names, and is gathered here for the chapter:

- :mod:`dlbook.models`: ``mlp``, ``ACTIVATIONS``
- :mod:`dlbook.diagnostics`: ``generalization``, ``gradient_norms``, ``activation_std``,
  ``flat_gradient``, ``gradient_noise``, ``GradientNoise``, ``weight_arrays``,
  ``near_zero_fraction``, ``noisy_labels``
- :mod:`dlbook.optim`: ``L1Penalty``, ``optimizer_path``
- :mod:`dlbook.search`: ``Trial``, ``grid_points``, ``random_points``, ``grid_search``,
  ``random_search``, ``best_trial``
- :mod:`dlbook.throughput`: ``training_flops``, ``matmul_gflops``

Built in chapter 04.
"""

from __future__ import annotations

from .diagnostics import (
    GradientNoise,
    activation_std,
    flat_gradient,
    generalization,
    gradient_noise,
    gradient_norms,
    near_zero_fraction,
    noisy_labels,
    weight_arrays,
)
from .models import ACTIVATIONS, mlp
from .optim import L1Penalty, optimizer_path
from .search import Trial, best_trial, grid_points, grid_search, random_points, random_search
from .throughput import matmul_gflops, training_flops

__all__ = [
    "ACTIVATIONS",
    "GradientNoise",
    "L1Penalty",
    "Trial",
    "activation_std",
    "best_trial",
    "flat_gradient",
    "generalization",
    "gradient_noise",
    "gradient_norms",
    "grid_points",
    "grid_search",
    "matmul_gflops",
    "mlp",
    "near_zero_fraction",
    "noisy_labels",
    "optimizer_path",
    "random_points",
    "random_search",
    "training_flops",
    "weight_arrays",
]
