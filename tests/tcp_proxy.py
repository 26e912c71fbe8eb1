"""A loopback TCP proxy that a test can start, stop and cut, to play a database that
is down, comes back, or drops every connection at once."""

from __future__ import annotations

import asyncio
import contextlib
import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TcpProxy:
    def __init__(self, target_port: int, port: int | None = None) -> None:
        self.target_port = target_port
        self.port = port or free_port()
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.link, "127.0.0.1", self.port)

    async def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        self.cut()

    def cut(self) -> None:
        """Drop every open connection, as a database restart or a killed backend does."""
        for writer in list(self.links):
            writer.transport.abort()
        self.links.clear()

    async def link(self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            server_reader, server = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client.transport.abort()
            return
        self.links |= {client, server}
        await asyncio.gather(pipe(client_reader, server), pipe(server_reader, client))
        self.links -= {client, server}


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    writer.transport.abort()
