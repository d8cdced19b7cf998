"""``python -m dlbook``: the same as the ``dlbook`` command (see :mod:`dlbook.cli`)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
