"""Live events written in the transaction that caused them, until they are relayed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from persistence.models.base import Base
from persistence.types import UTCDateTime


class EventOutboxRow(Base):
    """An event a committed change causes (a slot taken, a request for the staff panel,
    an appointment changed, sessions ended), waiting to be relayed to the live feeds.
    Deleted once relayed; the feeds' history is the record from then on."""

    __tablename__ = "event_outbox"
    __table_args__ = (
        Index("ix_event_outbox_created", "created_at", "id"),
        Index("ix_event_outbox_event_id", "event_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique across deployments and database resets: relaying twice is recognised by it.
    event_id: Mapped[str] = mapped_column(String(32))
    channels: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
