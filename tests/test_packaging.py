"""The install routes agree: pyproject.toml and environment.yml list the same pins."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _norm(req: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in ("lab", "test"):
        reqs += meta["optional-dependencies"][extra]
    return dict(_norm(r) for r in reqs)


def conda_requirements() -> dict[str, str]:
    deps = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        # conda packages (two spaces), and those only pip has (six spaces, under "pip:")
        m = re.match(r"(?:\s{2}|\s{6})- ([^\s:#.-][^\s:#]*)\s*$", line)
        if m:
            name, pin = _norm(m.group(1))
            if name not in ("python", "pip"):
                deps[name] = pin
    return deps


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_only_lower_bound_pins():
    for name, pin in pyproject_requirements().items():
        assert pin.startswith(">="), f"{name}: use a lower bound only, not {pin!r}"
        assert "<" not in pin and "==" not in pin, f"{name}: no upper pins ({pin!r})"


def test_python_floor():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.10"
