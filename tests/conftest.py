"""Fixtures shared by the unit tests.

``device`` runs a test once on NumPy and once on the fake GPU (dlbook.testing),
so that host/device mixing is caught on machines without a GPU.
"""

from __future__ import annotations

import os

import pytest

from dlbook import backend
from dlbook.testing import fake_device

os.environ.setdefault("DLBOOK_PROGRESS", "0")


@pytest.fixture(params=["numpy", "fake"])
def device(request):
    """The array module of the device under test: ``numpy`` or the fake GPU."""
    if request.param == "numpy":
        backend.use("numpy")
        yield backend.xp()
    else:
        with fake_device() as fake:
            yield fake
    backend.use("numpy")


@pytest.fixture
def dlbook_home(tmp_path, monkeypatch):
    """A private DLBOOK_HOME and DLBOOK_DATA so tests never touch the reader's files."""
    home = tmp_path / "home"
    data = tmp_path / "data"
    monkeypatch.setenv("DLBOOK_HOME", str(home))
    monkeypatch.setenv("DLBOOK_DATA", str(data))
    return home


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so a fixture can tell that the test failed
    (the browser tests save a screenshot then)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
