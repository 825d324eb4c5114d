"""Checks of user input that need no database."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def normalize_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput(f"'{value}' is not an email address.", field)
    return email


def require_text(value: str | None, field: str, max_length: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field} must not be empty.", field)
    if len(text) > max_length:
        raise InvalidInput(f"{field} must be at most {max_length} characters.", field)
    return text


def optional_text(value: str | None, field: str, max_length: int = 2000) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_length:
        raise InvalidInput(f"{field} must be at most {max_length} characters.", field)
    return text or None


def parse_time_zone(name: str, field: str = "timeZone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"'{name}' is not a known time zone.", field) from None


def parse_clock(value: str, field: str) -> time:
    """'HH:MM' in the clinic's time, as staff type it."""
    match = _CLOCK.match(value.strip())
    if not match:
        raise InvalidInput(f"'{value}' is not a time of day (HH:MM).", field)
    return time(int(match.group(1)), int(match.group(2)))


def require_weekday(value: int, field: str = "weekday") -> int:
    if not 1 <= value <= 7:
        raise InvalidInput("weekday is an ISO weekday: 1 (Monday) to 7 (Sunday).", field)
    return value


def require_range(
    start: datetime, end: datetime, field: str = "to", max_days: int | None = None
) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("Times need a UTC offset.", field)
    if end <= start:
        raise InvalidInput("The end must come after the start.", field)
    if max_days is not None and (end - start).days > max_days:
        raise InvalidInput(f"A range may span at most {max_days} days.", field)


def require_positive(value: int, field: str, maximum: int) -> int:
    if not 1 <= value <= maximum:
        raise InvalidInput(f"{field} must be between 1 and {maximum}.", field)
    return value


def require_not_negative(value: int, field: str, maximum: int) -> int:
    if not 0 <= value <= maximum:
        raise InvalidInput(f"{field} must be between 0 and {maximum}.", field)
    return value


def require_valid_dates(valid_from: date, valid_until: date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput("validUntil must not be before validFrom.", "validUntil")


def parse_id(value: str, field: str) -> int:
    """Our ids are positive integers in string form; anything else names nothing."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise InvalidInput(f"'{value}' is not an id.", field)
    return int(text)


def require_aware(value: datetime, field: str) -> datetime:
    """An instant must say its UTC offset: a wall time alone names no moment."""
    if value.tzinfo is None:
        raise InvalidInput(f"{field} needs a UTC offset.", field)
    return value
