"""Fixtures of the api tier: a clock the test moves, clients from given addresses, and a
client of an app built as production builds it."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portal.app import create_app
from portal.settings import Settings
from resolvers.deps import Deps
from tests.support import GraphQL


class Clock:
    """deps.clock for a test: now is where the test puts it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(deps: Deps) -> Iterator[Clock]:
    clock, original = Clock(), deps.clock
    deps.clock = clock
    try:
        yield clock
    finally:
        deps.clock = original


@pytest.fixture
async def from_address(
    app_and_deps: tuple[object, Deps], deps: Deps
) -> AsyncIterator[Callable[[str], GraphQL]]:
    """Clients of the in-process app whose connections come from the given address."""
    async with contextlib.AsyncExitStack() as stack:

        def client(address: str) -> GraphQL:
            transport = httpx.ASGITransport(app=app_and_deps[0], client=(address, 40000))  # type: ignore[arg-type]
            http = httpx.AsyncClient(transport=transport, base_url="http://portal.test")
            stack.push_async_callback(http.aclose)
            return GraphQL(http)

        yield client


@pytest.fixture
async def production_gql(settings: Settings, deps: Deps) -> AsyncIterator[GraphQL]:
    """A client of an app built as production builds it, on the test's database."""
    app = create_app(dataclasses.replace(settings, environment="production"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            yield GraphQL(client)
    # A worker cancelled at shutdown in the middle of a query leaves its connection to
    # the collector, which reports it (an ERROR record) whenever it runs: here, at this
    # app's end, rather than inside whichever test comes next.
    gc.collect()
