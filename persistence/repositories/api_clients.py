"""API clients, their access tokens (by SHA-256 digest) and the calls they made."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import ApiClientCallRow, ApiClientRow, ApiClientTokenRow
from persistence.repositories.sessions import CHUNK


class ApiClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, row: ApiClientRow) -> ApiClientRow:
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, client_id: int) -> ApiClientRow | None:
        return await self._session.get(ApiClientRow, client_id)

    async def all(self) -> Sequence[ApiClientRow]:
        query = select(ApiClientRow).order_by(ApiClientRow.id)
        return (await self._session.execute(query)).scalars().all()

    async def last_calls(self) -> dict[int, datetime]:
        """When each client last called (from the call log, so a call costs no update)."""
        query = select(ApiClientCallRow.client_id, func.max(ApiClientCallRow.at)).group_by(
            ApiClientCallRow.client_id
        )
        return {client_id: at for client_id, at in (await self._session.execute(query)).all()}

    def add_token(self, row: ApiClientTokenRow) -> None:
        self._session.add(row)

    async def for_token(
        self, digest: str, now: datetime
    ) -> tuple[ApiClientRow, ApiClientTokenRow] | None:
        """The client and token of a live token: neither revoked, the token not expired."""
        query = (
            select(ApiClientRow, ApiClientTokenRow)
            .join(ApiClientTokenRow, ApiClientTokenRow.client_id == ApiClientRow.id)
            .where(
                ApiClientTokenRow.token_digest == digest,
                ApiClientTokenRow.revoked_at.is_(None),
                ApiClientTokenRow.expires_at > now,
                ApiClientRow.revoked_at.is_(None),
            )
        )
        found = (await self._session.execute(query)).one_or_none()
        return (found[0], found[1]) if found else None

    async def revoke_tokens(self, client_id: int, now: datetime) -> list[str]:
        """Revoke the client's tokens; the digests of those still live until now."""
        result = await self._session.execute(
            update(ApiClientTokenRow)
            .where(ApiClientTokenRow.client_id == client_id, ApiClientTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(ApiClientTokenRow.token_digest)
            .execution_options(synchronize_session=False)
        )
        return list(result.scalars())

    async def live_token_expiry(self, digest: str, now: datetime) -> datetime | None:
        found = await self.for_token(digest, now)
        return found[1].expires_at if found else None

    async def live_digests(self, digests: Collection[str], now: datetime) -> set[str]:
        """Which of these digests are live client tokens (few sockets use one)."""
        wanted = sorted(digests)
        live: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            query = (
                select(ApiClientTokenRow.token_digest)
                .join(ApiClientRow, ApiClientRow.id == ApiClientTokenRow.client_id)
                .where(
                    ApiClientTokenRow.token_digest.in_(wanted[start : start + CHUNK]),
                    ApiClientTokenRow.revoked_at.is_(None),
                    ApiClientTokenRow.expires_at > now,
                    ApiClientRow.revoked_at.is_(None),
                )
            )
            live.update((await self._session.execute(query)).scalars())
        return live

    def add_call(self, row: ApiClientCallRow) -> None:
        self._session.add(row)

    async def calls(self, client_id: int, last: int) -> Sequence[ApiClientCallRow]:
        """The client's `last` calls, newest first."""
        query = (
            select(ApiClientCallRow)
            .where(ApiClientCallRow.client_id == client_id)
            .order_by(ApiClientCallRow.at.desc(), ApiClientCallRow.id.desc())
            .limit(last)
        )
        return (await self._session.execute(query)).scalars().all()
