"""GraphiQL in a real browser (Debian's Chromium, headless) against the server
process: the page loads only the app's own files, opens on the example query with
the explorer plugin in its sidebar, a typed query runs and its result shows in the
result pane."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import LiveServer
from tests.conftest import bearer, operation

QUERY = "{ users(limit: 5) { email } }"
PAGE_LOAD_SECONDS = 30
EDITOR = ".graphiql-query-editor .CodeMirror"
RESULT = ".result-window .CodeMirror-code"
EXPLORER_BUTTON = '.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]'
HEADERS_TAB = '.graphiql-editor-tools button[data-name="headers"]'
OPEN_TOOL = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
# Chromium asks every page for /favicon.ico; the app has none, and that 404 is no page error.
FAVICON = "/favicon.ico - Failed to load resource"


def test_graphiql_runs_a_typed_query_with_only_the_apps_own_files(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.wait import WebDriverWait

    # given: a user to find
    live_server.create_ada()
    wait = WebDriverWait(browser, PAGE_LOAD_SECONDS)

    # when: signed in, the query is typed into the editor and run
    editor = open_graphiql(browser, live_server)
    sign_in(browser, live_server)
    editor.click()
    editor_input = editor.find_element(By.CSS_SELECTOR, "textarea")
    editor_input.send_keys(Keys.CONTROL, "a")
    editor_input.send_keys(Keys.DELETE)
    editor_input.send_keys(QUERY)
    typed = browser.execute_script("return arguments[0].CodeMirror.getValue()", editor)
    assert typed == QUERY
    # GraphiQL takes the operation's name from the editor 100 ms after the last keystroke:
    # a run before that would send the example's name (UserPage) with the typed query
    named = "return arguments[0].CodeMirror.operationName"
    wait.until(lambda _: browser.execute_script(named, editor) is None)
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()

    # then: the result pane shows the user
    result_pane = (By.CSS_SELECTOR, RESULT)
    wait.until(shown.text_to_be_present_in_element(result_pane, "ada@example.com"))
    assert '"email": "ada@example.com"' in browser.find_element(*result_pane).text
    screenshot = tmp_path / "graphiql.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 0

    # and every file the page loaded came from the app itself, with no error logged
    assert_only_own_files_and_no_errors(browser, live_server)

    # and a reload keeps what the user typed (GraphiQL stores it), not the example
    editor = open_graphiql(browser, live_server)
    assert browser.execute_script("return arguments[0].CodeMirror.getValue()", editor) == QUERY


def test_graphiql_opens_on_the_example_query_with_the_explorer_plugin(
    browser: Any, live_server: LiveServer
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.wait import WebDriverWait

    # when: a browser with nothing stored opens the page
    editor = open_graphiql(browser, live_server)
    wait = WebDriverWait(browser, PAGE_LOAD_SECONDS)

    # then: the editor holds a comment line and then the README's UserPage query
    text = browser.execute_script("return arguments[0].CodeMirror.getValue()", editor)
    comment, example = text.split("\n", 1)
    assert comment.startswith("# "), text
    assert example == operation("UserPage")
    assert "query UserPage(" in editor.find_element(By.CSS_SELECTOR, ".CodeMirror-code").text

    # and the explorer's button in the sidebar opens its pane on that very query
    browser.find_element(By.CSS_SELECTOR, EXPLORER_BUTTON).click()
    explorer = wait.until(
        shown.visibility_of_element_located((By.CSS_SELECTOR, ".graphiql-explorer-root"))
    )
    wait.until(lambda _: explorer.find_elements(By.ID, "query-UserPage"))
    assert "transactions" in explorer.text

    # and the example runs as it stands, once signed in
    sign_in(browser, live_server)
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    wait.until(shown.text_to_be_present_in_element((By.CSS_SELECTOR, RESULT), '"users"'))
    assert '"errors"' not in browser.find_element(By.CSS_SELECTOR, RESULT).text
    assert_only_own_files_and_no_errors(browser, live_server)


def open_graphiql(browser: Any, live_server: LiveServer) -> Any:
    """The page's query editor, once GraphiQL has rendered it (else the console says why)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get(f"{live_server.url}/graphql")
    try:
        return WebDriverWait(browser, PAGE_LOAD_SECONDS).until(
            shown.element_to_be_clickable((By.CSS_SELECTOR, EDITOR))
        )
    except TimeoutException:
        pytest.fail(f"GraphiQL did not render; console: {browser.get_log('browser')}")


def sign_in(browser: Any, live_server: LiveServer) -> None:
    """The operator's bearer token in GraphiQL's Headers editor, as a user pastes it there."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.wait import WebDriverWait

    browser.find_element(By.CSS_SELECTOR, HEADERS_TAB).click()
    headers = WebDriverWait(browser, PAGE_LOAD_SECONDS).until(
        shown.visibility_of_element_located((By.CSS_SELECTOR, OPEN_TOOL))
    )
    signed_in = json.dumps(bearer(live_server.token))
    browser.execute_script("arguments[0].CodeMirror.setValue(arguments[1])", headers, signed_in)


def assert_only_own_files_and_no_errors(browser: Any, live_server: LiveServer) -> None:
    """Every file came from the app, the explorer's build among them, and the console
    holds no error and no Content-Security-Policy violation."""
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    for name in ("graphiql.min.js", "graphiql-plugin-explorer.umd.js"):
        assert any(url.endswith(f"/graphiql/vendor/{name}") for url in loaded), loaded
    assert all(url.startswith(live_server.url + "/") for url in loaded), loaded
    console = [entry for entry in browser.get_log("browser") if FAVICON not in entry["message"]]
    assert not [entry for entry in console if "Content Security Policy" in entry["message"]], (
        console
    )
    assert not [entry for entry in console if entry["level"] == "SEVERE"], console
