"""The per-request context: dependencies, the signed-in identity and fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from strawberry.types import Info as StrawberryInfo

from domain.actors import Actor
from domain.language import accepted_language, chosen_language
from persistence.models import ClinicRow
from resolvers.accounts.identity import Identity
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic
from schema.core.loaders import Loaders


@dataclass
class Context:
    deps: Deps
    identity: Identity | None
    token: str | None
    loaders: Loaders
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    #: The client's address: the peer, or what a trusted proxy says it forwarded for.
    client_address: str | None = None
    #: The Problems this request's fields answered (their type names), for the metrics.
    problems: list[str] = field(default_factory=list)
    _zone: ZoneInfo | None = field(default=None, repr=False)
    _language: str | None = field(default=None, repr=False)
    _clinic: ClinicRow | None = field(default=None, repr=False)

    @property
    def actor(self) -> Actor | None:
        return self.identity.actor if self.identity else None

    async def clinic(self) -> ClinicRow:
        """The clinic and its settings, read once per request."""
        if self._clinic is None:
            self._clinic = await clinic(self.deps)
        return self._clinic

    async def zone(self) -> ZoneInfo:
        """The clinic's time zone, read once per request."""
        if self._zone is None:
            self._zone = ZoneInfo((await self.clinic()).time_zone)
        return self._zone

    def asked_language(self) -> str | None:
        """The language the request's `Accept-Language` prefers among the clinic's."""
        headers = getattr(self.request, "headers", None)
        return accepted_language(headers.get("accept-language") if headers else None)

    async def language(self) -> str:
        """The language of this caller's words: the first their `Accept-Language` asks
        for that the clinic speaks, else their own setting, else the clinic's."""
        if self._language is None:
            asked = self.asked_language()
            user = self.identity.user if self.identity else None
            own = user.language if user is not None else None
            clinic_language = None if asked or own else (await self.clinic()).language
            self._language = chosen_language(asked, own, clinic_language)
        return self._language

    async def local(self, instant: datetime) -> datetime:
        """An instant as the clinic shows it: its own UTC offset at that moment."""
        return instant.astimezone(await self.zone())

    async def local_or_none(self, instant: datetime | None) -> datetime | None:
        return None if instant is None else await self.local(instant)

    def fresh_loaders(self) -> None:
        """A socket's context lives as long as the socket: each event reads afresh."""
        self.loaders = Loaders(self.deps.database)
        self._clinic = self._zone = None


Info = StrawberryInfo[Context, None]
