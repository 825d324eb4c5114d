"""Checks of user input that need no database.

Nothing a client sends may surprise the database or the arithmetic after it: text carries
no control characters (NUL above all, which PostgreSQL refuses), ids fit the integer
columns, and dates and times lie within years a clinic can mean.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInput
from domain.phrases import N_, Phrase

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_ID = re.compile(r"[1-9][0-9]{0,9}")
_ZONE = re.compile(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*")

#: The largest value of the integer columns ids are stored in (PostgreSQL `integer`).
MAX_ID = 2**31 - 1
#: Dates and times outside these years are refused before any arithmetic on them.
MIN_YEAR = 1900
MAX_YEAR = 2200
#: Fields of free text (a note, a reason) that may hold line breaks and tabs.
FREE_TEXT_FIELDS = frozenset({"note", "reason"})
#: The latest UTC offset in use: a date that is today anywhere is not in the future.
_LATEST_OFFSET = timedelta(hours=14)

# Control characters (C0, DEL, C1), the Unicode line and paragraph separators, and lone
# surrogates (which no UTF-8 database can store). Free text may keep tab, LF and CR.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_FORBIDDEN_IN_FREE_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"
)


def forbidden_character(value: str, field: str) -> str | None:
    """The first character that text for this field may not contain, or None."""
    pattern = _FORBIDDEN_IN_FREE_TEXT if field in FREE_TEXT_FIELDS else _FORBIDDEN
    found = pattern.search(value)
    return found.group() if found else None


def require_plain_text(value: str, field: str) -> str:
    """Text without control characters; free-text fields may hold line breaks and tabs."""
    character = forbidden_character(value, field)
    if character is not None:
        template = (
            N_(
                "{field} must not contain control characters other than line breaks and tabs"
                " (found U+{value:04X})."
            )
            if field in FREE_TEXT_FIELDS
            else N_("{field} must not contain control characters (found U+{value:04X}).")
        )
        raise InvalidInput(
            Phrase(template, field=field, value=ord(character)),
            field,
        )
    return value


def require_date(value: date, field: str) -> date:
    """A date within the years the clinic can mean."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidInput(
            Phrase(
                "{field} must lie between the years {min_year} and {max_year}.",
                field=field,
                min_year=MIN_YEAR,
                max_year=MAX_YEAR,
            ),
            field,
        )
    return value


def require_instant(value: datetime, field: str) -> datetime:
    """A date and time with a UTC offset, within the years the clinic can mean."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            Phrase("{field} needs a UTC offset, e.g. 2030-01-31T09:00:00+01:00.", field=field),
            field,
        )
    require_date(value.date(), field)
    return value


def require_birth_date(value: date, now: datetime, field: str = "birthDate") -> date:
    """A birth date within the years allowed and not in the future, i.e. not after the date
    it is somewhere on earth now (UTC+14), so no time zone needs to be known."""
    require_date(value, field)
    if value > (now.astimezone(UTC) + _LATEST_OFFSET).date():
        raise InvalidInput(Phrase("{field} must not be in the future.", field=field), field)
    return value


def normalize_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidInput(Phrase("'{value}' is not an email address.", value=value), field)
    return require_plain_text(email, field)


def require_text(value: str | None, field: str, max_length: int = 200) -> str:
    text = require_plain_text(value or "", field).strip()
    if not text:
        raise InvalidInput(Phrase("{field} must not be empty.", field=field), field)
    _require_length(text, field, max_length)
    return text


def optional_text(value: str | None, field: str, max_length: int = 2000) -> str | None:
    if value is None:
        return None
    text = require_plain_text(value, field).strip()
    _require_length(text, field, max_length)
    return text or None


def _require_length(text: str, field: str, max_length: int) -> None:
    if len(text) > max_length:
        raise InvalidInput(
            Phrase(
                "{field} must be at most {max_length} characters.",
                field=field,
                max_length=max_length,
            ),
            field,
        )


def parse_time_zone(name: str, field: str = "timeZone") -> ZoneInfo:
    """An IANA zone name such as Europe/Berlin; a path, a folder of zones or a name too
    long for the file system is no zone either."""
    try:
        if len(name) > 64 or not _ZONE.fullmatch(name):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(Phrase("'{name}' is not a known time zone.", name=name), field) from None


def parse_clock(value: str, field: str) -> time:
    """'HH:MM' in the clinic's time, as staff type it (ASCII digits only)."""
    match = _CLOCK.fullmatch(value.strip())
    if not match:
        raise InvalidInput(Phrase("'{value}' is not a time of day (HH:MM).", value=value), field)
    return time(int(match.group(1)), int(match.group(2)))


def require_weekday(value: int, field: str = "weekday") -> int:
    if not 1 <= value <= 7:
        raise InvalidInput("weekday is an ISO weekday: 1 (Monday) to 7 (Sunday).", field)
    return value


def require_range(
    start: datetime,
    end: datetime,
    field: str = "to",
    max_days: int | None = None,
    start_field: str = "from",
) -> None:
    require_instant(start, start_field)
    require_instant(end, field)
    if end <= start:
        raise InvalidInput("The end must come after the start.", field)
    if max_days is not None and (end - start).days > max_days:
        raise InvalidInput(
            Phrase("A range may span at most {max_days} days.", max_days=max_days), field
        )


def require_positive(value: int, field: str, maximum: int) -> int:
    if not 1 <= value <= maximum:
        raise InvalidInput(
            Phrase("{field} must be between 1 and {maximum}.", field=field, maximum=maximum), field
        )
    return value


def require_not_negative(value: int, field: str, maximum: int) -> int:
    if not 0 <= value <= maximum:
        raise InvalidInput(
            Phrase("{field} must be between 0 and {maximum}.", field=field, maximum=maximum), field
        )
    return value


def require_valid_dates(valid_from: date, valid_until: date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput("validUntil must not be before validFrom.", "validUntil")


def id_value(value: object) -> int | None:
    """The id a client's string names: ASCII digits, no sign, space or leading zero, within
    the integer columns' range (1 .. 2**31-1). None for anything else."""
    text = str(value)
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_id(value: str, field: str) -> int:
    """Our ids are positive integers in string form; anything else names nothing."""
    number = id_value(value)
    if number is None:
        raise InvalidInput(Phrase("'{value}' is not an id.", value=value), field)
    return number
