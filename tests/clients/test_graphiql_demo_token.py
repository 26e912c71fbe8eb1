"""GraphiQL opens signed in as the demo customer: in Chromium, against a server whose
database `mwallet-gql seed` filled (as `make run` does), the Headers tab holds a bearer
token, and the example runs as that customer, with no UNAUTHENTICATED error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gql_server.auth import demo
from tests.clients.conftest import ROOT, LiveServer, start_server
from tests.clients.test_graphiql_browser import (
    PAGE_LOAD_SECONDS,
    RESULT,
    assert_only_own_files_and_no_errors,
    open_graphiql,
)
from tests.conftest import migrated_url

# The tool pane holds the variables and the headers editor; the tab not chosen is hidden.
HEADERS_TAB = '.graphiql-editor-tools button.active[data-name="headers"]'
HEADERS_EDITOR = '.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden)'
VALUE = "return arguments[0].querySelector('.CodeMirror').CodeMirror.getValue()"


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server on a database migrated, then seeded by the command `make run` runs."""
    directory = tmp_path_factory.mktemp("seeded")
    executable = Path(sys.executable).parent / "mwallet-gql"
    environment = {**os.environ, "DATABASE_URL": migrated_url("sqlite", directory)}
    subprocess.run(
        [str(executable), "seed"], cwd=ROOT, env=environment, check=True, capture_output=True
    )
    yield from start_server(directory)


def test_graphiql_opens_with_the_demo_customers_token_and_the_example_runs_as_them(
    browser: Any, seeded_server: LiveServer
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.wait import WebDriverWait

    # when: a browser with nothing stored opens the page
    editor = open_graphiql(browser, seeded_server)

    # then: the Headers tab is open and holds a bearer token
    assert browser.find_element(By.CSS_SELECTOR, HEADERS_TAB).is_displayed()
    headers_editor = browser.find_element(By.CSS_SELECTOR, HEADERS_EDITOR)
    assert headers_editor.is_displayed()
    headers = json.loads(browser.execute_script(VALUE, headers_editor))
    assert list(headers) == ["Authorization"]
    scheme, token = headers["Authorization"].split(" ")
    assert scheme == "Bearer" and token.count(".") == 2  # a JWT
    query = browser.execute_script("return arguments[0].CodeMirror.getValue()", editor)
    assert query.startswith("# Signed in as the demo customer")

    # when: the example runs as it stands
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()

    # then: it answers the demo customer's own data: no error, nobody else's rows
    wait = WebDriverWait(browser, PAGE_LOAD_SECONDS)
    wait.until(shown.text_to_be_present_in_element((By.CSS_SELECTOR, RESULT), demo.CUSTOMER.email))
    result_editor = browser.find_element(By.CSS_SELECTOR, ".result-window")
    answer = json.loads(browser.execute_script(VALUE, result_editor))
    assert "errors" not in answer, answer
    [user] = answer["data"]["users"]
    assert user["email"] == demo.CUSTOMER.email
    assert len(user["addresses"]) == 2
    assert [len(order["transactions"]) for order in user["orders"]] == [2, 2]
    assert_only_own_files_and_no_errors(browser, seeded_server)

    # and the Headers tab is not stored: a reload brings a fresh token (GraphiQL's
    # history keeps the headers of the queries run, as it does with any header)
    stored = browser.execute_script("return Object.keys(window.localStorage)")
    assert "graphiql:headers" not in stored
    open_graphiql(browser, seeded_server)
    reloaded = browser.execute_script(VALUE, browser.find_element(By.CSS_SELECTOR, HEADERS_EDITOR))
    assert token not in reloaded
    assert json.loads(reloaded)["Authorization"].startswith("Bearer ")


def test_graphiql_without_the_demo_customer_opens_signed_out_with_a_hint(
    browser: Any, live_server: LiveServer
) -> None:
    from selenium.webdriver.common.by import By

    # when: the page is opened on a database with no demo account
    editor = open_graphiql(browser, live_server)

    # then: no header, and the example's first line says how to sign in
    shown_query = browser.execute_script("return arguments[0].CodeMirror.getValue()", editor)
    assert shown_query.split("\n", 1)[0].startswith("# Signed out: run logIn")
    tools = browser.find_element(By.CSS_SELECTOR, ".graphiql-editor-tool")
    assert tools.get_attribute("aria-label") == "Variables"  # no headers to show
    browser.find_element(
        By.CSS_SELECTOR, '.graphiql-editor-tools button[data-name="headers"]'
    ).click()
    headers_editor = browser.find_element(By.CSS_SELECTOR, HEADERS_EDITOR)
    assert browser.execute_script(VALUE, headers_editor) == ""
