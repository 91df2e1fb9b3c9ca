# migrakg — one-command set-up. `make run` builds, validates and serves the knowledge base; `make test` runs the checks and the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test check build validate serve clean install install-test system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# what `make run` needs: the package and its dependencies, no test tools
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $(RUN_STAMP)

# what the tests drive as well: pytest, ruff, mypy, playwright, the SPARQL test clients
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(TEST_STAMP) $(RUN_STAMP)

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

# Chromium, Node.js + axe-core (in .cache/axe/), a headless JRE for the HTML validator: quick when present
system-deps:
	bash scripts/install-system-deps.sh

build: $(RUN_STAMP)
	$(BIN)/migrakg build --out build/

validate: $(RUN_STAMP)
	$(BIN)/migrakg validate

run: build
	$(BIN)/migrakg serve --host 127.0.0.1 --port 8000

# lint, format, types: the guardrails (also the first part of `make test`)
check: $(TEST_STAMP)
	$(BIN)/ruff check migrakg tests scripts
	$(BIN)/ruff format --check migrakg tests scripts
	$(BIN)/mypy

# the checks, then the suite with the doctests of migrakg/ (testpaths and --doctest-modules: pyproject.toml)
test: check system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf build dist .pytest_cache .mypy_cache
