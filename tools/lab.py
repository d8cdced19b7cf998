"""``make lab``: JupyterLab on the chapters, with the floating-point pins that ``make test`` uses.

A chapter that a reader runs and saves in the lab is compared digit for digit by
``make test`` (strict nbval). Trained networks magnify last-bit differences between
BLAS kernels, so the lab's kernels get the same pins as the test run
(:func:`tools.notebook_env.float_pins`); progress bars stay on (nbval ignores them).
Containers often run as root, which JupyterLab refuses unless told: ``--allow-root``
is added for root. Extra arguments go to ``jupyter lab``.

    python -m tools.lab [JUPYTER-LAB-ARGS...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tools.notebook_env import float_pins

ROOT = Path(__file__).resolve().parents[1]


def command(argv: list[str], uid: int | None = None) -> list[str]:
    """The ``jupyter lab`` command line for ``argv`` (``--allow-root`` for root)."""
    uid = os.geteuid() if uid is None and hasattr(os, "geteuid") else uid
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab"]
    if uid == 0:
        cmd.append("--allow-root")
    return [*cmd, *argv, str(ROOT / "chapters")]


def main(argv: list[str] | None = None) -> None:
    for key, value in float_pins().items():
        os.environ.setdefault(key, value)
    cmd = command(sys.argv[1:] if argv is None else argv)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
