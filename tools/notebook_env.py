"""The chapters' environment: now :mod:`dlbook.notebook_env` (``dlbook grade`` uses it too).

Kept here so that ``from tools import notebook_env`` (conftest.py, run_chapters) goes on working.
"""

from dlbook.notebook_env import BLAS_THREADS, apply, describe, float_pins

__all__ = ["BLAS_THREADS", "apply", "describe", "float_pins"]
