"""A PostgreSQL cluster of our own (initdb + pg_ctl on loopback) that a test may restart.

initdb and pg_ctl refuse to run as root, so as root they run as `postgres`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def available() -> bool:
    return (BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


class ThrowawayCluster:
    def __init__(self, port: int, *settings: str) -> None:
        """`settings`: server settings (`name=value`) beyond the defaults, such as ones
        only read at start (`shared_preload_libraries`)."""
        self.port = port
        self.settings = settings
        self.directory = Path(tempfile.mkdtemp(prefix="mwallet-pg-"))
        self.data = self.directory / "data"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        command: Sequence[str] = [str(BIN / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Not a pipe: the server pg_ctl starts would inherit it and hold it open.
        with open(self.directory / f"{program}.out", "ab") as output:
            subprocess.run(command, check=True, stdout=output, stderr=output, timeout=60)

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.pg_ctl("start")

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += "".join(f" -c {setting}" for setting in self.settings)
        log = str(self.directory / "server.log")
        self.run("pg_ctl", action, "-D", str(self.data), "-w", "-l", log, "-o", options, *extra)

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def remove(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
