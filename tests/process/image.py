"""The Dockerfile and docker-compose.yml as data, for tests that cannot run Docker.

Only the subset of the Dockerfile syntax these files use is read: comments, line
continuations, stages (`FROM`), and the exec and shell forms of commands.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
VARIABLE = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[-?])([^}]*))?\}|(\w+))")
DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$")
SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass(frozen=True)
class Healthcheck:
    command: list[str]
    options: dict[str, str]


def instructions(text: str) -> list[Instruction]:
    """Logical lines: comments dropped, lines ending in a backslash joined to the next."""
    result: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        if line.strip().startswith("#") or (not line.strip() and pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical = (pending + line).strip()
        pending = ""
        if logical:
            keyword, _, arguments = logical.partition(" ")
            result.append(Instruction(keyword.upper(), arguments.strip()))
    return result


def final_stage(text: str | None = None) -> list[Instruction]:
    """The instructions after the last `FROM`: the image that runs."""
    found = instructions(DOCKERFILE.read_text() if text is None else text)
    starts = [index for index, instruction in enumerate(found) if instruction.keyword == "FROM"]
    return found[starts[-1] + 1 :]


def as_command(arguments: str) -> list[str]:
    """Exec form (a JSON array) as written; shell form as Docker runs it."""
    if arguments.startswith("["):
        command: list[str] = json.loads(arguments)
        return command
    return ["/bin/sh", "-c", arguments]


def last(stage: list[Instruction], keyword: str) -> Instruction | None:
    return next((i for i in reversed(stage) if i.keyword == keyword), None)


def image_command(stage: list[Instruction]) -> list[str]:
    """What the container runs: ENTRYPOINT, then CMD as its arguments (exec form)."""
    entrypoint, cmd = last(stage, "ENTRYPOINT"), last(stage, "CMD")
    if entrypoint is not None and not entrypoint.arguments.startswith("["):
        return as_command(entrypoint.arguments)  # a shell-form ENTRYPOINT ignores CMD
    return [
        *(as_command(entrypoint.arguments) if entrypoint else []),
        *(as_command(cmd.arguments) if cmd else []),
    ]


def healthcheck(stage: list[Instruction]) -> Healthcheck | None:
    found = last(stage, "HEALTHCHECK")
    if found is None or found.arguments.upper() == "NONE":
        return None
    match = re.fullmatch(r"((?:--[\w-]+=\S+\s+)*)CMD\s+(.+)", found.arguments, re.DOTALL)
    assert match, f"unreadable HEALTHCHECK: {found.arguments}"
    options = dict(option[2:].split("=", 1) for option in match.group(1).split())
    return Healthcheck(as_command(match.group(2)), options)


def environment(stage: list[Instruction]) -> dict[str, str]:
    """The image's ENV, in both the `KEY=value ...` and the `KEY value` forms."""
    result: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword != "ENV":
            continue
        words = shlex.split(instruction.arguments)
        if "=" in words[0]:
            for word in words:
                key, _, value = word.partition("=")
                result[key] = value
        else:
            key, _, value = instruction.arguments.partition(" ")
            result[key] = value.strip()
    return result


def seconds(duration: str) -> float:
    """A Docker/Compose duration (`1m30s`, `500ms`) in seconds."""
    assert DURATION.match(duration), duration
    return sum(
        float(amount) * SECONDS[unit] for amount, unit in re.findall(r"([\d.]+)([a-z]+)", duration)
    )


def compose(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """docker-compose.yml as Compose reads it: its variables taken from `env` (by default
    this process's environment, as `docker compose` takes them from the shell)."""
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    interpolated: dict[str, Any] = interpolate(loaded, os.environ if env is None else env)
    return interpolated


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Every string in `value` with `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
    `${VAR:?error}`, `${VAR?error}` and `$$` replaced as Compose does; a `?` variable that is
    missing raises ValueError, as Compose refuses to start."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replaced(match: re.Match[str]) -> str:
        escaped, braced, operator, argument, bare = match.groups()
        if escaped:
            return "$"
        name = braced or bare
        found = env.get(name)
        missing = found is None or (found == "" and operator is not None and ":" in operator)
        if missing and operator is not None and operator.endswith("-"):
            return str(argument)
        if missing and operator is not None and operator.endswith("?"):
            raise ValueError(f"{name}: {argument}")
        return found or ""

    return VARIABLE.sub(replaced, value)


def container_port(published: str | int | dict[str, Any]) -> int:
    """The container side of a `ports` entry: `[ip:][host:]container[/protocol]` or long form."""
    if isinstance(published, dict):
        return int(published["target"])
    return int(str(published).split(":")[-1].split("/")[0])
