"""Websockets end with their sign-in session.

Each process keeps a registry of its open sockets by the SHA-256 digest of the token they
signed in with. A session that ends anywhere (logout, password change or reset, another
device ending it, a disabled user) is announced on the hub's sessions channel, and every
process closes the matching sockets with code 4401. Expiry needs no announcement: the
registry knows when each socket's session expires and a one-second tick closes it then
(both done by workers, `portal/workers/socket_sessions.py`).
Announcements are best-effort, so after every (re)subscription to the channel and every
half minute each process also asks the database which of its sockets' sessions are still
live and closes the rest; a subscribe on a socket whose session ended is refused the same
way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol, cast

from strawberry import Schema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from domain.credentials import token_digest
from domain.socket_limits import TOO_MANY_SOCKETS_CODE, TOO_MANY_SOCKETS_REASON, SocketLimits
from domain.throttling import address_subject
from portal.live.shared_feeds import Done, FeedKey, Next, RunAlone, SharedFeeds
from resolvers.accounts.session_checks import session_expiry
from resolvers.deps import Deps
from schema.guards.budget import charge_shared

log = logging.getLogger(__name__)

#: The close code a client acts on by signing in again (graphql-ws's "Unauthorized").
SESSION_ENDED_CODE = 4401
SESSION_ENDED_REASON = "Session ended; sign in again"
CLOSE_SECONDS = 5.0


class SessionSocket(Protocol):
    digest: str | None

    async def end_session(self) -> None: ...


class SocketRegistry:
    """This process's open, signed-in sockets, by token digest, with their expiry."""

    def __init__(self) -> None:
        self._by_digest: dict[str, set[SessionSocket]] = {}
        self._expires: dict[SessionSocket, datetime] = {}

    def add(self, digest: str, socket: SessionSocket) -> None:
        self._by_digest.setdefault(digest, set()).add(socket)

    def set_expiry(self, socket: SessionSocket, expires_at: datetime) -> None:
        self._expires[socket] = expires_at

    def remove(self, digest: str, socket: SessionSocket) -> None:
        members = self._by_digest.get(digest)
        if members is not None:
            members.discard(socket)
            if not members:
                del self._by_digest[digest]
        self._expires.pop(socket, None)

    def digests(self) -> set[str]:
        return set(self._by_digest)

    def __len__(self) -> int:
        return sum(len(members) for members in self._by_digest.values())

    async def end(self, digests: Iterable[str]) -> int:
        """Close every socket signed in with one of these digests."""
        doomed = [s for d in digests for s in self._by_digest.get(d, ())]
        for socket in doomed:
            await socket.end_session()
        return len(doomed)

    async def end_expired(self, now: datetime) -> int:
        doomed = [s for s, expires in self._expires.items() if expires <= now]
        for socket in doomed:
            await socket.end_session()
        return len(doomed)


class SessionBoundHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """graphql-transport-ws, with the socket registered under its session while open."""

    digest: str | None = None
    _ended = False
    _caller: str | None = None

    @property
    def _deps(self) -> Deps:
        return self.context.deps

    @property
    def _registry(self) -> SocketRegistry:
        return self.view.sockets  # type: ignore[attr-defined]

    @property
    def _limits(self) -> SocketLimits:
        return self.view.socket_limits  # type: ignore[attr-defined]

    async def handle(self) -> None:
        """Serve the socket, unless its address already holds as many as it may."""
        address = address_subject(self.context.client_address)
        if not self._limits.addresses.admit(address):
            await self._refuse_one_too_many()
            return
        try:
            await super().handle()
        finally:
            self._limits.addresses.release(address)
            if self._caller is not None:
                self._limits.callers.release(self._caller)
            if self.digest is not None:
                self._registry.remove(self.digest, self)

    async def _refuse_one_too_many(self) -> None:
        with contextlib.suppress(Exception):  # the client may have gone already
            await self.websocket.close(code=TOO_MANY_SOCKETS_CODE, reason=TOO_MANY_SOCKETS_REASON)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if not await self._admit_caller():
            return
        token = getattr(self.context, "token", None)
        if not self.connection_acknowledged or not token or self.digest is not None:
            return
        # Registered before the session is read again, so an end announced meanwhile
        # is not missed.
        self.digest = token_digest(token)
        self._registry.add(self.digest, self)
        expires_at = await session_expiry(self._deps, self.digest)
        if expires_at is None:
            await self.end_session()
        else:
            self._registry.set_expiry(self, expires_at)

    async def _admit_caller(self) -> bool:
        """Count the signed-in user (or API client) the socket is for; close it when they
        already hold as many as they may. Anonymous sockets count per address only."""
        actor = self.context.actor
        if not self.connection_acknowledged or actor is None or self._caller is not None:
            return True
        caller = f"client:{actor.client_id}" if actor.is_client else f"user:{actor.user_id}"
        if not self._limits.callers.admit(caller):
            await self._refuse_one_too_many()
            return False
        self._caller = caller
        return True

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.digest is not None and (
            self._ended or await session_expiry(self._deps, self.digest) is None
        ):
            await self.end_session()
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Any, None]) -> None:
        """A subscription every socket would answer alike joins this process's shared
        feed for it (`portal.live.shared_feeds`); anything else runs for this socket."""
        feeds: SharedFeeds = self.view.feeds  # type: ignore[attr-defined]
        key = feeds.key_for(
            operation.query,
            operation.variables,
            operation.operation_name,
            getattr(self.context, "actor", None),
        )
        if key is None or not await self._follow_feed(feeds, key, operation):
            await super().run_operation(operation)

    async def _follow_feed(
        self, feeds: SharedFeeds, key: FeedKey, operation: Operation[Any, None]
    ) -> bool:
        """Relay the feed's events to this socket under the operation's id; False when
        the feed hands the operation back to run alone."""
        prefix = f'{{"id":{json.dumps(operation.id)},"type":"next","payload":'
        refusal = await charge_shared(
            self.context,
            cast("Schema", self.schema)._schema,
            operation.query,
            operation.operation_name,
            operation.variables,
        )
        if refusal is not None:
            # Refused as any operation that cannot start: its errors, then its end.
            payload = {"data": None, "errors": [refusal.formatted]}
            await self.websocket.ws.send_text(prefix + json.dumps(payload) + "}")  # type: ignore[attr-defined]
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
            return True
        try:
            async with feeds.join(key) as member:
                async for item in member.items():
                    if isinstance(item, RunAlone):
                        return False
                    if isinstance(item, Next):
                        await self.websocket.ws.send_text(prefix + item.payload + "}")  # type: ignore[attr-defined]
                    elif isinstance(item, Done) and item.error:
                        await operation.send_operation_message(
                            {
                                "id": operation.id,
                                "type": "error",
                                "payload": [{"message": item.error}],
                            }
                        )
                    else:
                        await operation.send_operation_message(
                            {"id": operation.id, "type": "complete"}
                        )
        except Exception:  # the socket went away; its handler cleans up
            log.debug("A shared feed's socket stopped relaying", exc_info=True)
        return True

    async def end_session(self) -> None:
        """Stop every operation, then close the socket with 4401."""
        if self._ended:
            return
        self._ended = True
        if self.digest is not None:
            self._registry.remove(self.digest, self)
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self.websocket.close(code=SESSION_ENDED_CODE, reason=SESSION_ENDED_REASON),
                CLOSE_SECONDS,
            )
