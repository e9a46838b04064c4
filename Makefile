# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench catalogs extract-messages serve clean help

help:
	@echo "make run    - install, migrate, load demo data on first run, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test tools and run the whole suite (TEST_DATABASE_URL for PostgreSQL)"
	@echo "make lint   - ruff"
	@echo "make bench  - speed benchmarks of bench/"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.11)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Compiled catalogs (.mo) are build output, never committed.
catalogs: $(VENV)/.installed
	@if ls tracker/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile --use-fuzzy -q -d tracker/translations 2>/dev/null || \
		$(BIN)/pybabel compile -q -d tracker/translations; fi

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o tracker/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

run: $(VENV)/.installed catalogs
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@bash scripts/serve.sh $(HOST) $(PORT)

test: $(VENV)/.installed-dev catalogs
	@bash scripts/test.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

bench: $(VENV)/.installed-dev catalogs
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov tests/browser/artifacts
