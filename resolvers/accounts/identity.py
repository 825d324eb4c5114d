"""Who a bearer token belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actors import NO_USER, Actor, ClientKind, UserKind
from domain.credentials import token_digest
from domain.errors import NotAllowed
from domain.phrases import N_
from domain.scopes import scopes_of
from persistence.models import UserRow
from resolvers.accounts.session_checks import note_use
from resolvers.clients.grant_token import CLIENT_TOKEN_PREFIX
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

BEARER = "bearer "
SIGNED_OUT = N_("Your session ended; sign in again.")


@dataclass(frozen=True)
class Identity:
    """The user (or API client) behind a request and the rules' view of them. An API
    client has no user row: `user` is None, and `me` answers null."""

    user: UserRow | None
    actor: Actor


def bearer_token(header: str | None) -> str | None:
    if not header or not header.lower().startswith(BEARER):
        return None
    return header[len(BEARER) :].strip() or None


async def identify(deps: Deps, token: str | None) -> Identity | None:
    """The signed-in user (or API client) for a token, or None for a missing, revoked or
    expired one."""
    if not token:
        return None
    digest = token_digest(token)
    if token.startswith(CLIENT_TOKEN_PREFIX):
        return await _client(deps, digest)
    async with UnitOfWork(deps, write=False) as uow:
        found = await uow.users.for_token(digest, deps.now())
    if found is None:
        return None
    note_use(deps, digest)
    user, patient_ids = found
    actor = Actor(
        user_id=user.id,
        kind=UserKind(user.kind),
        patient_ids=patient_ids,
        practitioner_id=user.practitioner_id,
    )
    return Identity(user, actor)


async def current_actor(deps: Deps, token: str | None) -> Actor:
    """The user behind a long-lived socket's token as they are now; NotAllowed once the
    session has ended (signed out, revoked, expired, or the user disabled)."""
    identity = await identify(deps, token)
    if identity is None:
        raise NotAllowed(SIGNED_OUT)
    return identity.actor


async def _client(deps: Deps, digest: str) -> Identity | None:
    """An API client's token: live while neither it nor its client is revoked, and not
    expired. Its actor is no user (`NO_USER`), of kind API_CLIENT, with the token's scopes."""
    async with UnitOfWork(deps, write=False) as uow:
        found = await uow.api_clients.for_token(digest, deps.now())
    if found is None:
        return None
    client, token = found
    actor = Actor(
        user_id=NO_USER,
        kind=ClientKind.API_CLIENT,
        scopes=scopes_of(token.scopes),
        client_id=client.id,
    )
    return Identity(None, actor)
