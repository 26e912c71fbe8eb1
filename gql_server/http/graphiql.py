"""GraphiQL served entirely by the app, so it works with no access to any CDN.

The browser builds of GraphiQL, its explorer plugin and React come from the npm
registry at build time (`make graphiql-assets` copies them into
`graphiql_static/public/vendor`). The page has no inline script or style, so its
Content-Security-Policy admits only the app's own origin (plus `data:` fonts and images
that GraphiQL's stylesheet embeds).

Outside production the page opens signed in as the demo customer: an access token minted
at each render (the usual lifetime; a reload gets a fresh one) is carried in a data
attribute, and the page's script puts it in GraphiQL's Headers tab. Only an account whose
password is still the published demo one gets a token (`auth/demo.py`); otherwise the
example says how to sign in. The page is never stored by a cache (`no-store`).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from gql_server.auth.demo import demo_access_token

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
    <div id="graphiql"{token}>Loading GraphiQL…</div>
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


def page(public: Path = PUBLIC, access_token: str | None = None) -> Response:
    """The IDE page, or a plain explanation when its files were never built."""
    if not assets_built(public):
        return PlainTextResponse(MISSING_ASSETS, 503, headers=SECURITY_HEADERS)
    token = "" if access_token is None else f' data-access-token="{html.escape(access_token)}"'
    return HTMLResponse(
        PAGE.format(token=token), headers={**SECURITY_HEADERS, "Cache-Control": "no-store"}
    )


async def signed_in_page(request: Request, production: bool) -> Response:
    """The page with the demo customer's access token, when the database has that account."""
    if not assets_built():
        return page()
    state = request.app.state
    issued = await demo_access_token(state.session_maker, state.tokens, production)
    return page(access_token=None if issued is None else issued.token)


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
