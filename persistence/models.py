"""SQLAlchemy 2 models of the clinic's diary and its online users."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from persistence.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ClinicRow(Base):
    """The clinic and its settings: one row, id 1."""

    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    hold_minutes: Mapped[int] = mapped_column(Integer, default=5)
    max_live_holds: Mapped[int] = mapped_column(Integer, default=2)
    max_live_holds_per_address: Mapped[int] = mapped_column(Integer, default=6)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=True)
    patient_cancel_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    booking_horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    minimum_notice_minutes: Mapped[int] = mapped_column(Integer, default=120)
    rejection_email_includes_reason: Mapped[bool] = mapped_column(Boolean, default=True)
    notification_email: Mapped[str | None] = mapped_column(String(254))
    invitation_days: Mapped[int] = mapped_column(Integer, default=14)


class LocationRow(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class ServiceRow(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    bookable_online: Mapped[bool] = mapped_column(Boolean, default=True)


practitioner_services = Table(
    "practitioner_services",
    Base.metadata,
    Column("practitioner_id", ForeignKey("practitioners.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class PractitionerRow(Base):
    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    online_access: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionSeriesRow(Base):
    """A recurring availability session; times are wall-clock times in the clinic's zone."""

    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    available_online: Mapped[bool] = mapped_column(Boolean, default=True)


class PatientRow(Base):
    __tablename__ = "patients"
    __table_args__ = (
        # Keyset paging (persistence/keyset.py): patients by name, registrations by age.
        Index("ix_patients_provisional_name", "provisional", "name", "id"),
        Index("ix_patients_provisional_created", "provisional", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=True)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


class AppointmentRow(Base):
    """A diary entry. Live ones of a practitioner never overlap (see the migration)."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("created_by_id", "client_key", name="uq_appointments_client_key"),
        Index("ix_appointments_practitioner_start", "practitioner_id", "start_at"),
        Index("ix_appointments_status_hold", "status", "hold_expires_at"),
        Index("ix_appointments_hold_origin", "hold_origin"),
        # Keyset paging: appointments by start, pending requests by age.
        Index("ix_appointments_start", "start_at", "id"),
        Index("ix_appointments_status_created", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    patient_response: Mapped[str] = mapped_column(String(24), default="NONE")
    created_online: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_key: Mapped[str | None] = mapped_column(String(100))
    #: A hold's client address as a keyed digest (domain.throttling.hold_origin).
    hold_origin: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """An email waiting to be sent, written in the same transaction as the change it tells of."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


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


class WebhookEndpointRow(Base):
    """Where a partner wants events sent, and the secret their signatures use. Owned by
    an API client (`owner_client_id`) or, when that is None, by the clinic's staff."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    #: The subscribed event types, comma-separated (no type has a comma).
    events: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100))
    #: The secret before the last rotation, still signing until it expires.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    #: The first failed attempt since the last success: three days of that disables it.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def event_types(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class WebhookDeliveryRow(Base):
    """One event for one endpoint: written with the change it tells of, sent later, and
    the log of how sending went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    #: Standard Webhooks' `webhook-id`: the same for every attempt and a redelivery.
    message_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
