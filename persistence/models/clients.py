"""Integration partners' API clients, their tokens and the call log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.models.base import Base
from persistence.types import UTCDateTime


class ApiClientRow(Base):
    """An integration partner's program: its secret only as an argon2 hash."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Space-separated, as OAuth writes scopes.
    scopes: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiClientTokenRow(Base):
    """An access token of an API client, kept only as its SHA-256 digest."""

    __tablename__ = "api_client_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: What this token grants: the client's scopes, or fewer when asked for fewer.
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiClientCallRow(Base):
    """One GraphQL operation an API client ran: no variables, no personal data."""

    __tablename__ = "api_client_calls"
    __table_args__ = (Index("ix_api_client_calls_client_id_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: query, mutation or subscription.
    operation_type: Mapped[str] = mapped_column(String(16))
    #: As the client named it (cut to 100 characters), or None when it named none.
    operation_name: Mapped[str | None] = mapped_column(String(100))
    error_count: Mapped[int] = mapped_column(Integer)
