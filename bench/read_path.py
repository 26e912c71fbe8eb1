"""Where a planned request's CPU goes: its reads through SQLAlchemy, or everything else.

Usage: `python -m bench.read_path [--database-url URL] [--rounds N]` (it seeds the
database first). In-process: the ASGI app is called directly (no HTTP, no load tool),
one request at a time, as the seeded operator; CPU per request, best of `--rounds`.

Each workload runs twice on the fast path: as served, then with every read
replayed from memory (the rows the same statement and parameters returned on a
first pass). The difference is what the reads cost the server (on a connection
kept open between requests): SQLAlchemy's execution and row processing, asyncpg,
the event loop.
Then the statements of one request of each workload run again on one held
connection: through SQLAlchemy's `Connection` in a greenlet (as the loaders read
before their reads moved to the driver), on the driver path the loaders take now
(`loaders/driver_reads.py`: SQL compiled once, asyncpg prepared statements, rows
built by us) and as bare asyncpg prepared statements with the same SQL and
parameters: the differences are what SQLAlchemy's execution, and what our driver
path, add to that workload (W1's is one single-row read).
Last, a connection's checkout in autocommit and return, as each request does.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from unittest import mock

import orjson
import uvloop
from sqlalchemy import ClauseElement, Dialect, Executable
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn
from starlette.applications import Starlette

from bench import workloads
from bench.identity import Identity, serving_settings
from bench.seed import DEFAULT_URL, OPERATOR_ID, seed
from bench.workloads import Workload, body_of
from gql_server.http.app import create_app
from loaders import AnyRow
from loaders.driver_reads import fetch_on_driver
from loaders.reads import Parameters, Reads, RequestReads
from models import Role
from tests.apps import post_in_process

OPERATOR = Identity(Role.OPERATOR)

Call = Callable[[bytes], Awaitable[bytes]]


class ReplayedReads:
    """`Reads` that answer from `answers` what was read before, and read the rest."""

    def __init__(self, reads: RequestReads, answers: dict[Any, Sequence[AnyRow]]) -> None:
        self.reads = reads
        self.answers = answers

    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        key = (id(stmt), orjson.dumps(parameters or {}, default=str))
        rows = self.answers.get(key)
        if rows is None:
            rows = self.answers[key] = await self.reads.fetch(stmt, parameters)
        return rows

    async def release(self) -> None:
        await self.reads.release()

    async def before_write(self) -> None:
        await self.reads.before_write()


class RecordedReads(RequestReads):
    """`RequestReads` that also note every statement and its parameters in `seen`."""

    def __init__(self, engine: AsyncEngine, seen: list[tuple[Executable, Parameters]]) -> None:
        super().__init__(engine)
        self.seen = seen

    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        self.seen.append((stmt, parameters))
        return await super().fetch(stmt, parameters)


@asynccontextmanager
async def running_app(url: str) -> AsyncIterator[tuple[Starlette, Call]]:
    """The app with its lifespan started, and a way to POST one body to /graphql as
    the operator.

    The app is called as an ASGI callable, not through an HTTP client, so the CPU
    measured is the server's alone.
    """
    app = create_app(serving_settings(url))
    token = OPERATOR.bearer(OPERATOR_ID)

    async def call(body: bytes) -> bytes:
        status, answer = await post_in_process(app, body, token=token)
        assert status == 200, status
        return answer

    async with app.router.lifespan_context(app):
        yield app, call


async def best_seconds(step: Callable[[int], Awaitable[object]], repeat: int, rounds: int) -> float:
    """CPU seconds per `step(n)`, over `repeat` steps; the best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for n in range(repeat):
            await step(n)
        best = min(best, (time.process_time() - start) / repeat)
    return best


@contextmanager
def fast_path_reading(make: Callable[[AsyncEngine], Reads]) -> Iterator[None]:
    """Requests on the fast path read through `make(engine)`, not their `RequestReads`."""

    def reads(engine: AsyncEngine, kept: object) -> Reads:
        return make(engine)

    with mock.patch("gql_server.http.request_loaders.RequestReads", reads):
        yield


async def workload_costs(url: str, workload: Workload, rounds: int) -> tuple[float, float]:
    """CPU ms per request as served, and with its reads replayed from memory."""
    bodies = [orjson.dumps(body_of(line)) for line in workload.graphql]
    requests = max(len(bodies), 3000 // max(workload.objects, 1), 30)
    async with running_app(url) as (_, call):
        for body in bodies[:50]:
            answer = await call(body)  # parsed, validated and vetted for the fast path
            assert b'"errors"' not in answer, answer[:500]

        def request(n: int) -> Awaitable[bytes]:
            return call(bodies[n % len(bodies)])

        served = await best_seconds(request, requests, rounds)
        answers: dict[Any, Sequence[AnyRow]] = {}
        with fast_path_reading(lambda engine: ReplayedReads(RequestReads(engine), answers)):
            for body in bodies:
                await call(body)  # the first pass reads, later ones replay
            assert answers, f"{workload.name} was not served on the fast path"
            replayed = await best_seconds(request, requests, rounds)
    return served * 1000, replayed * 1000


async def checkout_us(url: str, rounds: int, repeat: int = 3000) -> float:
    """CPU µs to check a connection out in autocommit and give it back, as `RequestReads`
    does; on the app's engine, after its start-up (the server's pool and collector)."""
    async with running_app(url) as (app, _):
        engine = app.state.engine.sync_engine

        def take_and_return() -> None:
            taken = engine.connect()
            taken.execution_options(isolation_level="AUTOCOMMIT")
            taken.close()

        return 1e6 * await best_seconds(lambda _: greenlet_spawn(take_and_return), repeat, rounds)


def bound(compiled: SQLCompiler, dialect: Dialect, name: str, value: Any) -> Any:
    """`value` as the driver takes it, converted by its type as SQLAlchemy would (the
    viewer's role, an enum, is sent as its name)."""
    processor = compiled.binds[name].type.bind_processor(dialect)
    return value if processor is None else processor(value)


async def statements_us(
    url: str, workload: Workload, rounds: int
) -> tuple[int, float, float, float]:
    """One request's statements, run again on one held connection: CPU µs for all of
    them through SQLAlchemy's execution, on our driver path, and as bare asyncpg
    prepared statements with the same SQL and parameters; best of `rounds`."""
    body = orjson.dumps(body_of(workload.graphql[0]))
    seen: list[tuple[Executable, Parameters]] = []
    async with running_app(url) as (app, call):
        await call(body)  # vetted for the fast path
        engine = app.state.engine

        with fast_path_reading(lambda engine: RecordedReads(engine, seen)):
            await call(body)
        assert seen, f"{workload.name} was not served on the fast path"
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            held = connection.sync_connection
            assert held is not None
            driver = (await connection.get_raw_connection()).driver_connection
            prepared = []
            for stmt, parameters in seen:
                assert isinstance(stmt, ClauseElement)
                compiled = stmt.compile(dialect=engine.dialect)
                assert isinstance(compiled, SQLCompiler)
                given = {**compiled.params, **(parameters or {})}
                values = [
                    bound(compiled, engine.dialect, name, given[name])
                    for name in compiled.positiontup or ()
                ]
                prepared.append((await driver.prepare(str(compiled)), values))

            def read(stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
                return held.execute(stmt, parameters).all()

            async def through_sqlalchemy() -> None:
                for stmt, parameters in seen:
                    await greenlet_spawn(read, stmt, parameters)

            async def on_the_driver_path() -> None:
                for stmt, parameters in seen:
                    await fetch_on_driver(held, stmt, parameters)

            async def through_asyncpg() -> None:
                for statement, values in prepared:
                    await statement.fetch(*values)

            sqlalchemy = await best_seconds(lambda _: through_sqlalchemy(), 300, rounds)
            ours = await best_seconds(lambda _: on_the_driver_path(), 300, rounds)
            driver_only = await best_seconds(lambda _: through_asyncpg(), 300, rounds)
    return len(seen), sqlalchemy * 1e6, ours * 1e6, driver_only * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/read_path", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seed(args.database_url)
    loads = [
        workloads.point(OPERATOR),
        workloads.nested(10, OPERATOR),
        workloads.nested(100, OPERATOR),
        workloads.reverse(OPERATOR),
    ]
    print("| workload | CPU ms as served | reads replayed | the reads | share |")
    print("|---|--:|--:|--:|--:|")
    for workload in loads:
        served, replayed = uvloop.run(workload_costs(args.database_url, workload, args.rounds))
        reads = served - replayed
        print(
            f"| {workload.name} | {served:.3f} | {replayed:.3f} | {reads:.3f} "
            f"| {100 * reads / served:.0f} % |"
        )
    print()
    print(
        "| workload | statements | through SQLAlchemy µs | on our driver path µs "
        "| bare asyncpg µs | ours - bare |"
    )
    print("|---|--:|--:|--:|--:|--:|")
    for workload in loads:
        count, sqlalchemy, ours, bare = uvloop.run(
            statements_us(args.database_url, workload, args.rounds)
        )
        print(
            f"| {workload.name} | {count} | {sqlalchemy:.0f} | {ours:.0f} | {bare:.0f} "
            f"| {ours - bare:.0f} |"
        )
    print()
    micros = uvloop.run(checkout_us(args.database_url, args.rounds))
    print(f"- connection checkout, autocommit, return: {micros:.0f} µs")


if __name__ == "__main__":
    main()
