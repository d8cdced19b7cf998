"""``make lab``: JupyterLab on the chapters, with the floating-point pins that ``make test`` uses.

A chapter that a reader runs and saves in the lab is compared digit for digit by
``make test`` (strict nbval). Trained networks magnify last-bit differences between
BLAS kernels, so the lab's kernels get the same pins as the test run
(:func:`tools.notebook_env.float_pins`); progress bars stay on (nbval ignores them).
Containers often run as root, which JupyterLab refuses unless told: ``--allow-root``
is added for root. Code cells wrap long lines (:data:`OVERRIDES`, written where JupyterLab
reads a package's default settings; a reader can still turn it off in Settings), so that
no line of a chapter runs past the editor's edge, whatever the window's width. Extra
arguments go to ``jupyter lab``.

    python -m tools.lab [JUPYTER-LAB-ARGS...]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tools.notebook_env import float_pins

ROOT = Path(__file__).resolve().parents[1]

# The book's defaults for JupyterLab's settings: wrap long code lines in the editor.
OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {
        "codeCellConfig": {"lineNumbers": False, "lineWrap": True}
    }
}


def app_settings_dir() -> Path:
    """JupyterLab's application settings folder of this environment (``sys.prefix``)."""
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def write_overrides(settings_dir: Path) -> Path:
    """Write :data:`OVERRIDES` to ``settings_dir/overrides.d/dlbook.json``; return the path.

    ``overrides.d`` is where JupyterLab reads defaults that a package sets; the user's own
    settings still win.
    """
    path = settings_dir / "overrides.d" / "dlbook.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(OVERRIDES, indent=2) + "\n", encoding="utf-8")
    return path


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
    write_overrides(app_settings_dir())
    cmd = command(sys.argv[1:] if argv is None else argv)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
