"""The image's own commands, run as the Dockerfile writes them, without Docker.

The final stage is rebuilt in a temporary directory: its `COPY`s into WORKDIR, its
`pip install .` (offline, into a directory of its own), its ENV plus the compose app
service's environment. Then its CMD runs against a fresh PostgreSQL database, on a free
port, with `mwallet-gql` and `python` seeing only what the install put there, never this
checkout: a package the install leaves out fails here as it would in the image. Its
HEALTHCHECK then runs against the live server, and SIGTERM must stop it cleanly.
Not covered: the GraphiQL build stage (npm), the `mwallet` user, the base image.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from gql_server.auth.secret import SECRET_FILE
from tests.conftest import (
    OPERATOR_ID,
    add_operator,
    bearer,
    operator_token_for_servers,
    require_postgres,
)
from tests.process.image import (
    ROOT,
    Healthcheck,
    Instruction,
    compose,
    environment,
    final_stage,
    healthcheck,
    image_command,
    last,
    seconds,
)
from tests.process.test_server_process import free_port

STARTUP_SECONDS = 15
# python:3.11-slim has neither: a healthcheck calling them fails in the image, not here
MISSING_FROM_THE_BASE_IMAGE = {"curl", "wget"}


def run_admin(url: str, statement: str) -> None:
    async def run() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database of this test's own on TEST_DATABASE_URL's server, dropped after."""
    admin = require_postgres()
    name = f"{make_url(admin).database}_container_{uuid.uuid4().hex[:8]}"
    run_admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        run_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dockerignored(patterns: list[str]) -> Callable[[str, list[str]], set[str]]:
    """The .dockerignore patterns this repository uses (names and `**/name`)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).resolve().relative_to(ROOT)
        return {
            name
            for name in names
            for pattern in patterns
            if fnmatch.fnmatch(str(relative / name), pattern.removeprefix("**/"))
            or (pattern.startswith("**/") and fnmatch.fnmatch(name, pattern[3:]))
        }

    return ignore


def copy_into(image: Path, stage: list[Instruction]) -> Path:
    """The stage's `COPY`s from the build context into `image`; its WORKDIR there."""
    workdir = image / (last(stage, "WORKDIR") or Instruction("WORKDIR", "/")).arguments.lstrip("/")
    workdir.mkdir(parents=True, exist_ok=True)
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignore = dockerignored([line.strip() for line in lines if line.strip()])
    for instruction in stage:
        if instruction.keyword != "COPY" or "--from=" in instruction.arguments:
            continue  # a build stage's output (GraphiQL's assets): not rebuilt here
        *sources, destination = [w for w in shlex.split(instruction.arguments) if w[:2] != "--"]
        target = workdir / destination if not destination.startswith("/") else image / destination
        for source in sources:
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(path, target, ignore=ignore, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target / path.name)
    return workdir


def install(workdir: Path, stage: list[Instruction], into: Path) -> Path:
    """The stage's `pip install .`, offline, into `into`; a `bin` of `python` and
    `mwallet-gql` that import from there and from the dependencies, not this checkout."""
    runs = [i.arguments for i in stage if i.keyword == "RUN"]
    assert any(run.startswith("pip install . ") for run in runs), runs
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    built = subprocess.run(
        [*pip, "--target", str(into / "site"), "."], cwd=workdir, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    dependencies = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    path = os.pathsep.join([str(into / "site"), *sorted(dependencies)])
    bin_dir = into / "bin"
    bin_dir.mkdir()
    script = into / "site" / "bin" / "mwallet-gql"  # the console script pip wrote
    # -S: no .pth files, so no editable install of this checkout can answer an import
    shims = {
        "python": f'PYTHONPATH={shlex.quote(path)} exec {shlex.quote(sys.executable)} -S "$@"',
        "mwallet-gql": f'exec python {shlex.quote(str(script))} "$@"',
    }
    for name, body in shims.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def container_environment(
    stage: list[Instruction], bin_dir: Path, database: str, port: int
) -> dict[str, str]:
    """The image's ENV and the compose app service's, as a container starts with: the
    database URL in compose's form, pointed at `database`; the port moved to a free one."""
    env = {**environment(stage), **compose()["services"]["app"]["environment"]}
    fresh = make_url(database)
    env["DATABASE_URL"] = (
        make_url(env["DATABASE_URL"])
        .set(host=fresh.host, port=fresh.port, username=fresh.username)
        .set(password=fresh.password, database=fresh.database)
        .render_as_string(hide_password=False)
    )
    env["MWALLET_PORT"] = str(port)
    env["PATH"] = os.pathsep.join([str(bin_dir), os.environ.get("PATH", os.defpath)])
    return env


def on_port(check: Healthcheck, image_port: str, port: int) -> list[str]:
    """The healthcheck as written, aimed at `port` instead of the image's."""
    moved = [word.replace(f":{image_port}/", f":{port}/") for word in check.command]
    assert moved != check.command, f"the healthcheck does not check port {image_port}"
    return moved


def run_check(command: list[str], check: Healthcheck, env: dict[str, str]) -> int:
    timeout = seconds(check.options.get("timeout", "30s"))
    return subprocess.run(command, env=env, timeout=timeout, capture_output=True).returncode


def wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the image's command did not serve /health:\n{log.read_text()}")


def test_the_image_command_migrates_serves_and_passes_its_healthcheck(
    tmp_path: Path, fresh_database: str
) -> None:
    stage = final_stage()
    check = healthcheck(stage)
    assert check is not None, "the image has no HEALTHCHECK"
    words = {word for part in check.command for word in part.split()}
    assert not MISSING_FROM_THE_BASE_IMAGE & words, check.command
    workdir = copy_into(tmp_path / "image", stage)
    bin_dir = install(workdir, stage, tmp_path / "installed")
    port = free_port()
    env = container_environment(stage, bin_dir, fresh_database, port)
    health_command = on_port(check, environment(stage)["MWALLET_PORT"], port)
    log = tmp_path / "container.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            image_command(stage),
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process, log)
        # the suite's operator, signed with the key the server generated in its WORKDIR
        # (compose sets none): the migrated users table holds the operator alone
        asyncio.run(add_operator(fresh_database))
        token = operator_token_for_servers((workdir / SECRET_FILE).read_text().strip())
        migrated = httpx.post(
            f"{base}/graphql",
            json={"query": "{ users { id } }"},
            headers=bearer(token),
        ).json()
        assert migrated == {"data": {"users": [{"id": str(OPERATOR_ID)}]}}, migrated

        assert run_check(health_command, check, env) == 0, "the HEALTHCHECK fails"

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0, log.read_text()
        assert run_check(health_command, check, env) != 0, "the HEALTHCHECK passes when down"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
