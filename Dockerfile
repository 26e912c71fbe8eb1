# The API as an image: installs the package, migrates on start, then serves.
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
RUN pip install . && useradd --system --home /app mwallet && chown -R mwallet /app

USER mwallet
EXPOSE 8000
HEALTHCHECK --interval=5s --timeout=3s --retries=10 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["sh", "-c", "mwallet-gql migrate && exec mwallet-gql serve"]
