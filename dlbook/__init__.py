"""dlbook: the package behind a runnable textbook of deep learning.

    import dlbook as dl
    rng = dl.setup_notebook(seed=0)   # seeds, figure style, print precision
    dl.use("auto")                    # NumPy, or CuPy when a GPU is usable
    dl.show(dl.backend.to_cpu)        # print a piece of the package's source

Each module names the chapter that builds it. The numeric core (backend,
functions, layers, network, optim, ...) runs in a plain script: it never imports
matplotlib, ipywidgets or anything from Jupyter.
"""

from __future__ import annotations

from . import backend
from .backend import use
from .notebook import setup_notebook, show

__version__ = "0.1.0"

__all__ = ["__version__", "backend", "setup_notebook", "show", "use"]
