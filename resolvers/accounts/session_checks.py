"""What the websocket side asks of sessions: is a token's session live, until when, and
which of many still are. Also when a session was last used, noted cheaply and written
in batches."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


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
    lately. The request neither waits for the write nor holds a connection for it: the
    portal's last-used worker writes the notes (`write_uses`)."""
    deps.session_uses.note(digest, deps.now())


async def write_uses(deps: Deps) -> int:
    """Write the sessions' uses noted since the last call, in one transaction; how many."""
    digests = deps.session_uses.take()
    if not digests:
        return 0
    try:
        async with UnitOfWork(deps) as uow:
            await uow.sessions.mark_used(digests, deps.now())
            await uow.commit()
    except Exception:
        log.warning("Could not note when %d sessions were last used", len(digests))
    return len(digests)
