"""What every use case is handed: the database, the hub, settings and the clock.

Named `Deps` so it is never mistaken for the clinic's services (massage, assessment …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from persistence.database import Database
from portal.settings import Settings
from subscriptions.hub import Hub


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    database: Database
    hub: Hub
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()
