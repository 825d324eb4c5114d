"""What an appointment was when this transaction first read it, so a change can be told
by where it came from (requested → booked, booked → cancel requested …).

SQLAlchemy's `load` event runs once per row a session reads (a refresh does not run it),
and the state is kept on that session's object; a row the transaction made itself has
none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from persistence.models import AppointmentRow

_KEY = "_portal_as_loaded"


@event.listens_for(AppointmentRow, "load")
def _remember(target: AppointmentRow, _context: Any) -> None:
    target.__dict__[_KEY] = (target.status, target.patient_response)


def as_loaded(row: AppointmentRow) -> tuple[str, str] | None:
    """(status, patient response) as first read in its session; None for a new row."""
    value = row.__dict__.get(_KEY)
    return None if value is None else (str(value[0]), str(value[1]))
