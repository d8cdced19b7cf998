"""The offline HTML book (``make book``) in headless Chromium with the network off.

The book is built once for this module (from the committed chapters, nothing executed),
then every chapter page is opened with every request outside the site refused, and must
show its maths (MathJax output), its figures (loaded images, a screenshot that is not
blank) and the stored view of its widgets, with no request failing.
Skipped only where Chromium cannot be had (tools/install-browser.sh installs it).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9]*.ipynb"))


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if _chromium() is None:
        pytest.skip("no Chromium here: run tools/install-browser.sh (apt-get install chromium)")
    pytest.importorskip("playwright", reason="playwright is in the test extra")
    from tools import build_book

    return build_book.build(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield b
        b.close()


def _has_widget_views(path: Path) -> bool:
    nb = json.loads(path.read_text(encoding="utf-8"))
    state = nb.get("metadata", {}).get("widgets", {})
    return bool(state) and any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in nb["cells"]
        for o in c.get("outputs", [])
    )


def _has_maths(chapter: Path) -> bool:
    """Whether the chapter's Markdown holds TeX maths for MathJax to render."""
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return "$" in text or "\\(" in text or "\\begin{" in text


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_renders_offline(site, browser, chapter):
    from PIL import Image, ImageStat

    page_file = site / f"{chapter.stem}.html"
    assert page_file.exists(), f"{chapter.name} is missing from the book"
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    outside, failed = [], []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", "blob:"))
            else (outside.append(route.request.url), route.abort())[1]
        ),
    )
    context.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page = context.new_page()
    try:
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        if _has_maths(chapter):
            page.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000
            )
            page.evaluate("MathJax.startup.promise")
            assert page.locator("mjx-container").count() > 0, "no maths rendered by MathJax"
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('.cell_output img')).map(i => i.naturalWidth)"
        )
        assert widths and min(widths) > 0, f"figures missing or not loaded: {widths}"
        if _has_widget_views(chapter):
            views = page.locator(".cell_output .jupyter-widgets")
            assert views.count() > 0 and views.first.is_visible(), "no stored widget view shown"
        nav = page.locator("nav.bd-links a", has_text="Glossary")
        assert nav.count() > 0, "the glossary is not linked from the navigation"
        shot = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("L")
        assert ImageStat.Stat(shot).stddev[0] > 10, "the page looks blank"
    finally:
        context.close()
    assert not outside, f"requests outside the book: {outside[:5]}"
    assert not failed, f"requests that failed: {failed[:5]}"
