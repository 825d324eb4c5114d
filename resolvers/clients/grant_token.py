"""The client-credentials grant's use cases: who asks (counted before the secret is
checked), and the token once the protocol (Authlib, at `portal.http.oauth_token`) said yes.

Each token request that names a client counts as a failure against that client id and
the address before its secret is checked, as sign-in does; a success clears the client's
tally and takes its own count back from the address's. It also counts toward the
client's token requests, successful or not, which bound how fast even a client with the
right secret may have tokens made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.credentials import new_token, token_digest, verify_password
from domain.errors import NotAllowed
from domain.scopes import scope_text, scopes_of
from domain.throttling import (
    CLIENT_AUTH_PER_ADDRESS,
    CLIENT_AUTH_PER_CLIENT,
    TOKEN_REQUESTS_PER_CLIENT,
    Charge,
)
from domain.validation import id_value
from persistence.models import ApiClientTokenRow
from resolvers.attempts import limit, per_address
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

#: Every API client token starts so, which tells the token lookup which table to ask.
CLIENT_TOKEN_PREFIX = "pc_"
#: A claimed client id is kept to this many characters as a tally's subject.
MAX_SUBJECT = 64


@dataclass(frozen=True)
class Claimant:
    """A live client as its token request is checked: its id as the request wrote it."""

    id: int
    client_id: str
    secret_hash: str
    scopes: frozenset[str]

    def check_secret(self, secret: str) -> bool:
        """argon2: call it off the event loop."""
        return verify_password(self.secret_hash, secret)


@dataclass(frozen=True)
class Attempt:
    """What a token request counted, to settle once it succeeded."""

    client: Charge
    address: Charge


async def count_attempt(deps: Deps, client_id: str, client_address: str | None) -> Attempt:
    """Count the attempt, or TooManyAttempts when the client id or address must wait:
    before the secret is checked, so a refused request costs no argon2 check. Every
    request also counts toward the client's token requests, which a success does not
    clear."""
    subject = client_id[:MAX_SUBJECT]
    attempt = Attempt(
        Charge(CLIENT_AUTH_PER_CLIENT, subject),
        per_address(CLIENT_AUTH_PER_ADDRESS, client_address),
    )
    await limit(deps, attempt.client, attempt.address, Charge(TOKEN_REQUESTS_PER_CLIENT, subject))
    return attempt


async def claimant(deps: Deps, client_id: str) -> Claimant | None:
    """The live client a token request names; None for an unknown, malformed or revoked id."""
    key = id_value(client_id)
    if key is None:
        return None
    async with UnitOfWork(deps, write=False) as uow:
        row = await uow.api_clients.get(key)
    if row is None or row.revoked_at is not None:
        return None
    return Claimant(row.id, client_id, row.secret_hash, scopes_of(row.scopes))


def new_client_token() -> str:
    return CLIENT_TOKEN_PREFIX + new_token()


async def save_client_token(
    deps: Deps, client: Claimant, token: str, scopes: frozenset[str], attempt: Attempt
) -> None:
    """Store the token's digest, unless the client was revoked or its secret rotated
    since its secret was checked (NotAllowed): a rotation ends every token, this one too."""
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await uow.api_clients.get(client.id)
        if row is None or row.revoked_at is not None or row.secret_hash != client.secret_hash:
            raise NotAllowed("The client's secret changed; ask again with the new one.")
        uow.api_clients.add_token(
            ApiClientTokenRow(
                client_id=client.id,
                token_digest=token_digest(token),
                scopes=scope_text(scopes),
                created_at=now,
                expires_at=now + timedelta(seconds=deps.settings.client_token_seconds),
            )
        )
        await uow.commit()
    await deps.attempts.clear(attempt.client)
    await deps.attempts.refund(attempt.address)
