"""createApiClient, rotateApiClientSecret and revokeApiClient: staff manage partners.

A secret is shown once, in the answer that made it; the database keeps its argon2 hash.
Rotating or revoking ends the client's tokens at once, and closes the sockets signed in
with them on every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.actors import Actor
from domain.credentials import new_token
from domain.errors import NotAllowed, found
from domain.phrases import N_
from domain.policy import require_staff
from domain.scopes import MAX_CLIENT_NAME, require_scopes, scope_text
from domain.validation import parse_id, require_text
from persistence.models import ApiClientRow
from resolvers.accounts.end_sessions import announce_ended
from resolvers.accounts.passwords import hashed
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

NO_SUCH_CLIENT = N_("No such API client.")
REVOKED = N_("This API client is revoked for good; create a new one.")


@dataclass(frozen=True)
class ClientSecret:
    """A client and its secret, told once."""

    client: ApiClientRow
    secret: str


async def create_api_client(
    deps: Deps, actor: Actor | None, *, name: str, scopes: Sequence[str]
) -> ClientSecret:
    staff = require_staff(actor)
    name = require_text(name, "name", MAX_CLIENT_NAME)
    granted = require_scopes(scopes)
    secret = new_token()
    row = ApiClientRow(
        name=name,
        scopes=scope_text(granted),
        secret_hash=await hashed(secret),
        created_at=deps.now(),
        created_by_id=staff.user_id,
    )
    async with UnitOfWork(deps) as uow:
        await uow.api_clients.add(row)
        await uow.commit()
    return ClientSecret(row, secret)


async def rotate_api_client_secret(deps: Deps, actor: Actor | None, *, id: str) -> ClientSecret:
    """A new secret; the old one and every token it got stop working now."""
    require_staff(actor)
    key = parse_id(id, "id")
    secret = new_token()
    secret_hash = await hashed(secret)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = found(await uow.api_clients.get(key), NO_SUCH_CLIENT)
        if row.revoked_at is not None:
            raise NotAllowed(REVOKED)
        row.secret_hash = secret_hash
        row.secret_rotated_at = now
        announce_ended(uow, await uow.api_clients.revoke_tokens(key, now))
        await uow.commit()
    return ClientSecret(row, secret)


async def revoke_api_client(deps: Deps, actor: Actor | None, *, id: str) -> ApiClientRow:
    """For good: the client gets no token again, and its tokens stop working now.
    Revoking again changes nothing."""
    require_staff(actor)
    key = parse_id(id, "id")
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = found(await uow.api_clients.get(key), NO_SUCH_CLIENT)
        if row.revoked_at is None:
            row.revoked_at = now
            announce_ended(uow, await uow.api_clients.revoke_tokens(key, now))
            await uow.webhooks.disable_owned_by(key, now, "The API client was revoked.")
            await uow.commit()
    return row
