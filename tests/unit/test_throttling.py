"""Attempt budgets, client addresses as subjects, and the in-memory tallies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import policy
from domain.errors import NotAllowed
from domain.throttling import (
    HOLDS_PER_ADDRESS,
    REGISTRATIONS_PER_ADDRESS,
    SIGN_IN_PER_ACCOUNT,
    Budget,
    Charge,
    DiaryShare,
    TooManyAttempts,
    address_subject,
    hold_origin,
)
from persistence.attempts import AttemptStore, MemoryAttempts

TEST = Budget("test", "tries", free=3, first_delay=10, max_delay=60, forget_after=600)
OTHER = Budget("other", "tries", free=1, first_delay=100, max_delay=100, forget_after=600)


def test_the_first_attempts_are_free_then_each_waits_twice_as_long_up_to_the_cap() -> None:
    assert [TEST.delay(n) for n in range(1, 8)] == [0, 0, 10, 20, 40, 60, 60]
    assert TEST.delays() == [0, 0, 10, 20, 40, 60]
    assert SIGN_IN_PER_ACCOUNT.delays()[-1] == SIGN_IN_PER_ACCOUNT.max_delay


def test_registering_six_accounts_from_one_address_takes_a_minute_twenty_ten_hours() -> None:
    """The figures in docs/decisions.md ("No squatting")."""
    assert REGISTRATIONS_PER_ADDRESS.seconds_to_make(6) == 60
    assert REGISTRATIONS_PER_ADDRESS.seconds_to_make(20) == 36_180  # 10 h 3 min


def test_an_ipv6_client_is_its_slash_64_and_a_mapped_ipv4_client_its_ipv4() -> None:
    assert address_subject("2001:db8:1:2:aaaa::1") == address_subject("2001:db8:1:2:ffff::9")
    assert address_subject("2001:db8:1:2::1") != address_subject("2001:db8:1:3::1")
    assert address_subject("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_subject(None) == address_subject("") == "unknown"


def test_a_hold_keeps_a_keyed_digest_of_its_address_not_the_address() -> None:
    origin = hold_origin("secret", "192.0.2.1")
    assert "192" not in origin
    assert origin == hold_origin("secret", "::ffff:192.0.2.1")
    assert origin != hold_origin("another secret", "192.0.2.1")


def test_the_wait_is_told_in_whole_seconds_or_minutes() -> None:
    assert TooManyAttempts("tries", 0.2).retry_after_seconds == 1
    assert TooManyAttempts("tries", 14.1).message == "Too many tries; try again in 15 seconds."
    assert TooManyAttempts("tries", 900).message == "Too many tries; try again in 15 minutes."


async def check_store_rules(store: AttemptStore) -> None:
    """What every attempt store must do; the Redis store is held to it in the live tier."""
    await store.forget_all()
    now = 1_000_000.0
    mine, theirs = Charge(TEST, "me"), Charge(OTHER, "them")

    assert [await store.spend(now, [mine]) for _ in range(3)] == [0, 0, 0]
    assert await store.spend(now + 4, [mine]) == pytest.approx(6)
    # all or nothing: `theirs` is not counted while `mine` must wait
    assert await store.spend(now + 4, [theirs, mine]) == pytest.approx(6)
    assert await store.spend(now + 10, [theirs]) == 0
    assert await store.spend(now + 10, [mine]) == 0
    assert await store.spend(now + 10, [mine]) == pytest.approx(20)

    await store.refund(mine)  # back to three: the wait after the third
    assert await store.spend(now + 10, [mine]) == pytest.approx(10)
    await store.clear(mine)
    assert [await store.spend(now + 10, [mine]) for _ in range(3)] == [0, 0, 0]
    # after a quiet `forget_after` the free attempts are free again
    assert [await store.spend(now + 610, [mine]) for _ in range(3)] == [0, 0, 0]
    await store.forget_all()


async def test_the_memory_store_keeps_the_rules() -> None:
    await check_store_rules(MemoryAttempts())


async def test_the_memory_store_drops_the_least_recently_used_beyond_its_capacity() -> None:
    store = MemoryAttempts(capacity=2)
    for name in ("a", "b", "c"):
        for _ in range(OTHER.free):
            await store.spend(0, [Charge(OTHER, name)])
    assert await store.spend(1, [Charge(OTHER, "a")]) == 0
    assert await store.spend(1, [Charge(OTHER, "c")]) == pytest.approx(99)


NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def share(user_holds: int = 0, user_slots: int = 0, address_holds: int = 0) -> DiaryShare:
    return DiaryShare(user_holds, user_slots, address_holds, NOW + timedelta(minutes=3))


def room(found: DiaryShare, *, verified: bool = True) -> None:
    policy.require_room_to_hold(
        found, verified=verified, max_live_holds=2, max_live_holds_per_address=6, now=NOW
    )


def test_an_unverified_user_occupies_one_slot_a_verified_one_the_clinics_holds() -> None:
    room(share(), verified=False)
    with pytest.raises(NotAllowed, match="Confirm your email"):
        room(share(user_slots=1), verified=False)
    room(share(user_holds=1, user_slots=5))
    with pytest.raises(NotAllowed, match="already hold 2"):
        room(share(user_holds=2, user_slots=2))


def test_an_address_full_of_holds_is_told_when_the_first_lapses() -> None:
    with pytest.raises(TooManyAttempts) as refused:
        room(share(address_holds=6))
    assert refused.value.retry_after_seconds == 180


def test_the_hold_budget_lets_a_portal_browse() -> None:
    assert HOLDS_PER_ADDRESS.free >= 20
