"""What the websocket side asks of sessions: is a token's session live, until when, and
which of many still are. Also when a session was last used, noted cheaply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

#: `lastUsedAt` is at most this stale: a session in use is noted once per interval per
#: process, and the notes are written together, by one task, once a second at most.
LAST_USED_GRANULARITY = timedelta(minutes=5)
LAST_USED_FLUSH_SECONDS = 1.0
#: The name of the task that writes them, beside the requests.
LAST_USED_TASK = "last-used"
_MEMO_LIMIT = 10_000

log = logging.getLogger(__name__)


class _LastUse:
    """When this process last noted each session's use, and the notes not yet written."""

    def __init__(self) -> None:
        self.noted: dict[str, datetime] = {}
        self.pending: set[str] = set()
        self.writer: asyncio.Task[None] | None = None


_last_use = _LastUse()


async def session_expiry(deps: Deps, digest: str) -> datetime | None:
    """When the live session with this token digest expires; None when it is not live."""
    async with UnitOfWork(deps, write=False) as uow:
        row = await uow.sessions.live_by_digest(digest, deps.now())
        if row is None:
            return await uow.api_clients.live_token_expiry(digest, deps.now())
    return row.expires_at


async def live_digests(deps: Deps, digests: Collection[str]) -> set[str]:
    """Which of these token digests still belong to live sessions."""
    if not digests:
        return set()
    async with UnitOfWork(deps, write=False) as uow:
        live = await uow.sessions.live_digests(digests, deps.now())
        if len(live) < len(digests):
            live |= await uow.api_clients.live_digests(set(digests) - live, deps.now())
        return live


def note_use(deps: Deps, digest: str) -> None:
    """Note, beside the request, that a session was used now, unless this process did so
    lately. The request neither waits for the write nor holds a connection for it."""
    now = deps.now()
    last = _last_use.noted.get(digest)
    if last is not None and now - last < LAST_USED_GRANULARITY:
        return
    if len(_last_use.noted) >= _MEMO_LIMIT:
        _last_use.noted.clear()
    _last_use.noted[digest] = now
    _last_use.pending.add(digest)
    if _last_use.writer is None or _last_use.writer.done():
        _last_use.writer = asyncio.create_task(_write_uses(deps), name=LAST_USED_TASK)


async def _write_uses(deps: Deps) -> None:
    """Write the pending notes, a batch a second, until none are left."""
    while _last_use.pending:
        await asyncio.sleep(LAST_USED_FLUSH_SECONDS)
        digests, _last_use.pending = _last_use.pending, set()
        try:
            async with UnitOfWork(deps) as uow:
                await uow.sessions.mark_used(digests, deps.now())
                await uow.commit()
        except Exception:
            log.warning("Could not note when %d sessions were last used", len(digests))
