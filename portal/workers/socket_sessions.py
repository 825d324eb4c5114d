"""The socket-session workers: close this process's sockets whose sign-in session ended
(as announced on the hub, and re-checked against the database) or expired."""

from __future__ import annotations

import asyncio
import logging

from portal.live.live_sessions import SocketRegistry
from portal.workers.worker import WorkerDeps
from resolvers.accounts.session_checks import live_digests
from resolvers.deps import Deps
from subscriptions.events import SESSIONS_CHANNEL, SessionsEnded
from subscriptions.hub import SubscriptionEnded

log = logging.getLogger(__name__)

EXPIRY_TICK_SECONDS = 1.0
RECHECK_SECONDS = 30.0
RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 5.0


async def recheck(deps: Deps, registry: SocketRegistry) -> int:
    """Close the sockets whose sessions the database no longer holds live."""
    open_digests = registry.digests()
    if not open_digests:
        return 0
    ended = open_digests - await live_digests(deps, open_digests)
    return await registry.end(ended)


async def _follow_announcements(deps: Deps, registry: SocketRegistry) -> None:
    async with deps.hub.listen([SESSIONS_CHANNEL]) as subscriber:
        # Anything announced while this process was not listening is caught here.
        await recheck(deps, registry)
        async for message in subscriber:
            await registry.end(SessionsEnded.from_json(message.message).token_digests)


async def follow_ended_sessions(deps: Deps, registry: SocketRegistry) -> None:
    """Close sockets whose session was ended on any process, as it is announced."""
    pause = RETRY_SECONDS
    while True:
        started = asyncio.get_running_loop().time()
        try:
            await _follow_announcements(deps, registry)
        except asyncio.CancelledError:
            raise
        except SubscriptionEnded as ended:
            log.warning("Listening for ended sessions stopped (%s); listening again", ended)
        except Exception:
            log.exception("Listening for ended sessions failed; listening again")
        if asyncio.get_running_loop().time() - started > MAX_RETRY_SECONDS:
            pause = RETRY_SECONDS  # it had been listening: not a run of failures
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_RETRY_SECONDS)


async def close_expired_sessions(deps: Deps, registry: SocketRegistry) -> None:
    """Close sockets at their session's expiry; every half minute, re-check them all."""
    ticks_per_recheck = max(1, round(RECHECK_SECONDS / EXPIRY_TICK_SECONDS))
    tick = 0
    while True:
        tick += 1
        try:
            await registry.end_expired(deps.now())
            if tick % ticks_per_recheck == 0:
                await recheck(deps, registry)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Checking open sockets' sessions failed; trying again")
        await asyncio.sleep(EXPIRY_TICK_SECONDS)


async def follow_ends(around: WorkerDeps) -> None:
    await follow_ended_sessions(around.deps, around.sockets)


async def close_expired(around: WorkerDeps) -> None:
    await close_expired_sessions(around.deps, around.sockets)
