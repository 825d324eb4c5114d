"""The schema's DateTime and Date: instants in whole seconds with a UTC offset (the
clinic's, see `Context.local`), and dates within the years the clinic can mean."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

_parse_date_time = DateTimeDefinition.parse_value


def parse_date_time(value: object) -> object:
    """Strawberry's DateTime parsing, except that a value whose parsing overflows (such
    as 9999-12-31T24:00) is refused as not a DateTime instead of failing in the server."""
    assert _parse_date_time is not None
    try:
        return _parse_date_time(value)
    except OverflowError:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". It is out of range.'
        ) from None


def serialize_date_time(value: object) -> str:
    """A DateTime as clients see it: whole seconds, with the UTC offset it carries (the
    fields give the clinic's, see `Context.local`). A time without an offset is a bug."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise TypeError(f"DateTime output needs a date-time with a UTC offset, not {value!r}")
    return value.isoformat(timespec="seconds")


DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description=(
        "An instant in ISO 8601, in whole seconds with the clinic's UTC offset at that "
        "moment, e.g. 2026-12-01T09:30:00+01:00. Arguments need a UTC offset (Z or ±hh:mm) "
        "and a year from 1900 to 2200."
    ),
    serialize=serialize_date_time,
    parse_value=parse_date_time,
)
DATE = dataclasses.replace(
    DateDefinition,
    description="A calendar date in ISO 8601 (YYYY-MM-DD), e.g. a birth date; years 1900 to 2200.",
)
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {datetime: DATE_TIME, date: DATE}
