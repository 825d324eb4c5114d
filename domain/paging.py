"""Pages of a list that grows with the clinic: what a client asks for (`first`/`after`,
`last`/`before`) and the opaque cursors that mark a place in it.

A cursor is the position of one item in a stable order: the values of the list's sort
key and the item's id, e.g. (name, id) for patients. It is written as base64url (no
padding) of a small JSON array `[version, list, *values]`, so a cursor of one list is no
cursor of another, and a cursor of an older format is told apart. Cursors are opaque,
not secret: whoever edits one only moves within what they may see anyway, since every
page is read through the same access rule. Anything that does not decode to the exact
shape the list expects is `InvalidInput` naming the argument.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from domain.errors import InvalidInput
from domain.phrases import Phrase
from domain.validation import MAX_ID, forbidden_character

#: The most items one page may hold; asking for more is refused (never cut silently).
MAX_PAGE_SIZE = 100
#: Items per page when the client gives neither `first` nor `last`.
DEFAULT_PAGE_SIZE = 20
#: The cursor format; a new format gets a new number and old cursors are refused.
CURSOR_VERSION = 1
#: A cursor longer than this is no cursor of ours (names are at most 200 characters).
MAX_CURSOR_LENGTH = 1024

#: What one position holds: text, whole numbers and instants (sent as microseconds).
Value = str | int | datetime
#: The shape of a list's positions: the type of each value, the id last.
Shape = tuple[type, ...]


@dataclass(frozen=True)
class Order:
    """A list's stable order: its name in cursors, the types of its key values (the id
    last) and whether it runs from the largest key down."""

    name: str
    shape: Shape
    descending: bool = False


@dataclass(frozen=True)
class PageArguments:
    """The paging arguments as the client gave them, unchecked."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass(frozen=True)
class PageRequest:
    """A checked request for one page: at most `size` items after `after` and before
    `before` (positions in the list's order), from the front or, with `from_end`, the back."""

    size: int
    from_end: bool = False
    after: tuple[Value, ...] | None = None
    before: tuple[Value, ...] | None = None


T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page in the list's order, each item's cursor, and whether items lie beyond
    it on either side."""

    items: Sequence[T]
    cursors: Sequence[str]
    has_previous: bool
    has_next: bool

    def converted(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with each item converted."""
        items = [convert(item) for item in self.items]
        return Page(items, self.cursors, self.has_previous, self.has_next)


# The lists that grow with the clinic, each in a stable order ending with the id.
#: Existing patients by name.
PATIENTS = Order("patients", (str, int))
#: Online registrations (provisional patients), oldest first.
REGISTRATIONS = Order("registrations", (datetime, int))
#: Appointments by start.
APPOINTMENTS = Order("appointments", (datetime, int))
#: Requests waiting for an answer, oldest request first.
PENDING_REQUESTS = Order("pending", (datetime, int))
#: The waitlist, in line order.
WAITLIST = Order("waitlist", (int, int))
#: Invitations, newest first (by when first made: a resend does not move one).
INVITATIONS = Order("invitations", (datetime, int), descending=True)


def page_request(order: Order, arguments: PageArguments) -> PageRequest:
    """The client's paging arguments, checked: `first` or `last` (not both) between 0 and
    MAX_PAGE_SIZE, and cursors of this list. Raises InvalidInput naming the argument."""
    first, after, last, before = (
        arguments.first,
        arguments.after,
        arguments.last,
        arguments.before,
    )
    if first is not None and last is not None:
        raise InvalidInput("Give either first or last, not both.", "last")
    size = DEFAULT_PAGE_SIZE
    for name, value in (("first", first), ("last", last)):
        if value is not None:
            if not 0 <= value <= MAX_PAGE_SIZE:
                raise InvalidInput(
                    Phrase(
                        "{name} must be between 0 and {max_page_size}; follow pageInfo's cursors for more.",
                        name=name,
                        max_page_size=MAX_PAGE_SIZE,
                    ),
                    name,
                )
            size = value
    return PageRequest(
        size=size,
        from_end=last is not None,
        after=None if after is None else decode_cursor(order, after, "after"),
        before=None if before is None else decode_cursor(order, before, "before"),
    )


def encode_cursor(order: Order, position: Sequence[Value]) -> str:
    """The opaque cursor of one position in the list's order."""
    values = [_plain(v) for v in position]
    raw = json.dumps([CURSOR_VERSION, order.name, *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")


def decode_cursor(order: Order, cursor: str, argument: str) -> tuple[Value, ...]:
    """The position a cursor marks in this list; InvalidInput naming `argument` for
    anything else (garbage, another list's cursor, another format)."""
    refused = InvalidInput(
        Phrase(
            "{argument} is not a cursor of this list: use a cursor from its pageInfo or edges.",
            argument=argument,
        ),
        argument,
    )
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        raise refused
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise refused from None
    if (
        not isinstance(decoded, list)
        or len(decoded) != 2 + len(order.shape)
        or decoded[0] != CURSOR_VERSION
        or decoded[1] != order.name
    ):
        raise refused
    values = tuple(_typed(v, t) for v, t in zip(decoded[2:], order.shape, strict=True))
    if any(v is None for v in values):
        raise refused
    return values  # type: ignore[return-value]


def _plain(value: Value) -> str | int:
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=UTC)
        return round(instant.timestamp() * 1_000_000)
    return value


#: Instants a position may hold: those the database can store.
_MAX_MICROSECONDS = 253_402_300_799 * 1_000_000  # 9999-12-31T23:59:59Z


def _typed(value: object, wanted: type) -> Value | None:
    """The value as the list's key holds it, or None when it is not of that type."""
    if isinstance(value, bool):
        return None
    if wanted is str:
        if not isinstance(value, str) or len(value) > 400:
            return None
        return value if forbidden_character(value, "cursor") is None else None
    if wanted is int:
        return value if isinstance(value, int) and 0 <= value <= MAX_ID else None
    if wanted is datetime and isinstance(value, int) and 0 <= value <= _MAX_MICROSECONDS:
        seconds, micros = divmod(value, 1_000_000)
        return datetime.fromtimestamp(seconds, UTC).replace(microsecond=micros)
    return None
