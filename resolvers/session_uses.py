"""When sessions were last used, noted cheaply beside each request and written in batches
by the portal's last-used worker. One per `Deps`, so each app notes and writes its own."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

#: `lastUsedAt` is at most this stale: a session in use is noted once per interval per
#: process, and the notes are written together by one task.
LAST_USED_GRANULARITY = timedelta(minutes=5)
_MEMO_LIMIT = 10_000


class SessionUses:
    """When this process last noted each session's use, and the notes not yet written."""

    def __init__(self) -> None:
        self.noted: dict[str, datetime] = {}
        self.pending: set[str] = set()
        #: Set while notes wait to be written.
        self.waiting = asyncio.Event()

    def note(self, digest: str, now: datetime) -> None:
        """Note a use now, unless this process did so lately."""
        last = self.noted.get(digest)
        if last is not None and now - last < LAST_USED_GRANULARITY:
            return
        if len(self.noted) >= _MEMO_LIMIT:
            self.noted.clear()
        self.noted[digest] = now
        self.pending.add(digest)
        self.waiting.set()

    def take(self) -> set[str]:
        """The notes not yet written, handed over once."""
        digests, self.pending = self.pending, set()
        self.waiting.clear()
        return digests
