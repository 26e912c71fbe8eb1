"""docker-compose.yml is valid and wires the API to its database, without Docker.

`compose_spec.json` is the Compose Specification's JSON schema as shipped in the PyPI
package docker-compose 1.29.2 (`compose/config/compose_spec.json`, Apache License 2.0,
https://github.com/compose-spec/compose-spec), kept here so validation needs no network.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from sqlalchemy.engine.url import make_url

from gql_server.settings import Settings
from tests.process.image import (
    COMPOSE_FILE,
    DURATION,
    compose,
    container_port,
    environment,
    final_stage,
    healthcheck,
    interpolate,
    last,
)

SCHEMA = json.loads((Path(__file__).parent / "compose_spec.json").read_text())


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Every way `document` breaks the Compose schema, durations (`2s`) included."""
    assert "draft/2019-09" in SCHEMA["$schema"]  # spelt http://, which jsonschema does not map
    jsonschema.Draft201909Validator.check_schema(SCHEMA)
    formats = jsonschema.FormatChecker()
    formats.checks("duration")(
        lambda value: not isinstance(value, str) or bool(DURATION.match(value))
    )
    validator = jsonschema.Draft201909Validator(SCHEMA, format_checker=formats)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_the_compose_file_follows_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "app", "heathcheck"), {"test": ["CMD", "true"]}),  # a misspelt key
        (("services", "db", "healthcheck", "interval"), "2 seconds"),  # not a duration
        (("services", "app", "depends_on", "db", "condition"), "service_ready"),
    ],
)
def test_the_schema_check_rejects_a_broken_compose_file(path: tuple[str, ...], value: Any) -> None:
    """The check above can fail: the schema is strict about keys, durations and conditions."""
    broken = copy.deepcopy(compose())
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value

    assert schema_errors(broken) != []


def test_the_app_reaches_the_db_service_with_its_credentials() -> None:
    services = compose()["services"]
    url = make_url(services["app"]["environment"]["DATABASE_URL"])
    db = services["db"]["environment"]

    assert url.get_backend_name() == "postgresql"
    assert (url.host, url.port or 5432) == ("db", 5432)
    assert (url.username, url.password, url.database) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        db["POSTGRES_DB"],
    )


def test_the_app_starts_once_the_db_is_healthy_and_both_have_a_healthcheck() -> None:
    """The app migrates on start: it must wait for a database that answers, not one that
    merely started. Its own healthcheck is the image's (`test_container.py` runs it)."""
    services = compose()["services"]

    assert services["app"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["app"]["build"] == "."
    assert healthcheck(final_stage()) is not None


def test_the_app_runs_the_image_command_and_healthcheck_as_tested() -> None:
    """`test_container.py` runs the Dockerfile's command and healthcheck: an override here
    would run something that no test runs."""
    app = compose()["services"]["app"]

    assert {"command", "entrypoint", "healthcheck"} & app.keys() == set()


def test_the_published_port_is_the_one_the_app_serves_and_checks() -> None:
    stage = final_stage()
    image_env = {**environment(stage), **compose()["services"]["app"]["environment"]}
    served = int(image_env["MWALLET_PORT"])
    check = healthcheck(stage)
    exposed = last(stage, "EXPOSE")

    assert [container_port(p) for p in compose()["services"]["app"]["ports"]] == [served]
    assert image_env["MWALLET_HOST"] == "0.0.0.0"  # reachable through the published port
    assert exposed is not None and exposed.arguments.split("/")[0] == str(served)
    assert check is not None and f":{served}/health" in " ".join(check.command)


def test_the_signing_key_comes_from_the_operators_environment_never_from_the_file() -> None:
    """A key written in the file would sign tokens anyone could forge. Unset, the app runs as
    compose starts it (not in production mode) and generates a key of its own."""
    written = yaml.safe_load(COMPOSE_FILE.read_text())["services"]["app"]["environment"]
    secret = "an operator's key of at least thirty-two bytes"

    given = compose({"MWALLET_JWT_SECRET": secret})["services"]["app"]["environment"]
    unset = compose({})["services"]["app"]["environment"]

    assert written["MWALLET_JWT_SECRET"] == "${MWALLET_JWT_SECRET:-}"
    assert Settings.from_env(given).auth.jwt_secret == secret
    settings = Settings.from_env(unset)
    assert settings.auth.jwt_secret is None and not settings.production


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A}/$A/$$A", "a/a/$A"),
        ("${A:-x}|${E:-x}|${E-x}|${U-x}|${U}", "a|x||x|"),
    ],
)
def test_variables_are_read_as_compose_reads_them(text: str, expected: str) -> None:
    assert interpolate({"k": [text]}, {"A": "a", "E": ""}) == {"k": [expected]}


def test_a_required_variable_that_is_missing_is_refused() -> None:
    with pytest.raises(ValueError, match="U: set it"):
        interpolate("${U:?set it}", {})
