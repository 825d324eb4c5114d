"""What an appointment was when this transaction first read it, so a change can be told
by where it came from (requested → booked, booked → cancel requested …).

SQLAlchemy's `load` event runs when a session builds an object from a row (a refresh
does not run it). The first state per appointment is kept in the session's `info`, not
on the object: the session holds its objects weakly, and a row a use case changed and
let go of may be gone from it, and read anew, by the time the transaction commits. A
row the transaction made itself has no entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from persistence.models import AppointmentRow

_KEY = "portal_appointments_as_loaded"


@event.listens_for(AppointmentRow, "load")
def _remember(target: AppointmentRow, context: Any) -> None:
    session = getattr(context, "session", None)
    if isinstance(session, Session):
        first: dict[int, tuple[str, str]] = session.info.setdefault(_KEY, {})
        first.setdefault(target.id, (target.status, target.patient_response))


def as_loaded(session: Session, appointment_id: int) -> tuple[str, str] | None:
    """(status, patient response) as first read in this session; None if never read."""
    first: dict[int, tuple[str, str]] = session.info.get(_KEY, {})
    return first.get(appointment_id)
