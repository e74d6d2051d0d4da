# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: install run test lint typecheck unit browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Create the database, load the synthetic demo data and registry extracts, serve everything.
run: install
	$(BIN)/tracker db upgrade
	$(BIN)/tracker seed demo
	$(BIN)/tracker seed feeds
	$(BIN)/tracker serve --host $(HOST) --port $(PORT)

# Headless Chromium for the dashboard tests (Debian package; Playwright cannot download one).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

lint: install
	$(BIN)/ruff check tracker dashboards tests bench migrations/env.py

typecheck: install
	$(BIN)/mypy tracker

# The tests' temporary files (a SQLite database per test) go to memory where the machine has
# /dev/shm with 2 GB free: every commit there is an fsync to this machine's slow disk otherwise.
# The folder is this run's own and is removed after it.
unit: install
	@free=$$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $$4}'); \
	  tmp=$$( [ -w /dev/shm ] && [ "$${free:-0}" -ge 2097152 ] && mktemp -d /dev/shm/tracker-tests-XXXXXX || mktemp -d ); \
	  $(BIN)/pytest -n 2 --basetemp="$$tmp/pytest" $(PYTEST_ARGS); status=$$?; \
	  rm -rf "$$tmp"; exit $$status

# Lint, type-check and run every test (SQLite + a PostgreSQL server the tests start).
test: install browser-deps lint typecheck unit

bench: install
	@for script in bench/bench_*.py; do [ -e "$$script" ] && $(BIN)/python "$$script"; done; true

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache tests/artifacts
