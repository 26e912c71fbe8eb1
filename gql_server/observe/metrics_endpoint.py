"""GET /metrics: the text format, behind a bearer token where one is needed.

In production /metrics is served only with a configured token (`MWALLET_METRICS_TOKEN`)
and is absent (404) without one: the numbers describe traffic and load. Outside
production it is open unless a token is set. A missing or wrong token gets 401.

With several workers (`PROMETHEUS_MULTIPROC_DIR` set, as `mwallet-gql serve --workers N`
does), each process writes its values to files there and a scrape, whichever worker
answers it, reads them all.
"""

from __future__ import annotations

import atexit
import hmac
import os
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gql_server.settings import Settings

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"


def scraped_registry(own: CollectorRegistry) -> CollectorRegistry:
    """What a scrape reads: this app's registry, or every worker's files."""
    if not os.environ.get(MULTIPROCESS_DIRECTORY):
        return own
    everyone = CollectorRegistry()
    multiprocess.MultiProcessCollector(everyone)
    # A worker that stops cleanly takes its live gauges (the pool) out of the sums.
    atexit.register(multiprocess.mark_process_dead, os.getpid())
    return everyone


def bearer_token_of(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def metrics_route(
    settings: Settings, registry: CollectorRegistry, before_scrape: Callable[[], None]
) -> Route | None:
    """The /metrics route, or None where it must not be served at all."""
    expected = settings.observability.metrics_token
    if expected is None and settings.production:
        return None

    def scrape(request: Request) -> Response:  # sync: Starlette runs it in a thread
        if expected is not None:
            given = bearer_token_of(request)
            if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
                return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        before_scrape()
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", scrape, methods=["GET"])
