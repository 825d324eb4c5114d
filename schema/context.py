"""The per-request context: services, the signed-in identity and fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from strawberry.types import Info as StrawberryInfo

from domain.actors import Actor
from resolvers.auth import Identity
from resolvers.queries import clinic
from resolvers.services import Services
from schema.loaders import Loaders


@dataclass
class Context:
    services: Services
    identity: Identity | None
    token: str | None
    loaders: Loaders
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    _zone: ZoneInfo | None = field(default=None, repr=False)

    @property
    def actor(self) -> Actor | None:
        return self.identity.actor if self.identity else None

    async def zone(self) -> ZoneInfo:
        """The clinic's time zone, read once per request."""
        if self._zone is None:
            self._zone = ZoneInfo((await clinic(self.services)).time_zone)
        return self._zone

    async def local(self, instant: datetime | None) -> datetime | None:
        """An instant as the clinic shows it: its own UTC offset at that moment."""
        return None if instant is None else instant.astimezone(await self.zone())

    def fresh_loaders(self) -> None:
        self.loaders = Loaders(self.services.database)


Info = StrawberryInfo[Context, None]
