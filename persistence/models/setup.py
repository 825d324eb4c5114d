"""The clinic and its diary: settings, locations, services, practitioners, their online sessions, and patients."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.models.base import Base
from persistence.types import UTCDateTime


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
    #: Told to patients whom a notice window stops from changing a visit online.
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Hours before a visit after which a patient may no longer cancel (0: none).
    cancel_notice_hours: Mapped[int] = mapped_column(Integer, default=0)
    #: Hours before a visit after which a patient may no longer move it (0: none).
    reschedule_notice_hours: Mapped[int] = mapped_column(Integer, default=0)
    #: How often a patient may move one visit online (0: unlimited).
    max_reschedules: Mapped[int] = mapped_column(Integer, default=0)
    #: Whether a booked visit a patient moves waits for staff again.
    moved_visits_need_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How long a waitlist offer (a hold placed for the patient) keeps its time.
    offer_minutes: Mapped[int] = mapped_column(Integer, default=15)
    #: Hours before a visit at which it is reminded of, comma-separated ("" for none).
    reminder_hours: Mapped[str] = mapped_column(String(60), default="48,2")
    #: Free times published for anyone as SMART Scheduling Links (`$bulk-publish`).
    publish_availability: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The language of staff emails, and of anyone who chose none (`domain.language`).
    language: Mapped[str] = mapped_column(String(8), default="en")


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
