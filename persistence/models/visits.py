"""Appointments: holds, requests and visits, one row each through their life."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.models.base import Base
from persistence.types import UTCDateTime


class AppointmentRow(Base):
    """A diary entry. Live ones of a practitioner never overlap (see the migration)."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("created_by_id", "client_key", name="uq_appointments_client_key"),
        Index("ix_appointments_practitioner_start", "practitioner_id", "start_at"),
        Index("ix_appointments_status_hold", "status", "hold_expires_at"),
        Index("ix_appointments_hold_origin", "hold_origin"),
        Index("ix_appointments_client_hold", "held_by_client_id", "client_key", unique=True),
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
    #: The API client that placed the hold, when a partner did (kept if it is removed).
    held_by_client_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_key: Mapped[str | None] = mapped_column(String(100))
    #: A hold's client address as a keyed digest (domain.throttling.hold_origin).
    hold_origin: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    #: How often it was moved (the clinic may cap a patient's moves).
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    #: iCalendar SEQUENCE: raised on every change a patient's calendar must follow.
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class AppointmentMoveRow(Base):
    """One move of an appointment: from where to where, who moved it and when."""

    __tablename__ = "appointment_moves"
    __table_args__ = (Index("ix_appointment_moves_appointment", "appointment_id", "moved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    from_practitioner_id: Mapped[int] = mapped_column(Integer)
    from_service_id: Mapped[int] = mapped_column(Integer)
    from_start: Mapped[datetime] = mapped_column(UTCDateTime)
    from_end: Mapped[datetime] = mapped_column(UTCDateTime)
    to_practitioner_id: Mapped[int] = mapped_column(Integer)
    to_service_id: Mapped[int] = mapped_column(Integer)
    to_start: Mapped[datetime] = mapped_column(UTCDateTime)
    to_end: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The API client that moved it, when a partner did (kept if the client is removed).
    moved_by_client_id: Mapped[int | None] = mapped_column(Integer)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The mover's key for the move: a retry with it finds the move done.
    client_key: Mapped[str | None] = mapped_column(String(100))


class VisitLinkRow(Base):
    """A signed, single-use link about a visit, emailed to its patient's user (confirm,
    cancel, accept an offer): works without signing in, once, until it expires. Only its
    nonce is kept (cleared when used), never the link."""

    __tablename__ = "visit_links"
    __table_args__ = (Index("ix_visit_links_appointment", "appointment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderSentRow(Base):
    """A reminder emailed for a visit at its start then: the key makes it once, whichever
    process sends it."""

    __tablename__ = "reminders_sent"

    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    hours: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
