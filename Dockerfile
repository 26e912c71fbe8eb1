# The API as an image: installs the package, migrates on start, then serves.

# GraphiQL's browser builds from the npm registry (as `make graphiql-assets` does).
FROM node:20-slim AS graphiql
WORKDIR /build
COPY gql_server/http/graphiql_static/package.json gql_server/http/graphiql_static/package-lock.json ./
RUN npm ci --no-audit --no-fund && mkdir vendor && cp \
    node_modules/react/umd/react.production.min.js \
    node_modules/react-dom/umd/react-dom.production.min.js \
    node_modules/graphiql/graphiql.min.js \
    node_modules/graphiql/graphiql.min.css vendor/ \
 && cp node_modules/@graphiql/plugin-explorer/dist/index.umd.js vendor/graphiql-plugin-explorer.umd.js \
 && cp node_modules/@graphiql/plugin-explorer/dist/style.css vendor/graphiql-plugin-explorer.css

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MWALLET_HOST=0.0.0.0 \
    MWALLET_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md alembic.ini schema.graphql ./
COPY models ./models
COPY loaders ./loaders
COPY migrations ./migrations
COPY gql_server ./gql_server
COPY --from=graphiql /build/vendor ./gql_server/http/graphiql_static/public/vendor
RUN pip install . && useradd --system --home /app mwallet && chown -R mwallet /app

USER mwallet
EXPOSE 8000
HEALTHCHECK --interval=5s --timeout=3s --retries=10 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["sh", "-c", "mwallet-gql migrate && exec mwallet-gql serve"]
