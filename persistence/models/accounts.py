"""Online users and what signs them in: users and the patients they manage, sessions, invitations, email verification and one-time email links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.models.base import Base
from persistence.types import UTCDateTime

user_patients = Table(
    "user_patients",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("patient_id", ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_patients_patient_id", "patient_id"),
)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set while staff have turned the user's online access off: no sign-in, no session.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The nonce of a pending set-up link (staff and practitioner users choose a password
    #: through it); cleared once used.
    setup_nonce: Mapped[str | None] = mapped_column(String(64))
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the user's private calendar feed URL is signed with; None until they ask for
    #: one, and a new one revokes the old URL.
    calendar_nonce: Mapped[str | None] = mapped_column(String(32))
    #: The language of their emails and pages (`domain.language`); None: the clinic's.
    language: Mapped[str | None] = mapped_column(String(8))


class AuthTokenRow(Base):
    """A bearer token, kept only as its SHA-256 digest."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Refreshed at most every few minutes, so reading it costs no write per request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvitationRow(Base):
    """An invitation for an email to manage a patient. The token is never stored: it is
    an HMAC of the id and nonce under the server secret."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(64))
    #: True when sent to the patient's own email: an email change then makes it stale.
    to_patient_email: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_verification_code: Mapped[bool] = mapped_column(Boolean, default=False)
    verification_code: Mapped[str | None] = mapped_column(String(16))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class EmailVerificationRow(Base):
    """A link sent to prove that a user reads the address they registered with. The token
    is never stored: it is an HMAC of the id and nonce under the server secret. A used
    link (`used_at`) is the proof: the user's email is verified while it is still the
    address the link was sent to."""

    __tablename__ = "email_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    nonce: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailLinkRow(Base):
    """A link emailed to a user (password reset, new email confirmation), kept only as the
    SHA-256 digest of its token; it works once, until it expires."""

    __tablename__ = "email_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: The address an email change confirms (None for a password reset).
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
