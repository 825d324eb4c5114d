"""apiClients and apiClientCalls: what staff see of the partners and their calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.actors import Actor
from domain.errors import InvalidInput, found
from domain.phrases import Phrase
from domain.policy import require_staff
from domain.validation import parse_id
from persistence.models import ApiClientCallRow, ApiClientRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_CALLS = 500


@dataclass(frozen=True)
class ClientView:
    client: ApiClientRow
    last_used_at: datetime | None


async def api_clients(deps: Deps, actor: Actor | None) -> list[ClientView]:
    require_staff(actor)
    async with UnitOfWork(deps, write=False) as uow:
        rows = await uow.api_clients.all()
        last = await uow.api_clients.last_calls()
    return [ClientView(row, last.get(row.id)) for row in rows]


async def api_client_calls(
    deps: Deps, actor: Actor | None, *, client_id: str, last: int
) -> Sequence[ApiClientCallRow]:
    """A client's most recent calls, newest first."""
    require_staff(actor)
    key = parse_id(client_id, "clientId")
    if not 1 <= last <= MAX_CALLS:
        raise InvalidInput(
            Phrase("last must be between 1 and {max_calls}.", max_calls=MAX_CALLS), "last"
        )
    async with UnitOfWork(deps, write=False) as uow:
        found(await uow.api_clients.get(key), "No such API client.")
        return await uow.api_clients.calls(key, last)
