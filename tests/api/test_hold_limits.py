"""No squatting: an unverified user occupies one slot at a time, live holds are limited
per client address, and hold attempts per address are limited in rate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain.actors import UserKind
from domain.throttling import HOLDS_PER_ADDRESS
from resolvers.deps import Deps
from tests import factories
from tests.api.conftest import Clock
from tests.api.test_holds import REQUEST, expire_holds
from tests.support import GraphQL

HOLD = """
mutation Hold($practitionerId: ID!, $serviceId: ID!, $start: DateTime!) {
  hold(practitionerId: $practitionerId, serviceId: $serviceId, start: $start) {
    __typename
    ... on Hold { appointment { id } }
    ... on Problem { code message }
    ... on TooManyAttempts { retryAfterSeconds }
  }
}
"""


async def hold(gql: GraphQL, diary: factories.Diary, start: datetime, token: str) -> dict:
    variables = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": start.isoformat(),
    }
    return (await gql(HOLD, variables, token=token))["hold"]


async def test_an_unverified_users_second_hold_is_refused(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    newcomer = await factories.user(deps, kind=UserKind.PROVISIONAL_PATIENT)

    first = await hold(gql, diary, factories.slot_start(hour=9), newcomer.token)
    second = await hold(gql, diary, factories.slot_start(hour=10), newcomer.token)

    assert first["__typename"] == "Hold"
    assert second["__typename"] == "NotAllowed"
    assert "Confirm your email" in second["message"]


async def test_an_unverified_user_cannot_hold_again_by_requesting_the_first(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    profile = await factories.patient(deps, provisional=True)
    newcomer = await factories.user(deps, kind=UserKind.PROVISIONAL_PATIENT, patients=(profile,))
    held = await hold(gql, diary, factories.slot_start(hour=9), newcomer.token)
    booked = (
        await gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": str(profile.id)},
            token=newcomer.token,
        )
    )["request"]

    again = await hold(gql, diary, factories.slot_start(hour=10), newcomer.token)

    assert booked["status"] == "PROVISIONAL"
    assert again["__typename"] == "NotAllowed"


async def test_once_released_an_unverified_user_may_hold_again(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    newcomer = await factories.user(deps, kind=UserKind.PROVISIONAL_PATIENT)
    await hold(gql, diary, factories.slot_start(hour=9), newcomer.token)
    await expire_holds(deps)

    assert (await hold(gql, diary, factories.slot_start(hour=10), newcomer.token))[
        "__typename"
    ] == "Hold"


async def test_live_holds_from_one_address_beyond_the_clinics_limit_are_refused(
    from_address: Callable[[str], GraphQL], deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    crowded, other = from_address("203.0.113.30"), from_address("198.51.100.30")
    users = [await factories.user(deps) for _ in range(4)]  # two live holds each at most
    starts = iter(factories.slot_start(hour=h) for h in range(8, 18))

    held = [await hold(crowded, diary, next(starts), u.token) for u in users[:3] for _ in (1, 2)]
    refused = await hold(crowded, diary, next(starts), users[3].token)
    elsewhere = await hold(other, diary, next(starts), users[3].token)

    assert [h["__typename"] for h in held] == ["Hold"] * 6
    assert refused["__typename"] == "TooManyAttempts"
    assert "held from your network" in refused["message"]
    assert 0 < refused["retryAfterSeconds"] <= 5 * 60
    assert elsewhere["__typename"] == "Hold"

    await expire_holds(deps)
    assert (await hold(crowded, diary, next(starts), users[3].token))["__typename"] == "Hold"


async def test_the_limit_per_address_is_a_clinic_setting(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, max_live_holds_per_address=1)
    diary = await factories.online_practitioner(deps)
    anna, paul = await factories.user(deps), await factories.user(deps)
    settings = (await gql("{ clinic { settings { maxLiveHoldsPerAddress } } }"))["clinic"]

    await hold(gql, diary, factories.slot_start(hour=9), anna.token)
    refused = await hold(gql, diary, factories.slot_start(hour=10), paul.token)

    assert settings == {"settings": {"maxLiveHoldsPerAddress": 1}}
    assert refused["__typename"] == "TooManyAttempts"


async def test_hold_attempts_from_one_address_are_limited_in_rate(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    off_grid = factories.slot_start(hour=10, minute=7)

    answers = [
        await hold(gql, diary, off_grid, anna.token) for _ in range(HOLDS_PER_ADDRESS.free + 1)
    ]

    assert {a["__typename"] for a in answers[:-1]} == {"InvalidInput"}
    assert answers[-1]["__typename"] == "TooManyAttempts"
    clock.advance(answers[-1]["retryAfterSeconds"])
    assert (await hold(gql, diary, factories.slot_start(), anna.token))["__typename"] == "Hold"
