# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint lock bench catalogs extract-messages serve clean help

help:
	@echo "make run    - install, migrate, load demo data on first run, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test tools and run the whole suite (TEST_DATABASE_URL for PostgreSQL)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - speed benchmarks of bench/"
	@echo "make lock   - refresh the pinned dependencies in requirements/ from pyproject.toml"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.11)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Everything is installed from the committed lock (requirements/*.txt, with hashes); `make lock` refreshes it.
# The package itself is installed without build isolation, so that its build backend comes from the lock too.
$(VENV)/.installed: pyproject.toml requirements/requirements-build.txt requirements/requirements-run.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/requirements-build.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/requirements-run.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements/requirements-build.txt requirements/requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/requirements-build.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# Resolve pyproject.toml's dependencies afresh into requirements/*.txt (needs the dev tools for uv).
lock: $(VENV)/.installed-dev
	UV=$(BIN)/uv bash scripts/lock.sh

# Compiled catalogs (.mo) are build output, never committed. A fuzzy entry is an unchecked guess: refuse it
# (pybabel would silently leave it out, or skip a whole catalog whose header is fuzzy). Quiet, pybabel prints
# only problems; it merely warns about a line it cannot parse, so any output fails. See docs/translations.md.
catalogs: $(VENV)/.installed
	@if grep -n '^#,.*\bfuzzy\b' tracker/translations/*/LC_MESSAGES/messages.po; then \
		echo "Fuzzy entries above: translate or confirm them and remove the fuzzy flag." >&2; exit 1; fi
	@out=$$($(BIN)/pybabel -q compile -d tracker/translations 2>&1); status=$$?; \
	if [ $$status -ne 0 ] || [ -n "$$out" ]; then \
		echo "$$out" >&2; echo "The message catalogs above are broken; see docs/translations.md." >&2; exit 1; fi

# The keywords must match tests/test_translations.py.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k _n:1,2 -k ngettext:1,2 --no-location --sort-output -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

run: $(VENV)/.installed catalogs
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@bash scripts/serve.sh $(HOST) $(PORT)

test: $(VENV)/.installed-dev catalogs
	@bash scripts/test.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(VENV)/.installed-dev catalogs
	scripts/bench-deps.sh
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov tests/browser/artifacts
