"""Korean in figures on any machine: Nanum Gothic, shipped by the ``koreanize-matplotlib`` wheel.

Most containers and many Linux desktops have no CJK font, and matplotlib then draws
Korean as empty boxes. The package ``koreanize-matplotlib`` (a dependency) carries the
Nanum Gothic TTF files; they are registered with matplotlib here, without importing that
package (its import changes global settings and needs ``distutils``). Nanum Gothic is
the *fallback* after DejaVu Sans: Latin text, digits and the minus sign look as before,
and only the glyphs DejaVu lacks (Hangul) come from Nanum Gothic.

Called by :func:`dlbook.setup_notebook` and by every playground's figure.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["KOREAN_FONT", "korean_font_files", "use_korean_font"]

KOREAN_FONT = "NanumGothic"
_done = False


def korean_font_files() -> list[Path]:
    """The Nanum Gothic TTF files shipped by ``koreanize-matplotlib`` (empty if it is missing)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return sorted(folder.glob("NanumGothic*.ttf"))


def use_korean_font() -> bool:
    """Register Nanum Gothic with matplotlib and make it the fallback font; True if it is there.

    Idempotent. Without ``koreanize-matplotlib`` it returns False and changes nothing
    (``dlbook doctor`` says what to install).
    """
    global _done
    import matplotlib as mpl  # drawing is imported lazily
    from matplotlib import font_manager

    files = korean_font_files()
    if not files:
        return False
    if not _done:
        for path in files:
            font_manager.fontManager.addfont(str(path))
        _done = True
    family = [f for f in mpl.rcParams["font.family"] if f not in ("sans-serif", KOREAN_FONT)]
    mpl.rcParams["font.family"] = [
        "DejaVu Sans",
        *[f for f in family if f != "DejaVu Sans"],
        KOREAN_FONT,
    ]
    return True
