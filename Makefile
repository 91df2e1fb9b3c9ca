# migrakg — one-command set-up. `make run` builds, validates, publishes and serves; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test build validate serve clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/migrakg build --out build/

validate: $(STAMP)
	$(BIN)/migrakg validate

run: build
	$(BIN)/migrakg publish --quiet
	$(BIN)/migrakg serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf build dist .pytest_cache
