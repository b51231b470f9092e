# Kembali: the README's commands. Needs only python3 (3.11+) and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CASES ?= 3000

.PHONY: help install install-dev messages messages-extract migrate demo run test test-fast browser-deps lint format bench clean

help:
	@echo "make run     install, migrate, load the demo data and serve on http://$(HOST):$(PORT)/"
	@echo "make test    the whole test suite (installs what it needs)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   benchmarks; writes bench/RESULTS.md"
	@echo "make messages-extract   bring the Malay catalogues up to date with the code"

# `make run` needs only the application; `make test` adds the test and lint tools.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kembali needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Compiled translations (.mo) are built from the .po files in the repo.
messages: install
	$(PY) scripts/compile_messages.py

# The Malay catalogues brought up to date with the code (needs GNU gettext).
messages-extract: install
	$(PY) scripts/extract_messages.py

migrate: install messages
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo --cases $(DEMO_CASES)

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py schedule_daily
	@bash scripts/serve.sh $(HOST) $(PORT)

# Browser tests drive Debian's chromium; as root we install it when missing.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: the browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; \
	fi

# The browser tests run on their own: Playwright's event loop must not share a
# worker process with the database tests that follow it.
test: install-dev messages browser-deps
	$(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)
	$(PY) -m pytest -n 2 -m browser $(PYTEST_ARGS)

test-fast: install-dev messages
	$(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev messages
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var/ staticfiles/ .pytest_cache .ruff_cache
