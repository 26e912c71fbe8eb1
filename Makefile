# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
TS_CLIENT := clients/typescript
TS_STAMP := $(TS_CLIENT)/node_modules/.installed-stamp
GRAPHIQL := gql_server/http/graphiql_static
GRAPHIQL_VENDOR := $(GRAPHIQL)/public/vendor
GRAPHIQL_STAMP := $(GRAPHIQL_VENDOR)/.installed-stamp
# ariadne-codegen pins an older graphql-core than the server runs on: it gets a venv of its own
CODEGEN_VENV := .venv-codegen
CODEGEN_STAMP := $(CODEGEN_VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest schema migrate seed clean clients-ts clients-py browser graphiql-assets

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Migrate, seed demo data and serve on http://$(HOST):$(PORT)/graphql (SQLite unless DATABASE_URL is set)
# seed prints how to sign in to the demo accounts, at the address serve binds.
run: export MWALLET_HOST = $(HOST)
run: export MWALLET_PORT = $(PORT)
run: $(STAMP) graphiql-assets
	$(BIN)/mwallet-gql migrate
	$(BIN)/mwallet-gql seed
	$(BIN)/mwallet-gql serve --host $(HOST) --port $(PORT)

## Lint, type-check and run the whole suite (PostgreSQL and SQLite)
test: lint typecheck clients-ts browser pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) graphiql-assets $(TS_STAMP) $(CODEGEN_STAMP)
	$(BIN)/pytest

$(CODEGEN_STAMP):
	test -x $(CODEGEN_VENV)/bin/python || $(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/pip install --quiet 'ariadne-codegen>=0.14,<1'
	touch $(CODEGEN_STAMP)

## Generate the typed Python client into clients/python/mwallet_client/
clients-py: $(CODEGEN_STAMP)
	$(CODEGEN_VENV)/bin/ariadne-codegen --config clients/python/ariadne-codegen.toml

$(TS_STAMP): $(TS_CLIENT)/package-lock.json
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund
	touch $(TS_STAMP)

## Generate the TypeScript documents from schema.graphql and clients/operations, then tsc
clients-ts: $(TS_STAMP)
	cd $(TS_CLIENT) && npm run --silent check

# npm warns "ERESOLVE overriding peer dependency": graphiql-explorer 0.9, inside the explorer
# plugin, names React 16 and graphql 15 as peers; its browser build uses GraphiQL's React 18
# and bundled graphql instead (package.json pins graphql 16 so npm keeps it).
$(GRAPHIQL_STAMP): $(GRAPHIQL)/package-lock.json
	cd $(GRAPHIQL) && npm ci --no-audit --no-fund
	mkdir -p $(GRAPHIQL_VENDOR)
	cp $(GRAPHIQL)/node_modules/react/umd/react.production.min.js \
	   $(GRAPHIQL)/node_modules/react-dom/umd/react-dom.production.min.js \
	   $(GRAPHIQL)/node_modules/graphiql/graphiql.min.js \
	   $(GRAPHIQL)/node_modules/graphiql/graphiql.min.css $(GRAPHIQL_VENDOR)/
	cp $(GRAPHIQL)/node_modules/@graphiql/plugin-explorer/dist/index.umd.js \
	   $(GRAPHIQL_VENDOR)/graphiql-plugin-explorer.umd.js
	cp $(GRAPHIQL)/node_modules/@graphiql/plugin-explorer/dist/style.css \
	   $(GRAPHIQL_VENDOR)/graphiql-plugin-explorer.css
	touch $(GRAPHIQL_STAMP)

## Browser builds of GraphiQL, its explorer plugin and React from npm, served by the app itself
graphiql-assets: $(GRAPHIQL_STAMP)

## Chromium and its driver for the GraphiQL test (Debian packages; installed when root and missing)
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else echo "chromium/chromedriver missing: the GraphiQL browser test will skip (fails under CI=true)"; fi

## Regenerate schema.graphql from the code
schema: $(STAMP)
	$(BIN)/mwallet-gql export-schema > schema.graphql

clean:
	rm -rf $(VENV) $(CODEGEN_VENV) .mypy_cache .ruff_cache .pytest_cache mwallet.db
