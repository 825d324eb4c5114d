"""What every use case is handed: the database, the hub, settings (what use cases read of
them, `resolvers/settings.py`), the clock, the attempt tallies and the cost budgets.

Named `Deps` so it is never mistaken for the clinic's services (massage, assessment …).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from limits.aio.storage import MemoryStorage

from persistence.attempts import AttemptStore, MemoryAttempts
from persistence.budgets import CostBudgets
from persistence.database import Database
from persistence.read_cache import ReadCache
from resolvers.facts import Facts
from resolvers.session_uses import SessionUses
from resolvers.settings import UseCaseSettings
from subscriptions.hub import Hub


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: UseCaseSettings
    database: Database
    hub: Hub
    clock: Callable[[], datetime] = field(default=utc_now)
    attempts: AttemptStore = field(default_factory=MemoryAttempts)
    #: Set when this process committed webhook deliveries, so its sender wakes at once.
    webhooks_written: asyncio.Event = field(default_factory=asyncio.Event)
    #: Set when this process committed a freed time or a waitlist change, so its
    #: waitlist worker looks for offers at once.
    waitlist_wake: asyncio.Event = field(default_factory=asyncio.Event)

    #: Cost budgets per minute; the app puts them in Redis beside a Redis broadcaster.
    budgets: CostBudgets = field(default_factory=lambda: CostBudgets(MemoryStorage()))
    #: Reads kept in this process while it hears every other's changes.
    reads: ReadCache = field(default_factory=ReadCache)
    #: Staged live events this process relayed, for the relay worker to forget.
    relayed_events: set[str] = field(default_factory=set)
    #: Sessions' uses noted beside requests, written by the portal's last-used worker.
    session_uses: SessionUses = field(default_factory=SessionUses)
    #: What happened, counted for the metrics (`resolvers/facts.py`).
    facts: Facts = field(default_factory=Facts)

    def now(self) -> datetime:
        return self.clock()
