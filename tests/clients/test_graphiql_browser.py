"""GraphiQL in a real browser (Debian's Chromium, headless) against the server
process: the page loads only the app's own files, a typed query runs and its
result shows in the result pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.clients.conftest import LiveServer
from tests.conftest import operation

QUERY = "{ users(limit: 5) { email } }"
PAGE_LOAD_SECONDS = 30


def test_graphiql_runs_a_typed_query_with_only_the_apps_own_files(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.wait import WebDriverWait

    # given: a user to find
    variables = {"input": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}}
    created = httpx.post(
        f"{live_server.url}/graphql",
        json={"query": operation("CreateUser"), "variables": variables},
    ).json()
    assert created["data"]["result"]["__typename"] == "User"
    wait = WebDriverWait(browser, PAGE_LOAD_SECONDS)

    # when: the query is typed into the editor and run
    browser.get(f"{live_server.url}/graphql")
    editor = wait.until(
        shown.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-query-editor .CodeMirror"))
    )
    editor.click()
    editor_input = editor.find_element(By.CSS_SELECTOR, "textarea")
    editor_input.send_keys(Keys.CONTROL, "a")
    editor_input.send_keys(Keys.DELETE)
    editor_input.send_keys(QUERY)
    typed = browser.execute_script("return arguments[0].CodeMirror.getValue()", editor)
    assert typed == QUERY
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()

    # then: the result pane shows the user
    result_pane = (By.CSS_SELECTOR, ".result-window .CodeMirror-code")
    wait.until(shown.text_to_be_present_in_element(result_pane, "ada@example.com"))
    assert '"email": "ada@example.com"' in browser.find_element(*result_pane).text
    screenshot = tmp_path / "graphiql.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 0

    # and every file the page loaded came from the app itself, with no policy violation
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    assert any(url.endswith("/graphiql/vendor/graphiql.min.js") for url in loaded)
    assert all(url.startswith(live_server.url + "/") for url in loaded), loaded
    console = [entry["message"] for entry in browser.get_log("browser")]
    assert not [line for line in console if "Content Security Policy" in line], console
