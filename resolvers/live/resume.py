"""Subscriptions that resume: a subscriber names the last event it saw (`since`), and
gets every later one it may see before live ones, or `RESYNC` when the history no
longer reaches back that far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import InvalidInput
from subscriptions.history import MalformedCursor, Position, read_cursor
from subscriptions.hub import Hub

T = TypeVar("T")

#: A place no history holds: where another deployment's cursor points here.
NOWHERE: Position = (0, 0)
MAX_CURSOR = 64


@dataclass(frozen=True)
class Live(Generic[T]):
    """An event for a subscriber, with the cursor it resumes from after it."""

    value: T
    cursor: str | None


class ResyncRequired:
    """The subscriber must re-read what it shows; live events follow."""


RESYNC = ResyncRequired()


def resume_point(hub: Hub, since: str | None) -> Position | None:
    """Where the history is read from; `InvalidInput` for a cursor this API never gave."""
    if since is None:
        return None
    try:
        if len(since) > MAX_CURSOR:
            raise MalformedCursor(since)
        position = read_cursor(since, hub.deployment)
    except MalformedCursor:
        raise InvalidInput("This is not a cursor this API gave out.", field="since") from None
    return NOWHERE if position is None else position
