"""What tests share: the database under test, GraphQL calls, and real server processes."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select, text
from websockets.exceptions import ConnectionClosed

from persistence.database import Database
from persistence.models import Base, OutboxRow

ROOT = Path(__file__).resolve().parent.parent


def database_url(tmp_dir: Path) -> str:
    """DATABASE_URL when set (PostgreSQL in CI), else a fresh SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_dir / 'portal-test.db'}"


def broadcast_url() -> str:
    return os.environ.get("BROADCAST_URL") or "memory://"


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def on_redis() -> bool:
    return broadcast_url().startswith("redis")


async def wipe(database: Database) -> None:
    """Empty every table, keeping the schema and its constraints."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with database.engine.begin() as conn:
        if database.is_sqlite:
            for name in tables:
                await conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


async def unsent_emails(database: Database) -> list[OutboxRow]:
    """Outbox rows not yet sent. A row is marked sent only after the SMTP server accepted
    it, so when none is left every email queued so far has been delivered."""
    async with database.reader() as session:
        query = select(OutboxRow).where(OutboxRow.sent_at.is_(None)).order_by(OutboxRow.id)
        return list((await session.execute(query)).scalars())


async def emails_on_their_way(database: Database) -> int:
    """Outbox rows a sender will deliver any moment: never tried yet, or claimed now.
    (A failed one waits out its backoff; a wipe may take it.)"""
    async with database.reader() as session:
        query = (
            select(func.count())
            .select_from(OutboxRow)
            .where(
                OutboxRow.sent_at.is_(None),
                (OutboxRow.attempts == 0) | (OutboxRow.claimed_until > datetime.now(UTC)),
            )
        )
        return int((await session.execute(query)).scalar_one())


async def settle_outbox(database: Database, timeout: float = 5.0) -> None:
    """Before a wipe: let the last test's emails arrive, so none lands in the next test's
    mailbox. Gives up quietly after `timeout` (a sender killed mid-send holds its claim)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while await emails_on_their_way(database):
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.02)


class GraphQLError(AssertionError):
    pass


@dataclass
class GraphQL:
    """Posts operations to /graphql, in process or to a real server."""

    client: httpx.AsyncClient

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of an operation that must not fail with a GraphQL error."""
        body = await self.raw(query, variables, token)
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body["data"]


_households = itertools.count(1)


def household() -> str:
    """An address of its own for a browser, as a patient at home has (from the range kept
    for benchmarks, 198.18.0.0/15): holds and budgets are counted per address, and the
    test servers believe X-Forwarded-For from 127.0.0.1, so pages of different tests do
    not share one network's allowance."""
    n = next(_households)
    return f"198.18.{n // 250}.{n % 250 + 1}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """A real `portal serve` (uvicorn) in its own process."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        demo: bool = False,
        stdout: Path | None = None,
        args: tuple[str, ...] = (),
        port: int | None = None,
    ) -> None:
        """`demo` loads the demo data as `portal serve` does by default; `stdout` keeps
        what the process prints apart from its log (stderr)."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        self._log = open(log_path, "wb")  # noqa: SIM115
        self._stdout = open(stdout, "wb") if stdout else None  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "portal.cli", "serve", "--port", str(self.port)),
                *(() if demo else ("--no-demo",)),
                *args,
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self._stdout or self._log,
            stderr=self._log if self._stdout else subprocess.STDOUT,
        )
        self.log_path = log_path

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    async def subscriptions_started(self) -> int:
        async with httpx.AsyncClient(base_url=self.url) as client:
            return await subscriptions_started(client)

    async def wait_subscriptions_started(self, count: int, timeout: float = 10.0) -> None:
        """Wait until the process has subscribed `count` subscriptions at its broadcaster
        since it started, for clients the test does not drive itself (a page, a script)."""

        async def reached() -> bool:
            return await self.subscriptions_started() >= count

        await eventually(reached, timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._close_files()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self._close_files()

    def _close_files(self) -> None:
        self._log.close()
        if self._stdout:
            self._stdout.close()


async def subscriptions_started(client: httpx.AsyncClient) -> int:
    """How many subscriptions the server process has subscribed at its broadcaster since
    it started (its /health); the figure only rises."""
    response = await client.get("/health")
    assert response.status_code == 200, response.text
    return int(response.json()["subscriptionsStarted"])


async def eventually(check: Any, timeout: float = 5.0, interval: float = 0.05) -> Any:
    """Poll an async check until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        await asyncio.sleep(interval)


class LiveSocket:
    """A graphql-transport-ws client over a real websocket, for subscription tests."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.token = token
        self._ids = iter(range(1, 10**6))
        self.ws: Any = None
        parts = urlsplit(url)
        self.server_url = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
        self._early: deque[dict[str, Any]] = deque()

    async def __aenter__(self) -> LiveSocket:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        payload = {"authorization": f"Bearer {self.token}"} if self.token else {}
        await self.send({"type": "connection_init", "payload": payload})
        ack = await self.receive(timeout=10)
        if ack.get("type") != "connection_ack":
            raise AssertionError(f"no connection_ack: {ack}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def send(self, message: dict[str, Any]) -> None:
        import json

        await self.ws.send(json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message other than keep-alive pings."""
        if self._early:
            return self._early.popleft()
        return await self._receive(timeout)

    async def _receive(self, timeout: float) -> dict[str, Any]:
        import json

        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            if message.get("type") == "pong":
                continue
            return message

    async def subscribe(
        self, query: str, variables: dict[str, Any] | None = None, timeout: float = 10.0
    ) -> str:
        """Start a subscription and return once the server has subscribed it at its
        broadcaster (its count of started subscriptions rose), so that whatever happens
        next reaches it — or once the server answered it instead (a refusal, an error),
        which `receive` then returns first. Subscribe one at a time per server."""
        async with httpx.AsyncClient(base_url=self.server_url) as server:
            before = await subscriptions_started(server)
            op_id = str(next(self._ids))
            await self.send(
                {
                    "id": op_id,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
            deadline = asyncio.get_running_loop().time() + timeout
            while await subscriptions_started(server) <= before:
                if any(m.get("id") == op_id for m in self._early):
                    return op_id
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"the server did not subscribe {op_id} in {timeout}s")
                try:
                    self._early.append(await self._receive(timeout=0.01))
                except TimeoutError:
                    continue
                except ConnectionClosed:
                    return op_id  # the server closed the socket instead: `receive` says so
        return op_id

    async def next_data(self, timeout: float = 5.0) -> dict[str, Any]:
        """The data of the next `next` message; fails on an error or completion."""
        message = await self.receive(timeout)
        if message.get("type") != "next" or message["payload"].get("errors"):
            raise AssertionError(f"expected data, got {message}")
        return message["payload"]["data"]

    async def silent_for(self, seconds: float) -> bool:
        """True when nothing arrives for that long: only for tests whose subject is time
        itself (a time limit that must not end a subscription), never to hope for quiet."""
        try:
            message = await self.receive(timeout=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"expected silence, got {message}")

    def answered(self) -> bool:
        """Whether a message has already arrived that `receive` will return."""
        return bool(self._early)
