"""GraphiQL served entirely by the app, so it works with no access to any CDN.

The browser builds of GraphiQL, its explorer plugin and React come from the npm
registry at build time (`make graphiql-assets` copies them into
`graphiql_static/public/vendor`). The page has no inline script or style, so its
Content-Security-Policy admits only the app's own origin (plus `data:` fonts and images
that GraphiQL's stylesheet embeds).
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

PUBLIC = Path(__file__).resolve().parent / "graphiql_static" / "public"
ASSETS_PATH = "/graphiql"
VENDOR_FILES = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
    "graphiql-plugin-explorer.umd.js",
    "graphiql-plugin-explorer.css",
)
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Relative URLs: the page lives at /graphql, its files at /graphiql/ (also under a prefix).
PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>mwallet-gql · GraphiQL</title>
    <link rel="stylesheet" href="graphiql/vendor/graphiql.min.css">
    <link rel="stylesheet" href="graphiql/vendor/graphiql-plugin-explorer.css">
    <link rel="stylesheet" href="graphiql/graphiql-page.css">
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="graphiql/vendor/react.production.min.js"></script>
    <script src="graphiql/vendor/react-dom.production.min.js"></script>
    <script src="graphiql/vendor/graphiql.min.js"></script>
    <script src="graphiql/vendor/graphiql-plugin-explorer.umd.js"></script>
    <script src="graphiql/graphiql-init.js"></script>
  </body>
</html>
"""
MISSING_ASSETS = (
    "GraphiQL's files are not built on this server (run `make graphiql-assets`). "
    "The API itself works: POST your queries to this URL."
)


def assets_built(public: Path = PUBLIC) -> bool:
    return all((public / "vendor" / name).is_file() for name in VENDOR_FILES)


def page(public: Path = PUBLIC) -> Response:
    """The IDE page, or a plain explanation when its files were never built."""
    if not assets_built(public):
        return PlainTextResponse(MISSING_ASSETS, 503, headers=SECURITY_HEADERS)
    return HTMLResponse(PAGE, headers=SECURITY_HEADERS)


class GraphiQLAssets(StaticFiles):
    """The page's scripts and styles, with the same security headers as the page."""

    def __init__(self) -> None:
        super().__init__(directory=PUBLIC, check_dir=False)

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(SECURITY_HEADERS)
        return response


def routes(*, enabled: bool) -> list[BaseRoute]:
    """Where the page's files are served; nothing at all when GraphiQL is turned off."""
    return [Mount(ASSETS_PATH, GraphiQLAssets())] if enabled else []
