"""Bearer tokens: issued at sign-in, kept only as their SHA-256 digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.credentials import new_token, token_digest
from persistence.models import AuthTokenRow
from resolvers.unit_of_work import UnitOfWork

TOKEN_LIFETIME = timedelta(days=30)


def issue_token(uow: UnitOfWork, user_id: int, now: datetime) -> str:
    token = new_token()
    uow.users.add_token(
        AuthTokenRow(
            user_id=user_id,
            token_digest=token_digest(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    return token
