"""The waitlist: who waits for which time, in line, and the offers made to them."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from persistence.models.base import Base
from persistence.types import UTCDateTime


class WaitlistEntryRow(Base):
    """A patient's place in line for a practitioner (or any of a service) in a window of
    days and times of day. At most one entry of a user holds an open offer (the index)."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index("ix_waitlist_entries_line", "state", "position", "id"),
        Index("ix_waitlist_entries_user", "user_id", "state"),
        Index("ix_waitlist_entries_offer", "offer_id"),
        Index(
            "uq_waitlist_entries_one_offer",
            "user_id",
            unique=True,
            sqlite_where=text("state = 'OFFERED'"),
            postgresql_where=text("state = 'OFFERED'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    #: None: any practitioner offering the service.
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    from_date: Mapped[date] = mapped_column(Date)
    until_date: Mapped[date] = mapped_column(Date)
    #: Times of day in the clinic's zone: a slot starting in [earliest, latest).
    earliest: Mapped[time] = mapped_column(Time)
    latest: Mapped[time] = mapped_column(Time)
    #: Place in line, lowest first (then the id); staff reorder by renumbering the line.
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    #: The hold offered, while state is OFFERED (and kept after, to say what was booked).
    offer_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WaitlistPassRow(Base):
    """A time an entry was offered and let go (declined or lapsed): never offered it again."""

    __tablename__ = "waitlist_passes"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("waitlist_entries.id", ondelete="CASCADE"), primary_key=True
    )
    practitioner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
