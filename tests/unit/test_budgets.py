"""Reading a sliding window counter: what is left, when there is room again, who pays."""

from __future__ import annotations

import pytest

from domain.actors import Actor, UserKind
from domain.budgets import (
    OverBudget,
    Window,
    budget_subject,
    seconds_until_room,
    state,
)

#: 30 s into a window: the previous window counts half, the current one until it ends.
HALFWAY = 30.0


def window(previous: int, current: int, left: float = HALFWAY) -> Window:
    """Counts with `left` seconds left in the current window."""
    return Window(previous, left if previous else 0.0, current, left + 60)


def test_the_previous_minute_counts_as_much_as_still_lies_within_the_last_sixty_seconds() -> None:
    assert window(600, 100).spent() == 600 * 0.5 + 100
    assert window(600, 100, left=15).spent() == 600 * 0.25 + 100
    assert window(0, 0).spent() == 0


def test_what_is_left_and_when_all_of_it_is_back() -> None:
    told = state(1000, window(600, 100))
    assert (told.limit, told.remaining) == (1000, 600)
    assert told.reset_seconds == 90  # the current window's count fades out by then
    assert state(1000, window(0, 0)).reset_seconds == 0
    assert state(300, window(0, 400)).remaining == 0


def test_room_now_means_no_wait() -> None:
    assert seconds_until_room(1000, 100, window(600, 100)) == 0.0


def test_room_comes_as_the_previous_minute_slides_out() -> None:
    # 300 + 100 spent of 500; 200 more fit once the previous 600 weigh 200 or less,
    # i.e. when a third of the minute is left: 10 s from now (less the fraction of a
    # unit the counter rounds away).
    wait = seconds_until_room(500, 200, window(600, 100))
    assert 9.8 <= wait <= 10.0
    assert window(600, 100).spent(wait) + 200 < 501


def test_room_comes_only_after_the_current_minute_when_it_alone_is_too_much() -> None:
    # 400 spent this minute of 500: 300 more fit once 400 weigh 200, half a minute after
    # the current window ends in 30 s.
    wait = seconds_until_room(500, 300, window(0, 400))
    assert 59.8 <= wait <= 60.0


@pytest.mark.parametrize(
    ("actor", "address", "subject"),
    [
        (Actor(7, UserKind.STAFF, scopes=frozenset(), client_id=3), "192.0.2.1", "client:3"),
        (Actor(7, UserKind.PATIENT), "192.0.2.1", "user:7"),
        (None, "192.0.2.1", "address:192.0.2.1"),
        (None, "2001:db8:1:2::99", "address:2001:db8:1:2::/64"),
        (None, "::ffff:192.0.2.1", "address:192.0.2.1"),
        (None, None, "address:unknown"),
    ],
)
def test_the_api_client_pays_else_the_user_else_the_address(
    actor: Actor | None, address: str | None, subject: str
) -> None:
    assert budget_subject(actor, address) == subject


def test_a_refusal_says_when_to_try_again_in_whole_seconds() -> None:
    refused = OverBudget(state(500, window(0, 400)), 300, 0.2)
    assert refused.code == "RATE_LIMITED"
    assert refused.retry_after_seconds == 1
    assert "300" in refused.message and "100" in refused.message
