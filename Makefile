# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest schema migrate seed clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Migrate, seed demo data and serve on http://$(HOST):$(PORT)/graphql (SQLite unless DATABASE_URL is set)
run: $(STAMP)
	$(BIN)/mwallet-gql migrate
	$(BIN)/mwallet-gql seed
	$(BIN)/mwallet-gql serve --host $(HOST) --port $(PORT)

## Lint, type-check and run the whole suite (PostgreSQL and SQLite)
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

## Regenerate schema.graphql from the code
schema: $(STAMP)
	$(BIN)/mwallet-gql export-schema > schema.graphql

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache mwallet.db
