"""Visit reminders: the clinic's reminder times, and which reminder is due for a visit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.errors import InvalidInput
from domain.phrases import Phrase

MAX_REMINDERS = 4
MAX_HOURS = 30 * 24


def reminder_hours(stored: str) -> tuple[int, ...]:
    """The clinic's reminder times as kept ("48,2"), earliest reminder first."""
    return tuple(sorted({int(h) for h in stored.split(",") if h.strip()}, reverse=True))


def check_reminder_hours(hours: Sequence[int], field: str = "reminderHours") -> str:
    """As kept: at most four, each 1 to 720 hours before, none twice."""
    if len(hours) > MAX_REMINDERS:
        raise InvalidInput(
            Phrase("At most {max_reminders} reminder times.", max_reminders=MAX_REMINDERS), field
        )
    if any(not 1 <= h <= MAX_HOURS for h in hours):
        raise InvalidInput(
            Phrase("Each reminder is 1 to {max_hours} hours before a visit.", max_hours=MAX_HOURS),
            field,
        )
    if len(set(hours)) != len(hours):
        raise InvalidInput("A reminder time is given twice.", field)
    return ",".join(str(h) for h in sorted(hours, reverse=True))


def due_reminder(
    hours: Sequence[int],
    *,
    start: datetime,
    booked_at: datetime,
    confirmed: bool,
    now: datetime,
) -> int | None:
    """The reminder to send now, by its hours before the visit; None when none is due.

    A reminder is due once its time has come and until the visit begins, for a visit
    booked before its time; of several due, only the latest (a later reminder supersedes
    one whose time passed unsent). The first reminder goes to every booked visit; the
    others not to a visit the patient already confirmed.
    """
    due = [
        h
        for h in hours
        if start - timedelta(hours=h) <= now < start and booked_at <= start - timedelta(hours=h)
    ]
    if not due:
        return None
    latest = min(due)
    if confirmed and latest != max(hours):
        return None
    return latest
