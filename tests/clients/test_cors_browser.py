"""A page on another origin calls the server process from real Chromium: with its origin
in MWALLET_CORS_ORIGINS it signs in and reads the data (and the exposed X-Request-Id); when
the server lists another origin, the browser blocks the call and `fetch` fails."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.clients.conftest import LiveServer, free_port, start_server
from tests.conftest import operation

ANSWER_SECONDS = 15
PASSWORD = "a browser's password"
# Signs in with `?email=` and `&password=` (logIn), then asks for the viewer and the users
# it may see with the access token it got, as a frontend on another origin would: both
# requests are preflighted (JSON; the second carries `Authorization`).
PAGE = b"""<!doctype html>
<meta charset="utf-8">
<title>frontend</title>
<pre id="result"></pre>
<pre id="request-id"></pre>
<script>
  const given = new URLSearchParams(location.search);
  const api = given.get("api");
  const shown = document.getElementById("result");
  async function call(query, variables, token) {
    const headers = {"Content-Type": "application/json"};
    if (token) headers["Authorization"] = "Bearer " + token;
    const response = await fetch(api + "/graphql", {
      method: "POST", headers, body: JSON.stringify({query, variables}),
    });
    document.getElementById("request-id").textContent = response.headers.get("X-Request-Id");
    return response.json();
  }
  const logIn = "mutation ($email: String!, $password: String!) { logIn(email: $email, " +
    "password: $password) { __typename ... on Session { accessToken } } }";
  call(logIn, {email: given.get("email"), password: given.get("password")})
    .then((signedIn) => call("{ viewer { email } users { email } }", {},
                             signedIn.data.logIn.accessToken))
    .then((answer) => { shown.textContent = JSON.stringify(answer); })
    .catch((error) => { shown.textContent = String(error); })
    .finally(() => { shown.dataset.done = "yes"; });
</script>
"""


def sign_up_ada(api: LiveServer) -> None:
    """A customer with a password, made as a client makes one (signUp, no token)."""
    variables = {
        "input": {
            "name": "Ada",
            "surname": "Lovelace",
            "email": "ada@example.com",
            "password": PASSWORD,
        }
    }
    body = httpx.post(
        f"{api.url}/graphql", json={"query": operation("SignUp"), "variables": variables}
    ).json()
    assert body["data"]["result"]["__typename"] == "Session", body


class OnePage(BaseHTTPRequestHandler):
    """The frontend's origin: serves the page at `/`, nothing else."""

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reports what matters."""


@pytest.fixture(scope="module")
def frontend() -> Iterator[str]:
    """The page's origin, on a port of its own (so another origin than the API's)."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), OnePage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def listing_the_page(
    frontend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    yield from start_server(tmp_path_factory.mktemp("cors"), MWALLET_CORS_ORIGINS=frontend)


@pytest.fixture(scope="module")
def listing_another_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    other = "https://app.example.com"
    yield from start_server(tmp_path_factory.mktemp("cors-other"), MWALLET_CORS_ORIGINS=other)


def answer_on_page(browser: Any, frontend: str, api: LiveServer) -> tuple[str, str]:
    """Opens the page pointed at `api`; what it shows once its fetch settled."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get(f"{frontend}/?api={api.url}&email=ada@example.com&password={PASSWORD}")
    result = browser.find_element(By.ID, "result")
    WebDriverWait(browser, ANSWER_SECONDS).until(lambda _: result.get_attribute("data-done"))
    return result.text, browser.find_element(By.ID, "request-id").text


def test_a_listed_origin_signs_in_and_reads_its_own_data(
    browser: Any, frontend: str, listing_the_page: LiveServer
) -> None:
    # given: a customer with a password (beside the suite's operator)
    sign_up_ada(listing_the_page)

    # when: the page on the listed origin signs in as her and asks for users
    shown, request_id = answer_on_page(browser, frontend, listing_the_page)

    # then: it reads what she may see (herself alone), and the request id the server exposed
    ada = {"email": "ada@example.com"}
    assert json.loads(shown) == {"data": {"viewer": ada, "users": [ada]}}
    assert request_id


def test_an_unlisted_origin_is_blocked_by_the_browser(
    browser: Any, frontend: str, listing_another_origin: LiveServer
) -> None:
    shown, request_id = answer_on_page(browser, frontend, listing_another_origin)

    assert shown == "TypeError: Failed to fetch"
    assert not request_id
    console = [entry["message"] for entry in browser.get_log("browser")]
    assert [line for line in console if "CORS policy" in line], console
